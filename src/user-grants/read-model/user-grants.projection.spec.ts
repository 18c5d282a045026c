import { History, at } from '../../../test/support/given';
import {
  grantAdded,
  grantCascadeChanged,
  grantChanged,
  grantDeactivated,
  grantReactivated,
  grantRemoved,
  humanAdded,
  machineAdded,
  orgAdded,
  primaryDomainSet,
  projectAdded,
  projectRemoved,
  roleAdded,
  roleRemoved,
  userGrantAdded,
  userGrantCascadeChanged,
  userGrantCascadeRemoved,
  userGrantChanged,
  userGrantDeactivated,
  userGrantReactivated,
  userGrantRemoved,
  userRemoved,
} from '../../../test/support/events';
import { project } from '../../../test/support/memory-view';
import type { UserGrantEvent } from '../user-grant.events';
import { USER_GRANTS, type UserGrantDoc, userGrantsProjection } from './user-grants.projection';

const V = 'vendor';
const C = 'customer';
const P = 'portal';
const Q = 'quarry';
const G = 'g-p-c';
const GQ = 'g-q-c';
const GIGI = 'gigi';
const BOB = 'bob';
const byV = { resourceOwner: V };
const byC = { resourceOwner: C };
const iso = (position: number) => at(position).toISOString();

/**
 * Vendor (1–2) and Customer A (3–4); Portal in V with reader, writer (5–7) granted to C with both
 * (8); Quarry in V with reader (9–10) granted to C (11); gigi (12) and bob (13), humans in C.
 */
function setup(): History {
  const history = new History();
  history.record(`org-${V}`, [orgAdded('Vendor'), primaryDomainSet('vendor.localhost')], { resourceOwner: V });
  history.record(`org-${C}`, [orgAdded('Customer A'), primaryDomainSet('customer-a.localhost')], { resourceOwner: C });
  history.record(`project-${P}`, [projectAdded('Portal'), roleAdded('reader'), roleAdded('writer'), grantAdded(G, C, ['reader', 'writer'])], byV);
  history.record(`project-${Q}`, [projectAdded('Quarry'), roleAdded('reader'), grantAdded(GQ, C, ['reader'])], byV);
  history.record(`user-${GIGI}`, humanAdded('Gigi', 'Gigi', 'Giraffe', 'Gigi@Example.com'), byC);
  history.record(`user-${BOB}`, humanAdded('bob', 'Bob', 'Builder', 'bob@example.com'), byC);
  return history;
}

const grantOf = (id: string) => `usergrant-${id}`;
const ids = (docs: readonly { id: string }[]) => docs.map((doc) => doc.id).sort();

describe('user grants projection: user.grant.added', () => {
  it('given gigi granted reader on G by C, then the document has every field of §6.2 and its details', async () => {
    const history = setup();
    history.record(grantOf('ug1'), userGrantAdded(GIGI, P, G, ['reader']), byC); // 14

    const view = await project(userGrantsProjection, history.events);

    const expected: UserGrantDoc = {
      id: 'ug1',
      sequence: 1,
      creationDate: iso(14),
      changeDate: iso(14),
      resourceOwner: C,
      createdPosition: 14,
      userId: GIGI,
      projectId: P,
      projectGrantId: G,
      roleKeys: ['reader'],
      state: 'active',
      projectGrantState: 'active',
      orgName: 'Customer A',
      orgDomain: 'customer-a.localhost',
      userName: 'Gigi',
      firstName: 'Gigi',
      lastName: 'Giraffe',
      email: 'Gigi@Example.com',
      displayName: 'Gigi Giraffe',
      userType: 'human',
      preferredLoginName: 'Gigi@customer-a.localhost',
      userOrgId: C,
      userOrgName: 'Customer A',
      userOrgDomain: 'customer-a.localhost',
      projectName: 'Portal',
      projectOwnerId: V,
      folded: {
        userName: 'gigi',
        firstName: 'gigi',
        lastName: 'giraffe',
        email: 'gigi@example.com',
        displayName: 'gigi giraffe',
        orgName: 'customer a',
        orgDomain: 'customer-a.localhost',
        projectName: 'portal',
      },
    };
    expect(view.docs(USER_GRANTS)).toEqual([expected]);
    // Removal is permanent: no second list of the roles the stream holds is kept to restore from.
    expect(view.docs(USER_GRANTS)[0]).not.toHaveProperty('storedRoleKeys');
  });

  it('given gigi granted on owned Portal by V, then the owning org is V, the user org is C, and there is no project grant state', async () => {
    const history = setup();
    history.record(grantOf('ug1'), userGrantAdded(GIGI, P, undefined, ['writer']), byV);

    const view = await project(userGrantsProjection, history.events);

    expect(await view.get(USER_GRANTS, 'ug1')).toMatchObject({
      resourceOwner: V,
      projectGrantId: '',
      projectGrantState: '',
      roleKeys: ['writer'],
      orgName: 'Vendor',
      orgDomain: 'vendor.localhost',
      userOrgId: C,
      userOrgName: 'Customer A',
    });
  });

  it('given a machine user, then userType is machine and the display name is the machine name', async () => {
    const history = setup();
    history.record('user-robot', machineAdded('robot', 'Robot'), byC);
    history.record(grantOf('ug1'), userGrantAdded('robot', P, G), byC);

    const view = await project(userGrantsProjection, history.events);

    expect(await view.get(USER_GRANTS, 'ug1')).toMatchObject({ userType: 'machine', displayName: 'Robot', firstName: '', roleKeys: [] });
  });

  it('given G was changed to [reader] before the user grant with [reader, writer] was processed, then writer is dropped on insert', async () => {
    const history = setup();
    history.record(`project-${P}`, grantChanged(G, ['reader']), byV);
    history.record(grantOf('ug1'), userGrantAdded(GIGI, P, G, ['reader', 'writer']), byC);

    const view = await project(userGrantsProjection, history.events);

    expect(await view.get(USER_GRANTS, 'ug1')).toMatchObject({ roleKeys: ['reader'] });
  });

  it('given writer dropped on insert, when G offers writer again, then the user grant does not get it (dropped for good)', async () => {
    const history = setup();
    history.record(`project-${P}`, grantChanged(G, ['reader']), byV); // 14
    history.record(grantOf('ug1'), userGrantAdded(GIGI, P, G, ['reader', 'writer']), byC); // 15
    history.record(`project-${P}`, grantChanged(G, ['reader', 'writer']), byV); // 16

    const view = await project(userGrantsProjection, history.events);

    expect(await view.get(USER_GRANTS, 'ug1')).toMatchObject({ roleKeys: ['reader'], sequence: 1, changeDate: iso(15) });
  });

  it('given writer removed from Portal and added back before the user grant with [reader, writer] was processed, then it keeps writer (offered when it was added)', async () => {
    const history = setup();
    history.record(`project-${P}`, roleRemoved('writer'), byV);
    history.record(`project-${P}`, roleAdded('writer'), byV);
    history.record(grantOf('ug1'), userGrantAdded(GIGI, P, undefined, ['reader', 'writer']), byV);

    const view = await project(userGrantsProjection, history.events);

    expect(await view.get(USER_GRANTS, 'ug1')).toMatchObject({ roleKeys: ['reader', 'writer'] });
  });

  it('given writer was removed from owned Portal before the user grant was processed, then writer is dropped on insert', async () => {
    const history = setup();
    history.record(`project-${P}`, [roleRemoved('writer'), grantCascadeChanged(G, ['reader'])], byV);
    history.record(grantOf('ug1'), userGrantAdded(GIGI, P, undefined, ['writer', 'reader']), byV);

    const view = await project(userGrantsProjection, history.events);

    expect(await view.get(USER_GRANTS, 'ug1')).toMatchObject({ roleKeys: ['reader'] });
  });

  it('given a role removed from the project but not yet cascaded to G, then the role is dropped on insert (grant roles ∩ project roles)', async () => {
    const history = setup();
    history.record(`project-${P}`, roleRemoved('writer'), byV);
    history.record(grantOf('ug1'), userGrantAdded(GIGI, P, G, ['reader', 'writer']), byC);

    const view = await project(userGrantsProjection, history.events);

    expect(await view.get(USER_GRANTS, 'ug1')).toMatchObject({ roleKeys: ['reader'] });
  });

  it('given G was inactive when the user grant was added, then projectGrantState is inactive and state is active', async () => {
    const history = setup();
    history.record(`project-${P}`, grantDeactivated(G), byV);
    history.record(grantOf('ug1'), userGrantAdded(GIGI, P, G, ['reader']), byC);

    const view = await project(userGrantsProjection, history.events);

    expect(await view.get(USER_GRANTS, 'ug1')).toMatchObject({ state: 'active', projectGrantState: 'inactive' });
  });

  it.each([
    ['its project grant was removed', grantOf('x'), (history: History) => history.record(`project-${P}`, grantRemoved(G, C), byV)],
    ['its project was removed', grantOf('x'), (history: History) => history.record(`project-${P}`, projectRemoved('Portal'), byV)],
    ['its user was removed', grantOf('x'), (history: History) => history.record(`user-${GIGI}`, userRemoved, byC)],
  ])('given %s before user.grant.added is processed, then no document is created', async (_, stream, removal) => {
    const history = setup();
    removal(history);
    history.record(stream, userGrantAdded(GIGI, P, G, ['reader']), byC);

    const view = await project(userGrantsProjection, history.events);

    expect(view.docs(USER_GRANTS)).toEqual([]);
  });

  it('given the user grant names a project that never existed, then no document is created', async () => {
    const history = setup();
    history.record(grantOf('ug1'), userGrantAdded(GIGI, 'nowhere', undefined, []), byC);

    const view = await project(userGrantsProjection, history.events);

    expect(view.docs(USER_GRANTS)).toEqual([]);
  });
});

describe('user grants projection: own events', () => {
  /** ug1: gigi on G [reader, writer] (14); ug2: bob on G [reader] (15). */
  function withGrants(): History {
    const history = setup();
    history.record(grantOf('ug1'), userGrantAdded(GIGI, P, G, ['reader', 'writer']), byC);
    history.record(grantOf('ug2'), userGrantAdded(BOB, P, G, ['reader']), byC);
    return history;
  }

  it('given user.grant.changed, then roles, sequence and changeDate follow it', async () => {
    const history = withGrants();
    history.record<UserGrantEvent>(grantOf('ug1'), userGrantChanged(GIGI, ['writer']), byC); // 16

    const view = await project(userGrantsProjection, history.events);

    expect(await view.get(USER_GRANTS, 'ug1')).toMatchObject({ roleKeys: ['writer'], sequence: 2, creationDate: iso(14), changeDate: iso(16) });
    expect(await view.get(USER_GRANTS, 'ug2')).toMatchObject({ sequence: 1, changeDate: iso(15) });
  });

  it('given user.grant.changed to a role G no longer offers, then roleKeys drops it; when G offers it again, it does not return', async () => {
    const history = withGrants();
    history.record(`project-${P}`, grantChanged(G, ['reader']), byV); // 16
    history.record<UserGrantEvent>(grantOf('ug1'), userGrantChanged(GIGI, ['reader', 'writer']), byC); // 17
    const changed = await project(userGrantsProjection, history.events);
    history.record(`project-${P}`, grantChanged(G, ['reader', 'writer']), byV); // 18
    const widened = await project(userGrantsProjection, history.events);

    expect(await changed.get(USER_GRANTS, 'ug1')).toMatchObject({ roleKeys: ['reader'], sequence: 2, changeDate: iso(17) });
    expect(await widened.get(USER_GRANTS, 'ug1')).toMatchObject({ roleKeys: ['reader'], sequence: 2, changeDate: iso(17) });
  });

  it('given writer removed from G and G widened back, when user.grant.changed gives writer again, then roleKeys shows it (a caller\'s choice on the new state)', async () => {
    const history = withGrants();
    history.record(`project-${P}`, grantChanged(G, ['reader']), byV); // 16
    history.record(`project-${P}`, grantChanged(G, ['reader', 'writer']), byV); // 17
    const readded = await project(userGrantsProjection, history.events);
    history.record<UserGrantEvent>(grantOf('ug1'), userGrantChanged(GIGI, ['writer', 'reader']), byC); // 18
    const changed = await project(userGrantsProjection, history.events);

    expect(await readded.get(USER_GRANTS, 'ug1')).toMatchObject({ roleKeys: ['reader'], sequence: 1 });
    expect(await changed.get(USER_GRANTS, 'ug1')).toMatchObject({ roleKeys: ['writer', 'reader'], sequence: 2, changeDate: iso(18) });
  });

  it('given user.grant.cascade.changed, then roles, sequence and changeDate follow it', async () => {
    const history = withGrants();
    history.record<UserGrantEvent>(grantOf('ug1'), userGrantCascadeChanged(['reader']), byC); // 16

    const view = await project(userGrantsProjection, history.events);

    expect(await view.get(USER_GRANTS, 'ug1')).toMatchObject({ roleKeys: ['reader'], sequence: 2, changeDate: iso(16) });
  });

  it('given user.grant.deactivated then reactivated, then state, sequence and changeDate follow each', async () => {
    const history = withGrants();
    history.record<UserGrantEvent>(grantOf('ug1'), userGrantDeactivated, byC); // 16
    const deactivated = await project(userGrantsProjection, history.events);
    history.record<UserGrantEvent>(grantOf('ug1'), userGrantReactivated, byC); // 17
    const reactivated = await project(userGrantsProjection, history.events);

    expect(await deactivated.get(USER_GRANTS, 'ug1')).toMatchObject({ state: 'inactive', sequence: 2, changeDate: iso(16) });
    expect(await reactivated.get(USER_GRANTS, 'ug1')).toMatchObject({ state: 'active', sequence: 3, changeDate: iso(17) });
  });

  it.each<[string, UserGrantEvent]>([
    ['user.grant.removed', userGrantRemoved(GIGI, P, G)],
    ['user.grant.cascade.removed', userGrantCascadeRemoved],
  ])('given %s, then that document is gone and the other stays', async (_, removal) => {
    const history = withGrants();
    history.record(grantOf('ug1'), removal, byC);

    const view = await project(userGrantsProjection, history.events);

    expect(ids(view.docs(USER_GRANTS))).toEqual(['ug2']);
  });
});

describe('user grants projection: reactions to project, grant and user events', () => {
  /** ug1: gigi on G [reader, writer] (14); ug2: gigi on owned Portal by V [reader, writer] (15); ug3: bob on GQ [reader] (16). */
  function withGrants(): History {
    const history = setup();
    history.record(grantOf('ug1'), userGrantAdded(GIGI, P, G, ['reader', 'writer']), byC);
    history.record(grantOf('ug2'), userGrantAdded(GIGI, P, undefined, ['reader', 'writer']), byV);
    history.record(grantOf('ug3'), userGrantAdded(BOB, Q, GQ, ['reader']), byC);
    return history;
  }

  it('given a role added to Portal, or writer removed, then only the user grants that lose a role are written', async () => {
    const history = withGrants();
    history.record(grantOf('ug4'), userGrantAdded(BOB, P, undefined, ['reader']), byV); // 17
    const before = history.events.length;
    history.record(`project-${P}`, [roleAdded('admin'), roleRemoved('writer')], byV); // 18, 19
    const view = await project(userGrantsProjection, history.events.slice(0, before));
    const written: string[] = [];
    const put = view.put.bind(view);
    view.put = async (collection, doc) => {
      if (collection === USER_GRANTS) written.push(doc.id);
      return put(collection, doc);
    };

    await project(userGrantsProjection, history.events.slice(before), view);

    // ug4 holds reader only: rewriting it unchanged was a write per user grant of the project.
    expect(written.sort()).toEqual(['ug1', 'ug2']);
    expect(await view.get(USER_GRANTS, 'ug4')).toMatchObject({ roleKeys: ['reader'], sequence: 1 });
  });

  it('given project.role.removed of writer on Portal, then both Portal user grants drop writer without touching sequence or changeDate', async () => {
    const history = withGrants();
    history.record(`project-${P}`, roleRemoved('writer'), byV);

    const view = await project(userGrantsProjection, history.events);

    expect(await view.get(USER_GRANTS, 'ug1')).toMatchObject({ roleKeys: ['reader'], sequence: 1, changeDate: iso(14) });
    expect(await view.get(USER_GRANTS, 'ug2')).toMatchObject({ roleKeys: ['reader'], sequence: 1, changeDate: iso(15) });
  });

  it('given writer removed from Portal and added again before any cascade, then neither the owned user grant nor the one on G shows writer again, and their details stay', async () => {
    const history = withGrants();
    history.record(`project-${P}`, [roleRemoved('writer'), grantCascadeChanged(G, ['reader'])], byV); // 17, 18
    history.record(`project-${P}`, roleAdded('writer'), byV); // 19

    const view = await project(userGrantsProjection, history.events);

    expect(await view.get(USER_GRANTS, 'ug2')).toMatchObject({ roleKeys: ['reader'], sequence: 1, changeDate: iso(15) });
    expect(await view.get(USER_GRANTS, 'ug1')).toMatchObject({ roleKeys: ['reader'], sequence: 1, changeDate: iso(14) });
  });

  it('given writer removed from Portal and added again, when G is given writer again too, then the user grant on G still does not show it', async () => {
    const history = withGrants();
    history.record(`project-${P}`, [roleRemoved('writer'), grantCascadeChanged(G, ['reader'])], byV);
    history.record(`project-${P}`, [roleAdded('writer'), grantChanged(G, ['reader', 'writer'])], byV);

    const view = await project(userGrantsProjection, history.events);

    expect(await view.get(USER_GRANTS, 'ug1')).toMatchObject({ roleKeys: ['reader'], sequence: 1 });
    expect(await view.get(USER_GRANTS, 'ug2')).toMatchObject({ roleKeys: ['reader'], sequence: 1 });
  });

  it('given G narrowed to [writer] and widened back to [reader, writer], then the user grant on G does not show reader again; the owned one was never touched', async () => {
    const history = withGrants();
    history.record(`project-${P}`, grantChanged(G, ['writer']), byV); // 17
    const narrowed = await project(userGrantsProjection, history.events);
    history.record(`project-${P}`, grantChanged(G, ['reader', 'writer']), byV); // 18
    const widened = await project(userGrantsProjection, history.events);

    expect(await narrowed.get(USER_GRANTS, 'ug1')).toMatchObject({ roleKeys: ['writer'], sequence: 1 });
    expect(await widened.get(USER_GRANTS, 'ug1')).toMatchObject({ roleKeys: ['writer'], sequence: 1, changeDate: iso(14) });
    expect(await widened.get(USER_GRANTS, 'ug2')).toMatchObject({ roleKeys: ['reader', 'writer'] });
  });

  it('given G narrowed by project.grant.cascade.changed and widened back, then the user grant on G does not show the role again', async () => {
    const history = withGrants();
    history.record(`project-${P}`, grantCascadeChanged(G, ['writer']), byV);
    history.record(`project-${P}`, grantChanged(G, ['reader', 'writer']), byV);

    const view = await project(userGrantsProjection, history.events);

    expect(await view.get(USER_GRANTS, 'ug1')).toMatchObject({ roleKeys: ['writer'] });
  });

  /**
   * The reactor decided admin's cascade on the stream, which still held writer, and it lands after
   * writer was taken and given back: a cascade only takes roles away, so writer stays out.
   */
  it('given admin removed, then writer removed and added back, when the cascade of admin\'s removal (still listing writer) arrives, then the owned user grant does not show writer again', async () => {
    const history = withGrants();
    history.record(`project-${P}`, roleAdded('admin'), byV); // 17
    history.record<UserGrantEvent>(grantOf('ug2'), userGrantChanged(GIGI, ['reader', 'writer', 'admin']), byV); // 18
    history.record(`project-${P}`, roleRemoved('admin'), byV); // 19
    history.record(`project-${P}`, [roleRemoved('writer'), grantCascadeChanged(G, ['reader'])], byV); // 20, 21
    history.record(`project-${P}`, roleAdded('writer'), byV); // 22
    history.record<UserGrantEvent>(grantOf('ug2'), userGrantCascadeChanged(['reader', 'writer']), byV); // 23: admin's cascade

    const view = await project(userGrantsProjection, history.events);

    expect(await view.get(USER_GRANTS, 'ug2')).toMatchObject({ roleKeys: ['reader'], sequence: 3, changeDate: iso(23) });
  });

  it('given G deactivated and reactivated after losing writer, then writer does not come back', async () => {
    const history = withGrants();
    history.record(`project-${P}`, [grantChanged(G, ['reader']), grantDeactivated(G), grantChanged(G, ['reader', 'writer']), grantReactivated(G)], byV);

    const view = await project(userGrantsProjection, history.events);

    expect(await view.get(USER_GRANTS, 'ug1')).toMatchObject({ roleKeys: ['reader'], projectGrantState: 'active' });
  });

  it('given project.role.removed of reader on Portal, then the Quarry user grant holding its own reader is untouched', async () => {
    const history = withGrants();
    history.record(`project-${P}`, roleRemoved('reader'), byV);

    const view = await project(userGrantsProjection, history.events);

    expect(await view.get(USER_GRANTS, 'ug3')).toMatchObject({ roleKeys: ['reader'] });
    expect(await view.get(USER_GRANTS, 'ug1')).toMatchObject({ roleKeys: ['writer'] });
  });

  it.each([
    ['project.grant.changed', grantChanged(G, ['writer'])],
    ['project.grant.cascade.changed', grantCascadeChanged(G, ['writer'])],
  ])('given %s of G to [writer], then user grants of G hold roleKeys ∩ [writer], sequence untouched; the owned grant keeps both', async (_, change) => {
    const history = withGrants();
    history.record(`project-${P}`, change, byV);

    const view = await project(userGrantsProjection, history.events);

    expect(await view.get(USER_GRANTS, 'ug1')).toMatchObject({ roleKeys: ['writer'], sequence: 1, changeDate: iso(14) });
    expect(await view.get(USER_GRANTS, 'ug2')).toMatchObject({ roleKeys: ['reader', 'writer'] });
  });

  it('given G deactivated, then projectGrantState is inactive while state, roles, sequence and changeDate stay; reactivated, then active again', async () => {
    const history = withGrants();
    history.record(`project-${P}`, grantDeactivated(G), byV);
    const deactivated = await project(userGrantsProjection, history.events);
    history.record(`project-${P}`, grantReactivated(G), byV);
    const reactivated = await project(userGrantsProjection, history.events);

    expect(await deactivated.get(USER_GRANTS, 'ug1')).toMatchObject({
      projectGrantState: 'inactive',
      state: 'active',
      roleKeys: ['reader', 'writer'],
      sequence: 1,
      changeDate: iso(14),
    });
    expect(await deactivated.get(USER_GRANTS, 'ug3')).toMatchObject({ projectGrantState: 'active' });
    expect(await reactivated.get(USER_GRANTS, 'ug1')).toMatchObject({ projectGrantState: 'active', state: 'active', sequence: 1 });
  });

  it('given project.grant.removed of G, then its user grants are gone and the owned one and the Quarry one stay', async () => {
    const history = withGrants();
    history.record(`project-${P}`, grantRemoved(G, C), byV);

    const view = await project(userGrantsProjection, history.events);

    expect(ids(view.docs(USER_GRANTS))).toEqual(['ug2', 'ug3']);
  });

  it('given project.removed of Portal, then every user grant of Portal (owned or via G) is gone', async () => {
    const history = withGrants();
    history.record(`project-${P}`, projectRemoved('Portal'), byV);

    const view = await project(userGrantsProjection, history.events);

    expect(ids(view.docs(USER_GRANTS))).toEqual(['ug3']);
  });

  it('given user.removed of gigi, then gigi\'s user grants are gone whatever org owns them, and bob\'s stays', async () => {
    const history = withGrants();
    history.record(`user-${GIGI}`, userRemoved, byC);

    const view = await project(userGrantsProjection, history.events);

    expect(ids(view.docs(USER_GRANTS))).toEqual(['ug3']);
  });

  it('given a user grant removed by a reaction, when its own later events arrive, then nothing reappears', async () => {
    const history = withGrants();
    history.record(`project-${P}`, grantRemoved(G, C), byV);
    history.record<UserGrantEvent>(grantOf('ug1'), [userGrantCascadeChanged([]), userGrantDeactivated, userGrantCascadeRemoved], byC);

    const view = await project(userGrantsProjection, history.events);

    expect(ids(view.docs(USER_GRANTS))).toEqual(['ug2', 'ug3']);
  });
});

describe('user grants projection: lifecycle details', () => {
  /** ug1: gigi on G [reader, writer] (14); ug2: gigi on owned Portal by V [reader] (15). */
  function withGrants(): History {
    const history = setup();
    history.record(grantOf('ug1'), userGrantAdded(GIGI, P, G, ['reader', 'writer']), byC);
    history.record(grantOf('ug2'), userGrantAdded(GIGI, P, undefined, ['reader']), byV);
    return history;
  }

  it('given every kind of project, grant and role event touching ug1, then its sequence and changeDate stay those of user.grant.added; its own cascade.changed moves them', async () => {
    const history = withGrants();
    history.record(`project-${P}`, [roleRemoved('writer'), grantCascadeChanged(G, ['reader'])], byV); // 16, 17
    history.record(`project-${P}`, roleAdded('writer'), byV); // 18
    history.record(`project-${P}`, [grantChanged(G, ['reader', 'writer']), grantDeactivated(G), grantReactivated(G)], byV); // 19–21
    history.record(grantOf('ug2'), [userGrantDeactivated, userGrantReactivated], byV); // 22, 23
    const untouched = await project(userGrantsProjection, history.events);
    history.record<UserGrantEvent>(grantOf('ug1'), userGrantCascadeChanged(['reader']), byC); // 24
    const cascaded = await project(userGrantsProjection, history.events);

    // writer left with its removal (16) and stays gone although Portal and G offer it again (18, 19).
    expect(await untouched.get(USER_GRANTS, 'ug1')).toMatchObject({ sequence: 1, creationDate: iso(14), changeDate: iso(14), roleKeys: ['reader'], state: 'active' });
    expect(await cascaded.get(USER_GRANTS, 'ug1')).toMatchObject({ sequence: 2, creationDate: iso(14), changeDate: iso(24), roleKeys: ['reader'] });
    expect(await cascaded.get(USER_GRANTS, 'ug2')).toMatchObject({ sequence: 3, changeDate: iso(23) });
  });

  it('given writer removed from Portal before G got its cascade, when writer is added again (G still lists it), then the user grant on G does not show writer again, details unmoved', async () => {
    const history = withGrants();
    history.record(`project-${P}`, roleRemoved('writer'), byV); // 16
    const removed = await project(userGrantsProjection, history.events);
    history.record(`project-${P}`, roleAdded('writer'), byV); // 17
    const readded = await project(userGrantsProjection, history.events);

    expect(await removed.get(USER_GRANTS, 'ug1')).toMatchObject({ roleKeys: ['reader'] });
    expect(await readded.get(USER_GRANTS, 'ug1')).toMatchObject({ roleKeys: ['reader'], sequence: 1, changeDate: iso(14) });
  });

  it('given writer removed and added back, when the cascade of the removal arrives, then the details move and roleKeys stay without writer', async () => {
    const history = withGrants();
    history.record(`project-${P}`, [roleRemoved('writer'), grantCascadeChanged(G, ['reader'])], byV); // 16, 17
    history.record(`project-${P}`, roleAdded('writer'), byV); // 18
    history.record<UserGrantEvent>(grantOf('ug1'), userGrantCascadeChanged(['reader']), byC); // 19

    const view = await project(userGrantsProjection, history.events);

    expect(await view.get(USER_GRANTS, 'ug1')).toMatchObject({ roleKeys: ['reader'], sequence: 2, changeDate: iso(19) });
  });

  it('given a role added to Portal that G does not offer, then the user grant on G does not show it, while the owned one does after user.grant.changed', async () => {
    const history = withGrants();
    history.record(`project-${P}`, roleAdded('admin'), byV); // 16
    history.record<UserGrantEvent>(grantOf('ug1'), userGrantChanged(GIGI, ['reader', 'admin']), byC); // 17
    history.record<UserGrantEvent>(grantOf('ug2'), userGrantChanged(GIGI, ['reader', 'admin']), byV); // 18

    const view = await project(userGrantsProjection, history.events);

    expect(await view.get(USER_GRANTS, 'ug1')).toMatchObject({ roleKeys: ['reader'], sequence: 2 });
    expect(await view.get(USER_GRANTS, 'ug2')).toMatchObject({ roleKeys: ['reader', 'admin'], sequence: 2 });

    // G offering admin later does not give it to the user grant that was refused it.
    history.record(`project-${P}`, grantChanged(G, ['reader', 'writer', 'admin']), byV); // 19
    const widened = await project(userGrantsProjection, history.events);
    expect(await widened.get(USER_GRANTS, 'ug1')).toMatchObject({ roleKeys: ['reader'], sequence: 2 });
  });

  it('given G deactivated, when the user grant is changed and deactivated, then its own details move and projectGrantState stays inactive', async () => {
    const history = withGrants();
    history.record(`project-${P}`, grantDeactivated(G), byV); // 16
    history.record<UserGrantEvent>(grantOf('ug1'), [userGrantChanged(GIGI, ['writer']), userGrantDeactivated], byC); // 17, 18

    const view = await project(userGrantsProjection, history.events);

    expect(await view.get(USER_GRANTS, 'ug1')).toMatchObject({ projectGrantState: 'inactive', state: 'inactive', roleKeys: ['writer'], sequence: 3, changeDate: iso(18) });
  });

  it('given the user grant is inactive, when user.grant.changed, then the roles change and it stays inactive', async () => {
    const history = withGrants();
    history.record<UserGrantEvent>(grantOf('ug1'), [userGrantDeactivated, userGrantChanged(GIGI, ['writer'])], byC); // 16, 17

    const view = await project(userGrantsProjection, history.events);

    expect(await view.get(USER_GRANTS, 'ug1')).toMatchObject({ state: 'inactive', roleKeys: ['writer'], sequence: 3, changeDate: iso(17) });
  });

  it('given G changed to [reader], when user.grant.cascade.changed [reader] arrives, then roleKeys stay [reader] and the details move', async () => {
    const history = withGrants();
    history.record(`project-${P}`, grantChanged(G, ['reader']), byV); // 16
    history.record<UserGrantEvent>(grantOf('ug1'), userGrantCascadeChanged(['reader']), byC); // 17

    const view = await project(userGrantsProjection, history.events);

    expect(await view.get(USER_GRANTS, 'ug1')).toMatchObject({ roleKeys: ['reader'], sequence: 2, changeDate: iso(17) });
  });

  it.each([
    ['user.removed of gigi', (history: History) => history.record(`user-${GIGI}`, userRemoved, byC)],
    ['project.removed of Portal', (history: History) => history.record(`project-${P}`, projectRemoved('Portal'), byV)],
  ])('given %s, when the user grants\' own later events arrive (cascades, state changes), then no document reappears', async (_, removal) => {
    const history = withGrants();
    removal(history);
    history.record<UserGrantEvent>(grantOf('ug1'), [userGrantCascadeChanged([]), userGrantDeactivated, userGrantReactivated, userGrantCascadeRemoved], byC);
    history.record<UserGrantEvent>(grantOf('ug2'), [userGrantChanged(GIGI, []), userGrantCascadeRemoved], byV);

    const view = await project(userGrantsProjection, history.events);

    expect(view.docs(USER_GRANTS)).toEqual([]);
  });

  it('given user.grant.removed, when a new user grant for the same user and G is added, then only the new document exists', async () => {
    const history = withGrants();
    history.record<UserGrantEvent>(grantOf('ug1'), userGrantRemoved(GIGI, P, G), byC); // 16
    history.record(grantOf('ug3'), userGrantAdded(GIGI, P, G, ['writer']), byC); // 17

    const view = await project(userGrantsProjection, history.events);

    expect(ids(view.docs(USER_GRANTS))).toEqual(['ug2', 'ug3']);
    expect(await view.get(USER_GRANTS, 'ug3')).toMatchObject({ roleKeys: ['writer'], sequence: 1, createdPosition: 17 });
  });
});

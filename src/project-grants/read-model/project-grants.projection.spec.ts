import { History, at } from '../../../test/support/given';
import {
  grantAdded,
  grantCascadeChanged,
  grantChanged,
  grantDeactivated,
  grantReactivated,
  grantRemoved,
  orgAdded,
  primaryDomainSet,
  projectAdded,
  projectRemoved,
  roleAdded,
  roleRemoved,
} from '../../../test/support/events';
import { MemoryView, project } from '../../../test/support/memory-view';
import { PROJECT_GRANTS, projectGrantsProjection } from './project-grants.projection';

const V = 'vendor';
const C = 'customer';
const T = 'third';
const P = 'portal';
const Q = 'quarry';
const G = 'g-p-c';
const byV = { resourceOwner: V };
const iso = (position: number) => at(position).toISOString();

/** Orgs Vendor, Customer A and Third (positions 1–6), Portal in V with reader and writer (7–9, revisions 0–2). */
function setup(): History {
  const history = new History();
  history.record(`org-${V}`, [orgAdded('Vendor'), primaryDomainSet('vendor.localhost')], { resourceOwner: V });
  history.record(`org-${C}`, [orgAdded('Customer A'), primaryDomainSet('customer-a.localhost')], { resourceOwner: C });
  history.record(`org-${T}`, [orgAdded('Third'), primaryDomainSet('third.localhost')], { resourceOwner: T });
  history.record(`project-${P}`, [projectAdded('Portal'), roleAdded('reader'), roleAdded('writer')], byV);
  return history;
}

describe('project grants projection', () => {
  it('given Portal granted to Customer A after two roles, then the document has sequence 4, names from the look-ups and its details', async () => {
    const history = setup();
    history.record(`project-${P}`, grantAdded(G, C, ['reader', 'writer']), byV); // position 10, revision 3

    const view = await project(projectGrantsProjection, history.events);

    expect(view.docs(PROJECT_GRANTS)).toEqual([
      {
        id: G,
        sequence: 4,
        creationDate: iso(10),
        changeDate: iso(10),
        resourceOwner: V,
        createdPosition: 10,
        grantId: G,
        projectId: P,
        projectName: 'Portal',
        projectOwnerId: V,
        projectOwnerName: 'Vendor',
        grantedOrgId: C,
        grantedOrgName: 'Customer A',
        grantedRoleKeys: ['reader', 'writer'],
        state: 'active',
        folded: { projectName: 'portal' },
      },
    ]);
  });

  it('given a grant without roles, then grantedRoleKeys is empty', async () => {
    const history = setup();
    history.record(`project-${P}`, grantAdded(G, C), byV);

    const view = await project(projectGrantsProjection, history.events);

    expect(await view.get(PROJECT_GRANTS, G)).toMatchObject({ grantedRoleKeys: [] });
  });

  it('given a role and another grant added on the project stream after the grant, then the grant keeps its sequence and changeDate', async () => {
    const history = setup();
    history.record(`project-${P}`, grantAdded(G, C, ['reader']), byV); // 10, rev 3
    history.record(`project-${P}`, roleAdded('admin'), byV); // 11, rev 4
    history.record(`project-${P}`, grantAdded('g-p-t', T, ['admin']), byV); // 12, rev 5
    history.record(`project-${P}`, grantDeactivated('g-p-t'), byV); // 13, rev 6

    const view = await project(projectGrantsProjection, history.events);

    expect(await view.get(PROJECT_GRANTS, G)).toMatchObject({ sequence: 4, creationDate: iso(10), changeDate: iso(10), state: 'active' });
    expect(await view.get(PROJECT_GRANTS, 'g-p-t')).toMatchObject({ sequence: 7, creationDate: iso(12), changeDate: iso(13), createdPosition: 12 });
  });

  it('given the grant deactivated then reactivated, then the state follows and each moves sequence and changeDate', async () => {
    const history = setup();
    history.record(`project-${P}`, grantAdded(G, C, ['reader']), byV); // 10, rev 3
    history.record(`project-${P}`, grantDeactivated(G), byV); // 11, rev 4
    const deactivated = await project(projectGrantsProjection, history.events);
    history.record(`project-${P}`, grantReactivated(G), byV); // 12, rev 5
    const reactivated = await project(projectGrantsProjection, history.events);

    expect(await deactivated.get(PROJECT_GRANTS, G)).toMatchObject({ state: 'inactive', sequence: 5, changeDate: iso(11), creationDate: iso(10) });
    expect(await reactivated.get(PROJECT_GRANTS, G)).toMatchObject({ state: 'active', sequence: 6, changeDate: iso(12), creationDate: iso(10) });
  });

  it('given project.grant.changed, then grantedRoleKeys is the new list with the sequence of that event', async () => {
    const history = setup();
    history.record(`project-${P}`, [grantAdded(G, C, ['reader']), grantChanged(G, ['writer', 'reader'])], byV); // 10, 11

    const view = await project(projectGrantsProjection, history.events);

    expect(await view.get(PROJECT_GRANTS, G)).toMatchObject({ grantedRoleKeys: ['writer', 'reader'], sequence: 5, changeDate: iso(11) });
  });

  it('given a role removal with its project.grant.cascade.changed, then grantedRoleKeys drops the role at the cascade event', async () => {
    const history = setup();
    history.record(`project-${P}`, grantAdded(G, C, ['reader', 'writer']), byV); // 10, rev 3
    history.record(`project-${P}`, [roleRemoved('writer'), grantCascadeChanged(G, ['reader'])], byV); // 11, 12 (rev 4, 5)

    const view = await project(projectGrantsProjection, history.events);

    expect(await view.get(PROJECT_GRANTS, G)).toMatchObject({ grantedRoleKeys: ['reader'], sequence: 6, changeDate: iso(12) });
  });

  it('given project.grant.removed, then the grant document is gone, the other grant stays, and a new grant to the same org can appear', async () => {
    const history = setup();
    history.record(`project-${P}`, [grantAdded(G, C, ['reader']), grantAdded('g-p-t', T)], byV); // 10, 11
    history.record(`project-${P}`, grantRemoved(G, C), byV); // 12
    const removed = await project(projectGrantsProjection, history.events);
    history.record(`project-${P}`, grantAdded('g-p-c-2', C, ['writer']), byV); // 13, rev 6
    const regranted = await project(projectGrantsProjection, history.events);

    expect(removed.docs(PROJECT_GRANTS).map((doc) => doc.id)).toEqual(['g-p-t']);
    expect(await regranted.get(PROJECT_GRANTS, 'g-p-c-2')).toMatchObject({ grantedOrgId: C, grantedOrgName: 'Customer A', sequence: 7, createdPosition: 13 });
  });

  it('given project.removed, then every grant of the project is gone and grants of another project stay', async () => {
    const history = setup();
    history.record(`project-${Q}`, projectAdded('Quarry'), byV);
    history.record(`project-${P}`, [grantAdded(G, C), grantAdded('g-p-t', T)], byV);
    history.record(`project-${Q}`, grantAdded('g-q-c', C), byV);
    history.record(`project-${P}`, projectRemoved('Portal'), byV);

    const view = await project(projectGrantsProjection, history.events);

    expect(view.docs(PROJECT_GRANTS).map((doc) => doc.id)).toEqual(['g-q-c']);
    expect(await view.get(PROJECT_GRANTS, 'g-q-c')).toMatchObject({ projectName: 'Quarry', projectId: Q });
  });

  it('given events for a grant that has no document, then nothing is created', async () => {
    const history = setup();
    history.record(`project-${P}`, [grantChanged('ghost', ['reader']), grantDeactivated('ghost'), grantReactivated('ghost')], byV);

    const view = await project(projectGrantsProjection, history.events);

    expect(view.docs(PROJECT_GRANTS)).toEqual([]);
  });

  it('given the same events applied in two runs, then the documents are equal (deterministic from the log)', async () => {
    const history = setup();
    history.record(`project-${P}`, [grantAdded(G, C, ['reader']), grantDeactivated(G)], byV);

    const first = await project(projectGrantsProjection, history.events, new MemoryView());
    const second = await project(projectGrantsProjection, history.events, new MemoryView());

    expect(second.docs(PROJECT_GRANTS)).toEqual(first.docs(PROJECT_GRANTS));
  });
});

describe('project grants projection: lifecycle details', () => {
  it('given G deactivated, when project.grant.changed, then the roles change, the state stays inactive and sequence/changeDate move', async () => {
    const history = setup();
    history.record(`project-${P}`, [grantAdded(G, C, ['reader', 'writer']), grantDeactivated(G), grantChanged(G, ['writer'])], byV); // 10, 11, 12 (rev 3–5)

    const view = await project(projectGrantsProjection, history.events);

    expect(await view.get(PROJECT_GRANTS, G)).toMatchObject({ state: 'inactive', grantedRoleKeys: ['writer'], sequence: 6, changeDate: iso(12), creationDate: iso(10) });
  });

  it('given G deactivated, when a role removal cascades to it, then the roles shrink and the state stays inactive', async () => {
    const history = setup();
    history.record(`project-${P}`, [grantAdded(G, C, ['reader', 'writer']), grantDeactivated(G)], byV); // 10, 11
    history.record(`project-${P}`, [roleRemoved('reader'), grantCascadeChanged(G, ['writer'])], byV); // 12, 13

    const view = await project(projectGrantsProjection, history.events);

    expect(await view.get(PROJECT_GRANTS, G)).toMatchObject({ state: 'inactive', grantedRoleKeys: ['writer'], sequence: 7, changeDate: iso(13) });
  });

  it('given project.role.removed without a cascade for G (G did not hold it), then G keeps its roles, sequence and changeDate', async () => {
    const history = setup();
    history.record(`project-${P}`, grantAdded(G, C, ['reader']), byV); // 10, rev 3
    history.record(`project-${P}`, roleRemoved('writer'), byV); // 11, rev 4

    const view = await project(projectGrantsProjection, history.events);

    expect(await view.get(PROJECT_GRANTS, G)).toMatchObject({ grantedRoleKeys: ['reader'], sequence: 4, changeDate: iso(10) });
  });

  it('given writer removed from Portal (cascaded to G) and added again, then G does not get it back and keeps the details of its cascade', async () => {
    const history = setup();
    history.record(`project-${P}`, grantAdded(G, C, ['reader', 'writer']), byV); // 10
    history.record(`project-${P}`, [roleRemoved('writer'), grantCascadeChanged(G, ['reader'])], byV); // 11, 12
    history.record(`project-${P}`, roleAdded('writer'), byV); // 13

    const view = await project(projectGrantsProjection, history.events);

    expect(await view.get(PROJECT_GRANTS, G)).toMatchObject({ grantedRoleKeys: ['reader'], sequence: 6, changeDate: iso(12) });
  });

  it('given G deactivated, when project.grant.removed, then the document is gone', async () => {
    const history = setup();
    history.record(`project-${P}`, [grantAdded(G, C, ['reader']), grantDeactivated(G), grantRemoved(G, C)], byV);

    const view = await project(projectGrantsProjection, history.events);

    expect(view.docs(PROJECT_GRANTS)).toEqual([]);
  });

  it('given two grants, then the events of one never move the other\'s sequence or changeDate', async () => {
    const history = setup();
    history.record(`project-${P}`, [grantAdded(G, C, ['reader']), grantAdded('g-p-t', T, ['reader', 'writer'])], byV); // 10, 11
    history.record(`project-${P}`, [grantChanged('g-p-t', ['writer']), grantDeactivated('g-p-t'), grantReactivated('g-p-t'), grantCascadeChanged('g-p-t', [])], byV); // 12–15
    history.record(`project-${P}`, grantRemoved('g-p-t', T), byV); // 16

    const view = await project(projectGrantsProjection, history.events);

    expect(view.docs(PROJECT_GRANTS)).toEqual([expect.objectContaining({ id: G, sequence: 4, changeDate: iso(10), grantedRoleKeys: ['reader'], state: 'active' })]);
  });
});

import { History } from '../../test/support/given';
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
  userGrantChanged,
  userRemoved,
} from '../../test/support/events';
import { MemoryView } from '../../test/support/memory-view';
import { LOOKUP_COLLECTIONS, type LookupKind, getGrant, getOrg, getProject, getUser, updateLookups } from './lookups';

const ALL: ReadonlySet<LookupKind> = new Set(['orgs', 'projects', 'grants', 'users']);
const V = 'vendor';
const byV = { resourceOwner: V };

async function lookupsAfter(history: History, kinds: ReadonlySet<LookupKind> = ALL): Promise<MemoryView> {
  const view = new MemoryView();
  for (const event of history.events) await updateLookups(kinds, event, view);
  return view;
}

describe('look-up tables', () => {
  it('given org.added and org.domain.primary.set, then the org look-up has name and domain', async () => {
    const history = new History();
    history.record(`org-${V}`, [orgAdded('Vendor'), primaryDomainSet('vendor.localhost')], byV);

    expect(await getOrg(await lookupsAfter(history), V)).toEqual({ id: V, name: 'Vendor', primaryDomain: 'vendor.localhost' });
  });

  it('given a primary domain for an org never added, then there is no org look-up', async () => {
    const history = new History();
    history.record('org-ghost', primaryDomainSet('ghost.localhost'), { resourceOwner: 'ghost' });

    expect(await getOrg(await lookupsAfter(history), 'ghost')).toBeNull();
  });

  it('given a project with roles and grants added and removed, then the project look-up has the current roles (grants are looked up on their own)', async () => {
    const history = new History();
    history.record(
      'project-p',
      [projectAdded('Portal'), roleAdded('reader'), roleAdded('writer'), roleAdded('admin'), roleRemoved('writer'), grantAdded('g1', 'c'), grantAdded('g2', 't'), grantRemoved('g1', 'c')],
      byV,
    );

    expect(await getProject(await lookupsAfter(history), 'p')).toEqual({ id: 'p', name: 'Portal', ownerId: V, roles: ['reader', 'admin'] });
  });

  it('given project.removed, then the project look-up and the grant look-ups of that project are gone, others stay', async () => {
    const history = new History();
    history.record('project-p', [projectAdded('Portal'), grantAdded('g1', 'c'), grantAdded('g2', 't')], byV);
    history.record('project-q', [projectAdded('Quarry'), grantAdded('g3', 'c')], byV);
    history.record('project-p', projectRemoved('Portal'), byV);

    const view = await lookupsAfter(history);

    expect(await getProject(view, 'p')).toBeNull();
    expect(view.docs(LOOKUP_COLLECTIONS.grants.name).map((doc) => doc.id)).toEqual(['g3']);
  });

  it('given grant events, then the grant look-up follows roles and state and disappears on removal', async () => {
    const history = new History();
    history.record('project-p', [projectAdded('Portal'), grantAdded('g1', 'c', ['reader', 'writer'])], byV);
    const added = await lookupsAfter(history);
    history.record('project-p', [grantChanged('g1', ['writer']), grantDeactivated('g1')], byV);
    const deactivated = await lookupsAfter(history);
    history.record('project-p', [grantCascadeChanged('g1', []), grantReactivated('g1')], byV);
    const reactivated = await lookupsAfter(history);
    history.record('project-p', grantRemoved('g1', 'c'), byV);
    const removed = await lookupsAfter(history);

    expect(await getGrant(added, 'g1')).toEqual({ id: 'g1', projectId: 'p', grantedOrgId: 'c', roleKeys: ['reader', 'writer'], state: 'active' });
    expect(await getGrant(deactivated, 'g1')).toMatchObject({ roleKeys: ['writer'], state: 'inactive' });
    expect(await getGrant(reactivated, 'g1')).toMatchObject({ roleKeys: [], state: 'active' });
    expect(await getGrant(removed, 'g1')).toBeNull();
  });

  it('given human and machine users, then user look-ups with the resource owner as org; user.removed deletes', async () => {
    const history = new History();
    history.record('user-gigi', humanAdded('gigi', 'Gigi', 'Giraffe', 'gigi@example.com'), { resourceOwner: 'c' });
    history.record('user-robot', machineAdded('robot', 'Robot'), { resourceOwner: 't' });
    const view = await lookupsAfter(history);
    history.record('user-gigi', userRemoved, { resourceOwner: 'c' });
    const afterRemoval = await lookupsAfter(history);

    expect(await getUser(view, 'gigi')).toEqual({
      id: 'gigi',
      orgId: 'c',
      userName: 'gigi',
      userType: 'human',
      firstName: 'Gigi',
      lastName: 'Giraffe',
      email: 'gigi@example.com',
      displayName: 'Gigi Giraffe',
    });
    expect(await getUser(view, 'robot')).toEqual({
      id: 'robot',
      orgId: 't',
      userName: 'robot',
      userType: 'machine',
      firstName: '',
      lastName: '',
      email: '',
      displayName: 'Robot',
    });
    expect(await getUser(afterRemoval, 'gigi')).toBeNull();
    expect(await getUser(afterRemoval, 'robot')).not.toBeNull();
  });

  it('given only the org look-up is chosen, then project, grant and user events leave no look-ups', async () => {
    const history = new History();
    history.record(`org-${V}`, orgAdded('Vendor'), byV);
    history.record('project-p', [projectAdded('Portal'), grantAdded('g1', 'c')], byV);
    history.record('user-gigi', humanAdded('gigi', 'Gigi', 'G', 'g@example.com'), { resourceOwner: 'c' });

    const view = await lookupsAfter(history, new Set(['orgs']));

    expect(await getOrg(view, V)).not.toBeNull();
    expect(view.docs(LOOKUP_COLLECTIONS.projects.name)).toEqual([]);
    expect(view.docs(LOOKUP_COLLECTIONS.grants.name)).toEqual([]);
    expect(view.docs(LOOKUP_COLLECTIONS.users.name)).toEqual([]);
  });

  it('given events of other aggregates (a project grant, user grants), then no look-up is read or written for them', async () => {
    const history = new History();
    history.record('project-p', [projectAdded('Portal'), roleAdded('reader')], byV);
    const view = await lookupsAfter(history);
    const later = new History();
    later.record('project-p', grantAdded('g1', 'c'), byV);
    later.record('usergrant-ug1', userGrantAdded('u', 'p', 'g1', ['reader']), byV);
    later.record('usergrant-ug2', userGrantChanged('u', []), byV);
    const reads: string[] = [];
    const get = view.get.bind(view);
    view.get = async (collection, id) => {
      reads.push(`${collection}/${id}`);
      return get(collection, id);
    };

    for (const event of later.events) await updateLookups(new Set(['orgs', 'projects', 'users']), event, view);

    // A look-up by the stream's id (the user grant's, read as a project) cost a store miss per
    // event in a rebuild, and its cached miss pushed real look-ups out of the document cache.
    expect(reads).toEqual([]);
    expect(view.docs(LOOKUP_COLLECTIONS.projects.name)).toEqual([{ id: 'p', name: 'Portal', ownerId: V, roles: ['reader'] }]);
  });
});

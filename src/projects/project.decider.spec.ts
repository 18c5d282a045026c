import { at, fold, given, thenEvents, thenThrows } from '../../test/support/given';
import { type AddProject, activeGrantTo, decideAddProject, decideAddProjectRoles, isActiveProjectOf, projectAggregate } from './project.decider';
import type { ProjectEvent } from './project.events';

const V = 'org-vendor';
const C = 'org-customer';
const T = 'org-third';
const P = 'project-portal';
const byV = { resourceOwner: V };

const portalAdded: ProjectEvent = { type: 'project.added', data: { name: 'Portal' } };
const role = (key: string, displayName = key, group?: string): ProjectEvent => ({
  type: 'project.role.added',
  data: { key, displayName, ...(group !== undefined ? { group } : {}) },
});

const addPortal: AddProject = {
  name: 'Portal',
  projectRoleAssertion: false,
  projectRoleCheck: false,
  hasProjectCheck: false,
  privateLabelingSetting: 0,
  adminCount: 0,
};

describe('AddProject', () => {
  it('given no project, when AddProject with default settings, then project.added carries only the name', () => {
    thenEvents(() => decideAddProject(addPortal, projectAggregate.initialState), [{ type: 'project.added', data: { name: 'Portal' } }]);
  });

  it('given no project, when AddProject with every flag and a private labeling setting, then project.added carries them', () => {
    thenEvents(
      () =>
        decideAddProject(
          { ...addPortal, projectRoleAssertion: true, projectRoleCheck: true, hasProjectCheck: true, privateLabelingSetting: 2 },
          projectAggregate.initialState,
        ),
      [
        {
          type: 'project.added',
          data: { name: 'Portal', projectRoleAssertion: true, projectRoleCheck: true, hasProjectCheck: true, privateLabelingSetting: 2 },
        },
      ],
    );
  });

  it('given no project, when AddProject with admins, then Unimplemented GRANTLINE-NotYet', () => {
    thenThrows(() => decideAddProject({ ...addPortal, adminCount: 1 }, projectAggregate.initialState), 'unimplemented', 'GRANTLINE-NotYet');
  });

  it('given the project exists, when AddProject with admins, then admins are refused first (GRANTLINE-NotYet)', () => {
    const state = fold(projectAggregate, given(P, [portalAdded], byV));

    thenThrows(() => decideAddProject({ ...addPortal, adminCount: 2 }, state), 'unimplemented', 'GRANTLINE-NotYet');
  });

  it('given the project stream exists, when AddProject, then AlreadyExists V3-DKcYh', () => {
    const state = fold(projectAggregate, given(P, [portalAdded], byV));

    thenThrows(() => decideAddProject(addPortal, state), 'already_exists', 'V3-DKcYh');
  });

  it('given the project was removed, when AddProject on the same stream, then AlreadyExists V3-DKcYh', () => {
    const state = fold(projectAggregate, given(P, [portalAdded, { type: 'project.removed', data: { name: 'Portal' } }], byV));

    thenThrows(() => decideAddProject(addPortal, state), 'already_exists', 'V3-DKcYh');
  });
});

describe('AddProjectRole / BulkAddProjectRoles', () => {
  const addRoles = (...keys: string[]) => ({
    actingOrg: V,
    roles: keys.map((key) => ({ key, displayName: `Display ${key}`, group: '' })),
  });

  it('given Portal in V, when V adds role reader with a group, then project.role.added with key, display name and group', () => {
    const state = fold(projectAggregate, given(P, [portalAdded], byV));

    thenEvents(
      () => decideAddProjectRoles({ actingOrg: V, roles: [{ key: 'reader', displayName: 'Reader', group: 'Readers' }] }, state),
      [{ type: 'project.role.added', data: { key: 'reader', displayName: 'Reader', group: 'Readers' } }],
    );
  });

  it('given Portal in V, when V adds roles without a group, then the group is omitted from each event, in request order', () => {
    const state = fold(projectAggregate, given(P, [portalAdded], byV));

    thenEvents(
      () => decideAddProjectRoles(addRoles('writer', 'reader'), state),
      [
        { type: 'project.role.added', data: { key: 'writer', displayName: 'Display writer' } },
        { type: 'project.role.added', data: { key: 'reader', displayName: 'Display reader' } },
      ],
    );
  });

  it('given Portal in V, when V bulk-adds no roles, then no events', () => {
    const state = fold(projectAggregate, given(P, [portalAdded], byV));

    thenEvents(() => decideAddProjectRoles(addRoles(), state), []);
  });

  it('given no project, when adding a role, then FailedPrecondition COMMAND-EbFMN', () => {
    thenThrows(() => decideAddProjectRoles(addRoles('reader'), projectAggregate.initialState), 'failed_precondition', 'COMMAND-EbFMN');
  });

  it('given Portal was removed, when adding a role, then FailedPrecondition COMMAND-EbFMN', () => {
    const state = fold(projectAggregate, given(P, [portalAdded, { type: 'project.removed', data: { name: 'Portal' } }], byV));

    thenThrows(() => decideAddProjectRoles(addRoles('reader'), state), 'failed_precondition', 'COMMAND-EbFMN');
  });

  it('given Portal in V, when C adds a role to it, then FailedPrecondition COMMAND-EbFMN (another org\'s project is not found)', () => {
    const state = fold(projectAggregate, given(P, [portalAdded], byV));

    thenThrows(() => decideAddProjectRoles({ ...addRoles('reader'), actingOrg: C }, state), 'failed_precondition', 'COMMAND-EbFMN');
  });

  it('given role reader, when adding READER, then AlreadyExists V3-DKcYh (keys are unique case-insensitively)', () => {
    const state = fold(projectAggregate, given(P, [portalAdded, role('reader')], byV));

    thenThrows(() => decideAddProjectRoles(addRoles('READER'), state), 'already_exists', 'V3-DKcYh');
  });

  it('given role reader, when bulk-adding writer and Reader, then the whole batch fails with V3-DKcYh', () => {
    const state = fold(projectAggregate, given(P, [portalAdded, role('reader')], byV));

    thenThrows(() => decideAddProjectRoles(addRoles('writer', 'Reader'), state), 'already_exists', 'V3-DKcYh');
  });

  it('given no roles, when bulk-adding a and A, then V3-DKcYh (duplicate inside the request)', () => {
    const state = fold(projectAggregate, given(P, [portalAdded], byV));

    thenThrows(() => decideAddProjectRoles(addRoles('a', 'A'), state), 'already_exists', 'V3-DKcYh');
  });

  it('given role reader was removed, when adding reader again, then it is added', () => {
    const state = fold(projectAggregate, given(P, [portalAdded, role('reader'), { type: 'project.role.removed', data: { key: 'reader' } }], byV));

    thenEvents(() => decideAddProjectRoles(addRoles('reader'), state), [
      { type: 'project.role.added', data: { key: 'reader', displayName: 'Display reader' } },
    ]);
  });

  it('given a role key with a slash, when adding another key that only differs after the slash, then it is added', () => {
    const state = fold(projectAggregate, given(P, [portalAdded, role('app/read')], byV));

    thenEvents(() => decideAddProjectRoles(addRoles('app/write'), state), [
      { type: 'project.role.added', data: { key: 'app/write', displayName: 'Display app/write' } },
    ]);
  });
});

describe('project aggregate: evolve', () => {
  it('given project.added by V, then the project is active, owned by V, with its name', () => {
    const state = fold(projectAggregate, given(P, [portalAdded], byV));

    expect({ status: state.status, owner: state.owner, name: state.name }).toEqual({ status: 'active', owner: V, name: 'Portal' });
    expect(isActiveProjectOf(state, V)).toBe(true);
    expect(isActiveProjectOf(state, C)).toBe(false);
  });

  it('given project.removed, then the project is removed and no longer active for its owner', () => {
    const state = fold(projectAggregate, given(P, [portalAdded, { type: 'project.removed', data: { name: 'Portal' } }], byV));

    expect(state.status).toBe('removed');
    expect(isActiveProjectOf(state, V)).toBe(false);
  });

  it('given roles added, changed and removed, then the roles are the current ones with their latest fields', () => {
    const state = fold(
      projectAggregate,
      given(
        P,
        [
          portalAdded,
          role('reader', 'Reader', 'G1'),
          role('writer', 'Writer'),
          role('admin', 'Admin'),
          { type: 'project.role.changed', data: { key: 'reader', displayName: 'Readers' } },
          { type: 'project.role.changed', data: { key: 'writer', group: 'G2' } },
          { type: 'project.role.changed', data: { key: 'ghost', displayName: 'Ghost' } },
          { type: 'project.role.removed', data: { key: 'admin' } },
        ],
        byV,
      ),
    );

    expect([...state.roles.values()]).toEqual([
      { key: 'reader', displayName: 'Readers', group: 'G1' },
      { key: 'writer', displayName: 'Writer', group: 'G2' },
    ]);
  });

  it('given a grant added, then it is active with the details of its event', () => {
    const state = fold(
      projectAggregate,
      given(P, [portalAdded, role('reader'), role('writer'), { type: 'project.grant.added', data: { grantId: 'g1', grantedOrgId: C, roleKeys: ['reader'] } }], byV),
    );

    expect(state.grants.get('g1')).toEqual({
      grantId: 'g1',
      grantedOrgId: C,
      roleKeys: ['reader'],
      status: 'active',
      sequence: 4,
      creationDate: at(4),
      changeDate: at(4),
      position: 4,
    });
  });

  it('given a grant added without roles, then its roles are empty', () => {
    const state = fold(projectAggregate, given(P, [portalAdded, { type: 'project.grant.added', data: { grantId: 'g1', grantedOrgId: C } }], byV));

    expect(state.grants.get('g1')?.roleKeys).toEqual([]);
  });

  it('given grant events of g1 and g2 interleaved with role events, then each grant carries the sequence and date of its own last event', () => {
    const state = fold(
      projectAggregate,
      given(
        P,
        [
          portalAdded, // 1
          role('reader'), // 2
          role('writer'), // 3
          { type: 'project.grant.added', data: { grantId: 'g1', grantedOrgId: C, roleKeys: ['reader', 'writer'] } }, // 4
          { type: 'project.grant.added', data: { grantId: 'g2', grantedOrgId: T } }, // 5
          { type: 'project.grant.changed', data: { grantId: 'g1', roleKeys: ['writer', 'reader'] } }, // 6
          { type: 'project.role.removed', data: { key: 'reader' } }, // 7
          { type: 'project.grant.cascade.changed', data: { grantId: 'g1', roleKeys: ['writer'] } }, // 8
          role('viewer'), // 9
          { type: 'project.grant.deactivated', data: { grantId: 'g2' } }, // 10
        ],
        byV,
      ),
    );

    expect(state.grants.get('g1')).toMatchObject({ roleKeys: ['writer'], status: 'active', sequence: 8, creationDate: at(4), changeDate: at(8), position: 8 });
    expect(state.grants.get('g2')).toMatchObject({ status: 'inactive', sequence: 10, creationDate: at(5), changeDate: at(10), position: 10 });
  });

  it('given a grant deactivated, reactivated and removed, then its status follows and a removed grant no longer counts as active', () => {
    const added: ProjectEvent[] = [portalAdded, { type: 'project.grant.added', data: { grantId: 'g1', grantedOrgId: C } }];
    const deactivated: ProjectEvent = { type: 'project.grant.deactivated', data: { grantId: 'g1' } };
    const reactivated: ProjectEvent = { type: 'project.grant.reactivated', data: { grantId: 'g1' } };
    const removed: ProjectEvent = { type: 'project.grant.removed', data: { grantId: 'g1', grantedOrgId: C } };

    const inactive = fold(projectAggregate, given(P, [...added, deactivated], byV));
    const active = fold(projectAggregate, given(P, [...added, deactivated, reactivated], byV));
    const gone = fold(projectAggregate, given(P, [...added, deactivated, reactivated, removed], byV));

    expect(inactive.grants.get('g1')?.status).toBe('inactive');
    expect(activeGrantTo(inactive, C)?.grantId).toBe('g1');
    expect(active.grants.get('g1')?.status).toBe('active');
    expect(gone.grants.get('g1')).toMatchObject({ status: 'removed', sequence: 5, changeDate: at(5) });
    expect(activeGrantTo(gone, C)).toBeUndefined();
  });

  it('given an event for an unknown grant id, then the state is unchanged', () => {
    const before = fold(projectAggregate, given(P, [portalAdded], byV));
    const after = fold(
      projectAggregate,
      given(P, [portalAdded, { type: 'project.grant.deactivated', data: { grantId: 'nope' } }, { type: 'project.grant.changed', data: { grantId: 'nope', roleKeys: [] } }], byV),
    );

    expect(after).toEqual(before);
  });
});

describe('project aggregate: unique claims', () => {
  it('when project.added in V, then it claims the project name per owner org, lower-cased', () => {
    expect(projectAggregate.uniqueClaims?.({ type: 'project.added', data: { name: 'Portal' } }, projectAggregate.initialState, V)).toEqual({
      claim: [{ kind: 'project.name', value: `${V}:portal` }],
      release: [],
    });
  });

  it('given Portal owned by V, when project.removed, then it releases the same key it claimed', () => {
    const state = fold(projectAggregate, given(P, [portalAdded], byV));
    const claimed = projectAggregate.uniqueClaims?.({ type: 'project.added', data: { name: 'Portal' } }, projectAggregate.initialState, V);

    // The remover's org is irrelevant: the key is the owner's.
    const released = projectAggregate.uniqueClaims?.({ type: 'project.removed', data: { name: 'Portal' } }, state, 'someone-else');

    expect(released).toEqual({ claim: [], release: claimed?.claim });
  });

  it.each<ProjectEvent>([
    role('reader'),
    { type: 'project.role.changed', data: { key: 'reader', displayName: 'R' } },
    { type: 'project.role.removed', data: { key: 'reader' } },
    { type: 'project.grant.added', data: { grantId: 'g1', grantedOrgId: C } },
    { type: 'project.grant.changed', data: { grantId: 'g1', roleKeys: [] } },
    { type: 'project.grant.cascade.changed', data: { grantId: 'g1', roleKeys: [] } },
    { type: 'project.grant.deactivated', data: { grantId: 'g1' } },
    { type: 'project.grant.reactivated', data: { grantId: 'g1' } },
    { type: 'project.grant.removed', data: { grantId: 'g1', grantedOrgId: C } },
  ])('when $type, then it claims and releases nothing (decided inside the stream)', (event) => {
    const state = fold(projectAggregate, given(P, [portalAdded], byV));

    expect(projectAggregate.uniqueClaims?.(event, state, V)).toEqual({ claim: [], release: [] });
  });
});

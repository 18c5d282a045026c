import { at, fold, given, thenEvents, thenThrows } from '../../test/support/given';
import {
  type AddProject,
  activeGrantTo,
  decideAddProject,
  decideAddProjectRoles,
  decideRemoveProject,
  decideRemoveProjectRole,
  decideUpdateProjectRole,
  isActiveProjectOf,
  projectAggregate,
} from './project.decider';
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

  it('given the grant to C was removed and C was granted again, then activeGrantTo finds the new grant and folding left the earlier states untouched', () => {
    const first: ProjectEvent[] = [portalAdded, { type: 'project.grant.added', data: { grantId: 'g1', grantedOrgId: C } }];
    const removedAgain: ProjectEvent[] = [
      { type: 'project.grant.removed', data: { grantId: 'g1', grantedOrgId: C } },
      { type: 'project.grant.added', data: { grantId: 'g2', grantedOrgId: C } },
      { type: 'project.grant.added', data: { grantId: 'g3', grantedOrgId: T } },
    ];
    const before = fold(projectAggregate, given(P, first, byV));
    const after = given(P, [...first, ...removedAgain], byV)
      .slice(first.length)
      .reduce((state, event) => projectAggregate.evolve(state, event), before);

    expect(activeGrantTo(after, C)?.grantId).toBe('g2');
    expect(activeGrantTo(after, T)?.grantId).toBe('g3');
    expect(after.grants.get('g1')?.status).toBe('removed');
    // evolve is pure: the state it started from still shows g1 as C's live grant.
    expect(activeGrantTo(before, C)?.grantId).toBe('g1');
    expect(before.grants.size).toBe(1);
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

describe('UpdateProjectRole (zitadel-api.md §3.11)', () => {
  const portalWithRoles: ProjectEvent[] = [portalAdded, role('reader', 'Reader', 'Readers'), role('writer', 'Writer')];
  const update = (key: string, displayName: string, group: string, actingOrg = V) => ({ actingOrg, key, displayName, group });

  describe('rule 1: the project must be an active project of the acting org (COMMAND-EbFMN)', () => {
    it('given no project, when V updates a role, then FailedPrecondition COMMAND-EbFMN', () => {
      thenThrows(() => decideUpdateProjectRole(update('reader', 'R', ''), projectAggregate.initialState), 'failed_precondition', 'COMMAND-EbFMN');
    });

    it('given Portal was removed, when V updates its role, then FailedPrecondition COMMAND-EbFMN', () => {
      const state = fold(projectAggregate, given(P, [...portalWithRoles, { type: 'project.removed', data: { name: 'Portal' } }], byV));

      thenThrows(() => decideUpdateProjectRole(update('reader', 'R', ''), state), 'failed_precondition', 'COMMAND-EbFMN');
    });

    it('given Portal in V, when C updates its role, then FailedPrecondition COMMAND-EbFMN (another org\'s project is not found)', () => {
      const state = fold(projectAggregate, given(P, portalWithRoles, byV));

      thenThrows(() => decideUpdateProjectRole(update('reader', 'R', '', C), state), 'failed_precondition', 'COMMAND-EbFMN');
    });

    it('given Portal in V, when C updates a role Portal does not have, then COMMAND-EbFMN comes before COMMAND-vv8M9', () => {
      const state = fold(projectAggregate, given(P, portalWithRoles, byV));

      thenThrows(() => decideUpdateProjectRole(update('ghost', 'G', '', C), state), 'failed_precondition', 'COMMAND-EbFMN');
    });
  });

  describe('rule 2: the role must exist (COMMAND-vv8M9)', () => {
    it('given Portal without role admin, when V updates admin, then NotFound COMMAND-vv8M9', () => {
      const state = fold(projectAggregate, given(P, portalWithRoles, byV));

      thenThrows(() => decideUpdateProjectRole(update('admin', 'Admin', ''), state), 'not_found', 'COMMAND-vv8M9');
    });

    it('given role writer was removed, when V updates writer, then NotFound COMMAND-vv8M9', () => {
      const state = fold(projectAggregate, given(P, [...portalWithRoles, { type: 'project.role.removed', data: { key: 'writer' } }], byV));

      thenThrows(() => decideUpdateProjectRole(update('writer', 'Writers', ''), state), 'not_found', 'COMMAND-vv8M9');
    });

    it('given role reader, when V updates READER, then NotFound COMMAND-vv8M9 (references match exactly)', () => {
      const state = fold(projectAggregate, given(P, portalWithRoles, byV));

      thenThrows(() => decideUpdateProjectRole(update('READER', 'Reader', 'Readers'), state), 'not_found', 'COMMAND-vv8M9');
    });
  });

  describe('rule 3: an unchanged role appends nothing', () => {
    it('given reader "Reader" in group Readers, when V updates it to the same values, then no events', () => {
      const state = fold(projectAggregate, given(P, portalWithRoles, byV));

      thenEvents(() => decideUpdateProjectRole(update('reader', 'Reader', 'Readers'), state), []);
    });

    it('given reader was changed before, when V updates it to its changed values, then no events', () => {
      const state = fold(
        projectAggregate,
        given(P, [...portalWithRoles, { type: 'project.role.changed', data: { key: 'reader', displayName: 'Readers', group: 'G' } }], byV),
      );

      thenEvents(() => decideUpdateProjectRole(update('reader', 'Readers', 'G'), state), []);
    });
  });

  describe('rule 4: project.role.changed carries the changed fields only', () => {
    it('given reader "Reader" in Readers, when only the display name changes, then the event has key and displayName', () => {
      const state = fold(projectAggregate, given(P, portalWithRoles, byV));

      thenEvents(() => decideUpdateProjectRole(update('reader', 'Reader (ro)', 'Readers'), state), [
        { type: 'project.role.changed', data: { key: 'reader', displayName: 'Reader (ro)' } },
      ]);
    });

    it('given writer without a group, when only the group changes, then the event has key and group', () => {
      const state = fold(projectAggregate, given(P, portalWithRoles, byV));

      thenEvents(() => decideUpdateProjectRole(update('writer', 'Writer', 'Writers'), state), [
        { type: 'project.role.changed', data: { key: 'writer', group: 'Writers' } },
      ]);
    });

    it('given reader in group Readers, when both change (group cleared), then the event has both fields', () => {
      const state = fold(projectAggregate, given(P, portalWithRoles, byV));

      thenEvents(() => decideUpdateProjectRole(update('reader', 'Viewer', ''), state), [
        { type: 'project.role.changed', data: { key: 'reader', displayName: 'Viewer', group: '' } },
      ]);
    });
  });
});

describe('RemoveProjectRole (zitadel-api.md §3.11, §4)', () => {
  const removeRole = (key: string, actingOrg = V) => ({ actingOrg, key });
  const grantOf = (grantId: string, grantedOrgId: string, roleKeys: readonly string[]): ProjectEvent => ({
    type: 'project.grant.added',
    data: { grantId, grantedOrgId, roleKeys },
  });
  const portalWithRoles: ProjectEvent[] = [portalAdded, role('reader'), role('writer'), role('admin')];

  describe('rule 1: the project must be an active project of the acting org (COMMAND-EbFMN)', () => {
    it('given no project, when V removes a role, then FailedPrecondition COMMAND-EbFMN', () => {
      thenThrows(() => decideRemoveProjectRole(removeRole('reader'), projectAggregate.initialState), 'failed_precondition', 'COMMAND-EbFMN');
    });

    it('given Portal was removed, when V removes its role, then FailedPrecondition COMMAND-EbFMN', () => {
      const state = fold(projectAggregate, given(P, [...portalWithRoles, { type: 'project.removed', data: { name: 'Portal' } }], byV));

      thenThrows(() => decideRemoveProjectRole(removeRole('reader'), state), 'failed_precondition', 'COMMAND-EbFMN');
    });

    it('given Portal in V, when C removes its role, then COMMAND-EbFMN instead of a silent success (§7 fixed 13)', () => {
      const state = fold(projectAggregate, given(P, portalWithRoles, byV));

      thenThrows(() => decideRemoveProjectRole(removeRole('reader', C), state), 'failed_precondition', 'COMMAND-EbFMN');
    });

    it('given Portal in V, when C removes a key Portal does not have, then still COMMAND-EbFMN (checked before the no-op)', () => {
      const state = fold(projectAggregate, given(P, portalWithRoles, byV));

      thenThrows(() => decideRemoveProjectRole(removeRole('ghost', C), state), 'failed_precondition', 'COMMAND-EbFMN');
    });
  });

  describe('rule 2: an unknown or already removed key appends nothing', () => {
    it('given Portal without role ghost, when V removes ghost, then no events', () => {
      const state = fold(projectAggregate, given(P, portalWithRoles, byV));

      thenEvents(() => decideRemoveProjectRole(removeRole('ghost'), state), []);
    });

    it('given writer was removed already, when V removes writer again, then no events (not even grant cascades)', () => {
      const state = fold(
        projectAggregate,
        given(P, [...portalWithRoles, grantOf('g1', C, ['reader']), { type: 'project.role.removed', data: { key: 'writer' } }], byV),
      );

      thenEvents(() => decideRemoveProjectRole(removeRole('writer'), state), []);
    });

    it('given role reader, when V removes READER, then no events (references match exactly)', () => {
      const state = fold(projectAggregate, given(P, [...portalWithRoles, grantOf('g1', C, ['reader'])], byV));

      thenEvents(() => decideRemoveProjectRole(removeRole('READER'), state), []);
    });
  });

  describe('rule 3: one append of project.role.removed and a project.grant.cascade.changed per grant holding the key', () => {
    it('given no grants, when V removes writer, then only project.role.removed', () => {
      const state = fold(projectAggregate, given(P, portalWithRoles, byV));

      thenEvents(() => decideRemoveProjectRole(removeRole('writer'), state), [{ type: 'project.role.removed', data: { key: 'writer' } }]);
    });

    it('given grants holding writer to C (active) and T (inactive) and one to a fourth org without it, when V removes writer, then a cascade for C and T each, with the remaining roles in order', () => {
      const state = fold(
        projectAggregate,
        given(
          P,
          [
            ...portalWithRoles,
            grantOf('g-c', C, ['admin', 'writer', 'reader']),
            grantOf('g-t', T, ['writer']),
            grantOf('g-x', 'org-x', ['reader', 'admin']),
            { type: 'project.grant.deactivated', data: { grantId: 'g-t' } },
          ],
          byV,
        ),
      );

      thenEvents(() => decideRemoveProjectRole(removeRole('writer'), state), [
        { type: 'project.role.removed', data: { key: 'writer' } },
        { type: 'project.grant.cascade.changed', data: { grantId: 'g-c', roleKeys: ['admin', 'reader'] } },
        { type: 'project.grant.cascade.changed', data: { grantId: 'g-t', roleKeys: [] } },
      ]);
    });

    it('given a removed grant that held writer, when V removes writer, then the removed grant gets no cascade', () => {
      const state = fold(
        projectAggregate,
        given(
          P,
          [
            ...portalWithRoles,
            grantOf('g-old', C, ['writer']),
            { type: 'project.grant.removed', data: { grantId: 'g-old', grantedOrgId: C } },
            grantOf('g-new', C, ['reader', 'writer']),
          ],
          byV,
        ),
      );

      thenEvents(() => decideRemoveProjectRole(removeRole('writer'), state), [
        { type: 'project.role.removed', data: { key: 'writer' } },
        { type: 'project.grant.cascade.changed', data: { grantId: 'g-new', roleKeys: ['reader'] } },
      ]);
    });

    it('given the grant lost writer by project.grant.changed already, when V removes writer, then no cascade for it', () => {
      const state = fold(
        projectAggregate,
        given(P, [...portalWithRoles, grantOf('g-c', C, ['reader', 'writer']), { type: 'project.grant.changed', data: { grantId: 'g-c', roleKeys: ['reader'] } }], byV),
      );

      thenEvents(() => decideRemoveProjectRole(removeRole('writer'), state), [{ type: 'project.role.removed', data: { key: 'writer' } }]);
    });

    it('given writer removed with its cascade, when the role is added again and removed again, then the grant (no longer holding it) gets no cascade', () => {
      const removed = decideRemoveProjectRole(
        removeRole('writer'),
        fold(projectAggregate, given(P, [...portalWithRoles, grantOf('g-c', C, ['reader', 'writer'])], byV)),
      );
      const state = fold(projectAggregate, given(P, [...portalWithRoles, grantOf('g-c', C, ['reader', 'writer']), ...removed, role('writer')], byV));

      expect(state.grants.get('g-c')?.roleKeys).toEqual(['reader']);
      thenEvents(() => decideRemoveProjectRole(removeRole('writer'), state), [{ type: 'project.role.removed', data: { key: 'writer' } }]);
    });
  });
});

describe('RemoveProject (zitadel-api.md §3.11)', () => {
  it('given Portal in V with roles and a grant, when V removes it, then project.removed with its name', () => {
    const state = fold(
      projectAggregate,
      given(P, [portalAdded, role('reader'), { type: 'project.grant.added', data: { grantId: 'g1', grantedOrgId: C, roleKeys: ['reader'] } }], byV),
    );

    thenEvents(() => decideRemoveProject({ actingOrg: V }, state), [{ type: 'project.removed', data: { name: 'Portal' } }]);
  });

  it('given no project, when V removes it, then NotFound COMMAND-3M9sd', () => {
    thenThrows(() => decideRemoveProject({ actingOrg: V }, projectAggregate.initialState), 'not_found', 'COMMAND-3M9sd');
  });

  it('given Portal was removed, when V removes it again, then NotFound COMMAND-3M9sd', () => {
    const state = fold(projectAggregate, given(P, [portalAdded, { type: 'project.removed', data: { name: 'Portal' } }], byV));

    thenThrows(() => decideRemoveProject({ actingOrg: V }, state), 'not_found', 'COMMAND-3M9sd');
  });

  it('given Portal in V, when C (the grantee) removes it, then NotFound COMMAND-3M9sd', () => {
    const state = fold(
      projectAggregate,
      given(P, [portalAdded, { type: 'project.grant.added', data: { grantId: 'g1', grantedOrgId: C } }], byV),
    );

    thenThrows(() => decideRemoveProject({ actingOrg: C }, state), 'not_found', 'COMMAND-3M9sd');
  });

  it('given Portal removed by V, then project.removed releases the name key so Portal can be added again in V', () => {
    const state = fold(projectAggregate, given(P, [portalAdded], byV));
    const [removed] = decideRemoveProject({ actingOrg: V }, state);
    if (removed === undefined) throw new Error('expected project.removed');

    expect(projectAggregate.uniqueClaims?.(removed, state, V)).toEqual({ claim: [], release: [{ kind: 'project.name', value: `${V}:portal` }] });
  });
});

import { fold, given, thenEvents, thenThrows } from '../../test/support/given';
import { projectAggregate } from '../projects/project.decider';
import type { ProjectEvent } from '../projects/project.events';
import {
  type AddProjectGrant,
  decideAddProjectGrant,
  decideDeactivateProjectGrant,
  decideReactivateProjectGrant,
  decideRemoveProjectGrant,
  decideUpdateProjectGrant,
} from './project-grant.decider';

const V = 'org-vendor';
const C = 'org-customer';
const T = 'org-third';
const P = 'project-portal';
const byV = { resourceOwner: V };

const portal: ProjectEvent[] = [
  { type: 'project.added', data: { name: 'Portal' } },
  { type: 'project.role.added', data: { key: 'reader', displayName: 'Reader' } },
  { type: 'project.role.added', data: { key: 'writer', displayName: 'Writer' } },
];
const grantToC: ProjectEvent = { type: 'project.grant.added', data: { grantId: 'g-old', grantedOrgId: C, roleKeys: ['reader'] } };

const grantPToC: AddProjectGrant = { actingOrg: V, grantId: 'g-new', grantedOrgId: C, roleKeys: ['reader', 'writer'] };
const orgExists = { grantedOrgExists: true };
const noSuchOrg = { grantedOrgExists: false };

const stateOf = (events: readonly ProjectEvent[]) => fold(projectAggregate, given(P, events, byV));

describe('AddProjectGrant', () => {
  describe('success', () => {
    it('given Portal in V with reader and writer, when V grants it to C with both roles, then project.grant.added', () => {
      thenEvents(
        () => decideAddProjectGrant(grantPToC, stateOf(portal), orgExists),
        [{ type: 'project.grant.added', data: { grantId: 'g-new', grantedOrgId: C, roleKeys: ['reader', 'writer'] } }],
      );
    });

    it('given Portal, when V grants it to C without roles, then roleKeys is omitted', () => {
      thenEvents(
        () => decideAddProjectGrant({ ...grantPToC, roleKeys: [] }, stateOf(portal), orgExists),
        [{ type: 'project.grant.added', data: { grantId: 'g-new', grantedOrgId: C } }],
      );
    });

    it('given the grant to C was removed, when V grants Portal to C again, then a new grant is added', () => {
      const state = stateOf([...portal, grantToC, { type: 'project.grant.removed', data: { grantId: 'g-old', grantedOrgId: C } }]);

      thenEvents(
        () => decideAddProjectGrant(grantPToC, state, orgExists),
        [{ type: 'project.grant.added', data: { grantId: 'g-new', grantedOrgId: C, roleKeys: ['reader', 'writer'] } }],
      );
    });

    it('given Portal is granted to C, when V grants it to T, then it is added (one grant per granted org)', () => {
      thenEvents(
        () => decideAddProjectGrant({ ...grantPToC, grantedOrgId: T, roleKeys: [] }, stateOf([...portal, grantToC]), orgExists),
        [{ type: 'project.grant.added', data: { grantId: 'g-new', grantedOrgId: T } }],
      );
    });
  });

  describe('rule 1: the project must be an active project of the acting org (COMMAND-m9gsd)', () => {
    it('given no project, when V grants it, then FailedPrecondition COMMAND-m9gsd', () => {
      thenThrows(() => decideAddProjectGrant(grantPToC, projectAggregate.initialState, orgExists), 'failed_precondition', 'COMMAND-m9gsd');
    });

    it('given Portal in V, when C grants it, then FailedPrecondition COMMAND-m9gsd (another org\'s project is not found)', () => {
      thenThrows(
        () => decideAddProjectGrant({ ...grantPToC, actingOrg: C, grantedOrgId: T }, stateOf(portal), orgExists),
        'failed_precondition',
        'COMMAND-m9gsd',
      );
    });

    it('given Portal was removed, when V grants it, then FailedPrecondition COMMAND-m9gsd', () => {
      const state = stateOf([...portal, { type: 'project.removed', data: { name: 'Portal' } }]);

      thenThrows(() => decideAddProjectGrant(grantPToC, state, orgExists), 'failed_precondition', 'COMMAND-m9gsd');
    });

    it('given no project and no granted org and unknown roles, when V grants, then COMMAND-m9gsd comes first', () => {
      thenThrows(
        () => decideAddProjectGrant({ ...grantPToC, grantedOrgId: V, roleKeys: ['admin'] }, projectAggregate.initialState, noSuchOrg),
        'failed_precondition',
        'COMMAND-m9gsd',
      );
    });
  });

  describe('rule 2: the granted org must exist (COMMAND-3m9gg)', () => {
    it('given Portal, when V grants it to an unknown org, then FailedPrecondition COMMAND-3m9gg', () => {
      thenThrows(() => decideAddProjectGrant(grantPToC, stateOf(portal), noSuchOrg), 'failed_precondition', 'COMMAND-3m9gg');
    });

    it('given Portal, when V grants it to an unknown org with an unknown role, then COMMAND-3m9gg comes before COMMAND-6m9gd', () => {
      thenThrows(
        () => decideAddProjectGrant({ ...grantPToC, roleKeys: ['admin'] }, stateOf(portal), noSuchOrg),
        'failed_precondition',
        'COMMAND-3m9gg',
      );
    });
  });

  describe('rule 3: every role key must be a current role of the project (COMMAND-6m9gd)', () => {
    it('given Portal with reader and writer, when V grants role admin, then FailedPrecondition COMMAND-6m9gd', () => {
      thenThrows(
        () => decideAddProjectGrant({ ...grantPToC, roleKeys: ['reader', 'admin'] }, stateOf(portal), orgExists),
        'failed_precondition',
        'COMMAND-6m9gd',
      );
    });

    it('given role reader, when V grants READER, then COMMAND-6m9gd (references match exactly)', () => {
      thenThrows(
        () => decideAddProjectGrant({ ...grantPToC, roleKeys: ['READER'] }, stateOf(portal), orgExists),
        'failed_precondition',
        'COMMAND-6m9gd',
      );
    });

    it('given role writer was removed, when V grants writer, then COMMAND-6m9gd', () => {
      const state = stateOf([...portal, { type: 'project.role.removed', data: { key: 'writer' } }]);

      thenThrows(() => decideAddProjectGrant(grantPToC, state, orgExists), 'failed_precondition', 'COMMAND-6m9gd');
    });

    it('given Portal, when V grants it to itself with an unknown role, then COMMAND-6m9gd comes before PROJECT-ckUpbvboAH', () => {
      thenThrows(
        () => decideAddProjectGrant({ ...grantPToC, grantedOrgId: V, roleKeys: ['admin'] }, stateOf(portal), orgExists),
        'failed_precondition',
        'COMMAND-6m9gd',
      );
    });
  });

  describe('rule 5: a project cannot be granted to its owner (PROJECT-ckUpbvboAH)', () => {
    it('given Portal in V, when V grants it to V, then FailedPrecondition PROJECT-ckUpbvboAH', () => {
      thenThrows(
        () => decideAddProjectGrant({ ...grantPToC, grantedOrgId: V }, stateOf(portal), orgExists),
        'failed_precondition',
        'PROJECT-ckUpbvboAH',
      );
    });
  });

  describe('rule 6: one non-removed grant per (project, granted org) (V3-DKcYh)', () => {
    it('given Portal granted to C, when V grants it to C again, then AlreadyExists V3-DKcYh', () => {
      thenThrows(() => decideAddProjectGrant(grantPToC, stateOf([...portal, grantToC]), orgExists), 'already_exists', 'V3-DKcYh');
    });

    it('given the grant to C is inactive, when V grants Portal to C again, then AlreadyExists V3-DKcYh', () => {
      const state = stateOf([...portal, grantToC, { type: 'project.grant.deactivated', data: { grantId: 'g-old' } }]);

      thenThrows(() => decideAddProjectGrant(grantPToC, state, orgExists), 'already_exists', 'V3-DKcYh');
    });

    it('given the grant to C lost its roles by a cascade, when V grants Portal to C again, then AlreadyExists V3-DKcYh', () => {
      const state = stateOf([...portal, grantToC, { type: 'project.grant.cascade.changed', data: { grantId: 'g-old', roleKeys: [] } }]);

      thenThrows(() => decideAddProjectGrant(grantPToC, state, orgExists), 'already_exists', 'V3-DKcYh');
    });
  });
});

const G = 'g-p-c';
const granted: ProjectEvent[] = [...portal, { type: 'project.grant.added', data: { grantId: G, grantedOrgId: C, roleKeys: ['reader', 'writer'] } }];
const deactivated: ProjectEvent = { type: 'project.grant.deactivated', data: { grantId: G } };
const reactivated: ProjectEvent = { type: 'project.grant.reactivated', data: { grantId: G } };
const removed: ProjectEvent = { type: 'project.grant.removed', data: { grantId: G, grantedOrgId: C } };
const portalRemoved: ProjectEvent = { type: 'project.removed', data: { name: 'Portal' } };
const onG = { actingOrg: V, grantId: G };

describe('UpdateProjectGrant (zitadel-api.md §3.3)', () => {
  const update = (roleKeys: readonly string[], actingOrg = V, grantId = G) => ({ actingOrg, grantId, roleKeys });

  describe('rule 1: the grant of this project, owned by the acting org, must exist (PROJECT-D8JxR)', () => {
    it('given Portal without grant g-unknown, when V updates it, then NotFound PROJECT-D8JxR', () => {
      thenThrows(() => decideUpdateProjectGrant(update(['reader'], V, 'g-unknown'), stateOf(granted)), 'not_found', 'PROJECT-D8JxR');
    });

    it('given G was removed, when V updates it, then NotFound PROJECT-D8JxR', () => {
      thenThrows(() => decideUpdateProjectGrant(update(['reader']), stateOf([...granted, removed])), 'not_found', 'PROJECT-D8JxR');
    });

    it('given G of Portal (owned by V), when C (the granted org) updates it, then NotFound PROJECT-D8JxR (another org\'s project)', () => {
      thenThrows(() => decideUpdateProjectGrant(update(['reader'], C), stateOf(granted)), 'not_found', 'PROJECT-D8JxR');
    });

    it('given Portal was removed, when V updates G, then NotFound PROJECT-D8JxR', () => {
      thenThrows(() => decideUpdateProjectGrant(update(['reader']), stateOf([...granted, portalRemoved])), 'not_found', 'PROJECT-D8JxR');
    });

    it('given no project, when V updates G, then NotFound PROJECT-D8JxR', () => {
      thenThrows(() => decideUpdateProjectGrant(update(['reader']), projectAggregate.initialState), 'not_found', 'PROJECT-D8JxR');
    });

    it('given G was removed, when V updates it with an unknown role, then PROJECT-D8JxR comes before COMMAND-6m9gd', () => {
      thenThrows(() => decideUpdateProjectGrant(update(['admin']), stateOf([...granted, removed])), 'not_found', 'PROJECT-D8JxR');
    });
  });

  describe('rule 3: every role key must be a current role of the project (COMMAND-6m9gd)', () => {
    it('given Portal with reader and writer, when V updates G to [reader, admin], then FailedPrecondition COMMAND-6m9gd', () => {
      thenThrows(() => decideUpdateProjectGrant(update(['reader', 'admin']), stateOf(granted)), 'failed_precondition', 'COMMAND-6m9gd');
    });

    it('given writer was removed from Portal, when V updates G to [writer], then COMMAND-6m9gd', () => {
      const state = stateOf([...granted, { type: 'project.role.removed', data: { key: 'writer' } }]);

      thenThrows(() => decideUpdateProjectGrant(update(['writer']), state), 'failed_precondition', 'COMMAND-6m9gd');
    });

    it('given role reader, when V updates G to [Reader], then COMMAND-6m9gd (references match exactly)', () => {
      thenThrows(() => decideUpdateProjectGrant(update(['Reader']), stateOf(granted)), 'failed_precondition', 'COMMAND-6m9gd');
    });

    it('given G holds [reader, writer], when V updates it to the same list plus an unknown role, then COMMAND-6m9gd (checked before "unchanged")', () => {
      thenThrows(() => decideUpdateProjectGrant(update(['reader', 'writer', 'admin']), stateOf(granted)), 'failed_precondition', 'COMMAND-6m9gd');
    });
  });

  describe('rule 4: an unchanged list (order-sensitive) appends nothing', () => {
    it('given G holds [reader, writer], when V updates it to [reader, writer], then no events', () => {
      thenEvents(() => decideUpdateProjectGrant(update(['reader', 'writer']), stateOf(granted)), []);
    });

    it('given G holds [reader, writer], when V updates it to [writer, reader], then project.grant.changed (a re-ordered list is a change)', () => {
      thenEvents(
        () => decideUpdateProjectGrant(update(['writer', 'reader']), stateOf(granted)),
        [{ type: 'project.grant.changed', data: { grantId: G, roleKeys: ['writer', 'reader'] } }],
      );
    });

    it('given G lost writer by a role-removal cascade, when V updates it to [reader], then no events (compared with the current list)', () => {
      const state = stateOf([
        ...granted,
        { type: 'project.role.removed', data: { key: 'writer' } },
        { type: 'project.grant.cascade.changed', data: { grantId: G, roleKeys: ['reader'] } },
      ]);

      thenEvents(() => decideUpdateProjectGrant(update(['reader']), state), []);
    });

    it('given G was added without roles, when V updates it to [], then no events', () => {
      const state = stateOf([...portal, { type: 'project.grant.added', data: { grantId: G, grantedOrgId: C } }]);

      thenEvents(() => decideUpdateProjectGrant(update([]), state), []);
    });
  });

  describe('rule 5: project.grant.changed with the complete new list', () => {
    it('given G holds [reader, writer], when V updates it to [reader], then project.grant.changed [reader]', () => {
      thenEvents(() => decideUpdateProjectGrant(update(['reader']), stateOf(granted)), [
        { type: 'project.grant.changed', data: { grantId: G, roleKeys: ['reader'] } },
      ]);
    });

    it('given G holds [reader, writer], when V updates it to [], then project.grant.changed with an empty list', () => {
      thenEvents(() => decideUpdateProjectGrant(update([]), stateOf(granted)), [{ type: 'project.grant.changed', data: { grantId: G, roleKeys: [] } }]);
    });

    it('given G is inactive, when V updates it, then project.grant.changed (works on inactive grants)', () => {
      thenEvents(() => decideUpdateProjectGrant(update(['writer']), stateOf([...granted, deactivated])), [
        { type: 'project.grant.changed', data: { grantId: G, roleKeys: ['writer'] } },
      ]);
    });
  });
});

describe('DeactivateProjectGrant / ReactivateProjectGrant (zitadel-api.md §3.4)', () => {
  describe.each([
    ['DeactivateProjectGrant', decideDeactivateProjectGrant],
    ['ReactivateProjectGrant', decideReactivateProjectGrant],
  ] as const)('%s', (_, decide) => {
    it('given no project, then FailedPrecondition COMMAND-EbFMN', () => {
      thenThrows(() => decide(onG, projectAggregate.initialState), 'failed_precondition', 'COMMAND-EbFMN');
    });

    it('given Portal was removed, then FailedPrecondition COMMAND-EbFMN', () => {
      thenThrows(() => decide(onG, stateOf([...granted, portalRemoved])), 'failed_precondition', 'COMMAND-EbFMN');
    });

    it('given Portal owned by V, when C (the granted org) acts on G, then FailedPrecondition COMMAND-EbFMN', () => {
      thenThrows(() => decide({ ...onG, actingOrg: C }, stateOf(granted)), 'failed_precondition', 'COMMAND-EbFMN');
    });

    it('given Portal owned by V, when C acts on an unknown grant, then COMMAND-EbFMN comes before PROJECT-D8JxR', () => {
      thenThrows(() => decide({ actingOrg: C, grantId: 'g-unknown' }, stateOf(granted)), 'failed_precondition', 'COMMAND-EbFMN');
    });

    it('given Portal without grant g-unknown, when V acts on it, then NotFound PROJECT-D8JxR', () => {
      thenThrows(() => decide({ ...onG, grantId: 'g-unknown' }, stateOf(granted)), 'not_found', 'PROJECT-D8JxR');
    });

    it('given G was removed, when V acts on it, then NotFound PROJECT-D8JxR', () => {
      thenThrows(() => decide(onG, stateOf([...granted, removed])), 'not_found', 'PROJECT-D8JxR');
    });
  });

  it('given G is active, when V deactivates it, then project.grant.deactivated', () => {
    thenEvents(() => decideDeactivateProjectGrant(onG, stateOf(granted)), [{ type: 'project.grant.deactivated', data: { grantId: G } }]);
  });

  it('given G is inactive, when V deactivates it again, then no events', () => {
    thenEvents(() => decideDeactivateProjectGrant(onG, stateOf([...granted, deactivated])), []);
  });

  it('given G deactivated and reactivated, when V deactivates it, then project.grant.deactivated again', () => {
    thenEvents(() => decideDeactivateProjectGrant(onG, stateOf([...granted, deactivated, reactivated])), [
      { type: 'project.grant.deactivated', data: { grantId: G } },
    ]);
  });

  it('given G is inactive, when V reactivates it, then project.grant.reactivated', () => {
    thenEvents(() => decideReactivateProjectGrant(onG, stateOf([...granted, deactivated])), [{ type: 'project.grant.reactivated', data: { grantId: G } }]);
  });

  it('given G is active, when V reactivates it, then no events', () => {
    thenEvents(() => decideReactivateProjectGrant(onG, stateOf(granted)), []);
  });

  it('given G was reactivated, when V reactivates it again, then no events', () => {
    thenEvents(() => decideReactivateProjectGrant(onG, stateOf([...granted, deactivated, reactivated])), []);
  });
});

describe('RemoveProjectGrant (zitadel-api.md §3.5)', () => {
  it('given G is active, when V removes it, then project.grant.removed with grant id and granted org', () => {
    thenEvents(() => decideRemoveProjectGrant(onG, stateOf(granted)), [{ type: 'project.grant.removed', data: { grantId: G, grantedOrgId: C } }]);
  });

  it('given G is inactive, when V removes it, then project.grant.removed (works on inactive grants)', () => {
    thenEvents(() => decideRemoveProjectGrant(onG, stateOf([...granted, deactivated])), [
      { type: 'project.grant.removed', data: { grantId: G, grantedOrgId: C } },
    ]);
  });

  it('given G was removed, when V removes it again, then NotFound PROJECT-D8JxR (v1 remove is not idempotent)', () => {
    thenThrows(() => decideRemoveProjectGrant(onG, stateOf([...granted, removed])), 'not_found', 'PROJECT-D8JxR');
  });

  it('given Portal without grant g-unknown, when V removes it, then NotFound PROJECT-D8JxR', () => {
    thenThrows(() => decideRemoveProjectGrant({ ...onG, grantId: 'g-unknown' }, stateOf(granted)), 'not_found', 'PROJECT-D8JxR');
  });

  it('given Portal owned by V, when C (the granted org) removes G, then NotFound PROJECT-D8JxR', () => {
    thenThrows(() => decideRemoveProjectGrant({ ...onG, actingOrg: C }, stateOf(granted)), 'not_found', 'PROJECT-D8JxR');
  });

  it('given Portal was removed, when V removes G, then NotFound PROJECT-D8JxR', () => {
    thenThrows(() => decideRemoveProjectGrant(onG, stateOf([...granted, portalRemoved])), 'not_found', 'PROJECT-D8JxR');
  });

  it('given no project, when V removes G, then NotFound PROJECT-D8JxR', () => {
    thenThrows(() => decideRemoveProjectGrant(onG, projectAggregate.initialState), 'not_found', 'PROJECT-D8JxR');
  });

  it('given G removed, when V grants Portal to C again and removes the new grant, then it names the new grant', () => {
    const state = stateOf([...granted, removed, { type: 'project.grant.added', data: { grantId: 'g-again', grantedOrgId: C } }]);

    thenEvents(() => decideRemoveProjectGrant({ ...onG, grantId: 'g-again' }, state), [
      { type: 'project.grant.removed', data: { grantId: 'g-again', grantedOrgId: C } },
    ]);
  });
});

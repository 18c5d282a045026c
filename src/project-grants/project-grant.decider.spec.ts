import { fold, given, thenEvents, thenThrows } from '../../test/support/given';
import { projectAggregate } from '../projects/project.decider';
import type { ProjectEvent } from '../projects/project.events';
import { type AddProjectGrant, decideAddProjectGrant } from './project-grant.decider';

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

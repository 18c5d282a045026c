import { fold, given, thenEvents, thenThrows } from '../../test/support/given';
import { type ProjectState, projectAggregate } from '../projects/project.decider';
import type { ProjectEvent } from '../projects/project.events';
import { type UserState, userAggregate } from '../users/user.decider';
import type { UserEvent } from '../users/user.events';
import { type AddUserGrant, type UserGrantContext, decideAddUserGrant, userGrantAggregate } from './user-grant.decider';
import type { UserGrantEvent } from './user-grant.events';

const V = 'org-vendor';
const C = 'org-customer';
const T = 'org-third';
const P = 'portal';
const G = 'grant-p-to-c';
const GIGI = 'gigi';
const UG = 'usergrant-1';

const portal: ProjectEvent[] = [
  { type: 'project.added', data: { name: 'Portal' } },
  { type: 'project.role.added', data: { key: 'reader', displayName: 'Reader' } },
  { type: 'project.role.added', data: { key: 'writer', displayName: 'Writer' } },
];
const portalGrantedToC: ProjectEvent[] = [
  ...portal,
  { type: 'project.grant.added', data: { grantId: G, grantedOrgId: C, roleKeys: ['reader', 'writer'] } },
];
const gigiAdded: UserEvent = {
  type: 'user.human.added',
  data: { userName: 'gigi', firstName: 'Gigi', lastName: 'Giraffe', displayName: 'Gigi Giraffe', email: 'gigi@example.com' },
};

const projectState = (events: readonly ProjectEvent[]): ProjectState => fold(projectAggregate, given(`project-${P}`, events, { resourceOwner: V }));
const userState = (events: readonly UserEvent[]): UserState => fold(userAggregate, given(`user-${GIGI}`, events, { resourceOwner: C }));

const gigi = userState([gigiAdded]);
const context = (project: readonly ProjectEvent[], user: UserState = gigi): UserGrantContext => ({ user, project: projectState(project) });

/** AddUserGrant via C on P for gigi, without a project grant id. */
const viaC: AddUserGrant = { actingOrg: C, userId: GIGI, projectId: P, projectGrantId: '', roleKeys: ['reader'] };
/** AddUserGrant via V (the owner) on P for gigi. */
const viaV: AddUserGrant = { ...viaC, actingOrg: V };

const newGrant = userGrantAggregate.initialState;

describe('AddUserGrant', () => {
  describe('success', () => {
    it('given P owned by V, when V grants gigi reader on P, then user.grant.added without a project grant id', () => {
      thenEvents(
        () => decideAddUserGrant(viaV, newGrant, context(portalGrantedToC)),
        [{ type: 'user.grant.added', data: { userId: GIGI, projectId: P, roleKeys: ['reader'] } }],
      );
    });

    it('given P granted to C, when C grants gigi reader without a project grant id, then the grant id is filled in', () => {
      thenEvents(
        () => decideAddUserGrant(viaC, newGrant, context(portalGrantedToC)),
        [{ type: 'user.grant.added', data: { userId: GIGI, projectId: P, grantId: G, roleKeys: ['reader'] } }],
      );
    });

    it('given P granted to C, when C grants gigi with the project grant id, then user.grant.added with it', () => {
      thenEvents(
        () => decideAddUserGrant({ ...viaC, projectGrantId: G, roleKeys: ['writer', 'reader'] }, newGrant, context(portalGrantedToC)),
        [{ type: 'user.grant.added', data: { userId: GIGI, projectId: P, grantId: G, roleKeys: ['writer', 'reader'] } }],
      );
    });

    it('given P granted to C, when C grants gigi no roles, then roleKeys is omitted', () => {
      thenEvents(
        () => decideAddUserGrant({ ...viaC, roleKeys: [] }, newGrant, context(portalGrantedToC)),
        [{ type: 'user.grant.added', data: { userId: GIGI, projectId: P, grantId: G } }],
      );
    });

    it('given the grant to C is inactive, when C grants gigi reader, then it is added (grant state is not checked)', () => {
      const project = [...portalGrantedToC, { type: 'project.grant.deactivated', data: { grantId: G } } as ProjectEvent];

      thenEvents(
        () => decideAddUserGrant(viaC, newGrant, context(project)),
        [{ type: 'user.grant.added', data: { userId: GIGI, projectId: P, grantId: G, roleKeys: ['reader'] } }],
      );
    });

    it('given gigi is a user of another org than the acting one, when V grants gigi, then it is added (any org of the instance)', () => {
      thenEvents(
        () => decideAddUserGrant({ ...viaV, roleKeys: [] }, newGrant, context(portal)),
        [{ type: 'user.grant.added', data: { userId: GIGI, projectId: P } }],
      );
    });
  });

  describe('step 1: the user must exist (COMMAND-4f8sg)', () => {
    it('given no such user, when C grants them, then FailedPrecondition COMMAND-4f8sg', () => {
      thenThrows(
        () => decideAddUserGrant(viaC, newGrant, context(portalGrantedToC, userAggregate.initialState)),
        'failed_precondition',
        'COMMAND-4f8sg',
      );
    });

    it('given gigi was removed, when C grants gigi, then FailedPrecondition COMMAND-4f8sg', () => {
      const removed = userState([gigiAdded, { type: 'user.removed', data: null }]);

      thenThrows(() => decideAddUserGrant(viaC, newGrant, context(portalGrantedToC, removed)), 'failed_precondition', 'COMMAND-4f8sg');
    });

    it('given no such user and no such project, when C grants, then COMMAND-4f8sg comes first', () => {
      thenThrows(
        () => decideAddUserGrant(viaC, newGrant, { user: userAggregate.initialState, project: projectAggregate.initialState }),
        'failed_precondition',
        'COMMAND-4f8sg',
      );
    });
  });

  describe('step 2: an owned project must not be removed (COMMAND-3n77S)', () => {
    it('given P owned by V was removed, when V grants gigi on P, then FailedPrecondition COMMAND-3n77S', () => {
      const removed = [...portal, { type: 'project.removed', data: { name: 'Portal' } } as ProjectEvent];

      thenThrows(() => decideAddUserGrant(viaV, newGrant, context(removed)), 'failed_precondition', 'COMMAND-3n77S');
    });
  });

  describe('steps 2–3: the project grant must exist (COMMAND-4m9ff)', () => {
    it('given P owned by V, when V grants gigi on P with a project grant id, then COMMAND-4m9ff (no project is granted to its owner)', () => {
      thenThrows(() => decideAddUserGrant({ ...viaV, projectGrantId: G }, newGrant, context(portalGrantedToC)), 'failed_precondition', 'COMMAND-4m9ff');
    });

    it('given P is not granted to T, when T grants gigi on P, then COMMAND-4m9ff', () => {
      thenThrows(() => decideAddUserGrant({ ...viaC, actingOrg: T }, newGrant, context(portalGrantedToC)), 'failed_precondition', 'COMMAND-4m9ff');
    });

    it('given no such project, when C grants gigi on it, then COMMAND-4m9ff (not COMMAND-3n77S)', () => {
      thenThrows(
        () => decideAddUserGrant(viaC, newGrant, { user: gigi, project: projectAggregate.initialState }),
        'failed_precondition',
        'COMMAND-4m9ff',
      );
    });

    it('given no such project, when V grants gigi on it, then COMMAND-4m9ff', () => {
      thenThrows(
        () => decideAddUserGrant(viaV, newGrant, { user: gigi, project: projectAggregate.initialState }),
        'failed_precondition',
        'COMMAND-4m9ff',
      );
    });

    it('given P granted to C, when C grants gigi with another project grant id, then COMMAND-4m9ff', () => {
      thenThrows(
        () => decideAddUserGrant({ ...viaC, projectGrantId: 'some-other-grant' }, newGrant, context(portalGrantedToC)),
        'failed_precondition',
        'COMMAND-4m9ff',
      );
    });

    it('given the grant to C was removed, when C grants gigi on P, then COMMAND-4m9ff', () => {
      const project = [...portalGrantedToC, { type: 'project.grant.removed', data: { grantId: G, grantedOrgId: C } } as ProjectEvent];

      thenThrows(() => decideAddUserGrant(viaC, newGrant, context(project)), 'failed_precondition', 'COMMAND-4m9ff');
      thenThrows(() => decideAddUserGrant({ ...viaC, projectGrantId: G }, newGrant, context(project)), 'failed_precondition', 'COMMAND-4m9ff');
    });

    it('given P granted to C was removed, when C grants gigi on P, then COMMAND-4m9ff', () => {
      const project = [...portalGrantedToC, { type: 'project.removed', data: { name: 'Portal' } } as ProjectEvent];

      thenThrows(() => decideAddUserGrant(viaC, newGrant, context(project)), 'failed_precondition', 'COMMAND-4m9ff');
    });
  });

  describe('step 4: the roles must be available on the project grant or owned project (COMMAND-mm9F4)', () => {
    it('given G holds only reader, when C grants gigi writer, then FailedPrecondition COMMAND-mm9F4', () => {
      const project: ProjectEvent[] = [...portal, { type: 'project.grant.added', data: { grantId: G, grantedOrgId: C, roleKeys: ['reader'] } }];

      thenThrows(() => decideAddUserGrant({ ...viaC, roleKeys: ['reader', 'writer'] }, newGrant, context(project)), 'failed_precondition', 'COMMAND-mm9F4');
    });

    it('given P owned by V, when V grants gigi a role P does not have, then COMMAND-mm9F4', () => {
      thenThrows(() => decideAddUserGrant({ ...viaV, roleKeys: ['admin'] }, newGrant, context(portal)), 'failed_precondition', 'COMMAND-mm9F4');
    });

    it('given role writer was removed from owned P, when V grants gigi writer, then COMMAND-mm9F4', () => {
      const project = [...portal, { type: 'project.role.removed', data: { key: 'writer' } } as ProjectEvent];

      thenThrows(() => decideAddUserGrant({ ...viaV, roleKeys: ['writer'] }, newGrant, context(project)), 'failed_precondition', 'COMMAND-mm9F4');
    });

    it('given writer was removed from G by a project.grant.cascade.changed, when C grants gigi writer, then COMMAND-mm9F4', () => {
      const project: ProjectEvent[] = [
        ...portalGrantedToC,
        { type: 'project.role.removed', data: { key: 'writer' } },
        { type: 'project.grant.cascade.changed', data: { grantId: G, roleKeys: ['reader'] } },
      ];

      thenThrows(() => decideAddUserGrant({ ...viaC, roleKeys: ['writer'] }, newGrant, context(project)), 'failed_precondition', 'COMMAND-mm9F4');
      thenEvents(
        () => decideAddUserGrant(viaC, newGrant, context(project)),
        [{ type: 'user.grant.added', data: { userId: GIGI, projectId: P, grantId: G, roleKeys: ['reader'] } }],
      );
    });

    it('given G was changed to [reader], when C grants gigi writer, then COMMAND-mm9F4', () => {
      const project = [...portalGrantedToC, { type: 'project.grant.changed', data: { grantId: G, roleKeys: ['reader'] } } as ProjectEvent];

      thenThrows(() => decideAddUserGrant({ ...viaC, roleKeys: ['writer'] }, newGrant, context(project)), 'failed_precondition', 'COMMAND-mm9F4');
    });

    it('given G holds reader, when C grants gigi READER, then COMMAND-mm9F4 (references match exactly)', () => {
      thenThrows(() => decideAddUserGrant({ ...viaC, roleKeys: ['READER'] }, newGrant, context(portalGrantedToC)), 'failed_precondition', 'COMMAND-mm9F4');
    });
  });

  describe('step 6: the user grant must be new (V3-DKcYh)', () => {
    it('given the user grant stream exists, when adding on it, then AlreadyExists V3-DKcYh', () => {
      const state = fold(
        userGrantAggregate,
        given<UserGrantEvent>(UG, [{ type: 'user.grant.added', data: { userId: GIGI, projectId: P, grantId: G } }], { resourceOwner: C }),
      );

      thenThrows(() => decideAddUserGrant(viaC, state, context(portalGrantedToC)), 'already_exists', 'V3-DKcYh');
    });
  });
});

describe('user grant aggregate: evolve', () => {
  const addedByC: UserGrantEvent = { type: 'user.grant.added', data: { userId: GIGI, projectId: P, grantId: G, roleKeys: ['reader'] } };
  const stateAfter = (...events: UserGrantEvent[]) => fold(userGrantAggregate, given<UserGrantEvent>(UG, [addedByC, ...events], { resourceOwner: C }));

  it('given user.grant.added by C, then the grant is active, owned by C, on P and G with its roles', () => {
    expect(stateAfter()).toEqual({ status: 'active', owner: C, userId: GIGI, projectId: P, projectGrantId: G, roleKeys: ['reader'] });
  });

  it('given user.grant.added on an owned project without roles, then no project grant id and no roles', () => {
    const state = fold(userGrantAggregate, given<UserGrantEvent>(UG, [{ type: 'user.grant.added', data: { userId: GIGI, projectId: P } }], { resourceOwner: V }));

    expect(state).toEqual({ status: 'active', owner: V, userId: GIGI, projectId: P, projectGrantId: '', roleKeys: [] });
  });

  it('given changed then cascade.changed, then the roles are the last list', () => {
    expect(
      stateAfter(
        { type: 'user.grant.changed', data: { userId: GIGI, roleKeys: ['reader', 'writer'] } },
        { type: 'user.grant.cascade.changed', data: { roleKeys: ['writer'] } },
      ).roleKeys,
    ).toEqual(['writer']);
  });

  it('given deactivated, then inactive; given reactivated after it, then active', () => {
    expect(stateAfter({ type: 'user.grant.deactivated', data: null }).status).toBe('inactive');
    expect(stateAfter({ type: 'user.grant.deactivated', data: null }, { type: 'user.grant.reactivated', data: null }).status).toBe('active');
  });

  it.each<UserGrantEvent>([
    { type: 'user.grant.removed', data: { userId: GIGI, projectId: P, grantId: G } },
    { type: 'user.grant.cascade.removed', data: null },
  ])('given $type, then removed', (event) => {
    expect(stateAfter(event).status).toBe('removed');
  });
});

describe('user grant aggregate: unique claims', () => {
  it('when user.grant.added on G by C, then it claims (owner org, user, project, project grant)', () => {
    expect(
      userGrantAggregate.uniqueClaims?.({ type: 'user.grant.added', data: { userId: GIGI, projectId: P, grantId: G } }, userGrantAggregate.initialState, C),
    ).toEqual({ claim: [{ kind: 'usergrant', value: `${C}:${GIGI}:${P}:${G}` }], release: [] });
  });

  it('when user.grant.added on an owned project, then the project grant part of the key is empty', () => {
    expect(userGrantAggregate.uniqueClaims?.({ type: 'user.grant.added', data: { userId: GIGI, projectId: P } }, userGrantAggregate.initialState, V)).toEqual({
      claim: [{ kind: 'usergrant', value: `${V}:${GIGI}:${P}:` }],
      release: [],
    });
  });

  it('given a decided AddUserGrant with the grant id filled in, then its claim equals the one of a request naming G', () => {
    const [filledIn] = decideAddUserGrant(viaC, newGrant, context(portalGrantedToC));
    const [named] = decideAddUserGrant({ ...viaC, projectGrantId: G }, newGrant, context(portalGrantedToC));
    if (filledIn === undefined || named === undefined) throw new Error('expected one event each');

    expect(userGrantAggregate.uniqueClaims?.(filledIn, newGrant, C)).toEqual(userGrantAggregate.uniqueClaims?.(named, newGrant, C));
  });

  it.each<UserGrantEvent>([
    { type: 'user.grant.removed', data: { userId: GIGI, projectId: P, grantId: G } },
    { type: 'user.grant.cascade.removed', data: null },
  ])('given the grant added by C, when $type, then it releases the key it claimed', (event) => {
    const added: UserGrantEvent = { type: 'user.grant.added', data: { userId: GIGI, projectId: P, grantId: G } };
    const state = fold(userGrantAggregate, given<UserGrantEvent>(UG, [added], { resourceOwner: C }));
    const claimed = userGrantAggregate.uniqueClaims?.(added, newGrant, C);

    expect(userGrantAggregate.uniqueClaims?.(event, state, 'org-of-the-remover')).toEqual({ claim: [], release: claimed?.claim });
  });

  it.each<UserGrantEvent>([
    { type: 'user.grant.changed', data: { userId: GIGI, roleKeys: [] } },
    { type: 'user.grant.cascade.changed', data: { roleKeys: [] } },
    { type: 'user.grant.deactivated', data: null },
    { type: 'user.grant.reactivated', data: null },
  ])('when $type, then it claims and releases nothing', (event) => {
    const state = fold(userGrantAggregate, given<UserGrantEvent>(UG, [{ type: 'user.grant.added', data: { userId: GIGI, projectId: P } }], { resourceOwner: C }));

    expect(userGrantAggregate.uniqueClaims?.(event, state, C)).toEqual({ claim: [], release: [] });
  });
});

import { History, fold, given, thenEvents, thenThrows } from '../../test/support/given';
import { type ProjectState, projectAggregate } from '../projects/project.decider';
import type { ProjectEvent } from '../projects/project.events';
import { type UserState, userAggregate } from '../users/user.decider';
import type { UserEvent } from '../users/user.events';
import { heldKeys } from '../kernel/aggregate';
import type { RecordedEvent } from '../kernel/event';
import {
  type AddUserGrant,
  type UserGrantContext,
  type UserGrantState,
  decideAddUserGrant,
  decideCascade,
  decideDeactivateUserGrant,
  decideReactivateUserGrant,
  decideRemoveUserGrant,
  decideRoleDrop,
  decideUpdateUserGrant,
  userGrantAggregate,
} from './user-grant.decider';
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

  it('given user.grant.added by C, then the grant is active, owned by C, on P and G with its roles, chosen at the added event\'s position', () => {
    expect(stateAfter()).toEqual({ status: 'active', owner: C, userId: GIGI, projectId: P, projectGrantId: G, roleKeys: ['reader'], rolesDecidedAt: 1 });
  });

  it('given user.grant.added on an owned project without roles, then no project grant id and no roles', () => {
    const state = fold(userGrantAggregate, given<UserGrantEvent>(UG, [{ type: 'user.grant.added', data: { userId: GIGI, projectId: P } }], { resourceOwner: V }));

    expect(state).toEqual({ status: 'active', owner: V, userId: GIGI, projectId: P, projectGrantId: '', roleKeys: [], rolesDecidedAt: 1 });
  });

  it('given no events, then nothing was ever decided (rolesDecidedAt 0)', () => {
    expect(newGrant).toMatchObject({ status: 'absent', roleKeys: [], rolesDecidedAt: 0 });
  });

  it('given changed then cascade.changed, then the roles are the last list', () => {
    expect(
      stateAfter(
        { type: 'user.grant.changed', data: { userId: GIGI, roleKeys: ['reader', 'writer'] } },
        { type: 'user.grant.cascade.changed', data: { roleKeys: ['writer'] } },
      ).roleKeys,
    ).toEqual(['writer']);
  });

  it('given user.grant.added at position 3 and user.grant.changed at position 5 with other streams in between, then rolesDecidedAt is the global position of each in turn', () => {
    const history = new History();
    history.record(`project-${P}`, portal.slice(0, 2), { resourceOwner: V }); // 1, 2
    const [added] = history.record<UserGrantEvent>(UG, addedByC, { resourceOwner: C }); // 3
    history.record(`project-${P}`, portal.slice(2), { resourceOwner: V }); // 4
    const [changed] = history.record<UserGrantEvent>(UG, { type: 'user.grant.changed', data: { userId: GIGI, roleKeys: ['writer'] } }, { resourceOwner: C }); // 5
    const own = history.events.filter((event) => event.stream === UG) as RecordedEvent<UserGrantEvent>[];

    expect(fold(userGrantAggregate, own.slice(0, 1)).rolesDecidedAt).toBe(added?.position);
    expect(fold(userGrantAggregate, own).rolesDecidedAt).toBe(changed?.position);
    expect(fold(userGrantAggregate, own)).toMatchObject({ roleKeys: ['writer'], rolesDecidedAt: 5 });
  });

  it('given user.grant.changed (2) then cascade.changed (3), then the roles follow the cascade but rolesDecidedAt stays that of the change: a cascade is nobody\'s choice', () => {
    const state = stateAfter(
      { type: 'user.grant.changed', data: { userId: GIGI, roleKeys: ['reader', 'writer'] } },
      { type: 'user.grant.cascade.changed', data: { roleKeys: ['reader'] } },
    );

    expect(state).toMatchObject({ roleKeys: ['reader'], rolesDecidedAt: 2 });
  });

  it('given only a cascade.changed after user.grant.added, then rolesDecidedAt stays that of user.grant.added', () => {
    expect(stateAfter({ type: 'user.grant.cascade.changed', data: { roleKeys: [] } })).toMatchObject({ roleKeys: [], rolesDecidedAt: 1 });
  });

  it('given deactivated and reactivated, then rolesDecidedAt does not move', () => {
    expect(stateAfter({ type: 'user.grant.deactivated', data: null }, { type: 'user.grant.reactivated', data: null }).rolesDecidedAt).toBe(1);
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

/** gigi's user grant on G, owned by C, with `roleKeys`, after `then` of its own events. */
const onG = (roleKeys: readonly string[], ...then: UserGrantEvent[]): UserGrantState =>
  fold(userGrantAggregate, given<UserGrantEvent>(UG, [{ type: 'user.grant.added', data: { userId: GIGI, projectId: P, grantId: G, roleKeys } }, ...then], { resourceOwner: C }));
/** gigi's user grant on owned Portal, owned by V. */
const onOwned = (roleKeys: readonly string[], ...then: UserGrantEvent[]): UserGrantState =>
  fold(userGrantAggregate, given<UserGrantEvent>(UG, [{ type: 'user.grant.added', data: { userId: GIGI, projectId: P, roleKeys } }, ...then], { resourceOwner: V }));

const deactivated: UserGrantEvent = { type: 'user.grant.deactivated', data: null };
const reactivated: UserGrantEvent = { type: 'user.grant.reactivated', data: null };
const removedByUser: UserGrantEvent = { type: 'user.grant.removed', data: { userId: GIGI, projectId: P, grantId: G } };
const cascadeRemoved: UserGrantEvent = { type: 'user.grant.cascade.removed', data: null };
const gigiRemoved = userState([gigiAdded, { type: 'user.removed', data: null }]);
const byC_gigi = { actingOrg: C, userId: GIGI };

describe('UpdateUserGrant (zitadel-api.md §3.8)', () => {
  const update = (roleKeys: readonly string[], address = byC_gigi) => ({ ...address, roleKeys });

  describe('rule 1: a live user grant owned by the acting org, of the path\'s user (COMMAND-3M9sd)', () => {
    it('given no user grant, when C updates it, then NotFound COMMAND-3M9sd', () => {
      thenThrows(() => decideUpdateUserGrant(update(['writer']), newGrant, context(portalGrantedToC)), 'not_found', 'COMMAND-3M9sd');
    });

    it.each<[string, UserGrantEvent]>([
      ['user.grant.removed', removedByUser],
      ['user.grant.cascade.removed', cascadeRemoved],
    ])('given the user grant got %s, when C updates it, then NotFound COMMAND-3M9sd', (_, removal) => {
      thenThrows(() => decideUpdateUserGrant(update(['writer']), onG(['reader'], removal), context(portalGrantedToC)), 'not_found', 'COMMAND-3M9sd');
    });

    it('given the user grant is owned by C, when V (the project owner) updates it, then NotFound COMMAND-3M9sd (§7 fixed 8)', () => {
      thenThrows(() => decideUpdateUserGrant(update(['writer'], { actingOrg: V, userId: GIGI }), onG(['reader']), context(portalGrantedToC)), 'not_found', 'COMMAND-3M9sd');
    });

    it('given the user grant is gigi\'s, when C updates it with another user id in the path, then NotFound COMMAND-3M9sd (§7 fixed 7)', () => {
      thenThrows(() => decideUpdateUserGrant(update(['writer'], { actingOrg: C, userId: 'bob' }), onG(['reader']), context(portalGrantedToC)), 'not_found', 'COMMAND-3M9sd');
    });

    it('given no user grant, when C updates it with the same (empty) roles, then COMMAND-3M9sd comes before COMMAND-Rs8fy', () => {
      thenThrows(() => decideUpdateUserGrant(update([]), newGrant, context(portalGrantedToC)), 'not_found', 'COMMAND-3M9sd');
    });
  });

  describe('rule 3: an unchanged list fails (COMMAND-Rs8fy), order-sensitively', () => {
    it('given the user grant holds [reader], when C updates it to [reader], then FailedPrecondition COMMAND-Rs8fy', () => {
      thenThrows(() => decideUpdateUserGrant(update(['reader']), onG(['reader']), context(portalGrantedToC)), 'failed_precondition', 'COMMAND-Rs8fy');
    });

    it('given the user grant holds no roles, when C updates it to [], then COMMAND-Rs8fy', () => {
      thenThrows(() => decideUpdateUserGrant(update([]), onG([]), context(portalGrantedToC)), 'failed_precondition', 'COMMAND-Rs8fy');
    });

    it('given the user grant holds [reader, writer], when C updates it to [writer, reader], then user.grant.changed (a re-ordered list is a change)', () => {
      thenEvents(() => decideUpdateUserGrant(update(['writer', 'reader']), onG(['reader', 'writer']), context(portalGrantedToC)), [
        { type: 'user.grant.changed', data: { userId: GIGI, roleKeys: ['writer', 'reader'] } },
      ]);
    });

    it('given a cascade left [reader], when C updates it to [reader], then COMMAND-Rs8fy (compared with the current list)', () => {
      thenThrows(
        () => decideUpdateUserGrant(update(['reader']), onG(['reader', 'writer'], { type: 'user.grant.cascade.changed', data: { roleKeys: ['reader'] } }), context(portalGrantedToC)),
        'failed_precondition',
        'COMMAND-Rs8fy',
      );
    });

    it('given gigi was removed, when C updates her grant with the same list, then COMMAND-Rs8fy comes before COMMAND-4f8sg', () => {
      thenThrows(() => decideUpdateUserGrant(update(['reader']), onG(['reader']), context(portalGrantedToC, gigiRemoved)), 'failed_precondition', 'COMMAND-Rs8fy');
    });
  });

  describe('rule 4: the preconditions of AddUserGrant on the stored user, project and project grant', () => {
    it('given gigi was removed, when C changes her grant, then FailedPrecondition COMMAND-4f8sg', () => {
      thenThrows(() => decideUpdateUserGrant(update(['writer']), onG(['reader']), context(portalGrantedToC, gigiRemoved)), 'failed_precondition', 'COMMAND-4f8sg');
    });

    it('given gigi was removed and Portal too, when V changes her owned grant, then COMMAND-4f8sg comes before COMMAND-3n77S', () => {
      const project = [...portal, { type: 'project.removed', data: { name: 'Portal' } } as ProjectEvent];

      thenThrows(
        () => decideUpdateUserGrant(update(['writer'], { actingOrg: V, userId: GIGI }), onOwned(['reader']), context(project, gigiRemoved)),
        'failed_precondition',
        'COMMAND-4f8sg',
      );
    });

    it('given owned Portal was removed, when V changes gigi\'s grant on it, then FailedPrecondition COMMAND-3n77S', () => {
      const project = [...portal, { type: 'project.removed', data: { name: 'Portal' } } as ProjectEvent];

      thenThrows(() => decideUpdateUserGrant(update(['writer'], { actingOrg: V, userId: GIGI }), onOwned(['reader']), context(project)), 'failed_precondition', 'COMMAND-3n77S');
    });

    it('given G was removed, when C changes gigi\'s grant on G, then FailedPrecondition COMMAND-4m9ff', () => {
      const project = [...portalGrantedToC, { type: 'project.grant.removed', data: { grantId: G, grantedOrgId: C } } as ProjectEvent];

      thenThrows(() => decideUpdateUserGrant(update(['writer']), onG(['reader']), context(project)), 'failed_precondition', 'COMMAND-4m9ff');
    });

    it('given G was removed and Portal granted to C again as another grant, when C changes gigi\'s grant on G, then COMMAND-4m9ff (the stored grant id counts)', () => {
      const project: ProjectEvent[] = [
        ...portalGrantedToC,
        { type: 'project.grant.removed', data: { grantId: G, grantedOrgId: C } },
        { type: 'project.grant.added', data: { grantId: 'g-again', grantedOrgId: C, roleKeys: ['reader', 'writer'] } },
      ];

      thenThrows(() => decideUpdateUserGrant(update(['writer']), onG(['reader']), context(project)), 'failed_precondition', 'COMMAND-4m9ff');
    });

    it('given Portal granted to C was removed, when C changes gigi\'s grant on G, then COMMAND-4m9ff', () => {
      const project = [...portalGrantedToC, { type: 'project.removed', data: { name: 'Portal' } } as ProjectEvent];

      thenThrows(() => decideUpdateUserGrant(update(['writer']), onG(['reader']), context(project)), 'failed_precondition', 'COMMAND-4m9ff');
    });

    it('given G holds only reader, when C changes gigi\'s grant to [reader, writer], then FailedPrecondition COMMAND-mm9F4', () => {
      const project = [...portalGrantedToC, { type: 'project.grant.changed', data: { grantId: G, roleKeys: ['reader'] } } as ProjectEvent];

      thenThrows(() => decideUpdateUserGrant(update(['reader', 'writer']), onG(['reader']), context(project)), 'failed_precondition', 'COMMAND-mm9F4');
    });

    it('given writer left G by a role-removal cascade, when C changes gigi\'s grant to [writer], then COMMAND-mm9F4', () => {
      const project: ProjectEvent[] = [
        ...portalGrantedToC,
        { type: 'project.role.removed', data: { key: 'writer' } },
        { type: 'project.grant.cascade.changed', data: { grantId: G, roleKeys: ['reader'] } },
      ];

      thenThrows(() => decideUpdateUserGrant(update(['writer']), onG(['reader']), context(project)), 'failed_precondition', 'COMMAND-mm9F4');
    });

    it('given owned Portal without role admin, when V changes gigi\'s grant to [admin], then COMMAND-mm9F4', () => {
      thenThrows(() => decideUpdateUserGrant(update(['admin'], { actingOrg: V, userId: GIGI }), onOwned(['reader']), context(portal)), 'failed_precondition', 'COMMAND-mm9F4');
    });
  });

  describe('rule 5: user.grant.changed with the complete list; state is not checked', () => {
    it('given gigi\'s grant on G holds [reader], when C changes it to [reader, writer], then user.grant.changed', () => {
      thenEvents(() => decideUpdateUserGrant(update(['reader', 'writer']), onG(['reader']), context(portalGrantedToC)), [
        { type: 'user.grant.changed', data: { userId: GIGI, roleKeys: ['reader', 'writer'] } },
      ]);
    });

    it('given gigi\'s owned grant, when V changes it to [], then user.grant.changed with an empty list', () => {
      thenEvents(() => decideUpdateUserGrant(update([], { actingOrg: V, userId: GIGI }), onOwned(['reader']), context(portal)), [
        { type: 'user.grant.changed', data: { userId: GIGI, roleKeys: [] } },
      ]);
    });

    it('given the user grant is inactive and G is inactive, when C changes it, then user.grant.changed', () => {
      const project = [...portalGrantedToC, { type: 'project.grant.deactivated', data: { grantId: G } } as ProjectEvent];

      thenEvents(() => decideUpdateUserGrant(update(['writer']), onG(['reader'], deactivated), context(project)), [
        { type: 'user.grant.changed', data: { userId: GIGI, roleKeys: ['writer'] } },
      ]);
    });
  });
});

describe('DeactivateUserGrant / ReactivateUserGrant / RemoveUserGrant (zitadel-api.md §3.9)', () => {
  describe.each([
    ['DeactivateUserGrant', decideDeactivateUserGrant, 'COMMAND-3M9sd'],
    ['ReactivateUserGrant', decideReactivateUserGrant, 'COMMAND-Lp0gs'],
    ['RemoveUserGrant', decideRemoveUserGrant, 'COMMAND-1My0t'],
  ] as const)('%s: lookup fails → NotFound %s', (_, decide, errorId) => {
    it('given no user grant, then NotFound', () => {
      thenThrows(() => decide(byC_gigi, newGrant), 'not_found', errorId);
    });

    it('given the user grant was removed, then NotFound', () => {
      thenThrows(() => decide(byC_gigi, onG(['reader'], removedByUser)), 'not_found', errorId);
    });

    it('given the user grant was cascade-removed, then NotFound', () => {
      thenThrows(() => decide(byC_gigi, onG(['reader'], cascadeRemoved)), 'not_found', errorId);
    });

    it('given the user grant is owned by C, when another org acts on it, then NotFound', () => {
      thenThrows(() => decide({ actingOrg: V, userId: GIGI }, onG(['reader'])), 'not_found', errorId);
    });

    it('given the user grant is gigi\'s, when the path names another user, then NotFound', () => {
      thenThrows(() => decide({ actingOrg: C, userId: 'bob' }, onG(['reader'])), 'not_found', errorId);
    });
  });

  it('given an active user grant, when C deactivates it, then user.grant.deactivated without payload', () => {
    thenEvents(() => decideDeactivateUserGrant(byC_gigi, onG(['reader'])), [{ type: 'user.grant.deactivated', data: null }]);
  });

  it('given an inactive user grant, when C deactivates it again, then no events', () => {
    thenEvents(() => decideDeactivateUserGrant(byC_gigi, onG(['reader'], deactivated)), []);
  });

  it('given an inactive user grant, when C reactivates it, then user.grant.reactivated without payload', () => {
    thenEvents(() => decideReactivateUserGrant(byC_gigi, onG(['reader'], deactivated)), [{ type: 'user.grant.reactivated', data: null }]);
  });

  it('given an active (reactivated) user grant, when C reactivates it, then no events', () => {
    thenEvents(() => decideReactivateUserGrant(byC_gigi, onG(['reader'])), []);
    thenEvents(() => decideReactivateUserGrant(byC_gigi, onG(['reader'], deactivated, reactivated)), []);
  });

  it('given an active user grant on G, when C removes it, then user.grant.removed with user, project and project grant', () => {
    thenEvents(() => decideRemoveUserGrant(byC_gigi, onG(['reader'])), [{ type: 'user.grant.removed', data: { userId: GIGI, projectId: P, grantId: G } }]);
  });

  it('given an inactive user grant, when C removes it, then user.grant.removed', () => {
    thenEvents(() => decideRemoveUserGrant(byC_gigi, onG(['reader'], deactivated)), [{ type: 'user.grant.removed', data: { userId: GIGI, projectId: P, grantId: G } }]);
  });

  it('given a user grant on owned Portal, when V removes it, then user.grant.removed without a grant id', () => {
    thenEvents(() => decideRemoveUserGrant({ actingOrg: V, userId: GIGI }, onOwned(['reader'])), [{ type: 'user.grant.removed', data: { userId: GIGI, projectId: P } }]);
  });

  it('given a user grant, when C removes it without a user in the path (BulkRemoveUserGrant), then user.grant.removed', () => {
    thenEvents(() => decideRemoveUserGrant({ actingOrg: C, userId: '' }, onG(['reader'])), [{ type: 'user.grant.removed', data: { userId: GIGI, projectId: P, grantId: G } }]);
  });

  it('given a user grant, when another org removes it without a user in the path, then NotFound COMMAND-1My0t', () => {
    thenThrows(() => decideRemoveUserGrant({ actingOrg: T, userId: '' }, onG(['reader'])), 'not_found', 'COMMAND-1My0t');
  });
});

describe('removal cascade: decideCascade (zitadel-api.md §4)', () => {
  const withProject = (project: readonly ProjectEvent[], user: UserState = gigi): UserGrantContext => context(project, user);
  const grantRoles: ProjectEvent[] = [
    { type: 'project.added', data: { name: 'Portal' } },
    { type: 'project.role.added', data: { key: 'a', displayName: 'A' } },
    { type: 'project.role.added', data: { key: 'b', displayName: 'B' } },
    { type: 'project.role.added', data: { key: 'c', displayName: 'C' } },
    { type: 'project.role.added', data: { key: 'd', displayName: 'D' } },
    { type: 'project.grant.added', data: { grantId: G, grantedOrgId: C, roleKeys: ['a', 'b', 'c', 'd'] } },
  ];

  describe('removal', () => {
    it('given gigi was removed, then user.grant.cascade.removed', () => {
      thenEvents(() => decideCascade(onG(['reader']), withProject(portalGrantedToC, gigiRemoved)), [{ type: 'user.grant.cascade.removed', data: null }]);
    });

    it('given gigi never existed, then user.grant.cascade.removed', () => {
      thenEvents(() => decideCascade(onG(['reader']), withProject(portalGrantedToC, userAggregate.initialState)), [{ type: 'user.grant.cascade.removed', data: null }]);
    });

    it('given Portal was removed, then both a grant on G and a grant on owned Portal are cascade-removed', () => {
      const project = [...portalGrantedToC, { type: 'project.removed', data: { name: 'Portal' } } as ProjectEvent];

      thenEvents(() => decideCascade(onG(['reader']), withProject(project)), [{ type: 'user.grant.cascade.removed', data: null }]);
      thenEvents(() => decideCascade(onOwned(['reader']), withProject(project)), [{ type: 'user.grant.cascade.removed', data: null }]);
    });

    it('given G was removed, then the grant on G is cascade-removed and the one on owned Portal is not', () => {
      const project = [...portalGrantedToC, { type: 'project.grant.removed', data: { grantId: G, grantedOrgId: C } } as ProjectEvent];

      thenEvents(() => decideCascade(onG(['reader']), withProject(project)), [{ type: 'user.grant.cascade.removed', data: null }]);
      thenEvents(() => decideCascade(onOwned(['reader']), withProject(project)), []);
    });

    it('given Portal has no grant G at all, then the grant on G is cascade-removed', () => {
      thenEvents(() => decideCascade(onG(['reader']), withProject(portal)), [{ type: 'user.grant.cascade.removed', data: null }]);
    });

    it('given G was removed and the user grant is inactive, then it is cascade-removed too', () => {
      const project = [...portalGrantedToC, { type: 'project.grant.removed', data: { grantId: G, grantedOrgId: C } } as ProjectEvent];

      thenEvents(() => decideCascade(onG(['reader'], deactivated), withProject(project)), [{ type: 'user.grant.cascade.removed', data: null }]);
    });

    it('given G was removed and G\'s roles changed before, then removal wins over the role change', () => {
      const project: ProjectEvent[] = [
        ...portalGrantedToC,
        { type: 'project.grant.changed', data: { grantId: G, roleKeys: [] } },
        { type: 'project.grant.removed', data: { grantId: G, grantedOrgId: C } },
      ];

      thenEvents(() => decideCascade(onG(['reader', 'writer']), withProject(project)), [{ type: 'user.grant.cascade.removed', data: null }]);
    });

    it('given G was removed and Portal granted to C again as another grant, then the grant on the removed G is cascade-removed (removal is final)', () => {
      const project: ProjectEvent[] = [
        ...portalGrantedToC,
        { type: 'project.grant.removed', data: { grantId: G, grantedOrgId: C } },
        { type: 'project.grant.added', data: { grantId: 'g-again', grantedOrgId: C, roleKeys: ['reader', 'writer'] } },
      ];

      thenEvents(() => decideCascade(onG(['reader']), withProject(project)), [{ type: 'user.grant.cascade.removed', data: null }]);
    });
  });

  describe('roles no longer offered: not decideCascade\'s business (decideRoleDrop decides them)', () => {
    it.each<[string, readonly ProjectEvent[], UserGrantState]>([
      ['G changed from [a, b, c, d] to [d]', [...grantRoles, { type: 'project.grant.changed', data: { grantId: G, roleKeys: ['d'] } }], onG(['a', 'b', 'c', 'd'])],
      ['G changed to []', [...grantRoles, { type: 'project.grant.changed', data: { grantId: G, roleKeys: [] } }], onG(['b', 'c'])],
      ['b removed from the project, G not yet cascaded', [...grantRoles, { type: 'project.role.removed', data: { key: 'b' } }], onG(['a', 'b'])],
      [
        'b and c removed from owned Portal',
        [...grantRoles, { type: 'project.role.removed', data: { key: 'b' } }, { type: 'project.role.removed', data: { key: 'c' } }],
        onOwned(['a', 'b', 'c', 'd']),
      ],
      ['G lost a role and the user grant is inactive', [...grantRoles, { type: 'project.grant.changed', data: { grantId: G, roleKeys: ['a'] } }], onG(['a', 'b'], deactivated)],
    ])('given %s, when the user grant holding roles no longer offered is reconciled for removal, then nothing', (_, project, state) => {
      thenEvents(() => decideCascade(state, withProject(project)), []);
    });
  });

  describe('nothing to do', () => {
    it('given G is inactive with all its roles, then nothing (the user grant keeps its stored state)', () => {
      const project = [...portalGrantedToC, { type: 'project.grant.deactivated', data: { grantId: G } } as ProjectEvent];

      thenEvents(() => decideCascade(onG(['reader', 'writer']), withProject(project)), []);
    });

    it('given the user grant holds only roles still offered, then nothing', () => {
      const project = [...grantRoles, { type: 'project.grant.changed', data: { grantId: G, roleKeys: ['a', 'c'] } } as ProjectEvent];

      thenEvents(() => decideCascade(onG(['c', 'a']), withProject(project)), []);
      thenEvents(() => decideCascade(onG([]), withProject(project)), []);
    });

    it.each<[string, UserGrantEvent]>([
      ['user.grant.removed', removedByUser],
      ['user.grant.cascade.removed', cascadeRemoved],
    ])('given the user grant got %s already, when its project grant is gone too, then nothing', (_, removal) => {
      const project = [...portalGrantedToC, { type: 'project.grant.removed', data: { grantId: G, grantedOrgId: C } } as ProjectEvent];

      thenEvents(() => decideCascade(onG(['reader'], removal), withProject(project, gigiRemoved)), []);
    });

    it('given no user grant, then nothing', () => {
      thenEvents(() => decideCascade(newGrant, withProject(portalGrantedToC, gigiRemoved)), []);
    });
  });
});

/**
 * decideRoleDrop decides on the user grant's stream and on what the reactor found the trigger
 * took away (its look-ups at the trigger's log position), never on the project's current roles:
 * a role removed and added back before the cascade runs is still dropped (docs/decisions.md §10).
 * The givens are one log across Portal's stream and gigi's user grant stream, so the user grant's
 * rolesDecidedAt and the trigger's position are real global positions.
 */
describe('role cascade: decideRoleDrop (zitadel-api.md §4, docs/decisions.md §10)', () => {
  const rolesABCD: ProjectEvent[] = [
    { type: 'project.added', data: { name: 'Portal' } },
    { type: 'project.role.added', data: { key: 'a', displayName: 'A' } },
    { type: 'project.role.added', data: { key: 'b', displayName: 'B' } },
    { type: 'project.role.added', data: { key: 'c', displayName: 'C' } },
    { type: 'project.role.added', data: { key: 'd', displayName: 'D' } },
    { type: 'project.grant.added', data: { grantId: G, grantedOrgId: C, roleKeys: ['a', 'b', 'c', 'd'] } },
  ];
  const roleRemoved = (key: string): ProjectEvent => ({ type: 'project.role.removed', data: { key } });
  const roleAdded = (key: string): ProjectEvent => ({ type: 'project.role.added', data: { key, displayName: key } });
  const grantChanged = (roleKeys: readonly string[]): ProjectEvent => ({ type: 'project.grant.changed', data: { grantId: G, roleKeys } });
  const changedTo = (roleKeys: readonly string[]): UserGrantEvent => ({ type: 'user.grant.changed', data: { userId: GIGI, roleKeys } });
  const cascadeChangedTo = (roleKeys: readonly string[]): UserGrantEvent => ({ type: 'user.grant.cascade.changed', data: { roleKeys } });

  /** Portal (with a, b, c, d, granted to C as G) at positions 1–6, then whatever the test records. */
  function log(onGrant = true) {
    const history = new History();
    history.record(`project-${P}`, rolesABCD, { resourceOwner: V });
    const owner = onGrant ? C : V;
    return {
      history,
      /** Records events on Portal's stream; answers the last one (the trigger). */
      project(...events: ProjectEvent[]): RecordedEvent<ProjectEvent> {
        const recorded = history.record(`project-${P}`, events, { resourceOwner: V }).at(-1);
        if (recorded === undefined) throw new Error('no project event recorded');
        return recorded;
      },
      /** Records gigi's user grant (on G, or on owned Portal) with these roles; answers the event. */
      added(roleKeys: readonly string[]): RecordedEvent<UserGrantEvent> {
        return history.one<UserGrantEvent>(UG, { type: 'user.grant.added', data: { userId: GIGI, projectId: P, ...(onGrant ? { grantId: G } : {}), roleKeys } }, { resourceOwner: owner });
      },
      grant(...events: UserGrantEvent[]): RecordedEvent<UserGrantEvent> {
        const recorded = history.record<UserGrantEvent>(UG, events, { resourceOwner: owner }).at(-1);
        if (recorded === undefined) throw new Error('no user grant event recorded');
        return recorded;
      },
      /** The user grant's state as the cascade command loads it. */
      state(): UserGrantState {
        return fold(userGrantAggregate, history.events.filter((event) => event.stream === UG) as RecordedEvent<UserGrantEvent>[]);
      },
    };
  }

  describe('drops every role the trigger took away', () => {
    it('given gigi holds [a, b, c, d] on G, when G is changed to [d] (a, b, c taken away), then cascade.changed [d]: every one of them, adjacent ones included (GHSA-v859-c572-qh5p)', () => {
      const given = log();
      given.added(['a', 'b', 'c', 'd']);
      const trigger = given.project(grantChanged(['d']));

      thenEvents(() => decideRoleDrop(given.state(), new Set(['a', 'b', 'c']), trigger.position), [{ type: 'user.grant.cascade.changed', data: { roleKeys: ['d'] } }]);
    });

    it('given gigi holds [d, b, c, a] on G, when G is changed to [a, d] (two adjacent roles b and c taken away), then both go and the rest keeps its order', () => {
      const given = log();
      given.added(['d', 'b', 'c', 'a']);
      const trigger = given.project(grantChanged(['a', 'd']));

      thenEvents(() => decideRoleDrop(given.state(), new Set(['b', 'c']), trigger.position), [{ type: 'user.grant.cascade.changed', data: { roleKeys: ['d', 'a'] } }]);
    });

    it('given gigi holds [b, c] on G, when G is changed to [] (both taken away), then cascade.changed with an empty list', () => {
      const given = log();
      given.added(['b', 'c']);
      const trigger = given.project(grantChanged([]));

      thenEvents(() => decideRoleDrop(given.state(), new Set(['b', 'c']), trigger.position), [{ type: 'user.grant.cascade.changed', data: { roleKeys: [] } }]);
    });

    it('given gigi holds [a, b, c] on owned Portal, when b then c are removed from Portal, then each removal drops its own role and the grant ends with [a]', () => {
      const given = log(false);
      given.added(['a', 'b', 'c']);
      const removeB = given.project(roleRemoved('b'));
      const removeC = given.project(roleRemoved('c'));

      const first = decideRoleDrop(given.state(), new Set(['b']), removeB.position);
      expect(first).toEqual([{ type: 'user.grant.cascade.changed', data: { roleKeys: ['a', 'c'] } }]);
      given.grant(...first);
      thenEvents(() => decideRoleDrop(given.state(), new Set(['c']), removeC.position), [{ type: 'user.grant.cascade.changed', data: { roleKeys: ['a'] } }]);
    });

    it('given gigi holds [a, b] and both a and b were removed, when the removal of a is reconciled, then only a goes (b is its own trigger\'s to drop)', () => {
      const given = log(false);
      given.added(['a', 'b']);
      const removeA = given.project(roleRemoved('a'));
      given.project(roleRemoved('b'));

      thenEvents(() => decideRoleDrop(given.state(), new Set(['a']), removeA.position), [{ type: 'user.grant.cascade.changed', data: { roleKeys: ['b'] } }]);
    });
  });

  describe('a role given back before the cascade runs is still dropped', () => {
    it('given gigi holds [a, b] on owned Portal, when a is removed and at once added back, then the removal still drops a: cascade.changed [b]', () => {
      const given = log(false);
      given.added(['a', 'b']);
      const removal = given.project(roleRemoved('a'));
      given.project(roleAdded('a'));

      thenEvents(() => decideRoleDrop(given.state(), new Set(['a']), removal.position), [{ type: 'user.grant.cascade.changed', data: { roleKeys: ['b'] } }]);
    });

    it('given gigi holds [a, b] on G, when G is narrowed to [b] and at once widened back to [a, b], then the narrowing still drops a: cascade.changed [b]', () => {
      const given = log();
      given.added(['a', 'b']);
      const narrowed = given.project(grantChanged(['b', 'c', 'd']));
      const widened = given.project(grantChanged(['a', 'b', 'c', 'd']));

      thenEvents(() => decideRoleDrop(given.state(), new Set(['a']), narrowed.position), [{ type: 'user.grant.cascade.changed', data: { roleKeys: ['b'] } }]);
      // The widening took nothing away: the reactor finds nothing to drop for it.
      thenEvents(() => decideRoleDrop(given.state(), new Set(), widened.position), []);
    });
  });

  describe('rolesDecidedAt: a caller\'s later choice stands', () => {
    it('given a removed and added back, when gigi\'s grant is changed to [a, b] AFTER the removal, then the removal drops nothing (rolesDecidedAt after the trigger)', () => {
      const given = log(false);
      given.added(['b']);
      const removal = given.project(roleRemoved('a'));
      given.project(roleAdded('a'));
      given.grant(changedTo(['a', 'b']));

      expect(given.state().rolesDecidedAt).toBeGreaterThan(removal.position);
      thenEvents(() => decideRoleDrop(given.state(), new Set(['a']), removal.position), []);
    });

    it('given gigi\'s grant changed to [a, b] BEFORE a was removed, when the removal is reconciled, then a is dropped (rolesDecidedAt before the trigger)', () => {
      const given = log(false);
      given.added(['b']);
      given.grant(changedTo(['a', 'b']));
      const removal = given.project(roleRemoved('a'));
      given.project(roleAdded('a'));

      expect(given.state().rolesDecidedAt).toBeLessThan(removal.position);
      thenEvents(() => decideRoleDrop(given.state(), new Set(['a']), removal.position), [{ type: 'user.grant.cascade.changed', data: { roleKeys: ['b'] } }]);
    });

    it('given a removed, when a stale change to [a, b] (decided before the removal) lands after it, then the change itself as the trigger drops a (rolesDecidedAt = trigger position)', () => {
      const given = log(false);
      given.added(['b']);
      given.project(roleRemoved('a'));
      const stale = given.grant(changedTo(['a', 'b']));

      expect(given.state().rolesDecidedAt).toBe(stale.position);
      thenEvents(() => decideRoleDrop(given.state(), new Set(['a']), stale.position), [{ type: 'user.grant.cascade.changed', data: { roleKeys: ['b'] } }]);
    });

    it('given a removed, when a user grant with [a, b] decided before lands after it, then its own user.grant.added as the trigger drops a', () => {
      const given = log();
      given.project(grantChanged(['b', 'c', 'd']));
      const added = given.added(['a', 'b']);

      thenEvents(() => decideRoleDrop(given.state(), new Set(['a']), added.position), [{ type: 'user.grant.cascade.changed', data: { roleKeys: ['b'] } }]);
    });

    it('given a and c removed, when the cascade of c\'s removal lands after a\'s removal, then a\'s removal still drops a (a cascade is no caller\'s choice)', () => {
      const given = log(false);
      given.added(['a', 'b', 'c']);
      const removeC = given.project(roleRemoved('c'));
      const removeA = given.project(roleRemoved('a'));
      given.project(roleAdded('a'));
      given.grant(...decideRoleDrop(given.state(), new Set(['c']), removeC.position));

      expect(given.state()).toMatchObject({ roleKeys: ['a', 'b'], rolesDecidedAt: 7 });
      thenEvents(() => decideRoleDrop(given.state(), new Set(['a']), removeA.position), [{ type: 'user.grant.cascade.changed', data: { roleKeys: ['b'] } }]);
    });
  });

  describe('the grant\'s own state', () => {
    it('given gigi\'s grant on G is inactive, when G loses b, then b is dropped all the same', () => {
      const given = log();
      given.added(['a', 'b']);
      given.grant(deactivated);
      const trigger = given.project(grantChanged(['a']));

      thenEvents(() => decideRoleDrop(given.state(), new Set(['b']), trigger.position), [{ type: 'user.grant.cascade.changed', data: { roleKeys: ['a'] } }]);
    });

    it.each<[string, UserGrantEvent]>([
      ['user.grant.removed', removedByUser],
      ['user.grant.cascade.removed', cascadeRemoved],
    ])('given gigi\'s grant got %s, when G loses b, then nothing', (_, removal) => {
      const given = log();
      given.added(['a', 'b']);
      given.grant(removal);
      const trigger = given.project(grantChanged(['a']));

      thenEvents(() => decideRoleDrop(given.state(), new Set(['b']), trigger.position), []);
    });

    it('given no user grant, then nothing', () => {
      thenEvents(() => decideRoleDrop(newGrant, new Set(['a']), 10), []);
    });
  });

  describe('nothing to drop', () => {
    it('given gigi holds [a, c], when G loses b and d, then nothing (none of them held)', () => {
      const given = log();
      given.added(['a', 'c']);
      const trigger = given.project(grantChanged(['a', 'c']));

      thenEvents(() => decideRoleDrop(given.state(), new Set(['b', 'd']), trigger.position), []);
    });

    it('given the cascade already dropped b, when the same trigger is decided again, then nothing (idempotent)', () => {
      const given = log();
      given.added(['a', 'b']);
      const trigger = given.project(grantChanged(['a']));
      given.grant(cascadeChangedTo(['a']));

      thenEvents(() => decideRoleDrop(given.state(), new Set(['b']), trigger.position), []);
    });

    it('given an empty set of dropped roles, then nothing', () => {
      const given = log();
      given.added(['a', 'b']);
      const trigger = given.project(grantChanged(['a', 'b', 'c']));

      thenEvents(() => decideRoleDrop(given.state(), new Set(), trigger.position), []);
    });
  });
});

describe('user grant aggregate: held keys over a history', () => {
  const added: UserGrantEvent = { type: 'user.grant.added', data: { userId: GIGI, projectId: P, grantId: G, roleKeys: ['reader'] } };
  const keyOnG = `usergrant:${C}:${GIGI}:${P}:${G}`;
  const held = (...events: UserGrantEvent[]) => heldKeys(userGrantAggregate, given<UserGrantEvent>(UG, [added, ...events], { resourceOwner: C }));

  it('given added, changed, cascade-changed, deactivated and reactivated, then the key is still held', () => {
    expect([...held({ type: 'user.grant.changed', data: { userId: GIGI, roleKeys: [] } }, { type: 'user.grant.cascade.changed', data: { roleKeys: [] } }, deactivated, reactivated)]).toEqual([keyOnG]);
  });

  it.each<[string, UserGrantEvent]>([
    ['user.grant.removed', removedByUser],
    ['user.grant.cascade.removed', cascadeRemoved],
  ])('given added then %s, then the key is free again', (_, removal) => {
    expect([...held(removal)]).toEqual([]);
  });

  it('given a grant on owned Portal removed by a cascade, then its key (without project grant) is free again', () => {
    const history = given<UserGrantEvent>(UG, [{ type: 'user.grant.added', data: { userId: GIGI, projectId: P } }, cascadeRemoved], { resourceOwner: V });

    expect([...heldKeys(userGrantAggregate, history)]).toEqual([]);
    expect([...heldKeys(userGrantAggregate, history.slice(0, 1))]).toEqual([`usergrant:${V}:${GIGI}:${P}:`]);
  });
});

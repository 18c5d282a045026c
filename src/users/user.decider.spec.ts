import { fold, given, thenEvents, thenThrows } from '../../test/support/given';
import { type AddUser, decideAddUser, decideRemoveUser, userAggregate } from './user.decider';
import type { HumanUserAdded, MachineUserAdded, UserEvent } from './user.events';

const C = 'org-customer';
const U = 'user-gigi';
const byC = { resourceOwner: C };

const gigi: HumanUserAdded['data'] = {
  userName: 'Gigi',
  firstName: 'Gigi',
  lastName: 'Giraffe',
  displayName: 'Gigi Giraffe',
  email: 'gigi@example.com',
  isEmailVerified: true,
};
const robot: MachineUserAdded['data'] = { userName: 'robot', name: 'Robot', description: 'CI' };

const addGigi: AddUser = { kind: 'human', data: gigi };

describe('AddHumanUser / AddMachineUser', () => {
  it('given no user, when adding a human, then user.human.added with the data as given', () => {
    thenEvents(() => decideAddUser(addGigi, userAggregate.initialState), [{ type: 'user.human.added', data: gigi }]);
  });

  it('given no user, when adding a machine, then user.machine.added with the data as given', () => {
    thenEvents(() => decideAddUser({ kind: 'machine', data: robot }, userAggregate.initialState), [{ type: 'user.machine.added', data: robot }]);
  });

  it('given the user stream exists, when adding a user on it, then AlreadyExists V3-DKcYh', () => {
    const state = fold(userAggregate, given<UserEvent>(U, [{ type: 'user.machine.added', data: robot }], byC));

    thenThrows(() => decideAddUser(addGigi, state), 'already_exists', 'V3-DKcYh');
  });

  it('given the user was removed, when adding a user on the same stream, then AlreadyExists V3-DKcYh', () => {
    const state = fold(userAggregate, given<UserEvent>(U, [{ type: 'user.human.added', data: gigi }, { type: 'user.removed', data: null }], byC));

    thenThrows(() => decideAddUser(addGigi, state), 'already_exists', 'V3-DKcYh');
  });
});

describe('user aggregate', () => {
  it('given user.human.added in C, then the user is active, owned by C, with its user name', () => {
    expect(fold(userAggregate, given<UserEvent>(U, [{ type: 'user.human.added', data: gigi }], byC))).toEqual({
      status: 'active',
      owner: C,
      userName: 'Gigi',
    });
  });

  it('given user.machine.added then user.removed, then the user is removed and keeps owner and name', () => {
    expect(fold(userAggregate, given<UserEvent>(U, [{ type: 'user.machine.added', data: robot }, { type: 'user.removed', data: null }], byC))).toEqual({
      status: 'removed',
      owner: C,
      userName: 'robot',
    });
  });

  it.each<UserEvent>([
    { type: 'user.human.added', data: gigi },
    { type: 'user.machine.added', data: { ...robot, userName: 'Gigi' } },
  ])('when $type, then it claims the user name per org, lower-cased', (event) => {
    expect(userAggregate.uniqueClaims?.(event, userAggregate.initialState, C)).toEqual({
      claim: [{ kind: 'user.name', value: `${C}:gigi` }],
      release: [],
    });
  });

  it('given Gigi in C, when user.removed (no payload), then it releases the key it claimed, from the state before', () => {
    const state = fold(userAggregate, given<UserEvent>(U, [{ type: 'user.human.added', data: gigi }], byC));
    const claimed = userAggregate.uniqueClaims?.({ type: 'user.human.added', data: gigi }, userAggregate.initialState, C);

    const released = userAggregate.uniqueClaims?.({ type: 'user.removed', data: null }, state, 'org-of-the-remover');

    expect(released).toEqual({ claim: [], release: claimed?.claim });
  });
});

describe('RemoveUser (zitadel-api.md §3.11)', () => {
  it('given Gigi in C, when C removes her, then user.removed without payload', () => {
    const state = fold(userAggregate, given<UserEvent>(U, [{ type: 'user.human.added', data: gigi }], byC));

    thenEvents(() => decideRemoveUser({ actingOrg: C }, state), [{ type: 'user.removed', data: null }]);
  });

  it('given a machine user in C, when C removes it, then user.removed', () => {
    const state = fold(userAggregate, given<UserEvent>(U, [{ type: 'user.machine.added', data: robot }], byC));

    thenEvents(() => decideRemoveUser({ actingOrg: C }, state), [{ type: 'user.removed', data: null }]);
  });

  it('given no user, when C removes it, then NotFound COMMAND-m9od', () => {
    thenThrows(() => decideRemoveUser({ actingOrg: C }, userAggregate.initialState), 'not_found', 'COMMAND-m9od');
  });

  it('given Gigi was removed, when C removes her again, then NotFound COMMAND-m9od', () => {
    const state = fold(userAggregate, given<UserEvent>(U, [{ type: 'user.human.added', data: gigi }, { type: 'user.removed', data: null }], byC));

    thenThrows(() => decideRemoveUser({ actingOrg: C }, state), 'not_found', 'COMMAND-m9od');
  });

  it('given Gigi in C, when another org removes her, then NotFound COMMAND-m9od (only users of the acting org)', () => {
    const state = fold(userAggregate, given<UserEvent>(U, [{ type: 'user.human.added', data: gigi }], byC));

    thenThrows(() => decideRemoveUser({ actingOrg: 'org-vendor' }, state), 'not_found', 'COMMAND-m9od');
  });
});

import { type AggregateType, NO_CLAIMS, type UniqueClaims, type UniqueKey } from '../kernel/aggregate';
import { assertNever } from '../kernel/decider';
import { alreadyExists, notFound } from '../kernel/domain-error';
import type { HumanUserAdded, MachineUserAdded, UserEvent } from './user.events';

export interface UserState {
  readonly status: 'absent' | 'active' | 'removed';
  readonly owner: string;
  readonly userName: string;
}

export const userAggregate: AggregateType<UserState, UserEvent> = {
  type: 'user',
  initialState: { status: 'absent', owner: '', userName: '' },
  evolve(state, event) {
    switch (event.type) {
      case 'user.human.added':
      case 'user.machine.added':
        return { status: 'active', owner: event.metadata.resourceOwner, userName: event.data.userName };
      case 'user.removed':
        return { ...state, status: 'removed' };
      default:
        return assertNever(event);
    }
  },
  uniqueClaims(event: UserEvent, stateBefore: UserState, resourceOwner: string): UniqueClaims {
    switch (event.type) {
      case 'user.human.added':
      case 'user.machine.added':
        return { claim: [userNameKey(resourceOwner, event.data.userName)], release: [] };
      case 'user.removed':
        return { claim: [], release: [userNameKey(stateBefore.owner, stateBefore.userName)] };
      default:
        return NO_CLAIMS;
    }
  },
};

function userNameKey(org: string, userName: string): UniqueKey {
  return { kind: 'user.name', value: `${org}:${userName.toLowerCase()}` };
}

export type AddUser = { readonly kind: 'human'; readonly data: HumanUserAdded['data'] } | { readonly kind: 'machine'; readonly data: MachineUserAdded['data'] };

export function decideAddUser(command: AddUser, state: UserState): readonly UserEvent[] {
  if (state.status !== 'absent') throw alreadyExists('V3-DKcYh', 'User already exists');
  return command.kind === 'human'
    ? [{ type: 'user.human.added', data: command.data }]
    : [{ type: 'user.machine.added', data: command.data }];
}

/** Removes a user of the acting org; its user grants go by cascade. */
export function decideRemoveUser(command: { readonly actingOrg: string }, state: UserState): readonly UserEvent[] {
  if (state.status !== 'active' || state.owner !== command.actingOrg) throw notFound('COMMAND-m9od', 'User could not be found');
  return [{ type: 'user.removed', data: null }];
}

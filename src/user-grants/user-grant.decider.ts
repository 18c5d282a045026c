import { type AggregateType, NO_CLAIMS, type UniqueClaims, type UniqueKey } from '../kernel/aggregate';
import { assertNever } from '../kernel/decider';
import { alreadyExists, failedPrecondition, notFound } from '../kernel/domain-error';
import { type ProjectState, activeGrantTo } from '../projects/project.decider';
import type { UserState } from '../users/user.decider';
import type { UserGrantEvent } from './user-grant.events';

export interface UserGrantState {
  readonly status: 'absent' | 'active' | 'inactive' | 'removed';
  readonly owner: string;
  readonly userId: string;
  readonly projectId: string;
  /** Empty when the grant is on a project the owner owns. */
  readonly projectGrantId: string;
  readonly roleKeys: readonly string[];
  /** Global position of the last event by which a caller chose the roles (added or changed). */
  readonly rolesDecidedAt: number;
}

export const userGrantAggregate: AggregateType<UserGrantState, UserGrantEvent> = {
  type: 'usergrant',
  initialState: { status: 'absent', owner: '', userId: '', projectId: '', projectGrantId: '', roleKeys: [], rolesDecidedAt: 0 },
  evolve(state, event) {
    switch (event.type) {
      case 'user.grant.added':
        return {
          status: 'active',
          owner: event.metadata.resourceOwner,
          userId: event.data.userId,
          projectId: event.data.projectId,
          projectGrantId: event.data.grantId ?? '',
          roleKeys: event.data.roleKeys ?? [],
          rolesDecidedAt: event.position,
        };
      case 'user.grant.changed':
        return { ...state, roleKeys: event.data.roleKeys, rolesDecidedAt: event.position };
      case 'user.grant.cascade.changed':
        return { ...state, roleKeys: event.data.roleKeys };
      case 'user.grant.deactivated':
        return { ...state, status: 'inactive' };
      case 'user.grant.reactivated':
        return { ...state, status: 'active' };
      case 'user.grant.removed':
      case 'user.grant.cascade.removed':
        return { ...state, status: 'removed' };
      default:
        return assertNever(event);
    }
  },
  uniqueClaims(event: UserGrantEvent, stateBefore: UserGrantState, resourceOwner: string): UniqueClaims {
    switch (event.type) {
      case 'user.grant.added':
        return {
          claim: [userGrantKey(resourceOwner, event.data.userId, event.data.projectId, event.data.grantId ?? '')],
          release: [],
        };
      case 'user.grant.removed':
      case 'user.grant.cascade.removed':
        return {
          claim: [],
          release: [userGrantKey(stateBefore.owner, stateBefore.userId, stateBefore.projectId, stateBefore.projectGrantId)],
        };
      default:
        return NO_CLAIMS;
    }
  },
};

/** One user grant per (owner org, user, project, project grant). */
function userGrantKey(owner: string, userId: string, projectId: string, projectGrantId: string): UniqueKey {
  return { kind: 'usergrant', value: `${owner}:${userId}:${projectId}:${projectGrantId}` };
}

export interface AddUserGrant {
  readonly actingOrg: string;
  readonly userId: string;
  readonly projectId: string;
  /** '' when not given. */
  readonly projectGrantId: string;
  readonly roleKeys: readonly string[];
}

export interface UserGrantContext {
  readonly user: UserState;
  readonly project: ProjectState;
}

/** Where a user grant on a project gets its allowed roles from. */
export interface GrantTarget {
  readonly projectGrantId: string;
  readonly allowedRoles: ReadonlySet<string>;
}

/**
 * Resolves the project (owned) or project grant (granted to the acting org) a user grant is on,
 * with ZITADEL's error ids (zitadel-api.md §3.6 steps 1–3).
 */
export function resolveGrantTarget(actingOrg: string, projectGrantId: string, context: UserGrantContext): GrantTarget {
  const { user, project } = context;
  if (user.status !== 'active') throw failedPrecondition('COMMAND-4f8sg', 'User could not be found');
  if (project.status !== 'absent' && project.owner === actingOrg) {
    if (project.status === 'removed') throw failedPrecondition('COMMAND-3n77S', 'Project not found');
    // No project is granted to its own org, so a grant id here can only be wrong.
    if (projectGrantId !== '') throw failedPrecondition('COMMAND-4m9ff', 'Project grant not found');
    return { projectGrantId: '', allowedRoles: new Set(project.roles.keys()) };
  }
  if (project.status === 'active') {
    // An org holds at most one non-removed grant of a project (AddProjectGrant's rule).
    const grant = activeGrantTo(project, actingOrg);
    if (grant !== undefined && (projectGrantId === '' || grant.grantId === projectGrantId)) {
      return { projectGrantId: grant.grantId, allowedRoles: new Set(grant.roleKeys) };
    }
  }
  throw failedPrecondition('COMMAND-4m9ff', 'Project grant not found');
}

export function assertRolesAllowed(target: GrantTarget, roleKeys: readonly string[]): void {
  if (roleKeys.some((key) => !target.allowedRoles.has(key))) {
    throw failedPrecondition('COMMAND-mm9F4', 'One or more roles are not available on the project or project grant');
  }
}

export function decideAddUserGrant(command: AddUserGrant, state: UserGrantState, context: UserGrantContext): readonly UserGrantEvent[] {
  const target = resolveGrantTarget(command.actingOrg, command.projectGrantId, context);
  assertRolesAllowed(target, command.roleKeys);
  if (state.status !== 'absent') throw alreadyExists('V3-DKcYh', 'User grant already exists');
  return [
    {
      type: 'user.grant.added',
      data: {
        userId: command.userId,
        projectId: command.projectId,
        ...(target.projectGrantId !== '' ? { grantId: target.projectGrantId } : {}),
        ...(command.roleKeys.length > 0 ? { roleKeys: command.roleKeys } : {}),
      },
    },
  ];
}

/** Who may address a user grant: its owner org, and (when given) the user in the path. */
export interface UserGrantAddress {
  readonly actingOrg: string;
  /** The path's user id; '' when the route has none (BulkRemoveUserGrant). */
  readonly userId: string;
}

/** The grant is live, owned by the acting org and (when given) of the path's user; else NotFound `errorId`. */
export function assertAddressed(state: UserGrantState, address: UserGrantAddress, errorId: string): void {
  const found =
    (state.status === 'active' || state.status === 'inactive') &&
    state.owner === address.actingOrg &&
    (address.userId === '' || state.userId === address.userId);
  if (!found) throw notFound(errorId, 'User grant not found');
}

/** Replaces the roles; an unchanged list is an error in v1 (`COMMAND-Rs8fy`), unlike every other no-op. */
export function decideUpdateUserGrant(
  command: UserGrantAddress & { readonly roleKeys: readonly string[] },
  state: UserGrantState,
  context: UserGrantContext,
): readonly UserGrantEvent[] {
  assertAddressed(state, command, 'COMMAND-3M9sd');
  if (state.roleKeys.length === command.roleKeys.length && state.roleKeys.every((key, index) => key === command.roleKeys[index])) {
    throw failedPrecondition('COMMAND-Rs8fy', 'User grant has not been changed');
  }
  const target = resolveGrantTarget(state.owner, state.projectGrantId, context);
  assertRolesAllowed(target, command.roleKeys);
  return [{ type: 'user.grant.changed', data: { userId: state.userId, roleKeys: command.roleKeys } }];
}

export function decideDeactivateUserGrant(command: UserGrantAddress, state: UserGrantState): readonly UserGrantEvent[] {
  assertAddressed(state, command, 'COMMAND-3M9sd');
  return state.status === 'inactive' ? [] : [{ type: 'user.grant.deactivated', data: null }];
}

export function decideReactivateUserGrant(command: UserGrantAddress, state: UserGrantState): readonly UserGrantEvent[] {
  assertAddressed(state, command, 'COMMAND-Lp0gs');
  return state.status === 'active' ? [] : [{ type: 'user.grant.reactivated', data: null }];
}

export function decideRemoveUserGrant(command: UserGrantAddress, state: UserGrantState): readonly UserGrantEvent[] {
  assertAddressed(state, command, 'COMMAND-1My0t');
  return [removedEvent(state)];
}

function removedEvent(state: UserGrantState): UserGrantEvent {
  return {
    type: 'user.grant.removed',
    data: { userId: state.userId, projectId: state.projectId, ...(state.projectGrantId !== '' ? { grantId: state.projectGrantId } : {}) },
  };
}

/**
 * Removal cascade: a user grant whose user, project or project grant is gone is removed. Those
 * removals are final (ids are never reused), so the current state of the streams decides.
 */
export function decideCascade(state: UserGrantState, context: UserGrantContext): readonly UserGrantEvent[] {
  if (state.status !== 'active' && state.status !== 'inactive') return [];
  const { user, project } = context;
  const grant = state.projectGrantId === '' ? undefined : project.grants.get(state.projectGrantId);
  const gone = user.status !== 'active' || project.status !== 'active' || (state.projectGrantId !== '' && (grant === undefined || grant.status === 'removed'));
  return gone ? [{ type: 'user.grant.cascade.removed', data: null }] : [];
}

/**
 * Role cascade: drops the roles a trigger took away (every one of them, GHSA-v859-c572-qh5p). A
 * role given back later does not return to the grant: removal is what the log says happened. A
 * caller who chose the grant's roles after the trigger decided on newer state, so that choice stands.
 */
export function decideRoleDrop(state: UserGrantState, dropped: ReadonlySet<string>, triggerPosition: number): readonly UserGrantEvent[] {
  if (state.status !== 'active' && state.status !== 'inactive') return [];
  if (state.rolesDecidedAt > triggerPosition) return [];
  const remaining = state.roleKeys.filter((key) => !dropped.has(key));
  if (remaining.length === state.roleKeys.length) return [];
  return [{ type: 'user.grant.cascade.changed', data: { roleKeys: remaining } }];
}

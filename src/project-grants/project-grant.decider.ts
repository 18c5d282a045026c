import { alreadyExists, failedPrecondition, notFound } from '../kernel/domain-error';
import type { GrantState, ProjectState } from '../projects/project.decider';
import { activeGrantTo, isActiveProjectOf } from '../projects/project.decider';
import type { ProjectEvent } from '../projects/project.events';

export interface AddProjectGrant {
  readonly actingOrg: string;
  readonly grantId: string;
  readonly grantedOrgId: string;
  readonly roleKeys: readonly string[];
}

/** Facts from other streams the decision needs. */
export interface AddProjectGrantContext {
  readonly grantedOrgExists: boolean;
}

/** Rules of AddProjectGrant, in ZITADEL's order (zitadel-api.md §3.1). */
export function decideAddProjectGrant(
  command: AddProjectGrant,
  state: ProjectState,
  context: AddProjectGrantContext,
): readonly ProjectEvent[] {
  if (!isActiveProjectOf(state, command.actingOrg)) throw failedPrecondition('COMMAND-m9gsd', 'Project not found');
  if (!context.grantedOrgExists) throw failedPrecondition('COMMAND-3m9gg', 'Organisation not found');
  assertRolesExist(state, command.roleKeys);
  if (command.grantedOrgId === state.owner) {
    throw failedPrecondition(
      'PROJECT-ckUpbvboAH',
      'Project grant is invalid: a project cannot be granted to the organisation that owns it',
    );
  }
  if (activeGrantTo(state, command.grantedOrgId) !== undefined) throw alreadyExists('V3-DKcYh', 'Project grant already exists');
  return [
    {
      type: 'project.grant.added',
      data: {
        grantId: command.grantId,
        grantedOrgId: command.grantedOrgId,
        ...(command.roleKeys.length > 0 ? { roleKeys: command.roleKeys } : {}),
      },
    },
  ];
}

function assertRolesExist(state: ProjectState, roleKeys: readonly string[]): void {
  if (roleKeys.some((key) => !state.roles.has(key))) {
    throw failedPrecondition('COMMAND-6m9gd', 'One or more roles do not exist on the project');
  }
}

/** The grant of this project, owned by the acting org, not removed; else `PROJECT-D8JxR`. */
export function grantOfActingOrg(state: ProjectState, actingOrg: string, grantId: string): GrantState {
  const grant = state.grants.get(grantId);
  if (grant === undefined || grant.status === 'removed' || state.status !== 'active' || state.owner !== actingOrg) {
    throw notFound('PROJECT-D8JxR', 'Project grant not found');
  }
  return grant;
}

export interface UpdateProjectGrant {
  readonly actingOrg: string;
  readonly grantId: string;
  /** The complete new list, de-duplicated. */
  readonly roleKeys: readonly string[];
}

/**
 * Replaces the grant's roles. Unchanged (same keys in the same order) appends nothing. Roles taken
 * away are dropped from the grant's user grants by the cascade reactor.
 */
export function decideUpdateProjectGrant(command: UpdateProjectGrant, state: ProjectState): readonly ProjectEvent[] {
  const grant = grantOfActingOrg(state, command.actingOrg, command.grantId);
  assertRolesExist(state, command.roleKeys);
  if (sameList(grant.roleKeys, command.roleKeys)) return [];
  return [{ type: 'project.grant.changed', data: { grantId: grant.grantId, roleKeys: command.roleKeys } }];
}

export function decideDeactivateProjectGrant(command: { readonly actingOrg: string; readonly grantId: string }, state: ProjectState): readonly ProjectEvent[] {
  if (!isActiveProjectOf(state, command.actingOrg)) throw failedPrecondition('COMMAND-EbFMN', 'Project not found');
  const grant = grantOfActingOrg(state, command.actingOrg, command.grantId);
  if (grant.status === 'inactive') return [];
  return [{ type: 'project.grant.deactivated', data: { grantId: grant.grantId } }];
}

export function decideReactivateProjectGrant(command: { readonly actingOrg: string; readonly grantId: string }, state: ProjectState): readonly ProjectEvent[] {
  if (!isActiveProjectOf(state, command.actingOrg)) throw failedPrecondition('COMMAND-EbFMN', 'Project not found');
  const grant = grantOfActingOrg(state, command.actingOrg, command.grantId);
  if (grant.status === 'active') return [];
  return [{ type: 'project.grant.reactivated', data: { grantId: grant.grantId } }];
}

/** Removes the grant (not idempotent, as ZITADEL v1); its user grants go by cascade. */
export function decideRemoveProjectGrant(command: { readonly actingOrg: string; readonly grantId: string }, state: ProjectState): readonly ProjectEvent[] {
  const grant = grantOfActingOrg(state, command.actingOrg, command.grantId);
  return [{ type: 'project.grant.removed', data: { grantId: grant.grantId, grantedOrgId: grant.grantedOrgId } }];
}

/** Order-sensitive list equality (ZITADEL compares role lists in order). */
export function sameList(left: readonly string[], right: readonly string[]): boolean {
  return left.length === right.length && left.every((value, index) => value === right[index]);
}

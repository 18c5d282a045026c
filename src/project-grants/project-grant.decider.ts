import { alreadyExists, failedPrecondition } from '../kernel/domain-error';
import type { ProjectState } from '../projects/project.decider';
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

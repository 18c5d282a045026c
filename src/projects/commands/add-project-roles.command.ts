import type { ActingCommand } from '../../platform/command-context';
import type { NewRole } from '../project.decider';

/** Adds one role (AddProjectRole) or several at once, all or none (BulkAddProjectRoles). */
export class AddProjectRolesCommand implements ActingCommand {
  constructor(
    readonly context: ActingCommand['context'],
    readonly actingOrg: string,
    readonly projectId: string,
    readonly roles: readonly NewRole[],
  ) {}
}

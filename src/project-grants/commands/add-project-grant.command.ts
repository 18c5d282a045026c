import type { ActingCommand } from '../../platform/command-context';

/** Grants a project of the acting org to another org, with a subset of its roles. */
export class AddProjectGrantCommand implements ActingCommand {
  constructor(
    readonly context: ActingCommand['context'],
    readonly actingOrg: string,
    readonly projectId: string,
    readonly grantedOrgId: string,
    readonly roleKeys: readonly string[],
  ) {}
}

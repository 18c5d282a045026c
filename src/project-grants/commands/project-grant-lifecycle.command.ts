import type { ActingCommand } from '../../platform/command-context';

/** Replaces a project grant's roles (UpdateProjectGrant). */
export class UpdateProjectGrantCommand implements ActingCommand {
  constructor(
    readonly context: ActingCommand['context'],
    readonly actingOrg: string,
    readonly projectId: string,
    readonly grantId: string,
    readonly roleKeys: readonly string[],
  ) {}
}

/** Deactivates, reactivates or removes a project grant. */
export class ChangeProjectGrantStateCommand implements ActingCommand {
  constructor(
    readonly context: ActingCommand['context'],
    readonly actingOrg: string,
    readonly projectId: string,
    readonly grantId: string,
    readonly change: 'deactivate' | 'reactivate' | 'remove',
  ) {}
}

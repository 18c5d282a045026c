import type { ActingCommand } from '../../platform/command-context';

/** Gives a user roles on a project the acting org owns or was granted. */
export class AddUserGrantCommand implements ActingCommand {
  constructor(
    readonly context: ActingCommand['context'],
    readonly actingOrg: string,
    readonly userId: string,
    readonly projectId: string,
    /** '' when the caller did not name one. */
    readonly projectGrantId: string,
    readonly roleKeys: readonly string[],
  ) {}
}

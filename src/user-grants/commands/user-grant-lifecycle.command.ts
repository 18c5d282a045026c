import type { ActingCommand } from '../../platform/command-context';

/** Replaces a user grant's roles (UpdateUserGrant). */
export class UpdateUserGrantCommand implements ActingCommand {
  constructor(
    readonly context: ActingCommand['context'],
    readonly actingOrg: string,
    readonly userId: string,
    readonly userGrantId: string,
    readonly roleKeys: readonly string[],
  ) {}
}

/** Deactivates, reactivates or removes one user grant. */
export class ChangeUserGrantStateCommand implements ActingCommand {
  constructor(
    readonly context: ActingCommand['context'],
    readonly actingOrg: string,
    readonly userId: string,
    readonly userGrantId: string,
    readonly change: 'deactivate' | 'reactivate' | 'remove',
  ) {}
}

/** Removes several user grants of the acting org: all are checked before any is removed. */
export class BulkRemoveUserGrantsCommand implements ActingCommand {
  constructor(
    readonly context: ActingCommand['context'],
    readonly actingOrg: string,
    readonly userGrantIds: readonly string[],
  ) {}
}

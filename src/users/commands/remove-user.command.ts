import type { ActingCommand } from '../../platform/command-context';

/** Removes a user of the acting org (RemoveUser); its user grants go by cascade. */
export class RemoveUserCommand implements ActingCommand {
  constructor(
    readonly context: ActingCommand['context'],
    readonly actingOrg: string,
    readonly userId: string,
  ) {}
}

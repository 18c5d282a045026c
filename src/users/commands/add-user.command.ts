import type { ActingCommand } from '../../platform/command-context';
import type { AddUser } from '../user.decider';

/** Adds a human or machine user to the acting org. */
export class AddUserCommand implements ActingCommand {
  constructor(
    readonly context: ActingCommand['context'],
    readonly actingOrg: string,
    readonly user: AddUser,
  ) {}
}

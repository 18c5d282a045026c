import type { CommandContext } from '../../kernel/command-executor';

/** Creates an organisation with a generated primary domain. */
export class AddOrgCommand {
  constructor(
    readonly context: CommandContext,
    readonly name: string,
  ) {}
}

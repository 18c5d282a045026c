import type { CommandContext } from '../kernel/command-executor';

/** Every command carries who acts, in which org, and for which request. */
export interface ActingCommand {
  readonly context: CommandContext;
  /** The acting org (§1.3); '' for instance-level commands such as AddOrg. */
  readonly actingOrg: string;
}

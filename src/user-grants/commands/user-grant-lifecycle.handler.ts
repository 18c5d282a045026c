import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor, type Execution } from '../../kernel/command-executor';
import { invalidArgument } from '../../kernel/domain-error';
import { type CommandOutcome, detailsOfAppended } from '../../kernel/object-details';
import { projectAggregate } from '../../projects/project.decider';
import { userAggregate } from '../../users/user.decider';
import {
  type UserGrantState,
  assertAddressed,
  decideDeactivateUserGrant,
  decideReactivateUserGrant,
  decideRemoveUserGrant,
  decideUpdateUserGrant,
  userGrantAggregate,
} from '../user-grant.decider';
import type { UserGrantEvent } from '../user-grant.events';
import { BulkRemoveUserGrantsCommand, ChangeUserGrantStateCommand, UpdateUserGrantCommand } from './user-grant-lifecycle.command';

const DECIDE = {
  deactivate: decideDeactivateUserGrant,
  reactivate: decideReactivateUserGrant,
  remove: decideRemoveUserGrant,
} as const;

/** Details of a user grant command: the appended event, or the stream's last event on a no-op. */
function userGrantOutcome(result: Execution<UserGrantState, UserGrantEvent>): CommandOutcome {
  if (result.appended.length > 0) return { details: detailsOfAppended(result.appended, result.state.owner) };
  return { details: detailsOfAppended(result.last === undefined ? [] : [result.last], result.state.owner) };
}

@CommandHandler(UpdateUserGrantCommand)
export class UpdateUserGrantHandler implements ICommandHandler<UpdateUserGrantCommand, CommandOutcome> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute(command: UpdateUserGrantCommand): Promise<CommandOutcome> {
    // The user grant names its user and project: load them after the grant itself.
    const { state } = await this.executor.load(userGrantAggregate, command.userGrantId);
    assertAddressed(state, command, 'COMMAND-3M9sd');
    const user = await this.executor.load(userAggregate, state.userId);
    const project = await this.executor.load(projectAggregate, state.projectId);
    const result = await this.executor.execute(userGrantAggregate, command.userGrantId, command.context, (current) => ({
      events: decideUpdateUserGrant(
        { actingOrg: command.actingOrg, userId: command.userId, roleKeys: command.roleKeys },
        current,
        { user: user.state, project: project.state },
      ),
      resourceOwner: current.owner,
    }));
    return userGrantOutcome(result);
  }
}

@CommandHandler(ChangeUserGrantStateCommand)
export class ChangeUserGrantStateHandler implements ICommandHandler<ChangeUserGrantStateCommand, CommandOutcome> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute(command: ChangeUserGrantStateCommand): Promise<CommandOutcome> {
    const decide = DECIDE[command.change];
    const result = await this.executor.execute(userGrantAggregate, command.userGrantId, command.context, (state) => ({
      events: decide({ actingOrg: command.actingOrg, userId: command.userId }, state),
      resourceOwner: state.owner,
    }));
    return userGrantOutcome(result);
  }
}

@CommandHandler(BulkRemoveUserGrantsCommand)
export class BulkRemoveUserGrantsHandler implements ICommandHandler<BulkRemoveUserGrantsCommand, CommandOutcome> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute(command: BulkRemoveUserGrantsCommand): Promise<CommandOutcome> {
    if (command.userGrantIds.length === 0) throw invalidArgument('COMMAND-5M0sd', 'At least one user grant id is required');
    const address = { actingOrg: command.actingOrg, userId: '' };
    // Every id is checked before anything is written: the first failure aborts the whole request.
    for (const id of command.userGrantIds) {
      const { state } = await this.executor.load(userGrantAggregate, id);
      assertAddressed(state, address, 'COMMAND-1My0t');
    }
    let position = 0;
    for (const id of command.userGrantIds) {
      const result = await this.executor.execute(userGrantAggregate, id, command.context, (state) => ({
        // Removed concurrently between the check and now: it counts as removed.
        events: state.status === 'removed' ? [] : decideRemoveUserGrant(address, state),
        resourceOwner: state.owner,
      }));
      position = Math.max(position, result.position);
    }
    return { details: { sequence: 0, date: null, resourceOwner: command.actingOrg, position } };
  }
}

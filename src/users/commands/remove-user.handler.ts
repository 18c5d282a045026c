import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor } from '../../kernel/command-executor';
import { type CommandOutcome, detailsOfAppended } from '../../kernel/object-details';
import { decideRemoveUser, userAggregate } from '../user.decider';
import { RemoveUserCommand } from './remove-user.command';

@CommandHandler(RemoveUserCommand)
export class RemoveUserHandler implements ICommandHandler<RemoveUserCommand, CommandOutcome> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute(command: RemoveUserCommand): Promise<CommandOutcome> {
    const result = await this.executor.execute(userAggregate, command.userId, command.context, (state) => ({
      events: decideRemoveUser({ actingOrg: command.actingOrg }, state),
      resourceOwner: state.owner,
    }));
    return { details: detailsOfAppended(result.appended, result.state.owner) };
  }
}

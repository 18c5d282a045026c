import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ID_GENERATOR, type IdGenerator } from '../../kernel/clock.port';
import { CommandExecutor } from '../../kernel/command-executor';
import { type CommandOutcome, detailsOfAppended } from '../../kernel/object-details';
import { decideAddUser, userAggregate } from '../user.decider';
import { AddUserCommand } from './add-user.command';

@CommandHandler(AddUserCommand)
export class AddUserHandler implements ICommandHandler<AddUserCommand, CommandOutcome> {
  constructor(
    private readonly executor: CommandExecutor,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute(command: AddUserCommand): Promise<CommandOutcome> {
    const userId = this.ids.newId();
    const result = await this.executor.execute(userAggregate, userId, command.context, (state) => ({
      events: decideAddUser(command.user, state),
      resourceOwner: command.actingOrg,
    }));
    return { id: userId, details: detailsOfAppended(result.appended, command.actingOrg) };
  }
}

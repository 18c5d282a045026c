import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ID_GENERATOR, type IdGenerator } from '../../kernel/clock.port';
import { CommandExecutor } from '../../kernel/command-executor';
import { type CommandOutcome, detailsOfAppended } from '../../kernel/object-details';
import { projectAggregate } from '../../projects/project.decider';
import { userAggregate } from '../../users/user.decider';
import { decideAddUserGrant, userGrantAggregate } from '../user-grant.decider';
import { AddUserGrantCommand } from './add-user-grant.command';

@CommandHandler(AddUserGrantCommand)
export class AddUserGrantHandler implements ICommandHandler<AddUserGrantCommand, CommandOutcome> {
  constructor(
    private readonly executor: CommandExecutor,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute(command: AddUserGrantCommand): Promise<CommandOutcome> {
    const user = await this.executor.load(userAggregate, command.userId);
    const project = await this.executor.load(projectAggregate, command.projectId);
    const userGrantId = this.ids.newId();
    const result = await this.executor.execute(userGrantAggregate, userGrantId, command.context, (state) => ({
      events: decideAddUserGrant(
        {
          actingOrg: command.actingOrg,
          userId: command.userId,
          projectId: command.projectId,
          projectGrantId: command.projectGrantId,
          roleKeys: command.roleKeys,
        },
        state,
        { user: user.state, project: project.state },
      ),
      resourceOwner: command.actingOrg,
    }));
    return { id: userGrantId, details: detailsOfAppended(result.appended, command.actingOrg) };
  }
}

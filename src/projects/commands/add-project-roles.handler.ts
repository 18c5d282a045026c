import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor } from '../../kernel/command-executor';
import { type CommandOutcome, detailsOfAppended } from '../../kernel/object-details';
import { decideAddProjectRoles, projectAggregate } from '../project.decider';
import { AddProjectRolesCommand } from './add-project-roles.command';

@CommandHandler(AddProjectRolesCommand)
export class AddProjectRolesHandler implements ICommandHandler<AddProjectRolesCommand, CommandOutcome> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute(command: AddProjectRolesCommand): Promise<CommandOutcome> {
    const result = await this.executor.execute(projectAggregate, command.projectId, command.context, (state) => ({
      events: decideAddProjectRoles({ actingOrg: command.actingOrg, roles: command.roles }, state),
      resourceOwner: command.actingOrg,
    }));
    if (result.appended.length === 0) {
      return { details: { sequence: 0, date: null, resourceOwner: command.actingOrg, position: result.position } };
    }
    return { details: detailsOfAppended(result.appended, command.actingOrg) };
  }
}

import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ID_GENERATOR, type IdGenerator } from '../../kernel/clock.port';
import { CommandExecutor } from '../../kernel/command-executor';
import { type CommandOutcome, detailsOfAppended } from '../../kernel/object-details';
import { decideAddProject, projectAggregate } from '../project.decider';
import { AddProjectCommand } from './add-project.command';

@CommandHandler(AddProjectCommand)
export class AddProjectHandler implements ICommandHandler<AddProjectCommand, CommandOutcome> {
  constructor(
    private readonly executor: CommandExecutor,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute(command: AddProjectCommand): Promise<CommandOutcome> {
    const projectId = this.ids.newId();
    const result = await this.executor.execute(projectAggregate, projectId, command.context, (state) => ({
      events: decideAddProject(command.project, state),
      resourceOwner: command.actingOrg,
    }));
    return { id: projectId, details: detailsOfAppended(result.appended, command.actingOrg) };
  }
}

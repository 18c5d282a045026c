import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { GOLEM_APPLICATION, type GolemApplication, type ProjectView, type Written } from '../golem.application';
import { CreateProjectCommand, DeleteProjectCommand } from './projects.command';

@CommandHandler(CreateProjectCommand)
export class CreateProjectHandler implements ICommandHandler<CreateProjectCommand, Written<ProjectView>> {
  constructor(@Inject(GOLEM_APPLICATION) private readonly golem: GolemApplication) {}

  execute(command: CreateProjectCommand): Promise<Written<ProjectView>> {
    return this.golem.createProject(command.request, command.input);
  }
}

@CommandHandler(DeleteProjectCommand)
export class DeleteProjectHandler implements ICommandHandler<DeleteProjectCommand, Written<Record<string, never>>> {
  constructor(@Inject(GOLEM_APPLICATION) private readonly golem: GolemApplication) {}

  execute(command: DeleteProjectCommand): Promise<Written<Record<string, never>>> {
    return this.golem.deleteProject(command.request, command.projectId);
  }
}

import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { GOLEM_APPLICATION, type GolemApplication, type GrantView, type Written } from '../golem.application';
import { CreateGrantCommand, DeleteGrantCommand } from './grants.command';

@CommandHandler(CreateGrantCommand)
export class CreateGrantHandler implements ICommandHandler<CreateGrantCommand, Written<GrantView>> {
  constructor(@Inject(GOLEM_APPLICATION) private readonly golem: GolemApplication) {}

  execute(command: CreateGrantCommand): Promise<Written<GrantView>> {
    return this.golem.createGrant(command.request, command.projectId, command.input);
  }
}

@CommandHandler(DeleteGrantCommand)
export class DeleteGrantHandler implements ICommandHandler<DeleteGrantCommand, Written<Record<string, never>>> {
  constructor(@Inject(GOLEM_APPLICATION) private readonly golem: GolemApplication) {}

  execute(command: DeleteGrantCommand): Promise<Written<Record<string, never>>> {
    return this.golem.deleteGrant(command.request, command.projectId, command.grantId);
  }
}

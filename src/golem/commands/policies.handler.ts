import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { GOLEM_APPLICATION, type GolemApplication, type PolicyView, type Written } from '../golem.application';
import { CreatePolicyCommand } from './policies.command';

@CommandHandler(CreatePolicyCommand)
export class CreatePolicyHandler implements ICommandHandler<CreatePolicyCommand, Written<PolicyView>> {
  constructor(@Inject(GOLEM_APPLICATION) private readonly golem: GolemApplication) {}

  execute(command: CreatePolicyCommand): Promise<Written<PolicyView>> {
    return this.golem.createPolicy(command.request, command.input);
  }
}

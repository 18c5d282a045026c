import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ID_GENERATOR, type IdGenerator } from '../../kernel/clock.port';
import { CommandExecutor } from '../../kernel/command-executor';
import { type CommandOutcome, detailsOfAppended } from '../../kernel/object-details';
import { INSTANCE_DOMAIN } from '../../platform/tokens';
import { decideAddOrg, orgAggregate } from '../org.decider';
import { AddOrgCommand } from './add-org.command';

@CommandHandler(AddOrgCommand)
export class AddOrgHandler implements ICommandHandler<AddOrgCommand, CommandOutcome> {
  constructor(
    private readonly executor: CommandExecutor,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(INSTANCE_DOMAIN) private readonly instanceDomain: string,
  ) {}

  async execute(command: AddOrgCommand): Promise<CommandOutcome> {
    const orgId = this.ids.newId();
    const result = await this.executor.execute(orgAggregate, orgId, command.context, (state) => ({
      events: decideAddOrg({ orgId, name: command.name, instanceDomain: this.instanceDomain }, state),
      resourceOwner: orgId,
    }));
    return { id: orgId, details: detailsOfAppended(result.appended, orgId) };
  }
}

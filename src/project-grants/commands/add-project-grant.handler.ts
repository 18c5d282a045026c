import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ID_GENERATOR, type IdGenerator } from '../../kernel/clock.port';
import { CommandExecutor } from '../../kernel/command-executor';
import { type CommandOutcome, detailsOfAppended } from '../../kernel/object-details';
import { orgAggregate } from '../../orgs/org.decider';
import { projectAggregate } from '../../projects/project.decider';
import { decideAddProjectGrant } from '../project-grant.decider';
import { AddProjectGrantCommand } from './add-project-grant.command';

@CommandHandler(AddProjectGrantCommand)
export class AddProjectGrantHandler implements ICommandHandler<AddProjectGrantCommand, CommandOutcome> {
  constructor(
    private readonly executor: CommandExecutor,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute(command: AddProjectGrantCommand): Promise<CommandOutcome> {
    const grantedOrg = await this.executor.load(orgAggregate, command.grantedOrgId);
    const grantId = this.ids.newId();
    const result = await this.executor.execute(projectAggregate, command.projectId, command.context, (state) => ({
      events: decideAddProjectGrant(
        { actingOrg: command.actingOrg, grantId, grantedOrgId: command.grantedOrgId, roleKeys: command.roleKeys },
        state,
        { grantedOrgExists: grantedOrg.state.exists },
      ),
      resourceOwner: state.owner,
    }));
    return { id: grantId, details: detailsOfAppended(result.appended, result.state.owner) };
  }
}

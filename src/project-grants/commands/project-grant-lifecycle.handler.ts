import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor, type Execution } from '../../kernel/command-executor';
import { type CommandOutcome, detailsOfAppended } from '../../kernel/object-details';
import { type ProjectState, projectAggregate } from '../../projects/project.decider';
import type { ProjectEvent } from '../../projects/project.events';
import {
  decideDeactivateProjectGrant,
  decideReactivateProjectGrant,
  decideRemoveProjectGrant,
  decideUpdateProjectGrant,
} from '../project-grant.decider';
import { ChangeProjectGrantStateCommand, UpdateProjectGrantCommand } from './project-grant-lifecycle.command';

const DECIDE = {
  deactivate: decideDeactivateProjectGrant,
  reactivate: decideReactivateProjectGrant,
  remove: decideRemoveProjectGrant,
} as const;

/** Details of a grant command: the appended event, or the grant's last event on a no-op. */
function grantOutcome(result: Execution<ProjectState, ProjectEvent>, grantId: string): CommandOutcome {
  if (result.appended.length > 0) return { details: detailsOfAppended(result.appended, result.state.owner) };
  const grant = result.state.grants.get(grantId);
  return {
    details: {
      sequence: grant?.sequence ?? 0,
      date: grant?.changeDate ?? null,
      resourceOwner: result.state.owner,
      position: grant?.position ?? result.position,
    },
  };
}

@CommandHandler(UpdateProjectGrantCommand)
export class UpdateProjectGrantHandler implements ICommandHandler<UpdateProjectGrantCommand, CommandOutcome> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute(command: UpdateProjectGrantCommand): Promise<CommandOutcome> {
    const result = await this.executor.execute(projectAggregate, command.projectId, command.context, (state) => ({
      events: decideUpdateProjectGrant({ actingOrg: command.actingOrg, grantId: command.grantId, roleKeys: command.roleKeys }, state),
      resourceOwner: state.owner,
    }));
    return grantOutcome(result, command.grantId);
  }
}

@CommandHandler(ChangeProjectGrantStateCommand)
export class ChangeProjectGrantStateHandler implements ICommandHandler<ChangeProjectGrantStateCommand, CommandOutcome> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute(command: ChangeProjectGrantStateCommand): Promise<CommandOutcome> {
    const decide = DECIDE[command.change];
    const result = await this.executor.execute(projectAggregate, command.projectId, command.context, (state) => ({
      events: decide({ actingOrg: command.actingOrg, grantId: command.grantId }, state),
      resourceOwner: state.owner,
    }));
    return grantOutcome(result, command.grantId);
  }
}

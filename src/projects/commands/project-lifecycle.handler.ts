import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor, type Execution } from '../../kernel/command-executor';
import { type CommandOutcome, detailsOfAppended } from '../../kernel/object-details';
import { type ProjectState, decideRemoveProject, decideRemoveProjectRole, decideUpdateProjectRole, projectAggregate } from '../project.decider';
import type { ProjectEvent } from '../project.events';
import { RemoveProjectCommand, RemoveProjectRoleCommand, UpdateProjectRoleCommand } from './project-lifecycle.command';

/** Details of a role command: the first appended event (the role's own), or the role's last event. */
function roleOutcome(result: Execution<ProjectState, ProjectEvent>, key: string, actingOrg: string): CommandOutcome {
  const own = result.appended[0];
  if (own !== undefined) return { details: { ...detailsOfAppended([own], result.state.owner), position: result.position } };
  const last = result.state.roleEvents.get(key);
  return {
    details: {
      sequence: last?.sequence ?? 0,
      date: last?.changeDate ?? null,
      resourceOwner: result.state.status === 'absent' ? actingOrg : result.state.owner,
      position: last?.position ?? result.position,
    },
  };
}

@CommandHandler(UpdateProjectRoleCommand)
export class UpdateProjectRoleHandler implements ICommandHandler<UpdateProjectRoleCommand, CommandOutcome> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute(command: UpdateProjectRoleCommand): Promise<CommandOutcome> {
    const result = await this.executor.execute(projectAggregate, command.projectId, command.context, (state) => ({
      events: decideUpdateProjectRole(
        { actingOrg: command.actingOrg, key: command.key, displayName: command.displayName, group: command.group },
        state,
      ),
      resourceOwner: state.owner,
    }));
    return roleOutcome(result, command.key, command.actingOrg);
  }
}

@CommandHandler(RemoveProjectRoleCommand)
export class RemoveProjectRoleHandler implements ICommandHandler<RemoveProjectRoleCommand, CommandOutcome> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute(command: RemoveProjectRoleCommand): Promise<CommandOutcome> {
    const result = await this.executor.execute(projectAggregate, command.projectId, command.context, (state) => ({
      events: decideRemoveProjectRole({ actingOrg: command.actingOrg, key: command.key }, state),
      resourceOwner: state.owner,
    }));
    if (result.appended.length === 0) {
      // Unknown or already removed: nothing happens; an unknown key reports only the owner.
      const last = result.state.roleEvents.get(command.key);
      return {
        details:
          last === undefined
            ? { sequence: 0, date: null, resourceOwner: result.state.owner, position: result.position }
            : { sequence: last.sequence, date: last.changeDate, resourceOwner: result.state.owner, position: last.position },
      };
    }
    return roleOutcome(result, command.key, command.actingOrg);
  }
}

@CommandHandler(RemoveProjectCommand)
export class RemoveProjectHandler implements ICommandHandler<RemoveProjectCommand, CommandOutcome> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute(command: RemoveProjectCommand): Promise<CommandOutcome> {
    const result = await this.executor.execute(projectAggregate, command.projectId, command.context, (state) => ({
      events: decideRemoveProject({ actingOrg: command.actingOrg }, state),
      resourceOwner: state.owner,
    }));
    return { details: detailsOfAppended(result.appended, result.state.owner) };
  }
}

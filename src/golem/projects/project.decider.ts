import type { AggregateType } from '../../kernel/aggregate';
import { assertNever } from '../../kernel/decider';
import type { RecordedEvent } from '../../kernel/event';
import { GOLEM_STREAMS, type GolemProjectEvent } from '../golem.events';
import { GolemError, projectAccessDenied } from '../golem-error';

export interface GolemProjectState {
  readonly status: 'absent' | 'live' | 'deleted';
  readonly ownerAccountId: string;
}

/** A Golem project (stream `golem.project-<id>`); not a ZITADEL project. */
export const golemProjectAggregate: AggregateType<GolemProjectState, GolemProjectEvent> = {
  type: GOLEM_STREAMS.project,
  initialState: { status: 'absent', ownerAccountId: '' },
  evolve(state: GolemProjectState, event: RecordedEvent<GolemProjectEvent>): GolemProjectState {
    switch (event.type) {
      case 'golem.project.created':
        return { status: 'live', ownerAccountId: event.data.ownerAccountId };
      case 'golem.project.deleted':
        return { ...state, status: 'deleted' };
      default:
        return assertNever(event);
    }
  },
};

export interface CreateGolemProject {
  readonly projectId: string;
  readonly ownerAccountId: string;
  readonly name: string;
  readonly description: string;
}

export function decideCreateProject(command: CreateGolemProject, state: GolemProjectState): readonly GolemProjectEvent[] {
  if (state.status !== 'absent') throw new GolemError('conflict', `Project \`${command.projectId}\` already exists`);
  return [
    {
      type: 'golem.project.created',
      data: {
        projectId: command.projectId,
        ownerAccountId: command.ownerAccountId,
        name: command.name,
        description: command.description,
        defaultEnvironmentId: 'default',
        projectType: 'NonDefault',
      },
    },
  ];
}

/** A project deleted meanwhile answers as a missing one: 401, existence is never revealed (§5.2). */
export function decideDeleteProject(command: { readonly projectId: string }, state: GolemProjectState): readonly GolemProjectEvent[] {
  if (state.status !== 'live') throw projectAccessDenied(command.projectId);
  return [{ type: 'golem.project.deleted', data: { projectId: command.projectId, ownerAccountId: state.ownerAccountId } }];
}

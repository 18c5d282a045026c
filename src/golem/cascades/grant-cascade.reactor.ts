import { v5 as uuidV5 } from 'uuid';
import type { CommandExecutor } from '../../kernel/command-executor';
import { assertNever } from '../../kernel/decider';
import type { RecordedEvent } from '../../kernel/event';
import type { Doc } from '../../kernel/read-store.port';
import type { Projection, ProjectionView } from '../../projections/projection';
import type { GolemGrantEvent, GolemProjectDeleted } from '../golem.events';
import { decideDeleteGrant, golemGrantAggregate } from '../grants/grant.decider';

/** The reactor's own table of live grants, by project: where a deleted project's grants are found. */
export interface LiveGrant extends Doc {
  readonly projectId: string;
}

const GRANTS = 'grants';
/** Projects seen deleted: a grant created on one afterwards (a race with the deletion) is removed too. */
const DELETED_PROJECTS = 'deleted_projects';

/** Namespace of cascade event ids: uuidv5(trigger id + target stream) makes replays append nothing new. */
const CASCADE_NAMESPACE = '9a4e2c71-0b3d-4f6a-8e15-c7d2b9a05f34';

export function grantCascadeEventId(trigger: RecordedEvent, targetStream: string, index: number): string {
  return uuidV5(`${trigger.id}:${targetStream}:${index}`, CASCADE_NAMESPACE);
}

/**
 * Removes the grants of a deleted project (golem-api.md §6.5): checkpointed, fail closed, and
 * idempotent, since each removal is decided on the grant's own stream (a grant already gone
 * appends nothing) with event ids derived from the trigger. Correctness never waits for it:
 * authorization already refuses a deleted project (§5.6).
 */
export function golemGrantCascadeReactor(executor: CommandExecutor): Projection {
  return {
    name: 'golem_grant_cascade',
    version: 1,
    handles: new Set<GolemGrantEvent['type'] | GolemProjectDeleted['type']>(['golem.grant.created', 'golem.grant.deleted', 'golem.project.deleted']),
    collections: [
      { name: GRANTS, indexes: [{ fields: ['projectId'] }] },
      { name: DELETED_PROJECTS, indexes: [] },
    ],
    async apply(recorded, view) {
      const event = recorded as RecordedEvent<GolemGrantEvent | GolemProjectDeleted>;
      switch (event.type) {
        case 'golem.grant.created':
          if ((await view.get(DELETED_PROJECTS, event.data.projectId)) !== null) {
            await deleteGrant(executor, event.data.grantId, event.data.projectId, event);
            return;
          }
          await view.put(GRANTS, { id: event.data.grantId, projectId: event.data.projectId } satisfies LiveGrant);
          return;
        case 'golem.grant.deleted':
          await view.delete(GRANTS, event.data.grantId);
          return;
        case 'golem.project.deleted':
          await onProjectDeleted(executor, event, view);
          return;
        default:
          return assertNever(event);
      }
    },
  };
}

async function onProjectDeleted(executor: CommandExecutor, event: RecordedEvent<GolemProjectDeleted>, view: ProjectionView): Promise<void> {
  const projectId = event.data.projectId;
  await view.put(DELETED_PROJECTS, { id: projectId });
  const grants = await view.find(GRANTS, [{ op: 'eq', field: 'projectId', value: projectId }]);
  // One at a time: a project has few grants, and the runner waits for the whole event anyway.
  for (const grant of grants) await deleteGrant(executor, grant.id, projectId, event);
}

/** The cascade command: the triggering event's actor and request, and the trigger as causation (§6.3). */
async function deleteGrant(executor: CommandExecutor, grantId: string, projectId: string, trigger: RecordedEvent): Promise<void> {
  const stream = `${golemGrantAggregate.type}-${grantId}`;
  await executor.execute(
    golemGrantAggregate,
    grantId,
    { actor: trigger.metadata.actor, correlationId: trigger.metadata.correlationId, causationId: trigger.id },
    (state) => {
      const events = decideDeleteGrant({ grantId, projectId, reason: 'projectDeleted' }, state);
      return { events, resourceOwner: state.owner, eventIds: events.map((_, index) => grantCascadeEventId(trigger, stream, index)) };
    },
  );
}

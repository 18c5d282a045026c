import { v5 as uuidV5 } from 'uuid';
import type { CommandExecutor } from '../../kernel/command-executor';
import type { RecordedEvent } from '../../kernel/event';
import { projectAggregate } from '../../projects/project.decider';
import { userAggregate } from '../../users/user.decider';
import { decideCascade, decideRoleDrop, userGrantAggregate } from '../user-grant.decider';

/** Namespace of cascade event ids: uuidv5(trigger id + target stream) makes replays append nothing new. */
const CASCADE_NAMESPACE = '6f1d3c52-8a0e-4b7a-9c1e-2d4f5a6b7c8d';

export function cascadeEventId(trigger: RecordedEvent, targetStream: string, index: number): string {
  return uuidV5(`${trigger.id}:${targetStream}:${index}`, CASCADE_NAMESPACE);
}

/**
 * The cascade command for one user grant and one trigger: remove it when its user, project or
 * project grant is gone, else drop the roles the trigger took away (`dropped`), or do nothing. It
 * decides on the event store, never on a read model, and carries the trigger as causation.
 */
export async function reconcileUserGrant(
  executor: CommandExecutor,
  userGrantId: string,
  trigger: RecordedEvent,
  dropped: ReadonlySet<string>,
): Promise<number> {
  const { state } = await executor.load(userGrantAggregate, userGrantId);
  if (state.status !== 'active' && state.status !== 'inactive') return 0;
  const user = await executor.load(userAggregate, state.userId);
  const project = await executor.load(projectAggregate, state.projectId);
  const stream = `${userGrantAggregate.type}-${userGrantId}`;
  const result = await executor.execute(
    userGrantAggregate,
    userGrantId,
    { actor: trigger.metadata.actor, correlationId: trigger.metadata.correlationId, causationId: trigger.id },
    (current) => {
      const removal = decideCascade(current, { user: user.state, project: project.state });
      const events = removal.length > 0 ? removal : decideRoleDrop(current, dropped, trigger.position);
      return { events, resourceOwner: current.owner, eventIds: events.map((_, index) => cascadeEventId(trigger, stream, index)) };
    },
  );
  return result.appended.length;
}

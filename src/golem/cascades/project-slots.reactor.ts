import { v5 as uuidV5 } from 'uuid';
import type { CommandContext, CommandExecutor } from '../../kernel/command-executor';
import { assertNever } from '../../kernel/decider';
import type { RecordedEvent } from '../../kernel/event';
import type { Doc } from '../../kernel/read-store.port';
import type { Projection, ProjectionView } from '../../projections/projection';
import { ABANDONED_AFTER_MS, decideReleaseProject, golemAccountAggregate } from '../accounts/account.decider';
import { GOLEM_EVENT_TYPES, type GolemEvent } from '../golem.events';

/** A slot reserved for a project that has not been created yet. */
export interface PendingReservation extends Doc {
  readonly accountId: string;
  /** Commit time of the reservation (ISO). */
  readonly reservedAt: string;
  readonly reservationEventId: string;
  readonly actor: string;
  readonly correlationId: string;
}

const PENDING = 'pending_reservations';
const SLOTS_NAMESPACE = '5c8d1f20-7e4b-4a93-b6d0-2f9e8c1a7b45';

export function slotReleaseEventId(cause: string, stream: string): string {
  return uuidV5(`${cause}:${stream}`, SLOTS_NAMESPACE);
}

/**
 * Repairs an interrupted project create or delete (golem-api.md §6.5), so a leftover reservation
 * makes the limit stricter only for a short while:
 * - a project deleted without its slot released gets the release (reason `deleted`);
 * - a reservation whose project was not created within 60 s is released (reason `abandoned`).
 *
 * Time is the log's own: a reservation counts as abandoned when a later Golem event was committed
 * at least 60 s after it, so a replay decides exactly as the first run did. Every release is
 * decided on the account stream (an already released slot appends nothing) with a derived event
 * id, so the reactor and the delete handler never release a slot twice.
 */
export function golemProjectSlotsReactor(executor: CommandExecutor): Projection {
  return {
    name: 'golem_project_slots',
    version: 1,
    // Every Golem event, since each one also moves the reactor's clock forward.
    handles: new Set<string>(GOLEM_EVENT_TYPES),
    collections: [{ name: PENDING, indexes: [] }],
    async apply(recorded, view) {
      const event = recorded as RecordedEvent<GolemEvent>;
      switch (event.type) {
        case 'golem.account.projectReserved':
          await view.put(PENDING, {
            id: event.data.projectId,
            accountId: event.data.accountId,
            reservedAt: event.createdAt.toISOString(),
            reservationEventId: event.id,
            actor: event.metadata.actor,
            correlationId: event.metadata.correlationId,
          } satisfies PendingReservation);
          break;
        case 'golem.project.created':
        case 'golem.account.projectReleased':
          await view.delete(PENDING, event.data.projectId);
          break;
        case 'golem.project.deleted':
          await view.delete(PENDING, event.data.projectId);
          await release(executor, event.data.ownerAccountId, event.data.projectId, 'deleted', event.id, {
            actor: event.metadata.actor,
            correlationId: event.metadata.correlationId,
            causationId: event.id,
          });
          break;
        case 'golem.account.created':
        case 'golem.token.created':
        case 'golem.token.deleted':
        case 'golem.policy.created':
        case 'golem.grant.created':
        case 'golem.grant.deleted':
          break;
        default:
          return assertNever(event);
      }
      await releaseAbandoned(executor, view, event.createdAt);
    },
  };
}

async function releaseAbandoned(executor: CommandExecutor, view: ProjectionView, now: Date): Promise<void> {
  // The table holds only reservations in flight: almost always empty.
  const pending = (await view.find(PENDING, [])) as readonly PendingReservation[];
  for (const reservation of pending) {
    if (now.getTime() - Date.parse(reservation.reservedAt) < ABANDONED_AFTER_MS) continue;
    await view.delete(PENDING, reservation.id);
    await release(executor, reservation.accountId, reservation.id, 'abandoned', reservation.reservationEventId, {
      actor: reservation.actor,
      correlationId: reservation.correlationId,
      causationId: reservation.reservationEventId,
    });
  }
}

async function release(
  executor: CommandExecutor,
  accountId: string,
  projectId: string,
  reason: 'deleted' | 'abandoned',
  cause: string,
  context: CommandContext,
): Promise<void> {
  const stream = `${golemAccountAggregate.type}-${accountId}`;
  await executor.execute(golemAccountAggregate, accountId, context, (state) => {
    const events = decideReleaseProject({ accountId, projectId, reason }, state);
    return { events, resourceOwner: accountId, eventIds: events.map(() => slotReleaseEventId(cause, `${stream}:${projectId}`)) };
  });
}

import { GolemError } from '../../src/golem/golem-error';
import type { AggregateType } from '../../src/kernel/aggregate';
import { DomainError, type ErrorKind } from '../../src/kernel/domain-error';
import type { Event, EventMetadata, RecordedEvent } from '../../src/kernel/event';

/** Given/When/Then helpers for deciders and projections (Emmett's DeciderSpecification, as functions). */

/** The instant the first given event was recorded; each later event is one second after the previous. */
export const T0 = Date.parse('2025-01-01T00:00:00.000Z');

/** createdAt of the event at a global position in a {@link History} (or in {@link given}). */
export function at(position: number): Date {
  return new Date(T0 + (position - 1) * 1000);
}

export interface Recording {
  /** Owning org stamped into the metadata. */
  readonly resourceOwner: string;
  readonly actor?: string;
}

function metadataFor(recording: Recording, position: number): EventMetadata {
  return {
    actor: recording.actor ?? 'instance-admin',
    resourceOwner: recording.resourceOwner,
    correlationId: `correlation-${position}`,
    causationId: `causation-${position}`,
  };
}

/**
 * An event log across streams: revisions count from 0 per stream, positions from 1 over the whole
 * log, and createdAt is {@link at}(position), so expected details can be written down exactly.
 */
export class History {
  private readonly log: RecordedEvent[] = [];
  private readonly revisions = new Map<string, number>();

  /** Records events on `stream`, in order, and returns them as recorded. */
  record<E extends Event>(stream: string, events: E | readonly E[], recording: Recording): RecordedEvent<E>[] {
    const list: readonly E[] = Array.isArray(events) ? (events as readonly E[]) : [events as E];
    return list.map((event) => {
      const revision = (this.revisions.get(stream) ?? -1) + 1;
      this.revisions.set(stream, revision);
      const position = this.log.length + 1;
      const recorded = {
        id: `event-${position}`,
        stream,
        type: event.type,
        revision,
        position,
        createdAt: at(position),
        data: event.data,
        metadata: metadataFor(recording, position),
      } as RecordedEvent<E>;
      this.log.push(recorded as RecordedEvent);
      return recorded;
    });
  }

  /** Records one event and returns it. */
  one<E extends Event>(stream: string, event: E, recording: Recording): RecordedEvent<E> {
    const [recorded] = this.record(stream, event, recording);
    if (recorded === undefined) throw new Error('unreachable: one event recorded');
    return recorded;
  }

  get events(): readonly RecordedEvent[] {
    return this.log;
  }
}

/** Given events of one stream: recorded with revisions and positions from 0 and 1. */
export function given<E extends Event>(stream: string, events: readonly E[], recording: Recording): RecordedEvent<E>[] {
  return new History().record(stream, events, recording);
}

/** The state of an aggregate after its recorded history. */
export function fold<State, E extends Event>(aggregate: AggregateType<State, E>, events: readonly RecordedEvent<E>[]): State {
  let state = aggregate.initialState;
  for (const event of events) state = aggregate.evolve(state, event);
  return state;
}

/** Then: the decision returns exactly these events, in order. */
export function thenEvents<E extends Event>(when: () => readonly E[], expected: readonly E[]): void {
  expect(when()).toEqual(expected);
}

/** Then: the decision fails with a DomainError of this kind and id (and appends nothing). */
export function thenThrows(when: () => unknown, kind: ErrorKind, id: string): DomainError {
  let thrown: unknown = null;
  try {
    when();
  } catch (error) {
    thrown = error;
  }
  if (!(thrown instanceof DomainError)) {
    throw new Error(`expected DomainError ${kind} ${id}, got ${thrown === null ? 'no error' : String(thrown)}`);
  }
  expect({ kind: thrown.kind, id: thrown.id }).toEqual({ kind, id });
  return thrown;
}

/** Then, for async whens: the promise rejects with a DomainError of this kind and id. */
export async function thenRejects(when: () => Promise<unknown>, kind: ErrorKind, id: string): Promise<DomainError> {
  let thrown: unknown = null;
  try {
    await when();
  } catch (error) {
    thrown = error;
  }
  if (!(thrown instanceof DomainError)) {
    throw new Error(`expected DomainError ${kind} ${id}, got ${thrown === null ? 'no error' : String(thrown)}`);
  }
  expect({ kind: thrown.kind, id: thrown.id }).toEqual({ kind, id });
  return thrown;
}

/** Then: the decision fails with a GolemError of this kind and exact text (golem-api.md §3.1). */
export function thenGolemError(when: () => unknown, kind: GolemError['kind'], message: string): void {
  let thrown: unknown;
  try {
    when();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(GolemError);
  expect({ kind: (thrown as GolemError).kind, message: (thrown as GolemError).message }).toEqual({ kind, message });
}

/**
 * Events are readonly data with a stable, past-tense type string. The type string is a stored
 * contract: it is never renamed, and events are never identified by class name.
 */
export interface Event<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

/** Who caused an event, on whose behalf, and as part of which request. */
export interface EventMetadata {
  /** User id of the actor, or `instance-admin` for the bootstrap administrator. */
  readonly actor: string;
  /** Org (or Golem account) that owns the object the event belongs to. */
  readonly resourceOwner: string;
  readonly correlationId: string;
  readonly causationId: string;
  /** Golem dialect: the API token that authenticated the request; absent for the bootstrap token. */
  readonly tokenId?: string;
}

/** An event as handed to the event store: its id makes retries idempotent. */
export type NewEvent<E extends Event = Event> = E extends Event ? NewEventOf<E> : never;

interface NewEventOf<E extends Event> {
  readonly id: string;
  readonly type: E['type'];
  readonly data: E['data'];
  readonly metadata: EventMetadata;
}

/** An event as the store recorded it; a union of events gives a union of recorded events. */
export type RecordedEvent<E extends Event = Event> = E extends Event ? RecordedEventOf<E> : never;

export interface RecordedEventOf<E extends Event> {
  readonly id: string;
  readonly stream: string;
  readonly type: E['type'];
  /** 0-based position of the event inside its stream. */
  readonly revision: number;
  /** Strictly increasing over the whole store, in commit order. */
  readonly position: number;
  /** The store's clock at commit, millisecond precision. */
  readonly createdAt: Date;
  readonly data: E['data'];
  readonly metadata: EventMetadata;
}

/** Narrows a recorded event to one member of a union by its type string. */
export function isEventOf<E extends Event>(
  event: RecordedEvent,
  types: ReadonlySet<string>,
): event is RecordedEvent<E> {
  return types.has(event.type);
}

/** The aggregate sequence ZITADEL reports: stream revision + 1. */
export function aggregateSequence(event: Pick<RecordedEvent, 'revision'>): number {
  return event.revision + 1;
}

/** Splits `project-<id>` into its aggregate type and id. */
export function parseStreamName(stream: string): { aggregateType: string; aggregateId: string } {
  const dash = stream.indexOf('-');
  if (dash < 0) return { aggregateType: stream, aggregateId: '' };
  return { aggregateType: stream.slice(0, dash), aggregateId: stream.slice(dash + 1) };
}

export function streamName(aggregateType: string, id: string): string {
  return `${aggregateType}-${id}`;
}

import type { Event, RecordedEvent } from './event';

/** A key that must be unique across streams (an org name, a user grant's identity). */
export interface UniqueKey {
  /** What is unique (`org.name`); picks the AlreadyExists message. */
  readonly kind: string;
  /** The normalised value (lower-cased where uniqueness is case-insensitive). */
  readonly value: string;
}

/** Reservations an event takes or gives back. */
export interface UniqueClaims {
  readonly claim: readonly UniqueKey[];
  readonly release: readonly UniqueKey[];
}

export const NO_CLAIMS: UniqueClaims = { claim: [], release: [] };

/**
 * One aggregate type: how its stream is named, folded, and which unique keys its events hold.
 * `evolve` receives recorded events so state can keep sequences and dates for `details`.
 */
export interface AggregateType<State, E extends Event> {
  /** Stream prefix and aggregate type name (`project` → `project-<id>`). */
  readonly type: string;
  readonly initialState: State;
  evolve(state: State, event: RecordedEvent<E>): State;
  /**
   * Unique keys taken or released by an event, given the state before it (a removal event may
   * carry no payload); omitted when the aggregate has none.
   */
  uniqueClaims?(event: E, stateBefore: State, resourceOwner: string): UniqueClaims;
}

/** Keys an aggregate's history still holds: claims minus releases, in order. */
export function heldKeys<State, E extends Event>(
  aggregate: AggregateType<State, E>,
  events: readonly RecordedEvent<E>[],
): Set<string> {
  const held = new Set<string>();
  let state = aggregate.initialState;
  for (const event of events) {
    const claims = aggregate.uniqueClaims?.({ type: event.type, data: event.data } as E, state, event.metadata.resourceOwner);
    state = aggregate.evolve(state, event);
    if (claims === undefined) continue;
    for (const key of claims.claim) held.add(uniqueKeyId(key));
    for (const key of claims.release) held.delete(uniqueKeyId(key));
  }
  return held;
}

export function uniqueKeyId(key: UniqueKey): string {
  return `${key.kind}:${key.value}`;
}

import type { Event } from './event';

/**
 * A pure decision function over one stream: no I/O, no clock, no id generation. Time, ids, actor
 * and org arrive on the command; facts from other streams arrive in `context`.
 */
export interface Decider<Command, State, E extends Event, Context = undefined> {
  readonly initialState: State;
  evolve(state: State, event: E): State;
  /** Returns the events to append (possibly none) or throws a DomainError. */
  decide(command: Command, state: State, context: Context): readonly E[];
}

/** Folds events into a state. */
export function fold<State, E extends Event>(
  decider: Pick<Decider<unknown, State, E, unknown>, 'initialState' | 'evolve'>,
  events: readonly E[],
): State {
  let state = decider.initialState;
  for (const event of events) state = decider.evolve(state, event);
  return state;
}

/** Exhaustiveness guard for switches over unions. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}

import type { NewEvent, RecordedEvent } from './event';

/** What the writer expects the stream to look like; a mismatch is a {@link WrongExpectedRevision}. */
export type ExpectedRevision = 'no_stream' | 'exists' | 'any' | number;

export interface AppendResult {
  /** Revision of the last event now in the stream (the appended one, or the original on a retry). */
  readonly lastRevision: number;
  /** Global position of the last event appended (or of the original on an idempotent retry). */
  readonly position: number;
  /** Commit time of the appended events (the original ones on a retry). */
  readonly createdAt: Date;
  /** The recorded events of this append, in order. */
  readonly events: readonly RecordedEvent[];
}

export interface ReadAllFilter {
  /** Only these event types. */
  readonly eventTypes?: readonly string[];
  /** Only streams whose name starts with one of these prefixes (`project-`). */
  readonly streamPrefixes?: readonly string[];
}

export interface ReadAllOptions {
  /** Exclusive lower bound: events with position > from. Default: from the start. */
  readonly fromPosition?: number;
  readonly filter?: ReadAllFilter;
  /** Maximum events returned. */
  readonly limit?: number;
}

/** A running catch-up subscription; `stop` resolves when no more events are delivered. */
export interface Subscription {
  stop(): Promise<void>;
}

/** Handles a batch of events in position order; the next batch waits for the returned promise. */
export type BatchHandler = (events: readonly RecordedEvent[]) => Promise<void>;

/** Append-only event log with per-stream optimistic concurrency and a global order. */
export interface EventStore {
  /**
   * Appends events atomically. Appending events whose ids are already stored in that stream is a
   * no-op returning the original result (idempotent retries).
   */
  append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /** Events of one stream from a revision on (inclusive), oldest first; [] when the stream is absent. */
  readStream(stream: string, fromRevision?: number): Promise<readonly RecordedEvent[]>;
  /**
   * The stream's last event; undefined when the stream is absent. A reservation stream gains two
   * events every time its key is taken and given back, and only its last one says who holds it.
   */
  readLastEvent(stream: string): Promise<RecordedEvent | undefined>;
  /** Events of the whole store in position order. */
  readAll(options?: ReadAllOptions): Promise<readonly RecordedEvent[]>;
  /** Position of the last committed event; 0 when the store is empty. */
  headPosition(): Promise<number>;
  /** Catch-up subscription over all events after `fromPosition`: history first, then live. */
  subscribeToAll(fromPosition: number, handler: BatchHandler, onError: (error: unknown) => void): Subscription;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EventStore');

/** The stream's revision did not match what the writer expected. */
export class WrongExpectedRevision extends Error {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** Current last revision, or 'no_stream'. */
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${stream}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevision';
  }
}

/** The store could not be reached or answered with an infrastructure failure. */
export class StoreUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailable';
  }
}

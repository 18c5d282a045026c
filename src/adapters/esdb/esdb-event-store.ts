import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  isCommandError,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type CurrentRevision,
  type JSONEventData,
  type JSONType,
  type Position,
  type ReadPosition,
  type ResolvedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import type { EventMetadata, NewEvent, RecordedEvent } from '../../kernel/event';
import {
  type AppendResult,
  type BatchHandler,
  type EventStore,
  type ExpectedRevision,
  type ReadAllFilter,
  type ReadAllOptions,
  type Subscription,
  StoreUnavailable,
  WrongExpectedRevision,
} from '../../kernel/event-store.port';

export interface EsdbEventStoreOptions {
  /** Largest number of events a subscription hands to its handler at once. */
  readonly batchSize?: number;
}

/** Events fetched per request when scanning `$all`. */
const PAGE_SIZE = 500;

interface RunningSubscription {
  /** Ends delivery; `reason` is reported to the subscriber's onError. */
  end(reason?: unknown): Promise<void>;
}

/**
 * The EventStoreDB adapter. Positions are commit positions in `$all` (increasing, with gaps);
 * system events (types starting with `$`) are never returned. Event data and metadata are JSON.
 */
export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly batchSize: number;
  private readonly subscriptions = new Set<RunningSubscription>();
  private closed = false;

  /** `connectionString`: `esdb://host:2113?tls=false`; `defaultDeadline` there bounds appends. */
  constructor(connectionString: string, options: EsdbEventStoreOptions = {}) {
    this.client = EventStoreDBClient.connectionString(connectionString);
    this.batchSize = options.batchSize ?? 1000;
  }

  async append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    this.assertOpen();
    if (events.length === 0) throw new Error('append needs at least one event');
    if (typeof expected === 'number' && !(Number.isSafeInteger(expected) && expected >= 0)) {
      throw new RangeError(`expected revision must be a non-negative integer, got ${expected}`);
    }
    return this.translated(async () => {
      // The server deduplicates 'any' and 'exists' appends only from a bounded cache of recent
      // event ids, so a late retry would be written twice: look for the original first.
      if (expected === 'any' || expected === 'exists') {
        const original = await this.findOriginal(stream, events, expected);
        if (original !== null) return original;
      }
      let nextRevision: bigint;
      try {
        const result = await this.client.appendToStream(stream, events.map(toEventData), {
          expectedRevision: toEsdbExpected(expected),
        });
        nextRevision = result.nextExpectedRevision;
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        const original = await this.findOriginal(stream, events, expected);
        if (original !== null) return original;
        throw new WrongExpectedRevision(stream, expected, toActual(error.actualVersion));
      }
      // The append answer has neither per-event positions nor timestamps: read the events back.
      const firstRevision = nextRevision - BigInt(events.length - 1);
      const written = await this.readStreamFrom(stream, firstRevision, events.length);
      if (sameIds(written, events)) return toAppendResult(written);
      // An idempotent write answered with another revision than the original events'.
      const original = await this.findOriginal(stream, events, expected);
      if (original !== null) return original;
      throw new StoreUnavailable(`stream ${stream}: appended events could not be read back`);
    });
  }

  async readStream(stream: string, fromRevision = 0): Promise<readonly RecordedEvent[]> {
    this.assertOpen();
    return this.translated(() => this.readStreamFrom(stream, BigInt(fromRevision)));
  }

  async readLastEvent(stream: string): Promise<RecordedEvent | undefined> {
    this.assertOpen();
    return this.translated(async () => {
      try {
        const read = this.client.readStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1, requiresLeader: true });
        return (await collect(read)).map(toRecorded)[0];
      } catch (error) {
        if (error instanceof StreamNotFoundError || error instanceof StreamDeletedError) return undefined;
        throw error;
      }
    });
  }

  async readAll(options: ReadAllOptions = {}): Promise<readonly RecordedEvent[]> {
    this.assertOpen();
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const filter = options.filter;
    if (limit <= 0 || filter?.eventTypes?.length === 0 || filter?.streamPrefixes?.length === 0) return [];
    return this.translated(async () => {
      const found: RecordedEvent[] = [];
      // The 6.x client's readAll has no server-side filter (only subscriptions have one).
      for await (const resolved of this.scanAll(FORWARDS, options.fromPosition ?? 0)) {
        const recorded = toRecorded(resolved);
        if (!matches(recorded, filter)) continue;
        found.push(recorded);
        if (found.length >= limit) break;
      }
      return found;
    });
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    return this.translated(async () => {
      for await (const resolved of this.scanAll(BACKWARDS, null)) return toRecorded(resolved).position;
      return 0;
    });
  }

  /**
   * Non-system events of `$all` strictly after (forwards) or before (backwards) a position, or
   * from the start or end when it is null or 0, read a page per request.
   */
  private async *scanAll(
    direction: typeof FORWARDS | typeof BACKWARDS,
    from: number | null,
  ): AsyncGenerator<AllStreamResolvedEvent> {
    const forwards = direction === FORWARDS;
    let bound = from ?? (forwards ? 0 : Number.POSITIVE_INFINITY);
    let cursor: ReadPosition = from !== null && from > 0 ? toEsdbPosition(from) : forwards ? START : END;
    for (;;) {
      const page: AllStreamResolvedEvent[] = await collect(
        this.client.readAll({ direction, fromPosition: cursor, maxCount: PAGE_SIZE }),
      );
      let progressed = false;
      for (const resolved of page) {
        const event = resolved.event;
        if (event === undefined) continue;
        const position = Number(event.position.commit);
        // A read includes the event at its start position; the port's bounds are exclusive.
        if (forwards ? position <= bound : position >= bound) continue;
        bound = position;
        cursor = event.position;
        progressed = true;
        if (!isSystemEvent(event.type)) yield resolved;
      }
      if (page.length < PAGE_SIZE || !progressed) return;
    }
  }

  subscribeToAll(fromPosition: number, handler: BatchHandler, onError: (error: unknown) => void): Subscription {
    if (this.closed) {
      queueMicrotask(() => onError(new StoreUnavailable('event store is closed')));
      return { stop: async () => undefined };
    }
    const subscription: AllStreamSubscription = this.client.subscribeToAll({
      fromPosition: fromPosition > 0 ? toEsdbPosition(fromPosition) : START,
      filter: excludeSystemEvents(),
    });
    // Errors after the loop has ended (a cancelled call) must not become unhandled 'error' events.
    subscription.on('error', () => undefined);
    let ended = false;
    let after = fromPosition;

    const deliver = async () => {
      for await (const first of subscription) {
        if (ended) return;
        const batch: RecordedEvent[] = [];
        let resolved = first as AllStreamResolvedEvent | null;
        while (resolved !== null) {
          const event = resolved.event;
          if (event !== undefined && !isSystemEvent(event.type) && Number(event.position.commit) > after) {
            const recorded = toRecorded(resolved);
            batch.push(recorded);
            after = recorded.position;
          }
          if (batch.length >= this.batchSize) break;
          // Take what is already buffered so the handler gets a batch, not one event at a time.
          resolved = subscription.read() as AllStreamResolvedEvent | null;
        }
        if (batch.length === 0) continue;
        try {
          await handler(batch);
        } catch (error) {
          await running.end(error);
          return;
        }
      }
      if (!ended) await running.end(new StoreUnavailable('EventStoreDB ended the subscription'));
    };

    let reported = false;
    const running: RunningSubscription = {
      end: async (reason?: unknown) => {
        const first = !ended;
        ended = true;
        this.subscriptions.delete(running);
        if (first) {
          await subscription.unsubscribe().catch(() => undefined);
          subscription.destroy();
        }
        if (reason !== undefined && !reported) {
          reported = true;
          onError(reason);
        }
      },
    };
    this.subscriptions.add(running);
    const done = deliver().catch(async (error: unknown) => {
      if (!ended) await running.end(translate(error));
    });
    return {
      stop: async () => {
        await running.end();
        await done;
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closedError = new StoreUnavailable('event store is closed');
    await Promise.all([...this.subscriptions].map((subscription) => subscription.end(closedError)));
    await this.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailable('event store is closed');
  }

  private async translated<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw translate(error);
    }
  }

  /** Events of a stream from a revision on; [] when the stream does not exist. */
  private async readStreamFrom(stream: string, from: bigint, maxCount?: number): Promise<RecordedEvent[]> {
    try {
      const read = this.client.readStream(stream, {
        fromRevision: from,
        // Read-backs must see the write just acknowledged, which a follower may not have yet.
        requiresLeader: true,
        ...(maxCount === undefined ? {} : { maxCount }),
      });
      return (await collect(read)).map(toRecorded);
    } catch (error) {
      if (error instanceof StreamNotFoundError || error instanceof StreamDeletedError) return [];
      throw error;
    }
  }

  /**
   * The recorded events of an earlier append with the same event ids, or null when the first id
   * is not in the stream. A stream holding the first id followed by other events is a conflict.
   */
  private async findOriginal(
    stream: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult | null> {
    const firstId = events[0]?.id;
    const stored = await this.readStreamFrom(stream, 0n);
    const start = stored.findIndex((event) => event.id === firstId);
    if (start < 0) return null;
    const original = stored.slice(start, start + events.length);
    if (!sameIds(original, events)) {
      throw new WrongExpectedRevision(stream, expected, stored[stored.length - 1]?.revision ?? 'no_stream');
    }
    return toAppendResult(original);
  }
}

async function collect<E>(read: StreamingRead<E>): Promise<E[]> {
  const items: E[] = [];
  for await (const item of read) items.push(item);
  return items;
}

function toEsdbExpected(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'no_stream':
      return NO_STREAM;
    case 'exists':
      return STREAM_EXISTS;
    case 'any':
      return ANY;
    default:
      return BigInt(expected);
  }
}

function toActual(current: CurrentRevision): number | 'no_stream' {
  return current === NO_STREAM || current < 0n ? 'no_stream' : Number(current);
}

function toEsdbPosition(position: number): Position {
  // Events appended through gRPC have equal commit and prepare positions.
  return { commit: BigInt(position), prepare: BigInt(position) };
}

function toEventData(event: NewEvent): JSONEventData {
  const { actor, resourceOwner, correlationId, causationId, tokenId } = event.metadata;
  return {
    id: event.id,
    contentType: 'application/json',
    type: event.type,
    // The client JSON-encodes any value; its JSONType is narrower than the port's `unknown`.
    data: (event.data ?? null) as JSONType,
    metadata: tokenId === undefined ? { actor, resourceOwner, correlationId, causationId } : { actor, resourceOwner, correlationId, causationId, tokenId },
  };
}

function toRecorded(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent {
  const event = resolved.event;
  if (event === undefined) throw new StoreUnavailable('EventStoreDB returned a link without its event');
  const commit = event.position?.commit ?? resolved.commitPosition;
  if (commit === undefined) throw new StoreUnavailable(`EventStoreDB returned event ${event.id} without a position`);
  return {
    id: event.id,
    stream: event.streamId,
    type: event.type,
    revision: Number(event.revision),
    position: Number(commit),
    createdAt: event.created,
    data: event.data,
    metadata: toMetadata(event.metadata),
  };
}

function toMetadata(raw: unknown): EventMetadata {
  const field = (name: keyof EventMetadata): string => {
    if (typeof raw !== 'object' || raw === null || !(name in raw)) return '';
    const value: unknown = (raw as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : '';
  };
  const metadata = {
    actor: field('actor'),
    resourceOwner: field('resourceOwner'),
    correlationId: field('correlationId'),
    causationId: field('causationId'),
  };
  const tokenId = field('tokenId');
  return tokenId === '' ? metadata : { ...metadata, tokenId };
}

function toAppendResult(recorded: readonly RecordedEvent[]): AppendResult {
  const last = recorded[recorded.length - 1];
  if (last === undefined) throw new Error('unreachable: empty append');
  return { lastRevision: last.revision, position: last.position, createdAt: last.createdAt, events: recorded };
}

function sameIds(recorded: readonly RecordedEvent[], events: readonly NewEvent[]): boolean {
  return recorded.length === events.length && recorded.every((event, i) => event.id === events[i]?.id);
}

function isSystemEvent(type: string): boolean {
  return type.startsWith('$');
}

function matches(event: RecordedEvent, filter: ReadAllFilter | undefined): boolean {
  if (filter?.eventTypes !== undefined && !filter.eventTypes.includes(event.type)) return false;
  const prefixes = filter?.streamPrefixes;
  return prefixes === undefined || prefixes.some((prefix) => event.stream.startsWith(prefix));
}

/** Driver and gRPC failures become StoreUnavailable; the port's own errors pass through. */
function translate(error: unknown): unknown {
  if (error instanceof WrongExpectedRevision || error instanceof StoreUnavailable) return error;
  if (error instanceof Error && (isCommandError(error) || isGrpcError(error))) {
    return new StoreUnavailable(`EventStoreDB: ${error.message}`, { cause: error });
  }
  return error;
}

function isGrpcError(error: Error): boolean {
  return 'code' in error && typeof error.code === 'number' && 'details' in error;
}

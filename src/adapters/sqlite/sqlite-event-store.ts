import type Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import type { Worker } from 'node:worker_threads';
import type { NewEvent, RecordedEvent } from '../../kernel/event';
import {
  type AppendResult,
  type BatchHandler,
  type EventStore,
  type ExpectedRevision,
  type ReadAllOptions,
  type Subscription,
  StoreUnavailable,
  WrongExpectedRevision,
} from '../../kernel/event-store.port';
import { startModuleWorker } from '../module-worker';
import { type AppendFailure, type AppendOutcome, type EventRow, type NumberedAppend, type SerializedEvent, openEventLog, packAppends, packedSizeBound, toRecorded } from './event-log';
import type { WriterOptions, WriterReply, WriterRequest } from './event-log-writer.worker';
import { WalCheckpointer } from './wal-checkpointer';

/** An append sent to the writer thread, waiting for its commit. */
interface PendingAppend {
  readonly stream: string;
  readonly events: readonly NewEvent[];
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

export interface SqliteEventStoreOptions {
  /** How often a subscription looks for events appended by other processes, in ms. */
  readonly pollIntervalMs?: number;
  /** Largest number of events a subscription hands over at once. */
  readonly batchSize?: number;
  /** Checkpoint the WAL on a worker thread instead of inside commits (see WalCheckpointer). */
  readonly backgroundCheckpoints?: boolean;
}

/** How many full batches subscriptions share; catch-ups more than this apart read their own. */
const RECENT_BATCHES = 16;
/** Buffers for the writer (see PackedAppends): the smallest made, and which and how many are kept. */
const MIN_BUFFER_BYTES = 64 * 1024;
const MAX_SPARE_BUFFER_BYTES = 16 * 1024 * 1024;
const MAX_SPARE_BUFFERS = 4;
/** How long a read that found nothing answers other subscriptions at the same position. */
const TAIL_SEEN_MS = 5;

/**
 * The embedded event store. Durable (WAL, synchronous=FULL: an acknowledged append survives power
 * loss) and fast through group commit on a writer thread of its own (EventLogWriter): a commit's
 * fsync took 10–105 ms at times on a busy disk, and on the request thread every such wait stalled
 * every request. Reads run here, on their own connection; WAL lets them go on during a commit, and
 * they see a commit once its append is acknowledged.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly writer: Worker;
  private readonly appended = new EventEmitter();
  private readonly pending = new Map<number, PendingAppend>();
  /** Appends issued in this turn of the event loop, sent to the writer together at its end. */
  private outbox: NumberedAppend[] = [];
  /** Buffers the writer has handed back (see PackedAppends), largest last. */
  private readonly spareBuffers: ArrayBuffer[] = [];
  private nextAppendId = 1;
  /** Position of the last event this store appended (or the head when it was opened). */
  private lastAppended: number;
  /** The last subscription read that found nothing after `position`, and when. */
  private tailSeen: { readonly position: number; readonly lastAppended: number; readonly at: number } | null = null;
  /** Why the writer thread stopped, once it has. */
  private writerGone: StoreUnavailable | null = null;
  private readonly writerClosed: Promise<void>;
  private closed = false;
  private checkpointer: WalCheckpointer | null = null;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  /** Recent non-empty subscription batches by the position they start after (oldest first). */
  private readonly recentBatches = new Map<number, readonly RecordedEvent[]>();

  /** readAll's statements by SQL (a filter's shape); subscriptions run one of them per batch. */
  private readonly readAllStatements = new Map<string, Database.Statement>();
  private readonly streamFrom: Database.Statement;
  private readonly streamLast: Database.Statement;
  private readonly head: Database.Statement;

  constructor(file: string, options: SqliteEventStoreOptions = {}) {
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.batchSize = options.batchSize ?? 1000;
    // Opened (and the schema created) here first, so the statements below can be prepared at once.
    this.db = openEventLog(file);
    this.streamFrom = this.db.prepare('SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision');
    this.streamLast = this.db.prepare('SELECT * FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1');
    this.head = this.db.prepare('SELECT max(position) AS position FROM events').pluck();
    this.lastAppended = (this.head.get() as number | null) ?? 0;
    const writerOptions: WriterOptions = { file, backgroundCheckpoints: options.backgroundCheckpoints === true };
    this.writer = startModuleWorker(__dirname, 'event-log-writer.worker', writerOptions);
    // The writer keeps the process alive only while appends wait for it.
    this.writer.unref();
    this.writer.on('message', (reply: WriterReply) => {
      if (reply.kind !== 'committed') return;
      this.keepBuffers(reply.buffers);
      this.settle(reply.ids, reply.outcomes);
    });
    this.writerClosed = new Promise<void>((resolve) => {
      this.writer.once('exit', () => resolve());
    });
    this.writer.on('error', (error) => this.writerStopped(error));
    this.writer.on('exit', (code) => this.writerStopped(new Error(`writer thread exited with code ${code}`)));
    if (options.backgroundCheckpoints === true) this.checkpointer = new WalCheckpointer(file);
    this.appended.setMaxListeners(0);
  }

  append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new StoreUnavailable('event store is closed'));
    if (this.writerGone !== null) return Promise.reject(this.writerGone);
    if (events.length === 0) return Promise.reject(new Error('append needs at least one event'));
    let serialized: SerializedEvent[];
    try {
      serialized = serializeEvents(events);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      const id = this.nextAppendId++;
      if (this.pending.size === 0) this.writer.ref();
      this.pending.set(id, { stream, events, resolve, reject });
      // One message per turn: each message wakes the writer thread and is cloned on its own, and
      // concurrent commands (or a group commit's answered appenders) issue their appends together.
      if (this.outbox.length === 0) setImmediate(this.sendOutbox);
      this.outbox.push({ id, stream, events: serialized, expected });
    });
  }

  private readonly sendOutbox = (): void => {
    const appends = this.outbox;
    if (appends.length === 0) return;
    this.outbox = [];
    const packed = packAppends(appends, this.takeBuffer(packedSizeBound(appends)));
    this.writer.postMessage({ kind: 'append', appends: packed } satisfies WriterRequest, [packed.buffer]);
  };

  private takeBuffer(bytes: number): ArrayBuffer {
    const spares = this.spareBuffers;
    const fitting = spares.findIndex((buffer) => buffer.byteLength >= bytes);
    if (fitting >= 0) return spares.splice(fitting, 1)[0] as ArrayBuffer;
    // Rounded up so that buffers are reused across batches of slightly different sizes.
    return new ArrayBuffer(Math.max(MIN_BUFFER_BYTES, 2 ** Math.ceil(Math.log2(bytes))));
  }

  private keepBuffers(buffers: readonly ArrayBuffer[]): void {
    for (const buffer of buffers) if (buffer.byteLength <= MAX_SPARE_BUFFER_BYTES) this.spareBuffers.push(buffer);
    this.spareBuffers.sort((a, b) => a.byteLength - b.byteLength);
    // More spares than group commits in flight would only hold memory.
    while (this.spareBuffers.length > MAX_SPARE_BUFFERS) this.spareBuffers.shift();
  }

  /** Answers the appends of one group commit. */
  private settle(ids: readonly number[], outcomes: readonly AppendOutcome[]): void {
    let wrote = false;
    ids.forEach((id, index) => {
      const pending = this.pending.get(id);
      const outcome = outcomes[index];
      if (pending === undefined || outcome === undefined) return;
      this.pending.delete(id);
      if (!outcome.ok) {
        pending.reject(errorOf(outcome.error));
        return;
      }
      wrote = true;
      const result = resultOf(pending, outcome);
      this.lastAppended = Math.max(this.lastAppended, result.position);
      pending.resolve(result);
    });
    if (this.pending.size === 0) this.writer.unref();
    if (wrote) this.appended.emit('appended');
  }

  private writerStopped(cause: unknown): void {
    if (this.writerGone !== null) return;
    this.writerGone = new StoreUnavailable(this.closed ? 'event store is closed' : 'event store writer stopped', { cause });
    for (const pending of this.pending.values()) pending.reject(this.writerGone);
    this.pending.clear();
    this.outbox = [];
  }

  async readStream(stream: string, fromRevision = 0): Promise<readonly RecordedEvent[]> {
    return (this.streamFrom.all(stream, fromRevision) as EventRow[]).map(toRecorded);
  }

  async readLastEvent(stream: string): Promise<RecordedEvent | undefined> {
    const row = this.streamLast.get(stream) as EventRow | undefined;
    return row === undefined ? undefined : toRecorded(row);
  }

  async readAll(options: ReadAllOptions = {}): Promise<readonly RecordedEvent[]> {
    return this.readAllSync(options);
  }

  private readAllSync(options: ReadAllOptions): RecordedEvent[] {
    const clauses = ['position > ?'];
    const params: unknown[] = [options.fromPosition ?? 0];
    const types = options.filter?.eventTypes;
    if (types !== undefined) {
      if (types.length === 0) return [];
      clauses.push(`type IN (${types.map(() => '?').join(',')})`);
      params.push(...types);
    }
    const prefixes = options.filter?.streamPrefixes;
    if (prefixes !== undefined) {
      if (prefixes.length === 0) return [];
      clauses.push(`(${prefixes.map(() => 'substr(stream, 1, ?) = ?').join(' OR ')})`);
      for (const prefix of prefixes) params.push(prefix.length, prefix);
    }
    const limit = options.limit ?? -1;
    params.push(limit);
    const sql = `SELECT * FROM events WHERE ${clauses.join(' AND ')} ORDER BY position LIMIT ?`;
    let statement = this.readAllStatements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.readAllStatements.set(sql, statement);
    }
    return (statement.all(...params) as EventRow[]).map(toRecorded);
  }

  /**
   * The next batch for a subscription. Projections catching up from the same checkpoint, or
   * following the live tail together, ask for the same batches one after another; batches are kept
   * for a moment so the log is read and its JSON parsed once for all of them rather than once per
   * projection. Positions are final, so a kept batch is always a true prefix of what follows its
   * position: a subscription handed one that is no longer the whole tail reads the rest next round.
   * The events are treated as immutable everywhere.
   */
  private subscriptionBatch(fromPosition: number): readonly RecordedEvent[] {
    const shared = this.recentBatches.get(fromPosition);
    if (shared !== undefined) return shared;
    // Subscriptions that reach the tail together each look once more and find nothing (~17 µs a
    // look): one look answers them all until this store appends, or for TAIL_SEEN_MS (appends by
    // other processes are found by the poll).
    const tail = this.tailSeen;
    if (tail !== null && tail.position === fromPosition && tail.lastAppended === this.lastAppended && performance.now() - tail.at < TAIL_SEEN_MS) return [];
    const events = this.readAllSync({ fromPosition, limit: this.batchSize });
    if (events.length === 0) {
      this.tailSeen = { position: fromPosition, lastAppended: this.lastAppended, at: performance.now() };
    } else {
      if (this.recentBatches.size >= RECENT_BATCHES) {
        const oldest = this.recentBatches.keys().next().value;
        if (oldest !== undefined) this.recentBatches.delete(oldest);
      }
      this.recentBatches.set(fromPosition, events);
    }
    return events;
  }

  async headPosition(): Promise<number> {
    return (this.head.get() as number | null) ?? 0;
  }

  subscribeToAll(fromPosition: number, handler: BatchHandler, onError: (error: unknown) => void): Subscription {
    let stopped = false;
    let position = fromPosition;
    let wake: (() => void) | null = null;
    const notify = () => wake?.();
    this.appended.on('appended', notify);
    const loop = async () => {
      while (!stopped) {
        // Polling a closed store would keep the loop (and the process) alive forever.
        if (this.closed) throw new StoreUnavailable('event store is closed');
        const events = this.subscriptionBatch(position);
        const last = events[events.length - 1];
        if (last !== undefined) {
          await handler(events);
          position = last.position;
          // SQLite calls are synchronous: without a turn of the event loop between batches, a
          // catch-up over millions of events would starve HTTP and every other timer.
          await new Promise<void>((resolve) => setImmediate(resolve));
          continue;
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.pollIntervalMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
    };
    const running = loop()
      .catch((error: unknown) => {
        stopped = true;
        onError(error);
      })
      .finally(() => this.appended.off('appended', notify));
    return {
      stop: async () => {
        stopped = true;
        this.appended.off('appended', notify);
        wake?.();
        await running;
      },
    };
  }

  /** Integrity check, for operators and the crash tests. */
  integrityCheck(): string {
    return String(this.db.pragma('integrity_check', { simple: true }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Appends already sent are committed first: the writer handles messages in order.
    if (this.writerGone === null) {
      this.sendOutbox();
      this.writer.ref();
      this.writer.postMessage({ kind: 'close' } satisfies WriterRequest);
      await this.writerClosed;
    }
    this.appended.emit('appended');
    await this.checkpointer?.close();
    this.db.close();
  }
}

/** Data and metadata as JSON; events of one command share their metadata object, stringified once. */
function serializeEvents(events: readonly NewEvent[]): SerializedEvent[] {
  let lastMetadata: unknown;
  let lastMetadataJson = '';
  return events.map((event) => {
    if (event.metadata !== lastMetadata || lastMetadataJson === '') {
      lastMetadata = event.metadata;
      lastMetadataJson = JSON.stringify(event.metadata);
    }
    return { id: event.id, type: event.type, data: JSON.stringify(event.data ?? null), metadata: lastMetadataJson };
  });
}

function resultOf(pending: PendingAppend, outcome: Extract<AppendOutcome, { ok: true }>): AppendResult {
  if ('retried' in outcome) {
    const recorded = outcome.retried.map(toRecorded);
    const last = recorded[recorded.length - 1] as RecordedEvent;
    return { lastRevision: last.revision, position: last.position, createdAt: last.createdAt, events: recorded };
  }
  const createdAt = new Date(outcome.createdAt);
  const recorded = pending.events.map(
    (event, index) =>
      ({
        id: event.id,
        stream: pending.stream,
        type: event.type,
        revision: outcome.firstRevision + index,
        position: outcome.firstPosition + index,
        createdAt,
        data: event.data,
        metadata: event.metadata,
      }) as RecordedEvent,
  );
  const last = recorded[recorded.length - 1] as RecordedEvent;
  return { lastRevision: last.revision, position: last.position, createdAt, events: recorded };
}

/** The writer's report of a failed append, as the error the caller gets. */
function errorOf(failure: AppendFailure): Error {
  switch (failure.kind) {
    case 'wrong-revision':
      return new WrongExpectedRevision(failure.stream, failure.expected, failure.actual);
    case 'unavailable':
      return new StoreUnavailable(failure.message, { cause: failure.cause });
    case 'error':
      return Object.assign(new Error(failure.message), { name: failure.name, code: failure.code });
    default: {
      const unknown: never = failure;
      throw new Error(`unknown append failure ${JSON.stringify(unknown)}`);
    }
  }
}

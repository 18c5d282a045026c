import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import type { EventMetadata, NewEvent, RecordedEvent } from '../../kernel/event';
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
import { BACKSTOP_AUTOCHECKPOINT_PAGES, WalCheckpointer } from './wal-checkpointer';

interface EventRow {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  created_at: number;
  data: string;
  metadata: string;
}

interface PendingAppend {
  readonly stream: string;
  readonly events: readonly NewEvent[];
  readonly expected: ExpectedRevision;
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

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position   INTEGER PRIMARY KEY,
  id         TEXT    NOT NULL,
  stream     TEXT    NOT NULL,
  revision   INTEGER NOT NULL,
  type       TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  data       TEXT    NOT NULL,
  metadata   TEXT    NOT NULL,
  UNIQUE (stream, revision),
  UNIQUE (stream, id)
);
CREATE INDEX IF NOT EXISTS events_type ON events (type, position);
`;

/** Rows per INSERT statement: one statement per row cost a round into SQLite per event. */
const MAX_ROWS_PER_INSERT = 100;

/** How many full batches subscriptions share; catch-ups more than this apart read their own. */
const RECENT_BATCHES = 16;

/**
 * The embedded event store. Durable (WAL, synchronous=FULL: an acknowledged append survives power
 * loss) and fast through group commit: appends that arrive while a transaction is being prepared
 * are committed together, each under its own savepoint so one conflict fails only its own append.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly appended = new EventEmitter();
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  private lastCreatedAt = 0;
  private closed = false;
  private checkpointer: WalCheckpointer | null = null;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  /** Full subscription batches by the position they start after (oldest first). */
  private readonly recentBatches = new Map<number, readonly RecordedEvent[]>();

  /** Multi-row inserts by row count (1 … MAX_ROWS_PER_INSERT). */
  private readonly insertStatements = new Map<number, Database.Statement>();
  private readonly lastRevisionOf: Database.Statement;
  private readonly findById: Database.Statement;
  private readonly streamFrom: Database.Statement;
  private readonly head: Database.Statement;
  private readonly transactionStatements: Record<'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackToSavepoint', Database.Statement>;

  constructor(file: string, options: SqliteEventStoreOptions = {}) {
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.batchSize = options.batchSize ?? 1000;
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    if (options.backgroundCheckpoints === true) {
      this.db.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
      this.checkpointer = new WalCheckpointer(file);
    }
    this.db.exec(SCHEMA);
    this.lastRevisionOf = this.db.prepare('SELECT max(revision) AS revision FROM events WHERE stream = ?');
    this.findById = this.db.prepare('SELECT * FROM events WHERE stream = ? AND id = ?');
    this.streamFrom = this.db.prepare('SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision');
    this.head = this.db.prepare('SELECT max(position) AS position FROM events');
    // Prepared once: exec() parses its SQL on every call, and a group commit runs these per append.
    this.transactionStatements = {
      begin: this.db.prepare('BEGIN IMMEDIATE'),
      commit: this.db.prepare('COMMIT'),
      savepoint: this.db.prepare('SAVEPOINT append_one'),
      release: this.db.prepare('RELEASE append_one'),
      rollbackToSavepoint: this.db.prepare('ROLLBACK TO append_one'),
      rollback: this.db.prepare('ROLLBACK'),
    };
    this.appended.setMaxListeners(0);
    // The clock never runs backwards, so the last event has the latest time (no scan of the log).
    const last = this.db.prepare('SELECT created_at AS t FROM events ORDER BY position DESC LIMIT 1').get() as { t: number | null } | undefined;
    this.lastCreatedAt = last?.t ?? 0;
  }

  append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new StoreUnavailable('event store is closed'));
    if (events.length === 0) return Promise.reject(new Error('append needs at least one event'));
    return new Promise((resolve, reject) => {
      this.queue.push({ stream, events, expected, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits every queued append in one transaction (one fsync). */
  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    // The store's clock never runs backwards, so createdAt follows position order.
    const createdAt = Math.max(Date.now(), this.lastCreatedAt);
    const outcomes: Array<{ ok: true; result: AppendResult } | { ok: false; error: unknown }> = [];
    const tx = this.transactionStatements;
    try {
      tx.begin.run();
      // A lone append needs no savepoint: if it fails, the whole transaction is rolled back.
      const isolate = batch.length > 1;
      for (const pending of batch) {
        if (isolate) tx.savepoint.run();
        try {
          const result = this.appendInTransaction(pending, createdAt);
          if (isolate) tx.release.run();
          outcomes.push({ ok: true, result });
        } catch (error) {
          if (isolate) {
            tx.rollbackToSavepoint.run();
            tx.release.run();
          }
          outcomes.push({ ok: false, error });
        }
      }
      if (!isolate && outcomes[0]?.ok === false) tx.rollback.run();
      else tx.commit.run();
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      const failure = new StoreUnavailable('event store commit failed', { cause: error });
      for (const pending of batch) pending.reject(failure);
      return;
    }
    this.lastCreatedAt = createdAt;
    let wrote = false;
    batch.forEach((pending, index) => {
      const outcome = outcomes[index];
      if (outcome === undefined) return;
      if (outcome.ok) {
        wrote = true;
        pending.resolve(outcome.result);
      } else {
        pending.reject(outcome.error);
      }
    });
    if (wrote) this.appended.emit('appended');
  }

  private appendInTransaction(pending: PendingAppend, createdAt: number): AppendResult {
    const { stream, events, expected } = pending;
    const retried = this.previouslyAppended(stream, events, expected);
    if (retried) return retried;
    const row = this.lastRevisionOf.get(stream) as { revision: number | null };
    const actual = row.revision ?? 'no_stream';
    if (!revisionMatches(expected, actual)) throw new WrongExpectedRevision(stream, expected, actual);
    const firstRevision = (actual === 'no_stream' ? -1 : actual) + 1;
    const recorded: RecordedEvent[] = [];
    for (let start = 0; start < events.length; start += MAX_ROWS_PER_INSERT) {
      const chunk = events.slice(start, start + MAX_ROWS_PER_INSERT);
      const params: unknown[] = [];
      chunk.forEach((event, index) => {
        params.push(event.id, stream, firstRevision + start + index, event.type, createdAt, JSON.stringify(event.data ?? null), JSON.stringify(event.metadata));
      });
      // One statement for the whole chunk; its rows take consecutive positions (rowids) in order,
      // so the last one's rowid gives every position.
      const lastPosition = Number(this.insertRows(chunk.length).run(...params).lastInsertRowid);
      chunk.forEach((event, index) => {
        recorded.push({
          id: event.id,
          stream,
          type: event.type,
          revision: firstRevision + start + index,
          position: lastPosition - (chunk.length - 1 - index),
          createdAt: new Date(createdAt),
          data: event.data,
          metadata: event.metadata,
        });
      });
    }
    const last = recorded[recorded.length - 1];
    if (last === undefined) throw new Error('unreachable: empty append');
    return { lastRevision: last.revision, position: last.position, createdAt: last.createdAt, events: recorded };
  }

  /** `INSERT` of `rows` events, prepared once per row count. */
  private insertRows(rows: number): Database.Statement {
    let statement = this.insertStatements.get(rows);
    if (statement === undefined) {
      const values = Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ');
      statement = this.db.prepare(`INSERT INTO events (id, stream, revision, type, created_at, data, metadata) VALUES ${values}`);
      this.insertStatements.set(rows, statement);
    }
    return statement;
  }

  /** An append whose event ids are all stored already returns the original result. */
  private previouslyAppended(
    stream: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): AppendResult | null {
    const first = events[0];
    if (first === undefined) return null;
    const firstRow = this.findById.get(stream, first.id) as EventRow | undefined;
    if (firstRow === undefined) return null;
    const rows = this.streamFrom.all(stream, firstRow.revision).slice(0, events.length) as EventRow[];
    const sameIds = rows.length === events.length && rows.every((row, i) => row.id === events[i]?.id);
    if (!sameIds) {
      const row = this.lastRevisionOf.get(stream) as { revision: number | null };
      throw new WrongExpectedRevision(stream, expected, row.revision ?? 'no_stream');
    }
    const recorded = rows.map(toRecorded);
    const last = recorded[recorded.length - 1];
    if (last === undefined) return null;
    return { lastRevision: last.revision, position: last.position, createdAt: last.createdAt, events: recorded };
  }

  async readStream(stream: string, fromRevision = 0): Promise<readonly RecordedEvent[]> {
    return (this.streamFrom.all(stream, fromRevision) as EventRow[]).map(toRecorded);
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
    return (this.db.prepare(sql).all(...params) as EventRow[]).map(toRecorded);
  }

  /**
   * The next batch for a subscription. Projections catching up from the same checkpoint ask for the
   * same batches one after another; full batches are kept for a moment so the log is read and its
   * JSON parsed once for all of them rather than once per projection. A full batch never changes
   * (positions are final), so sharing it is safe; the events are treated as immutable everywhere.
   */
  private subscriptionBatch(fromPosition: number): readonly RecordedEvent[] {
    const shared = this.recentBatches.get(fromPosition);
    if (shared !== undefined) return shared;
    const events = this.readAllSync({ fromPosition, limit: this.batchSize });
    if (events.length === this.batchSize) {
      if (this.recentBatches.size >= RECENT_BATCHES) {
        const oldest = this.recentBatches.keys().next().value;
        if (oldest !== undefined) this.recentBatches.delete(oldest);
      }
      this.recentBatches.set(fromPosition, events);
    }
    return events;
  }

  async headPosition(): Promise<number> {
    return (this.head.get() as { position: number | null }).position ?? 0;
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
    if (this.queue.length > 0) this.flush();
    this.appended.emit('appended');
    await this.checkpointer?.close();
    this.db.close();
  }
}

function revisionMatches(expected: ExpectedRevision, actual: number | 'no_stream'): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return actual === 'no_stream';
  if (expected === 'exists') return actual !== 'no_stream';
  return actual === expected;
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    stream: row.stream,
    type: row.type,
    revision: row.revision,
    position: row.position,
    createdAt: new Date(row.created_at),
    data: JSON.parse(row.data) as unknown,
    metadata: JSON.parse(row.metadata) as EventMetadata,
  };
}

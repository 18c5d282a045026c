import type Database from 'better-sqlite3';
import type { ExpectedRevision } from '../../kernel/event-store.port';
import { type AppendFailure, type AppendOutcome, type EventRow, type SerializedAppend, openEventLog } from './event-log';
import { BACKSTOP_AUTOCHECKPOINT_PAGES } from './wal-checkpointer';

/** Rows per INSERT statement: one statement per row cost a round into SQLite per event. */
const MAX_ROWS_PER_INSERT = 100;

/** A conflict found inside the transaction; rolled back to its savepoint, reported as data. */
class RevisionMismatch extends Error {
  constructor(readonly failure: AppendFailure) {
    super('wrong expected revision');
  }
}

/**
 * The only connection that writes the event log. It commits a group of appends in one
 * transaction (one fsync), each under its own savepoint so one conflict fails only its own
 * append. Synchronous by nature (better-sqlite3): it runs on the writer thread, never on the
 * thread that serves requests.
 */
export class EventLogWriter {
  private readonly db: Database.Database;
  private lastCreatedAt: number;
  /** Multi-row inserts by row count (1 … MAX_ROWS_PER_INSERT). */
  private readonly insertStatements = new Map<number, Database.Statement>();
  private readonly lastRevisionOf: Database.Statement;
  private readonly findById: Database.Statement;
  private readonly streamFrom: Database.Statement;
  private readonly tx: Record<'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackToSavepoint', Database.Statement>;

  constructor(file: string, options: { readonly backgroundCheckpoints?: boolean } = {}) {
    this.db = openEventLog(file);
    // Another thread checkpoints; this connection only does so past the backstop.
    if (options.backgroundCheckpoints === true) this.db.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
    this.lastRevisionOf = this.db.prepare('SELECT max(revision) AS revision FROM events WHERE stream = ?');
    this.findById = this.db.prepare('SELECT * FROM events WHERE stream = ? AND id = ?');
    this.streamFrom = this.db.prepare('SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision');
    // Prepared once: exec() parses its SQL on every call, and a group commit runs these per append.
    this.tx = {
      begin: this.db.prepare('BEGIN IMMEDIATE'),
      commit: this.db.prepare('COMMIT'),
      savepoint: this.db.prepare('SAVEPOINT append_one'),
      release: this.db.prepare('RELEASE append_one'),
      rollbackToSavepoint: this.db.prepare('ROLLBACK TO append_one'),
      rollback: this.db.prepare('ROLLBACK'),
    };
    // The clock never runs backwards, so the last event has the latest time (no scan of the log).
    const last = this.db.prepare('SELECT created_at AS t FROM events ORDER BY position DESC LIMIT 1').get() as { t: number | null } | undefined;
    this.lastCreatedAt = last?.t ?? 0;
  }

  /** Commits every append of the group in one transaction; one outcome per append, in order. */
  commit(batch: readonly SerializedAppend[]): AppendOutcome[] {
    // The store's clock never runs backwards, so createdAt follows position order.
    const createdAt = Math.max(Date.now(), this.lastCreatedAt);
    const outcomes: AppendOutcome[] = [];
    const tx = this.tx;
    try {
      tx.begin.run();
      // A lone append needs no savepoint: if it fails, the whole transaction is rolled back.
      const isolate = batch.length > 1;
      for (const append of batch) {
        if (isolate) tx.savepoint.run();
        try {
          outcomes.push(this.appendInTransaction(append, createdAt));
          if (isolate) tx.release.run();
        } catch (error) {
          if (isolate) {
            tx.rollbackToSavepoint.run();
            tx.release.run();
          }
          outcomes.push({ ok: false, error: failureOf(error) });
        }
      }
      if (!isolate && outcomes[0]?.ok === false) tx.rollback.run();
      else tx.commit.run();
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      const failure: AppendFailure = { kind: 'unavailable', message: 'event store commit failed', cause: String(error) };
      return batch.map(() => ({ ok: false, error: failure }));
    }
    this.lastCreatedAt = createdAt;
    return outcomes;
  }

  close(): void {
    this.db.close();
  }

  private appendInTransaction(append: SerializedAppend, createdAt: number): AppendOutcome {
    const { stream, events, expected } = append;
    const retried = this.previouslyAppended(append);
    if (retried !== null) return { ok: true, retried };
    const actual = this.lastRevision(stream);
    if (!revisionMatches(expected, actual)) throw new RevisionMismatch({ kind: 'wrong-revision', stream, expected, actual });
    const firstRevision = (actual === 'no_stream' ? -1 : actual) + 1;
    let firstPosition = 0;
    for (let start = 0; start < events.length; start += MAX_ROWS_PER_INSERT) {
      const chunk = events.slice(start, start + MAX_ROWS_PER_INSERT);
      const params: unknown[] = [];
      chunk.forEach((event, index) => {
        params.push(event.id, stream, firstRevision + start + index, event.type, createdAt, event.data, event.metadata);
      });
      // One statement for the whole chunk; its rows take consecutive positions (rowids) in order,
      // and so do the chunks of one append (one writer, one transaction).
      const lastPosition = Number(this.insertRows(chunk.length).run(...params).lastInsertRowid);
      if (start === 0) firstPosition = lastPosition - (chunk.length - 1);
    }
    return { ok: true, firstRevision, firstPosition, createdAt };
  }

  /** An append whose event ids are all stored already: the original rows. */
  private previouslyAppended(append: SerializedAppend): EventRow[] | null {
    const { stream, events, expected } = append;
    const first = events[0];
    if (first === undefined) return null;
    const firstRow = this.findById.get(stream, first.id) as EventRow | undefined;
    if (firstRow === undefined) return null;
    const rows = (this.streamFrom.all(stream, firstRow.revision) as EventRow[]).slice(0, events.length);
    const sameIds = rows.length === events.length && rows.every((row, i) => row.id === events[i]?.id);
    if (!sameIds) throw new RevisionMismatch({ kind: 'wrong-revision', stream, expected, actual: this.lastRevision(stream) });
    return rows;
  }

  private lastRevision(stream: string): number | 'no_stream' {
    return (this.lastRevisionOf.get(stream) as { revision: number | null }).revision ?? 'no_stream';
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
}

function failureOf(error: unknown): AppendFailure {
  if (error instanceof RevisionMismatch) return error.failure;
  const { name, message, code } = error as { name?: unknown; message?: unknown; code?: unknown };
  return { kind: 'error', name: String(name ?? 'Error'), message: String(message ?? error), code: typeof code === 'string' ? code : undefined };
}

function revisionMatches(expected: ExpectedRevision, actual: number | 'no_stream'): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return actual === 'no_stream';
  if (expected === 'exists') return actual !== 'no_stream';
  return actual === expected;
}

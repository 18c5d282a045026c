import Database from 'better-sqlite3';
import type { EventMetadata, RecordedEvent } from '../../kernel/event';
import type { ExpectedRevision } from '../../kernel/event-store.port';

/** One row of the `events` table. */
export interface EventRow {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  created_at: number;
  data: string;
  metadata: string;
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

/** Opens the log's file in WAL mode, durable (synchronous=FULL), with its schema in place. */
export function openEventLog(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  return db;
}

export function toRecorded(row: EventRow): RecordedEvent {
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

/** An event on its way to the writer thread: data and metadata already JSON. */
export interface SerializedEvent {
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

export interface SerializedAppend {
  readonly stream: string;
  readonly events: readonly SerializedEvent[];
  readonly expected: ExpectedRevision;
}

/** What the writer did with one append of a group commit (plain data: it crosses threads). */
export type AppendOutcome =
  | { readonly ok: true; readonly firstRevision: number; readonly firstPosition: number; readonly createdAt: number }
  /** The same event ids were stored before: the original rows. */
  | { readonly ok: true; readonly retried: readonly EventRow[] }
  | { readonly ok: false; readonly error: AppendFailure };

export type AppendFailure =
  | { readonly kind: 'wrong-revision'; readonly stream: string; readonly expected: ExpectedRevision; readonly actual: number | 'no_stream' }
  /** The whole commit failed (disk, lock): the store is unavailable for this batch. */
  | { readonly kind: 'unavailable'; readonly message: string; readonly cause: string }
  | { readonly kind: 'error'; readonly name: string; readonly message: string; readonly code: string | undefined };

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

/** An append with the number its caller waits on. */
export interface NumberedAppend extends SerializedAppend {
  readonly id: number;
}

/**
 * Appends as they cross to the writer thread: the UTF-8 of every event's strings, one after the
 * other, in one ArrayBuffer that is transferred, not copied, and comes back with the commit's
 * answer to be filled again. postMessage clones each string and object it is given, at ~3 ns a
 * byte here; for 32 appends of 100 events that was ~5 ms of the request thread per group commit,
 * and batch appends lost a third of their throughput. Writing into a buffer whose pages are
 * already mapped costs ~1 ms (a fresh 1 MB string or buffer costs its page faults, ~3 ms).
 */
export interface PackedAppends {
  readonly ids: readonly number[];
  readonly streams: readonly string[];
  readonly expected: readonly ExpectedRevision[];
  /** Events per append. */
  readonly counts: readonly number[];
  /** Per event: the byte lengths of its id, type, data and metadata in `buffer`. */
  readonly lengths: Uint32Array;
  readonly buffer: ArrayBuffer;
}

const STRINGS_PER_EVENT = 4;
/** UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units). */
const MAX_UTF8_BYTES_PER_UNIT = 3;

/** The buffer size that always holds these appends' strings. */
export function packedSizeBound(appends: readonly NumberedAppend[]): number {
  let units = 0;
  for (const append of appends) for (const event of append.events) units += event.id.length + event.type.length + event.data.length + event.metadata.length;
  return units * MAX_UTF8_BYTES_PER_UNIT;
}

/** Packs the appends into `buffer`, which must hold packedSizeBound(appends) bytes. */
export function packAppends(appends: readonly NumberedAppend[], buffer: ArrayBuffer): PackedAppends {
  let eventCount = 0;
  for (const append of appends) eventCount += append.events.length;
  const lengths = new Uint32Array(eventCount * STRINGS_PER_EVENT);
  const bytes = Buffer.from(buffer);
  let at = 0;
  let offset = 0;
  const write = (text: string) => {
    const written = bytes.write(text, offset);
    lengths[at++] = written;
    offset += written;
  };
  for (const append of appends) {
    for (const event of append.events) {
      write(event.id);
      write(event.type);
      write(event.data);
      write(event.metadata);
    }
  }
  return {
    ids: appends.map((append) => append.id),
    streams: appends.map((append) => append.stream),
    expected: appends.map((append) => append.expected),
    counts: appends.map((append) => append.events.length),
    lengths,
    buffer,
  };
}

export function unpackAppends(packed: PackedAppends): NumberedAppend[] {
  const { lengths } = packed;
  const bytes = Buffer.from(packed.buffer);
  let at = 0;
  let offset = 0;
  const next = (): string => {
    const length = lengths[at++] as number;
    offset += length;
    return bytes.toString('utf8', offset - length, offset);
  };
  return packed.ids.map((id, index) => {
    const count = packed.counts[index] as number;
    const events: SerializedEvent[] = [];
    for (let i = 0; i < count; i++) events.push({ id: next(), type: next(), data: next(), metadata: next() });
    return { id, stream: packed.streams[index] as string, expected: packed.expected[index] as ExpectedRevision, events };
  });
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

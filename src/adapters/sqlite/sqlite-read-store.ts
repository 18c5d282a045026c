import Database from 'better-sqlite3';
import type {
  Checkpoint,
  CollectionSpec,
  Condition,
  Doc,
  Filter,
  QueryOptions,
  QueryResult,
  ReadStore,
  ReadStoreTx,
  Scalar,
  SortKey,
} from '../../kernel/read-store.port';
import { Mutex } from '../../kernel/mutex';
import { BACKSTOP_AUTOCHECKPOINT_PAGES, WalCheckpointer } from './wal-checkpointer';

const NAME = /^[a-z][a-z0-9_]*$/;
/** How often a commit may check whether planner statistics need refreshing. */
const OPTIMIZE_EVERY_MS = 60_000;
/**
 * Memory map asked for while deferred indexes are built (address space, not RAM). SQLite caps it
 * at its compile-time maximum: 2 GiB in better-sqlite3's build, which holds the 1M user grants'
 * 1.4 GB table; a larger file is mapped up to that and read() beyond it.
 */
const INDEX_BUILD_MMAP_BYTES = 16 * 1024 ** 3;
const FIELD = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

interface CheckpointRow {
  projection: string;
  position: number;
  event_created_at: number | null;
  updated_at: number;
}

/**
 * The embedded read store: one table per collection holding whole JSON documents, indexed by
 * expressions over the fields the queries use. Writes go through one connection, serialised;
 * reads use a second connection and see committed snapshots only (WAL).
 */
export class SqliteReadStore implements ReadStore {
  private readonly writer: Database.Database;
  private reader: Database.Database;
  private readonly writeLock = new Mutex();
  private readonly checkpointer: WalCheckpointer | null = null;
  private readonly statements = new Map<string, Database.Statement>();
  /**
   * The read by id of each collection, plucking the JSON text. It is every read request's
   * statement, so it skips building its SQL and cache key per call.
   */
  private readonly docReads = new Map<string, Database.Statement>();
  /**
   * Each collection's statements for projection writes (read, replace, delete by id): a rebuild runs
   * them millions of times, and building their SQL and cache key per call was ~3 % of it.
   */
  private readonly docWrites = new Map<string, DocWriteStatements>();
  /** Deferred indexes were just built: the next commit runs a full ANALYZE. */
  private analyzeFully = false;
  /** Collections created without their indexes (ensureCollections' deferIndexes), by name. */
  private readonly deferredIndexes = new Map<string, CollectionSpec>();
  /** Deferred indexes created inside the open transaction: built once it commits. */
  private readonly indexedInTransaction = new Set<string>();
  private lastAnalyze = 0;

  constructor(
    private readonly file: string,
    /** Checkpoint the WAL on a worker thread instead of inside commits (see WalCheckpointer). */
    options: { readonly backgroundCheckpoints?: boolean } = {},
  ) {
    this.writer = new Database(file);
    this.writer.pragma('journal_mode = WAL');
    // Read models can be rebuilt from the event store, so NORMAL (no fsync per commit) is enough.
    this.writer.pragma('synchronous = NORMAL');
    this.writer.pragma('busy_timeout = 5000');
    if (options.backgroundCheckpoints === true) {
      this.writer.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
      this.checkpointer = new WalCheckpointer(file);
    }
    this.writer.exec(`CREATE TABLE IF NOT EXISTS _checkpoints (
      projection TEXT PRIMARY KEY, position INTEGER NOT NULL,
      event_created_at INTEGER, updated_at INTEGER NOT NULL) WITHOUT ROWID`);
    this.reader = this.openReader();
  }

  async ensureCollections(specs: readonly CollectionSpec[], options: { readonly deferIndexes?: boolean } = {}): Promise<void> {
    await this.writeLock.run(async () => {
      for (const spec of specs) {
        const table = tableName(spec.name);
        const exists = this.prepare(this.writer, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
        // A rowid table, not WITHOUT ROWID: documents are ~1 KiB and a WITHOUT ROWID row that big
        // spills into an overflow page of its own. At 100k user grants that table was 468 MB
        // instead of 142 MB, inserts took 3x and reads by id 3.4x as long (decisions §16).
        this.writer.exec(`CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY, doc TEXT NOT NULL)`);
        if (!exists && options.deferIndexes === true && spec.indexes.length > 0) this.deferredIndexes.set(spec.name, spec);
        else this.createIndexes(spec);
      }
    });
  }

  async buildDeferredIndexes(names: readonly string[]): Promise<void> {
    if (!names.some((name) => this.deferredIndexes.has(name))) return;
    await this.writeLock.run(async () => {
      // Each index is a full scan of its table: through a memory map rather than a read() per
      // page, building the user grants' five indexes over 1M documents took 13.8 s instead of
      // 17.2 s. The map is dropped again at once (it would keep the file's pages counted as ours).
      this.writer.pragma(`mmap_size = ${INDEX_BUILD_MMAP_BYTES}`);
      try {
        for (const name of names) this.buildDeferredIndexesLocked(name);
      } finally {
        this.writer.pragma('mmap_size = 0');
      }
    });
  }

  /**
   * Under the write lock. Inside a transaction the indexes count as built only once it commits
   * (a rollback takes the CREATE INDEX with it).
   */
  private buildDeferredIndexesLocked(name: string): void {
    const spec = this.deferredIndexes.get(name);
    if (spec === undefined) return;
    this.createIndexes(spec);
    if (this.writer.inTransaction) this.indexedInTransaction.add(name);
    else this.deferredIndexes.delete(name);
    // The planner needs statistics for the new indexes (see analyzeNowAndThen).
    this.analyzeFully = true;
  }

  private createIndexes(spec: CollectionSpec): void {
    const table = tableName(spec.name);
    for (const index of spec.indexes) {
      const columns = index.fields.map(jsonField).join(', ');
      const indexName = `${table}__${index.fields.map((f) => f.replace(/\./g, '_')).join('__')}`;
      this.writer.exec(`CREATE INDEX IF NOT EXISTS ${indexName} ON ${table} (${columns})`);
    }
  }

  /**
   * Keeps the query planner's statistics fresh. Without them SQLite picks an index by heuristics,
   * and for `owner = ? AND user = ? AND project = ?` it may walk a project's 10,000 rows instead
   * of a user's ten. `PRAGMA optimize` (checking every table, 0x10002) analyzes only tables that
   * have no statistics or grew tenfold since, with a sampling limit: a no-op most of the time. A
   * plain ANALYZE every 5,000 commits, as before, took up to a second at 1M documents and stalled
   * every request and projection behind it. After deferred indexes are built, a full ANALYZE runs
   * once (their statistics do not exist yet).
   */
  private analyzeNowAndThen(): void {
    const now = Date.now();
    if (!this.analyzeFully && now - this.lastAnalyze < OPTIMIZE_EVERY_MS) return;
    this.writer.exec(this.analyzeFully ? 'PRAGMA analysis_limit = 1000; ANALYZE;' : 'PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;');
    this.analyzeFully = false;
    this.lastAnalyze = now;
    // A connection loads statistics with the schema; the reader gets a fresh connection to see
    // them (reads are synchronous, so none is in the middle of using the old one).
    this.reader.close();
    this.reader = this.openReader();
    for (const key of [...this.statements.keys()]) if (key.startsWith('r:')) this.statements.delete(key);
    this.docReads.clear();
  }

  private openReader(): Database.Database {
    const reader = new Database(this.file, { readonly: true });
    reader.pragma('busy_timeout = 5000');
    return reader;
  }

  async dropCollections(names: readonly string[]): Promise<void> {
    await this.writeLock.run(async () => {
      for (const name of names) {
        this.writer.exec(`DROP TABLE IF EXISTS ${tableName(name)}`);
        this.deferredIndexes.delete(name);
      }
      this.statements.clear();
      this.docReads.clear();
      this.docWrites.clear();
    });
  }

  async get(collection: string, id: string): Promise<Doc | null> {
    let statement = this.docReads.get(collection);
    if (statement === undefined) {
      statement = this.reader.prepare(`SELECT doc FROM ${tableName(collection)} WHERE id = ?`).pluck();
      this.docReads.set(collection, statement);
    }
    return docById(statement, id);
  }

  async query(collection: string, options: QueryOptions): Promise<QueryResult> {
    // A query over a large unindexed collection would scan it: build its indexes first.
    await this.buildDeferredIndexes([collection]);
    const table = tableName(collection);
    const params: unknown[] = [];
    const where = whereClause(options.filter ?? [], params);
    const order = orderClause(options.sort ?? []);
    const limit = options.limit ?? -1;
    const offset = options.offset ?? 0;
    const countSql = `SELECT count(*) AS n FROM ${table} ${where}`;
    const pageSql = `SELECT doc FROM ${table} ${where} ${order} LIMIT ? OFFSET ?`;
    // One read transaction: the count and the page come from the same snapshot.
    const read = this.reader.transaction(() => {
      const total = (this.prepare(this.reader, countSql).get(...params) as { n: number }).n;
      const rows = this.prepare(this.reader, pageSql).all(...params, limit, offset) as Array<{ doc: string }>;
      return { total, docs: rows.map((row) => JSON.parse(row.doc) as Doc) };
    });
    return read();
  }

  async list(collection: string, options: QueryOptions): Promise<readonly Doc[]> {
    await this.buildDeferredIndexes([collection]);
    const params: unknown[] = [];
    const where = whereClause(options.filter ?? [], params);
    // One statement is its own snapshot: no transaction, no count. (The statement is query()'s page
    // statement, shared through the cache: so rows, not plucked values.)
    const sql = `SELECT doc FROM ${tableName(collection)} ${where} ${orderClause(options.sort ?? [])} LIMIT ? OFFSET ?`;
    const rows = this.prepare(this.reader, sql).all(...params, options.limit ?? -1, options.offset ?? 0) as Array<{ doc: string }>;
    return rows.map((row) => JSON.parse(row.doc) as Doc);
  }

  async transact<T>(work: (tx: ReadStoreTx) => Promise<T>): Promise<T> {
    return this.writeLock.run(async () => {
      // Transactions queued on the lock would otherwise run back to back in microtasks: six
      // projections' slices of a few ms each kept HTTP waiting ~50 ms. Let the event loop turn.
      await new Promise<void>((resolve) => setImmediate(resolve));
      // Prepared once and cached: exec() parses its SQL on every call, and every slice runs these.
      this.prepare(this.writer, 'BEGIN IMMEDIATE').run();
      try {
        const result = await work(this.transaction());
        this.prepare(this.writer, 'COMMIT').run();
        for (const name of this.indexedInTransaction) this.deferredIndexes.delete(name);
        this.analyzeNowAndThen();
        return result;
      } catch (error) {
        if (this.writer.inTransaction) this.prepare(this.writer, 'ROLLBACK').run();
        throw error;
      } finally {
        this.indexedInTransaction.clear();
      }
    });
  }

  private transaction(): ReadStoreTx {
    const db = this.writer;
    return {
      get: async (collection, id) => docById(this.docWriteStatements(collection).get, id),
      find: async (collection, filter) => {
        // Inside the write transaction already: the indexes are built as part of it.
        this.buildDeferredIndexesLocked(collection);
        const params: unknown[] = [];
        const sql = `SELECT doc FROM ${tableName(collection)} ${whereClause(filter, params)}`;
        return (this.prepare(db, sql).all(...params) as Array<{ doc: string }>).map((row) => JSON.parse(row.doc) as Doc);
      },
      put: async (collection, doc) => {
        this.docWriteStatements(collection).put.run(doc.id, JSON.stringify(doc));
      },
      delete: async (collection, id) => {
        this.docWriteStatements(collection).delete.run(id);
      },
      setCheckpoint: async (checkpoint) => {
        this.prepare(
          db,
          'INSERT OR REPLACE INTO _checkpoints (projection, position, event_created_at, updated_at) VALUES (?, ?, ?, ?)',
        ).run(
          checkpoint.projection,
          checkpoint.position,
          checkpoint.eventCreatedAt?.getTime() ?? null,
          checkpoint.updatedAt.getTime(),
        );
      },
    };
  }

  async getCheckpoint(projection: string): Promise<Checkpoint | null> {
    const row = this.prepare(this.reader, 'SELECT * FROM _checkpoints WHERE projection = ?').get(projection) as
      | CheckpointRow
      | undefined;
    return row === undefined ? null : toCheckpoint(row);
  }

  async listCheckpoints(): Promise<readonly Checkpoint[]> {
    const rows = this.prepare(this.reader, 'SELECT * FROM _checkpoints ORDER BY projection').all() as CheckpointRow[];
    return rows.map(toCheckpoint);
  }

  async deleteCheckpoint(projection: string): Promise<void> {
    await this.writeLock.run(async () => {
      this.prepare(this.writer, 'DELETE FROM _checkpoints WHERE projection = ?').run(projection);
    });
  }

  async close(): Promise<void> {
    await this.checkpointer?.close();
    await this.writeLock.run(async () => {
      this.reader.close();
      this.writer.close();
    });
  }

  private docWriteStatements(collection: string): DocWriteStatements {
    let statements = this.docWrites.get(collection);
    if (statements === undefined) {
      const table = tableName(collection);
      statements = {
        get: this.writer.prepare(`SELECT doc FROM ${table} WHERE id = ?`).pluck(),
        put: this.writer.prepare(`INSERT OR REPLACE INTO ${table} (id, doc) VALUES (?, ?)`),
        delete: this.writer.prepare(`DELETE FROM ${table} WHERE id = ?`),
      };
      this.docWrites.set(collection, statements);
    }
    return statements;
  }

  private prepare(db: Database.Database, sql: string): Database.Statement {
    const key = `${db === this.writer ? 'w' : 'r'}:${sql}`;
    let statement = this.statements.get(key);
    if (statement === undefined) {
      statement = db.prepare(sql);
      this.statements.set(key, statement);
    }
    return statement;
  }
}

interface DocWriteStatements {
  /** Plucks the JSON text. */
  readonly get: Database.Statement;
  readonly put: Database.Statement;
  readonly delete: Database.Statement;
}

/** A document by id through a statement that plucks its JSON text (reader's or writer's). */
function docById(statement: Database.Statement, id: string): Doc | null {
  const doc = statement.get(id) as string | undefined;
  return doc === undefined ? null : (JSON.parse(doc) as Doc);
}

function tableName(collection: string): string {
  if (!NAME.test(collection)) throw new Error(`invalid collection name ${collection}`);
  return `c_${collection}`;
}

/** The indexed expression for a field; queries must use the identical text to hit the index. */
function jsonField(field: string): string {
  if (!FIELD.test(field)) throw new Error(`invalid field path ${field}`);
  return `json_extract(doc, '$.${field}')`;
}

function whereClause(filter: Filter, params: unknown[]): string {
  if (filter.length === 0) return '';
  return `WHERE ${conjunction(filter, params)}`;
}

function conjunction(conditions: readonly Condition[], params: unknown[]): string {
  if (conditions.length === 0) return '1';
  return conditions.map((condition) => conditionSql(condition, params)).join(' AND ');
}

function conditionSql(condition: Condition, params: unknown[]): string {
  switch (condition.op) {
    case 'eq':
      return typedEquals(condition.field, [condition.value], params);
    case 'in':
      return typedEquals(condition.field, condition.values, params);
    case 'has': {
      const path = checkedField(condition.field);
      const element = typedEquals(null, [condition.value], params);
      return `(json_type(doc, '$.${path}') = 'array' AND EXISTS (SELECT 1 FROM json_each(doc, '$.${path}') AS e WHERE ${element}))`;
    }
    case 'text': {
      const field = jsonField(condition.field);
      const value = textValue(condition.value, condition.field);
      // Only JSON strings are text (json_extract would hand back numbers and JSON-encoded
      // arrays/objects too); literal comparisons only (no LIKE/GLOB), so user text is never a pattern.
      const isText = `${jsonType(condition.field)} = 'text'`;
      if (condition.match === 'prefix') {
        params.push(value, value);
        return `(${isText} AND substr(${field}, 1, length(?)) = ?)`;
      }
      if (condition.match === 'suffix') {
        params.push(value, value, value);
        return `(${isText} AND (length(?) = 0 OR substr(${field}, -length(?)) = ?))`;
      }
      params.push(value);
      return `(${isText} AND instr(${field}, ?) > 0)`;
    }
    case 'or':
      if (condition.anyOf.length === 0) return '0';
      return `(${condition.anyOf.map((alternative) => `(${conjunction(alternative, params)})`).join(' OR ')})`;
  }
}

/**
 * The value at `field` (or the json_each element `e` when field is null) equals one of `values`
 * with the same JSON type: SQLite alone would equate true with 1, and a string with the JSON text
 * of an array or object. The `json_extract(...) = ?` term keeps the expression indexes usable.
 */
function typedEquals(field: string | null, values: readonly Scalar[], params: unknown[]): string {
  const value = field === null ? 'e.value' : jsonField(field);
  const type = field === null ? 'e.type' : jsonType(field);
  const strings: string[] = [];
  const numbers: number[] = [];
  const booleans = new Set<boolean>();
  for (const candidate of values) {
    if (typeof candidate === 'string') strings.push(candidate);
    else if (typeof candidate === 'number') numbers.push(candidate);
    else if (typeof candidate === 'boolean') booleans.add(candidate);
    else throw new TypeError(`filter value for ${field ?? 'element'} must be a string, number or boolean`);
  }
  const parts: string[] = [];
  if (strings.length > 0) {
    params.push(...strings);
    parts.push(`(${value} IN (${strings.map(() => '?').join(',')}) AND ${type} = 'text')`);
  }
  if (numbers.length > 0) {
    params.push(...numbers);
    parts.push(`(${value} IN (${numbers.map(() => '?').join(',')}) AND ${type} IN ('integer', 'real'))`);
  }
  for (const flag of booleans) parts.push(`(${value} = ${flag ? 1 : 0} AND ${type} = '${String(flag)}')`);
  if (parts.length === 0) return '0';
  return parts.length === 1 ? (parts[0] ?? '0') : `(${parts.join(' OR ')})`;
}

function jsonType(field: string): string {
  return `json_type(doc, '$.${checkedField(field)}')`;
}

function textValue(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new TypeError(`text filter value for ${field} must be a string`);
  return value;
}

function checkedField(field: string): string {
  if (!FIELD.test(field)) throw new Error(`invalid field path ${field}`);
  return field;
}

function orderClause(sort: readonly SortKey[]): string {
  const keys = sort.map((key) => `${jsonField(key.field)} ${key.direction === 'asc' ? 'ASC' : 'DESC'}`);
  keys.push('id ASC');
  return `ORDER BY ${keys.join(', ')}`;
}

function toCheckpoint(row: CheckpointRow): Checkpoint {
  return {
    projection: row.projection,
    position: row.position,
    eventCreatedAt: row.event_created_at === null ? null : new Date(row.event_created_at),
    updatedAt: new Date(row.updated_at),
  };
}

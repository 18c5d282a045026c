import {
  MongoClient,
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerClosedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import type { ClientSession, Collection, Db, Document, Filter as MongoFilter, Sort, TransactionOptions } from 'mongodb';
import { StoreUnavailable } from '../../kernel/event-store.port';
import { Mutex } from '../../kernel/mutex';
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

const NAME = /^[a-z][a-z0-9_]*$/;
const FIELD = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const CHECKPOINTS = '_checkpoints';
const WRITE_CONFLICT = 112;
const MAX_CONFLICT_RETRIES = 10;
const TRANSACTION: TransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: { w: 'majority' },
  readPreference: 'primary',
};
/** Matches no document (MongoDB has no literal `false` query). */
const NOTHING: Document = { _id: { $in: [] } };

/** A document as stored: the port's document with `_id` = its id. */
interface StoredDoc extends Document {
  _id: string;
}

interface StoredCheckpoint extends Document {
  _id: string;
  position: number;
  eventCreatedAt: Date | null;
  updatedAt: Date;
}

/**
 * The MongoDB read store: one collection per read model with `_id` = the document id, whole
 * document replacements, filters translated from the port's condition data (user input is only
 * ever a compared value), and checkpoints in `_checkpoints`, written in the same transaction.
 */
export class MongoReadStore implements ReadStore {
  private readonly writeLock = new Mutex();

  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
  ) {}

  /** Connects and pings; an unreachable server is a {@link StoreUnavailable}. */
  static async connect(uri: string, dbName: string): Promise<MongoReadStore> {
    // ignoreUndefined: an undefined property is absent, as in JSON, instead of a stored null.
    const client = new MongoClient(uri, { ignoreUndefined: true });
    try {
      await client.connect();
      const db = client.db(dbName);
      await db.command({ ping: 1 });
      return new MongoReadStore(client, db);
    } catch (error) {
      await client.close().catch(() => undefined);
      throw storeError(error);
    }
  }

  /** MongoDB builds indexes in the background of its own accord: nothing is deferred here. */
  async ensureCollections(specs: readonly CollectionSpec[]): Promise<void> {
    await this.guard(async () => {
      for (const spec of specs) {
        const collection = this.collection(spec.name);
        for (const index of spec.indexes) {
          await collection.createIndex(Object.fromEntries(index.fields.map((field) => [checkedField(field), 1])));
        }
      }
    });
  }

  async buildDeferredIndexes(): Promise<void> {}

  async dropCollections(names: readonly string[]): Promise<void> {
    await this.guard(async () => {
      for (const name of names) {
        const collection = this.collection(name);
        try {
          await collection.drop();
        } catch (error) {
          if (!(error instanceof MongoServerError)) throw error;
          if (error.codeName === 'NamespaceNotFound') continue;
          // Wire-compatible test servers may lack `drop`; emptying the collection is equivalent
          // for a rebuild, and ensureCollections is idempotent over the indexes left behind.
          if (error.codeName !== 'CommandNotFound') throw error;
          await collection.deleteMany({});
        }
      }
    });
  }

  async get(collection: string, id: string): Promise<Doc | null> {
    return this.guard(async () => fromStored(await this.collection(collection).findOne({ _id: literal(id) })));
  }

  async query(collection: string, options: QueryOptions): Promise<QueryResult> {
    const filter = toMongoFilter(options.filter ?? []);
    const sort = toMongoSort(options.sort ?? []);
    const offset = pagingNumber(options.offset, 'offset') ?? 0;
    const limit = pagingNumber(options.limit, 'limit');
    return this.guard(async () => {
      const target = this.collection(collection);
      const total = target.countDocuments(filter);
      // MongoDB reads limit 0 as "no limit".
      const page =
        limit === 0 ? Promise.resolve([]) : target.find(filter, { sort, skip: offset, limit: limit ?? 0 }).toArray();
      const [count, rows] = await Promise.all([total, page]);
      return { total: count, docs: rows.map(toDoc) };
    });
  }

  async list(collection: string, options: QueryOptions): Promise<readonly Doc[]> {
    const filter = toMongoFilter(options.filter ?? []);
    const sort = toMongoSort(options.sort ?? []);
    const offset = pagingNumber(options.offset, 'offset') ?? 0;
    const limit = pagingNumber(options.limit, 'limit');
    if (limit === 0) return [];
    return this.guard(async () => (await this.collection(collection).find(filter, { sort, skip: offset, limit: limit ?? 0 }).toArray()).map(toDoc));
  }

  /**
   * Runs `work` in a MongoDB transaction. Transactions of one store run one at a time, as in the
   * SQLite adapter, so a read-modify-write never loses an update to a sibling in this process
   * whatever conflict detection the server has. A write conflict with another process aborts the
   * attempt and `work` runs again from the start on fresh reads, so it must only act through `tx`.
   */
  async transact<T>(work: (tx: ReadStoreTx) => Promise<T>): Promise<T> {
    return this.writeLock.run(() => this.runTransaction(work));
  }

  private async runTransaction<T>(work: (tx: ReadStoreTx) => Promise<T>): Promise<T> {
    const session = this.client.startSession();
    try {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await session.withTransaction(() => work(this.transaction(session)), TRANSACTION);
        } catch (error) {
          // withTransaction retries conflicts labelled transient; a conflict reported at commit
          // without the label (some servers) has committed nothing either, so retry it here.
          if (!isWriteConflict(error) || attempt >= MAX_CONFLICT_RETRIES) throw error;
          await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 10 * attempt)));
        }
      }
    } catch (error) {
      throw storeError(error);
    } finally {
      await session.endSession().catch(() => undefined);
    }
  }

  /** Driver errors stay untranslated in here so withTransaction can still see transient labels. */
  private transaction(session: ClientSession): ReadStoreTx {
    return {
      get: async (collection, id) =>
        fromStored(await this.collection(collection).findOne({ _id: literal(id) }, { session })),
      find: async (collection, filter) =>
        (await this.collection(collection).find(toMongoFilter(filter), { session, sort: { _id: 1 } }).toArray()).map(toDoc),
      put: async (collection, doc) => {
        const stored = toStored(doc);
        await this.collection(collection).replaceOne({ _id: stored._id }, stored, { upsert: true, session });
      },
      delete: async (collection, id) => {
        await this.collection(collection).deleteOne({ _id: literal(id) }, { session });
      },
      setCheckpoint: async (checkpoint) => {
        const stored: StoredCheckpoint = {
          _id: literal(checkpoint.projection),
          position: checkpoint.position,
          eventCreatedAt: checkpoint.eventCreatedAt,
          updatedAt: checkpoint.updatedAt,
        };
        await this.checkpoints().replaceOne({ _id: stored._id }, stored, { upsert: true, session });
      },
    };
  }

  async getCheckpoint(projection: string): Promise<Checkpoint | null> {
    return this.guard(async () => {
      const stored = await this.checkpoints().findOne({ _id: literal(projection) });
      return stored === null ? null : toCheckpoint(stored);
    });
  }

  async listCheckpoints(): Promise<readonly Checkpoint[]> {
    return this.guard(async () => (await this.checkpoints().find({}, { sort: { _id: 1 } }).toArray()).map(toCheckpoint));
  }

  async deleteCheckpoint(projection: string): Promise<void> {
    await this.guard(() => this.checkpoints().deleteOne({ _id: literal(projection) }));
  }

  async close(): Promise<void> {
    // Lets a running transaction finish first, as the SQLite adapter does.
    await this.writeLock.run(() => this.client.close());
  }

  private collection(name: string): Collection<StoredDoc> {
    if (!NAME.test(name)) throw new Error(`invalid collection name ${name}`);
    return this.db.collection<StoredDoc>(name);
  }

  private checkpoints(): Collection<StoredCheckpoint> {
    return this.db.collection<StoredCheckpoint>(CHECKPOINTS);
  }

  private async guard<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw storeError(error);
    }
  }
}

/** Connection-level driver failures become StoreUnavailable; everything else passes through. */
function storeError(error: unknown): unknown {
  if (error instanceof StoreUnavailable) return error;
  const unreachable =
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoServerClosedError;
  if (!unreachable) return error;
  return new StoreUnavailable(`read store unavailable: ${(error as MongoError).message}`, { cause: error });
}

function isWriteConflict(error: unknown): boolean {
  return error instanceof MongoServerError && (error.code === WRITE_CONFLICT || error.codeName === 'WriteConflict');
}

function toStored(doc: Doc): StoredDoc {
  if (Object.prototype.hasOwnProperty.call(doc, '_id')) throw new Error('a read-model document cannot have an _id field');
  return { ...doc, _id: literal(doc.id) };
}

function fromStored(stored: StoredDoc | null): Doc | null {
  return stored === null ? null : toDoc(stored);
}

/** Strips the storage key: callers only ever see the port's document. */
function toDoc(stored: Document): Doc {
  const doc: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stored)) {
    if (key !== '_id') doc[key] = value;
  }
  if (typeof doc.id !== 'string') throw new Error(`stored document ${String(stored._id)} has no string id`);
  return doc as Doc;
}

function toCheckpoint(stored: Document): Checkpoint {
  const { _id: projection, position, eventCreatedAt, updatedAt } = stored;
  if (
    typeof projection !== 'string' ||
    typeof position !== 'number' ||
    !(eventCreatedAt === null || eventCreatedAt instanceof Date) ||
    !(updatedAt instanceof Date)
  ) {
    throw new Error(`malformed checkpoint ${String(projection)}`);
  }
  return { projection, position, eventCreatedAt, updatedAt };
}

function pagingNumber(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer`);
  return value;
}

function checkedField(field: string): string {
  if (!FIELD.test(field)) throw new Error(`invalid field path ${field}`);
  return field;
}

function literal(value: unknown): string {
  if (typeof value !== 'string') throw new TypeError('ids and projection names must be strings');
  return value;
}

/** A filter value checked at run time: only a scalar can reach the driver, never an object. */
function scalar(value: unknown, field: string): Scalar {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new TypeError(`filter value for ${field} must be a string, finite number or boolean`);
}

function toMongoFilter(filter: Filter): MongoFilter<StoredDoc> {
  return conjunction(filter);
}

function conjunction(conditions: readonly Condition[]): Document {
  if (conditions.length === 0) return {};
  return { $and: conditions.map(toMongoCondition) };
}

function toMongoCondition(condition: Condition): Document {
  switch (condition.op) {
    case 'eq':
      return onValue(condition.field, { $eq: scalar(condition.value, condition.field) });
    case 'in':
      if (condition.values.length === 0) return NOTHING;
      return onValue(condition.field, { $in: condition.values.map((value) => scalar(value, condition.field)) });
    case 'has': {
      const field = checkedField(condition.field);
      // The element itself must equal the value; without the $type guard an element that is an
      // array holding the value would match too.
      const element = { $eq: scalar(condition.value, field), $not: { $type: 'array' } };
      return { $and: [...prefixesAreNotArrays(field), { [field]: { $elemMatch: element } }] };
    }
    case 'text': {
      if (typeof condition.value !== 'string') throw new TypeError(`text filter value for ${condition.field} must be a string`);
      const text = escapeRegex(condition.value);
      // \z, not $: $ also matches before a final newline.
      const pattern = condition.match === 'prefix' ? `^${text}` : condition.match === 'suffix' ? `${text}\\z` : text;
      return onValue(condition.field, { $regex: pattern });
    }
    case 'or':
      if (condition.anyOf.length === 0) return NOTHING;
      return { $or: condition.anyOf.map(conjunction) };
  }
}

/**
 * A predicate on the value at a dotted path, with the port's semantics: MongoDB would also match
 * an array holding a matching element, and follow a path through arrays of sub-documents.
 */
function onValue(path: string, predicate: Document): Document {
  const field = checkedField(path);
  return { $and: [...prefixesAreNotArrays(field), { [field]: { ...predicate, $not: { $type: 'array' } } }] };
}

function prefixesAreNotArrays(field: string): Document[] {
  const parts = field.split('.');
  return parts.slice(0, -1).map((_, index) => ({ [parts.slice(0, index + 1).join('.')]: { $not: { $type: 'array' } } }));
}

/** Backslash before ASCII punctuation is a literal in both PCRE and Java regexes. */
function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

function toMongoSort(sort: readonly SortKey[]): Sort {
  const keys: [string, 1 | -1][] = [];
  const seen = new Set<string>();
  for (const key of sort) {
    const field = checkedField(key.field);
    if (seen.has(field)) continue;
    seen.add(field);
    keys.push([field, key.direction === 'asc' ? 1 : -1]);
  }
  if (!seen.has('_id')) keys.push(['_id', 1]);
  return keys;
}

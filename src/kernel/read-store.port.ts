/**
 * Read models: collections of JSON documents keyed by `id`, with the few query shapes the APIs
 * need, and one checkpoint per projection written in the same transaction as its documents.
 * Filters are data built by query code from validated fields; user input is only ever a value.
 */

/** A read-model document: plain JSON with a string id. */
export interface Doc {
  readonly id: string;
  readonly [field: string]: unknown;
}

export type Scalar = string | number | boolean;

/** One condition on a (dotted) field; conditions in a filter are AND-ed. */
export type Condition =
  | { readonly op: 'eq'; readonly field: string; readonly value: Scalar }
  | { readonly op: 'in'; readonly field: string; readonly values: readonly Scalar[] }
  /** The array field holds this element. */
  | { readonly op: 'has'; readonly field: string; readonly value: Scalar }
  /** Literal, case-sensitive text match (case folding is done by storing a folded copy). */
  | { readonly op: 'text'; readonly field: string; readonly match: 'prefix' | 'suffix' | 'substring'; readonly value: string }
  /** At least one of the alternatives (each an AND of conditions) holds. */
  | { readonly op: 'or'; readonly anyOf: readonly (readonly Condition[])[] };

export type Filter = readonly Condition[];

export interface SortKey {
  readonly field: string;
  readonly direction: 'asc' | 'desc';
}

export interface QueryOptions {
  readonly filter?: Filter;
  readonly sort?: readonly SortKey[];
  readonly offset?: number;
  readonly limit?: number;
}

export interface QueryResult {
  readonly docs: readonly Doc[];
  /** All matches, ignoring offset and limit. */
  readonly total: number;
}

export interface IndexSpec {
  /** Dotted field paths, in index order. */
  readonly fields: readonly string[];
}

export interface CollectionSpec {
  readonly name: string;
  readonly indexes: readonly IndexSpec[];
}

/** Where a projection has got to. */
export interface Checkpoint {
  /** Projection key: `<name><version>` (`project_grants1`). */
  readonly projection: string;
  /** Global position of the last event processed (handled or not). */
  readonly position: number;
  /** createdAt of the last event processed; null before the first one. */
  readonly eventCreatedAt: Date | null;
  /** When the checkpoint was last written. */
  readonly updatedAt: Date;
}

/** Reads and writes inside one read-store transaction; reads see the transaction's own writes. */
export interface ReadStoreTx {
  get(collection: string, id: string): Promise<Doc | null>;
  find(collection: string, filter: Filter): Promise<readonly Doc[]>;
  /** Inserts or replaces the whole document. */
  put(collection: string, doc: Doc): Promise<void>;
  delete(collection: string, id: string): Promise<void>;
  setCheckpoint(checkpoint: Checkpoint): Promise<void>;
}

export interface ReadStore {
  /**
   * Creates collections and their indexes if missing. With `deferIndexes`, a collection that does
   * not exist yet is created without its indexes; they are built by `buildDeferredIndexes`, or
   * before the first query or find that touches the collection. A rebuild from position 0 loads
   * millions of documents, and indexing them once at the end costs far less than on every insert.
   */
  ensureCollections(specs: readonly CollectionSpec[], options?: { readonly deferIndexes?: boolean }): Promise<void>;
  /** Builds the indexes `ensureCollections` deferred for these collections; nothing if none. */
  buildDeferredIndexes(names: readonly string[]): Promise<void>;
  /** Drops collections (a projection rebuild starts from nothing). */
  dropCollections(names: readonly string[]): Promise<void>;
  get(collection: string, id: string): Promise<Doc | null>;
  query(collection: string, options: QueryOptions): Promise<QueryResult>;
  /**
   * The documents `query` would answer, without counting every match: for look-ups that need no
   * total. On SQLite a query's count and page are two statements in a read transaction, 25–40 µs
   * against ~5 µs for one statement; the Golem dialect makes two such look-ups per request.
   */
  list(collection: string, options: QueryOptions): Promise<readonly Doc[]>;
  /** Runs `work` in one transaction; everything it wrote is committed together or not at all. */
  transact<T>(work: (tx: ReadStoreTx) => Promise<T>): Promise<T>;
  getCheckpoint(projection: string): Promise<Checkpoint | null>;
  listCheckpoints(): Promise<readonly Checkpoint[]>;
  deleteCheckpoint(projection: string): Promise<void>;
  close(): Promise<void>;
}

export const READ_STORE = Symbol('ReadStore');

/** Reads a dotted path out of a document. */
export function fieldValue(doc: Doc, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Evaluates a filter in memory: the reference semantics every adapter must match. */
export function matches(doc: Doc, filter: Filter): boolean {
  return filter.every((condition) => holds(doc, condition));
}

function holds(doc: Doc, condition: Condition): boolean {
  switch (condition.op) {
    case 'eq':
      return fieldValue(doc, condition.field) === condition.value;
    case 'in': {
      const value = fieldValue(doc, condition.field);
      return condition.values.some((candidate) => candidate === value);
    }
    case 'has': {
      const value = fieldValue(doc, condition.field);
      return Array.isArray(value) && value.includes(condition.value);
    }
    case 'text': {
      const value = fieldValue(doc, condition.field);
      if (typeof value !== 'string') return false;
      if (condition.match === 'prefix') return value.startsWith(condition.value);
      if (condition.match === 'suffix') return value.endsWith(condition.value);
      return value.includes(condition.value);
    }
    case 'or':
      return condition.anyOf.some((alternative) => matches(doc, alternative));
  }
}

/** Compares two documents by sort keys (missing values sort first), then by id. */
export function compareDocs(a: Doc, b: Doc, sort: readonly SortKey[]): number {
  for (const key of sort) {
    const left = fieldValue(a, key.field);
    const right = fieldValue(b, key.field);
    const order = compareValues(left, right);
    if (order !== 0) return key.direction === 'asc' ? order : -order;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function compareValues(left: unknown, right: unknown): number {
  if (left === right) return 0;
  if (left === undefined || left === null) return -1;
  if (right === undefined || right === null) return 1;
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  return String(left) < String(right) ? -1 : 1;
}

import type { Doc, Filter, ReadStoreTx } from '../kernel/read-store.port';
import type { ProjectionView } from './projection';

/** Largest number of documents a projection keeps in memory between batches while it catches up. */
export const CATCH_UP_CACHE_LIMIT = 50_000;
/**
 * The same once it is live. A live batch touches a few documents, and the look-ups many events
 * share (a project, an org, a user) stay in the young generation; after a catch-up over the 1M
 * user-grant data set, keeping 50,000 documents per projection held up to 300,000 parsed documents
 * for the six projections for as long as the process ran, for documents nobody was touching.
 */
export const LIVE_CACHE_LIMIT = 5_000;

/**
 * The documents a projection wrote or read lately, valid while this process holds the
 * projection's lease: nobody else writes its collections, so what it committed is what is stored.
 * Rebuilds touch the same look-up documents (a project, a grant, a user) for thousands of events;
 * reading them back from the store and parsing their JSON every time was most of a rebuild's cost.
 */
export class ProjectionDocCache {
  /**
   * Two generations approximate "least recently used" without per-hit bookkeeping: documents
   * go into `young`; when it is full it becomes `old` (the previous `old` is dropped), and a hit
   * in `old` moves the document back to `young`. (Reordering one big Map on every hit, or clearing
   * it whole, cost more than the reads it saved in a 1M-user-grant rebuild.)
   */
  private young = new Map<string, Doc | null>();
  private old = new Map<string, Doc | null>();

  constructor(private limit = CATCH_UP_CACHE_LIMIT) {}

  /**
   * Sets how many documents are kept from now on. A cache over the new limit starts again empty:
   * this happens when a projection that caught up goes live, and its first live events read their
   * few documents back from the store rather than the process keeping a catch-up's worth for good.
   */
  resize(limit: number): void {
    if (this.size > limit) this.clear();
    this.limit = limit;
  }

  /** Documents held, both generations. */
  get size(): number {
    return this.young.size + this.old.size;
  }

  lookup(key: string): Doc | null | undefined {
    const young = this.young.get(key);
    if (young !== undefined) return young;
    const old = this.old.get(key);
    if (old !== undefined) this.remember(key, old);
    return old;
  }

  /**
   * After a committed write: a document the cache holds takes its new version; one it does not
   * hold stays out. A rebuild writes every user grant once and reads almost none of them back;
   * keeping each for the next 25,000 writes carried a million ~1 KB documents through the young
   * generation into the old one, and GC was a fifth of the rebuild's time. Documents enter the
   * cache when they are read (look-ups are read by every event that needs them).
   */
  refresh(key: string, doc: Doc | null): void {
    if (this.young.has(key)) this.young.set(key, doc);
    else if (this.old.has(key)) {
      this.old.delete(key);
      this.remember(key, doc);
    }
  }

  remember(key: string, doc: Doc | null): void {
    if (this.young.size >= this.limit / 2 && !this.young.has(key)) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, doc);
  }

  /** After a lease change or a failure: the store is the truth again. */
  clear(): void {
    this.young = new Map();
    this.old = new Map();
  }
}

interface PendingWrite {
  readonly collection: string;
  readonly id: string;
  /** null: deleted. */
  readonly doc: Doc | null;
}

/**
 * A projection's view of one batch's transaction. Writes are held until the end of the batch (or
 * the next `find`, which must see them), so a document changed by many events of one batch is
 * written once; gets are answered from the batch's writes, then the cache, then the store.
 * `commit` writes what is pending; `committed` refreshes the cached copies once the transaction is
 * durable, so a rolled-back batch leaves the cache as it was.
 */
export class BatchView implements ProjectionView {
  private readonly pending = new Map<string, PendingWrite>();
  /** Changes already handed to the transaction, kept for the cache until it commits. */
  private readonly written = new Map<string, PendingWrite>();

  constructor(
    private readonly tx: ReadStoreTx,
    private readonly physical: (logical: string) => string,
    private readonly cache: ProjectionDocCache,
  ) {}

  async get(collection: string, id: string): Promise<Doc | null> {
    const key = cacheKey(collection, id);
    const written = this.pending.get(key) ?? this.written.get(key);
    if (written !== undefined) return written.doc;
    const cached = this.cache.lookup(key);
    if (cached !== undefined) return cached;
    const stored = await this.tx.get(this.physical(collection), id);
    // Not written by this batch, so this is the committed document: safe to cache now.
    this.cache.remember(key, stored);
    return stored;
  }

  async find(collection: string, filter: Filter): Promise<readonly Doc[]> {
    await this.flush(collection);
    return this.tx.find(this.physical(collection), filter);
  }

  async put(collection: string, doc: Doc): Promise<void> {
    this.pending.set(cacheKey(collection, doc.id), { collection, id: doc.id, doc });
  }

  async delete(collection: string, id: string): Promise<void> {
    this.pending.set(cacheKey(collection, id), { collection, id, doc: null });
  }

  /** Writes every pending change into the transaction (before it commits). */
  async commit(): Promise<void> {
    await this.flush(null);
  }

  /** The transaction committed: the batch's documents are now the stored ones. */
  committed(): void {
    for (const [key, write] of this.written) this.cache.refresh(key, write.doc);
    this.written.clear();
  }

  private async flush(collection: string | null): Promise<void> {
    for (const [key, write] of this.pending) {
      if (collection !== null && write.collection !== collection) continue;
      const physical = this.physical(write.collection);
      if (write.doc === null) await this.tx.delete(physical, write.id);
      else await this.tx.put(physical, write.doc);
      this.pending.delete(key);
      this.written.set(key, write);
    }
  }
}

function cacheKey(collection: string, id: string): string {
  return `${collection}\u0000${id}`;
}

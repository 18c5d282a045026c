import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteReadStore } from '../../src/adapters/sqlite/sqlite-read-store';
import { describeReadStoreContract } from '../contract/read-store.contract';
import { indexNames } from '../support/sqlite-indexes';

describeReadStoreContract('SqliteReadStore', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'grantline-read-store-'));
  const store = new SqliteReadStore(join(dir, 'read.db'));
  return {
    store,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('SqliteReadStore: deferred indexes', () => {
  let dir: string;
  let file: string;
  let store: SqliteReadStore;
  const GRANTS = { name: 'grants', indexes: [{ fields: ['userId'] }, { fields: ['projectId', 'rank'] }] };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'grantline-read-store-'));
    file = join(dir, 'read.db');
    store = new SqliteReadStore(file);
  });

  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The index names SQLite has on the collection's table, read through a separate connection. */
  function indexesOf(collection: string): string[] {
    return indexNames(file, `c_${collection}`);
  }

  it('given a new collection ensured with deferIndexes, then it has no index until buildDeferredIndexes, then all of them', async () => {
    await store.ensureCollections([GRANTS], { deferIndexes: true });
    await store.transact((tx) => tx.put('grants', { id: 'g1', userId: 'u1', projectId: 'p1', rank: 1 }));
    expect(indexesOf('grants')).toStrictEqual([]);

    await store.buildDeferredIndexes(['grants']);

    expect(indexesOf('grants')).toStrictEqual(['c_grants__projectId__rank', 'c_grants__userId']);
  });

  it('given deferred indexes built, then the memory map the build scanned through is dropped again', async () => {
    await store.ensureCollections([GRANTS], { deferIndexes: true });
    await store.transact((tx) => tx.put('grants', { id: 'g1', userId: 'u1', projectId: 'p1', rank: 1 }));
    // The writer connection is the adapter's own; a map left in place would keep up to the whole
    // file's pages counted in the process's memory.
    const writer = (store as unknown as { writer: Database.Database }).writer;

    await store.buildDeferredIndexes(['grants']);

    expect(indexesOf('grants')).toStrictEqual(['c_grants__projectId__rank', 'c_grants__userId']);
    expect(writer.pragma('mmap_size', { simple: true })).toBe(0);
  });

  it('given deferred indexes, when a query touches the collection, then its indexes are built first', async () => {
    await store.ensureCollections([GRANTS], { deferIndexes: true });

    await store.query('grants', { filter: [{ op: 'eq', field: 'userId', value: 'u1' }] });

    expect(indexesOf('grants')).toHaveLength(2);
  });

  it('given deferred indexes, when a find inside a transaction that rolls back built them, then they are still deferred and built by the next find that commits', async () => {
    await store.ensureCollections([GRANTS], { deferIndexes: true });

    await expect(
      store.transact(async (tx) => {
        await tx.find('grants', [{ op: 'eq', field: 'userId', value: 'u1' }]);
        throw new Error('the batch fails');
      }),
    ).rejects.toThrow('the batch fails');
    expect(indexesOf('grants')).toStrictEqual([]);

    await store.transact((tx) => tx.find('grants', [{ op: 'eq', field: 'userId', value: 'u1' }]));
    expect(indexesOf('grants')).toHaveLength(2);
  });

  it('given a collection that already exists, when it is ensured with deferIndexes, then its indexes are created at once', async () => {
    await store.ensureCollections([{ name: 'grants', indexes: [] }]);

    await store.ensureCollections([GRANTS], { deferIndexes: true });

    expect(indexesOf('grants')).toHaveLength(2);
  });
});

describe('SqliteReadStore: storage of documents about 1 KiB in size', () => {
  it('given 2,000 documents of ~1.1 KiB, then the file holds them in under 2 KiB each (not a page and an overflow page each)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'grantline-read-store-'));
    const file = join(dir, 'read.db');
    const store = new SqliteReadStore(file);
    try {
      await store.ensureCollections([{ name: 'grants', indexes: [] }]);
      const padding = 'x'.repeat(1_100);
      await store.transact(async (tx) => {
        for (let i = 0; i < 2_000; i += 1) await tx.put('grants', { id: `grant-${String(i).padStart(5, '0')}`, padding });
      });
      const db = new Database(file, { readonly: true });
      try {
        const pages = db.pragma('page_count', { simple: true }) as number;
        const pageSize = db.pragma('page_size', { simple: true }) as number;
        // A WITHOUT ROWID table spills each such row into an overflow page: ~8 MiB here.
        expect(pages * pageSize).toBeLessThan(2_000 * 2_048);
        expect(pages * pageSize).toBeGreaterThan(2_000 * 1_100);
      } finally {
        db.close();
      }
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

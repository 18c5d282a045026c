import type { Doc, Filter, ReadStoreTx } from '../../src/kernel/read-store.port';
import { matches } from '../../src/kernel/read-store.port';
import { BatchView, ProjectionDocCache } from '../../src/projections/batch-view';

/** A transaction over an in-memory table that records the calls it gets. */
class RecordingTx implements ReadStoreTx {
  readonly calls: string[] = [];
  constructor(readonly tables: Map<string, Map<string, Doc>>) {}

  private table(name: string): Map<string, Doc> {
    let table = this.tables.get(name);
    if (table === undefined) this.tables.set(name, (table = new Map()));
    return table;
  }

  async get(collection: string, id: string): Promise<Doc | null> {
    this.calls.push(`get ${collection} ${id}`);
    return this.table(collection).get(id) ?? null;
  }
  async find(collection: string, filter: Filter): Promise<readonly Doc[]> {
    this.calls.push(`find ${collection}`);
    return [...this.table(collection).values()].filter((doc) => matches(doc, filter));
  }
  async put(collection: string, doc: Doc): Promise<void> {
    this.calls.push(`put ${collection} ${doc.id}`);
    this.table(collection).set(doc.id, doc);
  }
  async delete(collection: string, id: string): Promise<void> {
    this.calls.push(`delete ${collection} ${id}`);
    this.table(collection).delete(id);
  }
  async setCheckpoint(): Promise<void> {}
}

const physical = (logical: string) => `p1_${logical}`;

describe('BatchView', () => {
  it('given a document changed by three events of one batch, when the batch commits, then it is written once, with its last version', async () => {
    const tx = new RecordingTx(new Map());
    const view = new BatchView(tx, physical, new ProjectionDocCache());

    await view.put('grants', { id: 'g1', roles: ['a'] });
    await view.put('grants', { id: 'g1', roles: ['a', 'b'] });
    await view.put('grants', { id: 'g1', roles: ['b'] });
    await view.commit();

    expect(tx.calls).toStrictEqual(['put p1_grants g1']);
    expect(tx.tables.get('p1_grants')?.get('g1')).toStrictEqual({ id: 'g1', roles: ['b'] });
  });

  it('given a put and a delete in the batch, when the projection gets them back, then it sees its own writes without reading the store', async () => {
    const tx = new RecordingTx(new Map([['p1_grants', new Map([['g2', { id: 'g2' }]])]]));
    const view = new BatchView(tx, physical, new ProjectionDocCache());

    await view.put('grants', { id: 'g1', n: 1 });
    await view.delete('grants', 'g2');

    expect(await view.get('grants', 'g1')).toStrictEqual({ id: 'g1', n: 1 });
    expect(await view.get('grants', 'g2')).toBeNull();
    expect(tx.calls).toStrictEqual([]);
  });

  it('given pending writes, when the projection finds by filter, then the find sees them (they are written first)', async () => {
    const tx = new RecordingTx(new Map());
    const view = new BatchView(tx, physical, new ProjectionDocCache());
    await view.put('grants', { id: 'g1', userId: 'u1' });
    await view.put('lookups', { id: 'l1' });

    const found = await view.find('grants', [{ op: 'eq', field: 'userId', value: 'u1' }]);

    expect(found.map((doc) => doc.id)).toStrictEqual(['g1']);
    // Only the collection searched is written early; the rest waits for the end of the batch.
    expect(tx.calls).toStrictEqual(['put p1_grants g1', 'find p1_grants']);
    await view.put('grants', { id: 'g1', userId: 'u2' });
    expect(await view.get('grants', 'g1')).toStrictEqual({ id: 'g1', userId: 'u2' });
  });

  it('given a document read and changed by a committed batch, when the next batch reads it, then the new version comes from the cache, not the store', async () => {
    const tables = new Map([['p1_projects', new Map([['p', { id: 'p', name: 'Portal' }]])]]);
    const cache = new ProjectionDocCache();
    const firstTx = new RecordingTx(tables);
    const first = new BatchView(firstTx, physical, cache);
    await first.get('projects', 'p');
    await first.put('projects', { id: 'p', name: 'Portal 2' });
    await first.commit();
    first.committed();

    const tx = new RecordingTx(tables);
    const second = new BatchView(tx, physical, cache);

    expect(await second.get('projects', 'p')).toStrictEqual({ id: 'p', name: 'Portal 2' });
    expect(tx.calls).toStrictEqual([]);
  });

  it('given a document only written by a committed batch (never read), then the cache does not keep it: the next batch reads it from the store, once', async () => {
    const tables = new Map<string, Map<string, Doc>>();
    const cache = new ProjectionDocCache();
    const first = new BatchView(new RecordingTx(tables), physical, cache);
    await first.put('user_grants', { id: 'ug', roleKeys: ['a'] });
    await first.commit();
    first.committed();
    expect(cache.size).toBe(0);

    const tx = new RecordingTx(tables);
    for (let batch = 0; batch < 2; batch += 1) {
      const view = new BatchView(tx, physical, cache);
      expect(await view.get('user_grants', 'ug')).toStrictEqual({ id: 'ug', roleKeys: ['a'] });
    }
    expect(tx.calls).toStrictEqual(['get p1_user_grants ug']);
  });

  it('given a document the cache holds as missing, when a committed batch creates it, then the next batch gets the created one from the cache', async () => {
    const tables = new Map<string, Map<string, Doc>>();
    const cache = new ProjectionDocCache();
    const first = new BatchView(new RecordingTx(tables), physical, cache);
    expect(await first.get('users', 'u')).toBeNull();
    await first.put('users', { id: 'u', name: 'gigi' });
    await first.commit();
    first.committed();

    const tx = new RecordingTx(tables);
    const second = new BatchView(tx, physical, cache);
    expect(await second.get('users', 'u')).toStrictEqual({ id: 'u', name: 'gigi' });
    expect(tx.calls).toStrictEqual([]);
  });

  it('given a batch whose transaction did not commit, when the next batch reads, then it gets the stored document, not the rolled-back one', async () => {
    const tables = new Map([['p1_projects', new Map([['p', { id: 'p', name: 'Stored' }]])]]);
    const cache = new ProjectionDocCache();
    const failed = new BatchView(new RecordingTx(new Map()), physical, cache);
    await failed.put('projects', { id: 'p', name: 'Rolled back' });
    await failed.commit();
    // no committed(): the transaction failed

    const retry = new BatchView(new RecordingTx(tables), physical, cache);
    expect(await retry.get('projects', 'p')).toStrictEqual({ id: 'p', name: 'Stored' });
  });

  it('given documents read from the store (found or not), when they are read again in a later batch, then the store is asked once', async () => {
    const tables = new Map([['p1_users', new Map([['u', { id: 'u' }]])]]);
    const cache = new ProjectionDocCache();
    const tx = new RecordingTx(tables);

    for (let batch = 0; batch < 3; batch += 1) {
      const view = new BatchView(tx, physical, cache);
      expect(await view.get('users', 'u')).toStrictEqual({ id: 'u' });
      expect(await view.get('users', 'missing')).toBeNull();
      await view.commit();
      view.committed();
    }

    expect(tx.calls).toStrictEqual(['get p1_users u', 'get p1_users missing']);
  });

  it('given a cache at its limit, when a new document is remembered, then the least recently used one goes', () => {
    const cache = new ProjectionDocCache(2);
    cache.remember('lookup', { id: 'lookup' });
    cache.remember('written-1', { id: 'written-1' });
    expect(cache.lookup('lookup')).toStrictEqual({ id: 'lookup' }); // used again: now the youngest

    cache.remember('written-2', { id: 'written-2' });

    expect(cache.lookup('written-1')).toBeUndefined();
    expect(cache.lookup('lookup')).toStrictEqual({ id: 'lookup' });
    expect(cache.lookup('written-2')).toStrictEqual({ id: 'written-2' });
  });

  it('given a full cache shrunk below its size, then it starts again empty and stays within the new limit', () => {
    const cache = new ProjectionDocCache(100);
    for (let i = 0; i < 100; i += 1) cache.remember(`catch-up-${i}`, { id: `catch-up-${i}` });
    expect(cache.size).toBe(100);

    cache.resize(10);
    expect(cache.size).toBe(0);
    expect(cache.lookup('catch-up-99')).toBeUndefined();

    for (let i = 0; i < 25; i += 1) cache.remember(`live-${i}`, { id: `live-${i}` });
    expect(cache.size).toBeLessThanOrEqual(10);
    expect(cache.lookup('live-24')).toStrictEqual({ id: 'live-24' });
  });

  it('given a cache shrunk to a limit it is within, then it keeps what it holds', () => {
    const cache = new ProjectionDocCache(100);
    cache.remember('project', { id: 'project' });

    cache.resize(10);

    expect(cache.lookup('project')).toStrictEqual({ id: 'project' });
  });

  it('given a cache grown back to a larger limit, then it keeps more than the smaller limit again', () => {
    const cache = new ProjectionDocCache(10);
    cache.resize(100);
    for (let i = 0; i < 100; i += 1) cache.remember(`doc-${i}`, { id: `doc-${i}` });

    expect(cache.size).toBe(100);
    expect(cache.lookup('doc-0')).toStrictEqual({ id: 'doc-0' });
  });
});

import type {
  Checkpoint,
  CollectionSpec,
  Condition,
  Doc,
  Filter,
  QueryOptions,
  ReadStore,
  SortKey,
} from '../../src/kernel/read-store.port';
import { compareDocs, matches } from '../../src/kernel/read-store.port';

/** A fresh, empty store and the way to dispose of it. */
export interface ReadStoreFixture {
  readonly store: ReadStore;
  readonly cleanup: () => Promise<void>;
}

const ITEMS: CollectionSpec = {
  name: 'items',
  indexes: [{ fields: ['name'] }, { fields: ['owner.org', 'rank'] }],
};
const OTHER: CollectionSpec = { name: 'other', indexes: [] };

/** The one read-store contract: every adapter runs it against a fresh store per test. */
export function describeReadStoreContract(adapterName: string, create: () => Promise<ReadStoreFixture>): void {
  describe(`ReadStore contract: ${adapterName}`, () => {
    let store: ReadStore;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await create());
      await store.ensureCollections([ITEMS, OTHER]);
    });

    afterEach(async () => {
      await cleanup();
    });

    async function given(collection: string, docs: readonly Doc[]): Promise<void> {
      await store.transact(async (tx) => {
        for (const doc of docs) await tx.put(collection, doc);
      });
    }

    /** The ids a query answers; `list` must answer the same documents, in the same order. */
    async function ids(options: QueryOptions, collection = 'items'): Promise<string[]> {
      const { docs } = await store.query(collection, options);
      expect(await store.list(collection, options)).toStrictEqual(docs);
      return docs.map((doc) => doc.id);
    }

    async function idsWhere(...filter: Condition[]): Promise<string[]> {
      return ids({ filter, sort: [] });
    }

    function checkpoint(projection: string, position: number, eventCreatedAt: Date | null): Checkpoint {
      return { projection, position, eventCreatedAt, updatedAt: new Date(1_700_000_000_000 + position) };
    }

    describe('collections', () => {
      it('ensureCollections is idempotent and keeps existing documents', async () => {
        await given('items', [{ id: 'a', name: 'alpha' }]);

        await store.ensureCollections([ITEMS, OTHER]);
        await store.ensureCollections([ITEMS]);

        expect(await store.get('items', 'a')).toStrictEqual({ id: 'a', name: 'alpha' });
      });

      it('a collection created with deferred indexes answers queries and finds the same before and after its indexes are built', async () => {
        const deferred: CollectionSpec = { name: 'deferred', indexes: [{ fields: ['name'] }, { fields: ['owner.org', 'rank'] }] };
        await store.ensureCollections([deferred], { deferIndexes: true });
        await given('deferred', [
          { id: 'a', name: 'alpha', owner: { org: 'o1' }, rank: 2 },
          { id: 'b', name: 'beta', owner: { org: 'o1' }, rank: 1 },
          { id: 'c', name: 'alpha', owner: { org: 'o2' }, rank: 3 },
        ]);
        const byOwner: QueryOptions = { filter: [{ op: 'eq', field: 'owner.org', value: 'o1' }], sort: [{ field: 'rank', direction: 'asc' }] };
        const found = () => store.transact((tx) => tx.find('deferred', [{ op: 'eq', field: 'name', value: 'alpha' }]));

        expect(await ids(byOwner, 'deferred')).toStrictEqual(['b', 'a']);
        expect((await found()).map((doc) => doc.id).sort()).toStrictEqual(['a', 'c']);
        await store.buildDeferredIndexes(['deferred', 'items', 'never_created']);
        expect(await ids(byOwner, 'deferred')).toStrictEqual(['b', 'a']);
        expect((await found()).map((doc) => doc.id).sort()).toStrictEqual(['a', 'c']);
      });

      it('deferIndexes does not affect a collection that already exists', async () => {
        await given('items', [{ id: 'a', name: 'alpha' }]);
        await store.ensureCollections([ITEMS], { deferIndexes: true });

        expect(await idsWhere({ op: 'eq', field: 'name', value: 'alpha' })).toStrictEqual(['a']);
      });

      it('an ensured collection without documents is empty', async () => {
        expect(await store.query('other', {})).toStrictEqual({ docs: [], total: 0 });
        expect(await store.get('other', 'nothing')).toBeNull();
      });

      it('dropCollections removes the documents, leaves other collections and checkpoints alone', async () => {
        await given('items', [{ id: 'a' }, { id: 'b' }]);
        await given('other', [{ id: 'o' }]);
        await store.transact((tx) => tx.setCheckpoint(checkpoint('items1', 7, null)));

        await store.dropCollections(['items', 'never_created']);
        await store.ensureCollections([ITEMS]);

        expect(await store.get('items', 'a')).toBeNull();
        expect(await store.query('items', {})).toStrictEqual({ docs: [], total: 0 });
        expect(await store.get('other', 'o')).toStrictEqual({ id: 'o' });
        expect(await store.getCheckpoint('items1')).toStrictEqual(checkpoint('items1', 7, null));
      });

      it('rejects collection names and field paths that are not plain identifiers', async () => {
        await expect(store.get('items; DROP TABLE x', 'a')).rejects.toThrow();
        await expect(store.query('$cmd', {})).rejects.toThrow();
        await expect(idsWhere({ op: 'eq', field: '$where', value: 'x' })).rejects.toThrow();
        await expect(idsWhere({ op: 'eq', field: "name') OR 1=1 --", value: 'x' })).rejects.toThrow();
        await expect(ids({ sort: [{ field: 'rank; --', direction: 'asc' }] })).rejects.toThrow();
      });
    });

    describe('documents', () => {
      it('round-trips nested JSON exactly', async () => {
        const doc: Doc = {
          id: 'doc-ü-1',
          text: 'héllo wörld ✓ 漢字 😀 "quoted" \\back\\slash\nnew line\ttab',
          empty: '',
          int: 42,
          negative: -7,
          float: 3.25,
          zero: 0,
          big: 9_007_199_254_740_991,
          yes: true,
          no: false,
          nothing: null,
          list: ['a', 1, false, null, { deep: ['x'] }, []],
          nested: { a: { b: { c: 'd', n: 1.5 } }, emptyObject: {}, emptyList: [] },
          dollar: { $gt: '' },
        };
        await given('items', [doc]);

        const stored = await store.get('items', doc.id);

        expect(stored).toStrictEqual(doc);
        expect((await store.query('items', {})).docs).toStrictEqual([doc]);
      });

      it('get of an unknown id is null', async () => {
        expect(await store.get('items', 'missing')).toBeNull();
      });

      it('put replaces the whole document', async () => {
        await given('items', [{ id: 'a', name: 'first', rank: 1, tags: ['x'] }]);

        await given('items', [{ id: 'a', name: 'second' }]);

        expect(await store.get('items', 'a')).toStrictEqual({ id: 'a', name: 'second' });
        expect(await idsWhere({ op: 'eq', field: 'rank', value: 1 })).toEqual([]);
        expect(await idsWhere({ op: 'has', field: 'tags', value: 'x' })).toEqual([]);
      });

      it('delete removes one document; deleting an unknown id is a no-op', async () => {
        await given('items', [{ id: 'a' }, { id: 'b' }]);

        await store.transact(async (tx) => {
          await tx.delete('items', 'a');
          await tx.delete('items', 'unknown');
        });

        expect(await store.get('items', 'a')).toBeNull();
        expect(await store.query('items', {})).toStrictEqual({ docs: [{ id: 'b' }], total: 1 });
      });

      it('collections are separate namespaces', async () => {
        await given('items', [{ id: 'same', where: 'items' }]);
        await given('other', [{ id: 'same', where: 'other' }]);

        expect(await store.get('items', 'same')).toStrictEqual({ id: 'same', where: 'items' });
        expect(await store.get('other', 'same')).toStrictEqual({ id: 'same', where: 'other' });
      });
    });

    describe('transactions', () => {
      it('commits every write and the checkpoint together and returns the work result', async () => {
        const result = await store.transact(async (tx) => {
          await tx.put('items', { id: 'a' });
          await tx.put('other', { id: 'b' });
          await tx.setCheckpoint(checkpoint('items1', 2, null));
          return 'done';
        });

        expect(result).toBe('done');
        expect(await store.get('items', 'a')).toStrictEqual({ id: 'a' });
        expect(await store.get('other', 'b')).toStrictEqual({ id: 'b' });
        expect((await store.getCheckpoint('items1'))?.position).toBe(2);
      });

      it('a throw inside leaves nothing visible and the checkpoint unchanged', async () => {
        await given('items', [{ id: 'kept', v: 1 }, { id: 'doomed' }]);
        await store.transact((tx) => tx.setCheckpoint(checkpoint('items1', 1, null)));

        const failing = store.transact(async (tx) => {
          await tx.put('items', { id: 'new' });
          await tx.put('items', { id: 'kept', v: 2 });
          await tx.delete('items', 'doomed');
          await tx.setCheckpoint(checkpoint('items1', 2, new Date(5)));
          throw new Error('boom');
        });

        await expect(failing).rejects.toThrow('boom');
        expect(await store.get('items', 'new')).toBeNull();
        expect(await store.get('items', 'kept')).toStrictEqual({ id: 'kept', v: 1 });
        expect(await store.get('items', 'doomed')).toStrictEqual({ id: 'doomed' });
        expect(await store.getCheckpoint('items1')).toStrictEqual(checkpoint('items1', 1, null));
      });

      it('the store is usable after a failed transaction', async () => {
        await expect(store.transact(async () => Promise.reject(new Error('first')))).rejects.toThrow('first');

        await given('items', [{ id: 'after' }]);

        expect(await store.get('items', 'after')).toStrictEqual({ id: 'after' });
      });

      it('reads inside a transaction see its own writes and deletes', async () => {
        await given('items', [{ id: 'old', kind: 'k' }, { id: 'gone', kind: 'k' }]);

        const seen = await store.transact(async (tx) => {
          await tx.put('items', { id: 'new', kind: 'k', nested: { n: 1 } });
          await tx.put('items', { id: 'old', kind: 'changed' });
          await tx.delete('items', 'gone');
          return {
            newDoc: await tx.get('items', 'new'),
            goneDoc: await tx.get('items', 'gone'),
            kinds: (await tx.find('items', [{ op: 'eq', field: 'kind', value: 'k' }])).map((doc) => doc.id),
            all: (await tx.find('items', [])).map((doc) => doc.id).sort(),
          };
        });

        expect(seen).toStrictEqual({
          newDoc: { id: 'new', kind: 'k', nested: { n: 1 } },
          goneDoc: null,
          kinds: ['new'],
          all: ['new', 'old'],
        });
      });

      it('reads outside do not see the writes of an open transaction', async () => {
        await given('items', [{ id: 'existing', v: 1 }]);
        await store.transact((tx) => tx.setCheckpoint(checkpoint('items1', 1, null)));
        const written = deferred();
        const release = deferred();

        const open = store.transact(async (tx) => {
          await tx.put('items', { id: 'pending' });
          await tx.put('items', { id: 'existing', v: 2 });
          await tx.setCheckpoint(checkpoint('items1', 2, null));
          written.resolve();
          await release.promise;
        });
        await written.promise;
        const during = {
          pending: await store.get('items', 'pending'),
          existing: await store.get('items', 'existing'),
          query: await store.query('items', { filter: [{ op: 'eq', field: 'v', value: 2 }] }),
          total: (await store.query('items', {})).total,
          checkpoint: (await store.getCheckpoint('items1'))?.position,
        };
        release.resolve();
        await open;

        expect(during).toStrictEqual({
          pending: null,
          existing: { id: 'existing', v: 1 },
          query: { docs: [], total: 0 },
          total: 1,
          checkpoint: 1,
        });
        expect(await store.get('items', 'pending')).toStrictEqual({ id: 'pending' });
        expect((await store.getCheckpoint('items1'))?.position).toBe(2);
      });

      it('concurrent transactions each commit', async () => {
        await Promise.all(
          ['a', 'b', 'c', 'd', 'e'].map((id, index) =>
            store.transact(async (tx) => {
              await tx.put('items', { id });
              await tx.setCheckpoint(checkpoint(`p_${id}`, index, null));
            }),
          ),
        );

        expect(await ids({})).toEqual(['a', 'b', 'c', 'd', 'e']);
        expect((await store.listCheckpoints()).length).toBe(5);
      });

      it('concurrent read-modify-write transactions on one document lose no update', async () => {
        await given('items', [{ id: 'counter', n: 0 }]);

        await Promise.all(
          Array.from({ length: 5 }, () =>
            store.transact(async (tx) => {
              const current = await tx.get('items', 'counter');
              const n = typeof current?.n === 'number' ? current.n : Number.NaN;
              await new Promise((resolve) => setTimeout(resolve, 5));
              await tx.put('items', { id: 'counter', n: n + 1 });
            }),
          ),
        );

        expect(await store.get('items', 'counter')).toStrictEqual({ id: 'counter', n: 5 });
      });
    });

    describe('checkpoints', () => {
      it('round-trip with dates at millisecond precision', async () => {
        const first: Checkpoint = {
          projection: 'project_grants1',
          position: 1234,
          eventCreatedAt: new Date('2024-02-29T23:59:59.987Z'),
          updatedAt: new Date('2024-03-01T00:00:00.001Z'),
        };
        await store.transact((tx) => tx.setCheckpoint(first));

        const stored = await store.getCheckpoint('project_grants1');

        expect(stored).toStrictEqual(first);
        expect(stored?.eventCreatedAt).toBeInstanceOf(Date);
        expect(stored?.eventCreatedAt?.getTime()).toBe(first.eventCreatedAt?.getTime());
        expect(stored?.updatedAt.getTime()).toBe(first.updatedAt.getTime());
      });

      it('keep a null eventCreatedAt', async () => {
        await store.transact((tx) => tx.setCheckpoint(checkpoint('empty1', 0, null)));

        expect(await store.getCheckpoint('empty1')).toStrictEqual(checkpoint('empty1', 0, null));
      });

      it('setCheckpoint overwrites; unknown projections are null', async () => {
        await store.transact((tx) => tx.setCheckpoint(checkpoint('p1', 1, new Date(1000))));
        await store.transact((tx) => tx.setCheckpoint(checkpoint('p1', 9, new Date(9000))));

        expect(await store.getCheckpoint('p1')).toStrictEqual(checkpoint('p1', 9, new Date(9000)));
        expect(await store.getCheckpoint('unknown1')).toBeNull();
      });

      it('listCheckpoints returns all; deleteCheckpoint removes one', async () => {
        const all = [checkpoint('b_proj1', 2, new Date(20)), checkpoint('a_proj1', 1, null), checkpoint('c_proj2', 3, null)];
        await store.transact(async (tx) => {
          for (const cp of all) await tx.setCheckpoint(cp);
        });

        const listed = [...(await store.listCheckpoints())].sort(byProjection);
        await store.deleteCheckpoint('b_proj1');
        await store.deleteCheckpoint('never_written1');

        expect(listed).toStrictEqual([...all].sort(byProjection));
        expect(await store.getCheckpoint('b_proj1')).toBeNull();
        expect([...(await store.listCheckpoints())].sort(byProjection)).toStrictEqual(
          all.filter((cp) => cp.projection !== 'b_proj1').sort(byProjection),
        );
      });
    });

    describe('query', () => {
      const fixture: readonly Doc[] = [
        { id: 'd1', name: 'alpha', rank: 3, active: true, tags: ['red', 'blue'], owner: { org: 'o1', name: 'Ann' } },
        { id: 'd2', name: 'beta', rank: 1, active: false, tags: ['blue'], owner: { org: 'o2', name: 'Bob' } },
        { id: 'd3', name: 'alphabet', rank: 2, active: true, tags: [], owner: { org: 'o1', name: 'Cat' } },
        { id: 'd4', name: 'Alpha', rank: 3, active: false, tags: ['green', 1, true], owner: { org: 'o3' } },
        { id: 'd5', name: 'gamma', active: true, owner: { org: 'o2', name: 'Ann' } },
      ];

      beforeEach(async () => {
        await given('items', fixture);
      });

      it('without a filter returns everything, ordered by id', async () => {
        expect(await store.query('items', {})).toStrictEqual({ docs: [...fixture], total: 5 });
      });

      it('eq on a string, a number, a boolean', async () => {
        expect(await idsWhere({ op: 'eq', field: 'name', value: 'alpha' })).toEqual(['d1']);
        expect(await idsWhere({ op: 'eq', field: 'rank', value: 3 })).toEqual(['d1', 'd4']);
        expect(await idsWhere({ op: 'eq', field: 'active', value: false })).toEqual(['d2', 'd4']);
        expect(await idsWhere({ op: 'eq', field: 'active', value: true })).toEqual(['d1', 'd3', 'd5']);
        expect(await idsWhere({ op: 'eq', field: 'id', value: 'd2' })).toEqual(['d2']);
        expect(await idsWhere({ op: 'eq', field: 'rank', value: 99 })).toEqual([]);
        expect(await idsWhere({ op: 'eq', field: 'missing', value: 'x' })).toEqual([]);
      });

      it('eq is exact: case-sensitive and never matches a different JSON type', async () => {
        await given('items', [
          { id: 't1', v: 1 },
          { id: 't2', v: '1' },
          { id: 't3', v: true },
          { id: 't4', v: ['1', 1, true] },
          { id: 't5', v: { x: 1 } },
          { id: 't6', v: null },
          { id: 't7', v: 1.0 },
          { id: 't8', v: 0 },
          { id: 't9', v: false },
          { id: 't10', v: '' },
        ]);

        expect(await idsWhere({ op: 'eq', field: 'v', value: 1 })).toEqual(['t1', 't7']);
        expect(await idsWhere({ op: 'eq', field: 'v', value: '1' })).toEqual(['t2']);
        expect(await idsWhere({ op: 'eq', field: 'v', value: true })).toEqual(['t3']);
        expect(await idsWhere({ op: 'eq', field: 'v', value: false })).toEqual(['t9']);
        expect(await idsWhere({ op: 'eq', field: 'v', value: 0 })).toEqual(['t8']);
        expect(await idsWhere({ op: 'eq', field: 'v', value: '' })).toEqual(['t10']);
        expect(await idsWhere({ op: 'eq', field: 'v', value: '{"x":1}' })).toEqual([]);
        expect(await idsWhere({ op: 'eq', field: 'name', value: 'ALPHA' })).toEqual([]);
      });

      it('eq on dotted fields', async () => {
        expect(await idsWhere({ op: 'eq', field: 'owner.org', value: 'o1' })).toEqual(['d1', 'd3']);
        expect(await idsWhere({ op: 'eq', field: 'owner.name', value: 'Ann' })).toEqual(['d1', 'd5']);
        expect(await idsWhere({ op: 'eq', field: 'owner.org.deeper', value: 'o1' })).toEqual([]);
      });

      it('a dotted path does not reach into arrays', async () => {
        await given('items', [
          { id: 'arr', owner: [{ org: 'o1' }] },
          { id: 'inner', owner: { org: ['o1'] } },
        ]);

        expect(await idsWhere({ op: 'eq', field: 'owner.org', value: 'o1' })).toEqual(['d1', 'd3']);
        expect(await idsWhere({ op: 'text', field: 'owner.org', match: 'prefix', value: 'o1' })).toEqual(['d1', 'd3']);
        expect(await idsWhere({ op: 'in', field: 'owner.org', values: ['o1'] })).toEqual(['d1', 'd3']);
        expect(await idsWhere({ op: 'has', field: 'owner.org', value: 'o1' })).toEqual(['inner']);
      });

      it('in matches any listed value with its type; an empty list matches nothing', async () => {
        expect(await idsWhere({ op: 'in', field: 'name', values: ['beta', 'gamma', 'nope'] })).toEqual(['d2', 'd5']);
        expect(await idsWhere({ op: 'in', field: 'rank', values: [1, 2] })).toEqual(['d2', 'd3']);
        expect(await idsWhere({ op: 'in', field: 'rank', values: ['1', '2', true] })).toEqual([]);
        expect(await idsWhere({ op: 'in', field: 'active', values: [false] })).toEqual(['d2', 'd4']);
        expect(await idsWhere({ op: 'in', field: 'owner.org', values: ['o3', 'beta', 1] })).toEqual(['d4']);
        expect(await idsWhere({ op: 'in', field: 'name', values: [] })).toEqual([]);
        expect(await store.query('items', { filter: [{ op: 'in', field: 'name', values: [] }] })).toStrictEqual({
          docs: [],
          total: 0,
        });
      });

      it('has matches arrays holding the element, with its type', async () => {
        await given('items', [
          { id: 'scalar', tags: 'blue' },
          { id: 'object', tags: { a: 'blue' } },
          { id: 'nested', tags: [['blue']] },
        ]);

        expect(await idsWhere({ op: 'has', field: 'tags', value: 'blue' })).toEqual(['d1', 'd2']);
        expect(await idsWhere({ op: 'has', field: 'tags', value: 'green' })).toEqual(['d4']);
        expect(await idsWhere({ op: 'has', field: 'tags', value: 1 })).toEqual(['d4']);
        expect(await idsWhere({ op: 'has', field: 'tags', value: true })).toEqual(['d4']);
        expect(await idsWhere({ op: 'has', field: 'tags', value: '1' })).toEqual([]);
        expect(await idsWhere({ op: 'has', field: 'tags', value: 'Blue' })).toEqual([]);
        expect(await idsWhere({ op: 'has', field: 'name', value: 'alpha' })).toEqual([]);
      });

      it('text prefix, suffix and substring are literal and case-sensitive', async () => {
        expect(await idsWhere({ op: 'text', field: 'name', match: 'prefix', value: 'alpha' })).toEqual(['d1', 'd3']);
        expect(await idsWhere({ op: 'text', field: 'name', match: 'prefix', value: 'Alpha' })).toEqual(['d4']);
        expect(await idsWhere({ op: 'text', field: 'name', match: 'suffix', value: 'ta' })).toEqual(['d2']);
        expect(await idsWhere({ op: 'text', field: 'name', match: 'suffix', value: 'pha' })).toEqual(['d1', 'd4']);
        expect(await idsWhere({ op: 'text', field: 'name', match: 'substring', value: 'ph' })).toEqual(['d1', 'd3', 'd4']);
        expect(await idsWhere({ op: 'text', field: 'name', match: 'substring', value: 'mm' })).toEqual(['d5']);
        expect(await idsWhere({ op: 'text', field: 'owner.name', match: 'prefix', value: 'A' })).toEqual(['d1', 'd5']);
        expect(await idsWhere({ op: 'text', field: 'name', match: 'substring', value: 'zzz' })).toEqual([]);
      });

      it('empty text matches every string value and nothing else', async () => {
        await given('items', [
          { id: 'n', name: 12 },
          { id: 'l', name: ['alpha'] },
          { id: 'o', name: { a: 'alpha' } },
          { id: 'z', name: null },
          { id: 'e', name: '' },
        ]);
        const strings = ['d1', 'd2', 'd3', 'd4', 'd5', 'e'];

        for (const match of ['prefix', 'suffix', 'substring'] as const) {
          expect(await idsWhere({ op: 'text', field: 'name', match, value: '' })).toEqual(strings);
        }
      });

      it('text never matches numbers, arrays or objects', async () => {
        await given('items', [
          { id: 'n', code: 1234 },
          { id: 'l', code: ['1234'] },
          { id: 'o', code: { k: '1234' } },
          { id: 's', code: '1234' },
        ]);

        for (const match of ['prefix', 'suffix', 'substring'] as const) {
          const value = match === 'prefix' ? '12' : match === 'suffix' ? '34' : '23';
          expect(await idsWhere({ op: 'text', field: 'code', match, value })).toEqual(['s']);
        }
      });

      it('pattern metacharacters in text values match literally', async () => {
        const names = [
          'a.*b',
          'axxb',
          '100% sure',
          '100 sure',
          'snake_case',
          'snakeXcase',
          '^$',
          'start^end$',
          'back\\slash',
          'back\\\\slash',
          '[x](y){z}',
          'x|y+z?',
          'x',
          '(?i)ALPHA',
          "it's \"quoted\"",
          '\\Q.*\\E',
          'new\nline',
          'line',
          'ünï😀cødé',
        ];
        const docs = names.map((name, index) => ({ id: `m${String(index).padStart(2, '0')}`, name }));
        await given('other', docs);
        const probes = [
          '.*',
          '.',
          '%',
          '_',
          '^',
          '$',
          '^$',
          '\\',
          '\\\\',
          '[x]',
          '(y)',
          '{z}',
          '|',
          '+',
          '?',
          '(?i)',
          'x|y',
          "'",
          '"',
          '\\Q',
          '\\E',
          '\n',
          'line',
          '😀',
          'ünï',
          'cødé',
          'a.*b',
          '100%',
          'e_c',
        ];

        for (const value of probes) {
          for (const match of ['prefix', 'suffix', 'substring'] as const) {
            const filter: Filter = [{ op: 'text', field: 'name', match, value }];
            const expected = docs.filter((doc) => matches(doc, filter)).map((doc) => doc.id);
            expect({ match, value, ids: await ids({ filter }, 'other') }).toEqual({ match, value, ids: expected });
          }
        }
      });

      it('or holds when any alternative holds, alternatives nest', async () => {
        expect(
          await idsWhere({
            op: 'or',
            anyOf: [
              [{ op: 'eq', field: 'owner.org', value: 'o1' }, { op: 'eq', field: 'rank', value: 2 }],
              [{ op: 'text', field: 'name', match: 'prefix', value: 'ga' }],
            ],
          }),
        ).toEqual(['d3', 'd5']);
        expect(
          await idsWhere(
            { op: 'eq', field: 'active', value: true },
            {
              op: 'or',
              anyOf: [
                [{ op: 'has', field: 'tags', value: 'red' }],
                [
                  {
                    op: 'or',
                    anyOf: [[{ op: 'eq', field: 'owner.name', value: 'Ann' }], [{ op: 'in', field: 'rank', values: [2] }]],
                  },
                ],
              ],
            },
          ),
        ).toEqual(['d1', 'd3', 'd5']);
      });

      it('or without alternatives matches nothing; an empty alternative matches everything', async () => {
        expect(await idsWhere({ op: 'or', anyOf: [] })).toEqual([]);
        expect(await idsWhere({ op: 'or', anyOf: [[], [{ op: 'eq', field: 'name', value: 'beta' }]] })).toEqual([
          'd1',
          'd2',
          'd3',
          'd4',
          'd5',
        ]);
      });

      it('conditions are AND-ed', async () => {
        expect(
          await idsWhere(
            { op: 'eq', field: 'owner.org', value: 'o1' },
            { op: 'text', field: 'name', match: 'suffix', value: 'bet' },
          ),
        ).toEqual(['d3']);
      });

      it('sorts on a numeric field ascending and descending, ties broken by id ascending', async () => {
        expect(await ids({ sort: [{ field: 'rank', direction: 'asc' }] })).toEqual(['d5', 'd2', 'd3', 'd1', 'd4']);
        expect(await ids({ sort: [{ field: 'rank', direction: 'desc' }] })).toEqual(['d1', 'd4', 'd3', 'd2', 'd5']);
      });

      it('sorts on several keys, including dotted and string fields', async () => {
        expect(
          await ids({
            sort: [
              { field: 'owner.org', direction: 'desc' },
              { field: 'name', direction: 'asc' },
            ],
          }),
        ).toEqual(['d4', 'd2', 'd5', 'd1', 'd3']);
        expect(await ids({ sort: [{ field: 'name', direction: 'asc' }] })).toEqual(['d4', 'd1', 'd3', 'd2', 'd5']);
      });

      it('offset and limit page the sorted matches; total ignores paging', async () => {
        const sort: SortKey[] = [{ field: 'rank', direction: 'asc' }];

        const page = await store.query('items', { sort, offset: 1, limit: 2 });
        const filtered = await store.query('items', {
          filter: [{ op: 'eq', field: 'active', value: true }],
          sort,
          offset: 1,
          limit: 1,
        });

        expect(page).toStrictEqual({ docs: [fixture[1], fixture[2]], total: 5 });
        expect(filtered).toStrictEqual({ docs: [fixture[2]], total: 3 });
        expect(await ids({ sort, offset: 3 })).toEqual(['d1', 'd4']);
        expect(await ids({ sort, limit: 2 })).toEqual(['d5', 'd2']);
      });

      it('an offset beyond the end gives no documents but the full total; limit 0 gives none', async () => {
        expect(await store.query('items', { offset: 10, limit: 5 })).toStrictEqual({ docs: [], total: 5 });
        expect(await store.query('items', { offset: 5 })).toStrictEqual({ docs: [], total: 5 });
        expect(await store.query('items', { limit: 0 })).toStrictEqual({ docs: [], total: 5 });
      });

      it('returned documents carry no storage fields', async () => {
        const { docs } = await store.query('items', { filter: [{ op: 'eq', field: 'id', value: 'd1' }] });

        expect(docs).toStrictEqual([fixture[0]]);
        expect(Object.keys(docs[0] ?? {}).sort()).toEqual(Object.keys(fixture[0] ?? {}).sort());
      });
    });

    describe('hostile values', () => {
      const operatorLike = ['{"$gt": ""}', '{"$ne": null}', '$where', '$gt', '$ne', '$regex', '$expr', '.*', '%', "' OR '1'='1"];

      beforeEach(async () => {
        await given(
          'items',
          operatorLike.map((name, index) => ({ id: `h${index}`, name, owner: { org: name }, tags: [name] })),
        );
        await given('items', [{ id: 'plain', name: 'plain', owner: { org: 'plain' }, tags: ['plain'] }]);
      });

      it('an operator-looking string is only ever a literal value', async () => {
        for (const [index, value] of operatorLike.entries()) {
          const expected = [`h${index}`];
          expect(await idsWhere({ op: 'eq', field: 'name', value })).toEqual(expected);
          expect(await idsWhere({ op: 'eq', field: 'owner.org', value })).toEqual(expected);
          expect(await idsWhere({ op: 'in', field: 'name', values: [value] })).toEqual(expected);
          expect(await idsWhere({ op: 'has', field: 'tags', value })).toEqual(expected);
          expect(await idsWhere({ op: 'text', field: 'name', match: 'prefix', value })).toEqual(
            operatorLike.flatMap((name, i) => (name.startsWith(value) ? [`h${i}`] : [])),
          );
        }
      });

      it('a document field holding the string {"$gt": ""} is found by eq on that string only', async () => {
        expect(await store.query('items', { filter: [{ op: 'eq', field: 'name', value: '{"$gt": ""}' }] })).toStrictEqual({
          docs: [{ id: 'h0', name: '{"$gt": ""}', owner: { org: '{"$gt": ""}' }, tags: ['{"$gt": ""}'] }],
          total: 1,
        });
      });

      it('a non-scalar value smuggled past the types is rejected or matches nothing', async () => {
        const smuggled: unknown[] = [{ $gt: '' }, { $ne: null }, ['plain'], null];
        for (const value of smuggled) {
          const outcomes = await Promise.all([
            outcome(idsWhere({ op: 'eq', field: 'name', value: value as string })),
            outcome(idsWhere({ op: 'in', field: 'name', values: [value as string] })),
            outcome(idsWhere({ op: 'has', field: 'tags', value: value as string })),
            outcome(idsWhere({ op: 'text', field: 'name', match: 'substring', value: value as string })),
          ]);
          for (const result of outcomes) expect(['rejected', '[]']).toContain(result);
        }
      });
    });

    describe('agrees with the reference semantics (matches + compareDocs)', () => {
      it('on random documents, filters, sorts and pages', async () => {
        for (let dataset = 0; dataset < 6; dataset += 1) {
          const random = mulberry32(0x5eed + dataset);
          const collection = `prop_${dataset}`;
          await store.ensureCollections([{ name: collection, indexes: [{ fields: ['s'] }, { fields: ['o.k', 'rank'] }] }]);
          const docs = Array.from({ length: 30 }, (_, index) => randomDoc(random, index));
          await given(collection, docs);

          for (let round = 0; round < 25; round += 1) {
            const filter = randomFilter(random, docs, 0);
            const sort = randomSort(random);
            const offset = random() < 0.3 ? Math.floor(random() * 12) : undefined;
            const limit = random() < 0.4 ? Math.floor(random() * 8) : undefined;
            const expected = docs.filter((doc) => matches(doc, filter)).sort((a, b) => compareDocs(a, b, sort));
            const start = offset ?? 0;
            const page = expected.slice(start, limit === undefined ? undefined : start + limit);

            const result = await store.query(collection, { filter, sort, offset, limit });

            const label = JSON.stringify({ dataset, round, filter, sort, offset, limit });
            expect({ label, total: result.total, ids: result.docs.map((doc) => doc.id) }).toEqual({
              label,
              total: expected.length,
              ids: page.map((doc) => doc.id),
            });
            expect(result.docs).toStrictEqual(page);

            const found = await store.transact((tx) => tx.find(collection, filter));
            expect({ label, ids: found.map((doc) => doc.id).sort() }).toEqual({
              label,
              ids: expected.map((doc) => doc.id).sort(),
            });
          }
        }
      });
    });
  });
}

function byProjection(a: Checkpoint, b: Checkpoint): number {
  return a.projection < b.projection ? -1 : a.projection > b.projection ? 1 : 0;
}

async function outcome(result: Promise<readonly string[]>): Promise<string> {
  return result.then(
    (found) => JSON.stringify(found),
    () => 'rejected',
  );
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

type Random = () => number;

/** A small seeded PRNG so a failing property case replays identically. */
function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

// Text alphabet: pattern metacharacters of SQL LIKE, regexes and JSON, plus non-ASCII.
const ALPHABET = ['a', 'b', 'A', '.', '*', '%', '_', '^', '$', '\\', '"', "'", '[', '(', '|', '-', 'é', '😀', ' '];
const SCALARS: readonly (string | number | boolean)[] = [0, 1, 2, 1.5, -1, true, false, '', '1', 'a', 'true'];

function randomText(random: Random, maxLength: number): string {
  const length = Math.floor(random() * (maxLength + 1));
  return Array.from({ length }, () => pick(random, ALPHABET)).join('');
}

/** Any JSON value, mostly small scalars so that filters hit; never undefined. */
function randomValue(random: Random, depth: number): unknown {
  const roll = random();
  if (roll < 0.35) return randomText(random, 4);
  if (roll < 0.6) return pick(random, SCALARS);
  if (roll < 0.7) return null;
  if (depth > 1) return pick(random, SCALARS);
  if (roll < 0.85) return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
  return { k: randomValue(random, depth + 1), s: randomText(random, 3) };
}

/**
 * Filtered fields (s, v, tags, o) hold values of any JSON type; sorted fields hold one type
 * (rank: number or absent, label: ASCII string), where the reference order is well defined.
 */
function randomDoc(random: Random, index: number): Doc {
  const doc: Record<string, unknown> = { id: `r${String(index).padStart(3, '0')}` };
  if (random() < 0.8) doc.s = random() < 0.7 ? randomText(random, 5) : randomValue(random, 0);
  if (random() < 0.8) doc.v = randomValue(random, 0);
  if (random() < 0.8) {
    doc.tags =
      random() < 0.8 ? Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, 1)) : randomValue(random, 0);
  }
  if (random() < 0.8) doc.o = random() < 0.75 ? { k: randomValue(random, 1), s: randomText(random, 3) } : randomValue(random, 0);
  if (random() < 0.8) doc.rank = Math.floor(random() * 6) - 2;
  doc.label = pick(random, ['x', 'y', 'z', 'X', 'xy', 'a b']);
  return doc as Doc;
}

function randomScalar(random: Random, docs: readonly Doc[], field: string): string | number | boolean {
  if (random() < 0.5) {
    const seen = docs.map((doc) => fieldAt(doc, field)).filter(isScalar);
    if (seen.length > 0) return pick(random, seen);
  }
  return random() < 0.5 ? pick(random, SCALARS) : randomText(random, 2);
}

function randomTextValue(random: Random, docs: readonly Doc[], field: string): string {
  const seen = docs.map((doc) => fieldAt(doc, field)).filter((value): value is string => typeof value === 'string');
  const source = seen.length > 0 && random() < 0.7 ? pick(random, seen) : randomText(random, 3);
  const start = Math.floor(random() * (source.length + 1));
  const end = start + Math.floor(random() * (source.length - start + 1));
  // Slice by code points so an emoji is never cut in half.
  return [...source].slice(start, end).join('');
}

function randomFilter(random: Random, docs: readonly Doc[], depth: number): Condition[] {
  const count = Math.floor(random() * 3) + (depth === 0 ? 0 : 1);
  return Array.from({ length: count }, () => randomCondition(random, docs, depth));
}

function randomCondition(random: Random, docs: readonly Doc[], depth: number): Condition {
  const field = pick(random, ['s', 'v', 'tags', 'o.k', 'o.s', 'rank', 'label', 'id', 'missing', 'o.k.k']);
  const roll = random();
  if (roll < 0.25) return { op: 'eq', field, value: randomScalar(random, docs, field) };
  if (roll < 0.4) {
    const values = Array.from({ length: Math.floor(random() * 4) }, () => randomScalar(random, docs, field));
    return { op: 'in', field, values };
  }
  if (roll < 0.6) {
    const arrayField = pick(random, ['tags', 'v', 's', 'o.k']);
    const elements = docs.flatMap((doc) => {
      const value = fieldAt(doc, arrayField);
      return Array.isArray(value) ? value.filter(isScalar) : [];
    });
    const value = elements.length > 0 && random() < 0.7 ? pick(random, elements) : pick(random, SCALARS);
    return { op: 'has', field: arrayField, value };
  }
  if (roll < 0.85 || depth >= 2) {
    const match = pick(random, ['prefix', 'suffix', 'substring'] as const);
    return { op: 'text', field, match, value: randomTextValue(random, docs, field) };
  }
  const alternatives = Math.floor(random() * 3);
  return { op: 'or', anyOf: Array.from({ length: alternatives }, () => randomFilter(random, docs, depth + 1)) };
}

function randomSort(random: Random): SortKey[] {
  const keys: SortKey[] = [];
  const count = Math.floor(random() * 3);
  for (const field of ['rank', 'label'].slice(0, count)) {
    keys.push({ field, direction: random() < 0.5 ? 'asc' : 'desc' });
  }
  return random() < 0.5 ? keys.reverse() : keys;
}

function fieldAt(doc: Doc, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, MongoServerError } from 'mongodb';
import { History } from '../../../test/support/given';
import { mongoServerAvailability, startMongoServer, uniqueDatabaseName } from '../../../test/support/mongo-server';
import type { MongoTestServer } from '../../../test/support/mongo-server';
import { MongoReadStore } from '../../adapters/mongo/mongo-read-store';
import { SqliteReadStore } from '../../adapters/sqlite/sqlite-read-store';
import type { RecordedEvent } from '../../kernel/event';
import type { ReadStore } from '../../kernel/read-store.port';
import { type ProjectionView, physicalCollection } from '../../projections/projection';
import type { GolemEvent } from '../golem.events';
import { golemProjection } from './golem.projection';
import { GolemReadStoreModel } from './golem.queries';

const A = 'account-a';
const B = 'account-b';
const C = 'account-c';

const accountCreated = (accountId: string, email: string): GolemEvent => ({
  type: 'golem.account.created',
  data: { accountId, name: `Name of ${accountId}`, email, planId: '00000000-0000-0000-0000-000000000000', builtIn: false },
});
const tokenCreated = (tokenId: string, accountId: string): GolemEvent => ({
  type: 'golem.token.created',
  data: { tokenId, accountId, secretSha256: `sha-of-${tokenId}`, createdAt: '2025-07-10T09:30:12.345Z', expiresAt: '2100-01-01T00:00:00.000Z' },
});
const tokenDeleted = (tokenId: string, accountId: string): GolemEvent => ({ type: 'golem.token.deleted', data: { tokenId, accountId } });
const projectCreated = (projectId: string, ownerAccountId: string, name: string): GolemEvent => ({
  type: 'golem.project.created',
  data: { projectId, ownerAccountId, name, description: '', defaultEnvironmentId: 'default', projectType: 'NonDefault' },
});
const projectDeleted = (projectId: string, ownerAccountId: string): GolemEvent => ({ type: 'golem.project.deleted', data: { projectId, ownerAccountId } });
const policyCreated = (policyId: string, actions: readonly string[]): GolemEvent => ({
  type: 'golem.policy.created',
  data: { policyId, name: policyId, actions, inlineForGrantId: null },
});
const grantCreated = (grantId: string, projectId: string, granteeAccountId: string, policyId = 'pol-view'): GolemEvent => ({
  type: 'golem.grant.created',
  data: { grantId, projectId, granteeAccountId, policyId },
});
const grantDeleted = (grantId: string, projectId: string, granteeAccountId: string, policyId = 'pol-view'): GolemEvent => ({
  type: 'golem.grant.deleted',
  data: { grantId, projectId, granteeAccountId, policyId, reason: 'requested' },
});

/** Events per read-store transaction, as the runner applies them in batches. */
const BATCH = 100;

/** Runs events through the projection in read-store transactions over its physical collections. */
async function applyEvents(store: ReadStore, events: readonly RecordedEvent[]): Promise<void> {
  const physical = (logical: string) => physicalCollection(golemProjection, logical);
  await store.ensureCollections(golemProjection.collections.map((spec) => ({ ...spec, name: physical(spec.name) })));
  for (let start = 0; start < events.length; start += BATCH) {
    await store.transact(async (tx) => {
      const view: ProjectionView = {
        get: (collection, id) => tx.get(physical(collection), id),
        find: (collection, filter) => tx.find(physical(collection), filter),
        put: (collection, doc) => tx.put(physical(collection), doc),
        delete: (collection, id) => tx.delete(physical(collection), id),
      };
      for (const event of events.slice(start, start + BATCH)) {
        if (golemProjection.handles.has(event.type)) await golemProjection.apply(event, view);
      }
    });
  }
}

const ids = (docs: readonly { readonly id: string }[]) => docs.map((doc) => doc.id);

/**
 * Accounts A, B, C; A owns p-z "shop" and p-a "shop", B owns p-b "lab", C owns p-c "shop" and the
 * later-deleted p-gone; ids deliberately not in creation order, so the order asserted is
 * createdPosition's and not the id's.
 */
function fixture(): History {
  const history = new History();
  const account = (id: string, email: string) => history.record(`golem.account-${id}`, accountCreated(id, email), { resourceOwner: id });
  const projectOf = (owner: string, id: string, name: string) =>
    history.record(`golem.project-${id}`, projectCreated(id, owner, name), { resourceOwner: owner });
  account(A, 'alice@example.com');
  account(B, 'bob@example.com');
  account(C, 'carol@example.com');
  history.record('golem.policy-pol-view', policyCreated('pol-view', ['ViewComponent']), { resourceOwner: A });
  history.record('golem.policy-pol-empty', policyCreated('pol-empty', []), { resourceOwner: A });
  projectOf(A, 'p-z', 'shop');
  projectOf(B, 'p-b', 'lab');
  projectOf(A, 'p-a', 'shop');
  projectOf(C, 'p-c', 'shop');
  projectOf(C, 'p-gone', 'shop');
  return history;
}

interface Adapter {
  readonly name: string;
  open(): Promise<{ store: ReadStore; cleanup: () => Promise<void> }>;
  /** Whether to load thousands of documents (jongodb writes take ~25 ms each). */
  readonly bulk: boolean;
}

function describeGolemQueries({ name: adapter, open, bulk }: Adapter): void {
  // The jongodb test server takes ~25 ms per write: 1,200 projects would outrun the test timeout.
  if (!bulk) console.warn(`SKIPPED on ${adapter}: the 1,200-project chunking test (it runs on SQLite; the test server is too slow for it)`);
  describe(`GolemReadStoreModel over ${adapter}`, () => {
    let store: ReadStore;
    let cleanup: () => Promise<void>;
    let model: GolemReadStoreModel;

    beforeEach(async () => {
      ({ store, cleanup } = await open());
      model = new GolemReadStoreModel(store);
    });

    afterEach(async () => {
      await cleanup();
    });

    async function given(history: History): Promise<void> {
      await applyEvents(store, history.events);
    }

    it('given accounts, then one is found by id and by exact, case-sensitive e-mail; unknown ones are null', async () => {
      await given(fixture());

      expect(await model.account(B)).toMatchObject({ id: B, name: `Name of ${B}`, email: 'bob@example.com' });
      expect(await model.accountByEmail('bob@example.com')).toMatchObject({ id: B });
      expect(await model.accountByEmail('Bob@example.com')).toBeNull();
      expect(await model.accountByEmail('bob@example.com ')).toBeNull();
      expect(await model.account('nobody')).toBeNull();
    });

    it('given tokens of two accounts and one deleted, then the live ones are found by id, by hash and listed per account in creation order', async () => {
      const history = fixture();
      for (const [id, owner] of [['t-3', A], ['t-1', B], ['t-2', A], ['t-0', A]] as const) {
        history.record(`golem.token-${id}`, tokenCreated(id, owner), { resourceOwner: owner });
      }
      history.record('golem.token-t-2', tokenDeleted('t-2', A), { resourceOwner: A });
      await given(history);

      expect(ids(await model.tokensOf(A))).toEqual(['t-3', 't-0']);
      expect(ids(await model.tokensOf(B))).toEqual(['t-1']);
      expect(await model.tokensOf(C)).toEqual([]);
      expect(await model.token('t-0')).toMatchObject({ id: 't-0', accountId: A, expiresAt: '2100-01-01T00:00:00.000Z' });
      expect(await model.tokenBySecretHash('sha-of-t-1')).toMatchObject({ id: 't-1', accountId: B });
      expect(await model.token('t-2')).toBeNull();
      expect(await model.tokenBySecretHash('sha-of-t-2')).toBeNull();
    });

    it('given projects and one deleted, then all live projects come in creation order, optionally by exact name', async () => {
      const history = fixture();
      history.record('golem.project-p-gone', projectDeleted('p-gone', C), { resourceOwner: C });
      await given(history);

      expect(ids(await model.allProjects(undefined))).toEqual(['p-z', 'p-b', 'p-a', 'p-c']);
      expect(ids(await model.allProjects('shop'))).toEqual(['p-z', 'p-a', 'p-c']);
      expect(await model.allProjects('Shop')).toEqual([]);
      expect(await model.project('p-b')).toMatchObject({ id: 'p-b', ownerAccountId: B, name: 'lab', description: '' });
      expect(await model.project('p-gone')).toBeNull();
    });

    it('given no grants, then an account sees exactly the projects it owns', async () => {
      await given(fixture());

      expect(ids(await model.projectsVisibleTo(A, undefined))).toEqual(['p-z', 'p-a']);
      expect(ids(await model.projectsVisibleTo(B, undefined))).toEqual(['p-b']);
      expect(await model.projectsVisibleTo('nobody', undefined)).toEqual([]);
    });

    it('given grants (an empty policy, duplicates, one on its own project), then it also sees the granted projects, once each, in creation order', async () => {
      const history = fixture();
      history.record('golem.grant-g1', grantCreated('g1', 'p-c', A, 'pol-empty'), { resourceOwner: C });
      history.record('golem.grant-g2', grantCreated('g2', 'p-b', A), { resourceOwner: B });
      history.record('golem.grant-g3', grantCreated('g3', 'p-b', A), { resourceOwner: B });
      history.record('golem.grant-g4', grantCreated('g4', 'p-z', A), { resourceOwner: A });
      await given(history);

      expect(ids(await model.projectsVisibleTo(A, undefined))).toEqual(['p-z', 'p-b', 'p-a', 'p-c']);
      expect(ids(await model.projectsVisibleTo(A, 'shop'))).toEqual(['p-z', 'p-a', 'p-c']);
      expect(ids(await model.projectsVisibleTo(A, 'lab'))).toEqual(['p-b']);
      expect(await model.projectsVisibleTo(A, 'nothing')).toEqual([]);
      expect(ids(await model.projectsVisibleTo(C, undefined))).toEqual(['p-c', 'p-gone']);
    });

    it('given a grant deleted and a granted project deleted (before its cascade), then neither project is visible through them', async () => {
      const history = fixture();
      history.record('golem.grant-g1', grantCreated('g1', 'p-b', A), { resourceOwner: B });
      history.record('golem.grant-g2', grantCreated('g2', 'p-gone', A), { resourceOwner: C });
      history.record('golem.grant-g3', grantCreated('g3', 'p-c', A), { resourceOwner: C });
      history.record('golem.grant-g1', grantDeleted('g1', 'p-b', A), { resourceOwner: B });
      history.record('golem.project-p-gone', projectDeleted('p-gone', C), { resourceOwner: C });
      await given(history);

      expect(ids(await model.projectsVisibleTo(A, undefined))).toEqual(['p-z', 'p-a', 'p-c']);
    });

    it('given policies, then they are found by id and by a set of ids (unknown and repeated ids dropped), in creation order', async () => {
      await given(fixture());

      expect(await model.policy('pol-view')).toMatchObject({ id: 'pol-view', name: 'pol-view', actions: ['ViewComponent'] });
      expect(await model.policy('pol-none')).toBeNull();
      expect(ids(await model.policies(['pol-empty', 'pol-none', 'pol-view', 'pol-empty']))).toEqual(['pol-view', 'pol-empty']);
      expect(await model.policies([])).toEqual([]);
    });

    it('given grants on two projects and one deleted, then a project lists its live grants in creation order, and per grantee', async () => {
      const history = fixture();
      history.record('golem.grant-g9', grantCreated('g9', 'p-z', B), { resourceOwner: A });
      history.record('golem.grant-g1', grantCreated('g1', 'p-z', C), { resourceOwner: A });
      history.record('golem.grant-g5', grantCreated('g5', 'p-a', B), { resourceOwner: A });
      history.record('golem.grant-g2', grantCreated('g2', 'p-z', B, 'pol-empty'), { resourceOwner: A });
      history.record('golem.grant-g3', grantCreated('g3', 'p-z', B), { resourceOwner: A });
      history.record('golem.grant-g3', grantDeleted('g3', 'p-z', B), { resourceOwner: A });
      await given(history);

      expect(ids(await model.grantsOfProject('p-z'))).toEqual(['g9', 'g1', 'g2']);
      expect(ids(await model.grantsOfGrantee('p-z', B))).toEqual(['g9', 'g2']);
      expect(ids(await model.grantsOfGrantee('p-a', B))).toEqual(['g5']);
      expect(await model.grantsOfGrantee('p-a', C)).toEqual([]);
      expect(await model.grant('g2')).toMatchObject({ id: 'g2', projectId: 'p-z', granteeAccountId: B, policyId: 'pol-empty' });
      expect(await model.grant('g3')).toBeNull();
    });

    it('given a live grant on a live project, then the grantee holds a grant on the owner\'s projects, one-way only', async () => {
      const history = fixture();
      history.record('golem.grant-g1', grantCreated('g1', 'p-a', B, 'pol-empty'), { resourceOwner: A });
      await given(history);

      expect(await model.holdsGrantOnProjectOf(B, A)).toBe(true);
      expect(await model.holdsGrantOnProjectOf(A, B)).toBe(false);
      expect(await model.holdsGrantOnProjectOf(B, C)).toBe(false);
      expect(await model.holdsGrantOnProjectOf(C, A)).toBe(false);
    });

    it('given the grant deleted, or its project deleted before the cascade, then the grantee holds none', async () => {
      const history = fixture();
      history.record('golem.grant-g1', grantCreated('g1', 'p-a', B), { resourceOwner: A });
      history.record('golem.grant-g2', grantCreated('g2', 'p-gone', B), { resourceOwner: C });
      history.record('golem.grant-g3', grantCreated('g3', 'p-c', A), { resourceOwner: C });
      history.record('golem.grant-g1', grantDeleted('g1', 'p-a', B), { resourceOwner: A });
      history.record('golem.project-p-gone', projectDeleted('p-gone', C), { resourceOwner: C });
      await given(history);

      expect(await model.holdsGrantOnProjectOf(B, A)).toBe(false);
      expect(await model.holdsGrantOnProjectOf(B, C)).toBe(false);
      expect(await model.holdsGrantOnProjectOf(A, C)).toBe(true);
    });

    (bulk ? it : it.skip)('given grants on more projects than one `in` chunk holds, then the owner\'s project is still found', async () => {
      const history = fixture();
      for (let i = 0; i < 1_200; i += 1) {
        const id = `p-many-${String(i).padStart(4, '0')}`;
        history.record(`golem.project-${id}`, projectCreated(id, C, 'many'), { resourceOwner: C });
        history.record(`golem.grant-g-many-${i}`, grantCreated(`g-many-${i}`, id, B), { resourceOwner: C });
      }
      history.record('golem.grant-g-last', grantCreated('g-last', 'p-a', B), { resourceOwner: A });
      await given(history);

      expect(await model.holdsGrantOnProjectOf(B, A)).toBe(true);
      expect(await model.projectsVisibleTo(B, 'many')).toHaveLength(1_200);
    });
  });
}

describeGolemQueries({
  name: 'SqliteReadStore',
  bulk: true,
  open: async () => {
    const dir = await mkdtemp(join(tmpdir(), 'grantline-golem-queries-'));
    const store = new SqliteReadStore(join(dir, 'read.db'));
    return {
      store,
      cleanup: async () => {
        await store.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
});

async function closeAndDrop(store: MongoReadStore, uri: string, dbName: string): Promise<void> {
  await store.close();
  const client = await new MongoClient(uri).connect();
  try {
    await client.db(dbName).dropDatabase();
  } catch (error) {
    // jongodb has no dropDatabase; its data goes with the process at afterAll.
    if (!(error instanceof MongoServerError && error.codeName === 'CommandNotFound')) throw error;
  } finally {
    await client.close();
  }
}

const mongo = mongoServerAvailability();
if (!mongo.available) console.warn(`SKIPPED: GolemReadStoreModel over MongoReadStore: ${mongo.reason}`);
(mongo.available ? describe : describe.skip)('on MongoDB', () => {
  let server: MongoTestServer | undefined;

  beforeAll(async () => {
    server = await startMongoServer();
  });

  afterAll(async () => {
    await server?.stop();
  });

  describeGolemQueries({
    name: 'MongoReadStore',
    bulk: false,
    open: async () => {
      if (server === undefined) throw new Error('MongoDB test server not started');
      const uri = server.uri;
      const dbName = uniqueDatabaseName('grantline_golem');
      const store = await MongoReadStore.connect(uri, dbName);
      return { store, cleanup: () => closeAndDrop(store, uri, dbName) };
    },
  });
});

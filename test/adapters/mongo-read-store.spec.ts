import { MongoClient, MongoServerError } from 'mongodb';
import { MongoReadStore } from '../../src/adapters/mongo/mongo-read-store';
import { StoreUnavailable } from '../../src/kernel/event-store.port';
import { describeReadStoreContract } from '../contract/read-store.contract';
import { mongoServerAvailability, startMongoServer, uniqueDatabaseName } from '../support/mongo-server';
import type { MongoTestServer } from '../support/mongo-server';

const availability = mongoServerAvailability();
if (!availability.available) console.warn(`SKIPPED: MongoReadStore tests: ${availability.reason}`);
const describeWithServer = availability.available ? describe : describe.skip;

describeWithServer('MongoReadStore', () => {
  let server: MongoTestServer | undefined;
  let admin: MongoClient | undefined;

  beforeAll(async () => {
    server = await startMongoServer();
    admin = await new MongoClient(server.uri).connect();
  });

  afterAll(async () => {
    await admin?.close();
    await server?.stop();
  });

  function running(): { server: MongoTestServer; admin: MongoClient } {
    if (server === undefined || admin === undefined) throw new Error('MongoDB test server not started');
    return { server, admin };
  }

  async function dropDatabase(name: string): Promise<void> {
    try {
      await running().admin.db(name).dropDatabase();
    } catch (error) {
      // jongodb has no dropDatabase; its data goes with the process at afterAll.
      if (!(error instanceof MongoServerError && error.codeName === 'CommandNotFound')) throw error;
    }
  }

  describeReadStoreContract('MongoReadStore', async () => {
    const dbName = uniqueDatabaseName('grantline_read');
    const store = await MongoReadStore.connect(running().server.uri, dbName);
    return {
      store,
      cleanup: async () => {
        await store.close();
        await dropDatabase(dbName);
      },
    };
  });

  describe('storage layout', () => {
    it('stores a document under _id = id and a checkpoint with a numeric position and Dates', async () => {
      const dbName = uniqueDatabaseName('grantline_layout');
      const store = await MongoReadStore.connect(running().server.uri, dbName);
      try {
        await store.ensureCollections([{ name: 'grants', indexes: [{ fields: ['org.id', 'state'] }] }]);
        await store.transact(async (tx) => {
          await tx.put('grants', { id: 'g1', org: { id: 'o1' }, state: 'active' });
          await tx.setCheckpoint({ projection: 'grants1', position: 5, eventCreatedAt: new Date(10), updatedAt: new Date(20) });
        });

        const db = running().admin.db(dbName);
        const raw = await db.collection<{ _id: string }>('grants').findOne({ _id: 'g1' });
        const checkpoint = await db.collection<{ _id: string }>('_checkpoints').findOne({ _id: 'grants1' });
        const indexes = (await db.collection('grants').listIndexes().toArray()).map((index) => index.key as unknown);

        expect(raw).toStrictEqual({ _id: 'g1', id: 'g1', org: { id: 'o1' }, state: 'active' });
        expect(checkpoint).toStrictEqual({ _id: 'grants1', position: 5, eventCreatedAt: new Date(10), updatedAt: new Date(20) });
        expect(indexes).toContainEqual({ 'org.id': 1, state: 1 });
      } finally {
        await store.close();
        await dropDatabase(dbName);
      }
    });

    it('refuses a document that carries its own _id', async () => {
      const dbName = uniqueDatabaseName('grantline_layout');
      const store = await MongoReadStore.connect(running().server.uri, dbName);
      try {
        await expect(store.transact((tx) => tx.put('grants', { id: 'g1', _id: 'other' }))).rejects.toThrow('_id');
        expect(await store.get('grants', 'g1')).toBeNull();
      } finally {
        await store.close();
        await dropDatabase(dbName);
      }
    });
  });

  describe('driver errors', () => {
    it('an unreachable server is StoreUnavailable', async () => {
      const unreachable = 'mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300&connectTimeoutMS=300&directConnection=true';

      await expect(MongoReadStore.connect(unreachable, 'grantline_none')).rejects.toBeInstanceOf(StoreUnavailable);
    });
  });
});

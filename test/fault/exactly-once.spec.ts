import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/adapters/sqlite/sqlite-event-store';
import { SqliteReadStore } from '../../src/adapters/sqlite/sqlite-read-store';
import { MongoReadStore } from '../../src/adapters/mongo/mongo-read-store';
import { type MongoTestServer, mongoServerAvailability, startMongoServer, uniqueDatabaseName } from '../support/mongo-server';
import type { Doc, ReadStore } from '../../src/kernel/read-store.port';
import { PROJECTIONS } from '../../src/platform/platform';
import { projectionKey } from '../../src/projections/projection';
import { SystemClock } from '../../src/platform/uuid-v7';
import type { Projection } from '../../src/projections/projection';
import { physicalCollection } from '../../src/projections/projection';
import { ProjectionProgress } from '../../src/projections/projection-progress';
import { ProjectionRunner } from '../../src/projections/projection-runner';
import { type TestApp, ZitadelClient, startTestApp } from '../support/app';
import { digestOfRebuild } from '../support/rebuild';
import { runWorkload } from '../support/workload';

const quiet = { warn: () => undefined, error: () => undefined };

/** Counts and hashes every position it is handed: exactly once means count = head and hash = hash(1..head). */
const witness: Projection = {
  name: 'witness',
  version: 1,
  handles: new Set(['witness.appended']),
  collections: [{ name: 'seen', indexes: [] }],
  async apply(event, view) {
    const seen = ((await view.get('seen', 'all')) as (Doc & { count: number; hash: string }) | null) ?? { id: 'all', count: 0, hash: '' };
    await view.put('seen', { id: 'all', count: seen.count + 1, hash: chain(seen.hash, event.position) });
  },
};

function chain(hash: string, position: number): string {
  return createHash('sha256').update(`${hash}:${position}`).digest('hex');
}

/** R4 on one read store: 32 concurrent writers, a witness projection that must see each position once. */
async function witnessSeesEveryPositionOnce(openReadStore: (dir: string) => Promise<ReadStore>): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), 'grantline-r4-'));
    const events = new SqliteEventStore(join(dir, 'events.sqlite'));
    const readStore: ReadStore = await openReadStore(dir);
    const progress = new ProjectionProgress(readStore, false);
    const runner = new ProjectionRunner(events, readStore, [witness], progress, new SystemClock(), quiet);
    try {
      await runner.start();
      const metadata = { actor: 'test', resourceOwner: 'org', correlationId: 'c', causationId: 'c' };
      await Promise.all(
        Array.from({ length: 32 }, async (_, writer) => {
          for (let i = 0; i < 100; i += 1) {
            await events.append(`w-${writer}`, [{ id: `${writer}-${i}`, type: 'witness.appended', data: { i }, metadata }], 'any');
          }
        }),
      );
      const head = await events.headPosition();
      expect(head).toBe(3200);
      expect(await progress.waitFor(['witness1'], head, 30_000)).toBe(true);
      const seen = (await readStore.get(physicalCollection(witness, 'seen'), 'all')) as unknown as { count: number; hash: string };
      let expected = '';
      for (let position = 1; position <= head; position += 1) expected = chain(expected, position);
      expect(seen).toMatchObject({ count: head, hash: expected });
    } finally {
      await runner.stop();
      progress.close();
      await readStore.close();
      await events.close();
      rmSync(dir, { recursive: true, force: true });
    }
}

describe('R4: the projection sees every position exactly once under concurrent writers', () => {
  it('SQLite read store: 32 writers × 100 appends, count and hash equal the positions 1..head in order', async () => {
    await witnessSeesEveryPositionOnce(async (dir) => new SqliteReadStore(join(dir, 'readmodels.sqlite')));
  });
});

const mongo = mongoServerAvailability();
if (!mongo.available) console.warn(`SKIPPED: R4 on the MongoDB read store: ${mongo.reason}`);

(mongo.available ? describe : describe.skip)('R4 on the MongoDB read store (jongodb test server, real driver)', () => {
  let server: MongoTestServer;
  beforeAll(async () => {
    server = await startMongoServer();
  });
  afterAll(async () => server?.stop());

  it('32 writers × 100 appends, count and hash equal the positions 1..head in order', async () => {
    await witnessSeesEveryPositionOnce(() => MongoReadStore.connect(server.uri, uniqueDatabaseName('r4')));
  });
});

describe('R2: projections have exactly-once effect', () => {
  let service: TestApp;

  beforeAll(async () => {
    service = await startTestApp();
    const client = new ZitadelClient(service.baseUrl);
    await runWorkload(client, 7, 250);
  });
  afterAll(async () => service.close());

  it('the live read models equal a from-scratch rebuild', async () => {
    // The cascade reactor appends while it catches up: events up to the head it reached may
    // trigger appends after it. Wait until every projection is at a head that no longer moves.
    const keys = PROJECTIONS.map(projectionKey);
    for (let head = -1; ; ) {
      const now = await service.platform.eventStore.headPosition();
      if (now === head) break;
      head = now;
      expect(await service.platform.progress.waitFor(keys, head, 10_000)).toBe(true);
    }
    const { readModelDigest } = await import('../../src/projections/digest');
    expect(await readModelDigest(service.platform.readStore, PROJECTIONS)).toBe(await digestOfRebuild(service.platform.eventStore));
  });

  it('applying every event twice gives the same digest as applying it once', async () => {
    const twice = PROJECTIONS.map(
      (projection): Projection => ({
        ...projection,
        async apply(event, view) {
          await projection.apply(event, view);
          await projection.apply(event, view);
        },
      }),
    );
    const once = await digestOfRebuild(service.platform.eventStore);
    expect(await digestOfRebuild(service.platform.eventStore, twice)).toBe(once);
  });
});

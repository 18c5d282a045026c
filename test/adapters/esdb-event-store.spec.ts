import { randomUUID } from 'node:crypto';
import { EsdbEventStore } from '../../src/adapters/esdb/esdb-event-store';
import type { NewEvent } from '../../src/kernel/event';
import { StoreUnavailable } from '../../src/kernel/event-store.port';
import { describeEventStoreContract } from '../contract/event-store.contract';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (connectionString !== undefined && connectionString !== '') {
  describeEventStoreContract(
    'EventStoreDB',
    async () => {
      const store = new EsdbEventStore(connectionString);
      return { store, cleanup: () => store.close() };
    },
    { startsEmpty: false },
  );
} else {
  console.warn(
    'SKIPPED: EventStoreDB contract suite — EVENTSTORE_CONNECTION_STRING is not set; ' +
      'no EventStoreDB server can run on this machine',
  );
  describe.skip('EventStoreDB (EVENTSTORE_CONNECTION_STRING is not set)', () => {
    describeEventStoreContract('EventStoreDB', () => Promise.reject(new Error('no server')));
  });
}

/** Nothing listens on port 1, so every call fails to connect. */
const UNREACHABLE = 'esdb://127.0.0.1:1?tls=false&defaultDeadline=2000';
const WITHIN_MS = 5_000;

describe('EsdbEventStore without a reachable server', () => {
  let store: EsdbEventStore;

  beforeEach(() => {
    store = new EsdbEventStore(UNREACHABLE);
  });

  afterEach(async () => {
    await store.close();
  });

  async function expectUnavailable(operation: () => Promise<unknown>): Promise<void> {
    const started = Date.now();
    const error = await operation().then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(StoreUnavailable);
    expect(Date.now() - started).toBeLessThan(WITHIN_MS);
  }

  const event = (): NewEvent => ({
    id: randomUUID(),
    type: 'thing.happened',
    data: {},
    metadata: { actor: 'user-1', resourceOwner: 'org-1', correlationId: randomUUID(), causationId: randomUUID() },
  });

  it('headPosition rejects with StoreUnavailable', async () => {
    await expectUnavailable(() => store.headPosition());
  });

  it('append rejects with StoreUnavailable', async () => {
    await expectUnavailable(() => store.append('org-1', [event()], 'no_stream'));
    await expectUnavailable(() => store.append('org-1', [event()], 'any'));
  });

  it('readStream and readAll reject with StoreUnavailable', async () => {
    await expectUnavailable(() => store.readStream('org-1'));
    await expectUnavailable(() => store.readAll({ limit: 10 }));
  });

  it('a subscription reports StoreUnavailable and delivers nothing', async () => {
    const delivered: unknown[] = [];
    const reported = new Promise<unknown>((resolve) => {
      const subscription = store.subscribeToAll(
        0,
        async (events) => void delivered.push(...events),
        (error) => void subscription.stop().then(() => resolve(error)),
      );
    });

    await expectUnavailable(() => reported.then((error) => Promise.reject(error)));
    expect(delivered).toEqual([]);
  });

  it('once closed, rejects calls with StoreUnavailable', async () => {
    await store.close();

    await expectUnavailable(() => store.headPosition());
    await expectUnavailable(() => store.append('org-1', [event()], 'any'));
  });
});

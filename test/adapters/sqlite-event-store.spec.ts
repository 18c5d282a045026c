import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteEventStore } from '../../src/adapters/sqlite/sqlite-event-store';
import type { NewEvent } from '../../src/kernel/event';
import { StoreUnavailable, WrongExpectedRevision } from '../../src/kernel/event-store.port';
import { describeEventStoreContract } from '../contract/event-store.contract';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'grantline-events-'));
}

function newEvent(data: unknown = { n: 1 }): NewEvent {
  return {
    id: randomUUID(),
    type: 'thing.happened',
    data,
    metadata: { actor: 'user-1', resourceOwner: 'org-1', correlationId: randomUUID(), causationId: randomUUID() },
  };
}

describeEventStoreContract('SQLite', async () => {
  const dir = tempDir();
  const store = new SqliteEventStore(path.join(dir, 'events.db'), { pollIntervalMs: 20 });
  return {
    store,
    cleanup: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SqliteEventStore', () => {
  let dir: string;
  let file: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    dir = tempDir();
    file = path.join(dir, 'events.db');
    store = new SqliteEventStore(file);
  });

  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('given events with multi-byte, astral and empty strings from concurrent appenders, they are read back exactly as appended', async () => {
    // They cross to the writer thread as UTF-8 in one shared buffer per turn (PackedAppends).
    const awkward = ['', 'grüß dich', '漢字テキスト', '😀 emoji 🧪', '"quotes" and \\ backslash', 'x'.repeat(70_000)];
    const appended = await Promise.all(
      awkward.map((text, index) =>
        store.append(
          `stream-${index}`,
          [
            { ...newEvent({ text, nested: { text } }), type: `type-${Array.from(text).slice(0, 10).join("")}` },
            { ...newEvent(text), metadata: { actor: text || 'actor', resourceOwner: 'org-ü', correlationId: '😀', causationId: '' } },
          ],
          'no_stream',
        ),
      ),
    );
    await store.close();
    store = new SqliteEventStore(file);

    for (const [index, result] of appended.entries()) {
      expect(await store.readStream(`stream-${index}`)).toEqual(result.events);
      expect(result.events[0]?.data).toEqual({ text: awkward[index], nested: { text: awkward[index] } });
      expect(result.events[1]?.data).toEqual(awkward[index]);
    }
  });

  it('given more appends than fit the writer buffers kept from before, each is stored once and in its own stream', async () => {
    const small = await Promise.all(Array.from({ length: 40 }, (_, index) => store.append(`small-${index}`, [newEvent({ index })], 'no_stream')));
    const large = await Promise.all(Array.from({ length: 3 }, (_, index) => store.append(`large-${index}`, Array.from({ length: 2_000 }, () => newEvent({ index, pad: 'p'.repeat(200) })), 'no_stream')));
    const again = await Promise.all(Array.from({ length: 40 }, (_, index) => store.append(`small-${index}`, [newEvent({ index, again: true })], 0)));

    expect((await store.readAll()).length).toBe(40 + 3 * 2_000 + 40);
    for (const [index, result] of [...small, ...again].entries()) expect((result.events[0]?.data as { index: number }).index).toBe(index % 40);
    for (const [index, result] of large.entries()) expect(await store.readStream(`large-${index}`)).toEqual(result.events);
  });

  it('given appended events, they are all there after close and reopen, and numbering continues', async () => {
    const first = await store.append('org-1', [newEvent(), newEvent()], 'no_stream');
    const second = await store.append('project-1', [newEvent()], 'no_stream');
    const before = await store.readAll();
    await store.close();

    store = new SqliteEventStore(file);

    expect(await store.readAll()).toEqual(before);
    expect(await store.readStream('org-1')).toEqual(first.events);
    expect(await store.headPosition()).toBe(second.position);
    const third = await store.append('org-1', [newEvent()], 1);
    expect(third.events[0]).toMatchObject({ revision: 2, position: second.position + 1 });
    expect(third.createdAt.getTime()).toBeGreaterThanOrEqual(second.createdAt.getTime());
    await expect(store.append('project-1', [newEvent()], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedRevision);
  });

  it('given several subscriptions catching up from 0, each gets every event once, in order, and full batches are read once for all of them', async () => {
    await store.close();
    store = new SqliteEventStore(file, { batchSize: 7, pollIntervalMs: 10 });
    for (let i = 0; i < 10; i += 1) await store.append(`thing-${i}`, [newEvent(), newEvent(), newEvent()], 'no_stream');
    const all = await store.readAll();
    const delivered: Array<Array<{ position: number; batch: readonly unknown[] }>> = [[], [], []];
    const subscriptions = delivered.map((into) =>
      store.subscribeToAll(0, async (events) => void into.push(...events.map((event) => ({ position: event.position, batch: events }))), (error) => {
        throw error;
      }),
    );
    const deadline = Date.now() + 5000;
    while (delivered.some((into) => into.length < all.length) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await Promise.all(subscriptions.map((subscription) => subscription.stop()));

    for (const into of delivered) expect(into.map((entry) => entry.position)).toStrictEqual(all.map((event) => event.position));
    // The first full batch (positions 1-7) is the same array for every subscription: parsed once.
    const firstBatches = delivered.map((into) => into[0]?.batch);
    expect(firstBatches[0]).toHaveLength(7);
    expect(firstBatches[1]).toBe(firstBatches[0]);
    expect(firstBatches[2]).toBe(firstBatches[0]);
  });

  it('given subscriptions following the live tail together, a new event is read once for all of them, and a kept batch that is no longer the whole tail is followed by the rest', async () => {
    await store.close();
    store = new SqliteEventStore(file, { pollIntervalMs: 10 });
    const delivered: Array<Array<{ position: number; batch: readonly unknown[] }>> = [[], [], []];
    const subscribe = (into: Array<{ position: number; batch: readonly unknown[] }>) =>
      store.subscribeToAll(0, async (events) => void into.push(...events.map((event) => ({ position: event.position, batch: events }))), (error) => {
        throw error;
      });
    const live = [subscribe(delivered[0] ?? []), subscribe(delivered[1] ?? [])];
    const until = async (done: () => boolean) => {
      const deadline = Date.now() + 5000;
      while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    };

    await store.append('org-1', [newEvent(), newEvent()], 'no_stream');
    await until(() => delivered[0]?.length === 2 && delivered[1]?.length === 2);
    // A late subscriber from 0 is handed the kept two-event batch, though the log has grown since.
    await store.append('org-2', [newEvent(), newEvent(), newEvent()], 'no_stream');
    const late = subscribe(delivered[2] ?? []);
    await until(() => delivered.every((into) => into.length === 5));
    await Promise.all([...live, late].map((subscription) => subscription.stop()));

    for (const into of delivered) expect(into.map((entry) => entry.position)).toStrictEqual([1, 2, 3, 4, 5]);
    expect(delivered[1]?.[0]?.batch).toBe(delivered[0]?.[0]?.batch);
    expect(delivered[2]?.[0]?.batch).toBe(delivered[0]?.[0]?.batch);
  });

  it('given subscriptions at the tail, events appended by another process on the same file reach every one of them', async () => {
    await store.close();
    store = new SqliteEventStore(file, { pollIntervalMs: 10 });
    const other = new SqliteEventStore(file);
    const delivered: number[][] = [[], [], []];
    const subscriptions = delivered.map((into) =>
      store.subscribeToAll(0, async (events) => void into.push(...events.map((event) => event.position)), (error) => {
        throw error;
      }),
    );
    try {
      await store.append('org-1', [newEvent()], 'no_stream');
      for (let n = 0; n < 5; n += 1) {
        await other.append(`other-${n}`, [newEvent()], 'no_stream');
        await new Promise((resolve) => setTimeout(resolve, n));
      }
      const deadline = Date.now() + 5000;
      while (delivered.some((into) => into.length < 6) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    } finally {
      await Promise.all(subscriptions.map((subscription) => subscription.stop()));
      await other.close();
    }

    for (const into of delivered) expect(into).toStrictEqual([1, 2, 3, 4, 5, 6]);
  });

  it('given a lone append that fails after its first insert, nothing of it is written and positions stay contiguous', async () => {
    const first = newEvent();
    // Not `.rejects.toThrow()`: better-sqlite3's native addon keeps the SqliteError class of the
    // first test file its jest worker loaded, so in later files it is not an `Error` of this realm.
    await expect(store.append('thing-1', [first, { ...newEvent(), id: first.id }], 'no_stream')).rejects.toHaveProperty(
      'code',
      'SQLITE_CONSTRAINT_UNIQUE',
    );

    expect(await store.readAll()).toEqual([]);
    const next = await store.append('thing-2', [newEvent()], 'no_stream');
    expect(next.position).toBe(1);
    expect(await store.readStream('thing-1')).toEqual([]);
  });

  it('given one append of 250 events (three multi-row inserts), every event gets its revision and a contiguous position, as stored', async () => {
    await store.append('before', [newEvent()], 'no_stream');
    const events = Array.from({ length: 250 }, (_, n) => newEvent({ n }));

    const result = await store.append('many', events, 'no_stream');

    expect(result.events.map((event) => event.revision)).toStrictEqual(events.map((_, n) => n));
    expect(result.events.map((event) => event.position)).toStrictEqual(events.map((_, n) => n + 2));
    expect(result.events.map((event) => event.id)).toStrictEqual(events.map((event) => event.id));
    expect(await store.readStream('many')).toEqual(result.events);
    expect(result.position).toBe(251);
  });

  it('writes through a write-ahead log', async () => {
    await store.append('org-1', [newEvent()], 'no_stream');

    expect(fs.existsSync(`${file}-wal`)).toBe(true);
  });

  it('given appends that fail inside one group commit, positions stay contiguous', async () => {
    await store.append('org-1', [newEvent()], 'no_stream');

    // Fails in its second INSERT (rows 101+), after the first 100 rows were written.
    const failsHalfway = Array.from({ length: 100 }, () => newEvent());
    failsHalfway.push({ ...newEvent(), id: (failsHalfway[0] as NewEvent).id });
    // Issued in one tick, so they reach the writer thread together and are committed in one transaction.
    const outcomes = await Promise.allSettled([
      store.append('org-2', [newEvent()], 'no_stream'),
      store.append('org-1', [newEvent(), newEvent()], 'no_stream'),
      store.append('org-3', [newEvent(), newEvent()], 'no_stream'),
      store.append('org-4', failsHalfway, 'no_stream'),
      store.append('org-3', [newEvent()], 5),
      // Cannot even be serialized: refused before it reaches the writer.
      store.append('org-6', [newEvent(), newEvent({ big: 1n })], 'no_stream'),
      store.append('org-5', [newEvent()], 'any'),
    ]);

    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'rejected',
      'rejected',
      'fulfilled',
    ]);
    expect((outcomes[3] as PromiseRejectedResult).reason).toHaveProperty('code', 'SQLITE_CONSTRAINT_UNIQUE');
    expect((outcomes[5] as PromiseRejectedResult).reason).toBeInstanceOf(TypeError);
    const all = await store.readAll();
    expect(all.map((event) => event.position)).toEqual([1, 2, 3, 4, 5]);
    expect(all.map((event) => event.stream)).toEqual(['org-1', 'org-2', 'org-3', 'org-3', 'org-5']);
    expect(await store.readStream('org-4')).toEqual([]);
    expect(await store.readStream('org-6')).toEqual([]);
    expect(await store.headPosition()).toBe(5);
    expect((await store.append('org-6', [newEvent()], 'no_stream')).position).toBe(6);
  });

  it('given a stored append, a different append starting with the same event id is a conflict naming what the writer expected', async () => {
    const original = await store.append('org-1', [newEvent(), newEvent()], 'no_stream');
    const reused = original.events[0];
    if (reused === undefined) throw new Error('expected a recorded event');

    const error = await store
      .append('org-1', [{ ...newEvent(), id: reused.id }, newEvent()], 'no_stream')
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(WrongExpectedRevision);
    expect(error).toMatchObject({ stream: 'org-1', expected: 'no_stream', actual: 1 });
    expect(await store.readStream('org-1')).toEqual(original.events);
  });

  it('given a large append being committed, the calling thread keeps running and reads see the log as it was', async () => {
    const events = Array.from({ length: 20_000 }, (_, n) => newEvent({ n, padding: 'x'.repeat(100) }));
    const order: string[] = [];

    const committing = store.append('big', events, 'no_stream').then((result) => {
      order.push('committed');
      return result;
    });
    // Serializing happened before append returned; the insert and fsync happen on the writer thread.
    await new Promise((resolve) => setTimeout(resolve, 1));
    order.push('timer');
    const duringCommit = await store.readStream('big');
    const result = await committing;

    expect(order).toEqual(['timer', 'committed']);
    expect(duringCommit).toEqual([]);
    expect(result.events).toHaveLength(20_000);
    expect(await store.headPosition()).toBe(20_000);
  });

  it('given appends sent just before close, they are committed before the file is closed', async () => {
    const sent = [store.append('org-1', [newEvent()], 'no_stream'), store.append('org-2', [newEvent(), newEvent()], 'no_stream')];
    await store.close();

    const results = await Promise.all(sent);
    store = new SqliteEventStore(file);
    expect(await store.readAll()).toEqual(results.flatMap((result) => result.events));
    await expect(store.append('org-3', [newEvent()], 'no_stream')).resolves.toMatchObject({ position: 4 });
  });

  it('given a closed store, appends are refused as unavailable', async () => {
    await store.close();

    await expect(store.append('org-1', [newEvent()], 'no_stream')).rejects.toBeInstanceOf(StoreUnavailable);
    store = new SqliteEventStore(file);
  });

  it('reports ok from the integrity check after concurrent appends', async () => {
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.append(`user-${i % 10}`, [newEvent()], 'any')));

    expect(store.integrityCheck()).toBe('ok');
  });
});

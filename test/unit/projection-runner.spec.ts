import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteEventStore } from '../../src/adapters/sqlite/sqlite-event-store';
import { SqliteReadStore } from '../../src/adapters/sqlite/sqlite-read-store';
import type { Clock } from '../../src/kernel/clock.port';
import type { NewEvent } from '../../src/kernel/event';
import type { EventStore } from '../../src/kernel/event-store.port';
import type { Doc } from '../../src/kernel/read-store.port';
import { type Projection, physicalCollection, projectionKey } from '../../src/projections/projection';
import { ProjectionProgress } from '../../src/projections/projection-progress';
import { indexNames } from '../support/sqlite-indexes';
import {
  FAILED_EVENTS,
  type FailedEvent,
  ProjectionRunner,
  REBUILD_REQUESTS,
  REBUILDS,
  type ProjectionStatus,
  type RunnerLogger,
  SKIPPED_EVENTS,
  requestRebuild,
  retryFailedEvent,
  skipFailedEvent,
} from '../../src/projections/projection-runner';

const HAPPENED = 'thing.happened';
const EXPLODED = 'thing.exploded';
const WAIT_MS = 5_000;

const clock: Clock = { now: () => new Date() };
/**
 * Every runner here is this test process (one lease holder), so a runner started after another
 * one stopped takes the leases over at once, as a restarted service does.
 */
const RUNNER_OPTIONS = { attempts: 2, resumePollMs: 10, holderId: 'projection-runner-spec' };

/** A toy projection: one document counting the events it applied, and the positions it saw. */
function counter(name: string, options: { failOn?: string; failing?: { on: boolean } } = {}): Projection {
  return {
    name,
    version: 1,
    handles: new Set([HAPPENED, EXPLODED]),
    collections: [{ name: 'counts', indexes: [] }],
    async apply(event, view) {
      if (options.failOn === event.type && (options.failing?.on ?? true)) throw new Error(`cannot apply ${event.type}`);
      const doc = (await view.get('counts', 'total')) as (Doc & { count: number; positions: number[] }) | null;
      await view.put('counts', { id: 'total', count: (doc?.count ?? 0) + 1, positions: [...(doc?.positions ?? []), event.position] });
    },
  };
}

function newEvent(type: string = HAPPENED): NewEvent {
  return { id: randomUUID(), type, data: { at: Date.now() }, metadata: { actor: 'test', resourceOwner: 'org', correlationId: 'c', causationId: 'c' } };
}

class RecordingLogger implements RunnerLogger {
  readonly errors: Array<{ message: string; context: Record<string, unknown> }> = [];
  error(message: string, context: Record<string, unknown>): void {
    this.errors.push({ message, context });
  }
  warn(): void {}
}

describe('ProjectionRunner on SQLite stores', () => {
  let dir: string;
  let eventStore: SqliteEventStore;
  let readStore: SqliteReadStore;
  let progress: ProjectionProgress;
  let runners: ProjectionRunner[];
  let logger: RecordingLogger;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grantline-runner-'));
    eventStore = new SqliteEventStore(path.join(dir, 'events.db'), { pollIntervalMs: 10 });
    readStore = new SqliteReadStore(path.join(dir, 'read.db'));
    progress = new ProjectionProgress(readStore, false);
    runners = [];
    logger = new RecordingLogger();
  });

  afterEach(async () => {
    for (const runner of runners) await runner.stop();
    progress.close();
    await readStore.close();
    await eventStore.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function startRunner(projections: readonly Projection[], into: ProjectionProgress = progress, options: { leaseTtlMs?: number } = {}): Promise<ProjectionRunner> {
    const runner = new ProjectionRunner(eventStore, readStore, projections, into, clock, logger, { ...RUNNER_OPTIONS, ...options });
    runners.push(runner);
    await runner.start();
    return runner;
  }

  /** Appends events to one stream each (so positions are consecutive) and returns the head. */
  async function given(...types: string[]): Promise<number> {
    for (const type of types) await eventStore.append(`thing-${randomUUID()}`, [newEvent(type)], 'no_stream');
    return eventStore.headPosition();
  }

  async function countOf(projection: Projection): Promise<{ count: number; positions: number[] } | null> {
    const doc = (await readStore.get(physicalCollection(projection, 'counts'), 'total')) as { count: number; positions: number[] } | null;
    return doc === null ? null : { count: doc.count, positions: doc.positions };
  }

  async function reach(projection: Projection, position: number): Promise<void> {
    expect(await progress.waitFor([projectionKey(projection)], position, WAIT_MS)).toBe(true);
  }

  async function statusOf(runner: ProjectionRunner, projection: Projection): Promise<ProjectionStatus | undefined> {
    return (await runner.status()).find((status) => status.key === projectionKey(projection));
  }

  /** Polls until `check` holds (for effects that are not reported through the progress). */
  async function eventually(check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('condition not reached in time');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('given a projection built from scratch whose last batch has nothing for it, when it reaches the head, then its deferred indexes are built', async () => {
    // Batches of two: [H, H] and [H, other] are applied short of the head; [other] reaches it
    // with nothing to apply. The indexes were built only after an applied batch, so they were
    // left to the next start (a second at 1M documents) or to the first query that needed them.
    const small = new SqliteEventStore(path.join(dir, 'events-small.db'), { pollIntervalMs: 10, batchSize: 2 });
    const projection: Projection = { ...counter('indexed'), collections: [{ name: 'counts', indexes: [{ fields: ['count'] }] }] };
    for (const type of [HAPPENED, HAPPENED, HAPPENED, 'other.thing', 'other.thing']) await small.append(`thing-${randomUUID()}`, [newEvent(type)], 'no_stream');
    const head = await small.headPosition();
    const runner = new ProjectionRunner(small, readStore, [projection], progress, clock, logger, RUNNER_OPTIONS);
    try {
      await runner.start();
      await reach(projection, head);
      const table = `c_${physicalCollection(projection, 'counts')}`;

      await eventually(async () => indexNames(path.join(dir, 'read.db'), table).length === 1);

      expect(await countOf(projection)).toEqual({ count: 3, positions: [1, 2, 3] });
    } finally {
      await runner.stop();
      await small.close();
    }
  });

  it('given events the projection does not handle, then its progress moves at once, its checkpoint follows, and a restart resumes from there without applying anything', async () => {
    const projection = counter('counter');
    const first = await given(HAPPENED);
    const runner = await startRunner([projection]);
    await reach(projection, first);

    const head = await given('other.thing', 'other.thing', 'other.thing');
    const lastOther = (await eventStore.readAll()).at(-1);
    await reach(projection, head);
    await eventually(async () => (await readStore.getCheckpoint(projectionKey(projection)))?.position === head);

    expect(await readStore.getCheckpoint(projectionKey(projection))).toMatchObject({ position: head, eventCreatedAt: lastOther?.createdAt });
    expect(await countOf(projection)).toEqual({ count: 1, positions: [first] });
    // Then an event it handles, after the skipped ones: applied once, checkpoint at the head.
    const next = await given(HAPPENED);
    await reach(projection, next);
    await runner.stop();
    const restartedProgress = new ProjectionProgress(readStore, false);
    await startRunner([projection], restartedProgress);
    try {
      expect(restartedProgress.position(projectionKey(projection))).toBe(next);
      expect(await countOf(projection)).toEqual({ count: 2, positions: [first, next] });
    } finally {
      restartedProgress.close();
    }
  });

  it('given two projections catching up over 40 full batches, one with nothing to apply in any, then they stay in step and the log is read once per batch', async () => {
    const BATCHES = 40; // well over what the store keeps for sharing (16)
    const perEvent: Projection = {
      name: 'per_event',
      version: 1,
      handles: new Set([HAPPENED]),
      collections: [{ name: 'seen', indexes: [] }],
      async apply(event, view) {
        // Real projections cost more per event than skipping does (look-ups, documents to build).
        const until = performance.now() + 0.02;
        while (performance.now() < until);
        await view.put('seen', { id: String(event.position) });
      },
    };
    const idle: Projection = { ...perEvent, name: 'idle', handles: new Set(['never.happens']) };
    for (let batch = 0; batch < BATCHES; batch += 1) {
      await eventStore.append(`thing-${randomUUID()}`, Array.from({ length: 1000 }, () => newEvent()), 'no_stream');
    }
    const head = await eventStore.headPosition();
    // What the subscriptions read from the log (the store's one read path), counted by batch found.
    const reads = jest.spyOn(eventStore as unknown as { readAllSync: (options: object) => unknown[] }, 'readAllSync');

    await startRunner([perEvent, idle]);
    await reach(perEvent, head);
    await reach(idle, head);

    const batchesRead = reads.mock.results.filter((result) => (result.value as unknown[]).length > 0).length;
    expect(batchesRead).toBe(BATCHES);
    expect((await readStore.query(physicalCollection(perEvent, 'seen'), { limit: 1 })).total).toBe(BATCHES * 1000);
  });

  it('given a clean stop right after events the projection does not handle, then the checkpoint is where it got to', async () => {
    const projection = counter('counter');
    const runner = await startRunner([projection]);
    const head = await given('other.thing', 'other.thing');
    await reach(projection, head);

    await runner.stop();

    expect(await readStore.getCheckpoint(projectionKey(projection))).toMatchObject({ position: head });
  });

  it('given five events, when the runner runs a counting projection, then it counts five and its checkpoint is the last position', async () => {
    const projection = counter('counter');
    const head = await given(HAPPENED, HAPPENED, HAPPENED, HAPPENED, HAPPENED);
    const last = (await eventStore.readAll()).at(-1);

    const runner = await startRunner([projection]);
    await reach(projection, head);

    expect(await countOf(projection)).toEqual({ count: 5, positions: [1, 2, 3, 4, 5] });
    const checkpoint = await readStore.getCheckpoint(projectionKey(projection));
    expect(checkpoint?.position).toBe(head);
    expect(checkpoint?.eventCreatedAt).toEqual(last?.createdAt);
    expect(await statusOf(runner, projection)).toMatchObject({ state: 'running', position: head });
  });

  it('given a projection that caught up over more documents than a live projection keeps, then its cache starts again empty: its next live event reads its document from the store', async () => {
    const projection: Projection = {
      name: 'keyed',
      version: 1,
      handles: new Set([HAPPENED]),
      collections: [{ name: 'docs', indexes: [] }],
      async apply(event, view) {
        const key = (event.data as { key: string }).key;
        const doc = (await view.get('docs', key)) as (Doc & { count: number }) | null;
        await view.put('docs', { id: key, count: (doc?.count ?? 0) + 1 });
      },
    };
    // 6,000 documents, more than LIVE_CACHE_LIMIT; delivered in full batches, so the runner is catching up.
    for (let chunk = 0; chunk < 60; chunk += 1) {
      const events = Array.from({ length: 100 }, (_, i) => ({ ...newEvent(), data: { key: `d-${chunk * 100 + i}` } }));
      await eventStore.append(`keyed-${chunk}`, events, 'no_stream');
    }
    await startRunner([projection]);
    await reach(projection, await eventStore.headPosition());

    const storeReads: string[] = [];
    const transact = readStore.transact.bind(readStore);
    jest.spyOn(readStore, 'transact').mockImplementation((work) =>
      transact((tx) =>
        work(
          new Proxy(tx, {
            get(target, property) {
              if (property === 'get') return async (collection: string, id: string) => (storeReads.push(id), target.get(collection, id));
              const value: unknown = Reflect.get(target, property);
              return typeof value === 'function' ? value.bind(target) : value;
            },
          }),
        ),
      ),
    );
    await eventStore.append('keyed-live', [{ ...newEvent(), data: { key: 'd-0' } }], 'no_stream');
    await reach(projection, await eventStore.headPosition());

    expect(storeReads).toContain('d-0');
    expect(await readStore.get(physicalCollection(projection, 'docs'), 'd-0')).toMatchObject({ count: 2 });
  });

  it('given a projection that ignores an event type, then the checkpoint still moves past those events', async () => {
    const projection: Projection = { ...counter('picky'), handles: new Set([HAPPENED]) };
    const head = await given(HAPPENED, 'thing.ignored', 'thing.ignored');

    await startRunner([projection]);
    await reach(projection, head);

    expect(await countOf(projection)).toMatchObject({ count: 1 });
    expect((await readStore.getCheckpoint(projectionKey(projection)))?.position).toBe(head);
  });

  it('given events appended while it runs, then the projection follows them live', async () => {
    const projection = counter('live');
    await startRunner([projection]);

    const head = await given(HAPPENED, HAPPENED, HAPPENED);
    await reach(projection, head);

    expect(await countOf(projection)).toMatchObject({ count: 3 });
  });

  it('given a runner stopped after three events, when a new runner starts and two more arrive, then each event was applied exactly once', async () => {
    const projection = counter('restart');
    const first = await given(HAPPENED, HAPPENED, HAPPENED);
    const runner = await startRunner([projection]);
    await reach(projection, first);
    await runner.stop();

    const second = await given(HAPPENED, HAPPENED);
    const restartedProgress = new ProjectionProgress(readStore, false);
    try {
      await startRunner([projection], restartedProgress);
      expect(restartedProgress.position(projectionKey(projection))).toBeGreaterThanOrEqual(first);
      expect(await restartedProgress.waitFor([projectionKey(projection)], second, WAIT_MS)).toBe(true);
    } finally {
      restartedProgress.close();
    }

    expect(await countOf(projection)).toEqual({ count: 5, positions: [1, 2, 3, 4, 5] });
  });

  it('given a store that delivers every batch twice (at-least-once), then each event is applied once', async () => {
    const projection = counter('idempotent');
    const head = await given(HAPPENED, HAPPENED, HAPPENED);
    const twice: EventStore = {
      append: (stream, events, expected) => eventStore.append(stream, events, expected),
      readStream: (stream, from) => eventStore.readStream(stream, from),
      readLastEvent: (stream) => eventStore.readLastEvent(stream),
      readAll: (options) => eventStore.readAll(options),
      headPosition: () => eventStore.headPosition(),
      subscribeToAll: (from, handler, onError) =>
        eventStore.subscribeToAll(
          from,
          async (events) => {
            await handler(events);
            await handler(events);
          },
          onError,
        ),
      close: () => eventStore.close(),
    };
    const runner = new ProjectionRunner(twice, readStore, [projection], progress, clock, logger, RUNNER_OPTIONS);
    runners.push(runner);

    await runner.start();
    await reach(projection, head);
    // The subscription hands over batches in order: once the next event is in, the repeats are done.
    const next = await given(HAPPENED);
    await reach(projection, next);

    expect(await countOf(projection)).toEqual({ count: 4, positions: [1, 2, 3, 4] });
  });

  it('given another live process holds the lease, then this runner stands by; when that holder stops renewing, it takes over', async () => {
    const projection = counter('leased');
    const first = await given(HAPPENED, HAPPENED);
    const options = { ...RUNNER_OPTIONS, leaseTtlMs: 300 };
    const holder = new ProjectionRunner(eventStore, readStore, [projection], progress, clock, logger, { ...options, holderId: 'process-a' });
    runners.push(holder);
    await holder.start();
    await reach(projection, first);
    const otherProgress = new ProjectionProgress(readStore, false);
    const standby = new ProjectionRunner(eventStore, readStore, [projection], otherProgress, clock, logger, { ...options, holderId: 'process-b' });
    runners.push(standby);

    try {
      await standby.start();
      expect(await statusOf(standby, projection)).toMatchObject({ state: 'standby' });

      await holder.stop();
      const second = await given(HAPPENED);
      expect(await otherProgress.waitFor([projectionKey(projection)], second, WAIT_MS)).toBe(true);
    } finally {
      otherProgress.close();
    }

    expect(await statusOf(standby, projection)).toMatchObject({ state: 'running' });
    expect(await countOf(projection)).toEqual({ count: 3, positions: [1, 2, 3] });
  });

  it('given an event one projection cannot apply, then it stops there with a failure record while the other reaches the head', async () => {
    const failing = counter('failing', { failOn: EXPLODED });
    const healthy = counter('healthy');
    const head = await given(HAPPENED, HAPPENED, EXPLODED, HAPPENED);
    const exploded = (await eventStore.readAll()).find((event) => event.type === EXPLODED);

    const runner = await startRunner([failing, healthy]);
    await reach(healthy, head);
    await eventually(async () => (await statusOf(runner, failing))?.state === 'stopped');

    const status = await statusOf(runner, failing);
    expect(status).toMatchObject({ state: 'stopped', position: 2 });
    const record = (await readStore.get(FAILED_EVENTS, projectionKey(failing))) as FailedEvent | null;
    expect(record).toMatchObject({
      projection: projectionKey(failing),
      position: 3,
      eventId: exploded?.id,
      eventType: EXPLODED,
      error: 'cannot apply thing.exploded',
      failureCount: 2,
    });
    expect(status?.failure).toEqual(record);
    expect(await countOf(failing)).toEqual({ count: 2, positions: [1, 2] });
    expect((await readStore.getCheckpoint(projectionKey(failing)))?.position).toBe(2);
    expect(await countOf(healthy)).toMatchObject({ count: 4 });
    expect(await statusOf(runner, healthy)).toMatchObject({ state: 'running', position: head });
    expect(logger.errors.map((entry) => entry.context.position)).toContain(3);
  });

  it('given a stopped projection, when more events arrive, then it stays where it stopped (fail closed)', async () => {
    const failing = counter('closed', { failOn: EXPLODED });
    const healthy = counter('witness');
    await given(HAPPENED, EXPLODED);
    const runner = await startRunner([failing, healthy]);
    await eventually(async () => (await statusOf(runner, failing))?.state === 'stopped');

    const head = await given(HAPPENED, HAPPENED);
    await reach(healthy, head);

    expect(await countOf(failing)).toMatchObject({ count: 1 });
    expect((await readStore.getCheckpoint(projectionKey(failing)))?.position).toBe(1);
    expect(await statusOf(runner, failing)).toMatchObject({ state: 'stopped', position: 1 });
  });

  it('given a failure record from an earlier run, when the runner starts, then the projection starts stopped', async () => {
    const failing = counter('remembered', { failOn: EXPLODED });
    await given(EXPLODED, HAPPENED);
    const first = await startRunner([failing]);
    await eventually(async () => (await statusOf(first, failing))?.state === 'stopped');
    await first.stop();

    const second = await startRunner([counter('remembered')]);

    expect(await statusOf(second, failing)).toMatchObject({ state: 'stopped', position: 0 });
    expect(await countOf(failing)).toBeNull();
  });

  it('given a stopped projection, when it is fixed and retryFailedEvent is called, then it applies the failed event and reaches the head', async () => {
    const failing = { on: true };
    const projection = counter('retried', { failOn: EXPLODED, failing });
    await given(HAPPENED, EXPLODED, HAPPENED);
    const runner = await startRunner([projection]);
    await eventually(async () => (await statusOf(runner, projection))?.state === 'stopped');

    failing.on = false;
    expect(await retryFailedEvent(readStore, projectionKey(projection))).toBe(true);
    const head = await given(HAPPENED);
    await reach(projection, head);

    expect(await countOf(projection)).toEqual({ count: 4, positions: [1, 2, 3, 4] });
    expect(await readStore.get(FAILED_EVENTS, projectionKey(projection))).toBeNull();
    expect(await statusOf(runner, projection)).toMatchObject({ state: 'running', position: head });
  });

  it('given a stopped projection still failing, when retried, then it applies the event again and stops again on it', async () => {
    const projection = counter('stubborn', { failOn: EXPLODED });
    await given(EXPLODED, HAPPENED);
    const runner = await startRunner([projection]);
    await eventually(async () => (await statusOf(runner, projection))?.state === 'stopped');
    expect(logger.errors).toHaveLength(1);

    expect(await retryFailedEvent(readStore, projectionKey(projection))).toBe(true);
    await eventually(async () => logger.errors.length === 2 && (await readStore.get(FAILED_EVENTS, projectionKey(projection))) !== null);

    expect(await readStore.get(FAILED_EVENTS, projectionKey(projection))).toMatchObject({ position: 1, eventType: EXPLODED });
    expect(await statusOf(runner, projection)).toMatchObject({ state: 'stopped', position: 0 });
    expect(await countOf(projection)).toBeNull();
  });

  describe('rebuild on request', () => {
    /** Lease tending (which picks up rebuild requests) runs every leaseTtlMs / 3. */
    const FAST_LEASES = { leaseTtlMs: 300 };

    async function rebuildRecords(key: string): Promise<readonly Doc[]> {
      return (await readStore.query(REBUILDS, { filter: [{ op: 'eq', field: 'projection', value: key }] })).docs;
    }

    it('given a projection at the head whose read model was damaged, when a rebuild is requested, then it starts over from 0 and the damage is gone', async () => {
      const projection = counter('rebuilt');
      const head = await given(HAPPENED, HAPPENED, HAPPENED);
      await startRunner([projection], progress, FAST_LEASES);
      await reach(projection, head);
      const counts = physicalCollection(projection, 'counts');
      await readStore.transact(async (tx) => {
        await tx.put(counts, { id: 'total', count: 99, positions: [] });
        await tx.put(counts, { id: 'stray', count: 1, positions: [] });
      });

      await requestRebuild(readStore, projectionKey(projection), 'counts were edited by hand', clock);
      await eventually(async () => (await countOf(projection))?.count === 3 && (await readStore.get(REBUILD_REQUESTS, projectionKey(projection))) === null);

      expect(await countOf(projection)).toEqual({ count: 3, positions: [1, 2, 3] });
      expect(await readStore.get(counts, 'stray')).toBeNull();
      expect((await readStore.getCheckpoint(projectionKey(projection)))?.position).toBe(head);
      expect(await rebuildRecords(projectionKey(projection))).toEqual([expect.objectContaining({ reason: 'counts were edited by hand' })]);
      const later = await given(HAPPENED);
      await reach(projection, later);
      expect((await countOf(projection))?.count).toBe(4);
    });

    it('given a stopped projection whose bug is fixed, when a rebuild is requested, then its failure record goes and it reaches the head', async () => {
      const failing = { on: true };
      const projection = counter('rebuilt_after_failure', { failOn: EXPLODED, failing });
      const head = await given(HAPPENED, EXPLODED, HAPPENED);
      const runner = await startRunner([projection], progress, FAST_LEASES);
      await eventually(async () => (await statusOf(runner, projection))?.state === 'stopped');

      failing.on = false;
      await requestRebuild(readStore, projectionKey(projection), 'fixed the handler', clock);
      await reach(projection, head);

      expect(await countOf(projection)).toEqual({ count: 3, positions: [1, 2, 3] });
      expect(await readStore.get(FAILED_EVENTS, projectionKey(projection))).toBeNull();
      expect(await statusOf(runner, projection)).toMatchObject({ state: 'running', position: head });
    });

    it('given a rebuild requested while no process runs the projection, when a runner starts, then it rebuilds before resuming', async () => {
      const projection = counter('rebuilt_at_start');
      const head = await given(HAPPENED, HAPPENED);
      const first = await startRunner([projection]);
      await reach(projection, head);
      await first.stop();
      await readStore.transact((tx) => tx.put(physicalCollection(projection, 'counts'), { id: 'total', count: 42, positions: [] }));
      await requestRebuild(readStore, projectionKey(projection), 'restore after a bad migration', clock);

      const restartedProgress = new ProjectionProgress(readStore, false);
      try {
        await startRunner([projection], restartedProgress);
        expect(await restartedProgress.waitFor([projectionKey(projection)], head, WAIT_MS)).toBe(true);
      } finally {
        restartedProgress.close();
      }

      expect(await countOf(projection)).toEqual({ count: 2, positions: [1, 2] });
      expect(await readStore.get(REBUILD_REQUESTS, projectionKey(projection))).toBeNull();
    });
  });

  it('given no failure record, then retryFailedEvent and skipFailedEvent answer that there is nothing to do', async () => {
    await startRunner([counter('fine')]);

    expect(await retryFailedEvent(readStore, 'nothing1')).toBe(false);
    expect(await skipFailedEvent(readStore, 'nothing1', 'why', clock)).toBeNull();
  });

  it('given a stopped projection, when skipFailedEvent is called with a reason, then the skip is recorded and the projection moves past the event', async () => {
    const projection = counter('skipped', { failOn: EXPLODED });
    await given(HAPPENED, EXPLODED, HAPPENED);
    const runner = await startRunner([projection]);
    await eventually(async () => (await statusOf(runner, projection))?.state === 'stopped');
    const key = projectionKey(projection);

    const skipped = await skipFailedEvent(readStore, key, 'operator: event 2 is known bad (ticket 42)', clock);
    const head = await given(HAPPENED);
    await reach(projection, head);

    expect(skipped).toMatchObject({ position: 2, eventType: EXPLODED });
    expect(await readStore.get(SKIPPED_EVENTS, `${key}:2`)).toMatchObject({
      projection: key,
      position: 2,
      eventType: EXPLODED,
      reason: 'operator: event 2 is known bad (ticket 42)',
      skippedAt: expect.any(String),
    });
    expect(await readStore.get(FAILED_EVENTS, key)).toBeNull();
    expect(await countOf(projection)).toEqual({ count: 3, positions: [1, 3, 4] });
    expect(await statusOf(runner, projection)).toMatchObject({ state: 'running', position: head });
  });
});

describe('ProjectionProgress.waitFor', () => {
  let dir: string;
  let readStore: SqliteReadStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grantline-progress-'));
    readStore = new SqliteReadStore(path.join(dir, 'read.db'));
  });

  afterEach(async () => {
    await readStore.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('given a projection at 5, when waiting for 5, then true at once', async () => {
    const progress = new ProjectionProgress(readStore, false);
    progress.report('a1', 5);

    expect(await progress.waitFor(['a1'], 5, 10)).toBe(true);
    progress.close();
  });

  it('given a wait for 7 on two projections, when both report 7 later, then true', async () => {
    const progress = new ProjectionProgress(readStore, false);
    const waiting = progress.waitFor(['a1', 'b1'], 7, WAIT_MS);

    progress.report('a1', 7);
    setTimeout(() => progress.report('b1', 9), 20);

    expect(await waiting).toBe(true);
    progress.close();
  });

  it('given one projection never gets there, when the timeout passes, then false', async () => {
    const progress = new ProjectionProgress(readStore, false);
    const started = Date.now();
    const waiting = progress.waitFor(['a1', 'b1'], 7, 60);
    progress.report('a1', 7);
    progress.report('b1', 6);

    expect(await waiting).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    progress.close();
  });

  it('given a position reported lower than before, then the projection does not go back', async () => {
    const progress = new ProjectionProgress(readStore, false);
    progress.report('a1', 9);
    progress.report('a1', 3);

    expect(progress.position('a1')).toBe(9);
    progress.close();
  });

  it('given projections run elsewhere, when the checkpoint is written to the read store, then the polling waiter sees it', async () => {
    const progress = new ProjectionProgress(readStore, true, 5);
    const waiting = progress.waitFor(['remote1'], 4, WAIT_MS);

    await readStore.transact((tx) => tx.setCheckpoint({ projection: 'remote1', position: 4, eventCreatedAt: null, updatedAt: new Date() }));

    expect(await waiting).toBe(true);
    progress.close();
  });

  it('given a local projection restarted from 0 (a rebuild), then waiting for its old position waits again', async () => {
    const progress = new ProjectionProgress(readStore, false);
    progress.report('a1', 9);

    progress.restart('a1');

    expect(progress.position('a1')).toBe(0);
    expect(await progress.waitFor(['a1'], 9, 30)).toBe(false);
    progress.close();
  });

  it('given a projection rebuilt elsewhere (its checkpoint deleted, then lower), then the polling progress goes back with it', async () => {
    // maxStaleMs 0: every wait reads the checkpoints again (by default at most 250 ms old).
    const progress = new ProjectionProgress(readStore, true, 5, 0);
    await readStore.transact((tx) => tx.setCheckpoint({ projection: 'remote1', position: 9, eventCreatedAt: null, updatedAt: new Date() }));
    expect(await progress.waitFor(['remote1'], 9, WAIT_MS)).toBe(true);

    await readStore.deleteCheckpoint('remote1');
    expect(await progress.waitFor(['remote1'], 9, 30)).toBe(false);
    expect(progress.position('remote1')).toBe(0);
    await readStore.transact((tx) => tx.setCheckpoint({ projection: 'remote1', position: 4, eventCreatedAt: null, updatedAt: new Date() }));
    expect(await progress.waitFor(['remote1'], 9, 30)).toBe(false);

    expect(progress.position('remote1')).toBe(4);
    progress.close();
  });

  it('given projections this process applies, then waits on them are answered by their reports and never read the checkpoints', async () => {
    const progress = new ProjectionProgress(readStore, true, 5, 0);
    progress.setLocal('a1', true);
    let checkpointReads = 0;
    const listCheckpoints = readStore.listCheckpoints.bind(readStore);
    readStore.listCheckpoints = async () => {
      checkpointReads += 1;
      return listCheckpoints();
    };
    // A stored checkpoint ahead of what the runner reported does not answer a local wait.
    await readStore.transact((tx) => tx.setCheckpoint({ projection: 'a1', position: 9, eventCreatedAt: null, updatedAt: new Date() }));

    const waiting = progress.waitFor(['a1'], 9, WAIT_MS);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(progress.position('a1')).toBe(0);
    progress.report('a1', 9);

    expect(await waiting).toBe(true);
    expect(checkpointReads).toBe(0);
    // A wait that includes a projection applied elsewhere still reads them.
    await readStore.transact((tx) => tx.setCheckpoint({ projection: 'remote1', position: 9, eventCreatedAt: null, updatedAt: new Date() }));
    expect(await progress.waitFor(['a1', 'remote1'], 9, WAIT_MS)).toBe(true);
    expect(checkpointReads).toBeGreaterThan(0);
    progress.close();
  });

  it('given projections run elsewhere and never get there, then false on timeout', async () => {
    const progress = new ProjectionProgress(readStore, true, 5);
    await readStore.transact((tx) => tx.setCheckpoint({ projection: 'remote1', position: 3, eventCreatedAt: null, updatedAt: new Date() }));

    expect(await progress.waitFor(['remote1'], 4, 50)).toBe(false);
    progress.close();
  });
});

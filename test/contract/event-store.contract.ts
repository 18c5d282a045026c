import { randomUUID } from 'node:crypto';
import type { EventMetadata, NewEvent, RecordedEvent } from '../../src/kernel/event';
import {
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type Subscription,
  StoreUnavailable,
  WrongExpectedRevision,
} from '../../src/kernel/event-store.port';

export interface EventStoreFixture {
  readonly store: EventStore;
  /** Closes the store (it may be closed already) and removes what the fixture created. */
  readonly cleanup: () => Promise<void>;
}

export interface EventStoreContractOptions {
  /** False when `create` connects to a shared server whose log may already hold events. */
  readonly startsEmpty?: boolean;
}

/**
 * The behaviour every EventStore adapter must show. Each test writes to streams named after a
 * random prefix and reads `$all` from the head it saw first, so the suite also runs against a
 * shared server that other tests write to.
 */
export function describeEventStoreContract(
  adapterName: string,
  create: () => Promise<EventStoreFixture>,
  options: EventStoreContractOptions = {},
): void {
  const startsEmpty = options.startsEmpty ?? true;

  describe(`EventStore contract: ${adapterName}`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;
    let prefix: string;
    let subscriptions: Subscription[];

    beforeEach(async () => {
      ({ store, cleanup } = await create());
      prefix = `ct${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      subscriptions = [];
    });

    afterEach(async () => {
      await Promise.all(subscriptions.map((subscription) => subscription.stop()));
      await cleanup();
    });

    const streamOf = (name: string) => `${prefix}-${name}`;
    const ours = (events: readonly RecordedEvent[]) => events.filter((event) => event.stream.startsWith(`${prefix}-`));
    const idsOf = (results: readonly AppendResult[]) => results.flatMap((result) => result.events.map((event) => event.id));

    function newEvent(type = 'thing.happened', data: unknown = { n: 1 }): NewEvent {
      return { id: randomUUID(), type, data, metadata: metadataFor(prefix) };
    }

    function subscribe(
      from: number,
      handler: (events: readonly RecordedEvent[]) => Promise<void>,
      errors: unknown[],
    ): Subscription {
      const subscription = store.subscribeToAll(from, handler, (error) => errors.push(error));
      subscriptions.push(subscription);
      return subscription;
    }

    describe('append and readStream', () => {
      it('given an appended event, readStream returns every field of it as recorded', async () => {
        const stream = streamOf('order-1');
        const event: NewEvent = {
          id: randomUUID(),
          type: 'project.grant.added',
          data: { name: 'Grantline ✓ 🚀', roleKeys: ['viewer', 'editor'], nested: { n: 1.5, on: true, none: null } },
          metadata: {
            actor: 'user-42',
            resourceOwner: 'org-7',
            correlationId: randomUUID(),
            causationId: randomUUID(),
          },
        };

        const result = await store.append(stream, [event], 'no_stream');
        const read = await store.readStream(stream);

        expect(read).toHaveLength(1);
        const recorded = read[0];
        expect(recorded).toEqual({
          id: event.id,
          stream,
          type: 'project.grant.added',
          revision: 0,
          position: expect.any(Number),
          createdAt: expect.any(Date),
          data: event.data,
          metadata: event.metadata,
        });
        expect(recorded?.position).toBeGreaterThan(0);
        expect(Number.isNaN(recorded?.createdAt.getTime())).toBe(false);
        expect(Math.abs((recorded?.createdAt.getTime() ?? 0) - Date.now())).toBeLessThan(5 * 60_000);
        expect(result).toEqual({
          lastRevision: 0,
          position: recorded?.position,
          createdAt: recorded?.createdAt,
          events: read,
        });
      });

      it('given a multi-event append, its events get revisions from 0 and increasing positions', async () => {
        const stream = streamOf('order-1');
        const events = [newEvent('a.added'), newEvent('b.added'), newEvent('c.added')];

        const result = await store.append(stream, events, 'no_stream');

        expect(result.events.map((event) => event.revision)).toEqual([0, 1, 2]);
        expect(result.events.map((event) => event.id)).toEqual(events.map((event) => event.id));
        expectStrictlyIncreasing(result.events.map((event) => event.position));
        expect(result.lastRevision).toBe(2);
        expect(result.position).toBe(result.events[2]?.position);
        expect(await store.readStream(stream)).toEqual(result.events);
      });

      it('given earlier appends, a later append gets higher positions and continues the revisions', async () => {
        const stream = streamOf('order-1');
        const first = await store.append(stream, [newEvent(), newEvent()], 'no_stream');
        const other = await store.append(streamOf('order-2'), [newEvent()], 'no_stream');
        const second = await store.append(stream, [newEvent()], 1);

        expect(other.position).toBeGreaterThan(first.position);
        expect(second.position).toBeGreaterThan(other.position);
        expect(second.lastRevision).toBe(2);
        expect(second.createdAt.getTime()).toBeGreaterThanOrEqual(first.createdAt.getTime());
        expect((await store.readStream(stream)).map((event) => event.revision)).toEqual([0, 1, 2]);
      });

      it('reads a stream from a revision on, inclusive', async () => {
        const stream = streamOf('order-1');
        const result = await store.append(stream, [newEvent(), newEvent(), newEvent(), newEvent()], 'no_stream');

        expect(await store.readStream(stream, 2)).toEqual(result.events.slice(2));
        expect(await store.readStream(stream, 4)).toEqual([]);
      });

      it('reads an absent stream as empty', async () => {
        expect(await store.readStream(streamOf('never-written'))).toEqual([]);
      });

      it('reads the last event of a stream, after several appends; an absent stream has none', async () => {
        const stream = streamOf('order-1');
        await store.append(stream, [newEvent('a'), newEvent('b')], 'no_stream');
        const later = await store.append(stream, [newEvent('c', { n: 3 })], 1);
        await store.append(streamOf('order-2'), [newEvent('other')], 'no_stream');

        expect(await store.readLastEvent(stream)).toEqual(later.events[0]);
        expect(await store.readLastEvent(streamOf('never-written'))).toBeUndefined();
      });

      it('keeps streams apart', async () => {
        const a = await store.append(streamOf('a'), [newEvent()], 'no_stream');
        const b = await store.append(streamOf('b'), [newEvent(), newEvent()], 'no_stream');

        expect(await store.readStream(streamOf('a'))).toEqual(a.events);
        expect(await store.readStream(streamOf('b'))).toEqual(b.events);
      });
    });

    describe('expected revision', () => {
      it("'no_stream' accepts an absent stream and rejects an existing one naming its revision", async () => {
        const stream = streamOf('s');
        await store.append(stream, [newEvent()], 'no_stream');

        await expectWrongRevision(store.append(stream, [newEvent()], 'no_stream'), stream, 'no_stream', 0);
      });

      it("'exists' rejects an absent stream and accepts an existing one", async () => {
        const stream = streamOf('s');
        await expectWrongRevision(store.append(stream, [newEvent()], 'exists'), stream, 'exists', 'no_stream');

        await store.append(stream, [newEvent()], 'any');
        const result = await store.append(stream, [newEvent()], 'exists');

        expect(result.lastRevision).toBe(1);
      });

      it("'any' accepts both an absent and an existing stream", async () => {
        const stream = streamOf('s');
        expect((await store.append(stream, [newEvent()], 'any')).lastRevision).toBe(0);
        expect((await store.append(stream, [newEvent()], 'any')).lastRevision).toBe(1);
      });

      it('an exact revision accepts the current one and rejects stale, future and absent ones', async () => {
        const stream = streamOf('s');
        await expectWrongRevision(store.append(stream, [newEvent()], 0), stream, 0, 'no_stream');
        await store.append(stream, [newEvent(), newEvent()], 'no_stream');

        await expectWrongRevision(store.append(stream, [newEvent()], 0), stream, 0, 1);
        await expectWrongRevision(store.append(stream, [newEvent()], 5), stream, 5, 1);
        expect((await store.append(stream, [newEvent()], 1)).lastRevision).toBe(2);
      });

      it('a rejected multi-event append writes none of its events', async () => {
        const stream = streamOf('s');
        const first = await store.append(stream, [newEvent()], 'no_stream');
        const headBefore = await store.headPosition();

        await expectWrongRevision(store.append(stream, [newEvent(), newEvent(), newEvent()], 5), stream, 5, 0);

        expect(await store.readStream(stream)).toEqual(first.events);
        if (startsEmpty) expect(await store.headPosition()).toBe(headBefore);
      });
    });

    describe('idempotent retries', () => {
      it('given an append, retrying it returns the original result and stores nothing new', async () => {
        const stream = streamOf('s');
        const events = [newEvent(), newEvent()];
        const original = await store.append(stream, events, 'no_stream');

        const retried = await store.append(stream, events, 'no_stream');

        expect(retried).toEqual(original);
        expect(await store.readStream(stream)).toEqual(original.events);
      });

      it('given the stream moved on since, a retry still returns the original result', async () => {
        const stream = streamOf('s');
        const events = [newEvent(), newEvent()];
        const original = await store.append(stream, events, 'no_stream');
        const later = await store.append(stream, [newEvent()], 1);

        const retried = await store.append(stream, events, 'no_stream');

        expect(retried).toEqual(original);
        expect(await store.readStream(stream)).toEqual([...original.events, ...later.events]);
      });

      it("a retry with 'any' or 'exists' returns the original result", async () => {
        const stream = streamOf('s');
        const first = await store.append(stream, [newEvent()], 'no_stream');
        const events = [newEvent()];
        const original = await store.append(stream, events, 'any');

        expect(await store.append(stream, events, 'any')).toEqual(original);
        expect(await store.append(stream, events, 'exists')).toEqual(original);
        expect(await store.readStream(stream)).toEqual([...first.events, ...original.events]);
      });
    });

    describe('readAll', () => {
      it('returns the events after fromPosition (exclusive) in position order', async () => {
        const from = await store.headPosition();
        const a = await store.append(streamOf('a'), [newEvent(), newEvent()], 'no_stream');
        const b = await store.append(streamOf('b'), [newEvent()], 'no_stream');
        const c = await store.append(streamOf('a'), [newEvent()], 1);

        const all = await store.readAll({ fromPosition: from });
        expectStrictlyIncreasing(all.map((event) => event.position));
        expect(all.every((event) => event.position > from)).toBe(true);
        expect(ours(all)).toEqual([...a.events, ...b.events, ...c.events]);

        const afterFirst = await store.readAll({ fromPosition: a.events[0]?.position ?? 0 });
        expect(ours(afterFirst)).toEqual([...a.events.slice(1), ...b.events, ...c.events]);
        expect(ours(await store.readAll({ fromPosition: c.position }))).toEqual([]);
      });

      it('returns at most limit events', async () => {
        const from = await store.headPosition();
        const filter = { streamPrefixes: [`${prefix}-`] };
        const result = await store.append(streamOf('a'), [newEvent(), newEvent(), newEvent()], 'no_stream');

        expect(await store.readAll({ fromPosition: from, filter, limit: 2 })).toEqual(result.events.slice(0, 2));
        expect(await store.readAll({ fromPosition: from, limit: 2 })).toHaveLength(2);
      });

      it('filters by event type', async () => {
        const from = await store.headPosition();
        const added = `${prefix}.thing.added`;
        const removed = `${prefix}.thing.removed`;
        const result = await store.append(
          streamOf('a'),
          [newEvent(added), newEvent(`${prefix}.thing.changed`), newEvent(removed), newEvent(added)],
          'no_stream',
        );
        const [first, , third, fourth] = result.events;

        expect(await store.readAll({ fromPosition: from, filter: { eventTypes: [added, removed] } })).toEqual([
          first,
          third,
          fourth,
        ]);
      });

      it('filters by stream prefix', async () => {
        const from = await store.headPosition();
        const alpha1 = await store.append(streamOf('alpha-1'), [newEvent()], 'no_stream');
        await store.append(streamOf('beta-1'), [newEvent()], 'no_stream');
        const alpha2 = await store.append(streamOf('alpha-2'), [newEvent()], 'no_stream');
        const gamma = await store.append(streamOf('gamma-1'), [newEvent()], 'no_stream');

        const read = await store.readAll({
          fromPosition: from,
          filter: { streamPrefixes: [streamOf('alpha-'), streamOf('gamma-')] },
        });

        expect(read).toEqual([...alpha1.events, ...alpha2.events, ...gamma.events]);
      });

      it('combines an event type filter and a stream prefix filter', async () => {
        const from = await store.headPosition();
        const wanted = `${prefix}.wanted`;
        const alpha = await store.append(streamOf('alpha-1'), [newEvent(wanted), newEvent('other')], 'no_stream');
        await store.append(streamOf('beta-1'), [newEvent(wanted)], 'no_stream');

        const read = await store.readAll({
          fromPosition: from,
          filter: { eventTypes: [wanted], streamPrefixes: [streamOf('alpha-')] },
        });

        expect(read).toEqual(alpha.events.slice(0, 1));
      });

      it('returns nothing for an empty list of types or prefixes', async () => {
        const from = await store.headPosition();
        await store.append(streamOf('a'), [newEvent()], 'no_stream');

        expect(await store.readAll({ fromPosition: from, filter: { eventTypes: [] } })).toEqual([]);
        expect(await store.readAll({ fromPosition: from, filter: { streamPrefixes: [] } })).toEqual([]);
      });
    });

    describe('headPosition', () => {
      (startsEmpty ? it : it.skip)('is 0 on an empty store', async () => {
        expect(await store.headPosition()).toBe(0);
        expect(await store.readAll()).toEqual([]);
      });

      it('is the position of the last appended event', async () => {
        await store.append(streamOf('a'), [newEvent()], 'no_stream');
        const last = await store.append(streamOf('b'), [newEvent(), newEvent()], 'no_stream');

        const head = await store.headPosition();

        if (startsEmpty) expect(head).toBe(last.position);
        else expect(head).toBeGreaterThanOrEqual(last.position);
        const after = await store.readAll({ fromPosition: head });
        expect(ours(after)).toEqual([]);
      });
    });

    describe('concurrency', () => {
      it('given 200 concurrent appends to 50 streams, all are stored in one strictly increasing order', async () => {
        const from = await store.headPosition();

        const results = await Promise.all(
          Array.from({ length: 200 }, (_, i) => store.append(streamOf(`c-${i % 50}`), [newEvent()], 'any')),
        );

        const read = await store.readAll({ fromPosition: from, filter: { streamPrefixes: [streamOf('c-')] } });
        expect(read).toHaveLength(200);
        expectStrictlyIncreasing(read.map((event) => event.position));
        expect(new Set(results.map((result) => result.position)).size).toBe(200);
        expect(new Set(read.map((event) => event.id))).toEqual(new Set(idsOf(results)));
        const byId = new Map(read.map((event) => [event.id, event]));
        for (const result of results) expect(byId.get(result.events[0]?.id ?? '')).toEqual(result.events[0]);
        for (let i = 0; i < 50; i += 1) {
          const stream = await store.readStream(streamOf(`c-${i}`));
          expect(stream.map((event) => event.revision)).toEqual([0, 1, 2, 3]);
          expectStrictlyIncreasing(stream.map((event) => event.position));
        }
      });

      it('given concurrent appends expecting the same revision, exactly one wins', async () => {
        const stream = streamOf('race');
        await store.append(stream, [newEvent()], 'no_stream');

        const outcomes = await Promise.allSettled(
          Array.from({ length: 20 }, () => store.append(stream, [newEvent()], 0)),
        );

        const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
        const lost = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(19);
        for (const error of lost) {
          expect(error).toBeInstanceOf(WrongExpectedRevision);
          expect(error).toMatchObject({ stream, expected: 0, actual: 1 });
        }
        const winner = won[0]?.status === 'fulfilled' ? won[0].value : undefined;
        expect((await store.readStream(stream)).slice(1)).toEqual(winner?.events);
      });

      it("given concurrent 'no_stream' appends to one stream, exactly one creates it", async () => {
        const stream = streamOf('reservation');

        const outcomes = await Promise.allSettled(
          Array.from({ length: 10 }, () => store.append(stream, [newEvent()], 'no_stream')),
        );

        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') {
            expect(outcome.reason).toBeInstanceOf(WrongExpectedRevision);
            expect(outcome.reason).toMatchObject({ stream, expected: 'no_stream', actual: 0 });
          }
        }
        expect(await store.readStream(stream)).toHaveLength(1);
      });
    });

    describe('subscribeToAll', () => {
      it('delivers history, then live events, in order, each once', async () => {
        const from = await store.headPosition();
        const history = [
          await store.append(streamOf('h-1'), [newEvent(), newEvent()], 'no_stream'),
          await store.append(streamOf('h-2'), [newEvent()], 'no_stream'),
        ];
        const delivered: RecordedEvent[] = [];
        const errors: unknown[] = [];
        subscribe(from, async (events) => void delivered.push(...events), errors);

        await waitFor(() => ours(delivered).length >= 3, 'the history');
        const live = [
          await store.append(streamOf('h-1'), [newEvent()], 1),
          await store.append(streamOf('l-1'), [newEvent(), newEvent()], 'no_stream'),
        ];
        await waitFor(() => ours(delivered).length >= 6, 'the live events');
        await sleep(250);

        expect(ours(delivered)).toEqual([...history, ...live].flatMap((result) => result.events));
        expectStrictlyIncreasing(delivered.map((event) => event.position));
        expect(delivered.every((event) => event.position > from)).toBe(true);
        expect(errors).toEqual([]);
      });

      it('resumes after the given position', async () => {
        const first = await store.append(streamOf('r'), [newEvent(), newEvent()], 'no_stream');
        const second = await store.append(streamOf('r'), [newEvent(), newEvent()], 1);
        const delivered: RecordedEvent[] = [];
        const errors: unknown[] = [];

        subscribe(first.events[0]?.position ?? 0, async (events) => void delivered.push(...events), errors);

        await waitFor(() => ours(delivered).length >= 3, 'the events after the position');
        await sleep(150);
        expect(ours(delivered)).toEqual([...first.events.slice(1), ...second.events]);
        expect(errors).toEqual([]);
      });

      it('delivers nothing more once stop() has resolved', async () => {
        const from = await store.headPosition();
        const delivered: RecordedEvent[] = [];
        const errors: unknown[] = [];
        const subscription = subscribe(from, async (events) => void delivered.push(...events), errors);
        const before = await store.append(streamOf('s'), [newEvent()], 'no_stream');
        await waitFor(() => ours(delivered).length >= 1, 'the first event');

        await subscription.stop();
        await store.append(streamOf('s'), [newEvent(), newEvent()], 0);
        await sleep(300);

        expect(ours(delivered)).toEqual(before.events);
        await subscription.stop();
        expect(errors).toEqual([]);
      });

      it('hands batches to the handler one at a time', async () => {
        const from = await store.headPosition();
        let running = 0;
        let mostAtOnce = 0;
        const delivered: RecordedEvent[] = [];
        const errors: unknown[] = [];
        subscribe(
          from,
          async (events) => {
            running += 1;
            mostAtOnce = Math.max(mostAtOnce, running);
            await sleep(15);
            delivered.push(...events);
            running -= 1;
          },
          errors,
        );

        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => store.append(streamOf(`b-${i}`), [newEvent()], 'no_stream')),
        );
        await waitFor(() => ours(delivered).length >= 10, 'ten events');

        expect(mostAtOnce).toBe(1);
        expect(new Set(ours(delivered).map((event) => event.id))).toEqual(new Set(idsOf(results)));
        expectStrictlyIncreasing(delivered.map((event) => event.position));
        expect(errors).toEqual([]);
      });

      it('stops and reports the error when the handler fails', async () => {
        const from = await store.headPosition();
        const failure = new Error('projection failed');
        let calls = 0;
        const errors: unknown[] = [];
        subscribe(
          from,
          async (events) => {
            if (ours(events).length === 0) return;
            calls += 1;
            throw failure;
          },
          errors,
        );

        await store.append(streamOf('f'), [newEvent()], 'no_stream');
        await waitFor(() => errors.length > 0, 'the error');
        await store.append(streamOf('f'), [newEvent()], 0);
        await sleep(300);

        expect(errors).toEqual([failure]);
        expect(calls).toBe(1);
      });

      it('ends running subscriptions with StoreUnavailable when the store is closed', async () => {
        const from = await store.headPosition();
        const errors: unknown[] = [];
        const delivered: RecordedEvent[] = [];
        const subscription = subscribe(from, async (events) => void delivered.push(...events), errors);
        await store.append(streamOf('x'), [newEvent()], 'no_stream');
        await waitFor(() => ours(delivered).length >= 1, 'the first event');

        await store.close();

        await waitFor(() => errors.length > 0, 'the subscription to end');
        expect(errors).toHaveLength(1);
        expect(errors[0]).toBeInstanceOf(StoreUnavailable);
        await subscription.stop();
        await expect(store.append(streamOf('x'), [newEvent()], 0)).rejects.toBeInstanceOf(StoreUnavailable);
      });
    });
  });
}

function metadataFor(prefix: string): EventMetadata {
  return {
    actor: `user-${prefix}`,
    resourceOwner: `org-${prefix}`,
    correlationId: randomUUID(),
    causationId: randomUUID(),
  };
}

async function expectWrongRevision(
  append: Promise<unknown>,
  stream: string,
  expected: ExpectedRevision,
  actual: number | 'no_stream',
): Promise<void> {
  const error = await append.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(WrongExpectedRevision);
  expect(error).toMatchObject({ stream, expected, actual });
}

function expectStrictlyIncreasing(values: readonly number[]): void {
  const unordered = values.filter((value, i) => i > 0 && value <= (values[i - 1] ?? -Infinity));
  expect(unordered).toEqual([]);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

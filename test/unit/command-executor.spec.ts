import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteEventStore } from '../../src/adapters/sqlite/sqlite-event-store';
import type { UniqueKey } from '../../src/kernel/aggregate';
import type { Clock } from '../../src/kernel/clock.port';
import { type CommandContext, CommandExecutor, reservationStream } from '../../src/kernel/command-executor';
import { DomainError } from '../../src/kernel/domain-error';
import type { EventStore } from '../../src/kernel/event-store.port';
import { decideAddProjectRoles, projectAggregate } from '../../src/projects/project.decider';
import { type AddUser, decideAddUser, userAggregate } from '../../src/users/user.decider';
import { humanAdded, projectAdded, userRemoved } from '../support/events';
import { thenRejects } from '../support/given';

const C = 'org-customer';
const T = 'org-third';
const context: CommandContext = { actor: 'instance-admin', correlationId: 'corr-1', causationId: 'cause-1' };
const ids = { newId: () => randomUUID() };

/** The store's clock plus an offset the test moves forward. */
class FakeClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

/** The injected AlreadyExists factory: its id names the key kind, so a test sees it was used. */
const taken = (key: UniqueKey) => new DomainError('already_exists', `TEST-Taken-${key.kind}`, `${key.kind} ${key.value} is taken`);

const addUser = (userName: string): AddUser => {
  const event = humanAdded(userName, 'Gigi', 'Giraffe', 'gigi@example.com');
  if (event.type !== 'user.human.added') throw new Error('unreachable');
  return { kind: 'human', data: event.data };
};

/** The store, with the stream reads the executor makes through it written down. */
function recordingReads(store: EventStore): {
  readonly store: EventStore;
  /** readStream calls: the stream and the revision read from. */
  readonly whole: Array<{ stream: string; fromRevision: number }>;
  /** readLastEvent calls. */
  readonly last: string[];
} {
  const whole: Array<{ stream: string; fromRevision: number }> = [];
  const last: string[] = [];
  const recording = new Proxy(store, {
    get(target, property) {
      if (property === 'readStream') {
        return (stream: string, fromRevision?: number) => {
          whole.push({ stream, fromRevision: fromRevision ?? 0 });
          return target.readStream(stream, fromRevision);
        };
      }
      if (property === 'readLastEvent') {
        return (stream: string) => {
          last.push(stream);
          return target.readLastEvent(stream);
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: recording, whole, last };
}

describe('CommandExecutor on the SQLite event store', () => {
  let dir: string;
  let store: SqliteEventStore;
  let clock: FakeClock;
  let executor: CommandExecutor;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grantline-executor-'));
    store = new SqliteEventStore(path.join(dir, 'events.db'), { pollIntervalMs: 20 });
    clock = new FakeClock();
    executor = new CommandExecutor(store, ids, clock, taken);
  });

  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** When: AddHumanUser `userName` as user `id` in `org`. */
  const whenAddUser = (id: string, userName: string, org = C) =>
    executor.execute(userAggregate, id, context, (state) => ({ events: decideAddUser(addUser(userName), state), resourceOwner: org }));

  const userNameKey = (org: string, userName: string): UniqueKey => ({ kind: 'user.name', value: `${org}:${userName.toLowerCase()}` });
  const reservationsOf = async (key: UniqueKey) =>
    (await store.readStream(reservationStream(key))).map((event) => ({ type: event.type, owner: (event.data as { owner: string }).owner }));

  describe('appending', () => {
    it('given no user, when AddUser, then the event is appended with the context, the decided owner, and returned with the new state', async () => {
      const result = await whenAddUser('u1', 'gigi');

      const [recorded] = await store.readStream('user-u1');
      expect(recorded).toMatchObject({
        type: 'user.human.added',
        revision: 0,
        metadata: { actor: 'instance-admin', correlationId: 'corr-1', causationId: 'cause-1', resourceOwner: C },
      });
      expect(result.appended).toEqual(await store.readStream('user-u1'));
      expect(result.position).toBe(recorded?.position);
      expect(result.state).toEqual({ status: 'active', owner: C, userName: 'gigi' });
      expect(result.last).toBeUndefined();
    });

    it('given a user, when a decision returns no events, then nothing is appended and the last event\'s position is returned', async () => {
      const added = await whenAddUser('u1', 'gigi');
      const head = await store.headPosition();

      const noOp = await executor.execute(userAggregate, 'u1', context, () => ({ events: [], resourceOwner: C }));

      expect(noOp.appended).toEqual([]);
      expect(noOp.position).toBe(added.position);
      expect(noOp.state).toEqual(added.state);
      expect(await store.headPosition()).toBe(head);
      expect(await store.readStream('user-u1')).toHaveLength(1);
    });

    it('given no stream, when a decision returns no events, then nothing is appended and the position is 0', async () => {
      const noOp = await executor.execute(userAggregate, 'nobody', context, () => ({ events: [], resourceOwner: C }));

      expect(noOp).toMatchObject({ appended: [], position: 0 });
      expect(noOp.last).toBeUndefined();
      expect(await store.headPosition()).toBe(0);
    });

    it('given a decision that throws, then nothing is appended and no key stays reserved', async () => {
      await whenAddUser('u1', 'gigi');
      const head = await store.headPosition();

      await thenRejects(() => whenAddUser('u1', 'other'), 'already_exists', 'V3-DKcYh');

      expect(await store.headPosition()).toBe(head);
      expect(await store.readStream(reservationStream(userNameKey(C, 'other')))).toEqual([]);
    });
  });

  describe('unique keys', () => {
    it('given gigi in C, when another user GIGI is added in C, then the injected AlreadyExists error and nothing written to the new stream', async () => {
      await whenAddUser('u1', 'gigi');

      await thenRejects(() => whenAddUser('u2', 'GIGI'), 'already_exists', 'TEST-Taken-user.name');

      expect(await store.readStream('user-u2')).toEqual([]);
      expect(await reservationsOf(userNameKey(C, 'gigi'))).toEqual([{ type: 'unique.reserved', owner: 'user-u1' }]);
    });

    it('given gigi in C, when gigi is added in T, then it succeeds (the key is per org)', async () => {
      await whenAddUser('u1', 'gigi', C);

      const result = await whenAddUser('u2', 'gigi', T);

      expect(result.appended).toHaveLength(1);
    });

    it('given gigi in C was removed through the executor, when gigi is added again, then the released key is claimed again', async () => {
      await whenAddUser('u1', 'gigi');
      await executor.execute(userAggregate, 'u1', context, () => ({ events: [userRemoved], resourceOwner: C }));

      const result = await whenAddUser('u2', 'gigi');

      expect(result.appended).toHaveLength(1);
      expect(await reservationsOf(userNameKey(C, 'gigi'))).toEqual([
        { type: 'unique.reserved', owner: 'user-u1' },
        { type: 'unique.released', owner: 'user-u1' },
        { type: 'unique.reserved', owner: 'user-u2' },
      ]);
    });

    it('given gigi was removed but the release was never written, when gigi is added again, then the key is taken over at once', async () => {
      await whenAddUser('u1', 'gigi');
      await store.append('user-u1', [{ id: randomUUID(), ...userRemoved, metadata: { ...context, resourceOwner: C } }], 0);

      const result = await whenAddUser('u2', 'gigi');

      expect(result.appended).toHaveLength(1);
      expect((await reservationsOf(userNameKey(C, 'gigi'))).at(-1)).toEqual({ type: 'unique.reserved', owner: 'user-u2' });
    });

    it('given a reservation whose holder stream was never written, then it is taken over only after 30 s', async () => {
      const key = userNameKey(C, 'gigi');
      await store.append(
        reservationStream(key),
        [{ id: randomUUID(), type: 'unique.reserved', data: { ...key, owner: 'user-crashed' }, metadata: { ...context, resourceOwner: C } }],
        'no_stream',
      );

      await thenRejects(() => whenAddUser('u2', 'gigi'), 'already_exists', 'TEST-Taken-user.name');
      clock.offsetMs = 29_000;
      await thenRejects(() => whenAddUser('u2', 'gigi'), 'already_exists', 'TEST-Taken-user.name');
      expect(await store.readStream('user-u2')).toEqual([]);

      clock.offsetMs = 31_000;
      const result = await whenAddUser('u2', 'gigi');

      expect(result.appended).toHaveLength(1);
      expect(await reservationsOf(key)).toEqual([
        { type: 'unique.reserved', owner: 'user-crashed' },
        { type: 'unique.reserved', owner: 'user-u2' },
      ]);
    });

    it('given a live holder, when 30 s have passed, then its reservation is still not taken over', async () => {
      await whenAddUser('u1', 'gigi');
      clock.offsetMs = 3_600_000;

      await thenRejects(() => whenAddUser('u2', 'gigi'), 'already_exists', 'TEST-Taken-user.name');
    });

    it('given two concurrent AddUser of the same name on different streams, then exactly one wins and the other gets the injected error', async () => {
      const outcomes = await Promise.allSettled([whenAddUser('u1', 'gigi'), whenAddUser('u2', 'Gigi')]);

      const fulfilled = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const rejected = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
      expect(fulfilled).toHaveLength(1);
      expect(rejected).toHaveLength(1);
      expect(rejected[0]).toBeInstanceOf(DomainError);
      expect((rejected[0] as DomainError).id).toBe('TEST-Taken-user.name');
      const written = [...(await store.readStream('user-u1')), ...(await store.readStream('user-u2'))];
      expect(written).toHaveLength(1);
    });
  });

  describe('reservation streams that grew long', () => {
    it('given a name taken and given back 20 times, when it is taken again, then only the reservation\'s last event is read (a command costs the same on the first and the thousandth take)', async () => {
      for (let i = 0; i < 20; i += 1) {
        await whenAddUser(`u${i}`, 'gigi');
        await executor.execute(userAggregate, `u${i}`, context, () => ({ events: [userRemoved], resourceOwner: C }));
      }
      const recording = recordingReads(store);
      const spied = new CommandExecutor(recording.store, ids, clock, taken);

      const result = await spied.execute(userAggregate, 'u20', context, (state) => ({ events: decideAddUser(addUser('gigi'), state), resourceOwner: C }));
      await thenRejects(
        () => spied.execute(userAggregate, 'u21', context, (state) => ({ events: decideAddUser(addUser('gigi'), state), resourceOwner: C })),
        'already_exists',
        'TEST-Taken-user.name',
      );

      expect(result.appended).toHaveLength(1);
      const key = reservationStream(userNameKey(C, 'gigi'));
      expect(recording.whole.filter((read) => read.stream === key)).toEqual([]);
      expect(recording.last.filter((stream) => stream === key).length).toBeGreaterThanOrEqual(2);
      const reservations = await reservationsOf(userNameKey(C, 'gigi'));
      expect(reservations).toHaveLength(41);
      expect(reservations.at(-1)).toEqual({ type: 'unique.reserved', owner: 'user-u20' });
    });
  });

  describe('remembered folds', () => {
    it('given a project read by every command but written by none, when more new streams are written than the cache holds, then its fold stays remembered (least recently used goes, not least recently written)', async () => {
      const recording = recordingReads(store);
      // Room for two folds: each AddUser below remembers its user stream (and its key's stream).
      const small = new CommandExecutor(recording.store, ids, clock, taken, 2);
      await small.execute(projectAggregate, 'p', context, () => ({ events: [projectAdded('Portal')], resourceOwner: C }));

      for (let i = 0; i < 5; i += 1) {
        await small.load(projectAggregate, 'p');
        await small.execute(userAggregate, `u${i}`, context, (state) => ({ events: decideAddUser(addUser(`user${i}`), state), resourceOwner: C }));
      }
      const project = await small.load(projectAggregate, 'p');

      expect(project.state).toMatchObject({ name: 'Portal' });
      // Only ever read from after its one event: never folded from the start again.
      expect(recording.whole.filter((read) => read.stream === 'project-p').map((read) => read.fromRevision)).toEqual([0, 1, 1, 1, 1, 1, 1]);
    });
  });

  describe('concurrency on one stream', () => {
    /** Portal in C: one project.added through the executor. */
    async function givenPortal(): Promise<void> {
      await executor.execute(projectAggregate, 'p', context, () => ({ events: [projectAdded('Portal')], resourceOwner: C }));
    }

    const whenAddRole = (key: string, decisions: { count: number }, through: CommandExecutor = executor) =>
      through.execute(projectAggregate, 'p', context, (state) => {
        decisions.count += 1;
        return { events: decideAddProjectRoles({ actingOrg: C, roles: [{ key, displayName: key, group: '' }] }, state), resourceOwner: C };
      });

    it('given Portal, when reader and writer are added concurrently in one process, then both succeed, the second deciding on the first', async () => {
      await givenPortal();
      const decisions = { count: 0 };

      const [reader, writer] = await Promise.all([whenAddRole('reader', decisions), whenAddRole('writer', decisions)]);

      const stream = await store.readStream('project-p');
      expect(stream.slice(1).map((event) => (event.data as { key: string }).key)).toEqual(['reader', 'writer']);
      expect(writer.last?.revision).toBe(1);
      expect([...writer.state.roles.keys()]).toEqual(['reader', 'writer']);
      expect(reader.appended[0]?.revision).toBe(1);
      expect(decisions.count).toBe(2);
    });

    it('given Portal, when reader and writer are added concurrently by two processes, then both succeed, one after a retry on a fresh load', async () => {
      await givenPortal();
      const decisions = { count: 0 };
      const otherProcess = new CommandExecutor(store, ids, clock, taken);

      const [reader, writer] = await Promise.all([whenAddRole('reader', decisions), whenAddRole('writer', decisions, otherProcess)]);

      const stream = await store.readStream('project-p');
      expect(stream.map((event) => [event.revision, event.type])).toEqual([
        [0, 'project.added'],
        [1, 'project.role.added'],
        [2, 'project.role.added'],
      ]);
      expect(stream.slice(1).map((event) => (event.data as { key: string }).key).sort()).toEqual(['reader', 'writer']);
      const retried = reader.appended[0]?.revision === 2 ? reader : writer;
      expect([...retried.state.roles.keys()].sort()).toEqual(['reader', 'writer']);
      expect(retried.last?.revision).toBe(1);
      expect(decisions.count).toBe(3);
    });

    it('given Portal, when the same role is added twice concurrently, then one succeeds and the retried one sees it and fails V3-DKcYh', async () => {
      await givenPortal();
      const decisions = { count: 0 };

      const outcomes = await Promise.allSettled([whenAddRole('reader', decisions), whenAddRole('READER', decisions)]);

      expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
      const failure = outcomes.find((outcome) => outcome.status === 'rejected');
      expect(failure?.status === 'rejected' && failure.reason instanceof DomainError ? failure.reason.id : null).toBe('V3-DKcYh');
      expect(await store.readStream('project-p')).toHaveLength(2);
    });

    it('given a stream someone else writes to on every attempt, then after 5 attempts GRANTLINE-Conflict and the claimed key is given back', async () => {
      const interfering = interferingStore(store, 'user-u1');
      const stubborn = new CommandExecutor(interfering.store, ids, clock, taken);
      const decisions = { count: 0 };

      await thenRejects(
        () =>
          stubborn.execute(userAggregate, 'u1', context, () => {
            decisions.count += 1;
            return { events: [humanAdded('gigi', 'Gigi', 'Giraffe', 'gigi@example.com')], resourceOwner: C };
          }),
        'conflict',
        'GRANTLINE-Conflict',
      );

      expect(decisions.count).toBe(5);
      expect((await reservationsOf(userNameKey(C, 'gigi'))).at(-1)).toEqual({ type: 'unique.released', owner: 'user-u1' });
    });
  });
});

/** A store where, just before each append to `stream`, another writer appends a (valid) event to it first. */
function interferingStore(inner: EventStore, stream: string): { store: EventStore } {
  const store: EventStore = {
    append: async (target, events, expected) => {
      if (target === stream) {
        await inner.append(
          stream,
          [{ id: randomUUID(), type: 'user.removed', data: null, metadata: { ...context, resourceOwner: C } }],
          'any',
        );
      }
      return inner.append(target, events, expected);
    },
    readStream: (name, from) => inner.readStream(name, from),
    readLastEvent: (name) => inner.readLastEvent(name),
    readAll: (options) => inner.readAll(options),
    headPosition: () => inner.headPosition(),
    subscribeToAll: (from, handler, onError) => inner.subscribeToAll(from, handler, onError),
    close: () => inner.close(),
  };
  return { store };
}

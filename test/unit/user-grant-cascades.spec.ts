import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteEventStore } from '../../src/adapters/sqlite/sqlite-event-store';
import { SqliteReadStore } from '../../src/adapters/sqlite/sqlite-read-store';
import type { Clock } from '../../src/kernel/clock.port';
import { CommandExecutor } from '../../src/kernel/command-executor';
import { DomainError } from '../../src/kernel/domain-error';
import type { Event, NewEvent, RecordedEvent } from '../../src/kernel/event';
import type { EventStore } from '../../src/kernel/event-store.port';
import { type Doc, matches } from '../../src/kernel/read-store.port';
import { type Projection, physicalCollection, projectionKey } from '../../src/projections/projection';
import { ProjectionProgress } from '../../src/projections/projection-progress';
import { FAILED_EVENTS, ProjectionRunner, type ProjectionStatus, type RunnerLogger, retryFailedEvent } from '../../src/projections/projection-runner';
import { cascadeEventId, reconcileUserGrant } from '../../src/user-grants/cascades/reconcile-user-grant';
import { candidateFilters, userGrantCascadesReactor } from '../../src/user-grants/cascades/user-grant-cascades.reactor';
import { MemoryView, project } from '../support/memory-view';
import { USER_GRANTS, userGrantsProjection } from '../../src/user-grants/read-model/user-grants.projection';
import {
  grantAdded,
  grantCascadeChanged,
  grantChanged,
  grantDeactivated,
  grantReactivated,
  grantRemoved,
  humanAdded,
  orgAdded,
  primaryDomainSet,
  projectAdded,
  projectRemoved,
  roleAdded,
  roleRemoved,
  userGrantAdded,
  userGrantChanged,
  userGrantDeactivated,
  userRemoved,
} from '../support/events';

/**
 * The cascade reactor (zitadel-api.md §4) end to end on the embedded stores: triggering events are
 * appended to the event store as the commands would append them, the reactor runs in a projection
 * runner, and the cascade events it leaves in each usergrant stream are the "then".
 */

const V = 'vendor';
const C = 'customer';
const P = 'portal';
const Q = 'quarry';
const G = 'g-p-c';
const GQ = 'g-q-c';
const GIGI = 'gigi';
const BOB = 'bob';
const WAIT_MS = 10_000;

const clock: Clock = { now: () => new Date() };
const ids = { newId: () => randomUUID() };
const taken = () => new DomainError('already_exists', 'V3-DKcYh', 'taken');
const RUNNER_OPTIONS = { attempts: 2, resumePollMs: 10, holderId: 'user-grant-cascades-spec' };

/** The request a triggering command served: its actor and correlation id end up on the cascades. */
interface Request {
  readonly actor: string;
  readonly correlationId: string;
}
const setupRequest: Request = { actor: 'instance-admin', correlationId: 'corr-setup' };

class QuietLogger implements RunnerLogger {
  readonly errors: Array<{ message: string; context: Record<string, unknown> }> = [];
  error(message: string, context: Record<string, unknown>): void {
    this.errors.push({ message, context });
  }
  warn(): void {}
}

/** The event store with appends to chosen streams refused: a cascade that cannot be applied. */
class RefusingAppends implements EventStore {
  readonly refused = new Set<string>();
  constructor(private readonly inner: EventStore) {}
  append(...args: Parameters<EventStore['append']>): ReturnType<EventStore['append']> {
    const [stream] = args;
    if (this.refused.has(stream)) return Promise.reject(new Error(`append to ${stream} refused`));
    return this.inner.append(...args);
  }
  readStream(...args: Parameters<EventStore['readStream']>): ReturnType<EventStore['readStream']> {
    return this.inner.readStream(...args);
  }
  readLastEvent(stream: string): ReturnType<EventStore['readLastEvent']> {
    return this.inner.readLastEvent(stream);
  }
  readAll(...args: Parameters<EventStore['readAll']>): ReturnType<EventStore['readAll']> {
    return this.inner.readAll(...args);
  }
  headPosition(): Promise<number> {
    return this.inner.headPosition();
  }
  subscribeToAll(...args: Parameters<EventStore['subscribeToAll']>): ReturnType<EventStore['subscribeToAll']> {
    return this.inner.subscribeToAll(...args);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** A cascade event as the assertions compare it. */
interface Cascade {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: RecordedEvent['metadata'];
}

/** What a cascade caused by `trigger` on `userGrantId` must look like (§4 Traceable, Idempotent). */
function cascadeOf(trigger: RecordedEvent, userGrantId: string, owner: string, event: Event): Cascade {
  const stream = `usergrant-${userGrantId}`;
  return {
    id: cascadeEventId(trigger, stream, 0),
    type: event.type,
    data: event.data,
    metadata: { actor: trigger.metadata.actor, resourceOwner: owner, correlationId: trigger.metadata.correlationId, causationId: trigger.id },
  };
}
const removedBy = (trigger: RecordedEvent, userGrantId: string, owner: string) =>
  cascadeOf(trigger, userGrantId, owner, { type: 'user.grant.cascade.removed', data: null });
const changedBy = (trigger: RecordedEvent, userGrantId: string, owner: string, roleKeys: readonly string[]) =>
  cascadeOf(trigger, userGrantId, owner, { type: 'user.grant.cascade.changed', data: { roleKeys } });

function only<T>(list: readonly T[]): T {
  const [first] = list;
  if (first === undefined || list.length !== 1) throw new Error(`expected exactly one element, got ${list.length}`);
  return first;
}

describe('user grant cascades reactor on SQLite stores', () => {
  let dir: string;
  let eventStore: SqliteEventStore;
  let refusing: RefusingAppends;
  let readStore: SqliteReadStore;
  let progress: ProjectionProgress;
  let runners: ProjectionRunner[];
  let extraStores: Array<{ progress: ProjectionProgress; readStore: SqliteReadStore }>;
  let logger: QuietLogger;
  let reactor: Projection;
  let runner: ProjectionRunner;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grantline-cascades-'));
    eventStore = new SqliteEventStore(path.join(dir, 'events.db'), { pollIntervalMs: 10 });
    refusing = new RefusingAppends(eventStore);
    readStore = new SqliteReadStore(path.join(dir, 'read.db'));
    progress = new ProjectionProgress(readStore, false);
    runners = [];
    extraStores = [];
    logger = new QuietLogger();
    reactor = userGrantCascadesReactor(new CommandExecutor(refusing, ids, clock, taken));
  });

  afterEach(async () => {
    for (const each of runners) await each.stop();
    for (const extra of extraStores) {
      extra.progress.close();
      await extra.readStore.close();
    }
    progress.close();
    await readStore.close();
    await eventStore.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function startRunner(projections: readonly Projection[], store: SqliteReadStore = readStore, into: ProjectionProgress = progress): Promise<ProjectionRunner> {
    const started = new ProjectionRunner(eventStore, store, projections, into, clock, logger, RUNNER_OPTIONS);
    runners.push(started);
    await started.start();
    return started;
  }

  /** Appends events to a stream in one append, as a command would, and returns them as recorded. */
  async function append(stream: string, events: Event | readonly Event[], resourceOwner: string, request: Request = setupRequest): Promise<RecordedEvent[]> {
    const list: readonly Event[] = Array.isArray(events) ? (events as readonly Event[]) : [events as Event];
    const newEvents = list.map((event) => ({
      id: randomUUID(),
      type: event.type,
      data: event.data,
      metadata: { actor: request.actor, resourceOwner, correlationId: request.correlationId, causationId: `request-${request.correlationId}` },
    })) as NewEvent[];
    return [...(await eventStore.append(stream, newEvents, 'any')).events];
  }
  async function appendOne(stream: string, event: Event, resourceOwner: string, request: Request = setupRequest): Promise<RecordedEvent> {
    return only(await append(stream, event, resourceOwner, request));
  }

  /**
   * Vendor and Customer A; Portal in V with reader, writer, admin, granted to C (G) with all three;
   * Quarry in V with reader, granted to C (GQ); gigi and bob in C. User grants:
   * ug1 gigi on G [reader, writer, admin] (C); ug2 bob on G [reader] (C); ug3 gigi on owned Portal
   * [reader, writer] (V); ug4 gigi on GQ [reader] (C); ug5 bob on owned Portal [admin] (V).
   */
  async function givenWorld(): Promise<void> {
    await append(`org-${V}`, [orgAdded('Vendor'), primaryDomainSet('vendor.localhost')], V);
    await append(`org-${C}`, [orgAdded('Customer A'), primaryDomainSet('customer-a.localhost')], C);
    await append(`project-${P}`, [projectAdded('Portal'), roleAdded('reader'), roleAdded('writer'), roleAdded('admin')], V);
    await append(`project-${P}`, grantAdded(G, C, ['reader', 'writer', 'admin']), V);
    await append(`project-${Q}`, [projectAdded('Quarry'), roleAdded('reader'), grantAdded(GQ, C, ['reader'])], V);
    await append(`user-${GIGI}`, humanAdded('gigi', 'Gigi', 'Giraffe', 'gigi@example.com'), C);
    await append(`user-${BOB}`, humanAdded('bob', 'Bob', 'Builder', 'bob@example.com'), C);
    await append('usergrant-ug1', userGrantAdded(GIGI, P, G, ['reader', 'writer', 'admin']), C);
    await append('usergrant-ug2', userGrantAdded(BOB, P, G, ['reader']), C);
    await append('usergrant-ug3', userGrantAdded(GIGI, P, undefined, ['reader', 'writer']), V);
    await append('usergrant-ug4', userGrantAdded(GIGI, Q, GQ, ['reader']), C);
    await append('usergrant-ug5', userGrantAdded(BOB, P, undefined, ['admin']), V);
  }

  /** Waits until the runner's projections have processed every event, cascades included. */
  async function settle(keys: readonly string[] = [projectionKey(reactor), projectionKey(userGrantsProjection)], into: ProjectionProgress = progress): Promise<void> {
    for (;;) {
      const head = await eventStore.headPosition();
      expect(await into.waitFor(keys, head, WAIT_MS)).toBe(true);
      // A cascade is appended before the checkpoint of its trigger: an unchanged head means done.
      if ((await eventStore.headPosition()) === head) return;
    }
  }

  async function cascadesOf(userGrantId: string): Promise<Cascade[]> {
    return (await eventStore.readStream(`usergrant-${userGrantId}`))
      .filter((event) => event.type.startsWith('user.grant.cascade.'))
      .map((event) => ({ id: event.id, type: event.type, data: event.data, metadata: event.metadata }));
  }

  async function statusOf(of: ProjectionRunner, projection: Projection): Promise<ProjectionStatus | undefined> {
    return (await of.status()).find((status) => status.key === projectionKey(projection));
  }

  async function eventually(check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('condition not reached in time');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Given the world, with the reactor and the user grants read model caught up on it. */
  async function givenWorldSettled(): Promise<void> {
    await givenWorld();
    runner = await startRunner([reactor, userGrantsProjection]);
    await settle();
    for (const id of ['ug1', 'ug2', 'ug3', 'ug4', 'ug5']) expect(await cascadesOf(id)).toEqual([]);
  }

  const vera: Request = { actor: 'user-vera', correlationId: 'corr-vera' };
  const carla: Request = { actor: 'user-carla', correlationId: 'corr-carla' };

  describe('§4 cascade table', () => {
    it('given the world, when V removes role writer (with G\'s cascade in the same append), then each user grant of Portal holding writer gets one cascade.changed caused by project.role.removed', async () => {
      await givenWorldSettled();

      const [removal, grantCascade] = await append(`project-${P}`, [roleRemoved('writer'), grantCascadeChanged(G, ['reader', 'admin'])], V, vera);
      await settle();

      if (removal === undefined || grantCascade === undefined) throw new Error('expected two events');
      expect(await cascadesOf('ug1')).toEqual([changedBy(removal, 'ug1', C, ['reader', 'admin'])]);
      expect(await cascadesOf('ug3')).toEqual([changedBy(removal, 'ug3', V, ['reader'])]);
      for (const untouched of ['ug2', 'ug4', 'ug5']) expect(await cascadesOf(untouched)).toEqual([]);
      expect(removal.metadata).toMatchObject({ actor: 'user-vera', correlationId: 'corr-vera' });
    });

    it('given the world, when V updates G to [reader] (writer and admin, adjacent, removed), then ug1 keeps only reader (GHSA-v859-c572-qh5p) and nothing else changes', async () => {
      await givenWorldSettled();

      const changed = await appendOne(`project-${P}`, grantChanged(G, ['reader']), V, vera);
      await settle();

      expect(await cascadesOf('ug1')).toEqual([changedBy(changed, 'ug1', C, ['reader'])]);
      for (const untouched of ['ug2', 'ug3', 'ug4', 'ug5']) expect(await cascadesOf(untouched)).toEqual([]);
    });

    it('given the world, when project.grant.cascade.changed leaves G with [admin], then each user grant of G drops what G no longer offers', async () => {
      await givenWorldSettled();

      const cascade = await appendOne(`project-${P}`, grantCascadeChanged(G, ['admin']), V, vera);
      await settle();

      expect(await cascadesOf('ug1')).toEqual([changedBy(cascade, 'ug1', C, ['admin'])]);
      expect(await cascadesOf('ug2')).toEqual([changedBy(cascade, 'ug2', C, [])]);
      for (const untouched of ['ug3', 'ug4', 'ug5']) expect(await cascadesOf(untouched)).toEqual([]);
    });

    it('given the world, when G is deactivated and reactivated, then no cascade at all (user grants keep their stored state)', async () => {
      await givenWorldSettled();
      const head = await eventStore.headPosition();

      await appendOne(`project-${P}`, grantDeactivated(G), V, vera);
      await settle();
      await appendOne(`project-${P}`, grantReactivated(G), V, vera);
      await settle();

      expect(await eventStore.headPosition()).toBe(head + 2);
      for (const id of ['ug1', 'ug2', 'ug3', 'ug4', 'ug5']) expect(await eventStore.readStream(`usergrant-${id}`)).toHaveLength(1);
      expect((await readStore.get(physicalCollection(userGrantsProjection, USER_GRANTS), 'ug1'))?.state).toBe('active');
    });

    it('given bob\'s ug2 is inactive, when V removes G, then every user grant of G (the inactive one too) gets cascade.removed and the others none', async () => {
      await givenWorldSettled();
      await append('usergrant-ug2', userGrantDeactivated, C);

      const removal = await appendOne(`project-${P}`, grantRemoved(G, C), V, vera);
      await settle();

      expect(await cascadesOf('ug1')).toEqual([removedBy(removal, 'ug1', C)]);
      expect(await cascadesOf('ug2')).toEqual([removedBy(removal, 'ug2', C)]);
      for (const untouched of ['ug3', 'ug4', 'ug5']) expect(await cascadesOf(untouched)).toEqual([]);
    });

    it('given the world, when V removes Portal, then every user grant of Portal, owned or via G, gets cascade.removed; Quarry\'s stays', async () => {
      await givenWorldSettled();

      const removal = await appendOne(`project-${P}`, projectRemoved('Portal'), V, vera);
      await settle();

      expect(await cascadesOf('ug1')).toEqual([removedBy(removal, 'ug1', C)]);
      expect(await cascadesOf('ug2')).toEqual([removedBy(removal, 'ug2', C)]);
      expect(await cascadesOf('ug3')).toEqual([removedBy(removal, 'ug3', V)]);
      expect(await cascadesOf('ug5')).toEqual([removedBy(removal, 'ug5', V)]);
      expect(await cascadesOf('ug4')).toEqual([]);
    });

    it('given the world, when C removes gigi, then each of gigi\'s user grants, whatever org owns it, gets cascade.removed; bob\'s stay', async () => {
      await givenWorldSettled();

      const removal = await appendOne(`user-${GIGI}`, userRemoved, C, carla);
      await settle();

      expect(await cascadesOf('ug1')).toEqual([removedBy(removal, 'ug1', C)]);
      expect(await cascadesOf('ug3')).toEqual([removedBy(removal, 'ug3', V)]);
      expect(await cascadesOf('ug4')).toEqual([removedBy(removal, 'ug4', C)]);
      expect(await cascadesOf('ug2')).toEqual([]);
      expect(await cascadesOf('ug5')).toEqual([]);
    });

    it('given a cascade.changed appended by the reactor, then the user grant document moves its sequence only then', async () => {
      await givenWorldSettled();

      await appendOne(`project-${P}`, grantChanged(G, ['reader']), V, vera);
      await settle();

      const ug1 = (await eventStore.readStream('usergrant-ug1')).at(-1);
      expect(await readStore.get(physicalCollection(userGrantsProjection, USER_GRANTS), 'ug1')).toMatchObject({
        roleKeys: ['reader'],
        sequence: 2,
        changeDate: ug1?.createdAt.toISOString(),
      });
      expect(await readStore.get(physicalCollection(userGrantsProjection, USER_GRANTS), 'ug2')).toMatchObject({ sequence: 1 });
    });
  });

  describe('§4 races: user.grant.added against a removal, in both log orders', () => {
    const removals: Array<[string, () => Promise<RecordedEvent>]> = [
      ['project.grant.removed of G', () => appendOne(`project-${P}`, grantRemoved(G, C), V, vera)],
      ['project.removed of Portal', () => appendOne(`project-${P}`, projectRemoved('Portal'), V, vera)],
      ['user.removed of gigi', () => appendOne(`user-${GIGI}`, userRemoved, C, vera)],
    ];

    it.each(removals)('given %s is in the log first, when gigi\'s user grant on G is appended after it, then it gets cascade.removed caused by its own user.grant.added', async (_, remove) => {
      await givenWorldSettled();

      await remove();
      const added = await appendOne('usergrant-ug6', userGrantAdded(GIGI, P, G, ['reader']), C, carla);
      await settle();

      expect(await cascadesOf('ug6')).toEqual([removedBy(added, 'ug6', C)]);
      expect(await readStore.get(physicalCollection(userGrantsProjection, USER_GRANTS), 'ug6')).toBeNull();
    });

    it.each(removals)('given gigi\'s user grant on G is in the log first, when %s is appended after it, then it gets cascade.removed caused by the removal', async (_, remove) => {
      await givenWorldSettled();

      await appendOne('usergrant-ug6', userGrantAdded(GIGI, P, G, ['reader']), C, carla);
      const removal = await remove();
      await settle();

      expect(await cascadesOf('ug6')).toEqual([removedBy(removal, 'ug6', C)]);
    });

    it('given writer removed from Portal (and G), when a user grant on G with [reader, writer] decided before is appended after, then it gets cascade.changed [reader] caused by its user.grant.added', async () => {
      await givenWorldSettled();

      await append(`project-${P}`, [roleRemoved('writer'), grantCascadeChanged(G, ['reader', 'admin'])], V, vera);
      const onG = await appendOne('usergrant-ug6', userGrantAdded(BOB, P, G, ['writer', 'reader']), C, carla);
      const owned = await appendOne('usergrant-ug7', userGrantAdded(BOB, P, undefined, ['reader', 'writer', 'admin']), V, carla);
      await settle();

      expect(await cascadesOf('ug6')).toEqual([changedBy(onG, 'ug6', C, ['reader'])]);
      expect(await cascadesOf('ug7')).toEqual([changedBy(owned, 'ug7', V, ['reader', 'admin'])]);
    });

    it('given a user grant on G with [reader, writer], when writer is removed after it, then it gets cascade.changed caused by the removal', async () => {
      await givenWorldSettled();

      await appendOne('usergrant-ug6', userGrantAdded(BOB, P, G, ['writer', 'reader']), C, carla);
      const [removal] = await append(`project-${P}`, [roleRemoved('writer'), grantCascadeChanged(G, ['reader', 'admin'])], V, vera);
      await settle();

      if (removal === undefined) throw new Error('expected the role removal');
      expect(await cascadesOf('ug6')).toEqual([changedBy(removal, 'ug6', C, ['reader'])]);
    });
  });

  describe('§4 races: user.grant.changed against a role removal', () => {
    it('given the reactor processed writer\'s removal, when bob\'s ug2 is changed to [reader, writer] by a command decided before it, then ug2 gets cascade.changed [reader] caused by user.grant.changed', async () => {
      await givenWorldSettled();

      const [removal] = await append(`project-${P}`, [roleRemoved('writer'), grantCascadeChanged(G, ['reader', 'admin'])], V, vera);
      await settle();
      const changed = await appendOne('usergrant-ug2', userGrantChanged(BOB, ['reader', 'writer']), C, carla);
      await settle();

      if (removal === undefined) throw new Error('expected the role removal');
      expect(await cascadesOf('ug2')).toEqual([changedBy(changed, 'ug2', C, ['reader'])]);
      expect(await cascadesOf('ug1')).toEqual([changedBy(removal, 'ug1', C, ['reader', 'admin'])]);
    });

    it('given writer\'s removal and stale changes adding writer are all in the log before the reactor runs, then each changed grant gets exactly one cascade.changed, caused by its own change', async () => {
      await givenWorld();
      const [removal] = await append(`project-${P}`, [roleRemoved('writer'), grantCascadeChanged(G, ['reader', 'admin'])], V, vera);
      // ug2 (on G) and ug5 (owned) held no writer when the role went, so the removal finds neither of them.
      const onGChange = await appendOne('usergrant-ug2', userGrantChanged(BOB, ['reader', 'writer']), C, carla);
      const ownedChange = await appendOne('usergrant-ug5', userGrantChanged(BOB, ['writer', 'admin']), V, carla);

      runner = await startRunner([reactor, userGrantsProjection]);
      await settle();

      if (removal === undefined) throw new Error('expected the role removal');
      // At the grant's cascade (the next position) ug2 still held [reader] in the log, so that trigger took
      // nothing from it; the stale change, landing where writer is not offered, is its own trigger.
      expect(await cascadesOf('ug2')).toEqual([changedBy(onGChange, 'ug2', C, ['reader'])]);
      expect(await cascadesOf('ug5')).toEqual([changedBy(ownedChange, 'ug5', V, ['admin'])]);
      expect(await cascadesOf('ug1')).toEqual([changedBy(removal, 'ug1', C, ['reader', 'admin'])]);
      expect(await cascadesOf('ug3')).toEqual([changedBy(removal, 'ug3', V, ['reader'])]);
      const userGrants = physicalCollection(userGrantsProjection, USER_GRANTS);
      expect(await readStore.get(userGrants, 'ug2')).toMatchObject({ roleKeys: ['reader'] });
      expect(await readStore.get(userGrants, 'ug5')).toMatchObject({ roleKeys: ['admin'] });
    });

    it('given G updated to [reader], when ug1 (already cascaded) is changed back to [reader, admin] by a stale command, then a second cascade.changed drops admin again', async () => {
      await givenWorldSettled();

      const grantChange = await appendOne(`project-${P}`, grantChanged(G, ['reader']), V, vera);
      await settle();
      const changed = await appendOne('usergrant-ug1', userGrantChanged(GIGI, ['admin', 'reader']), C, carla);
      await settle();

      expect(await cascadesOf('ug1')).toEqual([changedBy(grantChange, 'ug1', C, ['reader']), changedBy(changed, 'ug1', C, ['reader'])]);
    });
  });

  /**
   * docs/decisions.md §10: a role taken from a project or a project grant is dropped for good from
   * every user grant that held it, even when it is given back before the reactor runs; a caller who
   * chooses the roles again after that decides on the new state, and that choice stands.
   */
  describe('§4 a role taken away and at once given back (removal is permanent)', () => {
    const userGrantDoc = async (id: string) => readStore.get(physicalCollection(userGrantsProjection, USER_GRANTS), id);

    /** Replays the reactor from position 0 on a fresh read store: nothing new may be appended. */
    async function replayAppendsNothing(): Promise<void> {
      const before = await eventStore.readAll();
      const freshReadStore = new SqliteReadStore(path.join(dir, `replay-${randomUUID()}.db`));
      const freshProgress = new ProjectionProgress(freshReadStore, false);
      extraStores.push({ readStore: freshReadStore, progress: freshProgress });
      const replaying = userGrantCascadesReactor(new CommandExecutor(eventStore, ids, clock, taken));
      await startRunner([replaying], freshReadStore, freshProgress);
      await settle([projectionKey(replaying)], freshProgress);
      expect(await eventStore.readAll()).toEqual(before);
    }

    /** 'lagging': every trigger is in the log before the reactor starts; 'live': it runs all along. */
    const modes = [['before the reactor runs', 'lagging'], ['while the reactor runs', 'live']] as const;
    async function given(mode: 'lagging' | 'live'): Promise<void> {
      if (mode === 'live') await givenWorldSettled();
      else await givenWorld();
    }
    async function thenSettled(mode: 'lagging' | 'live'): Promise<void> {
      if (mode === 'lagging') runner = await startRunner([reactor, userGrantsProjection]);
      await settle();
    }

    it.each(modes)('given writer removed from Portal (with G\'s cascade) and added back at once %s, then each user grant that held writer gets exactly one cascade.changed dropping it, caused by the removal', async (_, mode) => {
      await given(mode);

      const [removal] = await append(`project-${P}`, [roleRemoved('writer'), grantCascadeChanged(G, ['reader', 'admin'])], V, vera);
      await appendOne(`project-${P}`, roleAdded('writer', 'Writer again'), V, vera);
      await thenSettled(mode);

      if (removal === undefined) throw new Error('expected the role removal');
      expect(await cascadesOf('ug1')).toEqual([changedBy(removal, 'ug1', C, ['reader', 'admin'])]);
      expect(await cascadesOf('ug3')).toEqual([changedBy(removal, 'ug3', V, ['reader'])]);
      for (const untouched of ['ug2', 'ug4', 'ug5']) expect(await cascadesOf(untouched)).toEqual([]);
      expect(await userGrantDoc('ug1')).toMatchObject({ roleKeys: ['reader', 'admin'], sequence: 2 });
      expect(await userGrantDoc('ug3')).toMatchObject({ roleKeys: ['reader'], sequence: 2 });
      await replayAppendsNothing();
    });

    it.each(modes)('given G narrowed to [reader] and widened back to [reader, writer, admin] at once %s, then ug1 gets exactly one cascade.changed [reader], caused by the narrowing, and no other user grant any', async (_, mode) => {
      await given(mode);

      const narrowed = await appendOne(`project-${P}`, grantChanged(G, ['reader']), V, vera);
      await appendOne(`project-${P}`, grantChanged(G, ['reader', 'writer', 'admin']), V, vera);
      await thenSettled(mode);

      expect(await cascadesOf('ug1')).toEqual([changedBy(narrowed, 'ug1', C, ['reader'])]);
      for (const untouched of ['ug2', 'ug3', 'ug4', 'ug5']) expect(await cascadesOf(untouched)).toEqual([]);
      expect(await userGrantDoc('ug1')).toMatchObject({ roleKeys: ['reader'], sequence: 2 });
      expect(await userGrantDoc('ug2')).toMatchObject({ roleKeys: ['reader'], sequence: 1 });
      await replayAppendsNothing();
    });

    it('given G narrowed twice ([reader, writer], then [reader]) and widened back at once before the reactor runs, then ug1 gets one cascade.changed per narrowing and ends with [reader]', async () => {
      await givenWorld();

      const first = await appendOne(`project-${P}`, grantChanged(G, ['reader', 'writer']), V, vera);
      const second = await appendOne(`project-${P}`, grantChanged(G, ['reader']), V, vera);
      await appendOne(`project-${P}`, grantChanged(G, ['reader', 'writer', 'admin']), V, vera);
      await thenSettled('lagging');

      expect(await cascadesOf('ug1')).toEqual([changedBy(first, 'ug1', C, ['reader', 'writer']), changedBy(second, 'ug1', C, ['reader'])]);
      expect(await userGrantDoc('ug1')).toMatchObject({ roleKeys: ['reader'] });
    });

    it.each(modes)('given writer removed and added back %s, when ug3\'s roles are changed to [reader, writer, admin] after that (on the new state), then ug3 keeps writer: no cascade drops it', async (_, mode) => {
      await given(mode);

      const [removal] = await append(`project-${P}`, [roleRemoved('writer'), grantCascadeChanged(G, ['reader', 'admin'])], V, vera);
      await appendOne(`project-${P}`, roleAdded('writer'), V, vera);
      if (mode === 'live') await settle();
      await appendOne('usergrant-ug3', userGrantChanged(GIGI, ['reader', 'writer', 'admin']), V, carla);
      await thenSettled(mode);

      if (removal === undefined) throw new Error('expected the role removal');
      // Live, the removal's cascade was in before the change; lagging, the change came first and the removal leaves it alone.
      expect(await cascadesOf('ug3')).toEqual(mode === 'live' ? [changedBy(removal, 'ug3', V, ['reader'])] : []);
      expect(await userGrantDoc('ug3')).toMatchObject({ roleKeys: ['reader', 'writer', 'admin'] });
      // ug1 never got writer back and still loses it to the removal.
      expect(await cascadesOf('ug1')).toEqual([changedBy(removal, 'ug1', C, ['reader', 'admin'])]);
      expect(await userGrantDoc('ug1')).toMatchObject({ roleKeys: ['reader', 'admin'] });
      await replayAppendsNothing();
    });

    it.each(modes)('given G narrowed to [reader] and widened back %s, when ug1 is changed to [reader, writer] after that, then ug1 keeps writer', async (_, mode) => {
      await given(mode);

      const narrowed = await appendOne(`project-${P}`, grantChanged(G, ['reader']), V, vera);
      await appendOne(`project-${P}`, grantChanged(G, ['reader', 'writer', 'admin']), V, vera);
      if (mode === 'live') await settle();
      await appendOne('usergrant-ug1', userGrantChanged(GIGI, ['reader', 'writer']), C, carla);
      await thenSettled(mode);

      expect(await cascadesOf('ug1')).toEqual(mode === 'live' ? [changedBy(narrowed, 'ug1', C, ['reader'])] : []);
      expect(await userGrantDoc('ug1')).toMatchObject({ roleKeys: ['reader', 'writer'] });
      await replayAppendsNothing();
    });

    it('given writer removed and added back before the reactor runs, when a stale change to [reader, writer, admin] lands between the removal and the re-add, then it is dropped again (decided where writer was not offered)', async () => {
      await givenWorld();

      await append(`project-${P}`, [roleRemoved('writer'), grantCascadeChanged(G, ['reader', 'admin'])], V, vera);
      const stale = await appendOne('usergrant-ug3', userGrantChanged(GIGI, ['reader', 'writer', 'admin']), V, carla);
      await appendOne(`project-${P}`, roleAdded('writer'), V, vera);
      await thenSettled('lagging');

      // The removal itself leaves ug3 alone (its roles were chosen after it); its own change drops writer.
      expect(await cascadesOf('ug3')).toEqual([changedBy(stale, 'ug3', V, ['reader', 'admin'])]);
      expect(await userGrantDoc('ug3')).toMatchObject({ roleKeys: ['reader', 'admin'] });
    });

    /**
     * Reads never show a removed role again, at any position of the log the reactor leaves behind,
     * even when a cascade decided for an earlier trigger (on a stream that still held the role)
     * lands after the role was taken and given back.
     */
    it.each([
      [
        'admin removed, then writer removed and added back (ug3 on owned Portal)',
        'ug3',
        async () => {
          await appendOne('usergrant-ug3', userGrantChanged(GIGI, ['reader', 'writer', 'admin']), V, carla);
          await append(`project-${P}`, [roleRemoved('admin'), grantCascadeChanged(G, ['reader', 'writer'])], V, vera);
          const [writerGone] = await append(`project-${P}`, [roleRemoved('writer'), grantCascadeChanged(G, ['reader'])], V, vera);
          await appendOne(`project-${P}`, roleAdded('writer'), V, vera);
          return writerGone;
        },
      ],
      [
        'G narrowed to [reader, writer], then to [reader], then widened back (ug1 on G)',
        'ug1',
        async () => {
          await appendOne(`project-${P}`, grantChanged(G, ['reader', 'writer']), V, vera);
          const writerGone = await appendOne(`project-${P}`, grantChanged(G, ['reader']), V, vera);
          await appendOne(`project-${P}`, grantChanged(G, ['reader', 'writer', 'admin']), V, vera);
          return writerGone;
        },
      ],
    ])('given %s before the reactor runs, then at no position after writer went does the read model show writer on %s', async (_, userGrantId, triggers) => {
      await givenWorld();
      const writerGone = await triggers();
      if (writerGone === undefined) throw new Error('expected the trigger taking writer away');
      await thenSettled('lagging');

      const view = new MemoryView();
      const shown: string[] = [];
      for (const event of await eventStore.readAll()) {
        await project(userGrantsProjection, [event], view);
        const roleKeys = ((await view.get(USER_GRANTS, userGrantId)) as { roleKeys?: string[] } | null)?.roleKeys ?? [];
        if (event.position >= writerGone.position && roleKeys.includes('writer')) shown.push(`${event.position} ${event.type} → ${JSON.stringify(roleKeys)}`);
      }
      expect(shown).toEqual([]);
    });
  });

  describe('§4 guarantees', () => {
    it('given the cascades of removals, role changes and races, when the reactor runs again from position 0 on a fresh read store (replay), then it appends nothing new', async () => {
      await givenWorldSettled();
      // Settled step by step: which trigger finds a grant first depends on what the log holds by then.
      await append(`project-${P}`, [roleRemoved('writer'), grantCascadeChanged(G, ['reader', 'admin'])], V, vera);
      await settle();
      await appendOne('usergrant-ug2', userGrantChanged(BOB, ['reader', 'writer']), C, carla);
      await settle();
      await appendOne(`project-${Q}`, grantChanged(GQ, []), V, vera);
      await appendOne(`project-${P}`, grantDeactivated(G), V, vera);
      await settle();
      await appendOne(`user-${BOB}`, userRemoved, C, vera);
      await settle();
      await appendOne('usergrant-ug6', userGrantAdded(BOB, P, G, ['reader']), C, carla);
      await settle();
      const before = await eventStore.readAll();
      expect(before.filter((event) => event.type.startsWith('user.grant.cascade.')).map((event) => `${event.stream} ${event.type}`).sort()).toEqual([
        'usergrant-ug1 user.grant.cascade.changed',
        'usergrant-ug2 user.grant.cascade.changed',
        'usergrant-ug2 user.grant.cascade.removed',
        'usergrant-ug3 user.grant.cascade.changed',
        'usergrant-ug4 user.grant.cascade.changed',
        'usergrant-ug5 user.grant.cascade.removed',
        'usergrant-ug6 user.grant.cascade.removed',
      ]);
      await runner.stop();

      const freshReadStore = new SqliteReadStore(path.join(dir, 'fresh-read.db'));
      const freshProgress = new ProjectionProgress(freshReadStore, false);
      extraStores.push({ readStore: freshReadStore, progress: freshProgress });
      const replaying = userGrantCascadesReactor(new CommandExecutor(eventStore, ids, clock, taken));
      await startRunner([replaying], freshReadStore, freshProgress);
      await settle([projectionKey(replaying)], freshProgress);

      expect((await freshReadStore.getCheckpoint(projectionKey(replaying)))?.position).toBe(before.at(-1)?.position);
      expect(await eventStore.readAll()).toEqual(before);
    });

    it('given a cascade already appended for a trigger, when the same trigger is reconciled again while the grant is out of line once more, then the derived event id makes it append nothing new', async () => {
      await givenWorld();
      const executor = new CommandExecutor(eventStore, ids, clock, taken);
      const grantChange = await appendOne(`project-${P}`, grantChanged(G, ['reader']), V, vera);
      // Told only writer was taken away, the cascade keeps admin: ug1 is still out of line with G.
      expect(await reconcileUserGrant(executor, 'ug1', grantChange, new Set(['writer']))).toBe(1);
      const head = await eventStore.headPosition();

      // Reconciled again for the same trigger, now with admin too: the decision (drop admin) gets the
      // same derived id as the cascade already there, so the store appends nothing.
      await reconcileUserGrant(executor, 'ug1', grantChange, new Set(['writer', 'admin']));

      expect(await eventStore.headPosition()).toBe(head);
      expect(await cascadesOf('ug1')).toEqual([changedBy(grantChange, 'ug1', C, ['reader', 'admin'])]);
    });

    it('given G changed to [reader] and a stale change putting admin back after the cascade, when each trigger is reconciled (twice), then the old trigger leaves the newer choice alone and the stale change drops admin once', async () => {
      await givenWorld();
      const executor = new CommandExecutor(eventStore, ids, clock, taken);
      const grantChange = await appendOne(`project-${P}`, grantChanged(G, ['reader']), V, vera);
      expect(await reconcileUserGrant(executor, 'ug1', grantChange, new Set(['writer', 'admin']))).toBe(1);
      // A stale UpdateUserGrant (decided before the grant change) puts admin back after the cascade.
      const stale = await appendOne('usergrant-ug1', userGrantChanged(GIGI, ['reader', 'admin']), C, carla);

      // The grant change is older than the roles ug1 holds now (rolesDecidedAt): nothing.
      expect(await reconcileUserGrant(executor, 'ug1', grantChange, new Set(['writer', 'admin']))).toBe(0);
      // The stale change, reconciled with what G does not offer where it landed, drops admin; once.
      expect(await reconcileUserGrant(executor, 'ug1', stale, new Set(['admin']))).toBe(1);
      await reconcileUserGrant(executor, 'ug1', stale, new Set(['admin']));

      expect(await cascadesOf('ug1')).toEqual([changedBy(grantChange, 'ug1', C, ['reader']), changedBy(stale, 'ug1', C, ['reader'])]);
    });

    it('given a user grant in line with its project grant, when reconciled with nothing taken away, then nothing is appended and it answers 0', async () => {
      await givenWorld();
      const executor = new CommandExecutor(eventStore, ids, clock, taken);
      const head = await eventStore.headPosition();
      const trigger = await appendOne(`project-${P}`, grantDeactivated(G), V, vera);

      expect(await reconcileUserGrant(executor, 'ug1', trigger, new Set())).toBe(0);
      expect(await reconcileUserGrant(executor, 'nonexistent', trigger, new Set(['reader']))).toBe(0);
      expect(await eventStore.headPosition()).toBe(head + 1);
    });

    it('given roles taken away that the user grant does not hold, when reconciled, then nothing is appended', async () => {
      await givenWorld();
      const executor = new CommandExecutor(eventStore, ids, clock, taken);
      const trigger = await appendOne(`project-${P}`, grantChanged(G, ['writer', 'admin']), V, vera);
      const head = await eventStore.headPosition();

      // bob's ug2 holds [reader] only... as if the trigger had taken writer and admin.
      expect(await reconcileUserGrant(executor, 'ug2', trigger, new Set(['writer', 'admin']))).toBe(0);
      expect(await eventStore.headPosition()).toBe(head);
    });

    it('given G was removed, when a user grant of G is reconciled for any set of roles, then removal comes first: cascade.removed only', async () => {
      await givenWorld();
      const executor = new CommandExecutor(eventStore, ids, clock, taken);
      const removal = await appendOne(`project-${P}`, grantRemoved(G, C), V, vera);

      expect(await reconcileUserGrant(executor, 'ug1', removal, new Set(['writer']))).toBe(1);
      expect(await reconcileUserGrant(executor, 'ug2', removal, new Set())).toBe(1);

      expect(await cascadesOf('ug1')).toEqual([removedBy(removal, 'ug1', C)]);
      expect(await cascadesOf('ug2')).toEqual([removedBy(removal, 'ug2', C)]);
    });

    it('given admin removed and added back, when ug3 is changed to hold admin after that, then reconciling the removal appends nothing: the later choice stands', async () => {
      await givenWorld();
      const executor = new CommandExecutor(eventStore, ids, clock, taken);
      const removal = only(await append(`project-${P}`, roleRemoved('admin'), V, vera));
      await appendOne(`project-${P}`, roleAdded('admin'), V, vera);
      await appendOne('usergrant-ug3', userGrantChanged(GIGI, ['reader', 'writer', 'admin']), V, carla);

      expect(await reconcileUserGrant(executor, 'ug3', removal, new Set(['admin']))).toBe(0);
      expect(await cascadesOf('ug3')).toEqual([]);
    });

    it('given the cascade for ug1 cannot be appended, when V removes G, then the reactor stops on that event with a failure record (fail closed) while the read model keeps going; after a retry both grants end with exactly one cascade.removed', async () => {
      await givenWorldSettled();
      refusing.refused.add('usergrant-ug1');

      const removal = await appendOne(`project-${P}`, grantRemoved(G, C), V, vera);
      await eventually(async () => (await statusOf(runner, reactor))?.state === 'stopped');
      const later = await appendOne('usergrant-ug8', userGrantAdded(BOB, Q, GQ, ['reader']), C, carla);
      expect(await progress.waitFor([projectionKey(userGrantsProjection)], later.position, WAIT_MS)).toBe(true);

      const key = projectionKey(reactor);
      expect(await readStore.get(FAILED_EVENTS, key)).toMatchObject({
        projection: key,
        position: removal.position,
        eventId: removal.id,
        eventType: 'project.grant.removed',
        error: 'append to usergrant-ug1 refused',
      });
      expect(await statusOf(runner, reactor)).toMatchObject({ state: 'stopped', position: removal.position - 1 });
      expect((await readStore.getCheckpoint(key))?.position).toBe(removal.position - 1);
      expect(await cascadesOf('ug1')).toEqual([]);
      const userGrants = physicalCollection(userGrantsProjection, USER_GRANTS);
      expect(await readStore.get(userGrants, 'ug1')).toBeNull();
      expect(await readStore.get(userGrants, 'ug8')).toMatchObject({ projectId: Q, roleKeys: ['reader'] });
      expect(logger.errors.map((entry) => entry.context.eventId)).toContain(removal.id);

      refusing.refused.clear();
      expect(await retryFailedEvent(readStore, key)).toBe(true);
      await settle();

      expect(await cascadesOf('ug1')).toEqual([removedBy(removal, 'ug1', C)]);
      expect(await cascadesOf('ug2')).toEqual([removedBy(removal, 'ug2', C)]);
      expect(await statusOf(runner, reactor)).toMatchObject({ state: 'running' });
    });
  });
});

describe('candidateFilters (pure)', () => {
  /** The reactor's table of live user grants, as it keeps it. */
  const table: readonly Doc[] = [
    { id: 'ug1', userId: GIGI, projectId: P, projectGrantId: G, roleKeys: ['reader', 'writer'] },
    { id: 'ug2', userId: BOB, projectId: P, projectGrantId: G, roleKeys: ['reader'] },
    { id: 'ug3', userId: GIGI, projectId: P, projectGrantId: '', roleKeys: ['writer'] },
    { id: 'ug4', userId: GIGI, projectId: Q, projectGrantId: GQ, roleKeys: ['writer'] },
    { id: 'ug5', userId: BOB, projectId: Q, projectGrantId: '', roleKeys: [] },
  ];
  const recorded = (stream: string, event: Event): RecordedEvent =>
    ({
      id: 'e1',
      stream,
      type: event.type,
      revision: 0,
      position: 1,
      createdAt: new Date(0),
      data: event.data,
      metadata: { actor: 'a', resourceOwner: V, correlationId: 'c', causationId: 'c' },
    }) as RecordedEvent;
  const candidates = (event: RecordedEvent) =>
    table.filter((doc) => candidateFilters(event).some((filter) => matches(doc, filter))).map((doc) => doc.id);

  it.each<[string, RecordedEvent, string[]]>([
    ['user.removed of gigi: every grant of gigi', recorded(`user-${GIGI}`, userRemoved), ['ug1', 'ug3', 'ug4']],
    ['project.removed of Portal: every grant of Portal', recorded(`project-${P}`, projectRemoved('Portal')), ['ug1', 'ug2', 'ug3']],
    ['project.role.removed writer on Portal: Portal grants holding writer', recorded(`project-${P}`, roleRemoved('writer')), ['ug1', 'ug3']],
    ['project.grant.removed of G: every grant of G', recorded(`project-${P}`, grantRemoved(G, C)), ['ug1', 'ug2']],
    ['project.grant.changed of G', recorded(`project-${P}`, grantChanged(G, [])), ['ug1', 'ug2']],
    ['project.grant.cascade.changed of GQ', recorded(`project-${Q}`, grantCascadeChanged(GQ, [])), ['ug4']],
    ['project.grant.deactivated of G: none', recorded(`project-${P}`, grantDeactivated(G)), []],
    ['project.grant.reactivated of G: none', recorded(`project-${P}`, grantReactivated(G)), []],
    ['project.grant.added: none', recorded(`project-${P}`, grantAdded('g-new', C, ['reader'])), []],
    ['project.role.added: none', recorded(`project-${P}`, roleAdded('viewer')), []],
    ['user.grant.added: none (found through its own event)', recorded('usergrant-ug9', userGrantAdded(GIGI, P, G, ['writer'])), []],
  ])('%s', (_, event, expected) => {
    expect(candidates(event)).toEqual(expected);
  });
});

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { RecordedEvent } from '../kernel/event';
import type { EventStore, Subscription } from '../kernel/event-store.port';
import type { Clock } from '../kernel/clock.port';
import type { CollectionSpec, Doc, ReadStore, ReadStoreTx } from '../kernel/read-store.port';
import { BatchView, CATCH_UP_CACHE_LIMIT, LIVE_CACHE_LIMIT, ProjectionDocCache } from './batch-view';
import { type Projection, physicalCollection, projectionKey } from './projection';
import type { ProjectionProgress } from './projection-progress';

/** How long one projection transaction may apply events before it commits and yields. */
const SLICE_MS = 8;
/** A batch this large means the projection is catching up: fewer, longer slices. */
const CATCH_UP_EVENTS = 500;
const CATCH_UP_SLICE_MS = 100;
/**
 * A slice applies at least this many events whatever the time: on a store where each write is a
 * round trip (MongoDB), a time budget alone would mean one transaction per event, and reads
 * waiting for their writes would time out. Slicing is for SQLite's synchronous driver.
 */
const MIN_EVENTS_PER_SLICE = 100;
/**
 * A batch with nothing for a projection moves its position in memory at once; the checkpoint
 * follows within this delay (or with its next write). Most live batches concern one or two of the
 * projections, and a transaction per projection per batch was most of the read store's commits.
 */
const CHECKPOINT_ONLY_DELAY_MS = 20;
/**
 * How far (in events) a projection skipping catch-up batches with nothing for it may run ahead of
 * the slowest projection still catching up. SqliteEventStore shares its last 16 batches of 1,000
 * events: within this lead, the batches the slower ones still need are still shared, so nobody
 * reads and parses the log a second time.
 */
const CATCH_UP_LEAD_EVENTS = 4_000;
/** Longest wait for the slowest one: a projection held up elsewhere (a lost lease) stalls no other. */
const CATCH_UP_STEP_WAIT_MS = 1_000;

/** Failure records and operator skips: one collection each, outside any projection. */
export const FAILED_EVENTS = 'failed_events';
export const SKIPPED_EVENTS = 'skipped_events';
/** One lease per projection: the process holding it is the only one applying that projection. */
export const LEASES = 'projection_leases';
/** An operator asked for a projection to start over from position 0 (one pending request each). */
export const REBUILD_REQUESTS = 'projection_rebuild_requests';
/** Every rebuild a runner carried out: which projection, why, asked when, begun when. */
export const REBUILDS = 'projection_rebuilds';

export interface RebuildRequest extends Doc {
  /** The projection key. */
  readonly projection: string;
  readonly reason: string;
  readonly requestedAt: string;
}

interface Lease extends Doc {
  readonly holder: string;
  /** Epoch milliseconds after which another process may take the lease over. */
  readonly expiresAt: number;
}

/** This process no longer holds the projection's lease: another one took it over. */
class LeaseLost extends Error {}

/** A projection stopped on this event (fail closed); deleting the record retries it. */
export interface FailedEvent extends Doc {
  /** The projection key; one failure per projection, since it stops at the first. */
  readonly projection: string;
  readonly position: number;
  readonly eventId: string;
  readonly eventType: string;
  readonly error: string;
  readonly failureCount: number;
  readonly lastFailed: string;
}

/** `standby`: another process holds the projection's lease and applies it. */
export type ProjectionState = 'running' | 'catching_up' | 'stopped' | 'standby';

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly key: string;
  readonly state: ProjectionState;
  readonly position: number;
  readonly failure?: FailedEvent;
}

export interface RunnerLogger {
  error(message: string, context: Record<string, unknown>): void;
  warn(message: string, context: Record<string, unknown>): void;
}

export interface RunnerOptions {
  /** Attempts per event before the projection stops. */
  readonly attempts?: number;
  /** How often a stopped projection looks whether an operator retried or skipped it. */
  readonly resumePollMs?: number;
  /** This process's identity for leases. */
  readonly holderId?: string;
  /** How long a lease lasts without renewal; a dead holder's projections move on after this. */
  readonly leaseTtlMs?: number;
}

interface Running {
  readonly projection: Projection;
  readonly key: string;
  position: number;
  subscription: Subscription | null;
  failure: FailedEvent | null;
  resumeTimer: NodeJS.Timeout | null;
  /** True while this process holds the lease. */
  leased: boolean;
  /** Documents of this projection as committed; only trusted while the lease is held. */
  readonly cache: ProjectionDocCache;
  /** Its collections were created without their indexes; they are built when it reaches the head. */
  indexesDeferred: boolean;
  /** A rebuild is under way (lease tending runs on a timer and may come round again meanwhile). */
  rebuilding: boolean;
  /** Position of the last checkpoint this process wrote (or read at start). */
  storedPosition: number;
  /** Commit time of the event at `position` when it was reached with nothing to apply. */
  skippedTo: Date | null;
  /** Writes the checkpoint of a position reached with nothing to apply (see CHECKPOINT_ONLY_DELAY_MS). */
  checkpointTimer: NodeJS.Timeout | null;
}

/**
 * Runs projections: each one is a checkpointed catch-up subscription over all events. A batch of
 * document changes and the checkpoint are committed in one read-store transaction, so each event
 * has its effect exactly once. An event that keeps failing stops its projection (fail closed): it
 * is recorded and reported, never skipped, until an operator retries or skips it.
 */
export class ProjectionRunner {
  private readonly running = new Map<string, Running>();
  private readonly attempts: number;
  private readonly resumePollMs: number;
  private readonly holderId: string;
  private readonly leaseTtlMs: number;
  private leaseTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly eventStore: EventStore,
    private readonly readStore: ReadStore,
    private readonly projections: readonly Projection[],
    private readonly progress: ProjectionProgress,
    private readonly clock: Clock,
    private readonly logger: RunnerLogger,
    options: RunnerOptions = {},
  ) {
    this.attempts = options.attempts ?? 3;
    this.resumePollMs = options.resumePollMs ?? 1000;
    this.holderId = options.holderId ?? `${hostname()}:${process.pid}:${randomUUID()}`;
    this.leaseTtlMs = options.leaseTtlMs ?? 10_000;
  }

  async start(): Promise<void> {
    await ensureOperatorCollections(this.readStore);
    await this.readStore.ensureCollections([{ name: LEASES, indexes: [] }]);
    for (const projection of this.projections) {
      const key = projectionKey(projection);
      const checkpoint = await this.readStore.getCheckpoint(key);
      // A projection starting from nothing is a bulk load: its indexes are built once it has
      // caught up (or at its first query), not on each of its inserts.
      const fromScratch = checkpoint === null;
      await this.readStore.ensureCollections(physicalCollections(projection), { deferIndexes: fromScratch });
      const entry: Running = {
        projection,
        key,
        position: checkpoint?.position ?? 0,
        subscription: null,
        failure: null,
        resumeTimer: null,
        leased: false,
        cache: new ProjectionDocCache(),
        indexesDeferred: fromScratch,
        rebuilding: false,
        storedPosition: checkpoint?.position ?? 0,
        skippedTo: null,
        checkpointTimer: null,
      };
      this.running.set(key, entry);
      this.progress.report(key, entry.position);
    }
    await this.tendLeases();
    // Renew held leases and pick up those whose holder died, well within the lease's lifetime.
    this.leaseTimer = setInterval(() => void this.tendLeases().catch((error: unknown) => this.logger.warn('lease renewal failed', { error: String(error) })), this.leaseTtlMs / 3);
  }

  /** Takes or renews the lease of every projection; starts the ones gained, stops the ones lost. */
  private async tendLeases(): Promise<void> {
    for (const entry of this.running.values()) {
      const held = await this.takeLease(entry.key);
      if (held && !entry.leased) {
        entry.leased = true;
        await this.activate(entry);
      } else if (!held && entry.leased) {
        this.logger.warn('projection lease taken over by another process', { projection: entry.key });
        await this.standBy(entry);
      } else if (held) {
        await this.rebuildIfRequested(entry);
      }
    }
  }

  /**
   * Carries out an operator's rebuild request (see `requestRebuild`): stop, forget the checkpoint,
   * drop the projection's collections, start again from position 0. The request is deleted last,
   * so a crash part-way through repeats the whole rebuild when the lease is next taken; deleting
   * the checkpoint first means no restart can resume from the old position over dropped tables.
   * Answers whether a request was found: after a failed attempt the projection stays idle (its
   * in-memory position may be stale) and the next lease renewal tries again.
   */
  private async rebuildIfRequested(entry: Running): Promise<boolean> {
    if (entry.rebuilding || !entry.leased) return entry.rebuilding;
    const request = (await this.readStore.get(REBUILD_REQUESTS, entry.key)) as RebuildRequest | null;
    if (request === null) return false;
    entry.rebuilding = true;
    try {
      this.logger.warn('projection rebuild from position 0 begins', { projection: entry.key, reason: request.reason, requestedAt: request.requestedAt });
      const subscription = entry.subscription;
      entry.subscription = null;
      await subscription?.stop();
      if (entry.resumeTimer !== null) clearInterval(entry.resumeTimer);
      entry.resumeTimer = null;
      entry.failure = null;
      await this.readStore.transact(async (tx) => {
        await this.fence(tx, entry.key);
        // A stopped projection starts over too; if the event still fails, it is recorded again.
        await tx.delete(FAILED_EVENTS, entry.key);
        await tx.put(REBUILDS, { id: rebuildRecordId(request), projection: entry.key, reason: request.reason, requestedAt: request.requestedAt, startedAt: this.clock.now().toISOString() });
      });
      await this.readStore.deleteCheckpoint(entry.key);
      // Reads that wait for their writes wait again: the read model is being rebuilt.
      this.progress.restart(entry.key);
      const specs = physicalCollections(entry.projection);
      await this.readStore.dropCollections(specs.map((spec) => spec.name));
      await this.readStore.ensureCollections(specs, { deferIndexes: true });
      entry.indexesDeferred = true;
      entry.position = 0;
      entry.storedPosition = 0;
      entry.cache.clear();
      await this.readStore.transact((tx) => tx.delete(REBUILD_REQUESTS, entry.key));
      if (entry.leased) this.subscribe(entry);
      return true;
    } catch (error) {
      if (error instanceof LeaseLost) this.loseLease(entry);
      else this.logger.error('projection rebuild failed; it is tried again', { projection: entry.key, error: String(error) });
      return true;
    } finally {
      entry.rebuilding = false;
    }
  }

  /**
   * Fencing: checked inside the transaction that writes, so a process that lost the lease (paused
   * past its lifetime) cannot commit over the new holder's work.
   */
  private async fence(tx: ReadStoreTx, key: string): Promise<void> {
    const lease = (await tx.get(LEASES, key)) as Lease | null;
    if (lease?.holder !== this.holderId) throw new LeaseLost();
  }

  private async takeLease(key: string): Promise<boolean> {
    return this.readStore.transact(async (tx) => {
      const lease = (await tx.get(LEASES, key)) as Lease | null;
      const now = this.clock.now().getTime();
      if (lease !== null && lease.holder !== this.holderId && lease.expiresAt > now && !holderIsDeadHere(lease.holder)) return false;
      await tx.put(LEASES, { id: key, holder: this.holderId, expiresAt: now + this.leaseTtlMs } satisfies Lease);
      return true;
    });
  }

  /** Starts applying a projection whose lease was just gained, from its stored checkpoint. */
  private async activate(entry: Running): Promise<void> {
    this.progress.setLocal(entry.key, true);
    // Another holder may have written while this process did not hold the lease.
    entry.cache.clear();
    const checkpoint = await this.readStore.getCheckpoint(entry.key);
    entry.position = checkpoint?.position ?? 0;
    entry.storedPosition = entry.position;
    this.progress.report(entry.key, entry.position);
    if (await this.rebuildIfRequested(entry)) return;
    const failure = (await this.readStore.get(FAILED_EVENTS, entry.key)) as FailedEvent | null;
    if (failure !== null) this.halt(entry, failure);
    else this.subscribe(entry);
  }

  private async standBy(entry: Running): Promise<void> {
    entry.leased = false;
    if (entry.checkpointTimer !== null) clearTimeout(entry.checkpointTimer);
    entry.checkpointTimer = null;
    this.progress.setLocal(entry.key, false);
    if (entry.resumeTimer !== null) clearInterval(entry.resumeTimer);
    entry.resumeTimer = null;
    const subscription = entry.subscription;
    entry.subscription = null;
    await subscription?.stop();
  }

  async stop(): Promise<void> {
    if (this.leaseTimer !== null) clearInterval(this.leaseTimer);
    this.leaseTimer = null;
    for (const entry of this.running.values()) {
      const wasLeased = entry.leased;
      // A clean stop leaves the checkpoint where the projection got to.
      if (wasLeased) await this.writeCheckpoint(entry).catch(() => undefined);
      await this.standBy(entry);
      // Hand the lease over at once on a clean stop instead of letting it run out.
      if (wasLeased) await this.releaseLease(entry.key).catch(() => undefined);
    }
  }

  private async releaseLease(key: string): Promise<void> {
    await this.readStore.transact(async (tx) => {
      const lease = (await tx.get(LEASES, key)) as Lease | null;
      if (lease?.holder === this.holderId) await tx.delete(LEASES, key);
    });
  }

  async status(): Promise<readonly ProjectionStatus[]> {
    const head = await this.eventStore.headPosition();
    return [...this.running.values()].map((entry) => ({
      name: entry.projection.name,
      version: entry.projection.version,
      key: entry.key,
      state: !entry.leased ? 'standby' : entry.failure !== null ? 'stopped' : entry.position < head ? 'catching_up' : 'running',
      position: entry.position,
      ...(entry.failure !== null ? { failure: entry.failure } : {}),
    }));
  }

  private subscribe(entry: Running): void {
    entry.subscription = this.eventStore.subscribeToAll(
      entry.position,
      (events) => this.handle(entry, events),
      (error) => this.logger.error('projection subscription failed', { projection: entry.key, error: String(error) }),
    );
  }

  private async handle(entry: Running, events: readonly RecordedEvent[]): Promise<void> {
    if (entry.failure !== null || !entry.leased) return;
    const pending = events.filter((event) => event.position > entry.position);
    const last = pending[pending.length - 1];
    if (last === undefined) return;
    if (!pending.some((event) => entry.projection.handles.has(event.type))) {
      // Projections catching up together must stay in step, since they share the batches they read
      // (SqliteEventStore keeps the last few): one that ran ahead through batches with nothing for it
      // read and parsed the log again on its own, and a rebuild of every projection went from 22k to
      // 11k events/s. So a catch-up batch is skipped only within reach of the slowest one. (Catch-up
      // batches with nothing to apply used to go through a transaction each, in step by their cost:
      // three Golem consumers over the 2.2M-event ZITADEL data set added ~10 % to a full rebuild.)
      if (pending.length >= CATCH_UP_EVENTS) {
        await this.keepInStep(entry, pending[0]?.position ?? last.position);
        if (entry.failure !== null || !entry.leased) return;
      }
      entry.position = last.position;
      entry.skippedTo = last.createdAt;
      // As after an applied batch: the indexes are there before the position is reported. Outside
      // the batch's error handling, a failed build (a full disk) must not end the subscription: the
      // indexes stay deferred and are tried again with the next batch or query.
      await this.buildDeferredIndexesAtHead(entry).catch((error: unknown) =>
        this.logger.warn('building deferred indexes failed; retried later', { projection: entry.key, error: String(error) }),
      );
      this.progress.report(entry.key, last.position);
      this.scheduleCheckpoint(entry);
      return;
    }
    try {
      // Commit in slices and let the event loop turn between them: one transaction over a whole
      // batch kept HTTP waiting. Live batches (a few events) get short slices for latency; a
      // catch-up (a big backlog) longer ones, since every commit rewrites the B-trees' upper pages.
      const catchingUp = pending.length >= CATCH_UP_EVENTS;
      const budgetMs = catchingUp ? CATCH_UP_SLICE_MS : SLICE_MS;
      entry.cache.resize(catchingUp ? CATCH_UP_CACHE_LIMIT : LIVE_CACHE_LIMIT);
      for (let done = 0; done < pending.length; ) {
        if (done > 0) await new Promise<void>((resolve) => setImmediate(resolve));
        if (entry.failure !== null || !entry.leased) return;
        done += await this.commit(entry, pending.slice(done), budgetMs);
      }
      // A catch-up whose last batch was full reaches the head here; no live batch may follow soon.
      if (catchingUp && entry.position >= (await this.eventStore.headPosition())) entry.cache.resize(LIVE_CACHE_LIMIT);
      return;
    } catch (error) {
      if (error instanceof LeaseLost) return this.loseLease(entry);
      this.logger.warn('projection batch failed; retrying event by event', { projection: entry.key, error: String(error) });
    }
    // Find the event that fails: commit its predecessors one by one, retry it, then stop.
    for (const event of pending) {
      if (event.position <= entry.position) continue; // committed by an earlier slice
      let lastError: unknown = null;
      for (let attempt = 1; attempt <= this.attempts; attempt += 1) {
        try {
          await this.commit(entry, [event]);
          lastError = null;
          break;
        } catch (error) {
          if (error instanceof LeaseLost) return this.loseLease(entry);
          lastError = error;
        }
      }
      if (lastError !== null) {
        await this.recordFailure(entry, event, lastError);
        return;
      }
    }
  }

  /**
   * Applies events in order in one transaction with the checkpoint after the last one applied:
   * all of them, or as many as fit in `budgetMs` (at least MIN_EVENTS_PER_SLICE). Answers how many were applied.
   */
  private async commit(entry: Running, events: readonly RecordedEvent[], budgetMs = Number.POSITIVE_INFINITY): Promise<number> {
    if (events.length === 0) return 0;
    let applied = 0;
    const view = await this.readStore.transact(async (tx) => {
      // The budget starts once the transaction is ours: waiting for the write lock (and the event
      // loop turn it yields) used it up before, and a catch-up committed MIN_EVENTS_PER_SLICE at a time.
      const deadline = performance.now() + budgetMs;
      await this.fence(tx, entry.key);
      const batch = new BatchView(tx, (logical) => physicalCollection(entry.projection, logical), entry.cache);
      applied = 0;
      for (const event of events) {
        if (applied >= MIN_EVENTS_PER_SLICE && performance.now() > deadline) break;
        if (entry.projection.handles.has(event.type)) await entry.projection.apply(event, batch);
        applied += 1;
      }
      const lastApplied = events[applied - 1] as RecordedEvent;
      await batch.commit();
      await tx.setCheckpoint({ projection: entry.key, position: lastApplied.position, eventCreatedAt: lastApplied.createdAt, updatedAt: this.clock.now() });
      // Inside the transaction: a checkpoint-only write queued behind this one must not go back.
      entry.storedPosition = Math.max(entry.storedPosition, lastApplied.position);
      return batch;
    });
    const last = events[applied - 1] as RecordedEvent;
    view.committed();
    entry.position = last.position;
    await this.buildDeferredIndexesAtHead(entry);
    this.progress.report(entry.key, last.position);
    return applied;
  }

  /**
   * A projection built from scratch gets its indexes once it reaches the head, whichever way it
   * got there: with a batch applied, or with one that had nothing for it. (Only the first was
   * checked: after a full rebuild, projections whose last batch was someone else's events were
   * left without indexes until the next start, or until the first query built them inline.)
   */
  private async buildDeferredIndexesAtHead(entry: Running): Promise<void> {
    if (!entry.indexesDeferred || entry.position < (await this.eventStore.headPosition())) return;
    await this.readStore.buildDeferredIndexes(physicalCollections(entry.projection).map((spec) => spec.name));
    entry.indexesDeferred = false;
  }

  /** Waits until no other projection still catching up is more than CATCH_UP_LEAD_EVENTS behind `from`. */
  private async keepInStep(entry: Running, from: number): Promise<void> {
    for (;;) {
      let slowest: Running | undefined;
      for (const other of this.running.values()) {
        if (other === entry || other.failure !== null || !other.leased || other.subscription === null) continue;
        if (slowest === undefined || other.position < slowest.position) slowest = other;
      }
      if (slowest === undefined || from - slowest.position <= CATCH_UP_LEAD_EVENTS) return;
      if (!(await this.progress.waitFor([slowest.key], from - CATCH_UP_LEAD_EVENTS, CATCH_UP_STEP_WAIT_MS))) return;
    }
  }

  private scheduleCheckpoint(entry: Running): void {
    if (entry.checkpointTimer !== null) return;
    entry.checkpointTimer = setTimeout(() => {
      entry.checkpointTimer = null;
      this.writeCheckpoint(entry).catch((error: unknown) => {
        if (error instanceof LeaseLost) this.loseLease(entry);
        // Otherwise the next write or the next batch with nothing to apply writes it.
        else this.logger.warn('projection checkpoint write failed', { projection: entry.key, error: String(error) });
      });
    }, CHECKPOINT_ONLY_DELAY_MS);
    entry.checkpointTimer.unref();
  }

  /** Stores the position reached with nothing to apply, unless a later write already did. */
  private async writeCheckpoint(entry: Running): Promise<void> {
    if (!entry.leased || entry.rebuilding || entry.failure !== null || entry.position <= entry.storedPosition) return;
    await this.readStore.transact(async (tx) => {
      // Read when the transaction runs, not when it was queued: a slice committed meanwhile may be further on.
      const position = entry.position;
      if (!entry.leased || entry.rebuilding || position <= entry.storedPosition) return;
      await this.fence(tx, entry.key);
      await tx.setCheckpoint({ projection: entry.key, position, eventCreatedAt: entry.skippedTo, updatedAt: this.clock.now() });
      entry.storedPosition = position;
    });
  }

  private async recordFailure(entry: Running, event: RecordedEvent, error: unknown): Promise<void> {
    const previous = (await this.readStore.get(FAILED_EVENTS, entry.key)) as FailedEvent | null;
    const failure: FailedEvent = {
      id: entry.key,
      projection: entry.key,
      position: event.position,
      eventId: event.id,
      eventType: event.type,
      error: error instanceof Error ? error.message : String(error),
      failureCount: (previous?.position === event.position ? previous.failureCount : 0) + this.attempts,
      lastFailed: this.clock.now().toISOString(),
    };
    await this.readStore.transact((tx) => tx.put(FAILED_EVENTS, failure));
    this.logger.error('projection stopped on an event it cannot apply', {
      projection: entry.key,
      position: event.position,
      eventId: event.id,
      eventType: event.type,
      error: failure.error,
    });
    this.halt(entry, failure);
  }

  private loseLease(entry: Running): void {
    this.logger.warn('projection lease lost; standing by', { projection: entry.key });
    entry.leased = false;
    this.progress.setLocal(entry.key, false);
    const subscription = entry.subscription;
    entry.subscription = null;
    if (subscription !== null) setImmediate(() => void subscription.stop());
  }

  /** Stops the projection and watches for an operator's retry or skip (the record disappears). */
  private halt(entry: Running, failure: FailedEvent): void {
    entry.failure = failure;
    const subscription = entry.subscription;
    entry.subscription = null;
    // The subscription's own handler is what threw; let it unwind before stopping it.
    if (subscription !== null) setImmediate(() => void subscription.stop());
    if (entry.resumeTimer !== null) return;
    entry.resumeTimer = setInterval(() => {
      void this.resumeIfResolved(entry);
    }, this.resumePollMs);
  }

  private async resumeIfResolved(entry: Running): Promise<void> {
    if (entry.failure === null || !entry.leased) return;
    const record = await this.readStore.get(FAILED_EVENTS, entry.key);
    if (record !== null) return;
    await this.resume(entry);
  }

  private async resume(entry: Running): Promise<void> {
    if (entry.resumeTimer !== null) clearInterval(entry.resumeTimer);
    entry.resumeTimer = null;
    const checkpoint = await this.readStore.getCheckpoint(entry.key);
    entry.position = checkpoint?.position ?? 0;
    entry.failure = null;
    entry.cache.clear();
    this.progress.report(entry.key, entry.position);
    this.subscribe(entry);
  }

  /** Operator: apply the failed event again (it is recorded again if it still fails). */
  async retry(key: string): Promise<boolean> {
    return retryFailedEvent(this.readStore, key);
  }
}

function physicalCollections(projection: Projection): CollectionSpec[] {
  return projection.collections.map((spec) => ({ ...spec, name: physicalCollection(projection, spec.name) }));
}

/** The operator collections exist even on a read store no runner has started on yet. */
async function ensureOperatorCollections(readStore: ReadStore): Promise<void> {
  await readStore.ensureCollections([
    { name: FAILED_EVENTS, indexes: [] },
    { name: SKIPPED_EVENTS, indexes: [] },
    { name: REBUILD_REQUESTS, indexes: [] },
    { name: REBUILDS, indexes: [] },
  ]);
}

/** The id of the rebuild record a runner writes when it begins carrying out `request`. */
export function rebuildRecordId(request: RebuildRequest): string {
  return `${request.projection}:${request.requestedAt}`;
}

/**
 * Operator: asks the process that holds the projection's lease to rebuild it from position 0, with
 * a reason kept in the rebuild record. Taken up within a lease renewal (a few seconds), or at the
 * next start if no process runs it. A second request before the first is taken up replaces it.
 */
export async function requestRebuild(readStore: ReadStore, key: string, reason: string, clock: Clock): Promise<RebuildRequest> {
  await ensureOperatorCollections(readStore);
  const request: RebuildRequest = { id: key, projection: key, reason, requestedAt: clock.now().toISOString() };
  await readStore.transact((tx) => tx.put(REBUILD_REQUESTS, request));
  return request;
}

/** Deletes the failure record so the stopped projection applies the event again. */
export async function retryFailedEvent(readStore: ReadStore, key: string): Promise<boolean> {
  await ensureOperatorCollections(readStore);
  return readStore.transact(async (tx) => {
    if ((await tx.get(FAILED_EVENTS, key)) === null) return false;
    await tx.delete(FAILED_EVENTS, key);
    return true;
  });
}

/** Moves a stopped projection past its failed event, recording who skipped it and why. */
export async function skipFailedEvent(readStore: ReadStore, key: string, reason: string, clock: Clock): Promise<FailedEvent | null> {
  await ensureOperatorCollections(readStore);
  return readStore.transact(async (tx) => {
    const failure = (await tx.get(FAILED_EVENTS, key)) as FailedEvent | null;
    if (failure === null) return null;
    await tx.put(SKIPPED_EVENTS, { ...failure, id: `${key}:${failure.position}`, reason, skippedAt: clock.now().toISOString() });
    await tx.setCheckpoint({ projection: key, position: failure.position, eventCreatedAt: null, updatedAt: clock.now() });
    await tx.delete(FAILED_EVENTS, key);
    return failure;
  });
}

/**
 * A holder on this host whose process is gone (killed, crashed) cannot renew: its lease is taken
 * over at once instead of after its lifetime, so a restart does not wait for the old lease.
 */
function holderIsDeadHere(holder: string): boolean {
  const [host, pid] = holder.split(':');
  if (host !== hostname() || pid === undefined || !/^\d+$/.test(pid)) return false;
  if (Number(pid) === process.pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** A projection's status as the read store records it, for processes that do not run it. */
export interface StoredProjectionStatus {
  readonly key: string;
  readonly state: ProjectionState;
  readonly position: number;
  /** When the checkpoint was last written; null before the first one. */
  readonly lastSuccessfulRun: Date | null;
  readonly failure?: FailedEvent;
}

/** Status of each projection from its checkpoint and failure record (health in API-only mode, CLI). */
export async function storedProjectionStatus(
  readStore: ReadStore,
  projections: readonly Projection[],
  head: number,
): Promise<readonly StoredProjectionStatus[]> {
  const checkpoints = new Map((await readStore.listCheckpoints()).map((checkpoint) => [checkpoint.projection, checkpoint]));
  return Promise.all(
    projections.map(async (projection) => {
      const key = projectionKey(projection);
      const checkpoint = checkpoints.get(key);
      // No failure collection yet (no runner ever started on this store) means no failure.
      const failure = (await readStore.get(FAILED_EVENTS, key).catch(() => null)) as FailedEvent | null;
      const position = checkpoint?.position ?? 0;
      return {
        key,
        state: failure !== null ? 'stopped' : position < head ? 'catching_up' : 'running',
        position,
        lastSuccessfulRun: checkpoint?.updatedAt ?? null,
        ...(failure !== null ? { failure } : {}),
      };
    }),
  );
}

import type { RecordedEvent } from '../kernel/event';
import type { EventStore, Subscription } from '../kernel/event-store.port';
import type { Clock } from '../kernel/clock.port';
import type { Doc, ReadStore, ReadStoreTx } from '../kernel/read-store.port';
import { type Projection, type ProjectionView, physicalCollection, projectionKey } from './projection';
import type { ProjectionProgress } from './projection-progress';

/** Failure records and operator skips: one collection each, outside any projection. */
export const FAILED_EVENTS = 'failed_events';
export const SKIPPED_EVENTS = 'skipped_events';

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

export type ProjectionState = 'running' | 'catching_up' | 'stopped';

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
}

interface Running {
  readonly projection: Projection;
  readonly key: string;
  position: number;
  subscription: Subscription | null;
  failure: FailedEvent | null;
  resumeTimer: NodeJS.Timeout | null;
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
  }

  async start(): Promise<void> {
    await this.readStore.ensureCollections([
      { name: FAILED_EVENTS, indexes: [] },
      { name: SKIPPED_EVENTS, indexes: [] },
    ]);
    for (const projection of this.projections) {
      await this.readStore.ensureCollections(
        projection.collections.map((spec) => ({ ...spec, name: physicalCollection(projection, spec.name) })),
      );
      const key = projectionKey(projection);
      const checkpoint = await this.readStore.getCheckpoint(key);
      const entry: Running = { projection, key, position: checkpoint?.position ?? 0, subscription: null, failure: null, resumeTimer: null };
      this.running.set(key, entry);
      this.progress.report(key, entry.position);
      const failure = (await this.readStore.get(FAILED_EVENTS, key)) as FailedEvent | null;
      if (failure !== null) this.halt(entry, failure);
      else this.subscribe(entry);
    }
  }

  async stop(): Promise<void> {
    for (const entry of this.running.values()) {
      if (entry.resumeTimer !== null) clearInterval(entry.resumeTimer);
      entry.resumeTimer = null;
      const subscription = entry.subscription;
      entry.subscription = null;
      await subscription?.stop();
    }
  }

  async status(): Promise<readonly ProjectionStatus[]> {
    const head = await this.eventStore.headPosition();
    return [...this.running.values()].map((entry) => ({
      name: entry.projection.name,
      version: entry.projection.version,
      key: entry.key,
      state: entry.failure !== null ? 'stopped' : entry.position < head ? 'catching_up' : 'running',
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
    if (entry.failure !== null) return;
    const pending = events.filter((event) => event.position > entry.position);
    const last = pending[pending.length - 1];
    if (last === undefined) return;
    try {
      await this.commit(entry, pending);
      return;
    } catch (error) {
      this.logger.warn('projection batch failed; retrying event by event', { projection: entry.key, error: String(error) });
    }
    // Find the event that fails: commit its predecessors one by one, retry it, then stop.
    for (const event of pending) {
      let lastError: unknown = null;
      for (let attempt = 1; attempt <= this.attempts; attempt += 1) {
        try {
          await this.commit(entry, [event]);
          lastError = null;
          break;
        } catch (error) {
          lastError = error;
        }
      }
      if (lastError !== null) {
        await this.recordFailure(entry, event, lastError);
        return;
      }
    }
  }

  private async commit(entry: Running, events: readonly RecordedEvent[]): Promise<void> {
    const last = events[events.length - 1];
    if (last === undefined) return;
    await this.readStore.transact(async (tx) => {
      const view = viewOf(entry.projection, tx);
      for (const event of events) {
        if (entry.projection.handles.has(event.type)) await entry.projection.apply(event, view);
      }
      await tx.setCheckpoint({ projection: entry.key, position: last.position, eventCreatedAt: last.createdAt, updatedAt: this.clock.now() });
    });
    entry.position = last.position;
    this.progress.report(entry.key, last.position);
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
    if (entry.failure === null) return;
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
    this.progress.report(entry.key, entry.position);
    this.subscribe(entry);
  }

  /** Operator: apply the failed event again (it is recorded again if it still fails). */
  async retry(key: string): Promise<boolean> {
    return retryFailedEvent(this.readStore, key);
  }
}

function viewOf(projection: Projection, tx: ReadStoreTx): ProjectionView {
  const name = (logical: string) => physicalCollection(projection, logical);
  return {
    get: (collection, id) => tx.get(name(collection), id),
    find: (collection, filter) => tx.find(name(collection), filter),
    put: (collection, doc) => tx.put(name(collection), doc),
    delete: (collection, id) => tx.delete(name(collection), id),
  };
}

/** Deletes the failure record so the stopped projection applies the event again. */
export async function retryFailedEvent(readStore: ReadStore, key: string): Promise<boolean> {
  return readStore.transact(async (tx) => {
    if ((await tx.get(FAILED_EVENTS, key)) === null) return false;
    await tx.delete(FAILED_EVENTS, key);
    return true;
  });
}

/** Moves a stopped projection past its failed event, recording who skipped it and why. */
export async function skipFailedEvent(readStore: ReadStore, key: string, reason: string, clock: Clock): Promise<FailedEvent | null> {
  return readStore.transact(async (tx) => {
    const failure = (await tx.get(FAILED_EVENTS, key)) as FailedEvent | null;
    if (failure === null) return null;
    await tx.put(SKIPPED_EVENTS, { ...failure, id: `${key}:${failure.position}`, reason, skippedAt: clock.now().toISOString() });
    await tx.setCheckpoint({ projection: key, position: failure.position, eventCreatedAt: null, updatedAt: clock.now() });
    await tx.delete(FAILED_EVENTS, key);
    return failure;
  });
}

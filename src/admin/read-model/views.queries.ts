import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { GrantlineConfig } from '../../config/config';
import { DomainError } from '../../kernel/domain-error';
import { EVENT_STORE, type EventStore } from '../../kernel/event-store.port';
import { type Checkpoint, READ_STORE, type ReadStore } from '../../kernel/read-store.port';
import { PROJECTIONS } from '../../platform/platform';
import { GRANTLINE_CONFIG } from '../../platform/tokens';
import { projectionKey } from '../../projections/projection';
import { ProjectionProgress } from '../../projections/projection-progress';
import { FAILED_EVENTS, type FailedEvent } from '../../projections/projection-runner';

/** ZITADEL's `database` of a view: the MongoDB database, or `embedded` for the SQLite store. */
export function viewDatabase(config: GrantlineConfig): string {
  return config.mongodbUri !== undefined ? config.mongodbDb : 'embedded';
}

/** ZITADEL's `viewName` of a projection key. */
export function viewName(key: string): string {
  return `projections.${key}`;
}

/** The projection key a `viewName` names: `projections.user_grants1` or `user_grants1`. */
export function projectionKeyOfView(name: string): string {
  return name.startsWith('projections.') ? name.slice('projections.'.length) : name;
}

/** Whether to wait for the running projections first, and for which position (`head` = on arrival). */
export type ViewsConsistency = { readonly wait: false } | { readonly wait: true; readonly position: number | 'head' };

/** Every projection's checkpoint (ListViews). */
export class ListViewsQuery {
  constructor(readonly consistency: ViewsConsistency) {}
}

export interface ViewState {
  readonly key: string;
  readonly checkpoint: Checkpoint | null;
  /** Set when the projection is stopped on a failed event. */
  readonly failure: FailedEvent | null;
}

export interface ViewsAnswer {
  readonly database: string;
  readonly views: readonly ViewState[];
  /** The lowest position of the running projections: what the answer reflects. */
  readonly position: number;
}

/**
 * Read-your-writes for ListViews: the running projections are waited for like any read (2 s, then
 * 503 `GRANTLINE-NotConsistent`), but a projection stopped on a failed event is not: it will not
 * move until an operator acts, and this is the endpoint that shows it.
 */
@QueryHandler(ListViewsQuery)
export class ListViewsHandler implements IQueryHandler<ListViewsQuery, ViewsAnswer> {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(GRANTLINE_CONFIG) private readonly config: GrantlineConfig,
    private readonly progress: ProjectionProgress,
  ) {}

  async execute({ consistency }: ListViewsQuery): Promise<ViewsAnswer> {
    const keys = PROJECTIONS.map(projectionKey);
    const target = consistency.wait ? (consistency.position === 'head' ? await this.eventStore.headPosition() : consistency.position) : 0;
    let failures = await failuresByKey(this.readStore);
    let running = keys.filter((key) => !failures.has(key));
    if (consistency.wait && !(await this.progress.waitFor(running, target, this.config.consistencyTimeoutMs))) {
      // A projection may have stopped while we waited: only the ones still running must arrive.
      failures = await failuresByKey(this.readStore);
      running = keys.filter((key) => !failures.has(key));
      if (!this.progress.reached(running, target)) {
        throw new DomainError('unavailable', 'GRANTLINE-NotConsistent', 'The read models have not caught up with earlier writes yet; retry shortly');
      }
    }
    const stored = new Map((await this.readStore.listCheckpoints()).map((checkpoint) => [checkpoint.projection, checkpoint]));
    // A projection's stored checkpoint may trail what it has processed by a few ms (events it does
    // not handle move it in memory first, decision 19): report what this process knows it reached.
    const checkpoints = new Map(keys.map((key) => [key, reachedCheckpoint(key, stored.get(key) ?? null, this.progress.position(key))] as const));
    const views = keys.map((key) => ({ key, checkpoint: checkpoints.get(key) ?? null, failure: failures.get(key) ?? null }));
    const served = (running.length > 0 ? running : keys).map((key) => checkpoints.get(key)?.position ?? 0);
    return { database: viewDatabase(this.config), views, position: Math.min(...served) };
  }
}

function reachedCheckpoint(key: string, stored: Checkpoint | null, reached: number): Checkpoint | null {
  if (reached <= (stored?.position ?? 0)) return stored;
  return { projection: key, position: reached, eventCreatedAt: stored?.eventCreatedAt ?? null, updatedAt: stored?.updatedAt ?? new Date() };
}

/** Every failure record (ListFailedEvents), by projection key. */
export class ListFailedEventsQuery {}

export interface FailedEventsAnswer {
  readonly database: string;
  readonly failures: readonly FailedEvent[];
}

/** Failure records are current state written by the runner; no projection is waited for. */
@QueryHandler(ListFailedEventsQuery)
export class ListFailedEventsHandler implements IQueryHandler<ListFailedEventsQuery, FailedEventsAnswer> {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(GRANTLINE_CONFIG) private readonly config: GrantlineConfig,
  ) {}

  async execute(): Promise<FailedEventsAnswer> {
    const failures = [...(await failuresByKey(this.readStore)).values()];
    return { database: viewDatabase(this.config), failures };
  }
}

const ensured = new WeakSet<ReadStore>();

/**
 * The runner creates the failure collection at start; an API process whose projections run in a
 * worker may get here first, so it makes sure too (once per store).
 */
export async function ensureFailedEventsCollection(readStore: ReadStore): Promise<void> {
  if (ensured.has(readStore)) return;
  await readStore.ensureCollections([{ name: FAILED_EVENTS, indexes: [] }]);
  ensured.add(readStore);
}

/** The failure records, by projection key in key order. */
async function failuresByKey(readStore: ReadStore): Promise<Map<string, FailedEvent>> {
  await ensureFailedEventsCollection(readStore);
  const { docs } = await readStore.query(FAILED_EVENTS, { sort: [{ field: 'projection', direction: 'asc' }] });
  return new Map((docs as readonly FailedEvent[]).map((failure) => [failure.projection, failure]));
}

import { createHash } from 'node:crypto';
import { type AggregateType, type UniqueKey, heldKeys, uniqueKeyId } from './aggregate';
import type { Clock, IdGenerator } from './clock.port';
import { DomainError } from './domain-error';
import type { Event, EventMetadata, NewEvent, RecordedEvent } from './event';
import { type EventStore, WrongExpectedRevision } from './event-store.port';

/** Who is acting and in which request: copied into every event's metadata. */
export interface CommandContext {
  readonly actor: string;
  readonly correlationId: string;
  readonly causationId: string;
  /** The API token the request was authenticated with (Golem dialect); absent otherwise. */
  readonly tokenId?: string;
}

export interface Execution<State, E extends Event> {
  /** State after the command (equal to the loaded state when nothing was appended). */
  readonly state: State;
  /** Events this command appended; empty for a no-op. */
  readonly appended: readonly RecordedEvent<E>[];
  /** The stream's last event before the command, if any. */
  readonly last: RecordedEvent<E> | undefined;
  /** Global position of the last event appended, or of the stream's last event on a no-op. */
  readonly position: number;
}

/** Decides on the folded state; `resourceOwner` is the owner stamped on the new events. */
export type Decision<State, E extends Event> = (state: State) => {
  readonly events: readonly E[];
  readonly resourceOwner: string;
  /** Explicit event ids (reactors derive them so replays append nothing new). */
  readonly eventIds?: readonly string[];
};

/** Stream holding the reservation of one unique key. */
export function reservationStream(key: UniqueKey): string {
  return `unique-${createHash('sha256').update(uniqueKeyId(key)).digest('hex')}`;
}

export const RESERVATION_STREAM_PREFIX = 'unique-';

interface Reserved {
  readonly kind: string;
  readonly value: string;
  /** Stream of the object that holds (or held) the key. */
  readonly owner: string;
}

/** How old a reservation of an object that was never written must be before it can be taken over. */
const ABANDONED_RESERVATION_MS = 30_000;
const MAX_ATTEMPTS = 5;
/** Streams whose folded state is kept between commands. */
const CACHED_STREAMS = 20_000;

/** A command waiting for its stream's turn. */
interface Pending {
  readonly aggregate: AggregateType<unknown, Event>;
  readonly context: CommandContext;
  readonly decide: Decision<unknown, Event>;
  readonly resolve: (execution: Execution<unknown, Event>) => void;
  readonly reject: (error: unknown) => void;
}

/** What one command of a batch decided: its events and reservations, or its error. */
interface Planned {
  readonly pending: Pending;
  readonly error?: unknown;
  readonly events?: readonly NewEvent[];
  readonly decided?: readonly Event[];
  readonly resourceOwner?: string;
  readonly metadata?: EventMetadata;
  readonly claimed?: readonly UniqueKey[];
}

const EMPTY_METADATA: EventMetadata = { actor: '', resourceOwner: '', correlationId: '', causationId: '' };

/** A decided event as the store will record it, for deciding the next command of a batch. */
function provisional(stream: string, revision: number, event: NewEvent, now: Date): RecordedEvent {
  return { id: event.id, stream, type: event.type, revision, position: 0, createdAt: now, data: event.data, metadata: event.metadata } as RecordedEvent;
}

/** A stream folded up to its last event. */
interface Folded {
  readonly state: unknown;
  readonly last: RecordedEvent | undefined;
}

/**
 * The one routine every command goes through: load the stream, fold, decide, take the unique keys
 * the new events claim, append with the expected revision, release keys the events give back.
 * A concurrent write to the stream is retried from a fresh load; after a few attempts the caller
 * gets `GRANTLINE-Conflict`.
 */
export class CommandExecutor {
  /** Folded states by stream, most recently used last: a command reads only what is new. */
  private readonly folded = new Map<string, Folded>();
  /** Commands waiting per stream; a stream with an entry has a drain running. */
  private readonly queues = new Map<string, Pending[]>();

  constructor(
    private readonly store: EventStore,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly alreadyExists: (key: UniqueKey) => Error,
    /** How many streams' folded states are kept (least recently used go first). */
    private readonly cachedStreams = CACHED_STREAMS,
  ) {}

  async execute<State, E extends Event>(
    aggregate: AggregateType<State, E>,
    id: string,
    context: CommandContext,
    decide: Decision<State, E>,
  ): Promise<Execution<State, E>> {
    const stream = `${aggregate.type}-${id}`;
    return new Promise<Execution<State, E>>((resolve, reject) => {
      const pending: Pending = { aggregate, context, decide, resolve, reject } as unknown as Pending;
      const queue = this.queues.get(stream);
      if (queue !== undefined) {
        queue.push(pending);
        return;
      }
      this.queues.set(stream, [pending]);
      void this.drain(stream);
    });
  }

  /**
   * Runs the commands queued on one stream. Commands that arrive while an append is in flight are
   * decided together, each on the state the previous one left, and appended in one append: one
   * stream, one fsync, no conflicts among this process's own writers.
   */
  private async drain(stream: string): Promise<void> {
    for (;;) {
      const queue = this.queues.get(stream);
      const batch = queue?.splice(0) ?? [];
      if (batch.length === 0) {
        this.queues.delete(stream);
        return;
      }
      try {
        await this.executeBatch(stream, batch);
      } catch (error) {
        // The stream could not even be read (store unavailable): every command of the batch fails.
        for (const pending of batch) pending.reject(error);
      }
    }
  }

  private async executeBatch(stream: string, batch: readonly Pending[]): Promise<void> {
    const aggregate = (batch[0] as Pending).aggregate;
    for (let attempt = 1; ; attempt += 1) {
      const { state: loaded, last } = await this.fold(aggregate, stream);
      const planned: Planned[] = [];
      let state = loaded;
      let revision = last?.revision ?? -1;
      for (const pending of batch) {
        let decision: ReturnType<Decision<unknown, Event>>;
        try {
          decision = pending.decide(state);
        } catch (error) {
          planned.push({ pending, error });
          continue;
        }
        const metadata: EventMetadata = { ...pending.context, resourceOwner: decision.resourceOwner };
        const events: NewEvent[] = decision.events.map((event, index) => ({
          id: decision.eventIds?.[index] ?? this.ids.newId(),
          type: event.type,
          data: event.data,
          metadata,
        })) as NewEvent[];
        let claimed: UniqueKey[] = [];
        try {
          claimed = await this.claimKeys(aggregate, state, stream, decision.events, decision.resourceOwner, metadata);
        } catch (error) {
          planned.push({ pending, error });
          continue;
        }
        planned.push({ pending, events, decided: decision.events, resourceOwner: decision.resourceOwner, metadata, claimed });
        // The next command decides on the state this one leaves (details fixed up after the append).
        for (const event of events) {
          revision += 1;
          state = aggregate.evolve(state, provisional(stream, revision, event, this.clock.now()));
        }
      }
      const toAppend = planned.flatMap((plan) => plan.events ?? []);
      try {
        const result = toAppend.length === 0 ? null : await this.store.append(stream, toAppend, last === undefined ? 'no_stream' : last.revision);
        await this.settle(stream, aggregate, loaded, last, planned, result?.events ?? []);
        return;
      } catch (error) {
        for (const plan of planned) {
          if (plan.claimed !== undefined) await this.giveBackUnheld(aggregate, plan.claimed, stream, plan.metadata ?? EMPTY_METADATA);
        }
        if (error instanceof WrongExpectedRevision && attempt < MAX_ATTEMPTS) continue;
        const failure =
          error instanceof WrongExpectedRevision
            ? new DomainError('conflict', 'GRANTLINE-Conflict', 'The object was changed by a concurrent request; retry')
            : error;
        for (const pending of batch) pending.reject(failure);
        return;
      }
    }
  }

  /** Answers each command of an appended batch with its own events and the real state after them. */
  private async settle(
    stream: string,
    aggregate: AggregateType<unknown, Event>,
    loaded: unknown,
    lastBefore: RecordedEvent | undefined,
    planned: readonly Planned[],
    recorded: readonly RecordedEvent[],
  ): Promise<void> {
    let state = loaded;
    let last = lastBefore;
    let offset = 0;
    for (const plan of planned) {
      if (plan.error !== undefined) {
        plan.pending.reject(plan.error);
        continue;
      }
      const own = recorded.slice(offset, offset + (plan.events?.length ?? 0));
      offset += own.length;
      const stateBefore = state;
      const lastBeforeOwn = last;
      for (const event of own) state = aggregate.evolve(state, event);
      if (own.length > 0) last = own[own.length - 1];
      try {
        await this.releaseKeys(aggregate, stateBefore, stream, plan.decided ?? [], plan.resourceOwner ?? '', plan.metadata ?? EMPTY_METADATA);
      } catch (error) {
        plan.pending.reject(error);
        continue;
      }
      plan.pending.resolve({ state, appended: own, last: lastBeforeOwn, position: own.length > 0 ? (last?.position ?? 0) : (lastBeforeOwn?.position ?? 0) });
    }
    if (recorded.length > 0) this.remember(stream, { state, last });
  }

  /**
   * After a failed append, gives back only the keys the stream does not hold: a concurrent writer
   * on the same stream may have taken the same key legitimately in the meantime.
   */
  private async giveBackUnheld<State, E extends Event>(
    aggregate: AggregateType<State, E>,
    keys: readonly UniqueKey[],
    stream: string,
    metadata: EventMetadata,
  ): Promise<void> {
    if (keys.length === 0) return;
    const held = heldKeys(aggregate, (await this.store.readStream(stream)) as readonly RecordedEvent<E>[]);
    await this.giveBack(keys.filter((key) => !held.has(uniqueKeyId(key))), stream, metadata);
  }

  /** Reads a stream and folds it, without deciding anything. */
  async load<State, E extends Event>(aggregate: AggregateType<State, E>, id: string): Promise<{ state: State; last: RecordedEvent<E> | undefined }> {
    return this.fold(aggregate, `${aggregate.type}-${id}`);
  }

  /** The stream's state: the remembered fold plus whatever was appended since (by anyone). */
  private async fold<State, E extends Event>(aggregate: AggregateType<State, E>, stream: string): Promise<{ state: State; last: RecordedEvent<E> | undefined }> {
    const known = this.folded.get(stream);
    if (known !== undefined) {
      // Used now: to the back of the line. A project that every AddUserGrant reads but none appends
      // to was otherwise evicted after 20,000 new streams and folded again from its first event
      // (tens of thousands of grant events on a busy project), blocking the event loop meanwhile.
      this.folded.delete(stream);
      this.folded.set(stream, known);
    }
    let state = (known?.state as State | undefined) ?? aggregate.initialState;
    let last = known?.last as RecordedEvent<E> | undefined;
    const newer = (await this.store.readStream(stream, last === undefined ? 0 : last.revision + 1)) as readonly RecordedEvent<E>[];
    for (const event of newer) state = aggregate.evolve(state, event);
    if (newer.length > 0) {
      last = newer[newer.length - 1];
      this.remember(stream, { state, last: last as RecordedEvent | undefined });
    }
    return { state, last };
  }

  /** Keeps a fold unless a newer one was remembered meanwhile; evicts the least recently used. */
  private remember(stream: string, folded: Folded): void {
    const current = this.folded.get(stream);
    if (current !== undefined && (current.last?.revision ?? -1) > (folded.last?.revision ?? -1)) return;
    this.folded.delete(stream);
    this.folded.set(stream, folded);
    if (this.folded.size > this.cachedStreams) {
      const oldest = this.folded.keys().next().value;
      if (oldest !== undefined) this.folded.delete(oldest);
    }
  }



  private async claimKeys<State, E extends Event>(
    aggregate: AggregateType<State, E>,
    stateBefore: State,
    owner: string,
    events: readonly E[],
    resourceOwner: string,
    metadata: EventMetadata,
  ): Promise<UniqueKey[]> {
    const keys = events.flatMap((event) => aggregate.uniqueClaims?.(event, stateBefore, resourceOwner).claim ?? []);
    // Look before taking anything: a key already held answers AlreadyExists before any
    // reservation is written, so a refused command appends nothing (not even a take-and-give-back).
    const lastEvents: Array<RecordedEvent | undefined> = [];
    for (const key of keys) lastEvents.push(await this.assertAvailable(aggregate, key, owner));
    const claimed: UniqueKey[] = [];
    for (const [index, key] of keys.entries()) {
      try {
        if (await this.claim(aggregate, key, owner, metadata, lastEvents[index])) claimed.push(key);
      } catch (error) {
        await this.giveBack(claimed, owner, metadata);
        throw error;
      }
    }
    return claimed;
  }

  /**
   * Throws AlreadyExists when another, live holder has the key; writes nothing. Returns the
   * reservation's last event, for `claim`.
   */
  private async assertAvailable<State, E extends Event>(aggregate: AggregateType<State, E>, key: UniqueKey, owner: string): Promise<RecordedEvent | undefined> {
    const last = await this.store.readLastEvent(reservationStream(key));
    if (last === undefined || last.type !== 'unique.reserved') return last;
    const holder = (last.data as Reserved).owner;
    if (holder !== owner && !(await this.isAbandoned(aggregate, key, holder, last.createdAt))) throw this.alreadyExists(key);
    return last;
  }

  /**
   * Takes a key; true when this call took it, false when the owner already held it. `last` is the
   * reservation's last event as `assertAvailable` read it: if the reservation moved on since, the
   * append expecting its revision fails and the key is answered as taken, as on a fresh read.
   */
  private async claim<State, E extends Event>(
    aggregate: AggregateType<State, E>,
    key: UniqueKey,
    owner: string,
    metadata: EventMetadata,
    last: RecordedEvent | undefined,
  ): Promise<boolean> {
    const stream = reservationStream(key);
    if (last !== undefined && last.type === 'unique.reserved') {
      const holder = (last.data as Reserved).owner;
      if (holder === owner) return false;
      if (!(await this.isAbandoned(aggregate, key, holder, last.createdAt))) throw this.alreadyExists(key);
    }
    const reserved: Reserved = { kind: key.kind, value: key.value, owner };
    try {
      await this.store.append(
        stream,
        [{ id: this.ids.newId(), type: 'unique.reserved', data: reserved, metadata }],
        last === undefined ? 'no_stream' : last.revision,
      );
    } catch (error) {
      if (error instanceof WrongExpectedRevision) throw this.alreadyExists(key);
      throw error;
    }
    return true;
  }

  /**
   * A reservation is abandoned when its holder no longer holds the key (removed, but the release
   * was never written) or when the holder was never written and the reservation is old enough that
   * no command can still be writing it.
   */
  private async isAbandoned<State, E extends Event>(
    aggregate: AggregateType<State, E>,
    key: UniqueKey,
    holder: string,
    reservedAt: Date,
  ): Promise<boolean> {
    const holderEvents = (await this.store.readStream(holder)) as readonly RecordedEvent<E>[];
    if (holderEvents.length === 0) return this.clock.now().getTime() - reservedAt.getTime() > ABANDONED_RESERVATION_MS;
    if (!holder.startsWith(`${aggregate.type}-`)) return false;
    return !heldKeys(aggregate, holderEvents).has(uniqueKeyId(key));
  }

  private async releaseKeys<State, E extends Event>(
    aggregate: AggregateType<State, E>,
    stateBefore: State,
    owner: string,
    events: readonly E[],
    resourceOwner: string,
    metadata: EventMetadata,
  ): Promise<void> {
    const keys = events.flatMap((event) => aggregate.uniqueClaims?.(event, stateBefore, resourceOwner).release ?? []);
    await this.giveBack(keys, owner, metadata);
  }

  /** Releases keys held by `owner`; a key now held by someone else is left alone. */
  private async giveBack(keys: readonly UniqueKey[], owner: string, metadata: EventMetadata): Promise<void> {
    for (const key of keys) {
      const stream = reservationStream(key);
      const last = await this.store.readLastEvent(stream);
      if (last === undefined || last.type !== 'unique.reserved' || (last.data as Reserved).owner !== owner) continue;
      const released: Reserved = { kind: key.kind, value: key.value, owner };
      try {
        await this.store.append(stream, [{ id: this.ids.newId(), type: 'unique.released', data: released, metadata }], last.revision);
      } catch (error) {
        // Someone else moved the reservation on; it is theirs now.
        if (!(error instanceof WrongExpectedRevision)) throw error;
      }
    }
  }
}

import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../../kernel/event-store.port';
import { type RecordedEvent, aggregateSequence, parseStreamName, streamName } from '../../kernel/event';
import { AGGREGATE_TYPES, type DialectAggregateType } from '../event-labels';

/** A point in time with the nanoseconds a proto Timestamp may carry beyond the millisecond. */
export interface Instant {
  readonly epochMs: number;
  /** Nanoseconds within the millisecond, 0–999 999. */
  readonly nanos: number;
}

/** ListEvents filters, validated by the edge; zero values mean "no filter" (zitadel-api.md §2.5). */
export interface EventSearch {
  /** Only events whose aggregate sequence (revision + 1) is greater. */
  readonly sequence: number;
  /** 1–1000. */
  readonly limit: number;
  /** Oldest first; default newest first, by global position. */
  readonly asc: boolean;
  readonly editorUserId: string;
  readonly eventTypes: readonly string[];
  readonly aggregateId: string;
  readonly aggregateTypes: readonly string[];
  readonly resourceOwner: string;
  /** asc: createdAt > from; desc: createdAt < from. */
  readonly from: Instant | null;
  /** Exclusive bounds of `range`. */
  readonly since: Instant | null;
  readonly until: Instant | null;
}

/** Events of the dialect's aggregates, filtered (ListEvents). */
export class ListEventsQuery {
  constructor(readonly search: EventSearch) {}
}

export interface EventPage {
  readonly events: readonly RecordedEvent[];
  /** The event-store head the answer reflects: later events are left out. */
  readonly position: number;
}

/**
 * Reads the event store itself, which is always consistent, so no projection is waited for.
 * Only streams of the four dialect aggregate types are read: reservation streams (`unique-`) and
 * other capabilities never show. With an aggregate id the (at most four) streams are read
 * directly; otherwise this is a scan of every dialect event from position 0 with the
 * remaining filters applied in memory: O(events of the dialect) per call. It is an audit
 * endpoint, not a hot path; an indexed audit table is the answer if stores grow large.
 */
@QueryHandler(ListEventsQuery)
export class ListEventsHandler implements IQueryHandler<ListEventsQuery, EventPage> {
  constructor(@Inject(EVENT_STORE) private readonly eventStore: EventStore) {}

  async execute({ search }: ListEventsQuery): Promise<EventPage> {
    const head = await this.eventStore.headPosition();
    const types = search.aggregateTypes.length === 0 ? AGGREGATE_TYPES : AGGREGATE_TYPES.filter((type) => search.aggregateTypes.includes(type));
    if (types.length === 0) return { events: [], position: head };
    const candidates = search.aggregateId !== '' ? await this.readStreams(types, search) : await this.scan(types, search);
    const matching = candidates.filter((event) => event.position <= head && matches(event, search));
    const ordered = search.asc ? matching : [...matching].reverse();
    return { events: ordered.slice(0, search.limit), position: head };
  }

  /** The aggregate's streams, from the first revision whose sequence passes the filter. */
  private async readStreams(types: readonly DialectAggregateType[], search: EventSearch): Promise<readonly RecordedEvent[]> {
    const streams = await Promise.all(types.map((type) => this.eventStore.readStream(streamName(type, search.aggregateId), search.sequence)));
    return streams.flat().sort((a, b) => a.position - b.position);
  }

  private async scan(types: readonly DialectAggregateType[], search: EventSearch): Promise<readonly RecordedEvent[]> {
    return this.eventStore.readAll({
      filter: {
        streamPrefixes: types.map((type) => `${type}-`),
        ...(search.eventTypes.length > 0 ? { eventTypes: search.eventTypes } : {}),
      },
    });
  }
}

function matches(event: RecordedEvent, search: EventSearch): boolean {
  const { aggregateType, aggregateId } = parseStreamName(event.stream);
  if (!(AGGREGATE_TYPES as readonly string[]).includes(aggregateType)) return false;
  if (search.aggregateId !== '' && aggregateId !== search.aggregateId) return false;
  if (aggregateSequence(event) <= search.sequence) return false;
  if (search.editorUserId !== '' && event.metadata.actor !== search.editorUserId) return false;
  if (search.resourceOwner !== '' && event.metadata.resourceOwner !== search.resourceOwner) return false;
  if (search.eventTypes.length > 0 && !search.eventTypes.includes(event.type)) return false;
  if (search.from !== null && !(search.asc ? after(event.createdAt, search.from) : before(event.createdAt, search.from))) return false;
  if (search.since !== null && !after(event.createdAt, search.since)) return false;
  if (search.until !== null && !before(event.createdAt, search.until)) return false;
  return true;
}

/** createdAt (whole milliseconds) is strictly later than the instant. */
function after(createdAt: Date, instant: Instant): boolean {
  return createdAt.getTime() > instant.epochMs;
}

/** createdAt (whole milliseconds) is strictly earlier than the instant. */
function before(createdAt: Date, instant: Instant): boolean {
  const ms = createdAt.getTime();
  return ms < instant.epochMs || (ms === instant.epochMs && instant.nanos > 0);
}

import { Body, Controller, Delete, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { RemoveFailedEventCommand } from '../../admin/commands/remove-failed-event.command';
import { AGGREGATE_TYPES, EVENT_TYPE_LABELS, aggregateTypeLabel, eventTypeLabel } from '../../admin/event-labels';
import { type EventPage, ListEventsQuery } from '../../admin/read-model/events.queries';
import {
  type FailedEventsAnswer,
  ListFailedEventsQuery,
  ListViewsQuery,
  type ViewsAnswer,
  type ViewsConsistency,
  projectionKeyOfView,
  viewName,
} from '../../admin/read-model/views.queries';
import { type RecordedEvent, aggregateSequence, parseStreamName } from '../../kernel/event';
import { invalidArgument } from '../../kernel/domain-error';
import { MAX_PAGE } from '../../platform/list';
import { INSTANCE_ADMINISTRATOR } from '../auth/principal';
import type { GrantlineRequest } from '../request-state';
import { EmptyRequest, ListEventsRequest, parseTimestamp } from './admin.dto';
import { positionHeader } from './edge';
import { uintValue } from './proto-validation';
import { omitZero, timestamp } from './wire';
import { decodeBody, pathId } from './zitadel-body';
import { Zitadel } from './zitadel-route.decorator';

/** ZITADEL's `editor.service`: a constant (zitadel-api.md §7 kept 13). */
const EDITOR_SERVICE = 'zitadel';

/** The Admin API subset: event search, event/aggregate types, projection state, failed events. */
@Controller('admin/v1')
export class AdminController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  /** Reads the event store directly, which is always consistent: nothing to wait for. */
  @Post('events/_search')
  @HttpCode(200)
  @Zitadel({ rpc: 'ListEvents', permission: 'events.read', scope: 'instance', reads: [] })
  async listEvents(@Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    const input = decodeBody(ListEventsRequest, body);
    const rangeSet = input.range !== undefined && input.range !== null;
    const fromSet = input.from !== undefined && input.from !== null;
    const creationDateSet = input.creationDate !== undefined && input.creationDate !== null;
    if (rangeSet && (fromSet || creationDateSet)) {
      throw invalidArgument('GRANTLINE-InvalidField', `invalid ListEventsRequest.${fromSet ? 'from' : 'creationDate'}: value must not be set together with range`);
    }
    const page = await this.queries.execute<ListEventsQuery, EventPage>(
      new ListEventsQuery({
        sequence: uintValue(input.sequence) ?? 0,
        limit: uintValue(input.limit) || MAX_PAGE,
        asc: input.asc === true,
        editorUserId: input.editorUserId ?? '',
        eventTypes: input.eventTypes ?? [],
        aggregateId: input.aggregateId ?? '',
        aggregateTypes: input.aggregateTypes ?? [],
        resourceOwner: input.resourceOwner ?? '',
        from: parseTimestamp(fromSet ? input.from : input.creationDate),
        since: parseTimestamp(input.range?.since),
        until: parseTimestamp(input.range?.until),
      }),
    );
    positionHeader(reply, page.position);
    return page.events.length === 0 ? {} : { events: page.events.map(presentEvent) };
  }

  @Post('events/types/_search')
  @HttpCode(200)
  @Zitadel({ rpc: 'ListEventTypes', permission: 'events.read', scope: 'instance', reads: [] })
  listEventTypes(@Body() body: unknown) {
    decodeBody(EmptyRequest, body);
    const types = Object.keys(EVENT_TYPE_LABELS).sort();
    return { eventTypes: types.map((type) => ({ type, localized: eventTypeLabel(type) })) };
  }

  @Post('aggregates/types/_search')
  @HttpCode(200)
  @Zitadel({ rpc: 'ListAggregateTypes', permission: 'events.read', scope: 'instance', reads: [] })
  listAggregateTypes(@Body() body: unknown) {
    decodeBody(EmptyRequest, body);
    return { aggregateTypes: AGGREGATE_TYPES.map((type) => ({ type, localized: aggregateTypeLabel(type) })) };
  }

  /**
   * The body is not read (ZITADEL maps no body onto ListViewsRequest). The wait for the running
   * projections happens in the query, since a stopped projection must not make this 503.
   */
  @Post('views/_search')
  @HttpCode(200)
  @Zitadel({ rpc: 'ListViews', permission: 'iam.read', scope: 'instance', reads: [] })
  async listViews(@Req() request: GrantlineRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const answer = await this.queries.execute<ListViewsQuery, ViewsAnswer>(new ListViewsQuery(viewsConsistency(request)));
    positionHeader(reply, answer.position);
    return omitZero({
      result: answer.views.map((view) => ({
        database: answer.database,
        viewName: viewName(view.key),
        processedSequence: String(view.checkpoint?.position ?? 0),
        eventTimestamp: view.checkpoint?.eventCreatedAt != null ? timestamp(view.checkpoint.eventCreatedAt) : undefined,
        lastSuccessfulSpoolerRun: view.checkpoint != null ? timestamp(view.checkpoint.updatedAt) : undefined,
      })),
    });
  }

  /** The body is not read (ZITADEL maps no body onto ListFailedEventsRequest). */
  @Post('failedevents/_search')
  @HttpCode(200)
  @Zitadel({ rpc: 'ListFailedEvents', permission: 'iam.read', scope: 'instance', reads: [] })
  async listFailedEvents() {
    const answer = await this.queries.execute<ListFailedEventsQuery, FailedEventsAnswer>(new ListFailedEventsQuery());
    return omitZero({
      result: answer.failures.map((failure) => ({
        database: answer.database,
        viewName: viewName(failure.projection),
        failedSequence: String(failure.position),
        failureCount: String(failure.failureCount),
        errorMessage: failure.error,
        lastFailed: failure.lastFailed,
      })),
    });
  }

  @Delete('failedevents/:database/:viewName/:failedSequence')
  @HttpCode(200)
  @Zitadel({ rpc: 'RemoveFailedEvent', permission: 'iam.write', scope: 'instance', reads: [] })
  async removeFailedEvent(@Param('database') database: string, @Param('viewName') name: string, @Param('failedSequence') failedSequence: string) {
    pathId('RemoveFailedEventRequest', 'database', database);
    const key = projectionKeyOfView(pathId('RemoveFailedEventRequest', 'viewName', name));
    const position = uintValue(failedSequence);
    if (position === null) {
      throw invalidArgument('GRANTLINE-InvalidField', 'invalid RemoveFailedEventRequest.failedSequence: value must be a non-negative integer');
    }
    await this.commands.execute<RemoveFailedEventCommand, void>(new RemoveFailedEventCommand(key, position));
    return {};
  }
}

/** zitadel.event.v1.Event. The payload is the event's data as stored (a Struct keeps its zero values). */
function presentEvent(event: RecordedEvent) {
  const { aggregateType, aggregateId } = parseStreamName(event.stream);
  const actor = event.metadata.actor;
  const envelope = omitZero({
    editor: {
      userId: actor,
      displayName: actor === INSTANCE_ADMINISTRATOR.actor ? INSTANCE_ADMINISTRATOR.displayName : actor,
      service: EDITOR_SERVICE,
    },
    aggregate: {
      id: aggregateId,
      type: { type: aggregateType, localized: aggregateTypeLabel(aggregateType) },
      resourceOwner: event.metadata.resourceOwner,
    },
    sequence: String(aggregateSequence(event)),
    creationDate: timestamp(event.createdAt),
  });
  const payload = event.data === null || event.data === undefined ? {} : { payload: event.data };
  return { ...envelope, ...payload, type: { type: event.type, localized: eventTypeLabel(event.type) } };
}

/** The consistency headers (validated by the guard) as ListViews applies them. */
function viewsConsistency(request: GrantlineRequest): ViewsConsistency {
  if (header(request, 'x-grantline-consistency') === 'eventual') return { wait: false };
  const minPosition = header(request, 'x-grantline-min-position');
  return { wait: true, position: minPosition !== undefined ? Number(minPosition) : 'head' };
}

function header(request: GrantlineRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

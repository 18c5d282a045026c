import { type ValidationArguments, registerDecorator } from 'class-validator';
import type { Instant } from '../../admin/read-model/events.queries';
import { MAX_PAGE } from '../../platform/list';
import { MessageField } from './common.dto';
import { ProtoBool, ProtoString, ProtoStringList, ProtoUint } from './proto-validation';

/**
 * RFC 3339 as protojson reads a Timestamp: upper-case `T` and `Z` (or a ±hh:mm offset), up to
 * nine fractional digits, years 0001–9999.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;
const MIN_EPOCH_MS = -62135596800000;
const MAX_EPOCH_MS = 253402300799999;

/** The instant an RFC 3339 string names, or null when it is not a valid proto Timestamp. */
export function parseTimestamp(value: unknown): Instant | null {
  if (typeof value !== 'string') return null;
  const match = RFC3339.exec(value);
  if (match === null) return null;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((group) => Number(match[group]));
  if (year === undefined || month === undefined || day === undefined || hour === undefined || minute === undefined || second === undefined) return null;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return null;
  const offsetHours = Number(match[9] ?? 0);
  const offsetMinutes = Number(match[10] ?? 0);
  if (offsetHours > 23 || offsetMinutes > 59) return null;
  const offsetMs = (match[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  const fraction = (match[7] ?? '').padEnd(9, '0');
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, Number(fraction.slice(0, 3)));
  const epochMs = date.getTime() - offsetMs;
  if (epochMs < MIN_EPOCH_MS || epochMs > MAX_EPOCH_MS) return null;
  return { epochMs, nanos: Number(fraction.slice(3)) };
}

function daysInMonth(year: number, month: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, 0);
  return date.getUTCDate();
}

/** A proto `google.protobuf.Timestamp` field (null = absent). */
function ProtoTimestamp(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'protoTimestamp',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => value === undefined || value === null || parseTimestamp(value) !== null,
        defaultMessage: (_args: ValidationArguments) => '|value must be a valid RFC 3339 timestamp',
      },
    });
  };
}

export class TimeRange {
  @ProtoTimestamp()
  since?: unknown;

  @ProtoTimestamp()
  until?: unknown;
}

/** zitadel.admin.v1.ListEventsRequest (zitadel-api.md §2.5). */
export class ListEventsRequest {
  @ProtoUint()
  sequence?: unknown;

  @ProtoUint({ max: MAX_PAGE })
  limit?: unknown;

  @ProtoBool()
  asc?: boolean | null;

  @ProtoString({ max: 200 })
  editorUserId?: string | null;

  @ProtoStringList({ maxItems: 30, item: { max: 200 } })
  eventTypes?: string[] | null;

  @ProtoString({ max: 200 })
  aggregateId?: string | null;

  @ProtoStringList({ maxItems: 10, item: { max: 200 } })
  aggregateTypes?: string[] | null;

  @ProtoString({ max: 200 })
  resourceOwner?: string | null;

  /** Deprecated: the same as `from`. */
  @ProtoTimestamp()
  creationDate?: unknown;

  @MessageField(() => TimeRange)
  range?: TimeRange | null;

  @ProtoTimestamp()
  from?: unknown;
}

/** Requests without fields (ListEventTypes, ListAggregateTypes): any JSON object, unknown fields ignored. */
export class EmptyRequest {}

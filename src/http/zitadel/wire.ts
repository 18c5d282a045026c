import type { ErrorKind } from '../../kernel/domain-error';
import type { ObjectDetails } from '../../kernel/object-details';

/** gRPC code of each domain error kind (ZITADEL's mapping). */
export const GRPC_CODE: Record<ErrorKind, number> = {
  invalid_argument: 3,
  failed_precondition: 9,
  not_found: 5,
  already_exists: 6,
  permission_denied: 7,
  unauthenticated: 16,
  conflict: 10,
  unavailable: 14,
  unimplemented: 12,
  internal: 13,
};

/** grpc-gateway's HTTP status for a gRPC code. */
export const HTTP_STATUS: Record<number, number> = {
  1: 499, 2: 500, 3: 400, 4: 504, 5: 404, 6: 409, 7: 403, 8: 429, 9: 400, 10: 409, 11: 400, 12: 501, 13: 500, 14: 503, 15: 500, 16: 401,
};

export interface ZitadelErrorBody {
  readonly code: number;
  readonly message: string;
  readonly details: readonly [{ readonly '@type': 'type.googleapis.com/zitadel.v1.ErrorDetail'; readonly id: string; readonly message: string }];
}

export function errorBody(code: number, id: string, message: string): ZitadelErrorBody {
  return { code, message: `${message} (${id})`, details: [{ '@type': 'type.googleapis.com/zitadel.v1.ErrorDetail', id, message }] };
}

/** Timestamps: RFC 3339, UTC, exactly three fractional digits. */
export function timestamp(date: Date | string): string {
  return typeof date === 'string' ? date : date.toISOString();
}

/**
 * protojson output: zero values are omitted ("", false, 0, "0", empty arrays, undefined/null),
 * recursively. Objects are kept even when they end up empty (a set message prints as {}).
 */
export function omitZero<T>(value: T): T {
  if (Array.isArray(value)) return value.map(omitZero) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  const source = value as Record<string, unknown>;
  // for…in over own keys: Object.entries built an array per field on every response.
  for (const key in source) {
    if (!Object.prototype.hasOwnProperty.call(source, key)) continue;
    const field = source[key];
    if (field === undefined || field === null || field === '' || field === false || field === 0 || field === '0') continue;
    if (Array.isArray(field) && field.length === 0) continue;
    out[key] = omitZero(field);
  }
  return out as T;
}

export interface WireDetails {
  readonly sequence?: string;
  readonly creationDate?: string;
  readonly changeDate?: string;
  readonly resourceOwner?: string;
}

/** Details of an add: sequence, creationDate, resourceOwner. */
export function addedDetails(details: ObjectDetails): WireDetails {
  return {
    sequence: String(details.sequence),
    ...(details.date !== null ? { creationDate: timestamp(details.date) } : {}),
    resourceOwner: details.resourceOwner,
  };
}

/** Details of a change, deactivate, reactivate or remove: sequence, changeDate, resourceOwner. */
export function changedDetails(details: ObjectDetails): WireDetails {
  return {
    sequence: String(details.sequence),
    ...(details.date !== null ? { changeDate: timestamp(details.date) } : {}),
    resourceOwner: details.resourceOwner,
  };
}

/** Details of a read-model document. */
export function readDetails(doc: { sequence: number; creationDate: string; changeDate: string; resourceOwner: string }): WireDetails {
  return {
    sequence: String(doc.sequence),
    creationDate: doc.creationDate,
    changeDate: doc.changeDate,
    resourceOwner: doc.resourceOwner,
  };
}

export const PROJECT_GRANT_STATE = { active: 'PROJECT_GRANT_STATE_ACTIVE', inactive: 'PROJECT_GRANT_STATE_INACTIVE' } as const;
export const USER_GRANT_STATE = { active: 'USER_GRANT_STATE_ACTIVE', inactive: 'USER_GRANT_STATE_INACTIVE' } as const;

/** ListDetails: total (ignoring paging), the position served at, and when the view last committed. */
export function listDetails(page: { readonly total: number; readonly viewTimestamp: Date | null }, position: number) {
  return {
    totalResult: String(page.total),
    processedSequence: String(position),
    ...(page.viewTimestamp !== null ? { viewTimestamp: timestamp(page.viewTimestamp) } : {}),
  };
}

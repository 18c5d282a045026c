import type { Condition, Doc, Filter, QueryOptions, ReadStore } from '../kernel/read-store.port';

/** Paging of a list request: newest first unless `asc`; `limit` 0 means the maximum page. */
export interface ListWindow {
  readonly offset: number;
  readonly limit: number;
  readonly asc: boolean;
}

export const MAX_PAGE = 1000;

/** Deterministic creation order: global position of the object's first event. */
export function listOptions(window: ListWindow, filter: Filter): QueryOptions {
  return {
    filter,
    sort: [{ field: 'createdPosition', direction: window.asc ? 'asc' : 'desc' }],
    offset: window.offset,
    limit: window.limit === 0 ? MAX_PAGE : window.limit,
  };
}

export interface ListPage<T extends Doc> {
  readonly docs: readonly T[];
  readonly total: number;
  /** Position the read was served at is added by the edge; this is when the view last committed. */
  readonly viewTimestamp: Date | null;
}

export async function listPage<T extends Doc>(readStore: ReadStore, collection: string, projectionKey: string, window: ListWindow, filter: Filter): Promise<ListPage<T>> {
  const [result, checkpoint] = await Promise.all([readStore.query(collection, listOptions(window, filter)), readStore.getCheckpoint(projectionKey)]);
  return { docs: result.docs as readonly T[], total: result.total, viewTimestamp: checkpoint?.updatedAt ?? null };
}

/** ZITADEL's TextQueryMethod numbers. */
export const TEXT_QUERY_METHOD = {
  TEXT_QUERY_METHOD_EQUALS: 0,
  TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE: 1,
  TEXT_QUERY_METHOD_STARTS_WITH: 2,
  TEXT_QUERY_METHOD_STARTS_WITH_IGNORE_CASE: 3,
  TEXT_QUERY_METHOD_CONTAINS: 4,
  TEXT_QUERY_METHOD_CONTAINS_IGNORE_CASE: 5,
  TEXT_QUERY_METHOD_ENDS_WITH: 6,
  TEXT_QUERY_METHOD_ENDS_WITH_IGNORE_CASE: 7,
} as const;

/**
 * A literal text condition on `field`; ignore-case methods compare the stored lower-cased copy
 * (`folded.<field>`) with the lower-cased value.
 */
export function textCondition(field: string, value: string, method: number): Condition {
  const ignoreCase = method % 2 === 1;
  const target = ignoreCase ? `folded.${field}` : field;
  const text = ignoreCase ? value.toLowerCase() : value;
  switch (method - (ignoreCase ? 1 : 0)) {
    case 2:
      return { op: 'text', field: target, match: 'prefix', value: text };
    case 4:
      return { op: 'text', field: target, match: 'substring', value: text };
    case 6:
      return { op: 'text', field: target, match: 'suffix', value: text };
    default:
      return { op: 'eq', field: target, value: text };
  }
}

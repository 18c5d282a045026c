import type { RecordedEvent } from '../kernel/event';
import type { CollectionSpec, Doc, Filter } from '../kernel/read-store.port';

/** What a projection may touch while applying an event: its own collections, by logical name. */
export interface ProjectionView {
  get(collection: string, id: string): Promise<Doc | null>;
  find(collection: string, filter: Filter): Promise<readonly Doc[]>;
  put(collection: string, doc: Doc): Promise<void>;
  delete(collection: string, id: string): Promise<void>;
}

/**
 * A read model built from events. It declares its name, version and the event types it handles;
 * `apply` routes an event to pure `evolve` functions and writes whole documents. It reads only its
 * own collections (its look-up tables included), so a rebuild from position 0 is deterministic.
 */
export interface Projection {
  readonly name: string;
  readonly version: number;
  readonly handles: ReadonlySet<string>;
  /** Collections by logical name; stored as `<name><version>_<logical>`. */
  readonly collections: readonly CollectionSpec[];
  apply(event: RecordedEvent, view: ProjectionView): Promise<void>;
}

/** `project_grants1`: the key of checkpoints, failures and ZITADEL's `viewName`. */
export function projectionKey(projection: Pick<Projection, 'name' | 'version'>): string {
  return `${projection.name}${projection.version}`;
}

export function physicalCollection(projection: Pick<Projection, 'name' | 'version'>, logical: string): string {
  return `${projectionKey(projection)}_${logical}`;
}

/** Timestamps in read models: RFC 3339 with milliseconds, as served. */
export function iso(date: Date): string {
  return date.toISOString();
}

/** Details every read-model document carries (zitadel-api.md §6). */
export interface DocDetails {
  readonly sequence: number;
  readonly creationDate: string;
  readonly changeDate: string;
  readonly resourceOwner: string;
  readonly createdPosition: number;
}

/** Details of a document created by `event`. */
export function createdBy(event: RecordedEvent): DocDetails {
  const date = iso(event.createdAt);
  return {
    sequence: event.revision + 1,
    creationDate: date,
    changeDate: date,
    resourceOwner: event.metadata.resourceOwner,
    createdPosition: event.position,
  };
}

/** `sequence` and `changeDate` after one of the object's own events. */
export function changedBy(event: RecordedEvent): { sequence: number; changeDate: string } {
  return { sequence: event.revision + 1, changeDate: iso(event.createdAt) };
}

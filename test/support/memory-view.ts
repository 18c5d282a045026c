import type { RecordedEvent } from '../../src/kernel/event';
import { type Doc, type Filter, matches } from '../../src/kernel/read-store.port';
import type { Projection, ProjectionView } from '../../src/projections/projection';

/**
 * A ProjectionView over maps, with the port's reference filter semantics. Documents go in and out
 * as JSON copies, as they would through a real store, so a projection that mutates what it read
 * or stores a non-JSON value shows up here too.
 */
export class MemoryView implements ProjectionView {
  private readonly collections = new Map<string, Map<string, Doc>>();

  async get(collection: string, id: string): Promise<Doc | null> {
    const doc = this.collections.get(collection)?.get(id);
    return doc === undefined ? null : copy(doc);
  }

  async find(collection: string, filter: Filter): Promise<readonly Doc[]> {
    return this.docs(collection).filter((doc) => matches(doc, filter));
  }

  async put(collection: string, doc: Doc): Promise<void> {
    let docs = this.collections.get(collection);
    if (docs === undefined) {
      docs = new Map();
      this.collections.set(collection, docs);
    }
    docs.set(doc.id, copy(doc));
  }

  async delete(collection: string, id: string): Promise<void> {
    this.collections.get(collection)?.delete(id);
  }

  /** Every document of a collection, in insertion order. */
  docs(collection: string): Doc[] {
    return [...(this.collections.get(collection)?.values() ?? [])].map(copy);
  }
}

function copy(doc: Doc): Doc {
  return JSON.parse(JSON.stringify(doc)) as Doc;
}

/** Applies events to a projection the way the runner does: only the types it declares. */
export async function project(projection: Projection, events: readonly RecordedEvent[], view: MemoryView = new MemoryView()): Promise<MemoryView> {
  for (const event of events) {
    if (projection.handles.has(event.type)) await projection.apply(event, view);
  }
  return view;
}

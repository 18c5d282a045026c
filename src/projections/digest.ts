import { createHash } from 'node:crypto';
import type { ReadStore } from '../kernel/read-store.port';
import { type Projection, physicalCollection } from './projection';

/**
 * A digest of every document of the given projections, in id order: two read stores built from
 * the same events have the same digest, whatever crashes or replays happened on the way.
 */
export async function readModelDigest(readStore: ReadStore, projections: readonly Projection[]): Promise<string> {
  const hash = createHash('sha256');
  for (const projection of projections) {
    for (const spec of projection.collections) {
      const collection = physicalCollection(projection, spec.name);
      hash.update(`\u0000${collection}\u0000`);
      const pageSize = 5000;
      for (let offset = 0; ; offset += pageSize) {
        const page = await readStore.query(collection, { sort: [{ field: 'id', direction: 'asc' }], offset, limit: pageSize });
        for (const doc of page.docs) hash.update(JSON.stringify(doc));
        if (page.docs.length < pageSize) break;
      }
    }
  }
  return hash.digest('hex');
}

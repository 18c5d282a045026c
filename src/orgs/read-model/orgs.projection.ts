import type { RecordedEvent } from '../../kernel/event';
import type { Doc } from '../../kernel/read-store.port';
import { type DocDetails, type Projection, changedBy, createdBy } from '../../projections/projection';
import type { OrgEvent } from '../org.events';

export interface OrgDoc extends Doc, DocDetails {
  readonly name: string;
  readonly primaryDomain: string;
  readonly state: 'active';
}

/** Pure: the org document after one of its events. */
export function evolveOrg(doc: OrgDoc | null, event: RecordedEvent<OrgEvent>): OrgDoc | null {
  switch (event.type) {
    case 'org.added':
      return { id: event.stream.slice('org-'.length), ...createdBy(event), name: event.data.name, primaryDomain: '', state: 'active' };
    case 'org.domain.primary.set':
      return doc === null ? null : { ...doc, ...changedBy(event), primaryDomain: event.data.domain };
  }
}

export const ORGS = 'orgs';

export const orgsProjection: Projection = {
  name: 'orgs',
  version: 1,
  handles: new Set(['org.added', 'org.domain.primary.set']),
  collections: [{ name: ORGS, indexes: [{ fields: ['createdPosition'] }] }],
  async apply(event, view) {
    const id = event.stream.slice('org-'.length);
    const next = evolveOrg((await view.get(ORGS, id)) as OrgDoc | null, event as RecordedEvent<OrgEvent>);
    if (next !== null) await view.put(ORGS, next);
  },
};

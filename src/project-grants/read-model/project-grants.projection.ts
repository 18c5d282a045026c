import type { RecordedEvent } from '../../kernel/event';
import type { Doc } from '../../kernel/read-store.port';
import { LOOKUP_COLLECTIONS, LOOKUP_EVENT_TYPES, type OrgLookup, type ProjectLookup, getOrg, getProject, updateLookups } from '../../projections/lookups';
import { type DocDetails, type Projection, changedBy, createdBy } from '../../projections/projection';
import type { ProjectEvent, ProjectGrantEvent } from '../../projects/project.events';

/** ZITADEL's GrantedProject, as stored (zitadel-api.md §6.1). */
export interface ProjectGrantDoc extends Doc, DocDetails {
  readonly grantId: string;
  readonly projectId: string;
  readonly projectName: string;
  readonly projectOwnerId: string;
  readonly projectOwnerName: string;
  readonly grantedOrgId: string;
  readonly grantedOrgName: string;
  readonly grantedRoleKeys: readonly string[];
  readonly state: 'active' | 'inactive';
  /** Lower-cased copies for case-insensitive text queries. */
  readonly folded: { readonly projectName: string };
}

export const PROJECT_GRANTS = 'grants';

export interface GrantNames {
  readonly project: ProjectLookup | null;
  readonly owner: OrgLookup | null;
  readonly grantedOrg: OrgLookup | null;
}

/** Pure: the grant document after one of its events; null = deleted. */
export function evolveProjectGrant(doc: ProjectGrantDoc | null, event: RecordedEvent<ProjectGrantEvent>, names: GrantNames): ProjectGrantDoc | null {
  switch (event.type) {
    case 'project.grant.added': {
      const projectName = names.project?.name ?? '';
      return {
        id: event.data.grantId,
        ...createdBy(event),
        grantId: event.data.grantId,
        projectId: event.stream.slice('project-'.length),
        projectName,
        projectOwnerId: event.metadata.resourceOwner,
        projectOwnerName: names.owner?.name ?? '',
        grantedOrgId: event.data.grantedOrgId,
        grantedOrgName: names.grantedOrg?.name ?? '',
        grantedRoleKeys: event.data.roleKeys ?? [],
        state: 'active',
        folded: { projectName: projectName.toLowerCase() },
      };
    }
    case 'project.grant.changed':
    case 'project.grant.cascade.changed':
      return doc === null ? null : { ...doc, ...changedBy(event), grantedRoleKeys: event.data.roleKeys };
    case 'project.grant.deactivated':
      return doc === null ? null : { ...doc, ...changedBy(event), state: 'inactive' };
    case 'project.grant.reactivated':
      return doc === null ? null : { ...doc, ...changedBy(event), state: 'active' };
    case 'project.grant.removed':
      return null;
  }
}

const GRANT_TYPES: ReadonlySet<string> = new Set([
  'project.grant.added',
  'project.grant.changed',
  'project.grant.cascade.changed',
  'project.grant.deactivated',
  'project.grant.reactivated',
  'project.grant.removed',
]);
const lookups = new Set(['orgs', 'projects'] as const);

/** GetProjectGrantByID, ListProjectGrants, ListAllProjectGrants, ListGrantedProjects, GetGrantedProjectByID. */
export const projectGrantsProjection: Projection = {
  name: 'project_grants',
  version: 1,
  handles: new Set([...GRANT_TYPES, ...LOOKUP_EVENT_TYPES.orgs, ...LOOKUP_EVENT_TYPES.projects]),
  collections: [
    {
      name: PROJECT_GRANTS,
      indexes: [
        { fields: ['projectId', 'createdPosition'] },
        { fields: ['resourceOwner', 'createdPosition'] },
        { fields: ['grantedOrgId', 'createdPosition'] },
      ],
    },
    LOOKUP_COLLECTIONS.orgs,
    LOOKUP_COLLECTIONS.projects,
  ],
  async apply(raw, view) {
    const event = raw as RecordedEvent<ProjectEvent>;
    await updateLookups(lookups, event, view);
    if (event.type === 'project.removed') {
      const projectId = event.stream.slice('project-'.length);
      for (const grant of await view.find(PROJECT_GRANTS, [{ op: 'eq', field: 'projectId', value: projectId }])) {
        await view.delete(PROJECT_GRANTS, grant.id);
      }
      return;
    }
    if (!GRANT_TYPES.has(event.type)) return;
    const grantEvent = event as RecordedEvent<ProjectGrantEvent>;
    const grantId = grantEvent.data.grantId;
    const project = await getProject(view, event.stream.slice('project-'.length));
    const names: GrantNames = {
      project,
      owner: await getOrg(view, event.metadata.resourceOwner),
      grantedOrg: grantEvent.type === 'project.grant.added' ? await getOrg(view, grantEvent.data.grantedOrgId) : null,
    };
    const next = evolveProjectGrant((await view.get(PROJECT_GRANTS, grantId)) as ProjectGrantDoc | null, grantEvent, names);
    if (next === null) await view.delete(PROJECT_GRANTS, grantId);
    else await view.put(PROJECT_GRANTS, next);
  },
};

import type { RecordedEvent } from '../../kernel/event';
import type { Doc } from '../../kernel/read-store.port';
import { type DocDetails, type Projection, changedBy, createdBy } from '../../projections/projection';
import type { ProjectEvent } from '../project.events';

export interface ProjectDoc extends Doc, DocDetails {
  readonly name: string;
  readonly state: 'active';
  readonly projectRoleAssertion: boolean;
  readonly projectRoleCheck: boolean;
  readonly hasProjectCheck: boolean;
  readonly privateLabelingSetting: number;
}

export interface ProjectRoleDoc extends Doc, DocDetails {
  readonly projectId: string;
  readonly key: string;
  readonly displayName: string;
  readonly group: string;
  /** Lower-cased copies for case-insensitive text queries. */
  readonly folded: { readonly key: string; readonly displayName: string };
}

export const PROJECTS = 'projects';
export const PROJECT_ROLES = 'roles';

const projectIdOf = (event: RecordedEvent) => event.stream.slice('project-'.length);

/** Pure: the project document after a project-level event; null = deleted. */
export function evolveProject(doc: ProjectDoc | null, event: RecordedEvent<ProjectEvent>): ProjectDoc | null {
  switch (event.type) {
    case 'project.added':
      return {
        id: projectIdOf(event),
        ...createdBy(event),
        name: event.data.name,
        state: 'active',
        projectRoleAssertion: event.data.projectRoleAssertion ?? false,
        projectRoleCheck: event.data.projectRoleCheck ?? false,
        hasProjectCheck: event.data.hasProjectCheck ?? false,
        privateLabelingSetting: event.data.privateLabelingSetting ?? 0,
      };
    case 'project.removed':
      return null;
    default:
      // Role and grant events share the project stream but are other objects (§6.3): the
      // project's own details stay those of its last project-level event.
      return doc;
  }
}

/** `<projectId>/<key>`: project ids never contain `/`, role keys may. */
export function roleDocId(projectId: string, key: string): string {
  return `${projectId}/${key}`;
}

/** Pure: a role document after a role event of its key. */
export function evolveProjectRole(doc: ProjectRoleDoc | null, event: RecordedEvent<ProjectEvent>): ProjectRoleDoc | null {
  switch (event.type) {
    case 'project.role.added':
      return {
        id: roleDocId(projectIdOf(event), event.data.key),
        ...createdBy(event),
        projectId: projectIdOf(event),
        key: event.data.key,
        displayName: event.data.displayName,
        group: event.data.group ?? '',
        folded: { key: event.data.key.toLowerCase(), displayName: event.data.displayName.toLowerCase() },
      };
    case 'project.role.changed':
      return doc === null
        ? null
        : {
            ...doc,
            ...changedBy(event),
            displayName: event.data.displayName ?? doc.displayName,
            group: event.data.group ?? doc.group,
            folded: { key: doc.folded.key, displayName: (event.data.displayName ?? doc.displayName).toLowerCase() },
          };
    case 'project.role.removed':
      return null;
    default:
      return doc;
  }
}

/** GetProjectByID and ListProjectRoles. */
export const projectsProjection: Projection = {
  name: 'projects',
  version: 1,
  handles: new Set([
    'project.added',
    'project.removed',
    'project.role.added',
    'project.role.changed',
    'project.role.removed',
    'project.grant.added',
    'project.grant.changed',
    'project.grant.cascade.changed',
    'project.grant.deactivated',
    'project.grant.reactivated',
    'project.grant.removed',
  ]),
  collections: [
    { name: PROJECTS, indexes: [{ fields: ['resourceOwner', 'createdPosition'] }] },
    { name: PROJECT_ROLES, indexes: [{ fields: ['projectId', 'createdPosition'] }] },
  ],
  async apply(raw, view) {
    const event = raw as RecordedEvent<ProjectEvent>;
    const projectId = projectIdOf(event);
    const project = evolveProject((await view.get(PROJECTS, projectId)) as ProjectDoc | null, event);
    if (project === null) await view.delete(PROJECTS, projectId);
    else await view.put(PROJECTS, project);
    if (event.type === 'project.removed') {
      for (const role of await view.find(PROJECT_ROLES, [{ op: 'eq', field: 'projectId', value: projectId }])) {
        await view.delete(PROJECT_ROLES, role.id);
      }
      return;
    }
    if (event.type === 'project.role.added' || event.type === 'project.role.changed' || event.type === 'project.role.removed') {
      const id = roleDocId(projectId, event.data.key);
      const role = evolveProjectRole((await view.get(PROJECT_ROLES, id)) as ProjectRoleDoc | null, event);
      if (role === null) await view.delete(PROJECT_ROLES, id);
      else await view.put(PROJECT_ROLES, role);
    }
  },
};

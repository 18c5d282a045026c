import type { RecordedEvent } from '../kernel/event';
import type { CollectionSpec, Doc } from '../kernel/read-store.port';
import type { ProjectEvent } from '../projects/project.events';
import type { UserEvent } from '../users/user.events';
import type { ProjectionView } from './projection';

/**
 * Look-up tables a projection keeps from the same events it reads (names, domains, role sets,
 * grant states), so it never reads another projection. Each projection stores its own copy.
 */
export interface OrgLookup extends Doc {
  readonly name: string;
  readonly primaryDomain: string;
}

export interface ProjectLookup extends Doc {
  readonly name: string;
  readonly ownerId: string;
  readonly roles: readonly string[];
}

export interface GrantLookup extends Doc {
  readonly projectId: string;
  readonly grantedOrgId: string;
  readonly roleKeys: readonly string[];
  readonly state: 'active' | 'inactive';
}

export interface UserLookup extends Doc {
  readonly orgId: string;
  readonly userName: string;
  readonly userType: 'human' | 'machine';
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly displayName: string;
}

export type LookupKind = 'orgs' | 'projects' | 'grants' | 'users';

export const LOOKUP_COLLECTIONS: Record<LookupKind, CollectionSpec> = {
  orgs: { name: 'lookup_orgs', indexes: [] },
  projects: { name: 'lookup_projects', indexes: [] },
  grants: { name: 'lookup_grants', indexes: [] },
  users: { name: 'lookup_users', indexes: [] },
};

export const LOOKUP_EVENT_TYPES: Record<LookupKind, readonly string[]> = {
  orgs: ['org.added', 'org.domain.primary.set'],
  projects: ['project.added', 'project.removed', 'project.role.added', 'project.role.removed'],
  grants: [
    'project.grant.added',
    'project.grant.changed',
    'project.grant.cascade.changed',
    'project.grant.deactivated',
    'project.grant.reactivated',
    'project.grant.removed',
    'project.removed',
  ],
  users: ['user.human.added', 'user.machine.added', 'user.removed'],
};

function aggregateId(event: RecordedEvent): string {
  return event.stream.slice(event.stream.indexOf('-') + 1);
}

export async function getOrg(view: ProjectionView, id: string): Promise<OrgLookup | null> {
  return (await view.get(LOOKUP_COLLECTIONS.orgs.name, id)) as OrgLookup | null;
}
export async function getProject(view: ProjectionView, id: string): Promise<ProjectLookup | null> {
  return (await view.get(LOOKUP_COLLECTIONS.projects.name, id)) as ProjectLookup | null;
}
export async function getGrant(view: ProjectionView, id: string): Promise<GrantLookup | null> {
  return (await view.get(LOOKUP_COLLECTIONS.grants.name, id)) as GrantLookup | null;
}
export async function getUser(view: ProjectionView, id: string): Promise<UserLookup | null> {
  return (await view.get(LOOKUP_COLLECTIONS.users.name, id)) as UserLookup | null;
}

/** Keeps the chosen look-up tables up to date with one event. */
export async function updateLookups(kinds: ReadonlySet<LookupKind>, event: RecordedEvent, view: ProjectionView): Promise<void> {
  const id = aggregateId(event);
  if (kinds.has('orgs')) await updateOrgLookup(event, id, view);
  if (kinds.has('projects')) await updateProjectLookup(event as RecordedEvent<ProjectEvent>, id, view);
  if (kinds.has('grants')) await updateGrantLookup(event as RecordedEvent<ProjectEvent>, id, view);
  if (kinds.has('users')) await updateUserLookup(event as RecordedEvent<UserEvent>, id, view);
}

async function updateOrgLookup(event: RecordedEvent, id: string, view: ProjectionView): Promise<void> {
  const collection = LOOKUP_COLLECTIONS.orgs.name;
  if (event.type === 'org.added') {
    const data = event.data as { name: string };
    await view.put(collection, { id, name: data.name, primaryDomain: '' } satisfies OrgLookup);
  } else if (event.type === 'org.domain.primary.set') {
    const org = await getOrg(view, id);
    if (org !== null) await view.put(collection, { ...org, primaryDomain: (event.data as { domain: string }).domain });
  }
}

async function updateProjectLookup(event: RecordedEvent<ProjectEvent>, id: string, view: ProjectionView): Promise<void> {
  const collection = LOOKUP_COLLECTIONS.projects.name;
  // Every event reaches here (a user grant's, say): the project is read only for the events that
  // change it. Reading a "project" by any stream's id missed the store once per user grant in a
  // rebuild, and the cached misses pushed the real look-ups out of the projection's document cache.
  switch (event.type) {
    case 'project.added':
      await view.put(collection, { id, name: event.data.name, ownerId: event.metadata.resourceOwner, roles: [] } satisfies ProjectLookup);
      return;
    case 'project.removed':
      await view.delete(collection, id);
      return;
    case 'project.role.added':
    case 'project.role.removed': {
      const project = await getProject(view, id);
      if (project === null) return;
      // Set semantics: applying an event twice has the effect of applying it once.
      const roles = event.type === 'project.role.added' ? withItem(project.roles, event.data.key) : project.roles.filter((key) => key !== event.data.key);
      await view.put(collection, { ...project, roles });
      return;
    }
    default:
      return;
  }
}

async function updateGrantLookup(event: RecordedEvent<ProjectEvent>, projectId: string, view: ProjectionView): Promise<void> {
  const collection = LOOKUP_COLLECTIONS.grants.name;
  switch (event.type) {
    case 'project.grant.added': {
      const grant: GrantLookup = {
        id: event.data.grantId,
        projectId,
        grantedOrgId: event.data.grantedOrgId,
        roleKeys: event.data.roleKeys ?? [],
        state: 'active',
      };
      await view.put(collection, grant);
      return;
    }
    case 'project.grant.removed':
      await view.delete(collection, event.data.grantId);
      return;
    case 'project.removed': {
      for (const grant of await view.find(collection, [{ op: 'eq', field: 'projectId', value: projectId }])) {
        await view.delete(collection, grant.id);
      }
      return;
    }
    case 'project.grant.changed':
    case 'project.grant.cascade.changed':
    case 'project.grant.deactivated':
    case 'project.grant.reactivated': {
      const grant = await getGrant(view, event.data.grantId);
      if (grant === null) return;
      if (event.type === 'project.grant.deactivated') await view.put(collection, { ...grant, state: 'inactive' });
      else if (event.type === 'project.grant.reactivated') await view.put(collection, { ...grant, state: 'active' });
      else await view.put(collection, { ...grant, roleKeys: event.data.roleKeys });
      return;
    }
    default:
      return;
  }
}

async function updateUserLookup(event: RecordedEvent<UserEvent>, id: string, view: ProjectionView): Promise<void> {
  const collection = LOOKUP_COLLECTIONS.users.name;
  switch (event.type) {
    case 'user.human.added': {
      const user: UserLookup = {
        id,
        orgId: event.metadata.resourceOwner,
        userName: event.data.userName,
        userType: 'human',
        firstName: event.data.firstName,
        lastName: event.data.lastName,
        email: event.data.email,
        displayName: event.data.displayName,
      };
      await view.put(collection, user);
      return;
    }
    case 'user.machine.added': {
      const user: UserLookup = {
        id,
        orgId: event.metadata.resourceOwner,
        userName: event.data.userName,
        userType: 'machine',
        firstName: '',
        lastName: '',
        email: '',
        displayName: event.data.name,
      };
      await view.put(collection, user);
      return;
    }
    case 'user.removed':
      await view.delete(collection, id);
      return;
    default:
      return;
  }
}

function withItem(items: readonly string[], item: string): readonly string[] {
  return items.includes(item) ? items : [...items, item];
}

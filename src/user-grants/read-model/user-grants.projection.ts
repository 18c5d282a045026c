import type { RecordedEvent } from '../../kernel/event';
import type { Doc, Filter } from '../../kernel/read-store.port';
import {
  type GrantLookup,
  LOOKUP_COLLECTIONS,
  LOOKUP_EVENT_TYPES,
  type OrgLookup,
  type ProjectLookup,
  type UserLookup,
  getGrant,
  getOrg,
  getProject,
  getUser,
  updateLookups,
} from '../../projections/lookups';
import { type DocDetails, type Projection, changedBy, createdBy } from '../../projections/projection';
import type { UserGrantEvent } from '../user-grant.events';

/** ZITADEL's UserGrant, as stored (zitadel-api.md §6.2). */
export interface UserGrantDoc extends Doc, DocDetails {
  readonly userId: string;
  readonly projectId: string;
  readonly projectGrantId: string;
  /**
   * The grant's roles that its project (grant) offered at every point since they were given: a
   * role taken from the project or the project grant is dropped at once and for good, as the
   * cascade reactor will record in the grant's own stream.
   */
  readonly roleKeys: readonly string[];
  readonly state: 'active' | 'inactive';
  /** '' for grants on owned projects. */
  readonly projectGrantState: '' | 'active' | 'inactive';
  readonly orgName: string;
  readonly orgDomain: string;
  readonly userName: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly displayName: string;
  readonly userType: 'human' | 'machine';
  readonly preferredLoginName: string;
  readonly userOrgId: string;
  readonly userOrgName: string;
  readonly userOrgDomain: string;
  readonly projectName: string;
  readonly projectOwnerId: string;
  /** Lower-cased copies for case-insensitive text queries. */
  readonly folded: Readonly<Record<'userName' | 'firstName' | 'lastName' | 'email' | 'displayName' | 'orgName' | 'orgDomain' | 'projectName', string>>;
}

export const USER_GRANTS = 'user_grants';

/** Roles a user grant may hold right now: its project grant's roles, or the project's. */
export function allowedRoles(project: ProjectLookup, grant: GrantLookup | null): ReadonlySet<string> {
  const projectRoles = new Set(project.roles);
  if (grant === null) return projectRoles;
  return new Set(grant.roleKeys.filter((key) => projectRoles.has(key)));
}

export interface UserGrantFacts {
  readonly user: UserLookup;
  readonly userOrg: OrgLookup | null;
  readonly owner: OrgLookup | null;
  readonly project: ProjectLookup;
  /** Null for a grant on an owned project. */
  readonly grant: GrantLookup | null;
}

/** Pure: a new user grant document; roles no longer allowed are dropped on insert. */
export function newUserGrant(event: RecordedEvent<Extract<UserGrantEvent, { type: 'user.grant.added' }>>, facts: UserGrantFacts): UserGrantDoc {
  const { user, userOrg, owner, project, grant } = facts;
  const stored = event.data.roleKeys ?? [];
  const allowed = allowedRoles(project, grant);
  const doc = {
    id: event.stream.slice('usergrant-'.length),
    ...createdBy(event),
    userId: event.data.userId,
    projectId: event.data.projectId,
    projectGrantId: event.data.grantId ?? '',
    roleKeys: stored.filter((key) => allowed.has(key)),
    state: 'active' as const,
    projectGrantState: grant?.state ?? ('' as const),
    orgName: owner?.name ?? '',
    orgDomain: owner?.primaryDomain ?? '',
    userName: user.userName,
    firstName: user.firstName,
    lastName: user.lastName,
    email: user.email,
    displayName: user.displayName,
    userType: user.userType,
    preferredLoginName: `${user.userName}@${userOrg?.primaryDomain ?? ''}`,
    userOrgId: user.orgId,
    userOrgName: userOrg?.name ?? '',
    userOrgDomain: userOrg?.primaryDomain ?? '',
    projectName: project.name,
    projectOwnerId: project.ownerId,
  };
  return {
    ...doc,
    folded: {
      userName: doc.userName.toLowerCase(),
      firstName: doc.firstName.toLowerCase(),
      lastName: doc.lastName.toLowerCase(),
      email: doc.email.toLowerCase(),
      displayName: doc.displayName.toLowerCase(),
      orgName: doc.orgName.toLowerCase(),
      orgDomain: doc.orgDomain.toLowerCase(),
      projectName: doc.projectName.toLowerCase(),
    },
  };
}

/** Pure: a user grant after one of its own events (other than added); null = deleted. */
export function evolveUserGrant(doc: UserGrantDoc, event: RecordedEvent<UserGrantEvent>, allowed: ReadonlySet<string>): UserGrantDoc | null {
  switch (event.type) {
    case 'user.grant.added':
      return doc;
    case 'user.grant.changed':
      return { ...doc, ...changedBy(event), roleKeys: event.data.roleKeys.filter((key) => allowed.has(key)) };
    case 'user.grant.cascade.changed': {
      // A cascade only ever takes roles away: one decided before a later removal must not bring
      // back a role that removal already dropped here.
      const kept = new Set(event.data.roleKeys);
      return { ...doc, ...changedBy(event), roleKeys: doc.roleKeys.filter((key) => kept.has(key) && allowed.has(key)) };
    }
    case 'user.grant.deactivated':
      return { ...doc, ...changedBy(event), state: 'inactive' };
    case 'user.grant.reactivated':
      return { ...doc, ...changedBy(event), state: 'active' };
    case 'user.grant.removed':
    case 'user.grant.cascade.removed':
      return null;
  }
}

/** Pure: the effect of a change to what the grant's project (grant) offers; own details untouched. */
export function restrictUserGrant(doc: UserGrantDoc, allowed: ReadonlySet<string>, projectGrantState: UserGrantDoc['projectGrantState']): UserGrantDoc {
  return { ...doc, roleKeys: doc.roleKeys.filter((key) => allowed.has(key)), projectGrantState };
}

const OWN_TYPES: ReadonlySet<string> = new Set([
  'user.grant.added',
  'user.grant.changed',
  'user.grant.cascade.changed',
  'user.grant.deactivated',
  'user.grant.reactivated',
  'user.grant.removed',
  'user.grant.cascade.removed',
]);
const lookups = new Set(['orgs', 'projects', 'grants', 'users'] as const);

async function removeWhere(view: Parameters<Projection['apply']>[1], filter: Filter): Promise<void> {
  for (const doc of await view.find(USER_GRANTS, filter)) await view.delete(USER_GRANTS, doc.id);
}

async function restrictWhere(view: Parameters<Projection['apply']>[1], filter: Filter): Promise<void> {
  for (const raw of await view.find(USER_GRANTS, filter)) {
    const doc = raw as UserGrantDoc;
    const project = await getProject(view, doc.projectId);
    if (project === null) continue;
    const grant = doc.projectGrantId === '' ? null : await getGrant(view, doc.projectGrantId);
    const next = restrictUserGrant(doc, allowedRoles(project, grant), grant?.state ?? '');
    // Most of a project's user grants do not hold the role taken away: leave them unwritten.
    if (next.roleKeys.length !== doc.roleKeys.length || next.projectGrantState !== doc.projectGrantState) await view.put(USER_GRANTS, next);
  }
}

/** GetUserGrantByID and ListUserGrants. Reacts at once to removals that cascade (§4). */
export const userGrantsProjection: Projection = {
  name: 'user_grants',
  version: 1,
  handles: new Set([
    ...OWN_TYPES,
    ...LOOKUP_EVENT_TYPES.orgs,
    ...LOOKUP_EVENT_TYPES.projects,
    ...LOOKUP_EVENT_TYPES.grants,
    ...LOOKUP_EVENT_TYPES.users,
  ]),
  collections: [
    {
      name: USER_GRANTS,
      indexes: [
        { fields: ['resourceOwner', 'createdPosition'] },
        { fields: ['userId', 'createdPosition'] },
        { fields: ['projectId', 'createdPosition'] },
        { fields: ['projectGrantId', 'createdPosition'] },
        { fields: ['projectOwnerId', 'createdPosition'] },
      ],
    },
    LOOKUP_COLLECTIONS.orgs,
    LOOKUP_COLLECTIONS.projects,
    LOOKUP_COLLECTIONS.grants,
    LOOKUP_COLLECTIONS.users,
  ],
  async apply(event, view) {
    await updateLookups(lookups, event, view);
    const aggregateId = event.stream.slice(event.stream.indexOf('-') + 1);
    switch (event.type) {
      case 'user.removed':
        return removeWhere(view, [{ op: 'eq', field: 'userId', value: aggregateId }]);
      case 'project.removed':
        return removeWhere(view, [{ op: 'eq', field: 'projectId', value: aggregateId }]);
      case 'project.grant.removed':
        return removeWhere(view, [{ op: 'eq', field: 'projectGrantId', value: (event.data as { grantId: string }).grantId }]);
      // A role added (back) is not given back: roleKeys only ever lose roles, so project.role.added
      // changes no user grant (it rewrote every user grant of the project, unchanged).
      case 'project.role.removed':
        return restrictWhere(view, [{ op: 'eq', field: 'projectId', value: aggregateId }]);
      case 'project.grant.changed':
      case 'project.grant.cascade.changed':
      case 'project.grant.deactivated':
      case 'project.grant.reactivated':
        return restrictWhere(view, [{ op: 'eq', field: 'projectGrantId', value: (event.data as { grantId: string }).grantId }]);
      default:
        break;
    }
    if (!OWN_TYPES.has(event.type)) return;
    const own = event as RecordedEvent<UserGrantEvent>;
    if (own.type === 'user.grant.added') {
      const user = await getUser(view, own.data.userId);
      const project = await getProject(view, own.data.projectId);
      const grant = own.data.grantId === undefined ? null : await getGrant(view, own.data.grantId);
      // Its user, project or project grant is gone already: the reactor will cascade-remove it.
      if (user === null || project === null || (own.data.grantId !== undefined && grant === null)) return;
      const doc = newUserGrant(own, {
        user,
        userOrg: await getOrg(view, user.orgId),
        owner: await getOrg(view, own.metadata.resourceOwner),
        project,
        grant,
      });
      await view.put(USER_GRANTS, doc);
      return;
    }
    const doc = (await view.get(USER_GRANTS, aggregateId)) as UserGrantDoc | null;
    if (doc === null) return;
    const project = await getProject(view, doc.projectId);
    const grant = doc.projectGrantId === '' ? null : await getGrant(view, doc.projectGrantId);
    const next = evolveUserGrant(doc, own, project === null ? new Set() : allowedRoles(project, grant));
    if (next === null) await view.delete(USER_GRANTS, aggregateId);
    else await view.put(USER_GRANTS, next);
  },
};

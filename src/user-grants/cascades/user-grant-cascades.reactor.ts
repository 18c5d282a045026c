import type { CommandExecutor } from '../../kernel/command-executor';
import type { RecordedEvent } from '../../kernel/event';
import type { Doc, Filter } from '../../kernel/read-store.port';
import { LOOKUP_COLLECTIONS, LOOKUP_EVENT_TYPES, getGrant, getProject, getUser, updateLookups } from '../../projections/lookups';
import type { Projection, ProjectionView } from '../../projections/projection';
import type { UserGrantEvent } from '../user-grant.events';
import { reconcileUserGrant } from './reconcile-user-grant';

/** The reactor's own table of live user grants: where to look for cascade candidates. */
export interface CascadeCandidate extends Doc {
  readonly userId: string;
  readonly projectId: string;
  readonly projectGrantId: string;
  readonly roleKeys: readonly string[];
}

const USER_GRANTS = 'user_grants';
/** How many cascade commands run at once (they share group commits). */
const PARALLEL_CASCADES = 32;

const OWN: ReadonlySet<string> = new Set([
  'user.grant.added',
  'user.grant.changed',
  'user.grant.cascade.changed',
  'user.grant.removed',
  'user.grant.cascade.removed',
]);

const lookups = new Set(['projects', 'grants', 'users'] as const);

/**
 * Pure: which live user grants an event may affect, as filters on the reactor's own table. A
 * user grant written after its target was removed is found through its own event.
 */
export function candidateFilters(event: RecordedEvent): readonly Filter[] {
  const aggregateId = event.stream.slice(event.stream.indexOf('-') + 1);
  const data = event.data as { grantId?: string; key?: string };
  switch (event.type) {
    case 'user.removed':
      return [[{ op: 'eq', field: 'userId', value: aggregateId }]];
    case 'project.removed':
      return [[{ op: 'eq', field: 'projectId', value: aggregateId }]];
    case 'project.role.removed':
      return [[{ op: 'eq', field: 'projectId', value: aggregateId }, { op: 'has', field: 'roleKeys', value: data.key ?? '' }]];
    case 'project.grant.removed':
    case 'project.grant.changed':
    case 'project.grant.cascade.changed':
      return [[{ op: 'eq', field: 'projectGrantId', value: data.grantId ?? '' }]];
    default:
      return [];
  }
}

/**
 * How a live user grant stands against its user, project and project grant as the log says at
 * this point: gone (one of them removed), and the roles it holds that are no longer offered.
 */
async function outOfLine(view: ProjectionView, grant: CascadeCandidate): Promise<{ readonly gone: boolean; readonly dropped: ReadonlySet<string> }> {
  const project = await getProject(view, grant.projectId);
  const projectGrant = grant.projectGrantId === '' ? null : await getGrant(view, grant.projectGrantId);
  if ((await getUser(view, grant.userId)) === null || project === null || (grant.projectGrantId !== '' && projectGrant === null)) {
    return { gone: true, dropped: new Set() };
  }
  const projectRoles = new Set(project.roles);
  const offered = projectGrant === null ? projectRoles : new Set(projectGrant.roleKeys.filter((key) => projectRoles.has(key)));
  return { gone: false, dropped: new Set(grant.roleKeys.filter((key) => !offered.has(key))) };
}

/** Keeps the reactor's table in step with the user grant's own events. */
async function track(view: ProjectionView, event: RecordedEvent<UserGrantEvent>): Promise<CascadeCandidate | null> {
  const id = event.stream.slice('usergrant-'.length);
  switch (event.type) {
    case 'user.grant.added': {
      const grant: CascadeCandidate = {
        id,
        userId: event.data.userId,
        projectId: event.data.projectId,
        projectGrantId: event.data.grantId ?? '',
        roleKeys: event.data.roleKeys ?? [],
      };
      await view.put(USER_GRANTS, grant);
      return grant;
    }
    case 'user.grant.changed':
    case 'user.grant.cascade.changed': {
      const existing = (await view.get(USER_GRANTS, id)) as CascadeCandidate | null;
      if (existing === null) return null;
      const grant = { ...existing, roleKeys: event.data.roleKeys };
      await view.put(USER_GRANTS, grant);
      return grant;
    }
    case 'user.grant.removed':
    case 'user.grant.cascade.removed':
      await view.delete(USER_GRANTS, id);
      return null;
    default:
      return null;
  }
}

/**
 * Cascades across streams (zitadel-api.md §4): a durable, checkpointed reactor that reads the log
 * in order, keeps its own table of user grants by user, project and project grant, and issues the
 * cascade command for every user grant a removal or role change leaves out of line. It runs in
 * the projection runner, so it is checkpointed and fails closed like a projection; its commands
 * are idempotent, so a batch replayed after a crash appends nothing twice.
 */
export function userGrantCascadesReactor(executor: CommandExecutor): Projection {
  return {
    name: 'user_grant_cascades',
    version: 1,
    handles: new Set([...OWN, ...LOOKUP_EVENT_TYPES.projects, ...LOOKUP_EVENT_TYPES.grants, ...LOOKUP_EVENT_TYPES.users]),
    collections: [
      {
        name: USER_GRANTS,
        indexes: [{ fields: ['userId'] }, { fields: ['projectId'] }, { fields: ['projectGrantId'] }],
      },
      LOOKUP_COLLECTIONS.projects,
      LOOKUP_COLLECTIONS.grants,
      LOOKUP_COLLECTIONS.users,
    ],
    async apply(event, view) {
      // Look-ups first: what the grant is compared with is the state right after this event.
      await updateLookups(lookups, event, view);
      const candidates: CascadeCandidate[] = [];
      if (OWN.has(event.type)) {
        const tracked = await track(view, event as RecordedEvent<UserGrantEvent>);
        if (tracked !== null) candidates.push(tracked);
      }
      for (const filter of candidateFilters(event)) candidates.push(...((await view.find(USER_GRANTS, filter)) as CascadeCandidate[]));
      const targets = new Map<string, ReadonlySet<string>>();
      for (const candidate of candidates) {
        const standing = await outOfLine(view, candidate);
        if (standing.gone || standing.dropped.size > 0) targets.set(candidate.id, standing.dropped);
      }
      // Almost every event leaves nothing out of line (a rebuild: every one of its 2M).
      if (targets.size === 0) return;
      await runLimited([...targets], PARALLEL_CASCADES, ([id, dropped]) => reconcileUserGrant(executor, id, event, dropped));
    },
  };
}

async function runLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  });
  await Promise.all(lanes);
}

import { Map as PersistentMap } from 'immutable';
import type { AggregateType, UniqueClaims } from '../kernel/aggregate';
import { NO_CLAIMS } from '../kernel/aggregate';
import { assertNever } from '../kernel/decider';
import { DomainError, alreadyExists, failedPrecondition, notFound } from '../kernel/domain-error';
import type { RecordedEvent } from '../kernel/event';
import type { ProjectAdded, ProjectEvent, ProjectRoleAdded } from './project.events';

export interface RoleState {
  readonly key: string;
  readonly displayName: string;
  readonly group: string;
}

/** Sequence, date and position of an object's last event inside the project stream. */
export interface LastEvent {
  readonly sequence: number;
  readonly changeDate: Date;
  readonly position: number;
}

export type GrantStatus = 'active' | 'inactive' | 'removed';

/** A project grant as its stream knows it; `sequence`/dates are of the grant's last own event. */
export interface GrantState {
  readonly grantId: string;
  readonly grantedOrgId: string;
  readonly roleKeys: readonly string[];
  readonly status: GrantStatus;
  readonly sequence: number;
  readonly creationDate: Date;
  readonly changeDate: Date;
  readonly position: number;
}

export interface ProjectState {
  readonly status: 'absent' | 'active' | 'removed';
  readonly owner: string;
  readonly name: string;
  readonly roles: ReadonlyMap<string, RoleState>;
  /** Last event of every role key ever added (removed ones included), for no-op details. */
  readonly roleEvents: ReadonlyMap<string, LastEvent>;
  /**
   * Persistent maps: a busy project holds tens of thousands of grants and the command executor
   * folds every new event into its cached state, so `evolve` must not copy them per event.
   */
  readonly grants: PersistentMap<string, GrantState>;
  /** grantedOrgId → grantId of the org's one non-removed grant (AddProjectGrant's uniqueness). */
  readonly liveGrantByOrg: PersistentMap<string, string>;
  /** The project's own last event (added/removed), for no-op details of project commands. */
  readonly last: LastEvent | null;
}

const initialState: ProjectState = {
  status: 'absent',
  owner: '',
  name: '',
  roles: new Map(),
  roleEvents: new Map(),
  grants: PersistentMap(),
  liveGrantByOrg: PersistentMap(),
  last: null,
};

function lastEventOf(event: RecordedEvent<ProjectEvent>): LastEvent {
  return { sequence: event.revision + 1, changeDate: event.createdAt, position: event.position };
}

function withRoleEvent(state: ProjectState, key: string, event: RecordedEvent<ProjectEvent>): ReadonlyMap<string, LastEvent> {
  const roleEvents = new Map(state.roleEvents);
  roleEvents.set(key, lastEventOf(event));
  return roleEvents;
}

function withGrant(state: ProjectState, event: RecordedEvent<ProjectEvent>, grantId: string, change: (grant: GrantState) => GrantState): ProjectState {
  const grant = state.grants.get(grantId);
  if (grant === undefined) return state;
  const changed: GrantState = { ...change(grant), sequence: event.revision + 1, changeDate: event.createdAt, position: event.position };
  const liveGrantByOrg =
    changed.status === 'removed' && state.liveGrantByOrg.get(grant.grantedOrgId) === grantId
      ? state.liveGrantByOrg.delete(grant.grantedOrgId)
      : state.liveGrantByOrg;
  return { ...state, grants: state.grants.set(grantId, changed), liveGrantByOrg };
}

export const projectAggregate: AggregateType<ProjectState, ProjectEvent> = {
  type: 'project',
  initialState,
  evolve(state, event) {
    switch (event.type) {
      case 'project.added':
        return { ...state, status: 'active', owner: event.metadata.resourceOwner, name: event.data.name, last: lastEventOf(event) };
      case 'project.removed':
        return { ...state, status: 'removed', last: lastEventOf(event) };
      case 'project.role.added': {
        const roles = new Map(state.roles);
        roles.set(event.data.key, { key: event.data.key, displayName: event.data.displayName, group: event.data.group ?? '' });
        return { ...state, roles, roleEvents: withRoleEvent(state, event.data.key, event) };
      }
      case 'project.role.changed': {
        const role = state.roles.get(event.data.key);
        if (role === undefined) return state;
        const roles = new Map(state.roles);
        roles.set(role.key, {
          key: role.key,
          displayName: event.data.displayName ?? role.displayName,
          group: event.data.group ?? role.group,
        });
        return { ...state, roles, roleEvents: withRoleEvent(state, role.key, event) };
      }
      case 'project.role.removed': {
        const roles = new Map(state.roles);
        roles.delete(event.data.key);
        return { ...state, roles, roleEvents: withRoleEvent(state, event.data.key, event) };
      }
      case 'project.grant.added': {
        const grants = state.grants.set(event.data.grantId, {
          grantId: event.data.grantId,
          grantedOrgId: event.data.grantedOrgId,
          roleKeys: event.data.roleKeys ?? [],
          status: 'active',
          sequence: event.revision + 1,
          creationDate: event.createdAt,
          changeDate: event.createdAt,
          position: event.position,
        });
        return { ...state, grants, liveGrantByOrg: state.liveGrantByOrg.set(event.data.grantedOrgId, event.data.grantId) };
      }
      case 'project.grant.changed':
      case 'project.grant.cascade.changed': {
        const roleKeys = event.data.roleKeys;
        return withGrant(state, event, event.data.grantId, (grant) => ({ ...grant, roleKeys }));
      }
      case 'project.grant.deactivated':
        return withGrant(state, event, event.data.grantId, (grant) => ({ ...grant, status: 'inactive' }));
      case 'project.grant.reactivated':
        return withGrant(state, event, event.data.grantId, (grant) => ({ ...grant, status: 'active' }));
      case 'project.grant.removed':
        return withGrant(state, event, event.data.grantId, (grant) => ({ ...grant, status: 'removed' }));
      default:
        return assertNever(event);
    }
  },
  uniqueClaims(event: ProjectEvent, stateBefore: ProjectState, resourceOwner: string): UniqueClaims {
    switch (event.type) {
      case 'project.added':
        return { claim: [projectNameKey(resourceOwner, event.data.name)], release: [] };
      case 'project.removed':
        return { claim: [], release: [projectNameKey(stateBefore.owner, event.data.name)] };
      default:
        return NO_CLAIMS;
    }
  },
};

function projectNameKey(owner: string, name: string) {
  return { kind: 'project.name', value: `${owner}:${name.toLowerCase()}` };
}

/** The project exists, is not removed, and belongs to the acting org. */
export function isActiveProjectOf(state: ProjectState, actingOrg: string): boolean {
  return state.status === 'active' && state.owner === actingOrg;
}

/** A non-removed grant of the project, if any, to `grantedOrgId`. */
export function activeGrantTo(state: ProjectState, grantedOrgId: string): GrantState | undefined {
  const grantId = state.liveGrantByOrg.get(grantedOrgId);
  return grantId === undefined ? undefined : state.grants.get(grantId);
}

export interface AddProject {
  readonly name: string;
  readonly projectRoleAssertion: boolean;
  readonly projectRoleCheck: boolean;
  readonly hasProjectCheck: boolean;
  readonly privateLabelingSetting: number;
  readonly adminCount: number;
}

export function decideAddProject(command: AddProject, state: ProjectState): readonly ProjectEvent[] {
  if (command.adminCount > 0) {
    throw new DomainError('unimplemented', 'GRANTLINE-NotYet', 'This feature is not supported yet');
  }
  if (state.status !== 'absent') throw alreadyExists('V3-DKcYh', 'Project already exists on organisation');
  const data: ProjectAdded['data'] = {
    name: command.name,
    ...(command.projectRoleAssertion ? { projectRoleAssertion: true } : {}),
    ...(command.projectRoleCheck ? { projectRoleCheck: true } : {}),
    ...(command.hasProjectCheck ? { hasProjectCheck: true } : {}),
    ...(command.privateLabelingSetting !== 0 ? { privateLabelingSetting: command.privateLabelingSetting } : {}),
  };
  return [{ type: 'project.added', data }];
}

export interface NewRole {
  readonly key: string;
  readonly displayName: string;
  readonly group: string;
}

export interface AddProjectRoles {
  readonly actingOrg: string;
  readonly roles: readonly NewRole[];
}

/** AddProjectRole and BulkAddProjectRoles: all roles or none; keys unique case-insensitively. */
export function decideAddProjectRoles(command: AddProjectRoles, state: ProjectState): readonly ProjectEvent[] {
  if (!isActiveProjectOf(state, command.actingOrg)) throw failedPrecondition('COMMAND-EbFMN', 'Project not found');
  const taken = new Set([...state.roles.keys()].map((key) => key.toLowerCase()));
  const events: ProjectRoleAdded[] = [];
  for (const role of command.roles) {
    const folded = role.key.toLowerCase();
    if (taken.has(folded)) throw alreadyExists('V3-DKcYh', 'Role already exists');
    taken.add(folded);
    events.push({
      type: 'project.role.added',
      data: { key: role.key, displayName: role.displayName, ...(role.group !== '' ? { group: role.group } : {}) },
    });
  }
  return events;
}

/** The project exists (not removed) in the acting org, else `COMMAND-EbFMN`. */
function assertProjectOf(state: ProjectState, actingOrg: string): void {
  if (!isActiveProjectOf(state, actingOrg)) throw failedPrecondition('COMMAND-EbFMN', 'Project not found');
}

export interface UpdateProjectRole {
  readonly actingOrg: string;
  readonly key: string;
  readonly displayName: string;
  readonly group: string;
}

/** Changes a role's display name and group; only the changed fields go into the event. */
export function decideUpdateProjectRole(command: UpdateProjectRole, state: ProjectState): readonly ProjectEvent[] {
  assertProjectOf(state, command.actingOrg);
  const role = state.roles.get(command.key);
  if (role === undefined) throw notFound('COMMAND-vv8M9', "Role doesn't exist");
  const changed = {
    ...(command.displayName !== role.displayName ? { displayName: command.displayName } : {}),
    ...(command.group !== role.group ? { group: command.group } : {}),
  };
  if (Object.keys(changed).length === 0) return [];
  return [{ type: 'project.role.changed', data: { key: command.key, ...changed } }];
}

/**
 * Removes a role and, in the same append, drops it from every project grant holding it
 * (`project.grant.cascade.changed`); user grants follow through the cascade reactor.
 */
export function decideRemoveProjectRole(command: { readonly actingOrg: string; readonly key: string }, state: ProjectState): readonly ProjectEvent[] {
  assertProjectOf(state, command.actingOrg);
  if (!state.roles.has(command.key)) return [];
  const events: ProjectEvent[] = [{ type: 'project.role.removed', data: { key: command.key } }];
  for (const grant of state.grants.values()) {
    if (grant.status === 'removed' || !grant.roleKeys.includes(command.key)) continue;
    events.push({
      type: 'project.grant.cascade.changed',
      data: { grantId: grant.grantId, roleKeys: grant.roleKeys.filter((key) => key !== command.key) },
    });
  }
  return events;
}

/** Removes the project; its roles and grants end with it, its user grants follow by cascade. */
export function decideRemoveProject(command: { readonly actingOrg: string }, state: ProjectState): readonly ProjectEvent[] {
  if (!isActiveProjectOf(state, command.actingOrg)) throw notFound('COMMAND-3M9sd', 'Project not found');
  return [{ type: 'project.removed', data: { name: state.name } }];
}

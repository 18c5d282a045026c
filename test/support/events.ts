import type { OrgEvent } from '../../src/orgs/org.events';
import type { ProjectEvent } from '../../src/projects/project.events';
import type { UserGrantEvent } from '../../src/user-grants/user-grant.events';
import type { UserEvent } from '../../src/users/user.events';

/** Event builders for given-clauses: the stored payloads of zitadel-api.md §5, by name. */

export const orgAdded = (name: string): OrgEvent => ({ type: 'org.added', data: { name } });
export const primaryDomainSet = (domain: string): OrgEvent => ({ type: 'org.domain.primary.set', data: { domain } });

export const projectAdded = (name: string, flags: Partial<Extract<ProjectEvent, { type: 'project.added' }>['data']> = {}): ProjectEvent => ({
  type: 'project.added',
  data: { name, ...flags },
});
export const projectRemoved = (name: string): ProjectEvent => ({ type: 'project.removed', data: { name } });
export const roleAdded = (key: string, displayName = key, group?: string): ProjectEvent => ({
  type: 'project.role.added',
  data: { key, displayName, ...(group !== undefined ? { group } : {}) },
});
export const roleChanged = (key: string, change: { displayName?: string; group?: string }): ProjectEvent => ({
  type: 'project.role.changed',
  data: { key, ...change },
});
export const roleRemoved = (key: string): ProjectEvent => ({ type: 'project.role.removed', data: { key } });
export const grantAdded = (grantId: string, grantedOrgId: string, roleKeys?: readonly string[]): ProjectEvent => ({
  type: 'project.grant.added',
  data: { grantId, grantedOrgId, ...(roleKeys !== undefined ? { roleKeys } : {}) },
});
export const grantChanged = (grantId: string, roleKeys: readonly string[]): ProjectEvent => ({ type: 'project.grant.changed', data: { grantId, roleKeys } });
export const grantCascadeChanged = (grantId: string, roleKeys: readonly string[]): ProjectEvent => ({
  type: 'project.grant.cascade.changed',
  data: { grantId, roleKeys },
});
export const grantDeactivated = (grantId: string): ProjectEvent => ({ type: 'project.grant.deactivated', data: { grantId } });
export const grantReactivated = (grantId: string): ProjectEvent => ({ type: 'project.grant.reactivated', data: { grantId } });
export const grantRemoved = (grantId: string, grantedOrgId: string): ProjectEvent => ({ type: 'project.grant.removed', data: { grantId, grantedOrgId } });

export const humanAdded = (userName: string, firstName: string, lastName: string, email: string): UserEvent => ({
  type: 'user.human.added',
  data: { userName, firstName, lastName, displayName: `${firstName} ${lastName}`, email },
});
export const machineAdded = (userName: string, name: string): UserEvent => ({ type: 'user.machine.added', data: { userName, name } });
export const userRemoved: UserEvent = { type: 'user.removed', data: null };

export const userGrantAdded = (userId: string, projectId: string, grantId?: string, roleKeys?: readonly string[]): UserGrantEvent => ({
  type: 'user.grant.added',
  data: { userId, projectId, ...(grantId !== undefined ? { grantId } : {}), ...(roleKeys !== undefined ? { roleKeys } : {}) },
});
export const userGrantChanged = (userId: string, roleKeys: readonly string[]): UserGrantEvent => ({ type: 'user.grant.changed', data: { userId, roleKeys } });
export const userGrantCascadeChanged = (roleKeys: readonly string[]): UserGrantEvent => ({ type: 'user.grant.cascade.changed', data: { roleKeys } });
export const userGrantDeactivated: UserGrantEvent = { type: 'user.grant.deactivated', data: null };
export const userGrantReactivated: UserGrantEvent = { type: 'user.grant.reactivated', data: null };
export const userGrantRemoved = (userId: string, projectId: string, grantId?: string): UserGrantEvent => ({
  type: 'user.grant.removed',
  data: { userId, projectId, ...(grantId !== undefined ? { grantId } : {}) },
});
export const userGrantCascadeRemoved: UserGrantEvent = { type: 'user.grant.cascade.removed', data: null };

import type { Principal } from './principal';

/** Permission names as ZITADEL checks them (zitadel-api.md §2.7). */
export type Permission =
  | 'iam.read'
  | 'iam.write'
  | 'events.read'
  | 'org.create'
  | 'org.read'
  | 'project.create'
  | 'project.read'
  | 'project.delete'
  | 'project.role.read'
  | 'project.role.write'
  | 'project.role.delete'
  | 'project.grant.read'
  | 'project.grant.write'
  | 'project.grant.delete'
  | 'user.read'
  | 'user.write'
  | 'user.delete'
  | 'user.grant.read'
  | 'user.grant.write'
  | 'user.grant.delete';

/** How a caller holds a permission in the acting org. */
export type Grant = { readonly scope: 'global' } | { readonly scope: 'contextual'; readonly contextIds: ReadonlySet<string> } | { readonly scope: 'none' };

/**
 * Resolves a permission for the acting org. The instance administrator holds IAM_OWNER, which maps
 * to every permission; org, project and project-grant memberships will add the other rows of the
 * role table here.
 */
export function resolvePermission(principal: Principal, _actingOrg: string, _permission: Permission): Grant {
  switch (principal.kind) {
    case 'instance-admin':
      return { scope: 'global' };
  }
}

import type { Event } from '../kernel/event';

/**
 * Events of the project stream (`project-<id>`): the project, its roles and its project grants
 * live together, as in ZITADEL, so role and grant rules are decided inside one stream.
 */
export type ProjectAdded = Event<
  'project.added',
  {
    readonly name: string;
    readonly projectRoleAssertion?: boolean;
    readonly projectRoleCheck?: boolean;
    readonly hasProjectCheck?: boolean;
    readonly privateLabelingSetting?: number;
  }
>;
export type ProjectRemoved = Event<'project.removed', { readonly name: string }>;
export type ProjectRoleAdded = Event<
  'project.role.added',
  { readonly key: string; readonly displayName: string; readonly group?: string }
>;
export type ProjectRoleChanged = Event<
  'project.role.changed',
  { readonly key: string; readonly displayName?: string; readonly group?: string }
>;
export type ProjectRoleRemoved = Event<'project.role.removed', { readonly key: string }>;
export type ProjectGrantAdded = Event<
  'project.grant.added',
  { readonly grantId: string; readonly grantedOrgId: string; readonly roleKeys?: readonly string[] }
>;
export type ProjectGrantChanged = Event<'project.grant.changed', { readonly grantId: string; readonly roleKeys: readonly string[] }>;
export type ProjectGrantCascadeChanged = Event<
  'project.grant.cascade.changed',
  { readonly grantId: string; readonly roleKeys: readonly string[] }
>;
export type ProjectGrantDeactivated = Event<'project.grant.deactivated', { readonly grantId: string }>;
export type ProjectGrantReactivated = Event<'project.grant.reactivated', { readonly grantId: string }>;
export type ProjectGrantRemoved = Event<'project.grant.removed', { readonly grantId: string; readonly grantedOrgId: string }>;

export type ProjectGrantEvent =
  | ProjectGrantAdded
  | ProjectGrantChanged
  | ProjectGrantCascadeChanged
  | ProjectGrantDeactivated
  | ProjectGrantReactivated
  | ProjectGrantRemoved;

export type ProjectEvent = ProjectAdded | ProjectRemoved | ProjectRoleAdded | ProjectRoleChanged | ProjectRoleRemoved | ProjectGrantEvent;

export const PROJECT_EVENT_TYPES = [
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
] as const satisfies readonly ProjectEvent['type'][];

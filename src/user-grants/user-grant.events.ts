import type { Event } from '../kernel/event';

/** Events of the user grant stream (`usergrant-<id>`; aggregate type `usergrant`). */
export type UserGrantAdded = Event<
  'user.grant.added',
  { readonly userId: string; readonly projectId: string; readonly grantId?: string; readonly roleKeys?: readonly string[] }
>;
export type UserGrantChanged = Event<'user.grant.changed', { readonly userId: string; readonly roleKeys: readonly string[] }>;
export type UserGrantCascadeChanged = Event<'user.grant.cascade.changed', { readonly roleKeys: readonly string[] }>;
export type UserGrantDeactivated = Event<'user.grant.deactivated', null>;
export type UserGrantReactivated = Event<'user.grant.reactivated', null>;
export type UserGrantRemoved = Event<
  'user.grant.removed',
  { readonly userId: string; readonly projectId: string; readonly grantId?: string }
>;
export type UserGrantCascadeRemoved = Event<'user.grant.cascade.removed', null>;

export type UserGrantEvent =
  | UserGrantAdded
  | UserGrantChanged
  | UserGrantCascadeChanged
  | UserGrantDeactivated
  | UserGrantReactivated
  | UserGrantRemoved
  | UserGrantCascadeRemoved;

export const USER_GRANT_EVENT_TYPES = [
  'user.grant.added',
  'user.grant.changed',
  'user.grant.cascade.changed',
  'user.grant.deactivated',
  'user.grant.reactivated',
  'user.grant.removed',
  'user.grant.cascade.removed',
] as const satisfies readonly UserGrantEvent['type'][];

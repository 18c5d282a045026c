/**
 * English labels of the stored event types and of the aggregate types (zitadel-api.md §5), as the
 * Admin API serves them in `localized.localizedMessage` under the keys `EventTypes.<type>` and
 * `AggregateTypes.<type>`.
 */

/** Event type → label, for every event type the dialect's four aggregate types store. */
export const EVENT_TYPE_LABELS: Readonly<Record<string, string>> = {
  'org.added': 'Organization created',
  'org.domain.primary.set': 'Primary domain set',
  'org.member.added': 'Organization member added',
  'project.added': 'Project created',
  'project.removed': 'Project removed',
  'project.role.added': 'Project role added',
  'project.role.changed': 'Project role changed',
  'project.role.removed': 'Project role removed',
  'project.grant.added': 'Management access added',
  'project.grant.changed': 'Management access changed',
  'project.grant.cascade.changed': 'Management access changed',
  'project.grant.deactivated': 'Management access deactivated',
  'project.grant.reactivated': 'Management access reactivated',
  'project.grant.removed': 'Management access removed',
  'user.human.added': 'Person added',
  'user.machine.added': 'Technical user added',
  'user.removed': 'User removed',
  'user.grant.added': 'Authorization added',
  'user.grant.changed': 'Authorization changed',
  'user.grant.cascade.changed': 'Authorization changed',
  'user.grant.deactivated': 'Authorization deactivated',
  'user.grant.reactivated': 'Authorization reactivated',
  'user.grant.removed': 'Authorization removed',
  'user.grant.cascade.removed': 'Authorization removed',
};

/** The aggregate types of the dialect, in the order ListAggregateTypes serves them. */
export const AGGREGATE_TYPES = ['org', 'project', 'user', 'usergrant'] as const;

export type DialectAggregateType = (typeof AGGREGATE_TYPES)[number];

export const AGGREGATE_TYPE_LABELS: Readonly<Record<DialectAggregateType, string>> = {
  org: 'Organization',
  project: 'Project',
  user: 'User',
  usergrant: 'User grant',
};

export function isDialectAggregateType(type: string): type is DialectAggregateType {
  return (AGGREGATE_TYPES as readonly string[]).includes(type);
}

/** `{key, localizedMessage}` of an event type; a type without a label shows its own name. */
export function eventTypeLabel(type: string): { readonly key: string; readonly localizedMessage: string } {
  return { key: `EventTypes.${type}`, localizedMessage: EVENT_TYPE_LABELS[type] ?? type };
}

export function aggregateTypeLabel(type: string): { readonly key: string; readonly localizedMessage: string } {
  return { key: `AggregateTypes.${type}`, localizedMessage: isDialectAggregateType(type) ? AGGREGATE_TYPE_LABELS[type] : type };
}

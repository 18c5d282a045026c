import type { Event } from '../kernel/event';

/** Stored type strings of the org aggregate (stream `org-<id>`): a contract, never renamed. */
export type OrgAdded = Event<'org.added', { readonly name: string }>;
export type OrgPrimaryDomainSet = Event<'org.domain.primary.set', { readonly domain: string }>;

export type OrgEvent = OrgAdded | OrgPrimaryDomainSet;

export const ORG_EVENT_TYPES = ['org.added', 'org.domain.primary.set'] as const;

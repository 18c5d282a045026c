import type { Event } from '../kernel/event';

/**
 * Stored type strings of the Golem bounded context (golem-api.md §6.2): a contract, never renamed.
 * Streams are `<category>-<id>`: `golem.account-<id>`, `golem.token-<id>`, `golem.project-<id>`,
 * `golem.policy-<id>`, `golem.grant-<id>`. Deletion events repeat what the object held, so an
 * auditor reads "who removed which grant and what it granted" from one event.
 */

export type GolemAccountCreated = Event<
  'golem.account.created',
  { readonly accountId: string; readonly name: string; readonly email: string; readonly planId: string; readonly builtIn: boolean }
>;
export type GolemProjectReserved = Event<'golem.account.projectReserved', { readonly accountId: string; readonly projectId: string }>;
export type GolemProjectReleased = Event<
  'golem.account.projectReleased',
  { readonly accountId: string; readonly projectId: string; readonly reason: 'deleted' | 'abandoned' }
>;
export type GolemAccountEvent = GolemAccountCreated | GolemProjectReserved | GolemProjectReleased;

export type GolemTokenCreated = Event<
  'golem.token.created',
  {
    readonly tokenId: string;
    readonly accountId: string;
    /** SHA-256 (hex) of the lower-case canonical secret; the secret itself is never stored. */
    readonly secretSha256: string;
    /** RFC 3339 UTC with milliseconds. */
    readonly createdAt: string;
    readonly expiresAt: string;
  }
>;
export type GolemTokenDeleted = Event<'golem.token.deleted', { readonly tokenId: string; readonly accountId: string }>;
export type GolemTokenEvent = GolemTokenCreated | GolemTokenDeleted;

export type GolemProjectCreated = Event<
  'golem.project.created',
  {
    readonly projectId: string;
    readonly ownerAccountId: string;
    readonly name: string;
    readonly description: string;
    readonly defaultEnvironmentId: 'default';
    readonly projectType: 'NonDefault';
  }
>;
export type GolemProjectDeleted = Event<'golem.project.deleted', { readonly projectId: string; readonly ownerAccountId: string }>;
export type GolemProjectEvent = GolemProjectCreated | GolemProjectDeleted;

export type GolemPolicyCreated = Event<
  'golem.policy.created',
  {
    readonly policyId: string;
    readonly name: string;
    /** Wire strings in vocabulary order, no duplicates. */
    readonly actions: readonly string[];
    /** The grant an inline policy was made for; null for POST /v1/project-policies. */
    readonly inlineForGrantId: string | null;
  }
>;
export type GolemPolicyEvent = GolemPolicyCreated;

export type GolemGrantCreated = Event<
  'golem.grant.created',
  { readonly grantId: string; readonly projectId: string; readonly granteeAccountId: string; readonly policyId: string }
>;
export type GolemGrantDeleted = Event<
  'golem.grant.deleted',
  {
    readonly grantId: string;
    readonly projectId: string;
    readonly granteeAccountId: string;
    readonly policyId: string;
    readonly reason: 'requested' | 'projectDeleted';
  }
>;
export type GolemGrantEvent = GolemGrantCreated | GolemGrantDeleted;

export type GolemEvent = GolemAccountEvent | GolemTokenEvent | GolemProjectEvent | GolemPolicyEvent | GolemGrantEvent;

export const GOLEM_EVENT_TYPES = [
  'golem.account.created',
  'golem.account.projectReserved',
  'golem.account.projectReleased',
  'golem.token.created',
  'golem.token.deleted',
  'golem.project.created',
  'golem.project.deleted',
  'golem.policy.created',
  'golem.grant.created',
  'golem.grant.deleted',
] as const;

/** Stream categories (aggregate types). */
export const GOLEM_STREAMS = {
  account: 'golem.account',
  token: 'golem.token',
  project: 'golem.project',
  policy: 'golem.policy',
  grant: 'golem.grant',
} as const;

/** The built-in administrator account (golem-api.md §1.2). */
export const ADMIN_ACCOUNT_ID = 'admin';
/** Golem's default plan id, the only plan. */
export const GOLEM_PLAN_ID = '00000000-0000-0000-0000-000000000000';
export const ADMIN_ACCOUNT = { id: ADMIN_ACCOUNT_ID, name: 'Admin', email: 'admin@grantline.invalid', planId: GOLEM_PLAN_ID } as const;

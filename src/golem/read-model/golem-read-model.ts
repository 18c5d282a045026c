import type { Doc } from '../../kernel/read-store.port';
import type { ProjectAction } from '../actions';

/**
 * The Golem read models (golem-api.md §6.4), as the use cases read them. One projection,
 * `golem` version 1, keeps all five collections, so a request waits for one checkpoint to be
 * fresh (§1.6). Deleted tokens, projects and grants are removed from their collection; the
 * streams keep the history. Every list comes back in creation order (the creating event's
 * global position).
 */
export interface GolemReadModel {
  account(accountId: string): Promise<AccountDoc | null>;
  /** Exact, case-sensitive match. */
  accountByEmail(email: string): Promise<AccountDoc | null>;

  token(tokenId: string): Promise<TokenDoc | null>;
  tokenBySecretHash(secretSha256: string): Promise<TokenDoc | null>;
  tokensOf(accountId: string): Promise<readonly TokenDoc[]>;

  project(projectId: string): Promise<ProjectDoc | null>;
  /** Every live project, optionally only those with exactly this name. */
  allProjects(name: string | undefined): Promise<readonly ProjectDoc[]>;
  /** Live projects the account owns or holds at least one live grant on. */
  projectsVisibleTo(accountId: string, name: string | undefined): Promise<readonly ProjectDoc[]>;

  policy(policyId: string): Promise<PolicyDoc | null>;
  policies(policyIds: readonly string[]): Promise<readonly PolicyDoc[]>;

  grant(grantId: string): Promise<GrantDoc | null>;
  grantsOfProject(projectId: string): Promise<readonly GrantDoc[]>;
  grantsOfGrantee(projectId: string, granteeAccountId: string): Promise<readonly GrantDoc[]>;
  /** Does the account hold a live grant on a live project owned by `ownerAccountId`? (ViewAccount, §5.4) */
  holdsGrantOnProjectOf(granteeAccountId: string, ownerAccountId: string): Promise<boolean>;
}

/** Platform fields every document carries; never sent on this dialect's wire. */
interface Details extends Doc {
  readonly sequence: number;
  readonly creationDate: string;
  readonly changeDate: string;
  readonly resourceOwner: string;
  readonly createdPosition: number;
}

/** `id` = account id. */
export interface AccountDoc extends Details {
  readonly name: string;
  readonly email: string;
  readonly planId: string;
}

/** `id` = token id. */
export interface TokenDoc extends Details {
  readonly accountId: string;
  readonly secretSha256: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

/** `id` = project id. */
export interface ProjectDoc extends Details {
  readonly ownerAccountId: string;
  readonly name: string;
  readonly description: string;
}

/** `id` = policy id. */
export interface PolicyDoc extends Details {
  readonly name: string;
  readonly actions: readonly ProjectAction[];
}

/** `id` = grant id. */
export interface GrantDoc extends Details {
  readonly projectId: string;
  readonly granteeAccountId: string;
  readonly policyId: string;
}

/** Projection name and version: the checkpoint key `golem1` every Golem request waits for. */
export const GOLEM_PROJECTION_NAME = 'golem';
export const GOLEM_PROJECTION_VERSION = 1;
export const GOLEM_PROJECTION_KEY = `${GOLEM_PROJECTION_NAME}${GOLEM_PROJECTION_VERSION}`;

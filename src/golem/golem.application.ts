import type { CheckedAction, ProjectAction } from './actions';

/**
 * The Golem dialect's use cases, as the HTTP edge calls them (golem-api.md §3). Inputs are already
 * syntax-checked (§1.4) and ids lower-cased; every method authorizes first (§5) and throws a
 * GolemError with the exact texts of §3.1. Reads are answered from the read models, which the edge
 * has made fresh (read-your-writes, §1.6) before calling.
 */
export interface GolemApplication {
  createAccount(request: GolemRequest, input: { readonly name: string; readonly email: string }): Promise<Written<AccountView>>;
  getAccount(caller: Caller, accountId: string): Promise<AccountView>;

  listTokens(caller: Caller, accountId: string): Promise<readonly TokenView[]>;
  /** `expiresAt` may be in the past (the token is then already expired). */
  createToken(request: GolemRequest, accountId: string, expiresAt: Date): Promise<Written<UnsafeTokenView>>;
  getToken(caller: Caller, accountId: string, tokenId: string): Promise<TokenView>;
  deleteToken(request: GolemRequest, accountId: string, tokenId: string): Promise<Written<Record<string, never>>>;

  createProject(request: GolemRequest, input: { readonly name: string; readonly ownerAccountId: string; readonly description: string }): Promise<Written<ProjectView>>;
  /** Admin: every live project; others: owned ones plus those with a live grant to the caller. */
  listProjects(caller: Caller, projectName: string | undefined): Promise<readonly ProjectView[]>;
  getProject(caller: Caller, projectId: string): Promise<ProjectView>;
  deleteProject(request: GolemRequest, projectId: string): Promise<Written<Record<string, never>>>;
  /** The caller's effective actions, vocabulary order. */
  projectActions(caller: Caller, projectId: string): Promise<readonly ProjectAction[]>;

  listGrants(caller: Caller, projectId: string): Promise<readonly GrantView[]>;
  getGrant(caller: Caller, projectId: string, grantId: string): Promise<GrantView>;
  createGrant(request: GolemRequest, projectId: string, input: GrantInput): Promise<Written<GrantView>>;
  /** Unknown, deleted or foreign grants append nothing (`position` null) and still succeed. */
  deleteGrant(request: GolemRequest, projectId: string, grantId: string): Promise<Written<Record<string, never>>>;

  createPolicy(request: GolemRequest, input: { readonly name: string; readonly actions: readonly ProjectAction[] }): Promise<Written<PolicyView>>;
  getPolicy(caller: Caller, policyId: string): Promise<PolicyView>;

  /** Authentication step 3–4 of §1.2: the live token with this secret hash, or null. */
  tokenBySecretHash(secretSha256: string): Promise<AuthenticatedToken | null>;
}

/** Who is calling (§5.1). `isAdmin` ⇔ `accountId === 'admin'`. */
export interface Caller {
  readonly accountId: string;
  readonly isAdmin: boolean;
  /** The token that authenticated the request; undefined for the bootstrap token. */
  readonly tokenId?: string;
}

/** A caller plus the request's id, which becomes the events' correlation id. */
export interface GolemRequest {
  readonly caller: Caller;
  readonly requestId: string;
}

/** A command's answer and the global position of its last appended event (null: nothing appended). */
export interface Written<T> {
  readonly value: T;
  readonly position: number | null;
}

export interface AuthenticatedToken {
  readonly tokenId: string;
  readonly accountId: string;
  readonly expiresAt: Date;
}

/** Wire objects (§2.2), keys in the order Golem emits them. */
export interface AccountView {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly planId: string;
}

export interface TokenView {
  readonly id: string;
  readonly accountId: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

export interface UnsafeTokenView {
  readonly data: TokenView;
  readonly secret: { readonly value: string };
}

export interface ProjectView {
  readonly projectId: string;
  readonly projectData: {
    readonly name: string;
    readonly ownerAccountId: string;
    readonly description: string;
    readonly defaultEnvironmentId: 'default';
    readonly projectType: 'NonDefault';
  };
}

export interface PolicyView {
  readonly id: string;
  readonly name: string;
  readonly projectActions: { readonly actions: readonly ProjectAction[] };
}

export interface GrantView {
  readonly id: string;
  readonly data: { readonly granteeAccountId: string; readonly grantorProjectId: string; readonly projectPolicyId: string };
}

/** ProjectGrantDataRequest after syntax checks; absent optional fields are undefined. */
export interface GrantInput {
  readonly granteeAccountId?: string;
  readonly granteeEmail?: string;
  /** Lower-case canonical UUID. */
  readonly projectPolicyId?: string;
  /** Deduplicated, vocabulary order. */
  readonly projectActions: readonly ProjectAction[];
  readonly projectPolicyName?: string;
}

export type { CheckedAction };
export const GOLEM_APPLICATION = Symbol('GolemApplication');

import { ACCOUNT_DATA, CREATE_TOKEN_DTO, PROJECT_DATA_REQUEST, PROJECT_GRANT_DATA_REQUEST, PROJECT_POLICY_DATA } from './golem.dto';
import type { Fields } from './golem-validation';

/** The Golem dialect's base path: everything under it answers in Golem's shapes. */
export const GOLEM_BASE = '/v1';

export type GolemMethod = 'GET' | 'POST' | 'DELETE';

/** How a path parameter is checked (§1.1): ids are UUIDs, account ids 1–200 characters. */
export const PATH_PARAMS = {
  account_id: 'account',
  token_id: 'uuid',
  project_id: 'uuid',
  grant_id: 'uuid',
  project_policy_id: 'uuid',
} as const;

export type PathParamName = keyof typeof PATH_PARAMS;

/** The `:name` parameters of a route path, as a union. */
export type ParamsOf<P extends string> = P extends `${string}:${infer Name}/${infer Rest}` ? Name | ParamsOf<`/${Rest}`> : P extends `${string}:${infer Name}` ? Name : never;

export interface GolemRoute<P extends string = string, B extends Fields | null = Fields | null> {
  /** Golem's operationId. */
  readonly operation: string;
  readonly method: GolemMethod;
  /** Fastify syntax, `:name` for parameters. */
  readonly path: P;
  /** Only `GET /v1/projects` takes one (`project-name`). */
  readonly projectNameQuery: boolean;
  /** The body's schema; null for routes without a body. */
  readonly body: B;
}

function route<P extends string, B extends Fields | null = null>(
  operation: string,
  method: GolemMethod,
  path: P & (ParamsOf<P> extends PathParamName ? unknown : never),
  body: B = null as B,
  projectNameQuery = false,
): GolemRoute<P, B> {
  return { operation, method, path, body, projectNameQuery };
}

/** The 17 routes of golem-api.md §2.1; nothing else is served under /v1. */
export const GOLEM_ROUTES = {
  createAccount: route('create_account', 'POST', '/v1/accounts', ACCOUNT_DATA),
  getAccount: route('get_account', 'GET', '/v1/accounts/:account_id'),
  getTokens: route('get_tokens', 'GET', '/v1/accounts/:account_id/tokens'),
  createToken: route('create_token', 'POST', '/v1/accounts/:account_id/tokens', CREATE_TOKEN_DTO),
  getToken: route('get_token', 'GET', '/v1/accounts/:account_id/tokens/:token_id'),
  deleteToken: route('delete_token', 'DELETE', '/v1/accounts/:account_id/tokens/:token_id'),
  createProject: route('create_project', 'POST', '/v1/projects', PROJECT_DATA_REQUEST),
  getProjects: route('get_projects', 'GET', '/v1/projects', null, true),
  getProject: route('get_project', 'GET', '/v1/projects/:project_id'),
  deleteProject: route('delete_project', 'DELETE', '/v1/projects/:project_id'),
  getProjectActions: route('get_project_actions', 'GET', '/v1/projects/:project_id/actions'),
  getProjectGrants: route('get_project_grants', 'GET', '/v1/projects/:project_id/grants'),
  createProjectGrant: route('create_project_grant', 'POST', '/v1/projects/:project_id/grants', PROJECT_GRANT_DATA_REQUEST),
  getProjectGrant: route('get_project_grant', 'GET', '/v1/projects/:project_id/grants/:grant_id'),
  deleteProjectGrant: route('delete_project_grant', 'DELETE', '/v1/projects/:project_id/grants/:grant_id'),
  createProjectPolicy: route('create_project_policy', 'POST', '/v1/project-policies', PROJECT_POLICY_DATA),
  getProjectPolicy: route('get_project_policies', 'GET', '/v1/project-policies/:project_policy_id'),
};

const ALL_ROUTES: readonly GolemRoute[] = Object.values(GOLEM_ROUTES);

/** Allow header order. */
const METHOD_ORDER: readonly GolemMethod[] = ['GET', 'POST', 'DELETE'];

/** Grantline has no default project: this path is no route at all, not a `project_id` (§2.1). */
const NOT_SERVED = '/v1/projects/default';

export type RouteMatch =
  | { readonly kind: 'found'; readonly route: GolemRoute }
  | { readonly kind: 'method_not_allowed'; readonly allow: readonly GolemMethod[] }
  | { readonly kind: 'not_found' };

/** True for `/v1` and everything below it. */
export function isGolemPath(url: string): boolean {
  const path = pathOf(url);
  return path === GOLEM_BASE || path.startsWith(`${GOLEM_BASE}/`);
}

/**
 * Step 1 of the pipeline (§3.0): which route a request names. A path of no route is `not_found`;
 * a path served with other methods is `method_not_allowed`. Segments are compared percent-decoded,
 * and an empty segment never matches a parameter.
 */
export function matchGolemRoute(method: string, url: string): RouteMatch {
  const segments = pathOf(url).split('/').map(decodeSegment);
  if (segments.join('/') === NOT_SERVED || segments.slice(1).some((segment) => segment === '')) return { kind: 'not_found' };
  const onPath = ALL_ROUTES.filter((candidate) => pathMatches(candidate.path, segments));
  // Fastify answers HEAD with the GET route's handler.
  const wanted = method === 'HEAD' ? 'GET' : method;
  const found = onPath.find((candidate) => candidate.method === wanted);
  if (found !== undefined) return { kind: 'found', route: found };
  if (onPath.length === 0) return { kind: 'not_found' };
  return { kind: 'method_not_allowed', allow: METHOD_ORDER.filter((allowed) => onPath.some((candidate) => candidate.method === allowed)) };
}

/**
 * Step 1 for a request Fastify already routed to `route`'s handler, with its percent-decoded
 * parameters: the path is one of the route's unless a parameter is empty or it is
 * `/v1/projects/default` (the same rules as matchGolemRoute, without matching every route again).
 */
export function namesRoute(route: GolemRoute, params: Readonly<Record<string, string | undefined>>): boolean {
  let empty = false;
  const path = route.path.replace(/:([a-z_]+)/g, (_parameter, name: string) => {
    const value = params[name] ?? '';
    if (value === '') empty = true;
    return value;
  });
  return !empty && path !== NOT_SERVED;
}

function pathMatches(pattern: string, segments: readonly string[]): boolean {
  const parts = pattern.split('/');
  return parts.length === segments.length && parts.every((part, index) => part.startsWith(':') || part === segments[index]);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/**
 * Fastify's `rewriteUrl` for the Golem dialect, applied before routing; other paths pass unchanged.
 * - One trailing slash is ignored (§1.1): `/v1/projects/` is `/v1/projects`.
 * - A segment that does not percent-decode (`%zz`, bad UTF-8) has its `%` escaped, so that it
 *   reaches validation as literal text (`project_id: must be a UUID`) instead of Fastify's own
 *   400 "not a valid url component" in neither dialect's shape.
 */
export function golemRewriteUrl(url: string): string {
  // Every request passes here: the ZITADEL paths leave after one prefix test.
  if (!url.startsWith(GOLEM_BASE) || !isGolemPath(url)) return url;
  const query = url.indexOf('?');
  let path = query < 0 ? url : url.slice(0, query);
  const rest = query < 0 ? '' : url.slice(query);
  if (path.includes('%')) path = path.split('/').map(escapeUndecodable).join('/');
  if (path.endsWith('/')) path = path.slice(0, -1);
  return `${path}${rest}`;
}

function escapeUndecodable(segment: string): string {
  try {
    decodeURIComponent(segment);
    return segment;
  } catch {
    return segment.replace(/%/g, '%25');
  }
}

import { BODY_TOO_LARGE } from '../request-state';
import { GOLEM_BASE, type GolemRoute, PATH_PARAMS, type ParamsOf, type PathParamName, isGolemPath } from './golem-routes';
import { type Fields, type Shape, codePoints, isJsonObject, isUuid, readObject } from './golem-validation';

/** Largest request body of the dialect, in bytes (§1.3). */
export const GOLEM_MAX_BODY_BYTES = 65_536;

/** Longest account id and `project-name` (§1.1, §1.3). */
const MAX_ID_LENGTH = 200;

/**
 * Step 5 of the pipeline (§3.0), for routes that take a body: a present Content-Type other than
 * `application/json` (parameters allowed) is 415, then a body over 64 KiB is 413. `raw` is what the
 * app's raw body parser kept: the text, BODY_TOO_LARGE past 1 MiB, or undefined for no body.
 */
export function transportFailure(contentType: string | undefined, contentLength: string | undefined, raw: unknown): 415 | 413 | null {
  if (contentType !== undefined && mediaType(contentType) !== 'application/json') return 415;
  if (raw === BODY_TOO_LARGE) return 413;
  if (typeof raw === 'string') {
    // The declared length when there is one: the text was decoded from those bytes, and bytes that
    // were not UTF-8 would count differently after decoding.
    const size = contentLength !== undefined && /^\d+$/.test(contentLength) ? Number(contentLength) : Buffer.byteLength(raw, 'utf8');
    if (size > GOLEM_MAX_BODY_BYTES) return 413;
  }
  return null;
}

function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

/** Stands in on /v1 for a present Content-Type that is not JSON; step 5 answers it with 415. */
export const NOT_JSON_CONTENT_TYPE = 'application/x-grantline-not-json';

/**
 * Fastify's `onRequest` hook for the Golem dialect. Fastify answers 415 by itself, before any route
 * runs, for a Content-Type it cannot parse (empty, no `type/subtype`, a bad character): that came
 * before the credential check (§3.0 step 2) and even on routes that take no body. On /v1 every
 * present non-JSON Content-Type is therefore replaced by one Fastify accepts and step 5 still
 * refuses, so the pipeline decides when 415 is due. Other paths are left unchanged.
 */
export function neutraliseGolemContentType(request: { readonly url: string; readonly headers: Record<string, string | string[] | undefined> }): void {
  if (!request.url.startsWith(GOLEM_BASE) || !isGolemPath(request.url)) return;
  const contentType = request.headers['content-type'];
  if (typeof contentType === 'string' && mediaType(contentType) !== 'application/json') request.headers['content-type'] = NOT_JSON_CONTENT_TYPE;
}

/** A request as its route reads it: path parameters (ids lower-cased), query and body. */
export interface GolemInput<P extends string, B extends Fields | null> {
  readonly params: { readonly [K in ParamsOf<P>]: string };
  readonly projectName: string | undefined;
  readonly body: B extends Fields ? Shape<B> : undefined;
}

export type GolemRead<P extends string, B extends Fields | null> =
  | { readonly ok: true; readonly input: GolemInput<P, B> }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Step 6 of the pipeline (§3.0, §1.4): every syntax problem, path parameters first (in path
 * order), then the query, then the body. `params` are Fastify's, already percent-decoded.
 */
export function readGolemRequest<P extends string, B extends Fields | null>(
  route: GolemRoute<P, B>,
  params: Readonly<Record<string, string | undefined>>,
  query: Readonly<Record<string, unknown>>,
  raw: unknown,
): GolemRead<P, B> {
  const problems: string[] = [];
  const readParams: Record<string, string> = {};
  for (const name of paramNames(route.path)) {
    const value = readParam(name, params[name] ?? '', problems);
    if (value !== undefined) readParams[name] = value;
  }
  const projectName = route.projectNameQuery ? readProjectName(query['project-name'], problems) : undefined;
  let body: unknown = undefined;
  if (route.body !== null) {
    const json = parseBody(raw, problems);
    if (json !== undefined) body = readObject(json, route.body, '', problems);
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, input: { params: readParams, projectName, body } as GolemInput<P, B> };
}

function paramNames(path: string): PathParamName[] {
  return path
    .split('/')
    .filter((part) => part.startsWith(':'))
    .map((part) => part.slice(1) as PathParamName);
}

function readParam(name: PathParamName, value: string, problems: string[]): string | undefined {
  if (PATH_PARAMS[name] === 'uuid') {
    if (isUuid(value)) return value.toLowerCase();
    problems.push(`${name}: must be a UUID`);
    return undefined;
  }
  if (value === '') problems.push(`${name}: is required`);
  else if (codePoints(value, MAX_ID_LENGTH + 1) > MAX_ID_LENGTH) problems.push(`${name}: must be at most ${MAX_ID_LENGTH} characters`);
  else return value;
  return undefined;
}

/** A repeated parameter counts once, its last value (as a repeated JSON key does, §1.3). */
function readProjectName(value: unknown, problems: string[]): string | undefined {
  const last: unknown = Array.isArray(value) ? value[value.length - 1] : value;
  if (typeof last !== 'string') return undefined;
  if (codePoints(last, MAX_ID_LENGTH + 1) > MAX_ID_LENGTH) {
    problems.push(`project-name: must be at most ${MAX_ID_LENGTH} characters`);
    return undefined;
  }
  return last;
}

/** The body as a JSON object, or undefined after recording why it is not one. No body is a missing one. */
function parseBody(raw: unknown, problems: string[]): Record<string, unknown> | undefined {
  if (typeof raw !== 'string' || /^[ \t\r\n]*$/.test(raw)) {
    problems.push('body: is required');
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    problems.push('body: invalid JSON');
    return undefined;
  }
  if (parsed === null) problems.push('body: is required');
  else if (!isJsonObject(parsed)) problems.push('body: must be a JSON object');
  else return parsed;
  return undefined;
}

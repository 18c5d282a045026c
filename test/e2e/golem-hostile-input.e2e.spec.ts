/**
 * Hostile and malformed input against every write endpoint of the Golem REST dialect
 * (golem-api.md §1.1 paths, §1.2 authentication, §1.3 JSON and limits, §1.4 error bodies, §1.5
 * statuses, §1.6 freshness, §3.0 pipeline order, §5 authorization, §7.2/7.3/7.8 deviations):
 * operator objects in place of strings, prototype keys, over-long strings counted in code points,
 * wrong types, too many and unknown actions, non-canonical UUIDs, bad JSON, non-object bodies,
 * oversized bodies, wrong Content-Types and bad timestamps. Then routing (trailing slash, unknown
 * routes, 405 with Allow), case of UUIDs, cross-tenant isolation (R6) and the 503 of a read model
 * that cannot catch up.
 *
 * Every rejected request must answer its exact status and body, never 5xx, and append nothing:
 * the event store's head is compared before and after. Written from the contract alone.
 */
import { randomUUID } from 'node:crypto';
import {
  ADM,
  type Account,
  type Caller,
  FAR_FUTURE,
  type GolemAnswer,
  GolemClient,
  type Grant,
  type Policy,
  type Project,
  UUID_V7,
  VOCABULARY,
} from '../support/golem-client';
import { type TestApp, startTestApp } from '../support/app';

interface World {
  readonly A: Account;
  readonly B: Account;
  /** The outsider: no grant on P, owns QC. */
  readonly C: Account;
  readonly tA: string;
  readonly tB: string;
  readonly tC: string;
  readonly tokA: string;
  readonly tokB: string;
  readonly tokC: string;
  /** An expired token of A. */
  readonly tExpired: string;
  /** Owned by A. */
  readonly P: Project;
  readonly p: string;
  /** Owned by C. */
  readonly QC: Project;
  /** A grant on P to B with [ViewComponent]. */
  readonly G: Grant;
  /** A policy [ViewWorker]. */
  readonly X: Policy;
  /** Names nothing. */
  readonly Z: string;
  readonly adm: Caller;
  readonly a: Caller;
  readonly b: Caller;
  readonly c: Caller;
}

const errors = (...list: string[]) => ({ errors: list });
const error = (text: string) => ({ error: text });
const projectAccess = (id: string) => error(`Access to project \`${id}\` is not allowed`);
const projectAction = (action: string, id: string) => error(`Action \`${action}\` is not allowed on project \`${id}\``);
const accountAccess = (id: string) => error(`Access to account \`${id}\` is not allowed`);
const ADMIN_ONLY = error('Action is only allowed for [Admin]');
const TOO_LARGE = error('Request body too large: limit is 65536 bytes');
const UNSUPPORTED = error('Unsupported Content-Type: expected application/json');
const ROUTE_NOT_FOUND = error('Route not found');
const METHOD_NOT_ALLOWED = error('Method not allowed');
const NOT_CONSISTENT = error('Read models are catching up; retry the request');

const LIMIT = 65_536;
const EMOJI = '\u{1F600}'; // one code point, two UTF-16 units, four UTF-8 bytes
const E_ACUTE = '\u00E9'; // one code point, two UTF-8 bytes

/** Valid JSON of exactly `bytes` bytes: the object's JSON followed by spaces. */
function padded(json: string, bytes: number): string {
  const length = Buffer.byteLength(json, 'utf8');
  if (length > bytes) throw new Error('padding target too small');
  return json + ' '.repeat(bytes - length);
}

/** A 255-character e-mail address (one over the limit). */
const EMAIL_255 = `${'a'.repeat(243)}@example.com`;
const ACTIONS_101 = Array.from({ length: 101 }, (_, i) => VOCABULARY[i % VOCABULARY.length]);
const ACCOUNT_ID_201 = 'x'.repeat(201);

const accountsPath = () => '/v1/accounts';
const tokensPath = (w: World) => `/v1/accounts/${w.A.id}/tokens`;
const tokenPath = (w: World, tokenId: string) => `/v1/accounts/${w.A.id}/tokens/${tokenId}`;
const projectsPath = () => '/v1/projects';
const projectPath = (id: string) => `/v1/projects/${id}`;
const grantsPath = (projectId: string) => `/v1/projects/${projectId}/grants`;
const grantPath = (projectId: string, grantId: string) => `/v1/projects/${projectId}/grants/${grantId}`;
const policiesPath = () => '/v1/project-policies';

interface Case {
  readonly name: string;
  readonly method: 'POST' | 'DELETE';
  readonly path: (w: World) => string;
  /** Bearer token; default tA. `null`: no credential. */
  readonly token?: (w: World) => string | null;
  readonly body?: (w: World) => unknown;
  readonly raw?: (w: World) => string;
  readonly contentType?: string | null;
  readonly status: number;
  readonly expected: (w: World) => unknown;
}

const adm = () => ADM;
const project = (w: World) => ({ name: 'shop', ownerAccountId: w.A.id, description: 'Web shop' });
const grantBody = (w: World) => ({ granteeAccountId: w.B.id, projectActions: ['ViewComponent'] });
const policyBody = () => ({ name: 'p', projectActions: { actions: ['ViewComponent'] } });

const CASES: readonly Case[] = [
  // ---- POST /v1/accounts (AccountData) ---------------------------------------------------------
  { name: 'accounts: name {"$gt":""}', method: 'POST', path: accountsPath, token: adm, body: () => ({ name: { $gt: '' }, email: 'gt@example.com' }), status: 400, expected: () => errors('name: must be a string') },
  { name: 'accounts: email {"$ne":null}', method: 'POST', path: accountsPath, token: adm, body: () => ({ name: 'X', email: { $ne: null } }), status: 400, expected: () => errors('email: must be a string') },
  { name: 'accounts: a $where key', method: 'POST', path: accountsPath, token: adm, body: () => ({ name: 'X', email: 'where@example.com', $where: 'sleep(1000)' }), status: 400, expected: () => errors('$where: unknown field') },
  { name: 'accounts: a __proto__ key', method: 'POST', path: accountsPath, token: adm, raw: () => '{"name":"X","email":"proto@example.com","__proto__":{"isAdmin":true}}', status: 400, expected: () => errors('__proto__: unknown field') },
  { name: 'accounts: a constructor key', method: 'POST', path: accountsPath, token: adm, raw: () => '{"name":"X","email":"ctor@example.com","constructor":{"prototype":{"isAdmin":true}}}', status: 400, expected: () => errors('constructor: unknown field') },
  { name: 'accounts: a repeated key, the last one ({"$gt":""}) wins', method: 'POST', path: accountsPath, token: adm, raw: () => '{"name":"X","email":"dup@example.com","name":{"$gt":""}}', status: 400, expected: () => errors('name: must be a string') },
  { name: 'accounts: name of 201 ASCII characters', method: 'POST', path: accountsPath, token: adm, body: () => ({ name: 'a'.repeat(201), email: 'long@example.com' }), status: 400, expected: () => errors('name: must be at most 200 characters') },
  { name: 'accounts: name of 201 emoji (code points, not UTF-16 units)', method: 'POST', path: accountsPath, token: adm, body: () => ({ name: EMOJI.repeat(201), email: 'emoji@example.com' }), status: 400, expected: () => errors('name: must be at most 200 characters') },
  { name: 'accounts: a 255-character e-mail', method: 'POST', path: accountsPath, token: adm, body: () => ({ name: 'X', email: EMAIL_255 }), status: 400, expected: () => errors('email: must be at most 254 characters') },
  { name: 'accounts: e-mail without @', method: 'POST', path: accountsPath, token: adm, body: () => ({ name: 'X', email: 'not-an-email' }), status: 400, expected: () => errors('email: must be a valid email address') },
  { name: 'accounts: e-mail with whitespace', method: 'POST', path: accountsPath, token: adm, body: () => ({ name: 'X', email: 'a b@example.com' }), status: 400, expected: () => errors('email: must be a valid email address') },
  { name: 'accounts: e-mail with two @', method: 'POST', path: accountsPath, token: adm, body: () => ({ name: 'X', email: 'a@b@example.com' }), status: 400, expected: () => errors('email: must be a valid email address') },
  { name: 'accounts: e-mail with an empty local part', method: 'POST', path: accountsPath, token: adm, body: () => ({ name: 'X', email: '@example.com' }), status: 400, expected: () => errors('email: must be a valid email address') },
  { name: 'accounts: empty object', method: 'POST', path: accountsPath, token: adm, body: () => ({}), status: 400, expected: () => errors('name: is required', 'email: is required') },
  { name: 'accounts: null for both required fields', method: 'POST', path: accountsPath, token: adm, body: () => ({ name: null, email: null }), status: 400, expected: () => errors('name: is required', 'email: is required') },
  { name: 'accounts: a number and a boolean', method: 'POST', path: accountsPath, token: adm, body: () => ({ name: 42, email: true }), status: 400, expected: () => errors('name: must be a string', 'email: must be a string') },
  { name: 'accounts: an array and an object', method: 'POST', path: accountsPath, token: adm, body: () => ({ name: ['X'], email: { local: 'x' } }), status: 400, expected: () => errors('name: must be a string', 'email: must be a string') },
  { name: 'accounts: a JSON array body', method: 'POST', path: accountsPath, token: adm, raw: () => '[{"name":"X","email":"arr@example.com"}]', status: 400, expected: () => errors('body: must be a JSON object') },
  { name: 'accounts: a JSON string body', method: 'POST', path: accountsPath, token: adm, raw: () => '"X"', status: 400, expected: () => errors('body: must be a JSON object') },
  { name: 'accounts: a JSON number body', method: 'POST', path: accountsPath, token: adm, raw: () => '42', status: 400, expected: () => errors('body: must be a JSON object') },
  { name: 'accounts: a JSON null body', method: 'POST', path: accountsPath, token: adm, raw: () => 'null', status: 400, expected: () => errors('body: is required') },
  { name: 'accounts: a trailing comma', method: 'POST', path: accountsPath, token: adm, raw: () => '{"name":"X","email":"comma@example.com",}', status: 400, expected: () => errors('body: invalid JSON') },
  { name: 'accounts: text/plain Content-Type', method: 'POST', path: accountsPath, token: adm, body: () => ({ name: 'X', email: 'plain@example.com' }), contentType: 'text/plain', status: 415, expected: () => UNSUPPORTED },
  { name: 'accounts: a 65,537-byte body', method: 'POST', path: accountsPath, token: adm, raw: () => padded('{"name":"X","email":"big@example.com"}', LIMIT + 1), status: 413, expected: () => TOO_LARGE },
  { name: 'accounts: a 65,536-byte body is read (and validated)', method: 'POST', path: accountsPath, token: adm, raw: () => padded('{}', LIMIT), status: 400, expected: () => errors('name: is required', 'email: is required') },
  { name: 'accounts: a non-admin with a malformed body gets the syntax error first', method: 'POST', path: accountsPath, body: () => ({}), status: 400, expected: () => errors('name: is required', 'email: is required') },

  // ---- POST /v1/accounts/{account_id}/tokens (CreateTokenDTO) -----------------------------------
  { name: 'tokens: expiresAt not a date', method: 'POST', path: tokensPath, body: () => ({ expiresAt: 'not-a-date' }), status: 400, expected: () => errors('expiresAt: must be an RFC 3339 date-time') },
  { name: 'tokens: expiresAt month 13', method: 'POST', path: tokensPath, body: () => ({ expiresAt: '2100-13-01T00:00:00Z' }), status: 400, expected: () => errors('expiresAt: must be an RFC 3339 date-time') },
  { name: 'tokens: expiresAt a bare date', method: 'POST', path: tokensPath, body: () => ({ expiresAt: '2100-01-01' }), status: 400, expected: () => errors('expiresAt: must be an RFC 3339 date-time') },
  { name: 'tokens: expiresAt without an offset', method: 'POST', path: tokensPath, body: () => ({ expiresAt: '2100-01-01T00:00:00' }), status: 400, expected: () => errors('expiresAt: must be an RFC 3339 date-time') },
  { name: 'tokens: expiresAt empty', method: 'POST', path: tokensPath, body: () => ({ expiresAt: '' }), status: 400, expected: () => errors('expiresAt: must be an RFC 3339 date-time') },
  { name: 'tokens: expiresAt a number', method: 'POST', path: tokensPath, body: () => ({ expiresAt: 4102444800000 }), status: 400, expected: () => errors('expiresAt: must be a string') },
  { name: 'tokens: expiresAt {"$gt":""}', method: 'POST', path: tokensPath, body: () => ({ expiresAt: { $gt: '' } }), status: 400, expected: () => errors('expiresAt: must be a string') },
  { name: 'tokens: empty object', method: 'POST', path: tokensPath, body: () => ({}), status: 400, expected: () => errors('expiresAt: is required') },
  { name: 'tokens: expiresAt null', method: 'POST', path: tokensPath, body: () => ({ expiresAt: null }), status: 400, expected: () => errors('expiresAt: is required') },
  { name: 'tokens: a caller-chosen secret', method: 'POST', path: tokensPath, body: () => ({ expiresAt: FAR_FUTURE, secret: { value: randomUUID() } }), status: 400, expected: () => errors('secret: unknown field') },
  { name: 'tokens: a JSON array body', method: 'POST', path: tokensPath, raw: () => `[{"expiresAt":"${FAR_FUTURE}"}]`, status: 400, expected: () => errors('body: must be a JSON object') },
  { name: 'tokens: bad JSON', method: 'POST', path: tokensPath, raw: () => '{"expiresAt":', status: 400, expected: () => errors('body: invalid JSON') },
  { name: 'tokens: a 201-character account_id', method: 'POST', path: () => `/v1/accounts/${ACCOUNT_ID_201}/tokens`, body: () => ({ expiresAt: FAR_FUTURE }), status: 400, expected: () => errors('account_id: must be at most 200 characters') },
  { name: 'tokens: a 201-character account_id and a missing expiresAt, path first', method: 'POST', path: () => `/v1/accounts/${ACCOUNT_ID_201}/tokens`, body: () => ({}), status: 400, expected: () => errors('account_id: must be at most 200 characters', 'expiresAt: is required') },
  { name: 'tokens: account_id {"$gt":""} is just an unknown account', method: 'POST', path: () => `/v1/accounts/${encodeURIComponent('{"$gt":""}')}/tokens`, body: () => ({ expiresAt: FAR_FUTURE }), status: 401, expected: () => accountAccess('{"$gt":""}') },
  { name: 'tokens: account_id "nobody"', method: 'POST', path: () => '/v1/accounts/nobody/tokens', body: () => ({ expiresAt: FAR_FUTURE }), status: 401, expected: () => accountAccess('nobody') },
  { name: "tokens: another account's path", method: 'POST', path: tokensPath, token: (w) => w.tB, body: () => ({ expiresAt: FAR_FUTURE }), status: 401, expected: () => ADMIN_ONLY },
  { name: 'tokens: form-encoded Content-Type', method: 'POST', path: tokensPath, raw: () => `expiresAt=${FAR_FUTURE}`, contentType: 'application/x-www-form-urlencoded', status: 415, expected: () => UNSUPPORTED },
  { name: 'tokens: a 65,537-byte body', method: 'POST', path: tokensPath, raw: () => padded(`{"expiresAt":"${FAR_FUTURE}"}`, LIMIT + 1), status: 413, expected: () => TOO_LARGE },

  // ---- DELETE /v1/accounts/{account_id}/tokens/{token_id} ---------------------------------------
  { name: 'delete token: token_id "admin"', method: 'DELETE', path: (w) => tokenPath(w, 'admin'), status: 400, expected: () => errors('token_id: must be a UUID') },
  { name: 'delete token: token_id in braces', method: 'DELETE', path: (w) => tokenPath(w, `%7B${w.tokA}%7D`), status: 400, expected: () => errors('token_id: must be a UUID') },
  { name: 'delete token: token_id without dashes', method: 'DELETE', path: (w) => tokenPath(w, w.tokA.replace(/-/g, '')), status: 400, expected: () => errors('token_id: must be a UUID') },
  { name: 'delete token: token_id as a urn', method: 'DELETE', path: (w) => tokenPath(w, `urn:uuid:${w.tokA}`), status: 400, expected: () => errors('token_id: must be a UUID') },
  { name: 'delete token: token_id with a trailing character', method: 'DELETE', path: (w) => tokenPath(w, `${w.tokA}0`), status: 400, expected: () => errors('token_id: must be a UUID') },
  { name: 'delete token: token_id with a non-hex digit', method: 'DELETE', path: (w) => tokenPath(w, `g${w.tokA.slice(1)}`), status: 400, expected: () => errors('token_id: must be a UUID') },
  { name: 'delete token: token_id {"$ne":null}', method: 'DELETE', path: (w) => tokenPath(w, encodeURIComponent('{"$ne":null}')), status: 400, expected: () => errors('token_id: must be a UUID') },
  { name: 'delete token: token_id with a leading space', method: 'DELETE', path: (w) => tokenPath(w, `%20${w.tokA}`), status: 400, expected: () => errors('token_id: must be a UUID') },
  { name: 'delete token: both path parameters bad, in path order', method: 'DELETE', path: () => `/v1/accounts/${ACCOUNT_ID_201}/tokens/x`, status: 400, expected: () => errors('account_id: must be at most 200 characters', 'token_id: must be a UUID') },
  { name: "delete token: B's token under A's path", method: 'DELETE', path: (w) => tokenPath(w, w.tokB), status: 404, expected: (w) => error(`Unknown token: ${w.tokB}`) },
  { name: 'delete token: an unknown token id', method: 'DELETE', path: (w) => tokenPath(w, w.Z), status: 404, expected: (w) => error(`Unknown token: ${w.Z}`) },
  { name: "delete token: B deleting A's token", method: 'DELETE', path: (w) => tokenPath(w, w.tokA), token: (w) => w.tB, status: 401, expected: () => ADMIN_ONLY },

  // ---- POST /v1/projects (ProjectDataRequest) --------------------------------------------------
  { name: 'projects: empty object', method: 'POST', path: projectsPath, body: () => ({}), status: 400, expected: () => errors('name: is required', 'ownerAccountId: is required', 'description: is required') },
  { name: 'projects: ownerAccountId {"$gt":""}', method: 'POST', path: projectsPath, body: () => ({ name: 'x', ownerAccountId: { $gt: '' }, description: '' }), status: 400, expected: () => errors('ownerAccountId: must be a string') },
  { name: 'projects: name {"$where":"…"}', method: 'POST', path: projectsPath, body: (w) => ({ name: { $where: 'this.ownerAccountId == "admin"' }, ownerAccountId: w.A.id, description: '' }), status: 400, expected: () => errors('name: must be a string') },
  { name: 'projects: name of 201 characters', method: 'POST', path: projectsPath, body: (w) => ({ ...project(w), name: 'n'.repeat(201) }), status: 400, expected: () => errors('name: must be at most 200 characters') },
  { name: 'projects: description of 2001 two-byte characters', method: 'POST', path: projectsPath, body: (w) => ({ ...project(w), description: E_ACUTE.repeat(2001) }), status: 400, expected: () => errors('description: must be at most 2000 characters') },
  { name: 'projects: 201-emoji name and 2001-emoji description, schema order', method: 'POST', path: projectsPath, body: (w) => ({ description: EMOJI.repeat(2001), ownerAccountId: w.A.id, name: EMOJI.repeat(201) }), status: 400, expected: () => errors('name: must be at most 200 characters', 'description: must be at most 2000 characters') },
  { name: 'projects: ownerAccountId of 201 characters', method: 'POST', path: projectsPath, body: () => ({ name: 'x', ownerAccountId: ACCOUNT_ID_201, description: '' }), status: 400, expected: () => errors('ownerAccountId: must be at most 200 characters') },
  { name: 'projects: a projectType field', method: 'POST', path: projectsPath, body: (w) => ({ ...project(w), projectType: 'Default' }), status: 400, expected: () => errors('projectType: unknown field') },
  { name: 'projects: a caller-chosen projectId', method: 'POST', path: projectsPath, body: (w) => ({ ...project(w), projectId: randomUUID() }), status: 400, expected: () => errors('projectId: unknown field') },
  { name: 'projects: a boolean, a number and an array', method: 'POST', path: projectsPath, body: () => ({ name: true, ownerAccountId: 1, description: [] }), status: 400, expected: () => errors('name: must be a string', 'ownerAccountId: must be a string', 'description: must be a string') },
  { name: 'projects: description null', method: 'POST', path: projectsPath, body: (w) => ({ ...project(w), description: null }), status: 400, expected: () => errors('description: is required') },
  { name: 'projects: a __proto__ key', method: 'POST', path: projectsPath, raw: (w) => `{"name":"x","ownerAccountId":"${w.A.id}","description":"","__proto__":{"ownerAccountId":"admin"}}`, status: 400, expected: () => errors('__proto__: unknown field') },
  { name: 'projects: a JSON string body', method: 'POST', path: projectsPath, raw: () => '"shop"', status: 400, expected: () => errors('body: must be a JSON object') },
  { name: "projects: A creating for B", method: 'POST', path: projectsPath, body: (w) => ({ ...project(w), ownerAccountId: w.B.id }), status: 401, expected: () => ADMIN_ONLY },
  { name: 'projects: owner "admin" by a non-admin', method: 'POST', path: projectsPath, body: (w) => ({ ...project(w), ownerAccountId: 'admin' }), status: 401, expected: () => ADMIN_ONLY },
  { name: 'projects: text/plain Content-Type', method: 'POST', path: projectsPath, body: project, contentType: 'text/plain;charset=utf-8', status: 415, expected: () => UNSUPPORTED },
  { name: 'projects: a 65,537-byte body', method: 'POST', path: projectsPath, raw: (w) => padded(JSON.stringify(project(w)), LIMIT + 1), status: 413, expected: () => TOO_LARGE },

  // ---- DELETE /v1/projects/{project_id} ---------------------------------------------------------
  { name: 'delete project: project_id "admin"', method: 'DELETE', path: () => projectPath('admin'), status: 400, expected: () => errors('project_id: must be a UUID') },
  { name: 'delete project: project_id in braces', method: 'DELETE', path: (w) => projectPath(`%7B${w.p}%7D`), status: 400, expected: () => errors('project_id: must be a UUID') },
  { name: 'delete project: project_id without dashes', method: 'DELETE', path: (w) => projectPath(w.p.replace(/-/g, '')), status: 400, expected: () => errors('project_id: must be a UUID') },
  { name: 'delete project: project_id $where', method: 'DELETE', path: () => projectPath('%24where'), status: 400, expected: () => errors('project_id: must be a UUID') },
  { name: 'delete project: project_id with dashes misplaced', method: 'DELETE', path: (w) => projectPath(`${w.p.slice(0, 7)}-${w.p.slice(7, 8)}${w.p.slice(9)}`), status: 400, expected: () => errors('project_id: must be a UUID') },
  { name: 'delete project: the outsider on P', method: 'DELETE', path: (w) => projectPath(w.p), token: (w) => w.tC, status: 401, expected: (w) => projectAccess(w.p) },
  { name: 'delete project: an unknown project', method: 'DELETE', path: (w) => projectPath(w.Z), status: 401, expected: (w) => projectAccess(w.Z) },
  { name: 'delete project: a grantee without DeleteProject', method: 'DELETE', path: (w) => projectPath(w.p), token: (w) => w.tB, status: 401, expected: (w) => projectAction('DeleteProject', w.p) },

  // ---- POST /v1/projects/{project_id}/grants (ProjectGrantDataRequest) --------------------------
  { name: 'grants: 101 actions', method: 'POST', path: (w) => grantsPath(w.p), body: (w) => ({ granteeAccountId: w.B.id, projectActions: ACTIONS_101 }), status: 400, expected: () => errors('projectActions: must have at most 100 items') },
  { name: 'grants: ViewProject', method: 'POST', path: (w) => grantsPath(w.p), body: (w) => ({ granteeAccountId: w.B.id, projectActions: ['ViewProject'] }), status: 400, expected: () => errors('projectActions[0]: unknown action `ViewProject`') },
  { name: 'grants: BatchUpdatePluginInstallations', method: 'POST', path: (w) => grantsPath(w.p), body: (w) => ({ granteeAccountId: w.B.id, projectActions: ['ViewComponent', 'BatchUpdatePluginInstallations'] }), status: 400, expected: () => errors('projectActions[1]: unknown action `BatchUpdatePluginInstallations`') },
  { name: 'grants: wrong case viewcomponent', method: 'POST', path: (w) => grantsPath(w.p), body: (w) => ({ granteeAccountId: w.B.id, projectActions: ['viewcomponent'] }), status: 400, expected: () => errors('projectActions[0]: unknown action `viewcomponent`') },
  { name: 'grants: two unknown actions, in array order', method: 'POST', path: (w) => grantsPath(w.p), body: (w) => ({ granteeAccountId: w.B.id, projectActions: ['ViewComponent', 'Foo', 'Bar'] }), status: 400, expected: () => errors('projectActions[1]: unknown action `Foo`', 'projectActions[2]: unknown action `Bar`') },
  { name: 'grants: projectActions a string', method: 'POST', path: (w) => grantsPath(w.p), body: (w) => ({ granteeAccountId: w.B.id, projectActions: 'ViewComponent' }), status: 400, expected: () => errors('projectActions: must be an array') },
  { name: 'grants: an action that is a number', method: 'POST', path: (w) => grantsPath(w.p), body: (w) => ({ granteeAccountId: w.B.id, projectActions: [1] }), status: 400, expected: () => errors('projectActions[0]: must be a string') },
  { name: 'grants: an action {"$gt":""}', method: 'POST', path: (w) => grantsPath(w.p), body: (w) => ({ granteeAccountId: w.B.id, projectActions: [{ $gt: '' }] }), status: 400, expected: () => errors('projectActions[0]: must be a string') },
  { name: 'grants: projectActions null', method: 'POST', path: (w) => grantsPath(w.p), body: (w) => ({ granteeAccountId: w.B.id, projectActions: null }), status: 400, expected: () => errors('projectActions: is required') },
  { name: 'grants: projectPolicyId "admin"', method: 'POST', path: (w) => grantsPath(w.p), body: (w) => ({ granteeAccountId: w.B.id, projectPolicyId: 'admin', projectActions: [] }), status: 400, expected: () => errors('projectPolicyId: must be a UUID') },
  { name: 'grants: projectPolicyId in braces', method: 'POST', path: (w) => grantsPath(w.p), body: (w) => ({ granteeAccountId: w.B.id, projectPolicyId: `{${w.X.id}}`, projectActions: [] }), status: 400, expected: () => errors('projectPolicyId: must be a UUID') },
  { name: 'grants: projectPolicyId {"$ne":null}', method: 'POST', path: (w) => grantsPath(w.p), body: (w) => ({ granteeAccountId: w.B.id, projectPolicyId: { $ne: null }, projectActions: [] }), status: 400, expected: () => errors('projectPolicyId: must be a string') },
  { name: 'grants: granteeAccountId {"$where":"…"}', method: 'POST', path: (w) => grantsPath(w.p), body: () => ({ granteeAccountId: { $where: 'sleep(100)' }, projectActions: [] }), status: 400, expected: () => errors('granteeAccountId: must be a string') },
  { name: 'grants: granteeAccountId of 201 characters', method: 'POST', path: (w) => grantsPath(w.p), body: () => ({ granteeAccountId: ACCOUNT_ID_201, projectActions: [] }), status: 400, expected: () => errors('granteeAccountId: must be at most 200 characters') },
  { name: 'grants: granteeEmail of 255 characters', method: 'POST', path: (w) => grantsPath(w.p), body: () => ({ granteeEmail: EMAIL_255, projectActions: [] }), status: 400, expected: () => errors('granteeEmail: must be at most 254 characters') },
  { name: 'grants: projectPolicyName of 201 emoji', method: 'POST', path: (w) => grantsPath(w.p), body: (w) => ({ granteeAccountId: w.B.id, projectActions: [], projectPolicyName: EMOJI.repeat(201) }), status: 400, expected: () => errors('projectPolicyName: must be at most 200 characters') },
  { name: 'grants: every field of the wrong type, schema order', method: 'POST', path: (w) => grantsPath(w.p), body: () => ({ projectPolicyName: 5, projectActions: 4, projectPolicyId: 3, granteeEmail: 2, granteeAccountId: 1 }), status: 400, expected: () => errors('granteeAccountId: must be a string', 'granteeEmail: must be a string', 'projectPolicyId: must be a string', 'projectActions: must be an array', 'projectPolicyName: must be a string') },
  { name: 'grants: the typo projectPolicyID', method: 'POST', path: (w) => grantsPath(w.p), body: (w) => ({ granteeAccountId: w.B.id, projectActions: [], projectPolicyID: w.X.id }), status: 400, expected: () => errors('projectPolicyID: unknown field') },
  { name: 'grants: a __proto__ key', method: 'POST', path: (w) => grantsPath(w.p), raw: (w) => `{"granteeAccountId":"${w.B.id}","projectActions":[],"__proto__":{"projectActions":["DeleteProject"]}}`, status: 400, expected: () => errors('__proto__: unknown field') },
  { name: 'grants: bad project_id and missing projectActions, path first', method: 'POST', path: () => grantsPath('admin'), body: () => ({}), status: 400, expected: () => errors('project_id: must be a UUID', 'projectActions: is required') },
  { name: 'grants: a 3000-deep nested array as an action', method: 'POST', path: (w) => grantsPath(w.p), raw: (w) => `{"granteeAccountId":"${w.B.id}","projectActions":[${'['.repeat(3000)}${']'.repeat(3000)}]}`, status: 400, expected: () => errors('projectActions[0]: must be a string') },
  { name: 'grants: a 5000-character project_id', method: 'POST', path: () => grantsPath('0'.repeat(5000)), body: grantBody, status: 400, expected: () => errors('project_id: must be a UUID') },
  { name: 'grants: a JSON array body', method: 'POST', path: (w) => grantsPath(w.p), raw: () => '[]', status: 400, expected: () => errors('body: must be a JSON object') },
  { name: 'grants: an empty body', method: 'POST', path: (w) => grantsPath(w.p), raw: () => '', status: 400, expected: () => errors('body: is required') },
  { name: 'grants: the outsider with a valid body', method: 'POST', path: (w) => grantsPath(w.p), token: (w) => w.tC, body: grantBody, status: 401, expected: (w) => projectAccess(w.p) },
  { name: 'grants: the outsider with a malformed body gets the syntax error', method: 'POST', path: (w) => grantsPath(w.p), token: (w) => w.tC, body: () => ({ projectActions: ['Foo'] }), status: 400, expected: () => errors('projectActions[0]: unknown action `Foo`') },
  { name: 'grants: text/html Content-Type', method: 'POST', path: (w) => grantsPath(w.p), body: grantBody, contentType: 'text/html', status: 415, expected: () => UNSUPPORTED },
  { name: 'grants: a 65,537-byte body', method: 'POST', path: (w) => grantsPath(w.p), raw: (w) => padded(JSON.stringify(grantBody(w)), LIMIT + 1), status: 413, expected: () => TOO_LARGE },

  // ---- DELETE /v1/projects/{project_id}/grants/{grant_id} ---------------------------------------
  { name: 'delete grant: grant_id "admin"', method: 'DELETE', path: (w) => grantPath(w.p, 'admin'), status: 400, expected: () => errors('grant_id: must be a UUID') },
  { name: 'delete grant: grant_id without dashes', method: 'DELETE', path: (w) => grantPath(w.p, w.G.id.replace(/-/g, '')), status: 400, expected: () => errors('grant_id: must be a UUID') },
  { name: 'delete grant: grant_id in braces', method: 'DELETE', path: (w) => grantPath(w.p, `%7B${w.G.id}%7D`), status: 400, expected: () => errors('grant_id: must be a UUID') },
  { name: 'delete grant: both ids bad, in path order', method: 'DELETE', path: () => grantPath('x', '%7B%22%24gt%22%3A%22%22%7D'), status: 400, expected: () => errors('project_id: must be a UUID', 'grant_id: must be a UUID') },
  { name: 'delete grant: the outsider', method: 'DELETE', path: (w) => grantPath(w.p, w.G.id), token: (w) => w.tC, status: 401, expected: (w) => projectAccess(w.p) },
  { name: 'delete grant: a grantee without DeleteProjectGrants', method: 'DELETE', path: (w) => grantPath(w.p, w.G.id), token: (w) => w.tB, status: 401, expected: (w) => projectAction('DeleteProjectGrants', w.p) },
  { name: 'delete grant: an unknown project', method: 'DELETE', path: (w) => grantPath(w.Z, w.G.id), status: 401, expected: (w) => projectAccess(w.Z) },

  // ---- POST /v1/project-policies (ProjectPolicyData) ----------------------------------------------
  { name: 'policies: projectActions an array', method: 'POST', path: policiesPath, body: () => ({ name: 'p', projectActions: ['ViewComponent'] }), status: 400, expected: () => errors('projectActions: must be an object') },
  { name: 'policies: projectActions {}', method: 'POST', path: policiesPath, body: () => ({ name: 'p', projectActions: {} }), status: 400, expected: () => errors('projectActions.actions: is required') },
  { name: 'policies: actions a string', method: 'POST', path: policiesPath, body: () => ({ name: 'p', projectActions: { actions: 'ViewComponent' } }), status: 400, expected: () => errors('projectActions.actions: must be an array') },
  { name: 'policies: a nested $gt key', method: 'POST', path: policiesPath, body: () => ({ name: 'p', projectActions: { actions: [], $gt: '' } }), status: 400, expected: () => errors('projectActions.$gt: unknown field') },
  { name: 'policies: name missing', method: 'POST', path: policiesPath, body: () => ({ projectActions: { actions: [] } }), status: 400, expected: () => errors('name: is required') },
  { name: 'policies: name null', method: 'POST', path: policiesPath, body: () => ({ name: null, projectActions: { actions: [] } }), status: 400, expected: () => errors('name: is required') },
  { name: 'policies: name {"$gt":""}', method: 'POST', path: policiesPath, body: () => ({ name: { $gt: '' }, projectActions: { actions: [] } }), status: 400, expected: () => errors('name: must be a string') },
  { name: 'policies: 101 actions', method: 'POST', path: policiesPath, body: () => ({ name: 'p', projectActions: { actions: ACTIONS_101 } }), status: 400, expected: () => errors('projectActions.actions: must have at most 100 items') },
  { name: 'policies: a caller-chosen id', method: 'POST', path: policiesPath, body: () => ({ id: randomUUID(), ...policyBody() }), status: 400, expected: () => errors('id: unknown field') },
  { name: 'policies: an action {"$gt":""}', method: 'POST', path: policiesPath, body: () => ({ name: 'p', projectActions: { actions: [{ $gt: '' }] } }), status: 400, expected: () => errors('projectActions.actions[0]: must be a string') },
  { name: 'policies: projectActions null', method: 'POST', path: policiesPath, body: () => ({ name: 'p', projectActions: null }), status: 400, expected: () => errors('projectActions: is required') },
  { name: 'policies: empty object', method: 'POST', path: policiesPath, body: () => ({}), status: 400, expected: () => errors('name: is required', 'projectActions: is required') },
  { name: 'policies: ViewProject', method: 'POST', path: policiesPath, body: () => ({ name: 'p', projectActions: { actions: ['ViewComponent', 'ViewProject'] } }), status: 400, expected: () => errors('projectActions.actions[1]: unknown action `ViewProject`') },
  { name: 'policies: a 201-emoji name', method: 'POST', path: policiesPath, body: () => ({ name: EMOJI.repeat(201), projectActions: { actions: [] } }), status: 400, expected: () => errors('name: must be at most 200 characters') },
  { name: 'policies: a constructor key', method: 'POST', path: policiesPath, raw: () => '{"name":"p","projectActions":{"actions":[]},"constructor":{"name":"x"}}', status: 400, expected: () => errors('constructor: unknown field') },
  { name: 'policies: a JSON number body', method: 'POST', path: policiesPath, raw: () => '42', status: 400, expected: () => errors('body: must be a JSON object') },
  { name: 'policies: bad JSON', method: 'POST', path: policiesPath, raw: () => "{'name':'p'}", status: 400, expected: () => errors('body: invalid JSON') },
  { name: 'policies: application/xml Content-Type', method: 'POST', path: policiesPath, raw: () => '<policy/>', contentType: 'application/xml', status: 415, expected: () => UNSUPPORTED },
  { name: 'policies: a 65,537-byte body of multi-byte characters', method: 'POST', path: policiesPath, raw: () => padded(`{"name":"${E_ACUTE.repeat(32_000)}","projectActions":{"actions":[]}}`, LIMIT + 1), status: 413, expected: () => TOO_LARGE },
];

describe('Golem dialect: hostile input on every write endpoint', () => {
  let service: TestApp;
  let g: GolemClient;
  let w: World;

  beforeAll(async () => {
    service = await startTestApp();
    g = new GolemClient(service);
    w = await world(g);
  });
  afterAll(async () => service.close());

  it('has at least 50 hostile cases and covers every write endpoint', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(50);
    const prefixes = new Set(CASES.map((c) => c.name.split(':')[0]));
    expect([...prefixes].sort()).toEqual(['accounts', 'delete grant', 'delete project', 'delete token', 'grants', 'policies', 'projects', 'tokens']);
    // The multi-byte oversized body really is 65,537 bytes.
    const multibyte = CASES.find((c) => c.name.startsWith('policies: a 65,537-byte'));
    expect(Buffer.byteLength(multibyte!.raw!(w), 'utf8')).toBe(LIMIT + 1);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const token = c.token === undefined ? w.tA : c.token(w);
    const answer = await rejected(g, () =>
      g.request(c.method, c.path(w), {
        ...(token !== null ? { token } : {}),
        ...(c.raw !== undefined ? { raw: c.raw(w) } : {}),
        ...(c.body !== undefined ? { body: c.body(w) } : {}),
        ...(c.contentType !== undefined ? { contentType: c.contentType } : {}),
      }),
    );
    expectAnswer(answer, c.status, c.expected(w));
  });

  describe('the pipeline order of §3.0', () => {
    it('no credential beats an oversized body and a wrong Content-Type (401 Missing)', async () => {
      const big = await rejected(g, () => g.request('POST', '/v1/accounts', { raw: padded('{}', LIMIT + 1) }));
      expectAnswer(big, 401, error('Invalid Token: Missing auth token.'));
      const plain = await rejected(g, () => g.request('POST', '/v1/project-policies', { body: policyBody(), contentType: 'text/plain' }));
      expectAnswer(plain, 401, error('Invalid Token: Missing auth token.'));
    });

    it('an unknown or expired token beats the body transport checks', async () => {
      const unknown = await rejected(g, () => g.request('POST', grantsPath(w.p), { token: randomUUID(), body: grantBody(w), contentType: 'text/plain' }));
      expectAnswer(unknown, 401, error('Invalid Token: Unknown token secret.'));
      const expired = await rejected(g, () => g.request('POST', '/v1/project-policies', { token: w.tExpired, raw: padded('{}', LIMIT + 1) }));
      expectAnswer(expired, 401, error('Invalid Token: Expired auth token.'));
    });

    it('a Content-Type Fastify cannot parse (empty, no type/subtype) still waits for the credential, and is ignored on routes without a body', async () => {
      for (const contentType of ['', 'json']) {
        const anonymous = await rejected(g, () => g.request('POST', '/v1/project-policies', { body: policyBody(), contentType }));
        expectAnswer(anonymous, 401, error('Invalid Token: Missing auth token.'));
        const unknown = await rejected(g, () => g.request('POST', '/v1/project-policies', { token: randomUUID(), body: policyBody(), contentType }));
        expectAnswer(unknown, 401, error('Invalid Token: Unknown token secret.'));
        expectAnswer(await rejected(g, () => w.a.call('POST', '/v1/project-policies', { body: policyBody(), contentType })), 415, UNSUPPORTED);
        // DELETE takes no body (step 5 does not apply): the same as a text/plain body there.
        const noBody = await rejected(g, () => w.a.call('DELETE', `${grantsPath(w.p)}/${randomUUID()}`, { raw: 'x', contentType }));
        expectAnswer(noBody, 200, {});
      }
    });

    it('415 and 413 come before syntax validation of the path', async () => {
      expectAnswer(await rejected(g, () => w.a.call('POST', grantsPath('admin'), { body: {}, contentType: 'text/plain' })), 415, UNSUPPORTED);
      expectAnswer(await rejected(g, () => w.a.call('POST', grantsPath('admin'), { raw: padded('{}', LIMIT + 1) })), 413, TOO_LARGE);
    });

    it('a present Authorization header is authoritative even with a valid cookie (401 Malformed)', async () => {
      const answer = await rejected(g, () =>
        g.request('POST', '/v1/project-policies', { cookie: w.tA, body: policyBody(), headers: { authorization: 'Basic dXNlcjpwYXNz' } }),
      );
      expectAnswer(answer, 401, error('Invalid Token: Malformed auth token.'));
    });

    it('other schemes, an empty bearer and an empty cookie are malformed', async () => {
      for (const authorization of [`Token ${w.tA}`, 'Bearer', 'Bearer ', `Basic ${w.tA}`, `Bearer ${w.tA} extra`]) {
        const answer = await rejected(g, () => g.request('POST', '/v1/project-policies', { body: policyBody(), headers: { authorization } }));
        expectAnswer(answer, 401, error('Invalid Token: Malformed auth token.'));
      }
      expectAnswer(await rejected(g, () => g.request('POST', '/v1/project-policies', { cookie: '', body: policyBody() })), 401, error('Invalid Token: Malformed auth token.'));
    });

    it('a cookie that is not a UUID is malformed; an operator object in the header is malformed', async () => {
      expectAnswer(await rejected(g, () => g.request('POST', '/v1/project-policies', { cookie: '{"$ne":null}', body: policyBody() })), 401, error('Invalid Token: Malformed auth token.'));
      expectAnswer(await rejected(g, () => g.request('POST', '/v1/project-policies', { token: '{"$ne":null}', body: policyBody() })), 401, error('Invalid Token: Malformed auth token.'));
      expectAnswer(await rejected(g, () => g.request('POST', '/v1/project-policies', { token: `{${w.tA}}`, body: policyBody() })), 401, error('Invalid Token: Malformed auth token.'));
    });
  });

  describe('accepted edge cases (they write)', () => {
    it('the bearer scheme is case-insensitive, spaces may repeat, secrets are parsed case-insensitively', async () => {
      expect((await g.request('GET', '/v1/projects', { headers: { authorization: `bearer   ${w.tA}` } })).status).toBe(200);
      expect((await g.request('GET', '/v1/projects', { token: w.tA.toUpperCase() })).status).toBe(200);
    });

    it('a body without Content-Type is parsed as JSON; application/json with parameters is accepted', async () => {
      const bare = await w.a.call('POST', '/v1/project-policies', { body: policyBody(), contentType: null });
      expectAnswer(bare, 200, { id: expect.stringMatching(UUID_V7), name: 'p', projectActions: { actions: ['ViewComponent'] } });
      const withCharset = await w.a.call('POST', '/v1/project-policies', { body: policyBody(), contentType: 'application/json; charset=utf-8' });
      expectAnswer(withCharset, 200, { id: expect.stringMatching(UUID_V7), name: 'p', projectActions: { actions: ['ViewComponent'] } });
    });

    it('limits count code points: 200-emoji names, a 2000-emoji description and a 254-character e-mail are accepted', async () => {
      const account = await w.adm.post('/v1/accounts', { name: EMOJI.repeat(200), email: `${'b'.repeat(242)}@example.com` });
      expectAnswer(account, 200, { id: expect.stringMatching(UUID_V7), name: EMOJI.repeat(200), email: `${'b'.repeat(242)}@example.com`, planId: '00000000-0000-0000-0000-000000000000' });
      const created = await w.a.post('/v1/projects', { name: EMOJI.repeat(200), ownerAccountId: w.A.id, description: EMOJI.repeat(2000) });
      expect(created.status).toBe(200);
      expect(created.body.projectData).toMatchObject({ name: EMOJI.repeat(200), description: EMOJI.repeat(2000) });
      const policy = await w.a.post('/v1/project-policies', { name: EMOJI.repeat(200), projectActions: { actions: [] } });
      expectAnswer(policy, 200, { id: expect.stringMatching(UUID_V7), name: EMOJI.repeat(200), projectActions: { actions: [] } });
    });

    it('100 actions are accepted and collapse to the set in vocabulary order; null optionals mean absent', async () => {
      const hundred = ACTIONS_101.slice(0, 100).reverse();
      const answer = await w.a.post(grantsPath(w.p), {
        granteeAccountId: w.B.id,
        granteeEmail: null,
        projectPolicyId: null,
        projectActions: hundred,
        projectPolicyName: null,
      });
      expect(answer.status).toBe(200);
      const policy = await w.a.get(`/v1/project-policies/${answer.body.data.projectPolicyId}`);
      expectAnswer(policy, 200, { id: answer.body.data.projectPolicyId, name: '', projectActions: { actions: [...VOCABULARY] } });
      expectAnswer(await w.a.delete(grantPath(w.p, answer.body.id)), 200, {});
    });

    it('the bootstrap token also works as a GOLEM_SESSION cookie; tokens issued to admin carry the Admin role and lists never show the bootstrap token', async () => {
      expect((await g.request('GET', '/v1/accounts/admin', { cookie: ADM })).status).toBe(200);
      const issued = await w.adm.post('/v1/accounts/admin/tokens', { expiresAt: FAR_FUTURE });
      expect(issued.status).toBe(200);
      expect(issued.body.data.accountId).toBe('admin');
      const admin2 = g.as(issued.body.secret.value);
      const account = await admin2.post('/v1/accounts', { name: 'By admin token', email: 'by-admin-token@example.com' });
      expect(account.status).toBe(200);
      expectAnswer(await admin2.get(`/v1/projects/${w.p}/actions`), 200, [...VOCABULARY]);
      const list = await w.adm.get('/v1/accounts/admin/tokens');
      expectAnswer(list, 200, [issued.body.data]);
      expect(list.text).not.toContain(ADM);
    });

    it('GOLEM_SESSION is found among other cookies; path segments are percent-decoded before validation', async () => {
      const answer = await g.request('GET', '/v1/projects', { headers: { cookie: `theme=dark; GOLEM_SESSION=${w.tA}; lang=en` } });
      expect(answer.status).toBe(200);
      const encoded = w.p.split('').map((ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`).join('');
      expectAnswer(await w.a.get(`/v1/projects/${encoded}`), 200, w.P);
    });

    it('concurrent creates with one e-mail: exactly one account, the others 409', async () => {
      const answers = await Promise.all(
        Array.from({ length: 5 }, (_, i) => w.adm.post('/v1/accounts', { name: `Racer ${i}`, email: 'racer@example.com' })),
      );
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409, 409, 409, 409]);
      for (const answer of answers.filter((one) => one.status === 409)) {
        expect(answer.body).toEqual(error('Account with email `racer@example.com` already exists'));
      }
    });

    it('expiresAt with an offset and sub-millisecond digits is stored as UTC, truncated to milliseconds', async () => {
      const answer = await w.a.post(tokensPath(w), { expiresAt: '2100-01-01T02:00:00.123987+02:00' });
      expect(answer.status).toBe(200);
      expect(answer.body.data.expiresAt).toBe('2100-01-01T00:00:00.123Z');
      expectAnswer(await w.a.delete(tokenPath(w, answer.body.data.id)), 200, {});
    });
  });

  describe('routing', () => {
    it('one trailing slash is ignored', async () => {
      const plain = await w.a.get('/v1/projects');
      const slashed = await w.a.get('/v1/projects/');
      expect(plain.status).toBe(200);
      expectAnswer(slashed, 200, plain.body);
      expectAnswer(await w.a.get(`/v1/projects/${w.p}/`), 200, w.P);
      expectAnswer(await w.a.get(`/v1/projects/${w.p}/grants/`), 200, (await w.a.get(grantsPath(w.p))).body);
      const created = await w.a.post('/v1/project-policies/', { name: 'slash', projectActions: { actions: [] } });
      expectAnswer(created, 200, { id: expect.stringMatching(UUID_V7), name: 'slash', projectActions: { actions: [] } });
      expectAnswer(await rejected(g, () => w.a.post('/v1/project-policies/', {})), 400, errors('name: is required', 'projectActions: is required'));
    });

    it('/v1/projects/default is a route of its own that is not served: 404 Route not found', async () => {
      expectAnswer(await rejected(g, () => w.a.get('/v1/projects/default')), 404, ROUTE_NOT_FOUND);
      expectAnswer(await rejected(g, () => w.adm.get('/v1/projects/default')), 404, ROUTE_NOT_FOUND);
    });

    it.each([
      ['an unknown path under /v1', '/v1/nothing'],
      ['/v1 itself', '/v1'],
      ['plans (not served)', '/v1/plans'],
      ['login (not served)', '/v1/login/token'],
      ['an extra segment after /actions', '/v1/projects/{P}/actions/extra'],
      ['an unknown sub-resource of a project', '/v1/projects/{P}/members'],
      ['an extra segment after a token', '/v1/accounts/{A}/tokens/{Z}/secret'],
      ['an account sub-resource that Golem has but Grantline does not serve', '/v1/accounts/{A}/plan'],
    ])('%s → 404 {"error":"Route not found"}, with or without a credential', async (_name, template) => {
      const path = template.replace('{P}', w.p).replace('{A}', w.A.id).replace('{Z}', w.Z);
      expectAnswer(await rejected(g, () => w.a.get(path)), 404, ROUTE_NOT_FOUND);
      expectAnswer(await rejected(g, () => g.request('POST', path, { body: {} })), 404, ROUTE_NOT_FOUND);
    });

    it.each([
      ['GET', '/v1/accounts', ['POST']],
      ['DELETE', '/v1/accounts', ['POST']],
      ['PUT', '/v1/accounts/{A}', ['GET']],
      ['DELETE', '/v1/accounts/{A}', ['GET']],
      ['PATCH', '/v1/accounts/{A}/tokens', ['GET', 'POST']],
      ['POST', '/v1/accounts/{A}/tokens/{Z}', ['GET', 'DELETE']],
      ['PUT', '/v1/projects', ['GET', 'POST']],
      ['PUT', '/v1/projects/{P}', ['GET', 'DELETE']],
      ['POST', '/v1/projects/{P}/actions', ['GET']],
      ['DELETE', '/v1/projects/{P}/grants', ['GET', 'POST']],
      ['PUT', '/v1/projects/{P}/grants/{G}', ['GET', 'DELETE']],
      ['PATCH', '/v1/projects/{P}/grants/{G}', ['GET', 'DELETE']],
      ['GET', '/v1/project-policies', ['POST']],
      ['PUT', '/v1/project-policies/{X}', ['GET']],
      ['PATCH', '/v1/project-policies/{X}', ['GET']],
      ['DELETE', '/v1/project-policies/{X}', ['GET']],
    ] as const)('%s %s → 405 Method not allowed with Allow, with or without a credential', async (method, template, allowed) => {
      const path = template.replace('{P}', w.p).replace('{A}', w.A.id).replace('{Z}', w.Z).replace('{G}', w.G.id).replace('{X}', w.X.id);
      for (const token of [ADM, null]) {
        const answer = await rejected(g, () =>
          g.request(method, path, { ...(token !== null ? { token } : {}), ...(method === 'GET' ? {} : { body: { name: 'x' } }) }),
        );
        expectAnswer(answer, 405, METHOD_NOT_ALLOWED);
        const allow = (answer.headers.get('allow') ?? '').split(',').map((part) => part.trim().toUpperCase());
        expect(allow).toEqual(expect.arrayContaining([...allowed]));
        expect(allow).not.toContain(method);
      }
      // The policy and the grant are untouched.
      expectAnswer(await w.a.get(`/v1/project-policies/${w.X.id}`), 200, w.X);
      expectAnswer(await w.a.get(grantPath(w.p, w.G.id)), 200, w.G);
    });

    it('project-name longer than 200 characters → 400 naming the query parameter', async () => {
      expectAnswer(await rejected(g, () => w.a.get(`/v1/projects?project-name=${'n'.repeat(201)}`)), 400, errors('project-name: must be at most 200 characters'));
      expectAnswer(await w.a.get(`/v1/projects?project-name=${encodeURIComponent('{"$ne":null}')}`), 200, []);
    });
  });

  describe('UUID case: upper case accepted, ids echoed in lower case', () => {
    it('path ids in upper case read the same objects', async () => {
      expectAnswer(await w.a.get(`/v1/projects/${w.p.toUpperCase()}`), 200, w.P);
      expectAnswer(await w.a.get(grantPath(w.p.toUpperCase(), w.G.id.toUpperCase())), 200, w.G);
      expectAnswer(await w.a.get(`/v1/project-policies/${w.X.id.toUpperCase()}`), 200, w.X);
      const token = await w.a.get(tokenPath(w, w.tokA.toUpperCase()));
      expect(token.status).toBe(200);
      expect(token.body.id).toBe(w.tokA);
    });

    it('error messages show path ids in lower case', async () => {
      expectAnswer(await rejected(g, () => w.c.get(`/v1/projects/${w.p.toUpperCase()}`)), 401, projectAccess(w.p));
      expectAnswer(await rejected(g, () => w.c.delete(projectPath(w.p.toUpperCase()))), 401, projectAccess(w.p));
      expectAnswer(await rejected(g, () => w.b.delete(grantPath(w.p.toUpperCase(), w.G.id.toUpperCase()))), 401, projectAction('DeleteProjectGrants', w.p));
      const Z = w.Z.toUpperCase();
      expectAnswer(await rejected(g, () => w.a.get(tokenPath(w, Z))), 404, error(`Unknown token: ${w.Z}`));
      expectAnswer(await rejected(g, () => w.a.delete(tokenPath(w, Z))), 404, error(`Unknown token: ${w.Z}`));
      expectAnswer(await rejected(g, () => w.a.get(`/v1/project-policies/${Z}`)), 404, error('Project policy not found'));
    });

    it('a body projectPolicyId in upper case is stored and echoed in lower case, and an unknown one is reported in lower case', async () => {
      const missing = await rejected(g, () => w.a.post(grantsPath(w.p), { granteeAccountId: w.B.id, projectPolicyId: w.Z.toUpperCase(), projectActions: [] }));
      expectAnswer(missing, 400, errors(`Project Policy Not Found: ${w.Z}`));
      const created = await w.a.post(grantsPath(w.p.toUpperCase()), { granteeAccountId: w.C.id, projectPolicyId: w.X.id.toUpperCase(), projectActions: [] });
      expectAnswer(created, 200, { id: expect.stringMatching(UUID_V7), data: { granteeAccountId: w.C.id, grantorProjectId: w.p, projectPolicyId: w.X.id } });
      expectAnswer(await w.a.delete(grantPath(w.p, created.body.id.toUpperCase())), 200, {});
      expectAnswer(await w.a.get(grantPath(w.p, created.body.id)), 404, error('Project grant not found'));
    });
  });

  describe('cross-tenant isolation (R6): the outsider C learns nothing', () => {
    /** Existing-but-forbidden and non-existent ids must answer the same, up to the id itself. */
    async function sameAnswer(existing: () => Promise<GolemAnswer>, missing: () => Promise<GolemAnswer>, status: number, body: (id: string) => unknown, ids: [string, string]) {
      const a = await rejected(g, existing);
      const b = await rejected(g, missing);
      expectAnswer(a, status, body(ids[0]));
      expectAnswer(b, status, body(ids[1]));
      expect(a.text.split(ids[0]).join('<id>')).toBe(b.text.split(ids[1]).join('<id>'));
    }

    it('GET /v1/accounts/{id}: A (not visible to C) and an unknown id look the same', async () => {
      await sameAnswer(() => w.c.get(`/v1/accounts/${w.A.id}`), () => w.c.get(`/v1/accounts/${w.Z}`), 401, accountAccess, [w.A.id, w.Z]);
    });

    it('token routes of another account: 401 Admin only; of an unknown account: 401 Access to account (§3.3)', async () => {
      expectAnswer(await rejected(g, () => w.c.get(tokensPath(w))), 401, ADMIN_ONLY);
      expectAnswer(await rejected(g, () => w.c.post(tokensPath(w), { expiresAt: FAR_FUTURE })), 401, ADMIN_ONLY);
      expectAnswer(await rejected(g, () => w.c.get(tokenPath(w, w.tokA))), 401, ADMIN_ONLY);
      expectAnswer(await rejected(g, () => w.c.get(tokenPath(w, w.Z))), 401, ADMIN_ONLY);
      expectAnswer(await rejected(g, () => w.c.delete(tokenPath(w, w.tokA))), 401, ADMIN_ONLY);
      expectAnswer(await rejected(g, () => w.c.get(`/v1/accounts/${w.Z}/tokens`)), 401, accountAccess(w.Z));
    });

    it("another account's token id under C's own path is 404 Unknown token, like an unknown id, and stays usable", async () => {
      const own = (tokenId: string) => `/v1/accounts/${w.C.id}/tokens/${tokenId}`;
      const unknown = (id: string) => error(`Unknown token: ${id}`);
      await sameAnswer(() => w.c.get(own(w.tokA)), () => w.c.get(own(w.Z)), 404, unknown, [w.tokA, w.Z]);
      await sameAnswer(() => w.c.delete(own(w.tokA)), () => w.c.delete(own(w.Z)), 404, unknown, [w.tokA, w.Z]);
      expect((await w.a.get('/v1/projects')).status).toBe(200);
      const list = await w.c.get(`/v1/accounts/${w.C.id}/tokens`);
      expect(list.status).toBe(200);
      expect(list.body.map((token: { id: string }) => token.id)).toEqual([w.tokC]);
    });

    it.each([
      ['GET project', 'GET', (id: string) => projectPath(id)],
      ['DELETE project', 'DELETE', (id: string) => projectPath(id)],
      ['GET actions', 'GET', (id: string) => `${projectPath(id)}/actions`],
      ['GET grants', 'GET', (id: string) => grantsPath(id)],
      ['POST grants', 'POST', (id: string) => grantsPath(id)],
    ] as const)('%s on P and on an unknown project: the same 401', async (_name, method, path) => {
      const send = (id: string) => () => w.c.call(method, path(id), method === 'POST' ? { body: grantBody(w) } : {});
      await sameAnswer(send(w.p), send(w.Z), 401, projectAccess, [w.p, w.Z]);
    });

    it('GET and DELETE of a grant on P and on an unknown project: the same 401', async () => {
      await sameAnswer(() => w.c.get(grantPath(w.p, w.G.id)), () => w.c.get(grantPath(w.Z, w.G.id)), 401, projectAccess, [w.p, w.Z]);
      await sameAnswer(() => w.c.delete(grantPath(w.p, w.G.id)), () => w.c.delete(grantPath(w.Z, w.G.id)), 401, projectAccess, [w.p, w.Z]);
    });

    it("P's grant under C's own project is not found like an unknown id; deleting it there is a no-op", async () => {
      const Q = w.QC.projectId;
      const a = await rejected(g, () => w.c.get(grantPath(Q, w.G.id)));
      const b = await rejected(g, () => w.c.get(grantPath(Q, w.Z)));
      expectAnswer(a, 404, error('Project grant not found'));
      expectAnswer(b, 404, error('Project grant not found'));
      const removed = await rejected(g, () => w.c.delete(grantPath(Q, w.G.id)));
      expectAnswer(removed, 200, {});
      expect(removed.headers.get('x-grantline-position')).toBeNull();
      expectAnswer(await w.a.get(grantPath(w.p, w.G.id)), 200, w.G);
      expectAnswer(await w.b.get(`${projectPath(w.p)}/actions`), 200, ['ViewComponent']);
    });

    it('the project list and the name filter show C only its own project', async () => {
      expectAnswer(await w.c.get('/v1/projects'), 200, [w.QC]);
      expectAnswer(await w.c.get(`/v1/projects?project-name=${encodeURIComponent(w.P.projectData.name)}`), 200, []);
      expectAnswer(await w.c.get(`/v1/projects?project-name=${encodeURIComponent(w.QC.projectData.name)}`), 200, [w.QC]);
    });
  });
});

describe('Golem dialect: hostile keys leave the process prototype clean', () => {
  it('Object.prototype has no isAdmin/ownerAccountId/projectActions/name after the hostile suite ran in this process', () => {
    const probe = {} as Record<string, unknown>;
    for (const key of ['isAdmin', 'ownerAccountId', 'projectActions']) expect(probe[key]).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'isAdmin')).toBe(false);
  });
});

describe('Golem dialect: read models that cannot catch up (§1.6)', () => {
  let service: TestApp;
  let g: GolemClient;

  beforeAll(async () => {
    // No projection runs in this process, so the read models never reach the head.
    service = await startTestApp({ GRANTLINE_RUN_PROJECTIONS: 'false', GRANTLINE_CONSISTENCY_TIMEOUT_MS: '200' });
    g = new GolemClient(service);
    await service.platform.eventStore.append(
      `golem-test-${randomUUID()}`,
      [{ id: randomUUID(), type: 'golem.test.appended', data: {}, metadata: { actor: 'test', resourceOwner: 'test', correlationId: randomUUID(), causationId: randomUUID() } }],
      'no_stream',
    );
  });
  afterAll(async () => service.close());

  async function expectNotConsistent(send: () => Promise<GolemAnswer>): Promise<void> {
    const answer = await rejected(g, send);
    expectAnswer(answer, 503, NOT_CONSISTENT);
    expect(answer.headers.get('retry-after')).toBe('1');
  }

  it('reads, writes and token lookups answer 503 with Retry-After: 1, never stale, and append nothing', async () => {
    await expectNotConsistent(() => g.request('GET', '/v1/accounts/admin', { token: ADM }));
    await expectNotConsistent(() => g.request('GET', '/v1/projects', { token: ADM }));
    await expectNotConsistent(() => g.request('POST', '/v1/accounts', { token: ADM, body: { name: 'X', email: 'x@example.com' } }));
    await expectNotConsistent(() => g.request('POST', '/v1/project-policies', { token: ADM, body: policyBody() }));
    // Freshness (step 3) comes before token resolution (step 4).
    await expectNotConsistent(() => g.request('GET', '/v1/projects', { token: randomUUID() }));
  });

  it('the relaxed-consistency header is not honoured', async () => {
    await expectNotConsistent(() => g.request('GET', '/v1/accounts/admin', { token: ADM, headers: { 'x-grantline-consistency': 'eventual' } }));
  });

  it('routing and credential syntax come before the freshness wait', async () => {
    expectAnswer(await rejected(g, () => g.request('GET', '/v1/projects')), 401, error('Invalid Token: Missing auth token.'));
    expectAnswer(await rejected(g, () => g.request('GET', '/v1/projects', { token: 'not-a-uuid' })), 401, error('Invalid Token: Malformed auth token.'));
    expectAnswer(await rejected(g, () => g.request('GET', '/v1/nothing', { token: ADM })), 404, ROUTE_NOT_FOUND);
    expectAnswer(await rejected(g, () => g.request('GET', '/v1/accounts', { token: ADM })), 405, METHOD_NOT_ALLOWED);
  });
});

// ---- helpers ------------------------------------------------------------------------------------

async function world(g: GolemClient): Promise<World> {
  const A = await g.createAccount('Alice', 'alice@example.com');
  const B = await g.createAccount('Bob', 'bob@example.com');
  const C = await g.createAccount('Carol', 'carol@example.com');
  const tokenA = await g.createToken(A.id);
  const tokenB = await g.createToken(B.id);
  const tokenC = await g.createToken(C.id);
  const expired = await g.createToken(A.id, '2000-01-01T00:00:00Z');
  const P = await g.createProject(tokenA.secret.value, A.id, 'shop', 'Web shop');
  const QC = await g.createProject(tokenC.secret.value, C.id, 'carols', '');
  const G = await g.createGrant(tokenA.secret.value, P.projectId, { granteeAccountId: B.id, projectActions: ['ViewComponent'] });
  const X = await g.createPolicy(tokenA.secret.value, 'X', ['ViewWorker']);
  return {
    A,
    B,
    C,
    tA: tokenA.secret.value,
    tB: tokenB.secret.value,
    tC: tokenC.secret.value,
    tokA: tokenA.data.id,
    tokB: tokenB.data.id,
    tokC: tokenC.data.id,
    tExpired: expired.secret.value,
    P,
    p: P.projectId,
    QC,
    G,
    X,
    Z: randomUUID(),
    adm: g.as(ADM),
    a: g.as(tokenA.secret.value),
    b: g.as(tokenB.secret.value),
    c: g.as(tokenC.secret.value),
  };
}

/** A request that must append nothing (head unchanged) and never answer 5xx, 503 excepted. */
async function rejected(g: GolemClient, send: () => Promise<GolemAnswer>): Promise<GolemAnswer> {
  const before = await g.head();
  const answer = await send();
  if (answer.status !== 503) expect(answer.status).toBeLessThan(500);
  expect(await g.head()).toBe(before);
  return answer;
}

function expectAnswer(answer: GolemAnswer, status: number, body: unknown): void {
  expect({ status: answer.status, body: answer.body }).toEqual({ status, body });
  expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
}

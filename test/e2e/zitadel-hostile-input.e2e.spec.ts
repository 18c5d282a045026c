/**
 * Hostile and malformed input against every implemented endpoint of the ZITADEL dialect
 * (zitadel-api.md §1.2 pipeline, §1.3 acting org, §1.4 JSON decoding, §1.5 errors, §2 limits):
 * authentication, acting org, consistency headers, bodies that are not JSON objects, oversized
 * bodies, strict field typing, string limits counted in code points, list limits, path ids, and
 * scenarios 1, 2, 3, 4 (management part), 16 and 17 of §8.
 *
 * Every failing request must answer its documented error, never 5xx (GRANTLINE-NotYet's 501
 * aside), and must write nothing: the event store's head position is compared before and after.
 */
import { v7 as uuidv7 } from 'uuid';
import { type HttpAnswer, TEST_TOKEN, type TestApp, ZitadelClient, expectZitadelError, startTestApp } from '../support/app';

type Json = Record<string, unknown>;
type Outcome = 'ok' | 'empty-list' | readonly [status: number, code: number, id: string];

interface World {
  readonly V: string;
  readonly C: string;
  /** An org nothing is granted to. */
  readonly T: string;
  readonly P: string;
  readonly G: string;
  readonly gigi: string;
}

interface PathParam {
  /** Field name in the validation message. */
  readonly field: string;
  /** The request path with this parameter replaced (already encoded). */
  readonly path: (w: World, value: string) => string;
  /** Answer for a well-formed id that names nothing. */
  readonly unknown: Outcome;
}

interface Endpoint {
  readonly rpc: string;
  /** Request message name used in validation messages. */
  readonly request: string;
  readonly method: 'GET' | 'POST';
  readonly path: (w: World) => string;
  /** Acting org of a valid call; undefined for instance-scoped calls (AddOrg). */
  readonly org: (w: World) => string | undefined;
  /** A valid body; `unique` keeps names unique. Absent for GET endpoints. */
  readonly body?: (w: World, unique: string) => Json;
  /** The body may be empty (no required field). */
  readonly emptyBodyOk?: boolean;
  readonly pathParams: readonly PathParam[];
}

const enc = encodeURIComponent;

const ENDPOINTS: readonly Endpoint[] = [
  {
    rpc: 'AddOrg',
    request: 'AddOrgRequest',
    method: 'POST',
    path: () => '/management/v1/orgs',
    org: () => undefined,
    body: (_w, unique) => ({ name: `Org ${unique}` }),
    pathParams: [],
  },
  {
    rpc: 'GetMyOrg',
    request: 'GetMyOrgRequest',
    method: 'GET',
    path: () => '/management/v1/orgs/me',
    org: (w) => w.V,
    pathParams: [],
  },
  {
    rpc: 'AddProject',
    request: 'AddProjectRequest',
    method: 'POST',
    path: () => '/management/v1/projects',
    org: (w) => w.V,
    body: (_w, unique) => ({ name: `Project ${unique}` }),
    pathParams: [],
  },
  {
    rpc: 'GetProjectByID',
    request: 'GetProjectByIDRequest',
    method: 'GET',
    path: (w) => `/management/v1/projects/${w.P}`,
    org: (w) => w.V,
    pathParams: [{ field: 'id', path: (_w, id) => `/management/v1/projects/${id}`, unknown: [404, 5, 'QUERY-fk2fs'] }],
  },
  {
    rpc: 'AddProjectRole',
    request: 'AddProjectRoleRequest',
    method: 'POST',
    path: (w) => `/management/v1/projects/${w.P}/roles`,
    org: (w) => w.V,
    body: (_w, unique) => ({ roleKey: `role-${unique}`, displayName: 'Role' }),
    pathParams: [{ field: 'projectId', path: (_w, id) => `/management/v1/projects/${id}/roles`, unknown: [400, 9, 'COMMAND-EbFMN'] }],
  },
  {
    rpc: 'BulkAddProjectRoles',
    request: 'BulkAddProjectRolesRequest',
    method: 'POST',
    path: (w) => `/management/v1/projects/${w.P}/roles/_bulk`,
    org: (w) => w.V,
    body: (_w, unique) => ({ roles: [{ key: `bulk-${unique}`, displayName: 'Bulk' }] }),
    emptyBodyOk: true,
    pathParams: [{ field: 'projectId', path: (_w, id) => `/management/v1/projects/${id}/roles/_bulk`, unknown: [400, 9, 'COMMAND-EbFMN'] }],
  },
  {
    rpc: 'ListProjectRoles',
    request: 'ListProjectRolesRequest',
    method: 'POST',
    path: (w) => `/management/v1/projects/${w.P}/roles/_search`,
    org: (w) => w.V,
    body: () => ({ query: { limit: 10 } }),
    emptyBodyOk: true,
    pathParams: [{ field: 'projectId', path: (_w, id) => `/management/v1/projects/${id}/roles/_search`, unknown: 'empty-list' }],
  },
  {
    rpc: 'AddHumanUser',
    request: 'AddHumanUserRequest',
    method: 'POST',
    path: () => '/management/v1/users/human',
    org: (w) => w.C,
    body: (_w, unique) => ({ userName: `human-${unique}`, profile: { firstName: 'First', lastName: 'Last' }, email: { email: `human-${unique}@example.com` } }),
    pathParams: [],
  },
  {
    rpc: 'AddMachineUser',
    request: 'AddMachineUserRequest',
    method: 'POST',
    path: () => '/management/v1/users/machine',
    org: (w) => w.C,
    body: (_w, unique) => ({ userName: `machine-${unique}`, name: 'Machine' }),
    pathParams: [],
  },
  {
    rpc: 'GetUserByID',
    request: 'GetUserByIDRequest',
    method: 'GET',
    path: (w) => `/management/v1/users/${w.gigi}`,
    org: (w) => w.C,
    pathParams: [{ field: 'id', path: (_w, id) => `/management/v1/users/${id}`, unknown: [404, 5, 'QUERY-Dfbg2'] }],
  },
  {
    rpc: 'AddProjectGrant',
    request: 'AddProjectGrantRequest',
    method: 'POST',
    path: (w) => `/management/v1/projects/${w.P}/grants`,
    org: (w) => w.V,
    body: (w) => ({ grantedOrgId: w.T, roleKeys: ['reader'] }),
    pathParams: [{ field: 'projectId', path: (_w, id) => `/management/v1/projects/${id}/grants`, unknown: [400, 9, 'COMMAND-m9gsd'] }],
  },
  {
    rpc: 'GetProjectGrantByID',
    request: 'GetProjectGrantByIDRequest',
    method: 'GET',
    path: (w) => `/management/v1/projects/${w.P}/grants/${w.G}`,
    org: (w) => w.V,
    pathParams: [
      { field: 'projectId', path: (w, id) => `/management/v1/projects/${id}/grants/${w.G}`, unknown: [404, 5, 'QUERY-n98GGs'] },
      { field: 'grantId', path: (w, id) => `/management/v1/projects/${w.P}/grants/${id}`, unknown: [404, 5, 'QUERY-n98GGs'] },
    ],
  },
  {
    rpc: 'AddUserGrant',
    request: 'AddUserGrantRequest',
    method: 'POST',
    path: (w) => `/management/v1/users/${w.gigi}/grants`,
    org: (w) => w.C,
    body: (w) => ({ projectId: w.P, roleKeys: ['reader'] }),
    pathParams: [{ field: 'userId', path: (_w, id) => `/management/v1/users/${id}/grants`, unknown: [400, 9, 'COMMAND-4f8sg'] }],
  },
];

const BODY_ENDPOINTS = ENDPOINTS.filter((endpoint) => endpoint.body !== undefined);
const REQUIRED_BODY_ENDPOINTS = BODY_ENDPOINTS.filter((endpoint) => endpoint.emptyBodyOk !== true);
const ORG_SCOPED = ENDPOINTS.filter((endpoint) => endpoint.rpc !== 'AddOrg');
const READS = ENDPOINTS.filter((endpoint) => endpoint.method === 'GET' || endpoint.rpc === 'ListProjectRoles');

/** A string field of a request body and what a valid value of the maximum length leads to. */
interface StringField {
  readonly rpc: string;
  /** Where the field sits in the body (array indexes for list elements). */
  readonly at: readonly (string | number)[];
  /** Field path in the validation message. */
  readonly label: string;
  readonly required: boolean;
  readonly max: number;
  /** A valid value of exactly `max` code points (default: astral emoji only). */
  readonly maxValue?: (unique: string) => string;
  /** What a request with that value answers. */
  readonly atMax: Outcome;
  /** Base body when the endpoint's valid body does not hold the field's parent. */
  readonly base?: (w: World, unique: string) => Json;
}

const EMOJI = '😀';
const emoji = (count: number) => EMOJI.repeat(count);

const STRING_FIELDS: readonly StringField[] = [
  { rpc: 'AddOrg', at: ['name'], label: 'name', required: true, max: 200, atMax: 'ok' },
  { rpc: 'AddProject', at: ['name'], label: 'name', required: true, max: 200, atMax: 'ok' },
  { rpc: 'AddProjectRole', at: ['roleKey'], label: 'roleKey', required: true, max: 200, atMax: 'ok' },
  { rpc: 'AddProjectRole', at: ['displayName'], label: 'displayName', required: true, max: 200, atMax: 'ok' },
  { rpc: 'AddProjectRole', at: ['group'], label: 'group', required: false, max: 200, atMax: 'ok' },
  { rpc: 'BulkAddProjectRoles', at: ['roles', 0, 'key'], label: 'roles[0].key', required: true, max: 200, atMax: 'ok' },
  { rpc: 'BulkAddProjectRoles', at: ['roles', 0, 'displayName'], label: 'roles[0].displayName', required: true, max: 200, atMax: 'ok' },
  { rpc: 'BulkAddProjectRoles', at: ['roles', 0, 'group'], label: 'roles[0].group', required: false, max: 200, atMax: 'ok' },
  {
    rpc: 'BulkAddProjectRoles',
    at: ['roles', 1, 'key'],
    label: 'roles[1].key',
    required: true,
    max: 200,
    atMax: 'ok',
    base: (_w, unique) => ({ roles: [{ key: `first-${unique}`, displayName: 'First' }, { key: `second-${unique}`, displayName: 'Second' }] }),
  },
  {
    rpc: 'ListProjectRoles',
    at: ['queries', 0, 'keyQuery', 'key'],
    label: 'queries[0].keyQuery.key',
    required: false,
    max: 200,
    atMax: 'ok',
    base: () => ({ queries: [{ keyQuery: { key: 'reader' } }] }),
  },
  {
    rpc: 'ListProjectRoles',
    at: ['queries', 0, 'displayNameQuery', 'displayName'],
    label: 'queries[0].displayNameQuery.displayName',
    required: false,
    max: 200,
    atMax: 'ok',
    base: () => ({ queries: [{ displayNameQuery: { displayName: 'reader' } }] }),
  },
  { rpc: 'AddHumanUser', at: ['userName'], label: 'userName', required: true, max: 200, atMax: 'ok' },
  { rpc: 'AddHumanUser', at: ['profile', 'firstName'], label: 'profile.firstName', required: true, max: 200, atMax: 'ok' },
  { rpc: 'AddHumanUser', at: ['profile', 'lastName'], label: 'profile.lastName', required: true, max: 200, atMax: 'ok' },
  { rpc: 'AddHumanUser', at: ['profile', 'nickName'], label: 'profile.nickName', required: false, max: 200, atMax: 'ok' },
  { rpc: 'AddHumanUser', at: ['profile', 'displayName'], label: 'profile.displayName', required: false, max: 200, atMax: 'ok' },
  { rpc: 'AddHumanUser', at: ['profile', 'preferredLanguage'], label: 'profile.preferredLanguage', required: false, max: 10, atMax: 'ok' },
  {
    rpc: 'AddHumanUser',
    at: ['email', 'email'],
    label: 'email.email',
    required: true,
    max: 200,
    maxValue: (tag) => `${tag}${emoji(200 - '@example.com'.length - tag.length)}@example.com`,
    atMax: 'ok',
  },
  {
    rpc: 'AddHumanUser',
    at: ['phone', 'phone'],
    label: 'phone.phone',
    required: true,
    max: 50,
    maxValue: (tag) => `+${tag}${emoji(49 - tag.length)}`,
    atMax: 'ok',
    base: (_w, unique) => ({ userName: `phone-${unique}`, profile: { firstName: 'F', lastName: 'L' }, email: { email: `phone-${unique}@example.com` }, phone: { phone: '+41790000000' } }),
  },
  { rpc: 'AddMachineUser', at: ['userName'], label: 'userName', required: true, max: 200, atMax: 'ok' },
  { rpc: 'AddMachineUser', at: ['name'], label: 'name', required: true, max: 200, atMax: 'ok' },
  { rpc: 'AddMachineUser', at: ['description'], label: 'description', required: false, max: 500, atMax: 'ok' },
  { rpc: 'AddMachineUser', at: ['userId'], label: 'userId', required: false, max: 200, atMax: 'ok' },
  { rpc: 'AddProjectGrant', at: ['grantedOrgId'], label: 'grantedOrgId', required: true, max: 200, atMax: [400, 9, 'COMMAND-3m9gg'] },
  { rpc: 'AddProjectGrant', at: ['roleKeys', 1], label: 'roleKeys[1]', required: true, max: 200, atMax: [400, 9, 'COMMAND-6m9gd'], base: (w) => ({ grantedOrgId: w.T, roleKeys: ['reader', 'writer'] }) },
  { rpc: 'AddUserGrant', at: ['projectId'], label: 'projectId', required: true, max: 200, atMax: [400, 9, 'COMMAND-4m9ff'] },
  { rpc: 'AddUserGrant', at: ['projectGrantId'], label: 'projectGrantId', required: false, max: 200, atMax: [400, 9, 'COMMAND-4m9ff'] },
  { rpc: 'AddUserGrant', at: ['roleKeys', 0], label: 'roleKeys[0]', required: true, max: 200, atMax: [400, 9, 'COMMAND-mm9F4'] },
];

/** Non-string JSON values where a string belongs. */
const NOT_STRINGS: readonly [string, unknown][] = [
  ['a number', 123],
  ['a fraction', 1.5],
  ['true', true],
  ['false', false],
  ['an array', ['a']],
  ['an empty object', {}],
  ['{"$gt": ""}', { $gt: '' }],
  ['{"$where": "1"}', { $where: '1' }],
  ['{"$regex": ".*"}', { $regex: '.*' }],
  ['{"$ne": null}', { $ne: null }],
];

interface TypedField {
  readonly rpc: string;
  readonly at: readonly (string | number)[];
  readonly label: string;
  readonly bad: readonly [string, unknown][];
  readonly good: readonly unknown[];
  readonly base?: (w: World, unique: string) => Json;
}

const BAD_BOOLS: readonly [string, unknown][] = [
  ['"true"', 'true'],
  ['"false"', 'false'],
  ['1', 1],
  ['0', 0],
  ['an object', {}],
  ['an array', [true]],
  ['{"$gt": ""}', { $gt: '' }],
];
const BAD_ENUMS: readonly [string, unknown][] = [
  ['an unknown name', 'NOPE'],
  ['a lower-case name', 'gender_female'],
  ['an undefined number', 99],
  ['a negative number', -1],
  ['a fraction', 1.5],
  ['a number as string', '1'],
  ['true', true],
  ['an object', {}],
  ['{"$ne": ""}', { $ne: '' }],
];
const BAD_UINTS: readonly [string, unknown][] = [
  ['-1', -1],
  ['"-1"', '-1'],
  ['1.5', 1.5],
  ['"1e3"', '1e3'],
  ['"" (empty)', ''],
  ['"ten"', 'ten'],
  ['true', true],
  ['an object', {}],
  ['{"$gt": 0}', { $gt: 0 }],
  ['an array', [1]],
];
const BAD_MESSAGES: readonly [string, unknown][] = [
  ['a string', 'x'],
  ['a number', 1],
  ['true', true],
  ['an array', [{}]],
];
const BAD_LISTS: readonly [string, unknown][] = [
  ['a string', 'reader'],
  ['a number', 1],
  ['true', true],
  ['an object', { 0: 'reader' }],
  ['{"$in": []}', { $in: [] }],
];

const TYPED_FIELDS: readonly TypedField[] = [
  { rpc: 'AddProject', at: ['projectRoleAssertion'], label: 'projectRoleAssertion', bad: BAD_BOOLS, good: [true, false] },
  { rpc: 'AddProject', at: ['projectRoleCheck'], label: 'projectRoleCheck', bad: BAD_BOOLS, good: [true] },
  { rpc: 'AddProject', at: ['hasProjectCheck'], label: 'hasProjectCheck', bad: BAD_BOOLS, good: [false] },
  {
    rpc: 'AddProject',
    at: ['privateLabelingSetting'],
    label: 'privateLabelingSetting',
    bad: BAD_ENUMS,
    good: ['PRIVATE_LABELING_SETTING_UNSPECIFIED', 1, 'PRIVATE_LABELING_SETTING_ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY'],
  },
  { rpc: 'AddProject', at: ['admins'], label: 'admins', bad: BAD_LISTS, good: [[]] },
  { rpc: 'AddProject', at: ['admins', 0], label: 'admins[0]', bad: [['a string', 'user'], ['a number', 7], ['an array', []]], good: [] },
  { rpc: 'AddProject', at: ['admins', 0, 'userId'], label: 'admins[0].userId', bad: [['a number', 7], ['{"$gt": ""}', { $gt: '' }], ['empty', '']], good: [] },
  { rpc: 'AddHumanUser', at: ['profile'], label: 'profile', bad: BAD_MESSAGES, good: [] },
  { rpc: 'AddHumanUser', at: ['email'], label: 'email', bad: BAD_MESSAGES, good: [] },
  { rpc: 'AddHumanUser', at: ['phone'], label: 'phone', bad: BAD_MESSAGES, good: [] },
  { rpc: 'AddHumanUser', at: ['profile', 'gender'], label: 'profile.gender', bad: BAD_ENUMS, good: ['GENDER_DIVERSE', 2, 0] },
  { rpc: 'AddHumanUser', at: ['email', 'isEmailVerified'], label: 'email.isEmailVerified', bad: BAD_BOOLS, good: [true] },
  { rpc: 'AddHumanUser', at: ['email', 'email'], label: 'email.email', bad: [['no @', 'not-an-email'], ['a space', 'a b@example.com'], ['no domain', 'someone@']], good: [] },
  {
    rpc: 'AddHumanUser',
    at: ['phone', 'isPhoneVerified'],
    label: 'phone.isPhoneVerified',
    bad: BAD_BOOLS,
    good: [true],
    base: (_w, unique) => ({ userName: `phv-${unique}`, profile: { firstName: 'F', lastName: 'L' }, email: { email: `phv-${unique}@example.com` }, phone: { phone: '+1555' } }),
  },
  {
    rpc: 'AddHumanUser',
    at: ['phone', 'phone'],
    label: 'phone.phone',
    bad: [['no leading +', '0791234567']],
    good: [],
    base: (_w, unique) => ({ userName: `ph-${unique}`, profile: { firstName: 'F', lastName: 'L' }, email: { email: `ph-${unique}@example.com` }, phone: { phone: '+1555' } }),
  },
  { rpc: 'AddHumanUser', at: ['initialPassword'], label: 'initialPassword', bad: NOT_STRINGS, good: ['S3cret!'] },
  { rpc: 'AddMachineUser', at: ['accessTokenType'], label: 'accessTokenType', bad: BAD_ENUMS, good: ['ACCESS_TOKEN_TYPE_JWT', 0] },
  { rpc: 'BulkAddProjectRoles', at: ['roles'], label: 'roles', bad: BAD_LISTS, good: [[]] },
  { rpc: 'BulkAddProjectRoles', at: ['roles', 0], label: 'roles[0]', bad: [['a string', 'reader'], ['a number', 1], ['an array', [{}]]], good: [] },
  { rpc: 'ListProjectRoles', at: ['query'], label: 'query', bad: BAD_MESSAGES, good: [{}] },
  { rpc: 'ListProjectRoles', at: ['query', 'offset'], label: 'query.offset', bad: BAD_UINTS, good: [0, '3', 1000000] },
  { rpc: 'ListProjectRoles', at: ['query', 'limit'], label: 'query.limit', bad: [...BAD_UINTS, ['1001', 1001], ['"1001"', '1001']], good: [0, 1000, '10'] },
  { rpc: 'ListProjectRoles', at: ['query', 'asc'], label: 'query.asc', bad: BAD_BOOLS, good: [true] },
  { rpc: 'ListProjectRoles', at: ['queries'], label: 'queries', bad: BAD_LISTS, good: [[]] },
  { rpc: 'ListProjectRoles', at: ['queries', 0], label: 'queries[0]', bad: [['a string', 'reader'], ['a number', 1], ['an array', [{}]]], good: [] },
  {
    rpc: 'ListProjectRoles',
    at: ['queries', 0, 'keyQuery'],
    label: 'queries[0].keyQuery',
    bad: BAD_MESSAGES,
    good: [{}],
    base: () => ({ queries: [{ keyQuery: { key: 'reader' } }] }),
  },
  {
    rpc: 'ListProjectRoles',
    at: ['queries', 0, 'keyQuery', 'method'],
    label: 'queries[0].keyQuery.method',
    bad: BAD_ENUMS,
    good: ['TEXT_QUERY_METHOD_ENDS_WITH_IGNORE_CASE', 7, 0],
    base: () => ({ queries: [{ keyQuery: { key: 'reader' } }] }),
  },
  // (An empty list is valid; the seed suite covers it. Here it would grant P to T.)
  { rpc: 'AddProjectGrant', at: ['roleKeys'], label: 'roleKeys', bad: BAD_LISTS, good: [] },
  { rpc: 'AddProjectGrant', at: ['roleKeys', 1], label: 'roleKeys[1]', bad: [...NOT_STRINGS, ['null', null], ['blank', '   ']], good: [], base: (w) => ({ grantedOrgId: w.T, roleKeys: ['reader', 'writer'] }) },
  { rpc: 'AddUserGrant', at: ['roleKeys'], label: 'roleKeys', bad: BAD_LISTS, good: [] },
  { rpc: 'AddUserGrant', at: ['roleKeys', 0], label: 'roleKeys[0]', bad: [...NOT_STRINGS, ['null', null], ['blank', '\t \n']], good: [] },
];

/** A deep copy of `body` with the value at `at` replaced (or removed when `remove`). */
function setAt(body: Json, at: readonly (string | number)[], value: unknown, remove = false): Json {
  const copy = structuredClone(body) as Json;
  let node: any = copy;
  for (const [index, key] of at.slice(0, -1).entries()) {
    if (node[key] === undefined || node[key] === null || typeof node[key] !== 'object') node[key] = typeof at[index + 1] === 'number' ? [] : {};
    node = node[key];
  }
  const last = at[at.length - 1] as string | number;
  if (remove) {
    if (Array.isArray(node) && typeof last === 'number') node.splice(last, 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}

const endpointOf = (rpc: string): Endpoint => {
  const endpoint = ENDPOINTS.find((candidate) => candidate.rpc === rpc);
  if (endpoint === undefined) throw new Error(`no endpoint ${rpc}`);
  return endpoint;
};

let counter = 0;
const unique = () => `${Date.now().toString(36)}-${(counter += 1)}`;

describe('ZITADEL dialect under hostile input', () => {
  let service: TestApp;
  let admin: ZitadelClient;
  let w: World;
  const head = () => service.platform.eventStore.headPosition();

  /** The request must fail with exactly this error and append nothing. */
  async function rejected(send: () => Promise<HttpAnswer>, status: number, code: number, id: string): Promise<HttpAnswer> {
    const before = await head();
    const answer = await send();
    expect(answer.status).not.toBe(500);
    expect([2, 13, 14]).not.toContain(answer.body?.code);
    expectZitadelError(answer, status, code, id);
    expect(await head()).toBe(before);
    return answer;
  }

  /** Field validation failure naming `label` of `request`; `rule` (when given) is the exact rule text. */
  async function invalidField(send: () => Promise<HttpAnswer>, request: string, label: string, rule?: string): Promise<HttpAnswer> {
    const answer = await rejected(send, 400, 3, 'GRANTLINE-InvalidField');
    const message: string = answer.body.details[0].message;
    if (rule !== undefined) expect(message).toBe(`invalid ${request}.${label}: ${rule}`);
    else expect(message.startsWith(`invalid ${request}.${label}: `)).toBe(true);
    return answer;
  }

  async function expectOutcome(send: () => Promise<HttpAnswer>, outcome: Outcome): Promise<HttpAnswer> {
    if (outcome === 'ok') {
      const answer = await send();
      expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: expect.anything() });
      return answer;
    }
    if (outcome === 'empty-list') {
      const answer = await send();
      expect(answer.status).toBe(200);
      expect(Object.keys(answer.body)).toEqual(['details']);
      expect(answer.body.details).not.toHaveProperty('totalResult');
      return answer;
    }
    return rejected(send, ...outcome);
  }

  /** Sends `endpoint` with the world's path and org, a JSON body and extra headers. */
  function send(client: ZitadelClient, endpoint: Endpoint, options: { body?: unknown; rawBody?: string; headers?: Record<string, string>; org?: string | null; path?: string } = {}) {
    const org = options.org === null ? undefined : (options.org ?? endpoint.org(w));
    return client.call(endpoint.method, options.path ?? endpoint.path(w), {
      ...(org !== undefined ? { org } : {}),
      ...(options.headers !== undefined ? { headers: options.headers } : {}),
      ...(options.rawBody !== undefined && endpoint.method !== 'GET' ? { rawBody: options.rawBody } : {}),
      ...(options.rawBody === undefined && options.body !== undefined && endpoint.method !== 'GET' ? { body: options.body } : {}),
    });
  }

  const validBody = (endpoint: Endpoint): Json | undefined => endpoint.body?.(w, unique());

  beforeAll(async () => {
    service = await startTestApp();
    admin = new ZitadelClient(service.baseUrl);
    const V = await admin.addOrg('Vendor');
    const C = await admin.addOrg('Customer A');
    const T = await admin.addOrg('Third Org');
    const P = await admin.addProject(V, 'Portal', ['reader', 'writer']);
    const G = await admin.addProjectGrant(V, P, C, ['reader', 'writer']);
    const gigi = await admin.addHuman(C, 'gigi');
    w = { V, C, T, P, G, gigi };
  });
  afterAll(async () => service.close());

  describe('authentication (scenarios 1, 2): 401 whatever else is wrong', () => {
    const anonymous = () => new ZitadelClient(service.baseUrl, null);

    it.each(ENDPOINTS.map((endpoint) => [endpoint.rpc, endpoint] as const))('1: %s without Authorization answers 401/16 GRANTLINE-NoToken', async (_rpc, endpoint) => {
      const answer = await rejected(() => send(anonymous(), endpoint, { body: validBody(endpoint) }), 401, 16, 'GRANTLINE-NoToken');
      expect(answer.body.details[0].message).toBe('Authentication required: send an Authorization: Bearer token');
      // Whatever else is wrong: unknown org, no org, bad consistency headers.
      await rejected(() => send(anonymous(), endpoint, { org: uuidv7() }), 401, 16, 'GRANTLINE-NoToken');
      await rejected(() => send(anonymous(), endpoint, { org: null }), 401, 16, 'GRANTLINE-NoToken');
      await rejected(() => send(anonymous(), endpoint, { headers: { 'x-grantline-consistency': 'weak', 'x-grantline-min-position': '-1' } }), 401, 16, 'GRANTLINE-NoToken');
      for (const param of endpoint.pathParams) {
        await rejected(() => send(anonymous(), endpoint, { path: param.path(w, 'x'.repeat(201)) }), 401, 16, 'GRANTLINE-NoToken');
      }
    });

    it.each(BODY_ENDPOINTS.map((endpoint) => [endpoint.rpc, endpoint] as const))('1: %s without Authorization and with a broken or oversized body still answers 401', async (_rpc, endpoint) => {
      for (const rawBody of ['{not json', '[]', '{"a":1,"a_b":2,"aB":3}', `{"pad":"${'x'.repeat(1024 * 1024)}"}`]) {
        await rejected(() => send(anonymous(), endpoint, { rawBody }), 401, 16, 'GRANTLINE-NoToken');
      }
    });

    it.each(ENDPOINTS.map((endpoint) => [endpoint.rpc, endpoint] as const))('2: %s with a wrong token or another scheme answers 401/16 AUTH-7fs1e', async (_rpc, endpoint) => {
      const basic = Buffer.from(`admin:${TEST_TOKEN}`).toString('base64');
      const authorizations = [
        'Bearer wrong-token',
        `Basic ${basic}`,
        `Basic ${TEST_TOKEN}`,
        `Token ${TEST_TOKEN}`,
        'Bearer',
        `Bearer ${TEST_TOKEN}x`,
        `Bearer ${TEST_TOKEN.slice(0, -1)}`,
        `Bearer ${TEST_TOKEN} extra`,
        `${TEST_TOKEN}`,
      ];
      for (const authorization of authorizations) {
        const answer = await rejected(() => send(anonymous(), endpoint, { body: validBody(endpoint), headers: { authorization } }), 401, 16, 'AUTH-7fs1e');
        expect(answer.body.details[0].message).toBe('Token is invalid');
      }
      // A wrong token with a broken body or an unknown org is still 401.
      await rejected(() => send(anonymous(), endpoint, { rawBody: '{not json', org: uuidv7(), headers: { authorization: 'Bearer wrong-token' } }), 401, 16, 'AUTH-7fs1e');
    });
  });

  describe('acting org (scenarios 3, 4)', () => {
    it.each(ENDPOINTS.map((endpoint) => [endpoint.rpc, endpoint] as const))('4: %s with an unknown x-zitadel-orgid answers 403/7 AUTH-Bs7Ds, even with a broken body', async (_rpc, endpoint) => {
      for (const org of [uuidv7(), endpoint.org(w)?.toUpperCase() ?? w.V.toUpperCase(), 'x'.repeat(201), '../../etc/passwd', '{"$gt":""}', `${w.V} `.trim() + 'x']) {
        const answer = await rejected(() => send(admin, endpoint, { org, body: validBody(endpoint) }), 403, 7, 'AUTH-Bs7Ds');
        expect(answer.body.details[0].message).toBe("Organisation doesn't exist");
      }
      // The acting org (step 4) is checked before the body (step 6).
      await rejected(() => send(admin, endpoint, { org: uuidv7(), rawBody: '{not json' }), 403, 7, 'AUTH-Bs7Ds');
      await rejected(() => send(admin, endpoint, { org: uuidv7(), rawBody: `{"pad":"${'x'.repeat(1024 * 1024)}"}` }), 403, 7, 'AUTH-Bs7Ds');
    });

    it.each(ORG_SCOPED.map((endpoint) => [endpoint.rpc, endpoint] as const))('3: %s without x-zitadel-orgid (or with an empty one) answers 400/3 GRANTLINE-NoOrg, even with a broken body', async (_rpc, endpoint) => {
      await rejected(() => send(admin, endpoint, { org: null, body: validBody(endpoint) }), 400, 3, 'GRANTLINE-NoOrg');
      await rejected(() => send(admin, endpoint, { org: '', body: validBody(endpoint) }), 400, 3, 'GRANTLINE-NoOrg');
      await rejected(() => send(admin, endpoint, { org: null, rawBody: '{not json' }), 400, 3, 'GRANTLINE-NoOrg');
    });

    it('3: AddOrg without x-zitadel-orgid answers 200', async () => {
      const answer = await send(admin, endpointOf('AddOrg'), { org: null, body: { name: `No header ${unique()}` } });
      expect(answer.status).toBe(200);
    });
  });

  describe('consistency headers (§1.2, §1.9)', () => {
    it.each(ENDPOINTS.map((endpoint) => [endpoint.rpc, endpoint] as const))('%s with a bad x-grantline-consistency or x-grantline-min-position answers 400/3 GRANTLINE-InvalidField', async (_rpc, endpoint) => {
      for (const value of ['weak', 'STRONG', 'eventually', '1', 'strong,eventual']) {
        await rejected(() => send(admin, endpoint, { body: validBody(endpoint), headers: { 'x-grantline-consistency': value } }), 400, 3, 'GRANTLINE-InvalidField');
      }
      for (const value of ['-1', 'abc', '1.5', '1e3', '0x10', '+5', '1 2']) {
        await rejected(() => send(admin, endpoint, { body: validBody(endpoint), headers: { 'x-grantline-min-position': value } }), 400, 3, 'GRANTLINE-InvalidField');
      }
    });

    it.each(READS.map((endpoint) => [endpoint.rpc, endpoint] as const))('%s accepts x-grantline-consistency eventual / strong and a reached x-grantline-min-position', async (_rpc, endpoint) => {
      const position = String(await head());
      const variants: Record<string, string>[] = [{ 'x-grantline-consistency': 'eventual' }, { 'x-grantline-consistency': 'strong' }, { 'x-grantline-min-position': position }, { 'x-grantline-min-position': '0' }];
      for (const headers of variants) {
        const answer = await send(admin, endpoint, { body: validBody(endpoint), headers });
        expect(answer.status).toBe(200);
        expect(answer.headers.get('x-grantline-position')).toMatch(/^\d+$/);
      }
    });
  });

  describe('bodies that are not one JSON object (scenario 17)', () => {
    const NOT_OBJECTS: readonly [string, string][] = [
      ['{not json', '{not json'],
      ['[]', '[]'],
      ['[{}]', '[{}]'],
      ['a JSON array of the valid body', '__ARRAY__'],
      ['null', 'null'],
      ['a string', '"text"'],
      ['a number', '42'],
      ['true', 'true'],
      ['two objects', '{"a":1}{"b":2}'],
      ['a truncated object', '{"name": "x"'],
      ['single quotes', "{'name': 'x'}"],
      ['a trailing comma', '{"name": "x",}'],
      ['NaN', '{"name": NaN}'],
      ['a comment', '{"name": "x" /* c */}'],
    ];

    it.each(BODY_ENDPOINTS.map((endpoint) => [endpoint.rpc, endpoint] as const))('17: %s rejects bodies that are not one JSON object with 400/3 GRANTLINE-InvalidJson', async (_rpc, endpoint) => {
      for (const [, raw] of NOT_OBJECTS) {
        const rawBody = raw === '__ARRAY__' ? JSON.stringify([validBody(endpoint)]) : raw;
        const answer = await rejected(() => send(admin, endpoint, { rawBody }), 400, 3, 'GRANTLINE-InvalidJson');
        expect(answer.body.details[0].message).toBe('The request body is not a valid JSON object');
      }
    });

    it.each(BODY_ENDPOINTS.map((endpoint) => [endpoint.rpc, endpoint] as const))('%s rejects a body over 1 MiB with 400/3 GRANTLINE-BodyTooLarge', async (_rpc, endpoint) => {
      const body = validBody(endpoint) ?? {};
      const prefix = JSON.stringify({ ...body, pad: '' }).slice(0, -2);
      const rawBody = `${prefix}${'x'.repeat(1024 * 1024 - prefix.length - 1)}"}`;
      expect(Buffer.byteLength(rawBody)).toBe(1024 * 1024 + 1);
      const answer = await rejected(() => send(admin, endpoint, { rawBody }), 400, 3, 'GRANTLINE-BodyTooLarge');
      expect(answer.body.details[0].message).toBe('The request body is larger than 1 MiB');
      // Far larger, and multi-byte.
      await rejected(() => send(admin, endpoint, { rawBody: `{"pad":"${'é'.repeat(3 * 1024 * 1024)}"}` }), 400, 3, 'GRANTLINE-BodyTooLarge');
    });

    it('a body of exactly 1 MiB is accepted', async () => {
      const prefix = JSON.stringify({ name: `Exactly one MiB ${unique()}`, pad: '' }).slice(0, -2);
      const rawBody = `${prefix}${'x'.repeat(1024 * 1024 - prefix.length - 2)}"}`;
      expect(Buffer.byteLength(rawBody)).toBe(1024 * 1024);
      const answer = await send(admin, endpointOf('AddOrg'), { rawBody });
      expect(answer.status).toBe(200);
    });

    it.each(REQUIRED_BODY_ENDPOINTS.map((endpoint) => [endpoint.rpc, endpoint] as const))('%s with an empty body (= {}) answers 400/3 GRANTLINE-InvalidField', async (_rpc, endpoint) => {
      for (const rawBody of ['', '   ', '{}']) {
        const answer = await rejected(() => send(admin, endpoint, { rawBody }), 400, 3, 'GRANTLINE-InvalidField');
        expect(answer.body.details[0].message).toMatch(new RegExp(`^invalid ${endpoint.request}\\.`));
      }
    });

    it('ListProjectRoles and BulkAddProjectRoles accept an empty body', async () => {
      const list = await send(admin, endpointOf('ListProjectRoles'), { rawBody: '' });
      expect(list.status).toBe(200);
      expect(list.body.details.totalResult).toBe('2');
      const before = await head();
      const bulk = await send(admin, endpointOf('BulkAddProjectRoles'), { rawBody: '' });
      expect(bulk.status).toBe(200);
      expect(await head()).toBe(before);
    });

    it('bodies are JSON whatever the content type says', async () => {
      const addOrg = endpointOf('AddOrg');
      // Including values Fastify cannot parse (it refused them before any route ran: a 500 here).
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x', '', 'json', 'a b/c', 'undefined']) {
        const answer = await send(admin, addOrg, { rawBody: JSON.stringify({ name: `Typed ${contentType} ${unique()}` }), headers: { 'content-type': contentType } });
        expect(answer.status).toBe(200);
      }
      const noContentType = await fetch(`${service.baseUrl}/management/v1/orgs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_TOKEN}` },
        body: new TextEncoder().encode(JSON.stringify({ name: `No content type ${unique()}` })),
      });
      expect(noContentType.status).toBe(200);
    });

    it.each(BODY_ENDPOINTS.map((endpoint) => [endpoint.rpc, endpoint] as const))('%s rejects JSON nested far deeper than any request (400/3 GRANTLINE-InvalidJson, never 500)', async (_rpc, endpoint) => {
      const body = JSON.stringify(validBody(endpoint) ?? {});
      for (const depth of [5000, 100000]) {
        const objects = `${body.slice(0, -1)}${body === '{}' ? '' : ','}"deep":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
        await rejected(() => send(admin, endpoint, { rawBody: objects }), 400, 3, 'GRANTLINE-InvalidJson');
        const arrays = `${body.slice(0, -1)}${body === '{}' ? '' : ','}"deep":${'['.repeat(depth)}${']'.repeat(depth)}}`;
        await rejected(() => send(admin, endpoint, { rawBody: arrays }), 400, 3, 'GRANTLINE-InvalidJson');
      }
    });
  });

  describe('field names: both spellings, __proto__, unknown fields', () => {
    it('16: AddProjectGrant with both grantedOrgId and granted_org_id answers 400/3 GRANTLINE-InvalidJson', async () => {
      const endpoint = endpointOf('AddProjectGrant');
      await rejected(() => send(admin, endpoint, { rawBody: JSON.stringify({ grantedOrgId: w.T, granted_org_id: w.T }) }), 400, 3, 'GRANTLINE-InvalidJson');
      await rejected(() => send(admin, endpoint, { rawBody: JSON.stringify({ granted_org_id: w.T, grantedOrgId: w.T, roleKeys: [] }) }), 400, 3, 'GRANTLINE-InvalidJson');
      await rejected(() => send(admin, endpoint, { rawBody: JSON.stringify({ grantedOrgId: w.T, roleKeys: [], role_keys: [] }) }), 400, 3, 'GRANTLINE-InvalidJson');
      // Even when one of them is null.
      await rejected(() => send(admin, endpoint, { rawBody: JSON.stringify({ grantedOrgId: w.T, granted_org_id: null }) }), 400, 3, 'GRANTLINE-InvalidJson');
    });

    it('both spellings inside a nested message are rejected too', async () => {
      const human = endpointOf('AddHumanUser');
      const u = unique();
      await rejected(
        () => send(admin, human, { rawBody: JSON.stringify({ userName: `both-${u}`, profile: { firstName: 'A', first_name: 'B', lastName: 'L' }, email: { email: `both-${u}@example.com` } }) }),
        400,
        3,
        'GRANTLINE-InvalidJson',
      );
      const list = endpointOf('ListProjectRoles');
      await rejected(() => send(admin, list, { rawBody: JSON.stringify({ queries: [{ keyQuery: { key: 'a' }, key_query: { key: 'b' } }] }) }), 400, 3, 'GRANTLINE-InvalidJson');
    });

    it.each(REQUIRED_BODY_ENDPOINTS.map((endpoint) => [endpoint.rpc, endpoint] as const))('%s never takes fields from a __proto__ / constructor key', async (_rpc, endpoint) => {
      const body = JSON.stringify(validBody(endpoint));
      for (const wrapper of ['__proto__', 'constructor', 'prototype']) {
        await rejected(() => send(admin, endpoint, { rawBody: `{"${wrapper}": ${body}}` }), 400, 3, 'GRANTLINE-InvalidField');
      }
      await rejected(() => send(admin, endpoint, { rawBody: `{"constructor": {"prototype": ${body}}}` }), 400, 3, 'GRANTLINE-InvalidField');
      expect(({} as Record<string, unknown>).name).toBeUndefined();
      expect(({} as Record<string, unknown>).grantedOrgId).toBeUndefined();
    });

    it('__proto__ and constructor keys next to valid fields are ignored and pollute nothing', async () => {
      const polluting = [
        `{"name": "Proto ${unique()}", "__proto__": {"polluted": "yes", "isAdmin": true}}`,
        `{"name": "Ctor ${unique()}", "constructor": {"prototype": {"polluted": "yes"}}}`,
        `{"name": "Nested ${unique()}", "foo": {"__proto__": {"polluted": "yes"}}, "bar": [{"__proto__": {"polluted": "yes"}}]}`,
      ];
      for (const rawBody of polluting) {
        const answer = await send(admin, endpointOf('AddOrg'), { rawBody });
        expect(answer.status).toBe(200);
      }
      const human = `{"userName": "proto-${unique()}", "profile": {"firstName": "F", "lastName": "L", "__proto__": {"displayName": "Injected"}}, "email": {"email": "p@example.com"}}`;
      const added = await send(admin, endpointOf('AddHumanUser'), { rawBody: human });
      expect(added.status).toBe(200);
      const read = await admin.get(`/management/v1/users/${added.body.userId}`, w.C);
      expect(read.body.user.human.profile.displayName).toBe('F L');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
    });

    it('18: unknown fields, at every level and of any type, are ignored', async () => {
      const grant = await send(admin, endpointOf('AddProjectGrant'), {
        body: { grantedOrgId: w.T, roleKeys: ['reader'], foo: { $where: '1' }, $where: '1', $gt: '', projectId: 'ignored', bar: [1, { baz: null }] },
      });
      expect(grant.status).toBe(200);
      const read = await admin.get(`/management/v1/projects/${w.P}/grants/${grant.body.grantId}`, w.V);
      expect(read.body.projectGrant).toMatchObject({ projectId: w.P, grantedOrgId: w.T, grantedRoleKeys: ['reader'] });
      const list = await send(admin, endpointOf('ListProjectRoles'), { body: { query: { limit: 1, $where: 'sleep(1000)' }, queries: [{ keyQuery: { key: 'reader', $regex: '.*' } }], unknown: true } });
      expect(list.status).toBe(200);
      expect(list.body.result.map((role: { key: string }) => role.key)).toEqual(['reader']);
    });

    it('null means absent: for optional messages, lists and strings', async () => {
      const list = await send(admin, endpointOf('ListProjectRoles'), { body: { query: null, queries: null } });
      expect(list.status).toBe(200);
      const human = await send(admin, endpointOf('AddHumanUser'), { body: { ...validBody(endpointOf('AddHumanUser')), phone: null, initialPassword: null, profile: { firstName: 'F', lastName: 'L', nickName: null, gender: null } } });
      expect(human.status).toBe(200);
      const required = await invalidField(() => send(admin, endpointOf('AddOrg'), { body: { name: null } }), 'AddOrgRequest', 'name', 'value length must be between 1 and 200 runes, inclusive');
      expect(required.status).toBe(400);
      await rejected(() => send(admin, endpointOf('ListProjectRoles'), { body: { queries: [{ keyQuery: null }] } }), 400, 3, 'GRANTLINE-InvalidQuery');
    });
  });

  describe('string fields: required, blank, too long (code points), wrong JSON types', () => {
    const cases = STRING_FIELDS.map((field) => [`${field.rpc}.${field.label}`, field] as const);

    const baseOf = (field: StringField): Json => {
      const endpoint = endpointOf(field.rpc);
      return field.base?.(w, unique()) ?? endpoint.body?.(w, unique()) ?? {};
    };
    const sendWith = (field: StringField, value: unknown, remove = false) => {
      const endpoint = endpointOf(field.rpc);
      return send(admin, endpoint, { body: setAt(baseOf(field), field.at, value, remove) });
    };
    const lengthRule = (field: StringField) =>
      field.required ? `value length must be between 1 and ${field.max} runes, inclusive` : `value length must be at most ${field.max} runes`;

    it.each(cases)('%s: over the limit by one code point (ASCII or astral emoji) answers 400/3 GRANTLINE-InvalidField', async (_name, field) => {
      const request = endpointOf(field.rpc).request;
      await invalidField(() => sendWith(field, 'x'.repeat(field.max + 1)), request, field.label, lengthRule(field));
      await invalidField(() => sendWith(field, emoji(field.max + 1)), request, field.label, lengthRule(field));
      await invalidField(() => sendWith(field, 'x'.repeat(100 * field.max)), request, field.label, lengthRule(field));
    });

    it.each(cases)('%s: a valid value of exactly the limit in astral emoji (twice as many UTF-16 units) passes validation', async (_name, field) => {
      // A short ASCII tag keeps values unique (names and keys are unique); the rest is emoji.
      const tag = String((counter += 1));
      const value = field.maxValue?.(tag) ?? `${tag}${emoji(field.max - tag.length)}`;
      expect([...value]).toHaveLength(field.max);
      expect(value.length).toBeGreaterThan(field.max);
      const answer = await expectOutcome(() => sendWith(field, value), field.atMax);
      expect(answer.body?.details?.[0]?.id).not.toBe('GRANTLINE-InvalidField');
    });

    it.each(cases)('%s: a JSON value that is not a string answers 400/3 GRANTLINE-InvalidField', async (_name, field) => {
      const request = endpointOf(field.rpc).request;
      for (const [, value] of NOT_STRINGS) {
        await invalidField(() => sendWith(field, value), request, field.label);
      }
    });

    it.each(cases.filter(([, field]) => field.required))('%s: missing, null, empty or blank answers 400/3 GRANTLINE-InvalidField', async (_name, field) => {
      const request = endpointOf(field.rpc).request;
      // A missing list element cannot be expressed; an absent item shifts the list, so skip "missing" for list items.
      if (typeof field.at[field.at.length - 1] === 'string') {
        await invalidField(() => sendWith(field, undefined, true), request, field.label, lengthRule(field));
        await invalidField(() => sendWith(field, null), request, field.label, lengthRule(field));
      }
      await invalidField(() => sendWith(field, ''), request, field.label, lengthRule(field));
      for (const blank of [' ', '   ', '\t', '\n\r', ' \u00a0 ', '\u2003\u3000']) {
        await invalidField(() => sendWith(field, blank), request, field.label);
      }
    });

    it.each(cases.filter(([, field]) => !field.required))('%s: optional, so missing, null or empty is fine', async (_name, field) => {
      for (const value of [undefined, null, '']) {
        const answer = await sendWith(field, value, value === undefined);
        expect(answer.body?.details?.[0]?.id).not.toBe('GRANTLINE-InvalidField');
        expect(answer.status).not.toBe(500);
      }
    });
  });

  describe('other typed fields: bools, enums, uints, messages, lists', () => {
    const cases = TYPED_FIELDS.map((field) => [`${field.rpc}.${field.label}`, field] as const);
    const sendWith = (field: TypedField, value: unknown) => {
      const endpoint = endpointOf(field.rpc);
      const base = field.base?.(w, unique()) ?? endpoint.body?.(w, unique()) ?? {};
      return send(admin, endpoint, { body: setAt(base, field.at, value) });
    };

    it.each(cases)('%s: values of the wrong type answer 400/3 GRANTLINE-InvalidField', async (_name, field) => {
      const request = endpointOf(field.rpc).request;
      for (const [, value] of field.bad) {
        await invalidField(() => sendWith(field, value), request, field.label);
      }
    });

    it.each(cases.filter(([, field]) => field.good.length > 0))('%s: values of the right type pass validation', async (_name, field) => {
      for (const value of field.good) {
        const answer = await sendWith(field, value);
        expect({ value, status: answer.status }).toEqual({ value, status: 200 });
      }
    });

    it('AddHumanUser without profile or email answers 400/3 GRANTLINE-InvalidField naming the message', async () => {
      const human = endpointOf('AddHumanUser');
      for (const message of ['profile', 'email']) {
        const body = setAt(validBody(human) ?? {}, [message], undefined, true);
        await invalidField(() => send(admin, human, { body }), 'AddHumanUserRequest', message);
      }
    });

    it('list limits: roleKeys and queries reject one item too many; 1000 role keys pass validation', async () => {
      const grant = endpointOf('AddProjectGrant');
      const keys = (count: number) => Array.from({ length: count }, (_, i) => `key-${i}`);
      await invalidField(() => send(admin, grant, { body: { grantedOrgId: w.T, roleKeys: keys(1001) } }), 'AddProjectGrantRequest', 'roleKeys');
      // 1000 (unknown) keys are a valid list: the business rule answers.
      await rejected(() => send(admin, grant, { body: { grantedOrgId: w.T, roleKeys: keys(1000) } }), 400, 9, 'COMMAND-6m9gd');
      const userGrant = endpointOf('AddUserGrant');
      await invalidField(() => send(admin, userGrant, { body: { projectId: w.P, roleKeys: keys(1001) } }), 'AddUserGrantRequest', 'roleKeys');
      await rejected(() => send(admin, userGrant, { body: { projectId: w.P, roleKeys: keys(1000) } }), 400, 9, 'COMMAND-mm9F4');
      const list = endpointOf('ListProjectRoles');
      const queries = (count: number) => Array.from({ length: count }, () => ({ keyQuery: { key: 'reader' } }));
      await invalidField(() => send(admin, list, { body: { queries: queries(101) } }), 'ListProjectRolesRequest', 'queries');
      expect((await send(admin, list, { body: { queries: queries(100) } })).status).toBe(200);
    });

    it('duplicates count after validation: 1000 copies of one valid key are one key', async () => {
      const org = await admin.addOrg(`Dup keys ${unique()}`);
      const answer = await send(admin, endpointOf('AddProjectGrant'), { body: { grantedOrgId: org, roleKeys: Array.from({ length: 1000 }, () => 'reader') } });
      expect(answer.status).toBe(200);
      const read = await admin.get(`/management/v1/projects/${w.P}/grants/${answer.body.grantId}`, w.V);
      expect(read.body.projectGrant.grantedRoleKeys).toEqual(['reader']);
    });
  });

  describe('path ids', () => {
    const params = ENDPOINTS.flatMap((endpoint) => endpoint.pathParams.map((param) => [`${endpoint.rpc} {${param.field}}`, endpoint, param] as const));

    it.each(params)('%s of 201 characters (ASCII, or percent-encoded emoji) answers 400/3 GRANTLINE-InvalidField', async (_name, endpoint, param) => {
      const rule = 'value length must be between 1 and 200 runes, inclusive';
      for (const id of ['x'.repeat(201), enc(emoji(201)), 'a'.repeat(4000), 'b'.repeat(10000)]) {
        await invalidField(() => send(admin, endpoint, { path: param.path(w, id), body: validBody(endpoint) }), endpoint.request, param.field, rule);
      }
    });

    it.each(params)('%s of exactly 200 characters, or an unknown id, passes validation and answers the endpoint\'s not-found rule', async (_name, endpoint, param) => {
      for (const id of ['x'.repeat(200), enc(emoji(200)), uuidv7(), enc('a/b'), enc('{"$gt":""}'), enc("' OR '1'='1"), enc('%'), enc('*')]) {
        await expectOutcome(() => send(admin, endpoint, { path: param.path(w, id), body: validBody(endpoint) }), param.unknown);
      }
    });

    it.each(params)('%s: an empty path segment is no route (404/5 GRANTLINE-NoRoute)', async (_name, endpoint, param) => {
      await rejected(() => send(admin, endpoint, { path: param.path(w, ''), body: validBody(endpoint) }), 404, 5, 'GRANTLINE-NoRoute');
    });
  });
});

describe('ZITADEL dialect: reads that cannot become consistent in time', () => {
  let service: TestApp;
  let admin: ZitadelClient;

  beforeAll(async () => {
    service = await startTestApp({ GRANTLINE_CONSISTENCY_TIMEOUT_MS: '150' });
    admin = new ZitadelClient(service.baseUrl);
  });
  afterAll(async () => service.close());

  it('a min-position beyond the head answers 503/14 GRANTLINE-NotConsistent with Retry-After: 1; eventual does not wait', async () => {
    const org = await admin.addOrg('Vendor');
    const ahead = String((await service.platform.eventStore.headPosition()) + 1000);
    const before = await service.platform.eventStore.headPosition();
    const answer = await admin.call('GET', '/management/v1/orgs/me', { org, headers: { 'x-grantline-min-position': ahead } });
    expectZitadelError(answer, 503, 14, 'GRANTLINE-NotConsistent');
    expect(answer.body.details[0].message).toBe('The read models have not caught up with earlier writes yet; retry shortly');
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(await service.platform.eventStore.headPosition()).toBe(before);
    const eventual = await admin.call('GET', '/management/v1/orgs/me', { org, headers: { 'x-grantline-min-position': ahead, 'x-grantline-consistency': 'eventual' } });
    expect(eventual.status).toBe(200);
    // Commands do not wait for projections.
    const command = await admin.call('POST', '/management/v1/projects', { org, body: { name: 'Portal' }, headers: { 'x-grantline-min-position': ahead } });
    expect(command.status).toBe(200);
  });
});

import { type TestApp, ZitadelClient, startTestApp } from '../support/app';

/**
 * R7: a corpus of hostile payloads against every write endpoint of the ZITADEL dialect. Each must
 * get a clear 4xx in the dialect's shape, never a 5xx, and write nothing (the event store head
 * does not move).
 */

/** Bodies no endpoint accepts: not one JSON object, too big, too deep, ambiguous keys. */
const MALFORMED_BODIES: readonly string[] = [
  '{not json',
  '[]',
  '[{}]',
  '"a string"',
  '42',
  'true',
  'null',
  '{"a":1,}',
  "{'single': 'quotes'}",
  '{"unterminated": "str',
  '{"a": NaN}',
  '{"a": Infinity}',
  '{"a": undefined}',
  '\u0000{}',
  '{"a":1}{"b":2}',
  '{"a":1} trailing',
  '<?xml version="1.0"?><a/>',
  'a=1&b=2',
  `{"pad":"${'x'.repeat(1024 * 1024 + 10)}"}`,
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  `{"a":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}`,
  '{"roleKeys":["a"],"role_keys":["b"]}',
  '{"grantId":["a"],"grant_id":["b"]}',
  '{"name":"a","name_":"b","displayName":"c","display_name":"d","grantedOrgId":"x","granted_org_id":"y"}',
  '\uFEFF\uFEFF',
];

/** Wrong values for a string field. */
const BAD_STRINGS: readonly unknown[] = [
  { $gt: '' },
  { $ne: null },
  { $where: 'sleep(1000)' },
  { $regex: '.*' },
  ['a'],
  123,
  true,
  {},
  'x'.repeat(201),
  '   ',
  '',
  null,
  1.5,
  [],
  { toString: 'x' },
];

/** Wrong values for a list of strings. */
const BAD_LISTS: readonly unknown[] = [
  'reader',
  { $in: ['reader'] },
  [{ $gt: '' }],
  [123],
  [null],
  [''],
  ['x'.repeat(201)],
  Array.from({ length: 1001 }, (_, i) => `k${i}`),
  { 0: 'reader' },
  true,
];

/** Hostile headers on an otherwise valid request: credentials, acting org, consistency controls. */
const BAD_HEADERS: ReadonlyArray<Readonly<Record<string, string>>> = [
  { authorization: '' },
  { authorization: 'Bearer' },
  { authorization: 'Bearer wrong-token' },
  { authorization: 'Basic dGVzdDp0ZXN0' },
  { authorization: 'bearer{"$gt":""}' },
  { 'x-zitadel-orgid': '{"$gt":""}' },
  { 'x-zitadel-orgid': 'unknown-org' },
  { 'x-zitadel-orgid': '../../admin' },
  { 'x-grantline-consistency': 'weak' },
  { 'x-grantline-consistency': '{"$ne":"strong"}' },
  { 'x-grantline-min-position': '-1' },
  { 'x-grantline-min-position': '1e3' },
  { 'x-grantline-min-position': '{"$gt":0}' },
  { 'x-grantline-min-position': '99999999999999999999' },
  { 'x-grantline-min-position': '1.5' },
];

/** Hostile values for a path id (sent percent-encoded). */
const BAD_PATH_IDS: readonly string[] = [
  '{"$gt":""}',
  '$where',
  '../../etc/passwd',
  "' OR '1'='1",
  'x'.repeat(201),
  '%00',
  '__proto__',
  'constructor',
  '.*',
  '%',
  '\u202e',
  'null',
  '0',
  '-1',
  '🦒'.repeat(201),
  'a b',
  'undefined',
  '$regex',
  '[object Object]',
  ';DROP TABLE events;--',
  '\\',
  '*',
  'a\nb',
  'prototype',
  '%2e%2e',
];

interface Endpoint {
  readonly name: string;
  readonly method: string;
  /** Path with `{id}` where a hostile path id may go. */
  readonly path: string;
  readonly org?: 'vendor' | 'customer';
  /** Required fields that must each be valid for the endpoint to do anything. */
  readonly fields: Readonly<Record<string, 'string' | 'list'>>;
  /** A valid body to combine one bad field with. */
  readonly valid: Readonly<Record<string, unknown>>;
  /** An unknown path id is a successful no-op here (RemoveProjectRole, zitadel-api.md §7 kept 10). */
  readonly unknownIdIsNoOp?: boolean;
}

describe('R7: hostile payloads against every write endpoint', () => {
  let service: TestApp;
  let client: ZitadelClient;
  const ids: Record<string, string> = {};
  let endpoints: Endpoint[] = [];

  beforeAll(async () => {
    service = await startTestApp();
    client = new ZitadelClient(service.baseUrl);
    ids.vendor = await client.addOrg('Vendor');
    ids.customer = await client.addOrg('Customer A');
    ids.project = await client.addProject(ids.vendor, 'Portal', ['reader', 'writer']);
    ids.grant = await client.addProjectGrant(ids.vendor, ids.project, ids.customer, ['reader', 'writer']);
    ids.user = await client.addHuman(ids.customer, 'gigi');
    ids.userGrant = await client.addUserGrant(ids.customer, ids.user, { projectId: ids.project, roleKeys: ['reader'] });
    const { project, grant, user, userGrant, customer } = ids;
    endpoints = [
      { name: 'AddOrg', method: 'POST', path: '/management/v1/orgs', fields: { name: 'string' }, valid: { name: 'New org' } },
      { name: 'AddProject', method: 'POST', path: '/management/v1/projects', org: 'vendor', fields: { name: 'string' }, valid: { name: 'New project' } },
      { name: 'AddProjectRole', method: 'POST', path: '/management/v1/projects/{id}/roles', org: 'vendor', fields: { roleKey: 'string', displayName: 'string' }, valid: { roleKey: 'new', displayName: 'New' } },
      { name: 'BulkAddProjectRoles', method: 'POST', path: '/management/v1/projects/{id}/roles/_bulk', org: 'vendor', fields: { roles: 'list' }, valid: { roles: [{ key: 'bulk', displayName: 'Bulk' }] } },
      { name: 'UpdateProjectRole', method: 'PUT', path: '/management/v1/projects/{id}/roles/reader', org: 'vendor', fields: { displayName: 'string' }, valid: { displayName: 'Renamed' } },
      { name: 'RemoveProjectRole', method: 'DELETE', path: `/management/v1/projects/${project}/roles/{id}`, org: 'vendor', fields: {}, valid: {}, unknownIdIsNoOp: true },
      { name: 'RemoveProject', method: 'DELETE', path: '/management/v1/projects/{id}', org: 'vendor', fields: {}, valid: {} },
      { name: 'AddHumanUser', method: 'POST', path: '/management/v1/users/human', org: 'customer', fields: { userName: 'string' }, valid: { userName: 'newbie', profile: { firstName: 'N', lastName: 'B' }, email: { email: 'n@example.com' } } },
      { name: 'AddMachineUser', method: 'POST', path: '/management/v1/users/machine', org: 'customer', fields: { userName: 'string', name: 'string' }, valid: { userName: 'robot', name: 'Robot' } },
      { name: 'RemoveUser', method: 'DELETE', path: '/management/v1/users/{id}', org: 'customer', fields: {}, valid: {} },
      { name: 'AddProjectGrant', method: 'POST', path: '/management/v1/projects/{id}/grants', org: 'vendor', fields: { grantedOrgId: 'string', roleKeys: 'list' }, valid: { grantedOrgId: customer, roleKeys: ['reader'] } },
      { name: 'UpdateProjectGrant', method: 'PUT', path: `/management/v1/projects/${project}/grants/{id}`, org: 'vendor', fields: { roleKeys: 'list' }, valid: { roleKeys: ['writer'] } },
      { name: 'DeactivateProjectGrant', method: 'POST', path: `/management/v1/projects/${project}/grants/{id}/_deactivate`, org: 'vendor', fields: {}, valid: {} },
      { name: 'ReactivateProjectGrant', method: 'POST', path: `/management/v1/projects/${project}/grants/{id}/_reactivate`, org: 'vendor', fields: {}, valid: {} },
      { name: 'RemoveProjectGrant', method: 'DELETE', path: `/management/v1/projects/${project}/grants/{id}`, org: 'vendor', fields: {}, valid: {} },
      { name: 'AddUserGrant', method: 'POST', path: '/management/v1/users/{id}/grants', org: 'customer', fields: { projectId: 'string', roleKeys: 'list' }, valid: { projectId: project, roleKeys: ['writer'] } },
      { name: 'UpdateUserGrant', method: 'PUT', path: `/management/v1/users/${user}/grants/{id}`, org: 'customer', fields: { roleKeys: 'list' }, valid: { roleKeys: ['writer'] } },
      { name: 'DeactivateUserGrant', method: 'POST', path: `/management/v1/users/${user}/grants/{id}/_deactivate`, org: 'customer', fields: {}, valid: {} },
      { name: 'ReactivateUserGrant', method: 'POST', path: `/management/v1/users/${user}/grants/{id}/_reactivate`, org: 'customer', fields: {}, valid: {} },
      { name: 'RemoveUserGrant', method: 'DELETE', path: `/management/v1/users/${user}/grants/{id}`, org: 'customer', fields: {}, valid: {} },
      { name: 'BulkRemoveUserGrant', method: 'DELETE', path: '/management/v1/user_grants/_bulk', org: 'customer', fields: { grantId: 'list' }, valid: { grantId: [userGrant] } },
    ];
    // Real ids for the `{id}` slot when the body is what is hostile.
    ids.pathFor = '';
    void grant;
  });
  afterAll(async () => service.close());

  function realId(endpoint: Endpoint): string {
    if (endpoint.path.includes('/roles/{id}')) return 'reader';
    if (endpoint.path.includes('/grants/{id}')) return endpoint.path.startsWith('/management/v1/users') ? ids.userGrant ?? '' : ids.grant ?? '';
    if (endpoint.path.startsWith('/management/v1/users/{id}')) return ids.user ?? '';
    return ids.project ?? '';
  }

  /** Every hostile request of one endpoint: at least 50. */
  function corpus(endpoint: Endpoint): Array<{ label: string; path: string; body: string; headers?: Record<string, string> }> {
    const path = endpoint.path.replace('{id}', encodeURIComponent(realId(endpoint)));
    const requests: Array<{ label: string; path: string; body: string; headers?: Record<string, string> }> = MALFORMED_BODIES.map((body, i) => ({
      label: `malformed body #${i}`,
      path,
      body,
    }));
    for (const [i, headers] of BAD_HEADERS.entries()) requests.push({ label: `header #${i}`, path, body: JSON.stringify(endpoint.valid), headers });
    for (const [field, kind] of Object.entries(endpoint.fields)) {
      for (const [i, value] of (kind === 'string' ? BAD_STRINGS : BAD_LISTS).entries()) {
        requests.push({ label: `${field} = bad value #${i}`, path, body: JSON.stringify({ ...endpoint.valid, [field]: value }) });
      }
    }
    if (endpoint.path.includes('{id}')) {
      for (const [i, id] of BAD_PATH_IDS.entries()) {
        requests.push({ label: `path id #${i}`, path: endpoint.path.replace('{id}', encodeURIComponent(id)), body: JSON.stringify(endpoint.valid) });
      }
    }
    return requests;
  }

  it('every write endpoint gets at least 50 hostile requests, each a clear 4xx that writes nothing', async () => {
    for (const endpoint of endpoints) {
      const requests = corpus(endpoint);
      expect({ endpoint: endpoint.name, enough: requests.length >= 50 }).toEqual({ endpoint: endpoint.name, enough: true });
      for (const request of requests) {
        const head = await service.platform.eventStore.headPosition();
        const org = endpoint.org === undefined ? undefined : ids[endpoint.org];
        const answer = await client.call(endpoint.method, request.path, {
          rawBody: request.body,
          ...(org !== undefined ? { org } : {}),
          ...(request.headers !== undefined ? { headers: request.headers } : {}),
        });
        const noOp = endpoint.unknownIdIsNoOp === true && request.label.startsWith('path id') && answer.status === 200;
        const outcome = {
          endpoint: endpoint.name,
          request: request.label,
          clientError: noOp || (answer.status >= 400 && answer.status < 500),
          shaped: noOp || (typeof answer.body?.code === 'number' && typeof answer.body?.details?.[0]?.id === 'string'),
          wrote: (await service.platform.eventStore.headPosition()) !== head,
        };
        expect(outcome).toEqual({ endpoint: endpoint.name, request: request.label, clientError: true, shaped: true, wrote: false });
      }
    }
  });
});

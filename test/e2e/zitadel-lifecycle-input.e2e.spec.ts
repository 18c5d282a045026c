/**
 * Hostile and bad input for the grant lifecycle endpoints of the ZITADEL dialect (zitadel-api.md
 * §2.3, §2.4, the role/project/user removals of §2.2), and cross-tenant access (§1.3, §3).
 *
 * Every failing request is checked to answer its documented error (never 5xx) and to append
 * nothing: the event store's head does not move (cascades of earlier steps are let finish first).
 */
import { v7 as uuidv7 } from 'uuid';
import { type HttpAnswer, type TestApp, ZitadelClient, expectZitadelError, startTestApp } from '../support/app';

const M = '/management/v1';
const DECIMAL = /^\d+$/;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const enc = encodeURIComponent;

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** One endpoint: how to call it with given path ids, and a valid body for it. */
interface Route {
  readonly rpc: string;
  readonly method: Method;
  /** Path ids by name, in path order; the values are the fixture's. */
  readonly ids: Readonly<Record<string, string>>;
  readonly path: (ids: Readonly<Record<string, string>>) => string;
  /** The org a valid request acts in. */
  readonly org: string;
  /** A valid body; undefined for GET. */
  readonly body?: unknown;
  /** Request message name in validation messages. */
  readonly request: string;
  /** Field name of each path id in validation messages. */
  readonly fields: Readonly<Record<string, string>>;
}

describe('ZITADEL lifecycle endpoints: hostile and bad input, cross-tenant access', () => {
  let service: TestApp;
  let client: ZitadelClient;
  let anonymous: ZitadelClient;
  let impostor: ZitadelClient;

  // Fixture: Vendor V owns project P (reader, writer, team/admin) granted to Customer C as G with
  // [reader, writer]; gigi (C) holds UG on G [reader]; vera (V) holds UGV on P [writer] owned by V.
  // T is a third org with nothing.
  let V: string;
  let C: string;
  let T: string;
  let P: string;
  let G: string;
  let gigi: string;
  let vera: string;
  let UG: string;
  let UGV: string;

  const head = () => service.platform.eventStore.headPosition();

  /** Waits until every projection and the cascade reactor have processed the head and stay there. */
  async function settle(timeoutMs = 10000): Promise<void> {
    const runner = service.platform.runner;
    if (runner === null) throw new Error('no projection runner');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const before = await head();
      const statuses = await runner.status();
      const stopped = statuses.find((status) => status.state === 'stopped');
      if (stopped !== undefined) throw new Error(`projection ${stopped.key} stopped: ${JSON.stringify(stopped.failure)}`);
      if (statuses.every((status) => status.position === before)) {
        await sleep(20);
        const again = await runner.status();
        if ((await head()) === before && again.every((status) => status.position === before)) return;
      }
      if (Date.now() > deadline) throw new Error(`not idle after ${timeoutMs} ms`);
      await sleep(5);
    }
  }

  /** The request fails with exactly this error, never 5xx, and appends nothing. */
  async function rejected(send: () => Promise<HttpAnswer>, status: number, code: number, id: string, label = ''): Promise<HttpAnswer> {
    await settle();
    const before = await head();
    const answer = await send();
    expect({ label, status: answer.status < 500 }).toEqual({ label, status: true });
    expect({ label, status: answer.status, code: answer.body?.code, id: answer.body?.details?.[0]?.id }).toEqual({ label, status, code, id });
    expectZitadelError(answer, status, code, id);
    expect({ label, head: await head() }).toEqual({ label, head: before });
    return answer;
  }

  async function ok(send: () => Promise<HttpAnswer>, label = ''): Promise<HttpAnswer> {
    const answer = await send();
    expect({ label, status: answer.status, body: answer.status === 200 ? 'ok' : answer.body }).toEqual({ label, status: 200, body: 'ok' });
    return answer;
  }

  /** A successful request that must append nothing. */
  async function unchanged(send: () => Promise<HttpAnswer>, label = ''): Promise<HttpAnswer> {
    await settle();
    const before = await head();
    const answer = await ok(send, label);
    expect({ label, head: await head() }).toEqual({ label, head: before });
    return answer;
  }

  function call(route: Route, options: { ids?: Readonly<Record<string, string>>; org?: string; body?: unknown; rawBody?: string; as?: ZitadelClient } = {}) {
    const who = options.as ?? client;
    const path = route.path({ ...route.ids, ...(options.ids ?? {}) });
    const org = options.org ?? route.org;
    if (route.method === 'GET') return who.call('GET', path, { org });
    if (options.rawBody !== undefined) return who.call(route.method, path, { org, rawBody: options.rawBody });
    return who.call(route.method, path, { org, body: 'body' in options ? options.body : route.body });
  }

  /** Every new endpoint, with valid ids and body. */
  function routes(): Route[] {
    const grant = (rpc: string, method: Method, suffix: string, body?: unknown): Route => ({
      rpc,
      method,
      ids: { projectId: P, grantId: G },
      path: (ids) => `${M}/projects/${enc(ids.projectId ?? '')}/grants/${enc(ids.grantId ?? '')}${suffix}`,
      org: V,
      ...(body !== undefined ? { body } : {}),
      request: `${rpc}Request`,
      fields: { projectId: 'projectId', grantId: 'grantId' },
    });
    const userGrant = (rpc: string, method: Method, suffix: string, body?: unknown): Route => ({
      rpc,
      method,
      ids: { userId: gigi, grantId: UG },
      path: (ids) => `${M}/users/${enc(ids.userId ?? '')}/grants/${enc(ids.grantId ?? '')}${suffix}`,
      org: C,
      ...(body !== undefined ? { body } : {}),
      request: `${rpc}Request`,
      fields: { userId: 'userId', grantId: 'grantId' },
    });
    const role = (rpc: string, method: Method, body?: unknown): Route => ({
      rpc,
      method,
      ids: { projectId: P, roleKey: 'team/admin' },
      // The role key is the rest of the path: its '/' are kept, everything else is encoded.
      path: (ids) => `${M}/projects/${enc(ids.projectId ?? '')}/roles/${(ids.roleKey ?? '').split('/').map(enc).join('/')}`,
      org: V,
      ...(body !== undefined ? { body } : {}),
      request: `${rpc}Request`,
      fields: { projectId: 'projectId', roleKey: 'roleKey' },
    });
    return [
      {
        rpc: 'ListProjectGrants',
        method: 'POST',
        ids: { projectId: P },
        path: (ids) => `${M}/projects/${enc(ids.projectId ?? '')}/grants/_search`,
        org: V,
        body: {},
        request: 'ListProjectGrantsRequest',
        fields: { projectId: 'projectId' },
      },
      { rpc: 'ListAllProjectGrants', method: 'POST', ids: {}, path: () => `${M}/projectgrants/_search`, org: V, body: {}, request: 'ListAllProjectGrantsRequest', fields: {} },
      grant('UpdateProjectGrant', 'PUT', '', { roleKeys: ['reader', 'writer'] }),
      grant('DeactivateProjectGrant', 'POST', '/_deactivate', {}),
      grant('ReactivateProjectGrant', 'POST', '/_reactivate', {}),
      grant('RemoveProjectGrant', 'DELETE', ''),
      { rpc: 'ListGrantedProjects', method: 'POST', ids: {}, path: () => `${M}/granted_projects/_search`, org: C, body: {}, request: 'ListGrantedProjectsRequest', fields: {} },
      {
        rpc: 'GetGrantedProjectByID',
        method: 'GET',
        ids: { projectId: P, grantId: G },
        path: (ids) => `${M}/granted_projects/${enc(ids.projectId ?? '')}/grants/${enc(ids.grantId ?? '')}`,
        org: C,
        request: 'GetGrantedProjectByIDRequest',
        fields: { projectId: 'projectId', grantId: 'grantId' },
      },
      userGrant('GetUserGrantByID', 'GET', ''),
      { rpc: 'ListUserGrants', method: 'POST', ids: {}, path: () => `${M}/users/grants/_search`, org: C, body: {}, request: 'ListUserGrantsRequest', fields: {} },
      userGrant('UpdateUserGrant', 'PUT', '', { roleKeys: ['writer'] }),
      userGrant('DeactivateUserGrant', 'POST', '/_deactivate', {}),
      userGrant('ReactivateUserGrant', 'POST', '/_reactivate', {}),
      userGrant('RemoveUserGrant', 'DELETE', ''),
      { rpc: 'BulkRemoveUserGrant', method: 'DELETE', ids: {}, path: () => `${M}/user_grants/_bulk`, org: C, body: { grantId: [UG] }, request: 'BulkRemoveUserGrantRequest', fields: {} },
      role('UpdateProjectRole', 'PUT', { displayName: 'Team admin' }),
      role('RemoveProjectRole', 'DELETE'),
      {
        rpc: 'RemoveProject',
        method: 'DELETE',
        ids: { id: P },
        path: (ids) => `${M}/projects/${enc(ids.id ?? '')}`,
        org: V,
        request: 'RemoveProjectRequest',
        fields: { id: 'id' },
      },
      {
        rpc: 'RemoveUser',
        method: 'DELETE',
        ids: { id: gigi },
        path: (ids) => `${M}/users/${enc(ids.id ?? '')}`,
        org: C,
        request: 'RemoveUserRequest',
        fields: { id: 'id' },
      },
    ];
  }

  const route = (rpc: string): Route => {
    const found = routes().find((candidate) => candidate.rpc === rpc);
    if (found === undefined) throw new Error(`no route ${rpc}`);
    return found;
  };
  const LISTS = ['ListProjectGrants', 'ListAllProjectGrants', 'ListGrantedProjects', 'ListUserGrants'] as const;
  const listUserGrants = (org: string, body: unknown) => client.post(`${M}/users/grants/_search`, body, org);

  /** Asserts that the fixture is intact: G active with both roles, UG and UGV as created. */
  async function expectFixtureIntact(): Promise<void> {
    const grant = await ok(() => client.get(`${M}/projects/${P}/grants/${G}`, V));
    expect(grant.body.projectGrant).toMatchObject({ state: 'PROJECT_GRANT_STATE_ACTIVE', grantedRoleKeys: ['reader', 'writer'] });
    const ug = await ok(() => client.get(`${M}/users/${gigi}/grants/${UG}`, C));
    expect(ug.body.userGrant).toMatchObject({ state: 'USER_GRANT_STATE_ACTIVE', roleKeys: ['reader'] });
    expect(ug.body.userGrant.details.sequence).toBe('1');
    const ugv = await ok(() => client.get(`${M}/users/${vera}/grants/${UGV}`, V));
    expect(ugv.body.userGrant).toMatchObject({ state: 'USER_GRANT_STATE_ACTIVE', roleKeys: ['writer'] });
    const roles = await ok(() => client.post(`${M}/projects/${P}/roles/_search`, { query: { asc: true } }, V));
    expect(roles.body.result.map((role: { key: string; displayName: string }) => [role.key, role.displayName])).toEqual([
      ['reader', 'reader'],
      ['writer', 'writer'],
      ['team/admin', 'team/admin'],
    ]);
    expect((await ok(() => client.get(`${M}/projects/${P}`, V))).body.project.name).toBe('Portal');
    expect((await ok(() => client.get(`${M}/users/${gigi}`, C))).body.user.userName).toBe('gigi');
  }

  beforeAll(async () => {
    service = await startTestApp();
    client = new ZitadelClient(service.baseUrl);
    anonymous = new ZitadelClient(service.baseUrl, null);
    impostor = new ZitadelClient(service.baseUrl, 'wrong-token-0123456789');
    V = await client.addOrg('Vendor');
    C = await client.addOrg('Customer A');
    T = await client.addOrg('Tenant T');
    P = await client.addProject(V, 'Portal', ['reader', 'writer', 'team/admin']);
    G = await client.addProjectGrant(V, P, C, ['reader', 'writer']);
    gigi = await client.addHuman(C, 'gigi');
    vera = await client.addHuman(V, 'vera');
    UG = await client.addUserGrant(C, gigi, { projectId: P, roleKeys: ['reader'] });
    UGV = await client.addUserGrant(V, vera, { projectId: P, roleKeys: ['writer'] });
  });
  afterAll(async () => service?.close());

  describe('authentication and acting org come first (§1.2)', () => {
    it('every endpoint without a token answers 401/16 GRANTLINE-NoToken, whatever its body', async () => {
      for (const r of routes()) {
        await rejected(() => call(r, { as: anonymous }), 401, 16, 'GRANTLINE-NoToken', r.rpc);
        if (r.method !== 'GET') {
          await rejected(() => call(r, { as: anonymous, rawBody: '{not json' }), 401, 16, 'GRANTLINE-NoToken', `${r.rpc} bad json`);
          await rejected(() => call(r, { as: anonymous, body: { roleKeys: { $gt: '' }, grantId: 'x'.repeat(201) } }), 401, 16, 'GRANTLINE-NoToken', `${r.rpc} bad body`);
        }
        await rejected(() => call(r, { as: anonymous, ids: Object.fromEntries(Object.keys(r.ids).map((key) => [key, 'x'.repeat(201)])) }), 401, 16, 'GRANTLINE-NoToken', `${r.rpc} long ids`);
      }
      await expectFixtureIntact();
    });

    it('a wrong token answers 401/16 AUTH-7fs1e; an unknown acting org 403/7 AUTH-Bs7Ds; no acting org 400/3 GRANTLINE-NoOrg', async () => {
      for (const r of routes()) {
        await rejected(() => call(r, { as: impostor }), 401, 16, 'AUTH-7fs1e', r.rpc);
        await rejected(() => call(r, { org: uuidv7() }), 403, 7, 'AUTH-Bs7Ds', r.rpc);
        await rejected(() => call(r, { org: '' }), 400, 3, 'GRANTLINE-NoOrg', r.rpc);
        // The acting org is checked before the body.
        if (r.method !== 'GET') await rejected(() => call(r, { org: uuidv7(), rawBody: '[]' }), 403, 7, 'AUTH-Bs7Ds', `${r.rpc} bad body`);
      }
      await expectFixtureIntact();
    });
  });

  describe('bodies (§1.4)', () => {
    it('bad JSON, arrays, scalars and null as body answer 400/3 GRANTLINE-InvalidJson on every endpoint with a body', async () => {
      for (const r of routes().filter((candidate) => candidate.method !== 'GET')) {
        for (const rawBody of ['{not json', '[]', '[{}]', '"text"', '42', 'null', 'true', '{"a": 1} {"b": 2}', '{"roleKeys": ["reader"],}']) {
          await rejected(() => call(r, { rawBody }), 400, 3, 'GRANTLINE-InvalidJson', `${r.rpc} ${rawBody}`);
        }
        // Both spellings of one field.
        await rejected(() => call(r, { rawBody: '{"roleKeys": [], "role_keys": []}' }), 400, 3, 'GRANTLINE-InvalidJson', `${r.rpc} both spellings`);
        // Over 1 MiB.
        await rejected(() => call(r, { rawBody: JSON.stringify({ padding: 'x'.repeat(1024 * 1024 + 10) }) }), 400, 3, 'GRANTLINE-BodyTooLarge', `${r.rpc} too large`);
      }
      await expectFixtureIntact();
    });

    it('an empty body is {} and unknown fields are ignored at every level', async () => {
      await unchanged(() => call(route('ListUserGrants'), { rawBody: '' }), 'empty body');
      await unchanged(() => call(route('ListAllProjectGrants'), { body: { foo: { $gt: '' }, query: { bar: [1] } } }), 'unknown fields');
      // Path ids win over body fields of the same name.
      await unchanged(() => call(route('UpdateProjectGrant'), { body: { roleKeys: ['reader', 'writer'], projectId: uuidv7(), grantId: uuidv7(), extra: [1, 2] } }), 'update unknown fields');
      await unchanged(() => call(route('ReactivateProjectGrant'), { body: { anything: { $where: 'sleep(1000)' } } }), 'reactivate ignores the body');
      await unchanged(() => call(route('ReactivateUserGrant'), { rawBody: '{"state": "USER_GRANT_STATE_INACTIVE"}' }), 'reactivate user grant ignores the body');
      const unknownRole = await unchanged(() => call(route('RemoveProjectRole'), { ids: { roleKey: 'no/such/role' }, body: { $gt: '' } }), 'remove unknown role');
      expect(unknownRole.body).toEqual({ details: { resourceOwner: V } });
      await expectFixtureIntact();
    });

    it('role-key lists: wrong types, operator objects, bad items and over 1000 items answer 400/3 GRANTLINE-InvalidField', async () => {
      const cases: [string, unknown, RegExp][] = [
        ['string', 'reader', /\.roleKeys: value must be a list$/],
        ['object', { $in: ['reader'] }, /\.roleKeys: value must be a list$/],
        ['number item', ['reader', 7], /\.roleKeys\[1\]: value must be a string$/],
        ['operator item', [{ $gt: '' }], /\.roleKeys\[0\]: value must be a string$/],
        ['array item', [['reader']], /\.roleKeys\[0\]: value must be a string$/],
        ['empty item', ['reader', ''], /\.roleKeys\[1\]: value length must be between 1 and 200 runes, inclusive$/],
        ['201 chars', ['r'.repeat(201)], /\.roleKeys\[0\]: value length must be between 1 and 200 runes, inclusive$/],
        ['1001 items', Array.from({ length: 1001 }, (_, i) => `role-${i}`), /\.roleKeys: value must contain no more than 1000 item\(s\)$/],
        ['number', 5, /\.roleKeys: value must be a list$/],
        ['bool', true, /\.roleKeys: value must be a list$/],
      ];
      for (const rpc of ['UpdateProjectGrant', 'UpdateUserGrant']) {
        for (const [label, roleKeys, message] of cases) {
          const answer = await rejected(() => call(route(rpc), { body: { roleKeys } }), 400, 3, 'GRANTLINE-InvalidField', `${rpc} ${label}`);
          expect(answer.body.details[0].message).toMatch(new RegExp(`^invalid ${rpc}Request${message.source}`));
          await rejected(() => call(route(rpc), { body: { role_keys: roleKeys } }), 400, 3, 'GRANTLINE-InvalidField', `${rpc} snake ${label}`);
        }
      }
      // Exactly 1000 items is allowed by the decoder; they are then refused as unknown roles.
      const thousand = Array.from({ length: 1000 }, (_, i) => `role-${i}`);
      await rejected(() => call(route('UpdateProjectGrant'), { body: { roleKeys: thousand } }), 400, 9, 'COMMAND-6m9gd', 'UpdateProjectGrant 1000');
      await rejected(() => call(route('UpdateUserGrant'), { body: { roleKeys: thousand } }), 400, 9, 'COMMAND-mm9F4', 'UpdateUserGrant 1000');
      await expectFixtureIntact();
    });

    it('BulkRemoveUserGrant: grantId wrong types, operator objects, bad items and over 1000 items answer 400/3 GRANTLINE-InvalidField', async () => {
      const bulk = route('BulkRemoveUserGrant');
      const cases: [string, unknown][] = [
        ['string', UG],
        ['object', { $in: [UG] }],
        ['operator item', [{ $gt: '' }]],
        ['number item', [UG, 1]],
        ['empty item', [UG, '']],
        ['201 chars', [UG, 'g'.repeat(201)]],
        ['1001 items', Array.from({ length: 1001 }, () => uuidv7())],
      ];
      for (const [label, grantId] of cases) {
        const answer = await rejected(() => call(bulk, { body: { grantId } }), 400, 3, 'GRANTLINE-InvalidField', label);
        expect(answer.body.details[0].message).toMatch(/^invalid BulkRemoveUserGrantRequest\.grantId/);
        await rejected(() => call(bulk, { body: { grant_id: grantId } }), 400, 3, 'GRANTLINE-InvalidField', `snake ${label}`);
      }
      // Absent, null and empty lists are "no ids".
      for (const body of [{}, { grantId: null }, { grantId: [] }, { grantIds: [UG] }]) {
        await rejected(() => call(bulk, { body }), 400, 3, 'COMMAND-5M0sd', JSON.stringify(body));
      }
      // 1000 unknown ids are checked in order and refused before anything is written.
      await rejected(() => call(bulk, { body: { grantId: [UG, ...Array.from({ length: 999 }, () => uuidv7())] } }), 404, 5, 'COMMAND-1My0t', '1000 ids');
      await expectFixtureIntact();
    });

    it('UpdateProjectRole: missing, blank, over-long, wrong-typed displayName and group answer 400/3 GRANTLINE-InvalidField', async () => {
      const update = route('UpdateProjectRole');
      const cases: [string, unknown, RegExp][] = [
        ['no displayName', {}, /^invalid UpdateProjectRoleRequest\.displayName: value length must be between 1 and 200 runes, inclusive$/],
        ['empty displayName', { displayName: '' }, /^invalid UpdateProjectRoleRequest\.displayName: /],
        ['blank displayName', { displayName: '   ' }, /^invalid UpdateProjectRoleRequest\.displayName: value must not be blank$/],
        ['201 chars', { displayName: 'd'.repeat(201) }, /^invalid UpdateProjectRoleRequest\.displayName: value length must be between 1 and 200 runes, inclusive$/],
        ['operator', { displayName: { $gt: '' } }, /^invalid UpdateProjectRoleRequest\.displayName: value must be a string$/],
        ['number', { displayName: 5 }, /^invalid UpdateProjectRoleRequest\.displayName: value must be a string$/],
        ['list', { displayName: ['a'] }, /^invalid UpdateProjectRoleRequest\.displayName: value must be a string$/],
        ['group list', { displayName: 'ok', group: ['a'] }, /^invalid UpdateProjectRoleRequest\.group: value must be a string$/],
        ['group operator', { displayName: 'ok', group: { $ne: null } }, /^invalid UpdateProjectRoleRequest\.group: value must be a string$/],
        ['group 201', { displayName: 'ok', group: 'g'.repeat(201) }, /^invalid UpdateProjectRoleRequest\.group: value length must be at most 200 runes$/],
      ];
      for (const [label, body, message] of cases) {
        const answer = await rejected(() => call(update, { body }), 400, 3, 'GRANTLINE-InvalidField', label);
        expect({ label, message: answer.body.details[0].message }).toEqual({ label, message: expect.stringMatching(message) });
      }
      // 200 code points (not bytes) are fine, and stored exactly.
      const wide = '😀'.repeat(200);
      await ok(() => call(update, { body: { displayName: wide, group: '🙂'.repeat(200) } }), 'wide');
      const roles = await ok(() => client.post(`${M}/projects/${P}/roles/_search`, { queries: [{ keyQuery: { key: 'team/admin' } }] }, V));
      expect(roles.body.result[0]).toMatchObject({ key: 'team/admin', displayName: wide, group: '🙂'.repeat(200) });
      await ok(() => call(update, { body: { displayName: 'team/admin', group: '' } }), 'restore');
      await expectFixtureIntact();
    });
  });

  describe('path ids (§2: 1–200 characters)', () => {
    it('201-character path ids answer 400/3 GRANTLINE-InvalidField naming the field; 200 code points are valid ids', async () => {
      for (const r of routes()) {
        for (const key of Object.keys(r.ids)) {
          for (const long of ['x'.repeat(201), '😀'.repeat(201), key === 'roleKey' ? `${'a/'.repeat(100)}a` : 'y'.repeat(300)]) {
            const answer = await rejected(() => call(r, { ids: { [key]: long } }), 400, 3, 'GRANTLINE-InvalidField', `${r.rpc} ${key}`);
            expect({ rpc: r.rpc, message: answer.body.details[0].message }).toEqual({
              rpc: r.rpc,
              message: `invalid ${r.request}.${r.fields[key]}: value length must be between 1 and 200 runes, inclusive`,
            });
          }
          // Validation (step 6) comes before the business rules, also for a bad body.
          if (r.method !== 'GET' && r.body !== undefined) {
            await rejected(() => call(r, { ids: { [key]: 'z'.repeat(201) }, body: { roleKeys: 'x', displayName: 5 } }), 400, 3, 'GRANTLINE-InvalidField', `${r.rpc} ${key} + body`);
          }
        }
      }
      await expectFixtureIntact();
    });

    it('200-code-point, SQL-ish, operator-ish and traversal-ish path ids are plain unknown ids (§3 NotFound ids)', async () => {
      const odd = ['😀'.repeat(200), "1' OR '1'='1", '{"$gt":""}', '*', '%', '_', '.*', '..%2F..', 'null', G.toUpperCase()];
      for (const id of odd) {
        await rejected(() => call(route('UpdateProjectGrant'), { ids: { grantId: id } }), 404, 5, 'PROJECT-D8JxR', `update grant ${id}`);
        await rejected(() => call(route('DeactivateProjectGrant'), { ids: { grantId: id } }), 404, 5, 'PROJECT-D8JxR', `deactivate grant ${id}`);
        await rejected(() => call(route('RemoveProjectGrant'), { ids: { grantId: id } }), 404, 5, 'PROJECT-D8JxR', `remove grant ${id}`);
        await rejected(() => call(route('GetGrantedProjectByID'), { ids: { grantId: id } }), 404, 5, 'QUERY-n98GGs', `granted project ${id}`);
        await rejected(() => call(route('GetUserGrantByID'), { ids: { grantId: id } }), 404, 5, 'QUERY-wIPkA', `get user grant ${id}`);
        await rejected(() => call(route('UpdateUserGrant'), { ids: { grantId: id } }), 404, 5, 'COMMAND-3M9sd', `update user grant ${id}`);
        await rejected(() => call(route('RemoveUserGrant'), { ids: { grantId: id } }), 404, 5, 'COMMAND-1My0t', `remove user grant ${id}`);
        await rejected(() => call(route('BulkRemoveUserGrant'), { body: { grantId: [id] } }), 404, 5, 'COMMAND-1My0t', `bulk ${id}`);
        await rejected(() => call(route('RemoveProject'), { ids: { id } }), 404, 5, 'COMMAND-3M9sd', `remove project ${id}`);
        await rejected(() => call(route('RemoveUser'), { ids: { id } }), 404, 5, 'COMMAND-m9od', `remove user ${id}`);
        await rejected(() => call(route('UpdateProjectRole'), { ids: { roleKey: id } }), 404, 5, 'COMMAND-vv8M9', `update role ${id}`);
        const list = await ok(() => call(route('ListProjectGrants'), { ids: { projectId: id } }), `list ${id}`);
        expect(list.body).toEqual({ details: { processedSequence: expect.stringMatching(DECIMAL), viewTimestamp: expect.any(String) } });
      }
      await expectFixtureIntact();
    });
  });

  describe('unknown ids answer the NotFound ids of §3', () => {
    it('project-grant endpoints', async () => {
      const unknown = uuidv7();
      await rejected(() => call(route('UpdateProjectGrant'), { ids: { grantId: unknown } }), 404, 5, 'PROJECT-D8JxR');
      await rejected(() => call(route('UpdateProjectGrant'), { ids: { projectId: unknown } }), 404, 5, 'PROJECT-D8JxR');
      await rejected(() => call(route('DeactivateProjectGrant'), { ids: { grantId: unknown } }), 404, 5, 'PROJECT-D8JxR');
      await rejected(() => call(route('ReactivateProjectGrant'), { ids: { grantId: unknown } }), 404, 5, 'PROJECT-D8JxR');
      // §3.4 step 1: the project is looked up first.
      const deactivate = await rejected(() => call(route('DeactivateProjectGrant'), { ids: { projectId: unknown } }), 400, 9, 'COMMAND-EbFMN');
      expect(deactivate.body.details[0].message).toBe('Project not found');
      await rejected(() => call(route('ReactivateProjectGrant'), { ids: { projectId: unknown } }), 400, 9, 'COMMAND-EbFMN');
      await rejected(() => call(route('RemoveProjectGrant'), { ids: { grantId: unknown } }), 404, 5, 'PROJECT-D8JxR');
      await rejected(() => call(route('RemoveProjectGrant'), { ids: { projectId: unknown } }), 404, 5, 'PROJECT-D8JxR');
      await rejected(() => call(route('GetGrantedProjectByID'), { ids: { grantId: unknown } }), 404, 5, 'QUERY-n98GGs');
      await rejected(() => call(route('GetGrantedProjectByID'), { ids: { projectId: unknown } }), 404, 5, 'QUERY-n98GGs');
      // A grant of another project of the same owner is not found under P.
      const other = await client.addProject(V, 'Other', ['reader']);
      const otherGrant = await client.addProjectGrant(V, other, C, ['reader']);
      await rejected(() => call(route('UpdateProjectGrant'), { ids: { grantId: otherGrant } }), 404, 5, 'PROJECT-D8JxR');
      await rejected(() => call(route('DeactivateProjectGrant'), { ids: { grantId: otherGrant } }), 404, 5, 'PROJECT-D8JxR');
      await rejected(() => call(route('RemoveProjectGrant'), { ids: { grantId: otherGrant } }), 404, 5, 'PROJECT-D8JxR');
      await rejected(() => call(route('GetGrantedProjectByID'), { ids: { grantId: otherGrant } }), 404, 5, 'QUERY-n98GGs');
      // An unknown role in an otherwise valid update.
      await rejected(() => call(route('UpdateProjectGrant'), { body: { roleKeys: ['reader', 'nope'] } }), 400, 9, 'COMMAND-6m9gd');
      await rejected(() => call(route('UpdateProjectGrant'), { body: { roleKeys: ['READER'] } }), 400, 9, 'COMMAND-6m9gd');
      await expectFixtureIntact();
    });

    it('user-grant endpoints', async () => {
      const unknown = uuidv7();
      for (const [rpc, id] of [
        ['GetUserGrantByID', 'QUERY-wIPkA'],
        ['UpdateUserGrant', 'COMMAND-3M9sd'],
        ['DeactivateUserGrant', 'COMMAND-3M9sd'],
        ['ReactivateUserGrant', 'COMMAND-Lp0gs'],
        ['RemoveUserGrant', 'COMMAND-1My0t'],
      ] as const) {
        const answer = await rejected(() => call(route(rpc), { ids: { grantId: unknown } }), 404, 5, id, `${rpc} unknown grant`);
        expect(answer.body.details[0].message).toBe('User grant not found');
        // A known grant under another (or an unknown) user in the path.
        await rejected(() => call(route(rpc), { ids: { userId: unknown } }), 404, 5, id, `${rpc} unknown user`);
        await rejected(() => call(route(rpc), { ids: { userId: vera } }), 404, 5, id, `${rpc} other user`);
      }
      await rejected(() => call(route('BulkRemoveUserGrant'), { body: { grantId: [unknown] } }), 404, 5, 'COMMAND-1My0t');
      await rejected(() => call(route('BulkRemoveUserGrant'), { body: { grantId: [UG, UG, unknown] } }), 404, 5, 'COMMAND-1My0t');
      await rejected(() => call(route('UpdateUserGrant'), { body: { roleKeys: ['team/admin'] } }), 400, 9, 'COMMAND-mm9F4');
      await expectFixtureIntact();
    });

    it('role, project and user removals', async () => {
      const unknown = uuidv7();
      await rejected(() => call(route('UpdateProjectRole'), { ids: { projectId: unknown } }), 400, 9, 'COMMAND-EbFMN');
      const role = await rejected(() => call(route('UpdateProjectRole'), { ids: { roleKey: 'team' } }), 404, 5, 'COMMAND-vv8M9');
      expect(role.body.details[0].message).toBe("Role doesn't exist");
      await rejected(() => call(route('UpdateProjectRole'), { ids: { roleKey: 'TEAM/ADMIN' } }), 404, 5, 'COMMAND-vv8M9');
      await rejected(() => call(route('RemoveProjectRole'), { ids: { projectId: unknown } }), 400, 9, 'COMMAND-EbFMN');
      // Unknown keys (also prefixes, case variants, and keys with a trailing '/') succeed without an event.
      for (const key of ['team', 'TEAM/ADMIN', 'team/admin/', 'team/admin/x', 'READER']) {
        const answer = await unchanged(() => call(route('RemoveProjectRole'), { ids: { roleKey: key } }), key);
        expect(answer.body).toEqual({ details: { resourceOwner: V } });
      }
      const project = await rejected(() => call(route('RemoveProject'), { ids: { id: unknown } }), 404, 5, 'COMMAND-3M9sd');
      expect(project.body.details[0].message).toBe('Project not found');
      const user = await rejected(() => call(route('RemoveUser'), { ids: { id: unknown } }), 404, 5, 'COMMAND-m9od');
      expect(user.body.details[0].message).toBe('User could not be found');
      await expectFixtureIntact();
    });
  });

  describe('lists (§1.8)', () => {
    it('limit 1001 / -1 / 1.5 / "1e3" / {} and other bad paging answer 400/3 GRANTLINE-InvalidField; limit "10" answers 200', async () => {
      for (const rpc of LISTS) {
        const r = route(rpc);
        for (const query of [
          { limit: 1001 },
          { limit: '1001' },
          { limit: -1 },
          { limit: '-1' },
          { limit: 1.5 },
          { limit: '1e3' },
          { limit: {} },
          { limit: [10] },
          { limit: true },
          { offset: -1 },
          { offset: 'abc' },
          { asc: 'true' },
          { asc: 1 },
        ]) {
          const answer = await rejected(() => call(r, { body: { query } }), 400, 3, 'GRANTLINE-InvalidField', `${rpc} ${JSON.stringify(query)}`);
          expect(answer.body.details[0].message).toMatch(new RegExp(`^invalid ${rpc}Request\\.query\\.(limit|offset|asc): `));
        }
        for (const body of [{ query: [] }, { query: 'x' }, { query: 5 }, { queries: {} }, { queries: 'x' }, { queries: ['x'] }, { queries: [[]] }, { queries: [5] }]) {
          await rejected(() => call(r, { body }), 400, 3, 'GRANTLINE-InvalidField', `${rpc} ${JSON.stringify(body)}`);
        }
        const queries = Array.from({ length: 101 }, () => (rpc === 'ListGrantedProjects' ? { nameQuery: { name: 'x' } } : { projectNameQuery: rpc === 'ListUserGrants' ? { projectName: 'x' } : { name: 'x' } }));
        const tooMany = await rejected(() => call(r, { body: { queries } }), 400, 3, 'GRANTLINE-InvalidField', `${rpc} 101 queries`);
        expect(tooMany.body.details[0].message).toBe(`invalid ${rpc}Request.queries: value must contain no more than 100 item(s)`);
        await ok(() => call(r, { body: { queries: queries.slice(0, 100) } }), `${rpc} 100 queries`);
        await ok(() => call(r, { body: { query: { limit: '10', offset: '0', asc: true } } }), `${rpc} limit "10"`);
        await ok(() => call(r, { body: { query: { limit: 1000, offset: 999999999 } } }), `${rpc} limit 1000`);
        await ok(() => call(r, { body: { query: null, queries: null } }), `${rpc} nulls`);
      }
    });

    it('unknown, empty and doubled query elements answer GRANTLINE-InvalidQuery (user grants) / PROJECT-M099f (project-grant lists)', async () => {
      const cases: [(typeof LISTS)[number], string, unknown, unknown[]][] = [
        [
          'ListUserGrants',
          'GRANTLINE-InvalidQuery',
          { userIdQuery: { userId: gigi } },
          [{ foo: {} }, {}, { userIdQuery: { userId: gigi }, projectIdQuery: { projectId: P } }, { nameQuery: { name: 'x' } }, { userIdQuery: null }, { foo: { $gt: '' } }],
        ],
        [
          'ListProjectGrants',
          'PROJECT-M099f',
          { projectNameQuery: { name: 'Portal' } },
          [{ foo: {} }, {}, { projectNameQuery: { name: 'Portal' }, roleKeyQuery: { roleKey: 'reader' } }, { userIdQuery: { userId: gigi } }, { nameQuery: { name: 'x' } }],
        ],
        [
          'ListAllProjectGrants',
          'PROJECT-M099f',
          { projectIdQuery: { projectId: P } },
          [{ foo: {} }, {}, { projectIdQuery: { projectId: P }, grantedOrgIdQuery: { grantedOrgId: C } }, { nameQuery: { name: 'x' } }],
        ],
        [
          'ListGrantedProjects',
          'PROJECT-M099f',
          { nameQuery: { name: 'Portal' } },
          [{ foo: {} }, {}, { nameQuery: { name: 'Portal' }, projectResourceOwnerQuery: { resourceOwner: V } }, { projectNameQuery: { name: 'x' } }],
        ],
      ];
      for (const [rpc, id, good, elements] of cases) {
        await ok(() => call(route(rpc), { body: { queries: [good] } }), `${rpc} good`);
        for (const element of elements) {
          const answer = await rejected(() => call(route(rpc), { body: { queries: [element] } }), 400, 3, id, `${rpc} ${JSON.stringify(element)}`);
          expect(answer.body.details[0].message).toBe('List query is invalid: every element of queries must set exactly one known query');
          // One bad element among good ones fails the whole list.
          await rejected(() => call(route(rpc), { body: { queries: [good, element, good] } }), 400, 3, id, `${rpc} mixed ${JSON.stringify(element)}`);
        }
      }
    });

    it('ListProjectGrants knows only projectNameQuery and roleKeyQuery: projectIdQuery / grantedOrgIdQuery are unknown elements there (§2.3)', async () => {
      const list = route('ListProjectGrants');
      for (const element of [
        { projectIdQuery: { projectId: P } },
        { grantedOrgIdQuery: { grantedOrgId: C } },
        { projectIdQuery: { projectId: { $gt: '' } } },
        { grantedOrgIdQuery: { grantedOrgId: { $ne: null } } },
      ]) {
        await rejected(() => call(list, { body: { queries: [element] } }), 400, 3, 'PROJECT-M099f', JSON.stringify(element));
      }
    });

    it('operator objects and wrong types inside query elements answer 400/3 GRANTLINE-InvalidField', async () => {
      const cases: [(typeof LISTS)[number], unknown][] = [
        ['ListUserGrants', { userNameQuery: { userName: { $regex: '.*' } } }],
        ['ListUserGrants', { userIdQuery: { userId: { $gt: '' } } }],
        ['ListUserGrants', { userIdQuery: { userId: 'u'.repeat(201) } }],
        ['ListUserGrants', { projectIdQuery: { projectId: { $ne: null } } }],
        ['ListUserGrants', { projectGrantIdQuery: { projectGrantId: [G] } }],
        ['ListUserGrants', { projectGrantIdQuery: 'x' }],
        ['ListUserGrants', { roleKeyQuery: { roleKey: { $in: ['reader'] } } }],
        ['ListUserGrants', { roleKeyQuery: { roleKey: 'reader', method: 'TEXT_QUERY_METHOD_REGEX' } }],
        ['ListUserGrants', { emailQuery: { email: 'e'.repeat(201) } }],
        ['ListUserGrants', { emailQuery: { email: 'a', method: 8 } }],
        ['ListUserGrants', { emailQuery: { email: 'a', method: -1 } }],
        ['ListUserGrants', { firstNameQuery: { firstName: 5 } }],
        ['ListUserGrants', { lastNameQuery: { lastName: true } }],
        ['ListUserGrants', { orgNameQuery: { orgName: { $where: '1' } } }],
        ['ListUserGrants', { orgDomainQuery: { orgDomain: ['x'] } }],
        ['ListUserGrants', { projectNameQuery: { projectName: { $gt: '' } } }],
        ['ListUserGrants', { displayNameQuery: { displayName: null, method: 'EQUALS' } }],
        ['ListUserGrants', { withGrantedQuery: { withGranted: 'true' } }],
        ['ListUserGrants', { withGrantedQuery: true }],
        ['ListUserGrants', { userTypeQuery: { type: 'TYPE_ROBOT' } }],
        ['ListUserGrants', { userTypeQuery: { type: 7 } }],
        ['ListUserGrants', { inUserIdsQuery: { inUserIds: gigi } }],
        ['ListUserGrants', { inUserIdsQuery: { inUserIds: [{ $gt: '' }] } }],
        ['ListUserGrants', { inUserIdsQuery: { inUserIds: ['u'.repeat(201)] } }],
        ['ListUserGrants', { inUserIdsQuery: { inUserIds: Array.from({ length: 1001 }, () => uuidv7()) } }],
        ['ListProjectGrants', { projectNameQuery: { name: { $gt: '' } } }],
        ['ListProjectGrants', { projectNameQuery: { name: 'n'.repeat(201) } }],
        ['ListProjectGrants', { projectNameQuery: { name: 'Portal', method: 'LIKE' } }],
        ['ListProjectGrants', { roleKeyQuery: { roleKey: 5 } }],
        ['ListProjectGrants', { roleKeyQuery: [] }],
        ['ListAllProjectGrants', { projectIdQuery: { projectId: { $gt: '' } } }],
        ['ListAllProjectGrants', { grantedOrgIdQuery: { grantedOrgId: 'o'.repeat(201) } }],
        ['ListAllProjectGrants', { roleKeyQuery: { roleKey: ['reader'] } }],
        ['ListAllProjectGrants', { projectNameQuery: { name: { $regex: '.*' } } }],
        ['ListGrantedProjects', { nameQuery: { name: { $regex: '.*' } } }],
        ['ListGrantedProjects', { nameQuery: { name: 'x', method: 99 } }],
        ['ListGrantedProjects', { projectResourceOwnerQuery: { resourceOwner: { $ne: null } } }],
        ['ListGrantedProjects', { projectResourceOwnerQuery: { resourceOwner: 'r'.repeat(201) } }],
      ];
      for (const [rpc, element] of cases) {
        const answer = await rejected(() => call(route(rpc), { body: { queries: [element] } }), 400, 3, 'GRANTLINE-InvalidField', `${rpc} ${JSON.stringify(element).slice(0, 80)}`);
        expect(answer.body.details[0].message).toMatch(new RegExp(`^invalid ${rpc}Request\\.queries\\[0\\]`));
      }
      // Exactly 1000 ids, and 200-character values, are fine.
      const many = await ok(() => listUserGrants(C, { queries: [{ inUserIdsQuery: { inUserIds: [...Array.from({ length: 999 }, () => uuidv7()), gigi] } }] }));
      expect(many.body.result.map((grant: { id: string }) => grant.id)).toEqual([UG]);
      await ok(() => listUserGrants(C, { queries: [{ emailQuery: { email: 'e'.repeat(200) } }] }));
    });

    it('text queries are literal: regex, LIKE and GLOB metacharacters match only themselves', async () => {
      const names = ['pct%user', 'under_score', 'dot.*star', 'brack[et]s', 'back\\slash', "quote'user", 'star*', 'caret^dollar$', 'qmark?', 'plainuser', 'UPPER%CASE'];
      const ids = new Map<string, string>();
      const org = await client.addOrg('Literal Org');
      const project = await client.addProject(V, 'Literal%Project_[x]', ['reader']);
      const plainProject = await client.addProject(V, 'LiteralXProjectAB', ['reader']);
      await client.addProjectGrant(V, project, org, ['reader']);
      await client.addProjectGrant(V, plainProject, org, ['reader']);
      for (const [i, userName] of names.entries()) {
        const user = (await ok(() => client.post(`${M}/users/human`, { userName, profile: { firstName: userName, lastName: 'L' }, email: { email: `u${i}@example.com` } }, org))).body.userId;
        ids.set(userName, await client.addUserGrant(org, user, { projectId: project, roleKeys: ['reader'] }));
      }
      const matching = async (userName: string, method: string) => {
        const answer = await ok(() => listUserGrants(org, { queries: [{ userNameQuery: { userName, method } }] }), `${userName} ${method}`);
        return ((answer.body.result ?? []) as { userName: string }[]).map((grant) => grant.userName).sort();
      };
      const expectMatch = async (userName: string, method: string, expected: string[]) => {
        expect({ userName, method, names: await matching(userName, method) }).toEqual({ userName, method, names: [...expected].sort() });
      };
      await expectMatch('%', 'TEXT_QUERY_METHOD_CONTAINS', ['pct%user', 'UPPER%CASE']);
      await expectMatch('%', 'TEXT_QUERY_METHOD_EQUALS', []);
      await expectMatch('%', 'TEXT_QUERY_METHOD_STARTS_WITH', []);
      await expectMatch('%', 'TEXT_QUERY_METHOD_ENDS_WITH', []);
      await expectMatch('%user', 'TEXT_QUERY_METHOD_ENDS_WITH', ['pct%user']);
      await expectMatch('%', 'TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE', []);
      await expectMatch('r%c', 'TEXT_QUERY_METHOD_CONTAINS_IGNORE_CASE', ['UPPER%CASE']);
      await expectMatch('_', 'TEXT_QUERY_METHOD_CONTAINS', ['under_score']);
      await expectMatch('_', 'TEXT_QUERY_METHOD_EQUALS', []);
      await expectMatch('_________', 'TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE', []);
      await expectMatch('.*', 'TEXT_QUERY_METHOD_CONTAINS', ['dot.*star']);
      await expectMatch('.*', 'TEXT_QUERY_METHOD_EQUALS', []);
      await expectMatch('.*', 'TEXT_QUERY_METHOD_STARTS_WITH_IGNORE_CASE', []);
      await expectMatch('^p', 'TEXT_QUERY_METHOD_STARTS_WITH', []);
      await expectMatch('p.*', 'TEXT_QUERY_METHOD_STARTS_WITH', []);
      await expectMatch('[et]', 'TEXT_QUERY_METHOD_CONTAINS', ['brack[et]s']);
      await expectMatch('[a-z]', 'TEXT_QUERY_METHOD_CONTAINS', []);
      await expectMatch('\\', 'TEXT_QUERY_METHOD_CONTAINS', ['back\\slash']);
      await expectMatch('\\s', 'TEXT_QUERY_METHOD_CONTAINS_IGNORE_CASE', ['back\\slash']);
      await expectMatch("'", 'TEXT_QUERY_METHOD_CONTAINS', ["quote'user"]);
      await expectMatch("' OR '1'='1", 'TEXT_QUERY_METHOD_EQUALS', []);
      await expectMatch('*', 'TEXT_QUERY_METHOD_ENDS_WITH', ['star*']);
      await expectMatch('*', 'TEXT_QUERY_METHOD_CONTAINS', ['dot.*star', 'star*']);
      await expectMatch('?', 'TEXT_QUERY_METHOD_CONTAINS', ['qmark?']);
      await expectMatch('$', 'TEXT_QUERY_METHOD_ENDS_WITH', ['caret^dollar$']);
      await expectMatch('^', 'TEXT_QUERY_METHOD_CONTAINS', ['caret^dollar$']);
      await expectMatch('|', 'TEXT_QUERY_METHOD_CONTAINS', []);
      await expectMatch('plainuser', 'TEXT_QUERY_METHOD_EQUALS', ['plainuser']);
      // Project names.
      const grants = async (body: unknown, list = `${M}/projectgrants/_search`, acting = V) => {
        const answer = await ok(() => client.post(list, body, acting));
        return ((answer.body.result ?? []) as { projectName: string }[]).map((grant) => grant.projectName).sort();
      };
      expect(await grants({ queries: [{ projectNameQuery: { name: '%', method: 'TEXT_QUERY_METHOD_CONTAINS' } }] })).toEqual(['Literal%Project_[x]']);
      expect(await grants({ queries: [{ projectNameQuery: { name: 'Literal_Project', method: 'TEXT_QUERY_METHOD_STARTS_WITH' } }] })).toEqual([]);
      expect(await grants({ queries: [{ projectNameQuery: { name: 'literal%', method: 'TEXT_QUERY_METHOD_STARTS_WITH_IGNORE_CASE' } }] })).toEqual(['Literal%Project_[x]']);
      expect(await grants({ queries: [{ projectNameQuery: { name: '[x]', method: 'TEXT_QUERY_METHOD_ENDS_WITH' } }] })).toEqual(['Literal%Project_[x]']);
      expect(await grants({ queries: [{ nameQuery: { name: '_', method: 'TEXT_QUERY_METHOD_CONTAINS' } }] }, `${M}/granted_projects/_search`, org)).toEqual(['Literal%Project_[x]']);
      expect(await grants({ queries: [{ nameQuery: { name: 'LiteralXProject__', method: 'TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE' } }] }, `${M}/granted_projects/_search`, org)).toEqual([]);
      expect(await grants({ queries: [{ nameQuery: { name: 'literalxprojectab', method: 'TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE' } }] }, `${M}/granted_projects/_search`, org)).toEqual(['LiteralXProjectAB']);
      const byProjectName = await ok(() => listUserGrants(org, { queries: [{ projectNameQuery: { projectName: '%Project_', method: 'TEXT_QUERY_METHOD_CONTAINS' } }] }));
      expect(byProjectName.body.details.totalResult).toBe(String(names.length));
      // A role key with metacharacters is matched exactly, too.
      expect(await grants({ queries: [{ roleKeyQuery: { roleKey: '%' } }] })).toEqual([]);
      expect(await grants({ queries: [{ roleKeyQuery: { roleKey: 'read%' } }] })).toEqual([]);
    });
  });

  describe('cross-tenant: another org\'s objects are not found, never touched (§1.3, §3)', () => {
    it('T (and C / V where not theirs) addressing V\'s grant, C\'s user grant, V\'s project and roles, C\'s user', async () => {
      // Project-grant commands: only the project owner V finds G.
      for (const org of [T, C]) {
        await rejected(() => call(route('UpdateProjectGrant'), { org }), 404, 5, 'PROJECT-D8JxR', `update via ${org}`);
        await rejected(() => call(route('UpdateProjectGrant'), { org, body: { roleKeys: [] } }), 404, 5, 'PROJECT-D8JxR', `update [] via ${org}`);
        await rejected(() => call(route('DeactivateProjectGrant'), { org }), 400, 9, 'COMMAND-EbFMN', `deactivate via ${org}`);
        await rejected(() => call(route('ReactivateProjectGrant'), { org }), 400, 9, 'COMMAND-EbFMN', `reactivate via ${org}`);
        await rejected(() => call(route('RemoveProjectGrant'), { org }), 404, 5, 'PROJECT-D8JxR', `remove via ${org}`);
        await rejected(() => call(route('UpdateProjectRole'), { org }), 400, 9, 'COMMAND-EbFMN', `update role via ${org}`);
        await rejected(() => call(route('RemoveProjectRole'), { org }), 400, 9, 'COMMAND-EbFMN', `remove role via ${org}`);
        await rejected(() => call(route('RemoveProjectRole'), { org, ids: { roleKey: 'unknown' } }), 400, 9, 'COMMAND-EbFMN', `remove unknown role via ${org}`);
        await rejected(() => call(route('RemoveProject'), { org }), 404, 5, 'COMMAND-3M9sd', `remove project via ${org}`);
      }
      // Reads of G: the owner and the granted org only.
      await rejected(() => client.get(`${M}/projects/${P}/grants/${G}`, T), 404, 5, 'MANAG-d3g31');
      const granted = await rejected(() => call(route('GetGrantedProjectByID'), { org: T }), 404, 5, 'MANAG-drt2a');
      expect(granted.body.details[0].message).toBe('Project grant not found');
      expect((await ok(() => call(route('GetGrantedProjectByID'), { org: C }))).body.grantedProject).toMatchObject({ grantId: G, grantedOrgId: C });
      expect((await ok(() => call(route('GetGrantedProjectByID'), { org: V }))).body.grantedProject).toMatchObject({ grantId: G, projectOwnerId: V });

      // User-grant commands and reads: only the owning org C finds UG; V (the project owner) does not.
      for (const org of [T, V]) {
        for (const [rpc, id] of [
          ['GetUserGrantByID', 'QUERY-wIPkA'],
          ['UpdateUserGrant', 'COMMAND-3M9sd'],
          ['DeactivateUserGrant', 'COMMAND-3M9sd'],
          ['ReactivateUserGrant', 'COMMAND-Lp0gs'],
          ['RemoveUserGrant', 'COMMAND-1My0t'],
          ['BulkRemoveUserGrant', 'COMMAND-1My0t'],
        ] as const) {
          await rejected(() => call(route(rpc), { org }), 404, 5, id, `${rpc} via ${org}`);
        }
        await rejected(() => call(route('UpdateUserGrant'), { org, body: { roleKeys: ['reader'] } }), 404, 5, 'COMMAND-3M9sd', `unchanged update via ${org}`);
      }
      // V's own user grant together with C's: the whole bulk request is refused, nothing removed.
      await rejected(() => call(route('BulkRemoveUserGrant'), { org: V, body: { grantId: [UGV, UG] } }), 404, 5, 'COMMAND-1My0t', 'mixed bulk');
      // C cannot address V's user grant either.
      await rejected(() => call(route('RemoveUserGrant'), { org: C, ids: { userId: vera, grantId: UGV } }), 404, 5, 'COMMAND-1My0t', 'V grant via C');
      await rejected(() => call(route('GetUserGrantByID'), { org: C, ids: { userId: vera, grantId: UGV } }), 404, 5, 'QUERY-wIPkA', 'V grant read via C');

      // Users: only the user's org removes it.
      for (const org of [T, V]) await rejected(() => call(route('RemoveUser'), { org }), 404, 5, 'COMMAND-m9od', `remove user via ${org}`);
      await rejected(() => call(route('RemoveUser'), { org: C, ids: { id: vera } }), 404, 5, 'COMMAND-m9od', 'remove V user via C');

      await expectFixtureIntact();
    });

    it('lists of another org show none of V\'s or C\'s objects', async () => {
      const emptyList = async (send: () => Promise<HttpAnswer>, label: string) => {
        const answer = await unchanged(send, label);
        expect({ label, keys: Object.keys(answer.body), total: answer.body.details.totalResult }).toEqual({ label, keys: ['details'], total: undefined });
      };
      await emptyList(() => call(route('ListProjectGrants'), { org: T }), 'ListProjectGrants via T');
      await emptyList(() => call(route('ListProjectGrants'), { org: C }), 'ListProjectGrants via C');
      await emptyList(() => call(route('ListAllProjectGrants'), { org: T, body: { queries: [{ projectIdQuery: { projectId: P } }] } }), 'ListAllProjectGrants via T');
      await emptyList(() => call(route('ListAllProjectGrants'), { org: C, body: { queries: [{ grantedOrgIdQuery: { grantedOrgId: C } }] } }), 'ListAllProjectGrants via C');
      await emptyList(() => call(route('ListGrantedProjects'), { org: T, body: { queries: [{ projectResourceOwnerQuery: { resourceOwner: V } }] } }), 'ListGrantedProjects via T');
      await emptyList(() => call(route('ListGrantedProjects'), { org: V }), 'ListGrantedProjects via V');
      await emptyList(() => listUserGrants(T, { queries: [{ userIdQuery: { userId: gigi } }] }), 'ListUserGrants via T');
      await emptyList(() => listUserGrants(T, { queries: [{ withGrantedQuery: { withGranted: true } }] }), 'ListUserGrants withGranted via T');
      await emptyList(() => listUserGrants(T, { queries: [{ projectIdQuery: { projectId: P } }, { withGrantedQuery: {} }] }), 'ListUserGrants project via T');
      await emptyList(() => listUserGrants(T, { queries: [{ inUserIdsQuery: { inUserIds: [gigi, vera] } }] }), 'ListUserGrants inUserIds via T');
      await emptyList(() => listUserGrants(V, { queries: [{ projectGrantIdQuery: { projectGrantId: G } }] }), 'ListUserGrants G via V without withGranted');
      await emptyList(() => listUserGrants(C, { queries: [{ userIdQuery: { userId: vera } }, { withGrantedQuery: {} }] }), 'ListUserGrants V grant via C');
      // The rightful readers see them.
      expect((await ok(() => call(route('ListProjectGrants')))).body.result.map((grant: { grantId: string }) => grant.grantId)).toEqual([G]);
      expect((await ok(() => call(route('ListGrantedProjects')))).body.result.map((grant: { grantId: string }) => grant.grantId)).toContain(G);
      const all = await ok(() => listUserGrants(V, { queries: [{ withGrantedQuery: {} }, { projectIdQuery: { projectId: P } }] }));
      expect(all.body.result.map((grant: { id: string }) => grant.id).sort()).toEqual([UG, UGV].sort());
    });
  });
});

/**
 * Acceptance scenarios of the Golem REST dialect: every row 1–40 of golem-api.md §8, one `it` per
 * row, plus the event checks that follow the table. Black-box over HTTP, written from the contract
 * alone; the in-process event store is the audit oracle ("nothing appended" = head unchanged).
 *
 * Every row runs on a fresh instance with the §8 fixture (`beforeEach`): accounts A, B, C created by
 * ADM (the bootstrap token), tokens tA, tB, tC expiring 2100 issued by ADM, and project P created
 * by A with tA. Rows marked "After N" rebuild row N's state inside the test (`afterRow18()` …), so
 * each test runs alone with `-t "row N:"`. Row 15 has its own instance with a project limit of 2.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  ADM,
  type Account,
  type AuditEvent,
  type Caller,
  FAR_FUTURE,
  type GolemAnswer,
  GolemClient,
  type Grant,
  PLAN_ID,
  type Project,
  TIMESTAMP,
  UUID_V4,
  UUID_V7,
  VOCABULARY,
  keysOf,
  until,
} from '../support/golem-client';
import { type TestApp, startTestApp } from '../support/app';

interface World {
  readonly A: Account;
  readonly B: Account;
  readonly C: Account;
  /** Token secrets. */
  readonly tA: string;
  readonly tB: string;
  readonly tC: string;
  /** Token ids. */
  readonly tokA: string;
  readonly tokB: string;
  readonly tokC: string;
  readonly P: Project;
  /** P's id, for paths and texts. */
  readonly p: string;
  /** A random UUID that names nothing. */
  readonly Z: string;
  readonly adm: Caller;
  readonly a: Caller;
  readonly b: Caller;
  readonly c: Caller;
}

const ACCOUNT_KEYS = ['id', 'name', 'email', 'planId'];
const TOKEN_KEYS = ['id', 'accountId', 'createdAt', 'expiresAt'];
const PROJECT_KEYS = ['projectId', 'projectData'];
const PROJECT_DATA_KEYS = ['name', 'ownerAccountId', 'description', 'defaultEnvironmentId', 'projectType'];
const GRANT_KEYS = ['id', 'data'];
const GRANT_DATA_KEYS = ['granteeAccountId', 'grantorProjectId', 'projectPolicyId'];
const POLICY_KEYS = ['id', 'name', 'projectActions'];

async function fixture(g: GolemClient): Promise<World> {
  const A = await g.createAccount('Alice', 'alice@example.com');
  const B = await g.createAccount('Bob', 'bob@example.com');
  const C = await g.createAccount('Carol', 'carol@example.com');
  const tokenA = await g.createToken(A.id, FAR_FUTURE);
  const tokenB = await g.createToken(B.id, FAR_FUTURE);
  const tokenC = await g.createToken(C.id, FAR_FUTURE);
  const P = await g.createProject(tokenA.secret.value, A.id, 'P', 'project P');
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
    P,
    p: P.projectId,
    Z: randomUUID(),
    adm: g.as(ADM),
    a: g.as(tokenA.secret.value),
    b: g.as(tokenB.secret.value),
    c: g.as(tokenC.secret.value),
  };
}

/** Status and body together, so a failure shows both. */
function expectAnswer(answer: GolemAnswer, status: number, body: unknown): void {
  expect({ status: answer.status, body: answer.body }).toEqual({ status, body });
  expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
}

function expectOk(answer: GolemAnswer): any {
  expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: expect.anything() });
  return answer.body;
}

function expectAccount(body: unknown, account: Account): void {
  expect(body).toEqual(account);
  expect(keysOf(body)).toEqual(ACCOUNT_KEYS);
}

function expectProject(body: any, project: Project): void {
  expect(body).toEqual(project);
  expect(keysOf(body)).toEqual(PROJECT_KEYS);
  expect(keysOf(body.projectData)).toEqual(PROJECT_DATA_KEYS);
}

function expectGrantShape(body: any, grantee: string, projectId: string, policyId?: string): Grant {
  expect(body).toEqual({
    id: expect.stringMatching(UUID_V7),
    data: { granteeAccountId: grantee, grantorProjectId: projectId, projectPolicyId: policyId ?? expect.stringMatching(UUID_V7) },
  });
  expect(keysOf(body)).toEqual(GRANT_KEYS);
  expect(keysOf(body.data)).toEqual(GRANT_DATA_KEYS);
  return body as Grant;
}

function expectTokenShape(body: any, accountId: string, expiresAt: string): void {
  expect(body).toEqual({ id: expect.stringMatching(UUID_V7), accountId, createdAt: expect.stringMatching(TIMESTAMP), expiresAt });
  expect(keysOf(body)).toEqual(TOKEN_KEYS);
}

const projectAccess = (id: string) => ({ error: `Access to project \`${id}\` is not allowed` });
const projectAction = (action: string, id: string) => ({ error: `Action \`${action}\` is not allowed on project \`${id}\`` });
const accountAccess = (id: string) => ({ error: `Access to account \`${id}\` is not allowed` });
const ADMIN_ONLY = { error: 'Action is only allowed for [Admin]' };

describe('Golem acceptance scenarios (golem-api.md §8)', () => {
  let service: TestApp;
  let g: GolemClient;
  let w: World;

  beforeEach(async () => {
    service = await startTestApp();
    g = new GolemClient(service);
    w = await fixture(g);
  });
  afterEach(async () => service.close());

  /** Sends a request that must append nothing (event store head unchanged) and never answer 5xx. */
  async function unchanged(send: () => Promise<GolemAnswer>): Promise<GolemAnswer> {
    const before = await g.head();
    const answer = await send();
    expect(answer.status).toBeLessThan(500);
    expect(await g.head()).toBe(before);
    return answer;
  }

  /**
   * A successful write: 200 and `x-grantline-position` = the position of its last appended event
   * (§1.6). Anything after that position must come from a reactor (caused by a recorded event),
   * e.g. the grant cascade of a project deletion.
   */
  async function written(send: () => Promise<GolemAnswer>): Promise<GolemAnswer> {
    const before = await g.head();
    const answer = await send();
    expectOk(answer);
    const header = answer.headers.get('x-grantline-position');
    expect(header).toMatch(/^\d+$/);
    const position = Number(header);
    expect(position).toBeGreaterThan(before);
    const events = await g.eventsSince(before);
    expect(events.filter((event) => event.position <= position).at(-1)?.position).toBe(position);
    const ids = new Set(events.map((event) => event.id));
    for (const later of events.filter((event) => event.position > position)) expect(ids.has(later.metadata.causationId)).toBe(true);
    return answer;
  }

  /** Row 18's state: G = a grant on P to B with the inline policy "viewers". */
  async function afterRow18(): Promise<{ G: Grant; policyId: string }> {
    const G = await g.createGrant(w.tA, w.p, {
      granteeAccountId: w.B.id,
      projectActions: ['ViewProjectGrants', 'ViewComponent', 'ViewComponent'],
      projectPolicyName: 'viewers',
    });
    return { G, policyId: G.data.projectPolicyId };
  }

  /** Row 28's state on top of row 18's: G2 = a second grant to B with a new policy [DeleteProject]. */
  async function afterRow28(): Promise<{ G: Grant; G2: Grant }> {
    const { G } = await afterRow18();
    const G2 = await g.createGrant(w.tA, w.p, { granteeAccountId: w.B.id, projectActions: ['DeleteProject'] });
    return { G, G2 };
  }

  it('row 1: GET /v1/projects with no credential → 401 Missing auth token', async () => {
    const answer = await unchanged(() => g.request('GET', '/v1/projects'));
    expectAnswer(answer, 401, { error: 'Invalid Token: Missing auth token.' });
  });

  it('row 2: Authorization: Bearer not-a-uuid → 401 Malformed auth token', async () => {
    const answer = await unchanged(() => g.request('GET', '/v1/projects', { token: 'not-a-uuid' }));
    expectAnswer(answer, 401, { error: 'Invalid Token: Malformed auth token.' });
  });

  it('row 3: Bearer <random UUID> → 401 Unknown token secret', async () => {
    const answer = await unchanged(() => g.request('GET', '/v1/projects', { token: randomUUID() }));
    expectAnswer(answer, 401, { error: 'Invalid Token: Unknown token secret.' });
  });

  it('row 4: A creates a token expiring 2000-01-01 (200), then uses it → 401 Expired auth token', async () => {
    const created = await written(() => w.a.post(`/v1/accounts/${w.A.id}/tokens`, { expiresAt: '2000-01-01T00:00:00Z' }));
    expectTokenShape(created.body.data, w.A.id, '2000-01-01T00:00:00.000Z');
    expect(created.body.secret).toEqual({ value: expect.stringMatching(UUID_V4) });
    const answer = await unchanged(() => g.request('GET', '/v1/projects', { token: created.body.secret.value }));
    expectAnswer(answer, 401, { error: 'Invalid Token: Expired auth token.' });
    // §3.3: the list holds expired tokens too, in creation order.
    const list = await w.a.get(`/v1/accounts/${w.A.id}/tokens`);
    expectAnswer(list, 200, [expect.objectContaining({ id: w.tokA }), created.body.data]);
  });

  it('row 5: Cookie GOLEM_SESSION=<tA secret>, GET /v1/projects → 200 with P', async () => {
    const answer = await g.request('GET', '/v1/projects', { cookie: w.tA });
    expectAnswer(answer, 200, [w.P]);
    expectProject(answer.body[0], w.P);
  });

  it('row 6: ADM GET /v1/accounts/admin → 200 the built-in account', async () => {
    const answer = await w.adm.get('/v1/accounts/admin');
    expectAnswer(answer, 200, { id: 'admin', name: 'Admin', email: 'admin@grantline.invalid', planId: PLAN_ID });
    expect(keysOf(answer.body)).toEqual(ACCOUNT_KEYS);
  });

  it('row 7: tA POST /v1/accounts → 401 Action is only allowed for [Admin]', async () => {
    const answer = await unchanged(() => w.a.post('/v1/accounts', { name: 'X', email: 'x@example.com' }));
    expectAnswer(answer, 401, ADMIN_ONLY);
  });

  it('row 8: ADM POST /v1/accounts with bob@example.com again → 409 already exists', async () => {
    const answer = await unchanged(() => w.adm.post('/v1/accounts', { name: 'Bob again', email: 'bob@example.com' }));
    expectAnswer(answer, 409, { error: 'Account with email `bob@example.com` already exists' });
    // §3.2: compared exactly (case-sensitive, no trimming), so another spelling is another e-mail.
    const other = await written(() => w.adm.post('/v1/accounts', { name: 'Bob again', email: 'Bob@example.com' }));
    expectAnswer(other, 200, { id: expect.stringMatching(UUID_V7), name: 'Bob again', email: 'Bob@example.com', planId: PLAN_ID });
  });

  it('row 9: tA creates its own token (UnsafeToken), and the list holds Token objects without secrets', async () => {
    const created = await written(() => w.a.post(`/v1/accounts/${w.A.id}/tokens`, { expiresAt: FAR_FUTURE }));
    expect(keysOf(created.body)).toEqual(['data', 'secret']);
    expectTokenShape(created.body.data, w.A.id, '2100-01-01T00:00:00.000Z');
    expect(created.body.secret).toEqual({ value: expect.stringMatching(UUID_V4) });
    expect(created.body.secret.value).not.toBe(w.tA);

    const list = await w.a.get(`/v1/accounts/${w.A.id}/tokens`);
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(2);
    expect(list.body.map((token: { id: string }) => token.id)).toEqual([w.tokA, created.body.data.id]);
    for (const token of list.body) {
      expectTokenShape(token, w.A.id, '2100-01-01T00:00:00.000Z');
      expect(token).not.toHaveProperty('secret');
    }
    expect(list.body[1]).toEqual(created.body.data);
    expect(list.text).not.toContain(created.body.secret.value);
    expect(list.text).not.toContain(w.tA);

    // The new secret authenticates as A.
    expectAnswer(await g.request('GET', '/v1/projects', { token: created.body.secret.value }), 200, [w.P]);
  });

  it('row 10: tA GET /v1/accounts/B/tokens → 401 Action is only allowed for [Admin]', async () => {
    expectAnswer(await w.a.get(`/v1/accounts/${w.B.id}/tokens`), 401, ADMIN_ONLY);
  });

  it("row 11: tA GET /v1/accounts/A/tokens/<a token id of B> → 404 Unknown token", async () => {
    expectAnswer(await w.a.get(`/v1/accounts/${w.A.id}/tokens/${w.tokB}`), 404, { error: `Unknown token: ${w.tokB}` });
  });

  it('row 12: tA deletes its own token → 200 {}, then tA → 401 Unknown token secret', async () => {
    const deleted = await written(() => w.a.delete(`/v1/accounts/${w.A.id}/tokens/${w.tokA}`));
    expectAnswer(deleted, 200, {});
    const answer = await unchanged(() => w.a.get('/v1/projects'));
    expectAnswer(answer, 401, { error: 'Invalid Token: Unknown token secret.' });
    // §3.3: the deleted token is gone from reads, and deleting it again is a 404.
    expectAnswer(await w.adm.get(`/v1/accounts/${w.A.id}/tokens`), 200, []);
    expectAnswer(await w.adm.get(`/v1/accounts/${w.A.id}/tokens/${w.tokA}`), 404, { error: `Unknown token: ${w.tokA}` });
    expectAnswer(await unchanged(() => w.adm.delete(`/v1/accounts/${w.A.id}/tokens/${w.tokA}`)), 404, { error: `Unknown token: ${w.tokA}` });
  });

  it('row 13: tA POST /v1/projects with ownerAccountId = B → 401 Action is only allowed for [Admin]', async () => {
    const answer = await unchanged(() => w.a.post('/v1/projects', { name: 'Q', ownerAccountId: w.B.id, description: '' }));
    expectAnswer(answer, 401, ADMIN_ONLY);
  });

  it('row 14: ADM POST /v1/projects with ownerAccountId = nobody → 401 Access to account `nobody`', async () => {
    const answer = await unchanged(() => w.adm.post('/v1/projects', { name: 'Q', ownerAccountId: 'nobody', description: '' }));
    expectAnswer(answer, 401, accountAccess('nobody'));
  });

  it('row 16: tB GET /v1/projects/P (no grant) and /v1/projects/Z → 401, same text but the id', async () => {
    const forbidden = await w.b.get(`/v1/projects/${w.p}`);
    const missing = await w.b.get(`/v1/projects/${w.Z}`);
    expectAnswer(forbidden, 401, projectAccess(w.p));
    expectAnswer(missing, 401, projectAccess(w.Z));
    expect(forbidden.text.replace(w.p, '<id>')).toBe(missing.text.replace(w.Z, '<id>'));
  });

  it('row 17: tA GET /v1/projects/not-a-uuid/grants → 400 project_id: must be a UUID', async () => {
    expectAnswer(await w.a.get('/v1/projects/not-a-uuid/grants'), 400, { errors: ['project_id: must be a UUID'] });
  });

  it('row 18: tA grants B with an inline policy "viewers"; the policy holds the deduplicated actions in vocabulary order', async () => {
    const answer = await written(() =>
      w.a.post(`/v1/projects/${w.p}/grants`, {
        granteeAccountId: w.B.id,
        projectActions: ['ViewProjectGrants', 'ViewComponent', 'ViewComponent'],
        projectPolicyName: 'viewers',
      }),
    );
    const grant = expectGrantShape(answer.body, w.B.id, w.p);
    const policy = await w.a.get(`/v1/project-policies/${grant.data.projectPolicyId}`);
    expectAnswer(policy, 200, { id: grant.data.projectPolicyId, name: 'viewers', projectActions: { actions: ['ViewComponent', 'ViewProjectGrants'] } });
    expect(keysOf(policy.body)).toEqual(POLICY_KEYS);
    expectAnswer(await w.a.get(`/v1/projects/${w.p}/grants/${grant.id}`), 200, grant);
  });

  it('row 19: after 18, tB lists, reads, gets its actions on, and lists all grants of P', async () => {
    const { G } = await afterRow18();
    // A second grantee, so "all of P's grants" is more than tB's own.
    const GC = await g.createGrant(w.tA, w.p, { granteeAccountId: w.C.id, projectActions: ['ViewWorker'] });
    expectAnswer(await w.b.get('/v1/projects'), 200, [w.P]);
    const project = await w.b.get(`/v1/projects/${w.p}`);
    expectAnswer(project, 200, w.P);
    expectProject(project.body, w.P);
    expectAnswer(await w.b.get(`/v1/projects/${w.p}/actions`), 200, ['ViewComponent', 'ViewProjectGrants']);
    expectAnswer(await w.b.get(`/v1/projects/${w.p}/grants`), 200, [G, GC]);
  });

  it('row 20: after 18, tB may neither create grants on P nor delete P', async () => {
    await afterRow18();
    const create = await unchanged(() => w.b.post(`/v1/projects/${w.p}/grants`, { granteeAccountId: w.C.id, projectActions: ['ViewComponent'] }));
    expectAnswer(create, 401, projectAction('CreateProjectGrants', w.p));
    const remove = await unchanged(() => w.b.delete(`/v1/projects/${w.p}`));
    expectAnswer(remove, 401, projectAction('DeleteProject', w.p));
  });

  it('row 21: tA grants by e-mail carol@example.com → 200 with C as grantee', async () => {
    const answer = await written(() => w.a.post(`/v1/projects/${w.p}/grants`, { granteeEmail: 'carol@example.com', projectActions: ['ViewWorker'] }));
    expectGrantShape(answer.body, w.C.id, w.p);
  });

  it('row 22: tA grants to an unknown e-mail → 404 No matching account found; nothing appended', async () => {
    const answer = await unchanged(() => w.a.post(`/v1/projects/${w.p}/grants`, { granteeEmail: 'nobody@example.com', projectActions: [] }));
    expectAnswer(answer, 404, { error: 'No matching account found' });
  });

  it('row 23: tA grants with neither grantee field → 400 Account id or email need to be provided; nothing appended', async () => {
    const answer = await unchanged(() => w.a.post(`/v1/projects/${w.p}/grants`, { projectActions: ['ViewComponent'] }));
    expectAnswer(answer, 400, { errors: ['Account id or email need to be provided'] });
  });

  it('row 24: tA grants to granteeAccountId "nobody" → 400 Account Not Found; nothing appended (no policy)', async () => {
    const before = await g.head();
    const answer = await unchanged(() => w.a.post(`/v1/projects/${w.p}/grants`, { granteeAccountId: 'nobody', projectActions: ['ViewComponent'] }));
    expectAnswer(answer, 400, { errors: ['Account Not Found: nobody'] });
    expect((await g.eventsSince(before)).filter((event) => event.type === 'golem.policy.created')).toEqual([]);
  });

  it('row 25: tA grants with an unknown projectPolicyId → 400 Project Policy Not Found; nothing appended', async () => {
    const answer = await unchanged(() => w.a.post(`/v1/projects/${w.p}/grants`, { granteeAccountId: w.B.id, projectPolicyId: w.Z, projectActions: [] }));
    expectAnswer(answer, 400, { errors: [`Project Policy Not Found: ${w.Z}`] });
  });

  it('row 26: granteeAccountId wins over an unknown granteeEmail → 200, grantee B', async () => {
    const answer = await written(() =>
      w.a.post(`/v1/projects/${w.p}/grants`, { granteeAccountId: w.B.id, granteeEmail: 'nobody@example.com', projectActions: [] }),
    );
    expectGrantShape(answer.body, w.B.id, w.p);
  });

  it('row 27: a grant with an existing policy X ignores projectActions/projectPolicyName and appends one event', async () => {
    const X = await g.createPolicy(w.tA, 'X', ['ViewWorker']);
    const before = await g.head();
    const answer = await written(() =>
      w.a.post(`/v1/projects/${w.p}/grants`, {
        granteeAccountId: w.C.id,
        projectPolicyId: X.id,
        projectActions: ['DeleteProject'],
        projectPolicyName: 'ignored',
      }),
    );
    const grant = expectGrantShape(answer.body, w.C.id, w.p, X.id);
    const events = await g.eventsSince(before);
    expect(events.map((event) => event.type)).toEqual(['golem.grant.created']);
    expect(events[0]?.data).toEqual({ grantId: grant.id, projectId: w.p, granteeAccountId: w.C.id, policyId: X.id });
    expectAnswer(await w.c.get(`/v1/projects/${w.p}/actions`), 200, ['ViewWorker']);
    // X itself is unchanged.
    expectAnswer(await w.c.get(`/v1/project-policies/${X.id}`), 200, { id: X.id, name: 'X', projectActions: { actions: ['ViewWorker'] } });
  });

  it('row 28: after 18, a second grant to B is a new grant; B holds the union of both policies', async () => {
    const { G } = await afterRow18();
    const second = await written(() => w.a.post(`/v1/projects/${w.p}/grants`, { granteeAccountId: w.B.id, projectActions: ['DeleteProject'] }));
    const G2 = expectGrantShape(second.body, w.B.id, w.p);
    expect(G2.id).not.toBe(G.id);
    expect(G2.data.projectPolicyId).not.toBe(G.data.projectPolicyId);
    expectAnswer(await w.a.get(`/v1/projects/${w.p}/grants`), 200, [G, G2]);
    expectAnswer(await w.b.get(`/v1/projects/${w.p}/actions`), 200, ['ViewComponent', 'ViewProjectGrants', 'DeleteProject']);
  });

  it('row 29: after 28, revoking grants takes effect on the very next request (read-your-writes)', async () => {
    const { G, G2 } = await afterRow28();
    expectAnswer(await written(() => w.a.delete(`/v1/projects/${w.p}/grants/${G2.id}`)), 200, {});
    expectAnswer(await unchanged(() => w.b.delete(`/v1/projects/${w.p}`)), 401, projectAction('DeleteProject', w.p));
    expectAnswer(await written(() => w.a.delete(`/v1/projects/${w.p}/grants/${G.id}`)), 200, {});
    expectAnswer(await w.b.get(`/v1/projects/${w.p}/actions`), 401, projectAccess(w.p));
  });

  it('row 30: after 18 (G) and a project Q of A, deleting Z under P and G under Q is a no-op 200 {} without position', async () => {
    const { G } = await afterRow18();
    const Q = await g.createProject(w.tA, w.A.id, 'Q');
    const unknownGrant = await unchanged(() => w.a.delete(`/v1/projects/${w.p}/grants/${w.Z}`));
    expectAnswer(unknownGrant, 200, {});
    expect(unknownGrant.headers.get('x-grantline-position')).toBeNull();
    const foreignGrant = await unchanged(() => w.a.delete(`/v1/projects/${Q.projectId}/grants/${G.id}`));
    expectAnswer(foreignGrant, 200, {});
    expect(foreignGrant.headers.get('x-grantline-position')).toBeNull();
    expectAnswer(await w.a.get(`/v1/projects/${w.p}/grants`), 200, [G]);
  });

  it('row 31: after 30, reading Z under P and G under Q → 404 Project grant not found', async () => {
    const { G } = await afterRow18();
    const Q = await g.createProject(w.tA, w.A.id, 'Q');
    expectAnswer(await w.a.delete(`/v1/projects/${w.p}/grants/${w.Z}`), 200, {});
    expectAnswer(await w.a.delete(`/v1/projects/${Q.projectId}/grants/${G.id}`), 200, {});
    expectAnswer(await w.a.get(`/v1/projects/${w.p}/grants/${w.Z}`), 404, { error: 'Project grant not found' });
    expectAnswer(await w.a.get(`/v1/projects/${Q.projectId}/grants/${G.id}`), 404, { error: 'Project grant not found' });
    expectAnswer(await w.a.get(`/v1/projects/${w.p}/grants/${G.id}`), 200, G);
  });

  it('row 32: a grant with an empty policy gives access (listed, actions []) but not ViewProject', async () => {
    await g.createGrant(w.tA, w.p, { granteeAccountId: w.B.id, projectActions: [] });
    expectAnswer(await w.b.get('/v1/projects'), 200, [w.P]);
    expectAnswer(await w.b.get(`/v1/projects/${w.p}/actions`), 200, []);
    expectAnswer(await w.b.get(`/v1/projects/${w.p}`), 401, projectAction('ViewProject', w.p));
  });

  it('row 33: any account creates and reads policies; unknown → 404, malformed → 400, PUT → 405', async () => {
    const created = await written(() => w.c.post('/v1/project-policies', { name: '', projectActions: { actions: [] } }));
    expectAnswer(created, 200, { id: expect.stringMatching(UUID_V7), name: '', projectActions: { actions: [] } });
    expect(keysOf(created.body)).toEqual(POLICY_KEYS);
    const id = created.body.id as string;
    expectAnswer(await w.b.get(`/v1/project-policies/${id}`), 200, created.body);
    expectAnswer(await w.b.get(`/v1/project-policies/${w.Z}`), 404, { error: 'Project policy not found' });
    expectAnswer(await w.b.get('/v1/project-policies/xyz'), 400, { errors: ['project_policy_id: must be a UUID'] });
    const put = await unchanged(() => w.b.call('PUT', `/v1/project-policies/${id}`, { body: { name: 'x', projectActions: { actions: [] } } }));
    expectAnswer(put, 405, { error: 'Method not allowed' });
    expect(put.headers.get('allow')).toMatch(/\bGET\b/);
  });

  it('row 34: malformed grant bodies → 400 naming the field; nothing appended', async () => {
    const path = `/v1/projects/${w.p}/grants`;
    expectAnswer(
      await unchanged(() => w.a.post(path, { granteeAccountId: w.B.id, projectActions: ['Foo'] })),
      400,
      { errors: ['projectActions[0]: unknown action `Foo`'] },
    );
    expectAnswer(await unchanged(() => w.a.post(path, { granteeAccountId: w.B.id })), 400, { errors: ['projectActions: is required'] });
    expectAnswer(
      await unchanged(() => w.a.post(path, { granteeAccountId: { $gt: '' }, projectActions: [] })),
      400,
      { errors: ['granteeAccountId: must be a string'] },
    );
    expectAnswer(
      await unchanged(() => w.a.post(path, { granteeAccountId: w.B.id, projectActions: [], $where: '1' })),
      400,
      { errors: ['$where: unknown field'] },
    );
    expectAnswer(await unchanged(() => w.a.postRaw(path, '{not json')), 400, { errors: ['body: invalid JSON'] });
  });

  it('row 35: a policy with a 201-character name and ViewProject lists both problems', async () => {
    const answer = await unchanged(() => w.a.post('/v1/project-policies', { name: 'a'.repeat(201), projectActions: { actions: ['ViewProject'] } }));
    expectAnswer(answer, 400, { errors: ['name: must be at most 200 characters', 'projectActions.actions[0]: unknown action `ViewProject`'] });
  });

  it('row 36: order of checks — syntax before authorization, authentication before syntax', async () => {
    const path = `/v1/projects/${w.p}/grants`;
    expectAnswer(await unchanged(() => w.b.postRaw(path, '{not json')), 400, { errors: ['body: invalid JSON'] });
    expectAnswer(
      await unchanged(() => g.request('POST', path, { raw: '{not json' })),
      401,
      { error: 'Invalid Token: Missing auth token.' },
    );
  });

  it('row 37: after 18, deleting P hides it at once, keeps the policy, and cascades grant deletions', async () => {
    const { G, policyId } = await afterRow18();
    const GC = await g.createGrant(w.tA, w.p, { granteeAccountId: w.C.id, projectActions: ['ViewWorker'] });
    const before = await g.head();
    expectAnswer(await written(() => w.a.delete(`/v1/projects/${w.p}`)), 200, {});
    expectAnswer(await w.b.get('/v1/projects'), 200, []);
    // §3.4: a second DELETE answers 401, because the project no longer exists.
    expectAnswer(await w.a.delete(`/v1/projects/${w.p}`), 401, projectAccess(w.p));
    expectAnswer(await w.a.get(`/v1/projects/${w.p}/grants`), 401, projectAccess(w.p));
    expectAnswer(await w.b.get(`/v1/project-policies/${policyId}`), 200, {
      id: policyId,
      name: 'viewers',
      projectActions: { actions: ['ViewComponent', 'ViewProjectGrants'] },
    });

    const cascaded = (events: AuditEvent[]) =>
      events.filter((event) => event.type === 'golem.grant.deleted' && event.data?.reason === 'projectDeleted');
    const events = await until(
      () => g.eventsSince(before),
      (all) => cascaded(all).length >= 2,
      5000,
    );
    const deletions = cascaded(events);
    expect(deletions.map((event) => event.data).sort((x, y) => String(x.grantId).localeCompare(String(y.grantId)))).toEqual(
      [
        { grantId: G.id, projectId: w.p, granteeAccountId: w.B.id, policyId: G.data.projectPolicyId, reason: 'projectDeleted' },
        { grantId: GC.id, projectId: w.p, granteeAccountId: w.C.id, policyId: GC.data.projectPolicyId, reason: 'projectDeleted' },
      ].sort((x, y) => x.grantId.localeCompare(y.grantId)),
    );
    // §6.3: the cascade shares the deletion's correlationId, is caused by it, and keeps its actor.
    const projectDeleted = events.find((event) => event.type === 'golem.project.deleted');
    expect(projectDeleted?.data).toEqual({ projectId: w.p, ownerAccountId: w.A.id });
    for (const deletion of deletions) {
      expect(deletion.stream).toBe(`golem.grant-${deletion.data.grantId}`);
      expect(deletion.metadata).toMatchObject({
        actor: w.A.id,
        correlationId: projectDeleted?.metadata.correlationId,
        causationId: projectDeleted?.id,
      });
    }
    // Policies are never deleted.
    expect(events.filter((event) => event.stream.startsWith('golem.policy-'))).toEqual([]);
  });

  it('row 38: ADM sees all 30 actions, the grant list, and every live project of every owner', async () => {
    const G = await g.createGrant(w.tA, w.p, { granteeAccountId: w.B.id, projectActions: ['ViewComponent'] });
    const QB = await g.createProject(w.tB, w.B.id, 'QB');
    const QC = await g.createProject(ADM, w.C.id, 'QC', 'by the admin');
    const gone = await g.createProject(w.tC, w.C.id, 'gone');
    expectAnswer(await w.c.delete(`/v1/projects/${gone.projectId}`), 200, {});
    expectAnswer(await w.adm.get(`/v1/projects/${w.p}/actions`), 200, [...VOCABULARY]);
    expectAnswer(await w.adm.get(`/v1/projects/${w.p}/grants`), 200, [G]);
    expectAnswer(await w.adm.get('/v1/projects'), 200, [w.P, QB, QC]);
  });

  it('row 39: no escalation check — a holder of CreateProjectGrants may grant itself DeleteProject', async () => {
    await written(() => w.a.post(`/v1/projects/${w.p}/grants`, { granteeAccountId: w.B.id, projectActions: ['CreateProjectGrants'] }));
    const self = await written(() => w.b.post(`/v1/projects/${w.p}/grants`, { granteeAccountId: w.B.id, projectActions: ['DeleteProject'] }));
    expectGrantShape(self.body, w.B.id, w.p);
    expectAnswer(await written(() => w.b.delete(`/v1/projects/${w.p}`)), 200, {});
  });

  it('row 40: after 18, a grantee may view the owner, not the other way round; unknown accounts look the same', async () => {
    await afterRow18();
    const owner = await w.b.get(`/v1/accounts/${w.A.id}`);
    expectAnswer(owner, 200, w.A);
    expectAccount(owner.body, w.A);
    expectAnswer(await w.a.get(`/v1/accounts/${w.B.id}`), 401, accountAccess(w.B.id));
    expectAnswer(await w.a.get('/v1/accounts/nobody'), 401, accountAccess('nobody'));
  });

  describe('event checks (§8, after the table)', () => {
    it('row 18 appends golem.policy.created (inlineForGrantId) then golem.grant.created, actor A, one correlationId', async () => {
      const before = await g.head();
      const { G, policyId } = await afterRow18();
      const events = await g.eventsSince(before);
      expect(events.map((event) => [event.type, event.stream])).toEqual([
        ['golem.policy.created', `golem.policy-${policyId}`],
        ['golem.grant.created', `golem.grant-${G.id}`],
      ]);
      const [policy, grant] = events as [AuditEvent, AuditEvent];
      expect(policy.data).toEqual({ policyId, name: 'viewers', actions: ['ViewComponent', 'ViewProjectGrants'], inlineForGrantId: G.id });
      expect(grant.data).toEqual({ grantId: G.id, projectId: w.p, granteeAccountId: w.B.id, policyId });
      expect(policy.metadata.actor).toBe(w.A.id);
      expect(grant.metadata.actor).toBe(w.A.id);
      expect(typeof policy.metadata.correlationId).toBe('string');
      expect(policy.metadata.correlationId).not.toBe('');
      expect(grant.metadata.correlationId).toBe(policy.metadata.correlationId);
    });

    it('row 18 metadata: resourceOwner is A for both events and tokenId is tA\'s id (§6.3)', async () => {
      const before = await g.head();
      await afterRow18();
      const events = await g.eventsSince(before);
      expect(events).toHaveLength(2);
      for (const event of events) expect(event.metadata).toMatchObject({ resourceOwner: w.A.id, tokenId: w.tokA });
    });

    it('row 29 appends golem.grant.deleted with reason requested and the deleted grant\'s policyId', async () => {
      const { G, G2 } = await afterRow28();
      const before = await g.head();
      expectAnswer(await w.a.delete(`/v1/projects/${w.p}/grants/${G2.id}`), 200, {});
      const events = await g.eventsSince(before);
      expect(events.map((event) => event.type)).toEqual(['golem.grant.deleted']);
      expect(events[0]?.stream).toBe(`golem.grant-${G2.id}`);
      expect(events[0]?.data).toEqual({ grantId: G2.id, projectId: w.p, granteeAccountId: w.B.id, policyId: G2.data.projectPolicyId, reason: 'requested' });
      expect(events[0]?.metadata.actor).toBe(w.A.id);
      expect(G.data.projectPolicyId).not.toBe(G2.data.projectPolicyId);
    });

    it('no event anywhere contains a token secret; token events carry only its SHA-256', async () => {
      // More tokens: one by the owner, one expired, one deleted; and a full grant/delete cycle.
      const own = await g.createToken(w.A.id, FAR_FUTURE, w.tA);
      const expired = await g.createToken(w.B.id, '2000-01-01T00:00:00Z', w.tB);
      const doomed = await g.createToken(w.C.id, FAR_FUTURE, ADM);
      expectAnswer(await w.adm.delete(`/v1/accounts/${w.C.id}/tokens/${doomed.data.id}`), 200, {});
      const { G } = await afterRow18();
      expectAnswer(await w.a.delete(`/v1/projects/${w.p}/grants/${G.id}`), 200, {});
      const secrets = [w.tA, w.tB, w.tC, own.secret.value, expired.secret.value, doomed.secret.value, ADM];
      const events = await g.allEvents();
      expect(events.length).toBeGreaterThan(0);
      for (const event of events) {
        const text = JSON.stringify({ data: event.data, metadata: event.metadata }).toLowerCase();
        for (const secret of secrets) expect(text).not.toContain(secret.toLowerCase());
      }
      const tokenEvents = events.filter((event) => event.type === 'golem.token.created');
      expect(tokenEvents).toHaveLength(6);
      const bySecret = new Map(
        [
          [w.tA, w.tokA],
          [w.tB, w.tokB],
          [w.tC, w.tokC],
          [own.secret.value, own.data.id],
          [expired.secret.value, expired.data.id],
          [doomed.secret.value, doomed.data.id],
        ].map(([secret, id]) => [id, createHash('sha256').update(secret!.toLowerCase()).digest('hex')]),
      );
      for (const event of tokenEvents) {
        expect(keysOf(event.data).sort()).toEqual(['accountId', 'createdAt', 'expiresAt', 'secretSha256', 'tokenId']);
        expect(event.data.secretSha256).toBe(bySecret.get(event.data.tokenId));
      }
    });
  });
});

describe('Golem acceptance scenario 15: project limit (golem-api.md §8, GRANTLINE_GOLEM_PROJECT_LIMIT=2)', () => {
  let service: TestApp;
  let g: GolemClient;
  let w: World;

  beforeAll(async () => {
    service = await startTestApp({ GRANTLINE_GOLEM_PROJECT_LIMIT: '2' });
    g = new GolemClient(service);
    w = await fixture(g);
  });
  afterAll(async () => service.close());

  it('row 15: A (owning P) creates Q (200), R (409); after deleting Q, R succeeds', async () => {
    const Q = await w.a.post('/v1/projects', { name: 'Q', ownerAccountId: w.A.id, description: '' });
    expect(Q.status).toBe(200);
    expect(Q.body).toEqual({
      projectId: expect.stringMatching(UUID_V7),
      projectData: { name: 'Q', ownerAccountId: w.A.id, description: '', defaultEnvironmentId: 'default', projectType: 'NonDefault' },
    });

    const before = await g.head();
    const refused = await w.a.post('/v1/projects', { name: 'R', ownerAccountId: w.A.id, description: '' });
    expectAnswer(refused, 409, { error: 'Allowed number of requests exceeded: Limit Exceeded: Project limit exceeded (limit: 2)' });
    expect(await g.head()).toBe(before);

    // Other owners are not affected by A's count.
    expect((await w.b.post('/v1/projects', { name: 'B1', ownerAccountId: w.B.id, description: '' })).status).toBe(200);

    expectAnswer(await w.a.delete(`/v1/projects/${Q.body.projectId}`), 200, {});
    const retried = await w.a.post('/v1/projects', { name: 'R', ownerAccountId: w.A.id, description: '' });
    expect(retried.status).toBe(200);
    expect(retried.body.projectData).toMatchObject({ name: 'R', ownerAccountId: w.A.id });
    expectAnswer(await w.a.get('/v1/projects'), 200, [w.P, retried.body]);
  });

  it('row 15 (concurrency, §6.5 and §7.5): the limit is exact under concurrent creates for one owner', async () => {
    const D = await g.createAccount('Dora', 'dora@example.com');
    const tD = (await g.createToken(D.id)).secret.value;
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => g.request('POST', '/v1/projects', { token: tD, body: { name: `D${i}`, ownerAccountId: D.id, description: '' } })),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, 200, 409, 409, 409, 409]);
    for (const answer of answers.filter((one) => one.status === 409)) {
      expect(answer.body).toEqual({ error: 'Allowed number of requests exceeded: Limit Exceeded: Project limit exceeded (limit: 2)' });
    }
    const owned = await g.request('GET', '/v1/projects', { token: tD });
    expect(owned.status).toBe(200);
    expect(owned.body).toHaveLength(2);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChildProcess, spawn } from 'node:child_process';
import { TEST_TOKEN, type TestApp, ZitadelClient, startTestApp } from '../support/app';
import { type MongoTestServer, mongoServerAvailability, startMongoServer, uniqueDatabaseName } from '../support/mongo-server';
import { type ServiceProcess, startServiceProcess } from '../support/service-process';

/** The seed flow, then a read right after each write: the same in every run mode. */
async function seedFlow(client: ZitadelClient): Promise<void> {
  const vendor = await client.addOrg(`Vendor ${Math.random()}`);
  const customer = await client.addOrg(`Customer ${Math.random()}`);
  const project = await client.addProject(vendor, 'Portal', ['reader', 'writer']);
  const grantId = await client.addProjectGrant(vendor, project, customer, ['reader']);
  const read = await client.get(`/management/v1/projects/${project}/grants/${grantId}`, vendor);
  expect(read.status).toBe(200);
  expect(read.body.projectGrant).toMatchObject({ grantId, grantedOrgId: customer, grantedRoleKeys: ['reader'], projectName: 'Portal' });
  const gigi = await client.addHuman(customer, 'gigi');
  const userGrantId = await client.addUserGrant(customer, gigi, { projectId: project, roleKeys: ['reader'] });
  const userGrant = await client.get(`/management/v1/users/${gigi}/grants/${userGrantId}`, customer);
  expect(userGrant.status).toBe(200);
  expect(userGrant.body.userGrant).toMatchObject({ projectGrantId: grantId, roleKeys: ['reader'], orgId: customer });
}

const mongo = mongoServerAvailability();
if (!mongo.available) console.warn(`SKIPPED: service on MongoDB read models: ${mongo.reason}`);

(mongo.available ? describe : describe.skip)('the whole service with MongoDB read models (jongodb test server, real driver)', () => {
  let server: MongoTestServer;
  let service: TestApp;

  beforeAll(async () => {
    server = await startMongoServer();
    service = await startTestApp({ MONGODB_URI: server.uri, MONGODB_DB: uniqueDatabaseName('service') });
  });
  afterAll(async () => {
    await service?.close();
    await server?.stop();
  });

  it('serves the seed flow with read-your-writes', async () => {
    expect(service.platform.stores).toEqual({ eventStore: 'sqlite', readStore: 'mongodb' });
    await seedFlow(new ZitadelClient(service.baseUrl));
  });
});

describe('API and projection worker in separate processes', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'grantline-worker-'));
  const env = { GRANTLINE_DATA_DIR: dataDir, GRANTLINE_BOOTSTRAP_TOKEN: TEST_TOKEN };
  let api: ServiceProcess | null = null;
  let worker: ChildProcess | null = null;

  afterAll(async () => {
    await api?.kill('SIGKILL');
    worker?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads wait for the worker, and see every write', async () => {
    api = await startServiceProcess({ ...env, GRANTLINE_RUN_PROJECTIONS: 'false', GRANTLINE_CONSISTENCY_TIMEOUT_MS: '300' });
    const client = new ZitadelClient(api.baseUrl);
    const org = await client.addOrg('Lonely');
    // No worker yet: the read cannot be made consistent, and says so instead of answering stale.
    const stale = await client.get('/management/v1/orgs/me', org);
    expect({ status: stale.status, id: stale.body.details[0].id, retryAfter: stale.headers.get('retry-after') }).toEqual({
      status: 503,
      id: 'GRANTLINE-NotConsistent',
      retryAfter: '1',
    });
    const health = (await (await fetch(`${api.baseUrl}/healthz`)).json()) as { projections: Array<{ state: string }> };
    expect(health.projections.every((projection) => projection.state === 'catching_up')).toBe(true);

    worker = spawn(process.execPath, [join(__dirname, '..', '..', 'dist', 'src', 'worker.js')], {
      env: { ...process.env, ...env, GRANTLINE_LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    const deadline = Date.now() + 20_000;
    let answer = await client.get('/management/v1/orgs/me', org);
    while (answer.status !== 200 && Date.now() < deadline) answer = await client.get('/management/v1/orgs/me', org);
    expect(answer.body.org).toMatchObject({ id: org, name: 'Lonely' });
    await seedFlow(client);
  });
});

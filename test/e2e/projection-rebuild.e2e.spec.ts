import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REBUILD_REQUESTS, REBUILDS } from '../../src/projections/projection-runner';
import { TEST_TOKEN, type TestApp, ZitadelClient, startTestApp } from '../support/app';

const run = promisify(execFile);
const CLI = join(__dirname, '..', '..', 'dist', 'src', 'cli.js');

interface Health {
  readonly headPosition: number;
  readonly projections: ReadonlyArray<{ name: string; state: string; position: number }>;
}

/** The operator CLI as a separate process on the service's stores (as an operator runs it). */
async function cli(service: TestApp, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // The embedded stores the test service runs on, whatever the environment points at.
  const env: NodeJS.ProcessEnv = { ...process.env, GRANTLINE_DATA_DIR: service.dataDir, GRANTLINE_BOOTSTRAP_TOKEN: TEST_TOKEN, GRANTLINE_LOG_LEVEL: 'silent' };
  delete env.MONGODB_URI;
  delete env.EVENTSTORE_CONNECTION_STRING;
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Operator: rebuild one projection from position 0 (projections rebuild)', () => {
  let service: TestApp;
  let client: ZitadelClient;

  beforeAll(async () => {
    service = await startTestApp();
    client = new ZitadelClient(service.baseUrl);
  });
  afterAll(async () => service.close());

  it('given project grants being read, when an operator rebuilds project_grants1 through the CLI, then the service rebuilds it and answers the same grants', async () => {
    const vendor = await client.addOrg('Vendor');
    const project = await client.addProject(vendor, 'Portal', ['reader', 'writer']);
    const grants: Array<{ id: string; path: string }> = [];
    for (let i = 0; i < 5; i += 1) {
      const grantee = await client.addOrg(`Customer ${i}`);
      const id = await client.addProjectGrant(vendor, project, grantee, ['reader']);
      grants.push({ id, path: `/management/v1/projects/${project}/grants/${id}` });
    }
    const before = await Promise.all(grants.map((grant) => client.get(grant.path, vendor)));
    expect(before.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);

    const requested = await cli(service, 'projections', 'rebuild', 'project_grants1', '--reason', 'verify the rebuild path');
    expect(requested).toMatchObject({ code: 0 });
    expect(requested.stdout).toContain('project_grants1: rebuild requested');

    // Lease renewal (every ~3.3 s) takes the request up; the rebuild record keeps the reason.
    const readStore = service.platform.readStore;
    await until(async () => (await readStore.get(REBUILD_REQUESTS, 'project_grants1')) === null, 15_000);
    const records = await readStore.query(REBUILDS, { filter: [{ op: 'eq', field: 'projection', value: 'project_grants1' }] });
    expect(records.docs).toEqual([expect.objectContaining({ projection: 'project_grants1', reason: 'verify the rebuild path' })]);

    // Strong reads wait for the rebuilt projection and answer exactly what they answered before.
    const after = await Promise.all(grants.map((grant) => client.get(grant.path, vendor)));
    expect(after.map((answer) => answer.body)).toEqual(before.map((answer) => answer.body));
    const health = (await (await fetch(`${service.baseUrl}/healthz`)).json()) as Health;
    expect(health.projections.find((projection) => projection.name === 'project_grants1')).toMatchObject({ state: 'running', position: health.headPosition });
  }, 30_000);

  it('given an unknown projection or no reason, then the CLI refuses and nothing is requested', async () => {
    const unknown = await cli(service, 'projections', 'rebuild', 'no_such_projection1', '--reason', 'typo');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown projection no_such_projection1');

    const noReason = await cli(service, 'projections', 'rebuild', 'user_grants1');
    expect(noReason.code).not.toBe(0);
    expect(noReason.stderr).toContain('--reason');

    expect(await service.platform.readStore.get(REBUILD_REQUESTS, 'no_such_projection1')).toBeNull();
    expect(await service.platform.readStore.get(REBUILD_REQUESTS, 'user_grants1')).toBeNull();
  }, 30_000);
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/adapters/sqlite/sqlite-event-store';
import { SqliteReadStore } from '../../src/adapters/sqlite/sqlite-read-store';
import { readModelDigest } from '../../src/projections/digest';
import { ProjectionProgress } from '../../src/projections/projection-progress';
import { ProjectionRunner } from '../../src/projections/projection-runner';
import { PROJECTIONS } from '../../src/platform/platform';
import { SystemClock } from '../../src/platform/uuid-v7';
import { TEST_TOKEN, ZitadelClient } from '../support/app';
import { type ServiceProcess, startServiceProcess } from '../support/service-process';

const quiet = { warn: () => undefined, error: () => undefined };

/** Rebuilds every projection from position 0 into a fresh read store and returns its digest. */
async function rebuiltDigest(dataDir: string): Promise<{ digest: string; head: number }> {
  const scratch = mkdtempSync(join(tmpdir(), 'grantline-rebuild-'));
  const events = new SqliteEventStore(join(dataDir, 'events.sqlite'));
  const readStore = new SqliteReadStore(join(scratch, 'readmodels.sqlite'));
  const progress = new ProjectionProgress(readStore, false);
  const runner = new ProjectionRunner(events, readStore, PROJECTIONS, progress, new SystemClock(), quiet);
  try {
    await runner.start();
    const head = await events.headPosition();
    const keys = (await runner.status()).map((status) => status.key);
    if (!(await progress.waitFor(keys, head, 30_000))) throw new Error('rebuild did not catch up');
    return { digest: await readModelDigest(readStore, PROJECTIONS), head };
  } finally {
    await runner.stop();
    progress.close();
    await readStore.close();
    await events.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

describe('durability: SIGKILL right after a burst of acknowledged writes', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'grantline-durability-'));
  const env = { GRANTLINE_DATA_DIR: dataDir, GRANTLINE_BOOTSTRAP_TOKEN: TEST_TOKEN };
  let service: ServiceProcess | null = null;

  afterAll(async () => {
    await service?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged object, catches up, and applies no event twice', async () => {
    service = await startServiceProcess(env);
    const client = new ZitadelClient(service.baseUrl);
    const vendor = await client.addOrg('Vendor');
    const project = await client.addProject(vendor, 'Portal', ['reader', 'writer']);

    // A burst of 32 concurrent writers; every 200 is an acknowledgement we hold the service to.
    const acknowledged: Array<{ org: string; grantId: string }> = [];
    let stopBurst = false;
    const writer = async (w: number) => {
      for (let i = 0; !stopBurst; i += 1) {
        const created = await client.post('/management/v1/orgs', { name: `Customer ${w}-${i}` }).catch(() => null);
        if (created?.status !== 200) return;
        const grant = await client
          .post(`/management/v1/projects/${project}/grants`, { grantedOrgId: created.body.id, roleKeys: ['reader'] }, vendor)
          .catch(() => null);
        if (grant?.status !== 200) return;
        acknowledged.push({ org: created.body.id, grantId: grant.body.grantId });
      }
    };
    const writers = Array.from({ length: 32 }, (_, w) => writer(w));
    while (acknowledged.length < 200) await new Promise((resolve) => setTimeout(resolve, 10));
    // Kill while writes are still in flight: what was acknowledged must survive, the rest may not.
    await service.kill('SIGKILL');
    stopBurst = true;
    await Promise.all(writers);
    const acknowledgedCount = acknowledged.length;
    expect(acknowledgedCount).toBeGreaterThanOrEqual(200);

    service = await startServiceProcess(env);
    const after = new ZitadelClient(service.baseUrl);
    for (const { org, grantId } of acknowledged) {
      const read = await after.get(`/management/v1/projects/${project}/grants/${grantId}`, vendor);
      expect({ status: read.status, grantedOrgId: read.body?.projectGrant?.grantedOrgId }).toEqual({ status: 200, grantedOrgId: org });
    }

    const health = (await (await fetch(`${service.baseUrl}/healthz`)).json()) as {
      headPosition: number;
      projections: Array<{ state: string; position: number }>;
    };
    for (const projection of health.projections) {
      expect(projection).toMatchObject({ state: 'running', position: health.headPosition });
    }
    await service.kill('SIGTERM');
    service = null;

    // Exactly once: the restarted service's read models equal a from-scratch rebuild.
    const rebuilt = await rebuiltDigest(dataDir);
    const readStore = new SqliteReadStore(join(dataDir, 'readmodels.sqlite'));
    try {
      expect(await readModelDigest(readStore, PROJECTIONS)).toBe(rebuilt.digest);
    } finally {
      await readStore.close();
    }
    const events = new SqliteEventStore(join(dataDir, 'events.sqlite'));
    try {
      expect(events.integrityCheck()).toBe('ok');
      const all = await events.readAll();
      expect(all.map((event) => event.position)).toEqual(all.map((_, index) => index + 1));
    } finally {
      await events.close();
    }
  });
});

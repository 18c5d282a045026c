import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/adapters/sqlite/sqlite-event-store';
import { TEST_TOKEN, ZitadelClient } from '../support/app';
import { digestOfDataDir, digestOfDataDirRebuild } from '../support/rebuild';
import { type ServiceProcess, startServiceProcess } from '../support/service-process';
import { prng, runWorkload } from '../support/workload';

const WORKER = join(__dirname, '..', '..', 'dist', 'src', 'worker.js');

function startWorker(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [WORKER], { env: { ...process.env, ...env, GRANTLINE_LOG_LEVEL: 'error' }, stdio: 'ignore' });
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Health {
  readonly headPosition: number;
  readonly projections: ReadonlyArray<{ name: string; state: string; position: number }>;
}

async function caughtUp(baseUrl: string, timeoutMs: number): Promise<Health> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const body = (await (await fetch(`${baseUrl}/healthz`)).json()) as Health;
    if (body.projections.every((projection) => projection.state === 'running' && projection.position === body.headPosition)) return body;
    if (Date.now() > deadline) throw new Error(`not caught up: ${JSON.stringify(body)}`);
    await sleep(50);
  }
}

describe('R1: no acknowledged append is lost across repeated SIGKILLs', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'grantline-r1-'));
  const env = { GRANTLINE_DATA_DIR: dataDir, GRANTLINE_BOOTSTRAP_TOKEN: TEST_TOKEN };
  let service: ServiceProcess | null = null;
  afterAll(async () => {
    await service?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('three kill cycles during 32-way concurrent writes: every 2xx survives, positions contiguous, integrity ok', async () => {
    const acknowledged: string[] = [];
    const random = prng(11);
    for (let cycle = 0; cycle < 3; cycle += 1) {
      service = await startServiceProcess(env);
      const client = new ZitadelClient(service.baseUrl);
      let stop = false;
      const writers = Array.from({ length: 32 }, async (_, w) => {
        for (let i = 0; !stop; i += 1) {
          const answer = await client.post('/management/v1/orgs', { name: `org ${cycle}-${w}-${i}` }).catch(() => null);
          if (answer === null) return;
          if (answer.status === 200) acknowledged.push(answer.body.id as string);
        }
      });
      await sleep(300 + Math.floor(random() * 700));
      await service.kill('SIGKILL');
      stop = true;
      await Promise.all(writers);
    }
    service = await startServiceProcess(env);
    const client = new ZitadelClient(service.baseUrl);
    expect(acknowledged.length).toBeGreaterThan(100);
    for (const org of acknowledged) {
      const me = await client.get('/management/v1/orgs/me', org);
      expect({ org, status: me.status }).toEqual({ org, status: 200 });
    }
    await caughtUp(service.baseUrl, 20_000);
    await service.kill('SIGTERM');
    service = null;
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

describe('R2: SIGKILL of the projection worker during a rebuild and during live load', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'grantline-r2-'));
  const env = { GRANTLINE_DATA_DIR: dataDir, GRANTLINE_BOOTSTRAP_TOKEN: TEST_TOKEN };
  let api: ServiceProcess | null = null;
  let worker: ChildProcess | null = null;
  afterAll(async () => {
    await api?.kill('SIGKILL');
    if (worker !== null) await kill(worker);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('after restarts the read models equal a from-scratch rebuild', async () => {
    const random = prng(23);
    api = await startServiceProcess({ ...env, GRANTLINE_RUN_PROJECTIONS: 'false', GRANTLINE_CONSISTENCY_TIMEOUT_MS: '10000' });
    const client = new ZitadelClient(api.baseUrl);
    worker = startWorker(env);
    // Live load while the worker is killed and restarted at random moments.
    const load = runWorkload(client, 5, 200);
    let running = true;
    void load.finally(() => (running = false));
    while (running) {
      await sleep(100 + Math.floor(random() * 400));
      await kill(worker);
      worker = startWorker(env);
    }
    await load;
    await caughtUp(api.baseUrl, 30_000);
    await kill(worker);
    worker = null;
    expect(await digestOfDataDir(dataDir)).toBe(await digestOfDataDirRebuild(dataDir));

    // A rebuild from nothing, killed at random points while it catches up.
    rmSync(join(dataDir, 'readmodels.sqlite'), { force: true });
    rmSync(join(dataDir, 'readmodels.sqlite-wal'), { force: true });
    rmSync(join(dataDir, 'readmodels.sqlite-shm'), { force: true });
    await api.kill('SIGKILL');
    api = await startServiceProcess({ ...env, GRANTLINE_RUN_PROJECTIONS: 'false' });
    for (let kills = 0; kills < 3; kills += 1) {
      worker = startWorker(env);
      await sleep(150 + Math.floor(random() * 300));
      await kill(worker);
    }
    worker = startWorker(env);
    await caughtUp(api.baseUrl, 30_000);
    await kill(worker);
    worker = null;
    expect(await digestOfDataDir(dataDir)).toBe(await digestOfDataDirRebuild(dataDir));
  });
});

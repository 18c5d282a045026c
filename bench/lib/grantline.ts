import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from './load';
import type { Pinning } from './machine';
import { registerTempDir, removeTempDir, type ServerProcess, sleep, startServer } from './server-process';

export const BENCH_TOKEN = 'bench-bootstrap-token-0123456789abcdef';
export const ROLES = ['reader', 'writer'] as const;

/**
 * The Grantline service under test: `dist/src/main.js` in its own pinned process on a fresh
 * embedded store, with the data set the scenarios build through the API (a vendor org owning one
 * project with two roles; grantee orgs; the project grants the command scenario adds).
 */
export class GrantlineService {
  /** Grantee orgs created and not yet granted anything. */
  private readonly unusedOrgs: string[] = [];
  private orgCounter = 0;
  private userCounter = 0;
  /** Project grants added so far, for the read scenario. */
  readonly grants: Array<{ readonly project: string; readonly grant: string }> = [];
  /** Projects of the vendor (the first is the one the P4 figure writes to). */
  readonly projects: string[];
  /** Orgs in the store (the vendor included). */
  orgsCreated = 1;

  private constructor(
    readonly server: ServerProcess,
    private readonly dataDir: string,
    readonly vendor: string,
    readonly project: string,
  ) {
    this.projects = [project];
  }

  static async start(distRoot: string, pinning: Pinning): Promise<GrantlineService> {
    const dataDir = mkdtempSync(join(tmpdir(), 'grantline-bench-data-'));
    registerTempDir(dataDir);
    const server = await startServer({
      name: 'grantline',
      script: join(distRoot, 'src', 'main.js'),
      // MONGODB_URI='': read models in SQLite even when the bench's environment has MONGODB_URI (meant for rebuild-mongo).
      env: { MONGODB_URI: '', GRANTLINE_DATA_DIR: dataDir, GRANTLINE_BOOTSTRAP_TOKEN: BENCH_TOKEN, GRANTLINE_LOG_LEVEL: 'warn' },
      pinning,
      readyPath: '/healthz',
      // BENCH_CPU_PROF_DIR=dir: the service writes a V8 CPU profile there when it stops.
      ...(process.env.BENCH_CPU_PROF_DIR ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] } : {}),
    });
    try {
      const vendor = (await call(server.url, 'POST', '/management/v1/orgs', { name: 'Bench Vendor' })).id as string;
      const project = await addProject(server.url, vendor, 'Bench Portal');
      return new GrantlineService(server, dataDir, vendor, project);
    } catch (error) {
      await server.stop();
      removeTempDir(dataDir);
      throw error;
    }
  }

  get url(): string {
    return this.server.url;
  }

  /** Headers of an authenticated request acting in `org` (the vendor by default). */
  headers(org: string = this.vendor, json = false): Record<string, string> {
    return {
      authorization: `Bearer ${BENCH_TOKEN}`,
      'x-zitadel-orgid': org,
      ...(json ? { 'content-type': 'application/json' } : {}),
    };
  }

  get unusedOrgCount(): number {
    return this.unusedOrgs.length;
  }

  /** Takes a grantee org nobody has been granted to yet; undefined when none is left. */
  takeOrg(): string | undefined {
    return this.unusedOrgs.shift();
  }

  /** Makes sure the vendor has `count` projects (each with the two roles). */
  async ensureProjects(count: number): Promise<readonly string[]> {
    while (this.projects.length < count) this.projects.push(await addProject(this.url, this.vendor, `Bench Project ${this.projects.length + 1}`));
    return this.projects.slice(0, count);
  }

  /** Takes up to `count` unused grantee orgs. */
  takeOrgs(count: number): string[] {
    return this.unusedOrgs.splice(0, count);
  }

  /** Creates `count` grantee orgs through AddOrg (32 connections). */
  async createOrgs(count: number): Promise<void> {
    if (count <= 0) return;
    const ids: string[] = [];
    const result = await load({
      label: `AddOrg × ${count}`,
      url: this.url,
      connections: Math.min(32, count),
      amount: count,
      headers: { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' },
      requests: [
        {
          method: 'POST',
          path: '/management/v1/orgs',
          setupRequest: (request) => ({ ...request, body: JSON.stringify({ name: `Bench Grantee ${(this.orgCounter += 1)}` }) }),
          onResponse: (status, body) => {
            if (status === 200) ids.push((JSON.parse(body) as { id: string }).id);
          },
        },
      ],
    });
    if (result.non2xx > 0 || result.errors > 0) {
      throw new Error(`creating grantee orgs: ${result.non2xx} non-2xx, ${result.errors} errors (${JSON.stringify(result.statusCodes)} ${result.errorMessages.join('; ')})`);
    }
    this.unusedOrgs.push(...ids);
    this.orgsCreated += ids.length;
  }

  /** Creates `count` human users in `org` through AddHumanUser (32 connections); their ids. */
  async createUsers(count: number, org: string = this.vendor): Promise<string[]> {
    if (count <= 0) return [];
    const ids: string[] = [];
    const result = await load({
      label: `AddHumanUser × ${count}`,
      url: this.url,
      connections: Math.min(32, count),
      amount: count,
      headers: this.headers(org, true),
      requests: [
        {
          method: 'POST',
          path: '/management/v1/users/human',
          setupRequest: (request) => {
            const name = `bench-user-${(this.userCounter += 1)}`;
            return { ...request, body: JSON.stringify({ userName: name, profile: { firstName: 'Bench', lastName: name }, email: { email: `${name}@example.com` } }) };
          },
          onResponse: (status, body) => {
            if (status === 200) ids.push((JSON.parse(body) as { userId: string }).userId);
          },
        },
      ],
    });
    if (result.non2xx > 0 || result.errors > 0) {
      throw new Error(`creating users: ${result.non2xx} non-2xx, ${result.errors} errors (${JSON.stringify(result.statusCodes)} ${result.errorMessages.join('; ')})`);
    }
    return ids;
  }

  /** Waits until every projection has processed the head (reads would otherwise wait for it). */
  async caughtUp(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const health = (await (await fetch(`${this.url}/healthz`)).json()) as { projections: Array<{ name: string; lag: number; state: string }> };
      if (health.projections.every((projection) => projection.lag === 0)) return;
      if (Date.now() > deadline) throw new Error(`projections not caught up: ${JSON.stringify(health.projections)}`);
      await sleep(100);
    }
  }

  /**
   * Waits until the service is idle again: projections caught up and the process using almost no
   * CPU (work left over from an earlier round, e.g. requests a fixed-rate round gave up on, would
   * otherwise be charged to the next round). Reads /proc; elsewhere only the projections are waited for.
   */
  async settle(timeoutMs = 60_000): Promise<void> {
    await this.caughtUp(timeoutMs);
    const deadline = Date.now() + timeoutMs;
    let idleWindows = 0;
    let last = cpuTicks(this.server.pid);
    while (last !== null && idleWindows < 2 && Date.now() < deadline) {
      await sleep(200);
      const now = cpuTicks(this.server.pid);
      if (now === null) break;
      // 100 ticks per second: under 10 % of a core over 200 ms is at most 2 ticks.
      idleWindows = now - last <= 2 ? idleWindows + 1 : 0;
      last = now;
    }
  }

  async stop(): Promise<void> {
    await this.server.stop();
    removeTempDir(this.dataDir);
  }
}

/** utime + stime of a process, in clock ticks; null without /proc. */
function cpuTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

async function addProject(baseUrl: string, vendor: string, name: string): Promise<string> {
  const project = (await call(baseUrl, 'POST', '/management/v1/projects', { name }, vendor)).id as string;
  await call(baseUrl, 'POST', `/management/v1/projects/${project}/roles/_bulk`, { roles: ROLES.map((key) => ({ key, displayName: key })) }, vendor);
  return project;
}

async function call(baseUrl: string, method: string, path: string, body: unknown, org?: string): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' };
  if (org !== undefined) headers['x-zitadel-orgid'] = org;
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

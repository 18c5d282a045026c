import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SingleBar } from 'cli-progress';
import { SqliteEventStore } from '../../src/adapters/sqlite/sqlite-event-store';
import type { EventMetadata, NewEvent } from '../../src/kernel/event';
import { UuidV7Generator } from '../../src/platform/uuid-v7';
import { BENCH_TOKEN, ROLES } from './grantline';
import type { Pinning } from './machine';
import { registerTempDir, removeTempDir, type ServerProcess, sleep, startServer } from './server-process';

/**
 * The spec's read data set (100 orgs, 10k projects, 100k project grants, 1M user grants; `--quick`:
 * 20 orgs, 100 projects, 1,000 project grants, 10,000 user grants), written straight through the
 * embedded event store's append (group-committed: thousands of appends per transaction) into the
 * data dir of a service that is started on it afterwards. Every object is written as the command
 * executor would write it: its own stream (`org-`, `user-`, `project-` with roles and project
 * grants, `usergrant-`), metadata {actor, resourceOwner, correlationId, causationId}, and the
 * `unique-…` reservation stream of every unique key it holds, written before the object.
 *
 * Shape: every org owns `projectsPerOrg` projects (roles reader, writer) and has `usersPerOrg`
 * human users; every project is granted (both roles) to the `grantsPerProject` orgs after its owner;
 * every project grant has `userGrantsPerGrant` user grants (role reader), owned by the granted org,
 * for consecutive users of that org starting at a per-grant offset. So a user holds about
 * projects × grantsPerProject × userGrantsPerGrant / (orgs × usersPerOrg) user grants, at most one
 * per project. On top: a cascade fixture, one project of org 0 granted to an extra org whose
 * `cascadeUserGrants` users each hold one user grant on that grant (RemoveProjectGrant on it
 * cascades to all of them).
 */
export interface DataSetShape {
  readonly orgs: number;
  readonly projectsPerOrg: number;
  readonly usersPerOrg: number;
  readonly grantsPerProject: number;
  readonly userGrantsPerGrant: number;
  readonly cascadeUserGrants: number;
}

export const FULL_SHAPE: DataSetShape = { orgs: 100, projectsPerOrg: 100, usersPerOrg: 100, grantsPerProject: 10, userGrantsPerGrant: 10, cascadeUserGrants: 10_000 };
export const QUICK_SHAPE: DataSetShape = { orgs: 20, projectsPerOrg: 5, usersPerOrg: 100, grantsPerProject: 10, userGrantsPerGrant: 10, cascadeUserGrants: 100 };

export interface ProjectGrantRef {
  readonly projectId: string;
  readonly grantId: string;
  /** Org owning the project. */
  readonly owner: string;
  readonly grantedOrgIndex: number;
  /** First user (index in the granted org) holding a user grant on it; the next userGrantsPerGrant do. */
  readonly firstUser: number;
}

export interface UserGrantRef {
  readonly id: string;
  readonly userId: string;
  readonly projectId: string;
  /** Owner (the granted org). */
  readonly org: string;
}

export interface DataSet {
  readonly shape: DataSetShape;
  readonly dir: string;
  readonly orgs: readonly string[];
  /** Users per org (index as in `orgs`). */
  readonly users: readonly (readonly string[])[];
  readonly projectGrants: readonly ProjectGrantRef[];
  /** Every 100th user grant (quick: every one), for reads by id. */
  readonly userGrantSample: readonly UserGrantRef[];
  readonly cascade: { readonly org: string; readonly owner: string; readonly projectId: string; readonly grantId: string; readonly userGrants: number };
  readonly counts: { readonly orgs: number; readonly users: number; readonly projects: number; readonly projectGrants: number; readonly userGrants: number; readonly events: number };
  /** Generation: seconds and events/s through the event store. */
  readonly generateS: number;
  readonly eventsSqliteBytes: number;
}

const ids = new UuidV7Generator();

function reservationStream(kind: string, value: string): string {
  // As src/kernel/command-executor.ts `reservationStream` (sha256 of `${kind}:${value}`).
  return `unique-${createHash('sha256').update(`${kind}:${value}`).digest('hex')}`;
}

function metadataFor(resourceOwner: string): EventMetadata {
  const request = randomUUID();
  return { actor: 'instance-admin', resourceOwner, correlationId: request, causationId: request };
}

/** Queues appends; every `groupSize` of them are committed together (one transaction, one fsync). */
class GroupWriter {
  private pending: Array<Promise<unknown>> = [];
  events = 0;
  constructor(
    private readonly store: SqliteEventStore,
    private readonly onProgress: (events: number) => void,
    private readonly groupSize = 4000,
  ) {}

  async append(stream: string, events: readonly NewEvent[]): Promise<void> {
    this.pending.push(this.store.append(stream, events, 'no_stream'));
    this.events += events.length;
    if (this.pending.length >= this.groupSize) await this.flush();
  }

  /** An object with its unique keys: the reservations first, as the command executor writes them. */
  async object(stream: string, keys: ReadonlyArray<{ kind: string; value: string }>, events: ReadonlyArray<Omit<NewEvent, 'id' | 'metadata'>>, resourceOwner: string): Promise<void> {
    const metadata = metadataFor(resourceOwner);
    for (const key of keys) {
      await this.append(reservationStream(key.kind, key.value), [
        { id: ids.newId(), type: 'unique.reserved', data: { kind: key.kind, value: key.value, owner: stream }, metadata } as NewEvent,
      ]);
    }
    await this.append(stream, events.map((event) => ({ ...event, id: ids.newId(), metadata }) as NewEvent));
  }

  async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    await Promise.all(batch);
    this.onProgress(this.events);
  }
}

export function totalEvents(shape: DataSetShape): number {
  const projects = shape.orgs * shape.projectsPerOrg;
  const grants = projects * shape.grantsPerProject;
  const userGrants = grants * shape.userGrantsPerGrant;
  const orgs = shape.orgs + 1;
  const users = shape.orgs * shape.usersPerOrg + shape.cascadeUserGrants;
  // org: 2 events + 2 reservations; user: 1 + 1; project: 1 + 2 roles + grants + 1 reservation; user grant: 1 + 1.
  return orgs * 4 + users * 2 + (projects + 1) * (4 + shape.grantsPerProject) + 1 + (userGrants + shape.cascadeUserGrants) * 2;
}

/** Writes the data set into a fresh data dir (events.sqlite only; the service builds the read models). */
export async function generateDataSet(shape: DataSetShape, log: (message: string) => void): Promise<DataSet> {
  const dir = mkdtempSync(join(tmpdir(), 'grantline-bench-dataset-'));
  registerTempDir(dir);
  const file = join(dir, 'events.sqlite');
  const store = new SqliteEventStore(file);
  const total = totalEvents(shape);
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: '  generating data set [{bar}] {percentage} % {value}/{total} events, {eta_formatted} left', stream: process.stderr, clearOnComplete: true, hideCursor: true })
    : null;
  let lastLogged = 0;
  bar?.start(total, 0);
  const onProgress = (events: number) => {
    if (bar !== null) bar.update(Math.min(events, total));
    else if (events - lastLogged >= total / 10) {
      lastLogged = events;
      log(`    … ${events} / ${total} events`);
    }
  };
  const writer = new GroupWriter(store, onProgress);
  const started = performance.now();
  const orgs: string[] = [];
  const users: string[][] = [];
  const projectGrants: ProjectGrantRef[] = [];
  const sample: UserGrantRef[] = [];
  const sampleEvery = shape.orgs * shape.projectsPerOrg * shape.grantsPerProject * shape.userGrantsPerGrant >= 100_000 ? 100 : 1;
  let userGrantCount = 0;
  let projectCount = 0;
  try {
    const addOrg = async (name: string) => {
      const id = ids.newId();
      const domain = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.localhost`;
      await writer.object(
        `org-${id}`,
        [
          { kind: 'org.name', value: name.toLowerCase() },
          { kind: 'org.domain', value: domain },
        ],
        [
          { type: 'org.added', data: { name } },
          { type: 'org.domain.primary.set', data: { domain } },
        ],
        id,
      );
      return id;
    };
    const addUser = async (org: string, userName: string) => {
      const id = ids.newId();
      await writer.object(
        `user-${id}`,
        [{ kind: 'user.name', value: `${org}:${userName.toLowerCase()}` }],
        [
          {
            type: 'user.human.added',
            data: { userName, firstName: 'Bench', lastName: userName, displayName: `Bench ${userName}`, preferredLanguage: 'en', email: `${userName}@bench.localhost`, isEmailVerified: true },
          },
        ],
        org,
      );
      return id;
    };
    const addProject = async (owner: string, name: string, grantedOrgs: readonly string[]) => {
      const id = ids.newId();
      const grants = grantedOrgs.map((grantedOrgId) => ({ grantId: ids.newId(), grantedOrgId }));
      await writer.object(
        `project-${id}`,
        [{ kind: 'project.name', value: `${owner}:${name.toLowerCase()}` }],
        [
          { type: 'project.added', data: { name, projectRoleAssertion: false, projectRoleCheck: false, hasProjectCheck: false, privateLabelingSetting: 0 } },
          ...ROLES.map((key) => ({ type: 'project.role.added', data: { key, displayName: key } })),
          ...grants.map(({ grantId, grantedOrgId }) => ({ type: 'project.grant.added', data: { grantId, grantedOrgId, roleKeys: [...ROLES] } })),
        ],
        owner,
      );
      projectCount += 1;
      return { id, grants };
    };
    const addUserGrant = async (org: string, userId: string, projectId: string, grantId: string) => {
      const id = ids.newId();
      await writer.object(
        `usergrant-${id}`,
        [{ kind: 'usergrant', value: `${org}:${userId}:${projectId}:${grantId}` }],
        [{ type: 'user.grant.added', data: { userId, projectId, grantId, roleKeys: ['reader'] } }],
        org,
      );
      if (userGrantCount % sampleEvery === 0) sample.push({ id, userId, projectId, org });
      userGrantCount += 1;
    };

    for (let o = 0; o < shape.orgs; o += 1) orgs.push(await addOrg(`Bench Org ${o}`));
    for (let o = 0; o < shape.orgs; o += 1) {
      const list: string[] = [];
      for (let u = 0; u < shape.usersPerOrg; u += 1) list.push(await addUser(orgs[o] as string, `user${u}`));
      users.push(list);
    }
    let grantSerial = 0;
    for (let o = 0; o < shape.orgs; o += 1) {
      const owner = orgs[o] as string;
      for (let p = 0; p < shape.projectsPerOrg; p += 1) {
        const grantedIndexes = Array.from({ length: shape.grantsPerProject }, (_, k) => (o + 1 + k) % shape.orgs);
        const project = await addProject(owner, `Bench Project ${o}-${p}`, grantedIndexes.map((index) => orgs[index] as string));
        for (const [k, grant] of project.grants.entries()) {
          const grantedOrgIndex = grantedIndexes[k] as number;
          const firstUser = (grantSerial * shape.userGrantsPerGrant) % shape.usersPerOrg;
          grantSerial += 1;
          projectGrants.push({ projectId: project.id, grantId: grant.grantId, owner, grantedOrgIndex, firstUser });
          const orgUsers = users[grantedOrgIndex] as string[];
          for (let t = 0; t < shape.userGrantsPerGrant; t += 1) {
            await addUserGrant(grant.grantedOrgId, orgUsers[(firstUser + t) % shape.usersPerOrg] as string, project.id, grant.grantId);
          }
        }
      }
    }
    // The cascade fixture.
    const cascadeOrg = await addOrg('Bench Cascade Org');
    const cascadeUsers: string[] = [];
    for (let u = 0; u < shape.cascadeUserGrants; u += 1) cascadeUsers.push(await addUser(cascadeOrg, `cascade${u}`));
    const cascadeOwner = orgs[0] as string;
    const cascadeProject = await addProject(cascadeOwner, 'Bench Cascade Project', [cascadeOrg]);
    const cascadeGrant = cascadeProject.grants[0]?.grantId as string;
    const before = userGrantCount;
    for (const userId of cascadeUsers) {
      const id = ids.newId();
      await writer.object(
        `usergrant-${id}`,
        [{ kind: 'usergrant', value: `${cascadeOrg}:${userId}:${cascadeProject.id}:${cascadeGrant}` }],
        [{ type: 'user.grant.added', data: { userId, projectId: cascadeProject.id, grantId: cascadeGrant, roleKeys: ['reader'] } }],
        cascadeOrg,
      );
    }
    userGrantCount = before;
    await writer.flush();
    bar?.stop();
    const generateS = (performance.now() - started) / 1000;
    const events = writer.events;
    return {
      shape,
      dir,
      orgs,
      users,
      projectGrants,
      userGrantSample: sample,
      cascade: { org: cascadeOrg, owner: cascadeOwner, projectId: cascadeProject.id, grantId: cascadeGrant, userGrants: shape.cascadeUserGrants },
      counts: {
        orgs: orgs.length + 1,
        users: shape.orgs * shape.usersPerOrg + shape.cascadeUserGrants,
        projects: projectCount,
        projectGrants: projectGrants.length + 1,
        userGrants: userGrantCount + shape.cascadeUserGrants,
        events,
      },
      generateS,
      eventsSqliteBytes: 0,
    };
  } catch (error) {
    bar?.stop();
    removeTempDir(dir);
    throw error;
  } finally {
    await store.close();
  }
}

/** The service running on the data set's dir. */
export class DataSetService {
  private constructor(
    readonly server: ServerProcess,
    readonly dataSet: DataSet,
  ) {}

  /** Starts the service on the data set (projections rebuild if the read models are not there yet). */
  static async start(distRoot: string, pinning: Pinning, dataSet: DataSet, env: Record<string, string> = {}): Promise<DataSetService> {
    const server = await startServer({
      name: 'grantline (data set)',
      script: join(distRoot, 'src', 'main.js'),
      // MONGODB_URI='': read models in SQLite even when the bench's environment has MONGODB_URI (for rebuild-mongo); `env` may set it.
      env: { MONGODB_URI: '', GRANTLINE_DATA_DIR: dataSet.dir, GRANTLINE_BOOTSTRAP_TOKEN: BENCH_TOKEN, GRANTLINE_LOG_LEVEL: 'warn', ...env },
      pinning,
      readyPath: '/healthz',
      readyTimeoutMs: 120_000,
      ...(process.env.BENCH_CPU_PROF_DIR ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] } : {}),
    });
    return new DataSetService(server, dataSet);
  }

  get url(): string {
    return this.server.url;
  }

  headers(org: string, json = false): Record<string, string> {
    return { authorization: `Bearer ${BENCH_TOKEN}`, 'x-zitadel-orgid': org, ...(json ? { 'content-type': 'application/json' } : {}) };
  }

  async health(): Promise<{ headPosition: number; projections: Array<{ name: string; lag: number; state: string; position: number }> }> {
    return (await (await fetch(`${this.url}/healthz`)).json()) as { headPosition: number; projections: Array<{ name: string; lag: number; state: string; position: number }> };
  }

  /** Waits until every projection has reached the head; answers the head. */
  async caughtUp(timeoutMs = 1_800_000, onPoll?: (health: Awaited<ReturnType<DataSetService['health']>>) => void): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const health = await this.health();
      onPoll?.(health);
      if (health.projections.every((projection) => projection.lag === 0)) return health.headPosition;
      const stopped = health.projections.filter((projection) => projection.state === 'stopped');
      if (stopped.length > 0) throw new Error(`projection stopped: ${JSON.stringify(stopped)}`);
      if (Date.now() > deadline) throw new Error(`projections not caught up: ${JSON.stringify(health.projections)}`);
      await sleep(50);
    }
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }
}

export interface DataSetCache {
  dataSet: DataSet | null;
  service: DataSetService | null;
  /** Set once the first service built the read models (P6). */
  rebuild: { seconds: number; events: number; eventsPerSecond: number } | null;
}

/** One data set per bench run, shared by every scenario that needs it. */
export const dataSetCache: DataSetCache = { dataSet: null, service: null, rebuild: null };

export function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

export function describeDataSet(dataSet: DataSet): string {
  const c = dataSet.counts;
  return `${c.orgs} orgs, ${c.users} users, ${c.projects} projects, ${c.projectGrants} project grants, ${c.userGrants} user grants (incl. the cascade fixture: 1 org, ${dataSet.cascade.userGrants} users / user grants on 1 project grant), ${c.events} events`;
}

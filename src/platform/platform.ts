import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore } from '../adapters/sqlite/sqlite-event-store';
import { SqliteReadStore } from '../adapters/sqlite/sqlite-read-store';
import type { GrantlineConfig } from '../config/config';
import type { Clock, IdGenerator } from '../kernel/clock.port';
import type { UniqueKey } from '../kernel/aggregate';
import { CommandExecutor } from '../kernel/command-executor';
import { alreadyExists } from '../kernel/domain-error';
import type { EventStore } from '../kernel/event-store.port';
import { GOLEM_EMAIL_KEY, emailTaken } from '../golem/accounts/account.decider';
import { ensureGolemAdmin } from '../golem/bootstrap';
import { golemGrantCascadeReactor } from '../golem/cascades/grant-cascade.reactor';
import { golemProjectSlotsReactor } from '../golem/cascades/project-slots.reactor';
import type { GolemApplication } from '../golem/golem.application';
import { GolemService } from '../golem/golem.service';
import { golemProjection } from '../golem/read-model/golem.projection';
import { GolemReadStoreModel } from '../golem/read-model/golem.queries';
import type { ReadStore } from '../kernel/read-store.port';
import { orgsProjection } from '../orgs/read-model/orgs.projection';
import { projectGrantsProjection } from '../project-grants/read-model/project-grants.projection';
import type { Projection } from '../projections/projection';
import { ProjectionProgress } from '../projections/projection-progress';
import { ProjectionRunner, type RunnerLogger } from '../projections/projection-runner';
import { projectsProjection } from '../projects/read-model/projects.projection';
import { userGrantCascadesReactor } from '../user-grants/cascades/user-grant-cascades.reactor';
import { userGrantsProjection } from '../user-grants/read-model/user-grants.projection';
import { usersProjection } from '../users/read-model/users.projection';
import { SystemClock, UuidV7Generator } from './uuid-v7';

/** Every projection the service runs. */
export const PROJECTIONS: readonly Projection[] = [
  orgsProjection,
  projectsProjection,
  usersProjection,
  projectGrantsProjection,
  userGrantsProjection,
  golemProjection,
];

/** AlreadyExists messages of the unique keys (zitadel-api.md §1.5, `V3-DKcYh`). */
const ALREADY_EXISTS: Record<string, string> = {
  'org.name': 'Organisation name already taken',
  'org.domain': 'Domain already exists',
  'project.name': 'Project already exists on organisation',
  'user.name': 'User already exists',
  usergrant: 'User grant already exists',
};

export function uniqueKeyTaken(key: UniqueKey): Error {
  // The Golem dialect answers a taken e-mail in its own words (golem-api.md §7.7).
  if (key.kind === GOLEM_EMAIL_KEY) return emailTaken(key.value);
  return alreadyExists('V3-DKcYh', ALREADY_EXISTS[key.kind] ?? 'Already exists');
}

export interface PlatformOptions {
  /** Run the projections and reactors in this process (default: the config's GRANTLINE_RUN_PROJECTIONS). */
  readonly runProjections?: boolean;
  /** Write the built-in objects of a first start (the Golem admin); default true. */
  readonly writeBuiltIns?: boolean;
}

/**
 * How the operator CLI opens the stores: no projections, and nothing written at open. The audit
 * reader is read-only: `head` or `events` on a store the service never started must not append the
 * Golem admin (it did, so the head it printed was its own write).
 */
export const CLI_PLATFORM_OPTIONS: PlatformOptions = { runProjections: false, writeBuiltIns: false };

/** Where the stores are and what they are; chosen from the config. */
export interface StoreDescription {
  readonly eventStore: 'sqlite' | 'eventstoredb';
  readonly readStore: 'sqlite' | 'mongodb';
}

/**
 * The runtime shared by the HTTP service, the projection worker and the CLI: the stores chosen by
 * the config, the command executor, and (when this process runs them) the projections.
 */
export class Platform {
  readonly executor: CommandExecutor;
  readonly progress: ProjectionProgress;
  readonly runner: ProjectionRunner | null;
  /** The Golem dialect's use cases (golem-api.md). */
  readonly golem: GolemApplication;

  private constructor(
    readonly config: GrantlineConfig,
    readonly eventStore: EventStore,
    readonly readStore: ReadStore,
    readonly clock: Clock,
    readonly ids: IdGenerator,
    readonly bootstrapToken: string,
    readonly stores: StoreDescription,
    logger: RunnerLogger,
    runProjections: boolean,
  ) {
    this.executor = new CommandExecutor(eventStore, ids, clock, uniqueKeyTaken);
    // Progress is also read from the checkpoints: another process may hold a projection's lease.
    this.progress = new ProjectionProgress(readStore, true);
    // Read models and the cascade reactors run side by side, each on its own checkpoint.
    const workers = [...PROJECTIONS, userGrantCascadesReactor(this.executor), golemGrantCascadeReactor(this.executor), golemProjectSlotsReactor(this.executor)];
    this.runner = runProjections ? new ProjectionRunner(eventStore, readStore, workers, this.progress, clock, logger) : null;
    this.golem = new GolemService(this.executor, new GolemReadStoreModel(readStore), clock, ids, { projectLimit: config.golemProjectLimit });
  }

  static async open(config: GrantlineConfig, logger: RunnerLogger & { log(message: string): void }, options: PlatformOptions = {}): Promise<Platform> {
    mkdirSync(config.dataDir, { recursive: true });
    const { eventStore, readStore, stores } = await openStores(config);
    const bootstrapToken = config.bootstrapToken ?? loadOrCreateBootstrapToken(config.dataDir, logger);
    const platform = new Platform(
      config,
      eventStore,
      readStore,
      new SystemClock(),
      new UuidV7Generator(),
      bootstrapToken,
      stores,
      logger,
      options.runProjections ?? config.runProjections,
    );
    await platform.runner?.start();
    try {
      // The built-in Golem admin (golem-api.md §1.2): written at first start, a no-op afterwards.
      if (options.writeBuiltIns ?? true) await ensureGolemAdmin(platform.executor);
    } catch (error) {
      await platform.close();
      throw error;
    }
    return platform;
  }

  async close(): Promise<void> {
    await this.runner?.stop();
    this.progress.close();
    await this.readStore.close();
    await this.eventStore.close();
  }
}

/** Connection strings switch adapters and nothing else; without them everything is embedded. */
async function openStores(config: GrantlineConfig): Promise<{ eventStore: EventStore; readStore: ReadStore; stores: StoreDescription }> {
  // The server drivers are loaded only when configured: loading the EventStoreDB client and the
  // MongoDB driver took a fifth of an embedded start-up that never uses them.
  const eventStore: EventStore =
    config.eventStoreConnectionString !== undefined
      ? new (await import('../adapters/esdb/esdb-event-store')).EsdbEventStore(config.eventStoreConnectionString)
      : new SqliteEventStore(join(config.dataDir, 'events.sqlite'), { backgroundCheckpoints: true });
  let readStore: ReadStore;
  try {
    readStore =
      config.mongodbUri !== undefined
        ? await (await import('../adapters/mongo/mongo-read-store')).MongoReadStore.connect(config.mongodbUri, config.mongodbDb)
        : new SqliteReadStore(join(config.dataDir, 'readmodels.sqlite'), { backgroundCheckpoints: true });
  } catch (error) {
    await eventStore.close();
    throw error;
  }
  return {
    eventStore,
    readStore,
    stores: {
      eventStore: config.eventStoreConnectionString !== undefined ? 'eventstoredb' : 'sqlite',
      readStore: config.mongodbUri !== undefined ? 'mongodb' : 'sqlite',
    },
  };
}

/**
 * The administrator token: from the data dir, or generated there (mode 0600) on first start. A
 * UUIDv4 (122 random bits from the CSPRNG): Golem clients send only UUID tokens (golem-api.md §1.2).
 */
function loadOrCreateBootstrapToken(dataDir: string, logger: { log(message: string): void }): string {
  const file = join(dataDir, 'bootstrap-token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const token = randomUUID();
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  logger.log(`generated the instance administrator's bootstrap token into ${file}`);
  return token;
}

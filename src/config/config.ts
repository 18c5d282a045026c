import { from } from 'env-var';

/** One typed configuration, read from the environment and validated at boot. */
export interface GrantlineConfig {
  /** HTTP port. */
  readonly port: number;
  /** Interface to listen on. */
  readonly host: string;
  /** Where the embedded store keeps its files. */
  readonly dataDir: string;
  /** Set → EventStoreDB is the event store. */
  readonly eventStoreConnectionString: string | undefined;
  /** Set → MongoDB holds the read models. */
  readonly mongodbUri: string | undefined;
  readonly mongodbDb: string;
  /** Bearer token of the instance administrator; generated into the data dir when unset. */
  readonly bootstrapToken: string | undefined;
  /** Suffix of generated org primary domains. */
  readonly domain: string;
  /** pino level. */
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Run the projection workers inside this process (false when a separate worker runs them). */
  readonly runProjections: boolean;
  /** How long a read waits for the projections to catch up before answering 503. */
  readonly consistencyTimeoutMs: number;
  /** Golem dialect: the plan's projectLimit, most live projects one account may own (golem-api.md §1.6). */
  readonly golemProjectLimit: number;
}

/** Reads the configuration; a bad value throws naming the variable and why. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): GrantlineConfig {
  const env = from(environment);
  return {
    port: env.get('PORT').default('8080').asPortNumber(),
    host: env.get('HOST').default('0.0.0.0').asString(),
    dataDir: env.get('GRANTLINE_DATA_DIR').default('./data').asString(),
    eventStoreConnectionString: env.get('EVENTSTORE_CONNECTION_STRING').asUrlString() ?? undefined,
    mongodbUri: env.get('MONGODB_URI').asString() || undefined,
    mongodbDb: env.get('MONGODB_DB').default('grantline').asString(),
    bootstrapToken: optionalToken(env.get('GRANTLINE_BOOTSTRAP_TOKEN').asString()),
    domain: env.get('GRANTLINE_DOMAIN').default('localhost').asString(),
    logLevel: env.get('GRANTLINE_LOG_LEVEL').default('info').asEnum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    runProjections: env.get('GRANTLINE_RUN_PROJECTIONS').default('true').asBool(),
    consistencyTimeoutMs: env.get('GRANTLINE_CONSISTENCY_TIMEOUT_MS').default('2000').asIntPositive(),
    golemProjectLimit: env.get('GRANTLINE_GOLEM_PROJECT_LIMIT').default('100').asIntPositive(),
  };
}

function optionalToken(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length < 16) throw new Error('env-var: "GRANTLINE_BOOTSTRAP_TOKEN" should be at least 16 characters long');
  return value;
}

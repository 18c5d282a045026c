import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { MongoClient } from 'mongodb';
// The tests' starter, reused as is: tsconfig.build.json excludes test/ from its roots, but tsc still
// compiles a file an included one imports, so this emits dist/test/support/mongo-server.js.
import { startMongoServer, uniqueDatabaseName } from '../../test/support/mongo-server';
import { type Pinning, procTicks } from './machine';

/** A MongoDB endpoint for a bench scenario: MONGODB_URI, or the jongodb test server binary. */
export interface BenchMongo {
  readonly uri: string;
  /** A database no earlier run used. */
  readonly dbName: string;
  /** What answers on `uri`, for the table. */
  readonly label: string;
  /** True: the caller's server at MONGODB_URI (never stopped by us). */
  readonly external: boolean;
  /** The jongodb process (null for MONGODB_URI, or when it could not be found). */
  readonly pid: number | null;
  /** Where the server runs, for the log and the table. */
  readonly placement: string;
  /** CPU ticks the jongodb process used so far (null: external or gone). */
  cpuTicks(): number | null;
  /** Drops the database on an external server; stops jongodb. */
  stop(): Promise<void>;
}

export const EXTERNAL_LABEL = 'MongoDB (server at MONGODB_URI)';
export const JONGODB_LABEL = 'MongoDB wire protocol via the jongodb test server binary, not a real mongod';

/**
 * Starts (or, with MONGODB_URI, connects to) a MongoDB endpoint. The jongodb server is part of the
 * system under test: it is pinned to the service's core.
 */
export async function startBenchMongo(pinning: Pinning, dbPrefix: string): Promise<BenchMongo> {
  const external = (process.env.MONGODB_URI ?? '').trim() !== '';
  const before = new Set(childPids('jongodb'));
  const server = await startMongoServer();
  const dbName = uniqueDatabaseName(dbPrefix);
  if (external) {
    return {
      uri: server.uri,
      dbName,
      label: EXTERNAL_LABEL,
      external: true,
      pid: null,
      placement: 'server at MONGODB_URI (placement not controlled by the bench)',
      cpuTicks: () => null,
      stop: async () => {
        // A fresh database per run: leave nothing behind on the caller's server.
        const client = new MongoClient(server.uri);
        try {
          await client.connect();
          await client.db(dbName).dropDatabase();
        } finally {
          await client.close().catch(() => undefined);
        }
        await server.stop();
      },
    };
  }
  // The starter does not expose the child: it is this process's new child named jongodb.
  const found = childPids('jongodb').filter((pid) => !before.has(pid));
  const pid = found.length === 1 ? (found[0] as number) : null;
  let placement: string;
  if (pid === null) placement = 'jongodb process not found: not pinned (inherits the load generator core)';
  else if (!pinning.enabled || pinning.serviceCore === null) placement = `jongodb not pinned (${pinning.note})`;
  else {
    try {
      // -a: every thread it has; threads it starts later inherit the affinity.
      execFileSync('taskset', ['-a', '-cp', String(pinning.serviceCore), String(pid)], { stdio: 'ignore' });
      placement = `jongodb pinned to core ${pinning.serviceCore}, with the service`;
    } catch (error) {
      placement = `jongodb not pinned: taskset failed (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
    }
  }
  return {
    uri: server.uri,
    dbName,
    label: JONGODB_LABEL,
    external: false,
    pid,
    placement,
    cpuTicks: () => (pid === null ? null : procTicks(String(pid), false)),
    stop: () => server.stop(),
  };
}

/** Pids of this process's children with the given command name (Linux /proc; empty elsewhere). */
function childPids(comm: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (name === comm && ppid === process.pid) pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MongoClient } from 'mongodb';

/** A MongoDB endpoint for one test file. */
export interface MongoTestServer {
  readonly uri: string;
  stop(): Promise<void>;
}

export type MongoServerAvailability = { readonly available: true } | { readonly available: false; readonly reason: string };

const BINARY_PACKAGE = '@jongodb/memory-server-bin-linux-x64-gnu';
const REPLICA_SET = 'rs0';
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

/**
 * Whether a server can be had: MONGODB_URI, or the jongodb binary runs on this machine. Checked
 * synchronously because jest decides describe vs describe.skip while collecting tests.
 */
export function mongoServerAvailability(): MongoServerAvailability {
  if (externalUri() !== undefined) return { available: true };
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return { available: false, reason: `${BINARY_PACKAGE} only runs on linux-x64, this is ${process.platform}-${process.arch}` };
  }
  let binary: string;
  try {
    binary = jongodbBinary();
    accessSync(binary, constants.X_OK);
  } catch (error) {
    return { available: false, reason: `jongodb binary not found or not executable: ${String(error)}` };
  }
  // An unknown argument makes the launcher exit at once; failing to load (wrong libc) or being
  // killed shows up here without starting a server.
  const probe = spawnSync(binary, ['--grantline-probe'], { timeout: 10_000, encoding: 'utf8' });
  if (probe.error !== undefined || probe.signal !== null || probe.status === 127) {
    const detail = probe.error?.message ?? probe.signal ?? probe.stderr.trim().slice(0, 300);
    return { available: false, reason: `jongodb binary cannot run here: ${detail}` };
  }
  return { available: true };
}

/**
 * MONGODB_URI when set (the caller's server, never stopped by us); otherwise the jongodb
 * wire-compatible server on a free loopback port as a single-node replica set, because
 * transactions need one (on real MongoDB; the URI then carries `replicaSet`).
 */
export async function startMongoServer(): Promise<MongoTestServer> {
  const external = externalUri();
  if (external !== undefined) {
    await waitUntilReady(external, START_TIMEOUT_MS);
    return { uri: external, stop: async () => undefined };
  }
  const child = spawn(
    jongodbBinary(),
    // Port 0: the server binds a free port and reports it in its ready line.
    ['--host=127.0.0.1', '--port=0', '--database=grantline', '--topology-profile=singleNodeReplicaSet', `--replica-set-name=${REPLICA_SET}`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    const uri = await readyLine(child);
    await waitUntilReady(uri, START_TIMEOUT_MS);
    return { uri, stop: () => stopProcess(child) };
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
}

/** A database name no other suite or run uses. */
export function uniqueDatabaseName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

function externalUri(): string | undefined {
  const uri = process.env.MONGODB_URI;
  return uri === undefined || uri.trim() === '' ? undefined : uri;
}

function jongodbBinary(): string {
  const manifestPath = require.resolve(`${BINARY_PACKAGE}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { jongodb?: { binary?: unknown } };
  const relative = manifest.jongodb?.binary;
  return join(dirname(manifestPath), typeof relative === 'string' ? relative : 'bin/jongodb');
}

/** The launcher prints `JONGODB_URI=<uri>` when listening, or `JONGODB_START_FAILURE=<why>`. */
function readyLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => fail(new Error(`jongodb did not report ready within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const done = (): void => {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.off('error', fail);
    };
    function fail(error: Error): void {
      done();
      reject(error);
    }
    function onExit(code: number | null, signal: NodeJS.Signals | null): void {
      fail(new Error(`jongodb exited before ready (code ${String(code)}, signal ${String(signal)}): ${stderr.trim()}`));
    }
    child.on('exit', onExit);
    child.on('error', fail);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const failure = /JONGODB_START_FAILURE=(.*)/.exec(stderr);
      if (failure !== null) fail(new Error(`jongodb failed to start: ${failure[1] ?? ''}`));
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const ready = /JONGODB_URI=(\S+)/.exec(stdout);
      if (ready?.[1] !== undefined) {
        done();
        resolve(ready[1]);
      }
    });
  });
}

/** Readiness is a successful ping through the driver, not just an open port. */
async function waitUntilReady(uri: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1_000, connectTimeoutMS: 1_000 });
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
      return;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.close().catch(() => undefined);
    }
  }
  throw new Error(`MongoDB not ready after ${timeoutMs} ms: ${String(lastError)}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

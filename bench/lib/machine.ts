import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';

/** What the figures were measured on; printed and written with every run. */
export interface RunInfo {
  readonly date: string;
  readonly commit: string;
  readonly dirty: boolean | null;
  readonly cpuModel: string;
  readonly cores: number;
  readonly node: string;
  readonly platform: string;
  /** 1-minute load average when the run started: other work on the machine skews every figure. */
  readonly loadAverage: number;
}

export function runInfo(): RunInfo {
  const list = cpus();
  return {
    date: new Date().toISOString(),
    commit: git(['rev-parse', '--short', 'HEAD']) ?? 'unknown',
    dirty: dirtyTree(),
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: loadAverage(),
  };
}

export function loadAverage(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function dirtyTree(): boolean | null {
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  return status === null ? null : status !== '';
}

/**
 * CPU placement: the service on core 0, the load generator (this process) on core 1. Without
 * `taskset` or with fewer than two cores both share the machine, and the table says so.
 */
export interface Pinning {
  readonly enabled: boolean;
  readonly serviceCore: number | null;
  readonly loadCore: number | null;
  readonly note: string;
  /** Command prefix that pins a child process to the service core. */
  readonly prefix: readonly string[];
}

export function pinThisProcess(): Pinning {
  const cores = cpus().length;
  if (cores < 2) return unpinned(`only ${cores} core: service and load generator share it`);
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' });
  } catch {
    return unpinned('taskset not found: service and load generator are not pinned (figures are noisier)');
  }
  try {
    // -a: every thread of this process (libuv pool, V8 helpers); threads started later inherit it.
    execFileSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' });
  } catch (error) {
    return unpinned(`taskset failed (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): not pinned`);
  }
  return {
    enabled: true,
    serviceCore: 0,
    loadCore: 1,
    note: `service pinned to core 0 (taskset -c 0), load generator to core 1${cores > 2 ? `; cores 2-${cores - 1} unused` : ''}`,
    prefix: ['taskset', '-c', '0'],
  };
}

function unpinned(note: string): Pinning {
  return { enabled: false, serviceCore: null, loadCore: null, note, prefix: [] };
}

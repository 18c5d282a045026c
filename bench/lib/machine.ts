import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
    // BENCH_COMMIT: for a run from an exported tree (git archive) that has no .git.
    commit: process.env.BENCH_COMMIT ?? git(['rev-parse', '--short', 'HEAD']) ?? 'unknown',
    dirty: process.env.BENCH_COMMIT !== undefined ? false : dirtyTree(),
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

/** CPU time of the whole machine and of this bench's own processes, in clock ticks (Linux). */
export interface CpuSnapshot {
  readonly at: number;
  readonly busy: number;
  readonly ours: number;
}

export const TICKS_PER_SECOND = 100;

/** Null where /proc is missing. `children`: pids of the servers running now. */
export function cpuSnapshot(children: readonly number[]): CpuSnapshot | null {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
    // Our own CPU and that of children already reaped (utime, stime, cutime, cstime)…
    let ours = procTicks('self', true) ?? 0;
    // …plus the servers still running.
    for (const pid of children) ours += procTicks(String(pid), false) ?? 0;
    return { at: Date.now(), busy: user + nice + system + irq + softirq + steal, ours };
  } catch {
    return null;
  }
}

/** utime + stime of a process (clock ticks), with its reaped children's when `withChildren`; null when it is gone. */
export function procTicks(pid: string, withChildren: boolean): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    const own = (fields[11] ?? 0) + (fields[12] ?? 0);
    return withChildren ? own + (fields[13] ?? 0) + (fields[14] ?? 0) : own;
  } catch {
    return null;
  }
}

/** Share of the machine (all cores) other processes used between two snapshots, in %. */
export function foreignCpuPercent(from: CpuSnapshot | null, to: CpuSnapshot | null): number | null {
  if (from === null || to === null || to.at <= from.at) return null;
  const capacity = ((to.at - from.at) / 1000) * TICKS_PER_SECOND * cpus().length;
  const foreign = to.busy - from.busy - (to.ours - from.ours);
  return Math.max(0, Math.round((1000 * foreign) / capacity) / 10);
}

/** Resident set size of a process in KiB (VmRSS in /proc/<pid>/status); null without /proc or once it has exited. */
export function residentSetKiB(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

import { closeSync, fdatasyncSync, mkdtempSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { round, Samples } from '../lib/stats';
import { registerTempDir, removeTempDir } from '../lib/server-process';
import type { BenchContext } from './context';

const WRITES = 1000;
const BLOCK = 1024;

/**
 * The disk's durable-write latency: 1,000 × (append 1 KiB, fdatasync) on the file system the
 * service's data dir lives on. Every durable commit waits for at least one of these, so with one
 * commit in flight at a time the store cannot exceed 1 / fsync latency commits per second; group
 * commit is what gets more appends than that through.
 */
export async function fsyncScenario(context: BenchContext): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'grantline-bench-fsync-'));
  registerTempDir(dir);
  const samples = new Samples();
  const block = Buffer.alloc(BLOCK, 0x61);
  const fd = openSync(join(dir, 'fsync.bin'), 'a');
  try {
    for (let i = 0; i < WRITES; i += 1) {
      const started = performance.now();
      writeSync(fd, block);
      fdatasyncSync(fd);
      samples.add(performance.now() - started);
    }
  } finally {
    closeSync(fd);
    removeTempDir(dir);
  }
  const p = samples.percentiles();
  context.details.fsync = { writes: WRITES, blockBytes: BLOCK, dir: tmpdir(), latencyMs: p };
  const scenario = 'fsync';
  context.rows.push(
    { scenario, key: 'fsync.p50', name: 'fsync: append 1 KiB + fdatasync, p50', value: round(p.p50, 3), unit: 'ms' },
    { scenario, key: 'fsync.p99', name: 'fsync: append 1 KiB + fdatasync, p99', value: round(p.p99, 3), unit: 'ms' },
    { scenario, key: 'fsync.serial_commits', name: 'fsync: serial commits ceiling (1 / mean)', value: Math.round(1000 / p.mean), unit: 'commits/s' },
  );
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/adapters/sqlite/sqlite-event-store';
import { SqliteReadStore } from '../../src/adapters/sqlite/sqlite-read-store';
import type { EventStore } from '../../src/kernel/event-store.port';
import { PROJECTIONS } from '../../src/platform/platform';
import { SystemClock } from '../../src/platform/uuid-v7';
import { readModelDigest } from '../../src/projections/digest';
import type { Projection } from '../../src/projections/projection';
import { ProjectionProgress } from '../../src/projections/projection-progress';
import { ProjectionRunner } from '../../src/projections/projection-runner';

const quiet = { warn: () => undefined, error: () => undefined };

/**
 * Builds the given projections from position 0 into a fresh read store and returns the digest of
 * their documents: the reference a crashed or replayed read store must equal.
 */
export async function digestOfRebuild(events: EventStore, projections: readonly Projection[] = PROJECTIONS): Promise<string> {
  const scratch = mkdtempSync(join(tmpdir(), 'grantline-rebuild-'));
  const readStore = new SqliteReadStore(join(scratch, 'readmodels.sqlite'));
  const progress = new ProjectionProgress(readStore, false);
  const runner = new ProjectionRunner(events, readStore, projections, progress, new SystemClock(), quiet);
  try {
    await runner.start();
    const head = await events.headPosition();
    const keys = (await runner.status()).map((status) => status.key);
    if (!(await progress.waitFor(keys, head, 60_000))) throw new Error('rebuild did not catch up');
    const stopped = (await runner.status()).filter((status) => status.state === 'stopped');
    if (stopped.length > 0) throw new Error(`rebuild stopped: ${JSON.stringify(stopped)}`);
    return await readModelDigest(readStore, projections);
  } finally {
    await runner.stop();
    progress.close();
    await readStore.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The digest of a data dir's event store rebuilt from scratch. */
export async function digestOfDataDirRebuild(dataDir: string): Promise<string> {
  const events = new SqliteEventStore(join(dataDir, 'events.sqlite'));
  try {
    return await digestOfRebuild(events);
  } finally {
    await events.close();
  }
}

/** The digest of a data dir's read store as the service left it. */
export async function digestOfDataDir(dataDir: string): Promise<string> {
  const readStore = new SqliteReadStore(join(dataDir, 'readmodels.sqlite'));
  try {
    return await readModelDigest(readStore, PROJECTIONS);
  } finally {
    await readStore.close();
  }
}

import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SqliteEventStore } from '../../src/adapters/sqlite/sqlite-event-store';
import type { EventMetadata, NewEvent } from '../../src/kernel/event';
import { UuidV7Generator } from '../../src/platform/uuid-v7';
import { registerTempDir, removeTempDir } from '../lib/server-process';
import type { BenchContext } from './context';

interface Round {
  readonly appenders: number;
  readonly eventsPerAppend: number;
  readonly seconds: number;
  readonly appends: number;
  readonly events: number;
  readonly appendsPerSecond: number;
  readonly eventsPerSecond: number;
}

const ids = new UuidV7Generator();

/**
 * An append as the command executor builds it: time-ordered ids from the service's own generator
 * (random v4 ids would scatter the (stream, id) index and roughly double the commit cost), one
 * metadata object per command, a project-grant-sized payload.
 */
function grantEvents(count: number, resourceOwner: string, grantedOrgId: string): NewEvent[] {
  const requestId = randomUUID();
  const metadata: EventMetadata = { actor: 'instance-admin', resourceOwner, correlationId: requestId, causationId: requestId };
  return Array.from({ length: count }, () => {
    const id = ids.newId();
    return { id, type: 'project.grant.added', data: { grantId: id, grantedOrgId, roleKeys: ['reader', 'writer'] }, metadata } as NewEvent;
  });
}

/**
 * `appenders` concurrent loops, each appending `eventsPerAppend` events at a time to its own stream
 * with the expected revision (as commands do), for `seconds` after a warm-up on the same store.
 */
async function round(store: SqliteEventStore, tag: string, appenders: number, eventsPerAppend: number, seconds: number, warmUpS: number): Promise<Round> {
  const run = async (durationS: number, phase: string) => {
    let appends = 0;
    const deadline = performance.now() + durationS * 1000;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: appenders }, async (_, appender) => {
        const stream = `bench-${tag}-${phase}-${appender}`;
        let revision: number | 'no_stream' = 'no_stream';
        const resourceOwner = ids.newId();
        const grantedOrgId = ids.newId();
        while (performance.now() < deadline) {
          const events = grantEvents(eventsPerAppend, resourceOwner, grantedOrgId);
          const result = await store.append(stream, events, revision);
          revision = result.lastRevision;
          appends += 1;
        }
      }),
    );
    return { appends, seconds: (performance.now() - started) / 1000 };
  };
  await run(warmUpS, 'warm');
  const measured = await run(seconds, 'measured');
  return {
    appenders,
    eventsPerAppend,
    seconds: measured.seconds,
    appends: measured.appends,
    events: measured.appends * eventsPerAppend,
    appendsPerSecond: measured.appends / measured.seconds,
    eventsPerSecond: (measured.appends * eventsPerAppend) / measured.seconds,
  };
}

/**
 * The embedded event store in this process, durable (WAL, synchronous=FULL, as the service opens
 * it), each round on a fresh store in a temp dir. The event objects are built inside the timed
 * loop, as a command would.
 */
export async function appendScenario(context: BenchContext): Promise<void> {
  const { appendS } = context.durations;
  const warmUpS = context.quick ? 0.5 : 1;
  const rounds: Round[] = [];
  const shapes: Array<[appenders: number, eventsPerAppend: number]> = [
    [32, 1],
    [32, 100],
    [1, 100],
  ];
  for (const [appenders, eventsPerAppend] of shapes) {
    const dir = mkdtempSync(join(tmpdir(), 'grantline-bench-append-'));
    registerTempDir(dir);
    const store = new SqliteEventStore(join(dir, 'events.sqlite'));
    try {
      context.log(`  append: ${appenders} appender(s) × ${eventsPerAppend} event(s) per append, ${appendS} s`);
      rounds.push(await round(store, `${appenders}x${eventsPerAppend}`, appenders, eventsPerAppend, appendS, warmUpS));
    } finally {
      await store.close();
      removeTempDir(dir);
    }
  }
  context.details.append = { durable: 'WAL, synchronous=FULL', rounds };
  const [single, batch, serial] = rounds;
  const scenario = 'append';
  if (single !== undefined) {
    context.rows.push(
      { scenario, key: 'append.single_c32.appends_per_s', name: 'append 1 event, 32 appenders: appends', value: Math.round(single.appendsPerSecond), unit: 'appends/s' },
      { scenario, key: 'append.single_c32.events_per_s', name: 'append 1 event, 32 appenders: events', value: Math.round(single.eventsPerSecond), unit: 'events/s' },
    );
  }
  if (batch !== undefined) {
    context.rows.push(
      { scenario, key: 'append.batch100_c32.appends_per_s', name: 'append 100 events, 32 appenders: appends', value: Math.round(batch.appendsPerSecond), unit: 'appends/s' },
      {
        scenario,
        key: 'append.batch100_c32.events_per_s',
        name: 'append 100 events, 32 appenders: events',
        value: Math.round(batch.eventsPerSecond),
        unit: 'events/s',
        target: { id: 'P5', text: '≥ 100,000 events/s' },
        met: batch.eventsPerSecond >= 100_000,
      },
    );
  }
  if (serial !== undefined) {
    context.rows.push({ scenario, key: 'append.batch100_c1.events_per_s', name: 'append 100 events, 1 appender: events', value: Math.round(serial.eventsPerSecond), unit: 'events/s' });
  }
}

import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from './config/config';
import type { RecordedEvent } from './kernel/event';
import { CLI_PLATFORM_OPTIONS, Platform, PROJECTIONS } from './platform/platform';
import { projectionKey } from './projections/projection';
import { requestRebuild, retryFailedEvent, skipFailedEvent, storedProjectionStatus } from './projections/projection-runner';

/**
 * Operator and auditor CLI. Read-only except for the projection retry/skip/rebuild commands. Works on the
 * stores the environment points at (same variables as the service).
 */
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

async function withPlatform<T>(work: (platform: Platform) => Promise<T>): Promise<T> {
  const platform = await Platform.open(loadConfig(), quiet, CLI_PLATFORM_OPTIONS);
  try {
    return await work(platform);
  } finally {
    await platform.close();
  }
}

function position(value: string): number {
  if (!/^\d{1,15}$/.test(value)) throw new InvalidArgumentError('a non-negative integer');
  return Number(value);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** One JSON object per line, every field and all metadata. */
function printEvent(event: RecordedEvent): void {
  process.stdout.write(
    `${JSON.stringify({
      position: event.position,
      stream: event.stream,
      revision: event.revision,
      sequence: event.revision + 1,
      type: event.type,
      id: event.id,
      createdAt: event.createdAt.toISOString(),
      actor: event.metadata.actor,
      resourceOwner: event.metadata.resourceOwner,
      correlationId: event.metadata.correlationId,
      causationId: event.metadata.causationId,
      ...(event.metadata.tokenId === undefined ? {} : { tokenId: event.metadata.tokenId }),
      data: event.data,
    })}\n`,
  );
}

// Piping into `head` closes stdout early: that is the reader being done, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command('grantline').description('Grantline operator and audit CLI');

program
  .command('head')
  .description("print the event store's head position")
  .action(async () => {
    await withPlatform(async (platform) => {
      process.stdout.write(`${JSON.stringify({ headPosition: await platform.eventStore.headPosition() })}\n`);
    });
  });

program
  .command('events')
  .description('print recorded events (all streams, internal ones included) as JSON lines')
  .option('--stream <name>', 'only this stream (e.g. project-<id>)')
  .option('--type <type>', 'only this event type (repeatable)', collect, [])
  .option('--stream-prefix <prefix>', 'only streams starting with this (repeatable, e.g. usergrant-)', collect, [])
  .option('--from <position>', 'only events after this global position', position)
  .option('--to <position>', 'only events up to this global position', position)
  .option('--limit <n>', 'at most this many events', position)
  .action(async (options: { stream?: string; type: string[]; streamPrefix: string[]; from?: number; to?: number; limit?: number }) => {
    await withPlatform(async (platform) => {
      const events =
        options.stream !== undefined
          ? (await platform.eventStore.readStream(options.stream)).filter((event) => event.position > (options.from ?? 0))
          : await platform.eventStore.readAll({
              fromPosition: options.from ?? 0,
              filter: {
                ...(options.type.length > 0 ? { eventTypes: options.type } : {}),
                ...(options.streamPrefix.length > 0 ? { streamPrefixes: options.streamPrefix } : {}),
              },
            });
      let printed = 0;
      for (const event of events) {
        if (options.to !== undefined && event.position > options.to) break;
        if (options.type.length > 0 && !options.type.includes(event.type)) continue;
        if (options.limit !== undefined && printed >= options.limit) break;
        printEvent(event);
        printed += 1;
      }
    });
  });

const projections = program.command('projections').description('projection state, retry, skip and rebuild');

projections
  .command('status')
  .description('checkpoint, lag and failure of every projection, as JSON lines')
  .action(async () => {
    await withPlatform(async (platform) => {
      const head = await platform.eventStore.headPosition();
      for (const status of await storedProjectionStatus(platform.readStore, PROJECTIONS, head)) {
        process.stdout.write(
          `${JSON.stringify({
            projection: status.key,
            state: status.state,
            position: status.position,
            lag: head - status.position,
            lastSuccessfulRun: status.lastSuccessfulRun?.toISOString() ?? null,
            ...(status.failure !== undefined ? { failure: status.failure } : {}),
          })}\n`,
        );
      }
    });
  });

projections
  .command('retry <projection>')
  .description('apply the failed event of a stopped projection again (e.g. user_grants1)')
  .action(async (key: string) => {
    await withPlatform(async (platform) => {
      if (!(await retryFailedEvent(platform.readStore, key))) {
        process.stderr.write(`no failed event recorded for ${key}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`${key}: failed event released; the projection applies it again within a second\n`);
    });
  });

projections
  .command('skip <projection>')
  .description('move a stopped projection past its failed event, recording why')
  .requiredOption('--reason <text>', 'why the event may be skipped (kept with the skip record)')
  .action(async (key: string, options: { reason: string }) => {
    if (options.reason.trim() === '') throw new InvalidArgumentError('a reason is required');
    await withPlatform(async (platform) => {
      const skipped = await skipFailedEvent(platform.readStore, key, options.reason, platform.clock);
      if (skipped === null) {
        process.stderr.write(`no failed event recorded for ${key}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`${key}: skipped event ${skipped.eventId} at position ${skipped.position}\n`);
    });
  });

projections
  .command('rebuild <projection>')
  .description('rebuild a projection from position 0 (drops its read model), recording why')
  .requiredOption('--reason <text>', 'why the projection is rebuilt (kept with the rebuild record)')
  .action(async (key: string, options: { reason: string }) => {
    if (options.reason.trim() === '') throw new InvalidArgumentError('a reason is required');
    const known = PROJECTIONS.map(projectionKey);
    if (!known.includes(key)) {
      process.stderr.write(`unknown projection ${key}; one of: ${known.join(', ')}\n`);
      process.exitCode = 1;
      return;
    }
    await withPlatform(async (platform) => {
      const request = await requestRebuild(platform.readStore, key, options.reason, platform.clock);
      process.stdout.write(
        `${key}: rebuild requested at ${request.requestedAt}; the process running it starts over within a few seconds ` +
          '(or at its next start). Reads that wait for their writes wait until it is back at the head.\n',
      );
    });
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

import { createApp, bootLogger, logLevels } from './app.factory';
import { loadConfig } from './config/config';
import { Platform } from './platform/platform';
import { Logger } from '@nestjs/common';

/** HTTP service; runs the projections in-process unless GRANTLINE_RUN_PROJECTIONS=false. */
async function main(): Promise<void> {
  const config = loadConfig();
  Logger.overrideLogger(logLevels(config.logLevel));
  const platform = await Platform.open(config, runnerLogger());
  const app = await createApp(platform);
  const shutdown = async () => {
    await app.close();
    await platform.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
  await app.listen({ port: config.port, host: config.host });
  bootLogger.log(
    `listening on ${config.host}:${config.port} (REST, gRPC, gRPC-Web, Connect; event store: ${platform.stores.eventStore}, read store: ${platform.stores.readStore}, projections: ${platform.runner !== null ? 'in process' : 'external worker'})`,
  );
}

export function runnerLogger() {
  const logger = new Logger('Projections');
  return {
    log: (message: string) => logger.log(message),
    warn: (message: string, context: Record<string, unknown>) => logger.warn(`${message} ${JSON.stringify(context)}`),
    error: (message: string, context: Record<string, unknown>) => logger.error(`${message} ${JSON.stringify(context)}`),
  };
}

if (require.main === module) {
  main().catch((error: unknown) => {
    bootLogger.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}

import { Logger } from '@nestjs/common';
import { logLevels } from './app.factory';
import { loadConfig } from './config/config';
import { runnerLogger } from './main';
import { Platform } from './platform/platform';

/** Projection worker only: for deployments that run the API with GRANTLINE_RUN_PROJECTIONS=false. */
async function worker(): Promise<void> {
  const config = loadConfig();
  Logger.overrideLogger(logLevels(config.logLevel));
  const platform = await Platform.open(config, runnerLogger(), { runProjections: true });
  const logger = new Logger('Worker');
  logger.log('projection worker running');
  const shutdown = async () => {
    await platform.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

worker().catch((error: unknown) => {
  new Logger('Worker').error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});

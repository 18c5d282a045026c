import { Controller, Get, Inject } from '@nestjs/common';
import { PLATFORM } from '../platform/platform.module';
import type { Platform } from '../platform/platform';

/**
 * `GET /healthz`: 200 while the process serves requests; the body names every projection with its
 * state (running, catching_up, stopped) so operators see a fail-closed projection at once. It
 * holds no tenant data, so it needs no token (orchestrators probe it).
 */
@Controller('healthz')
export class HealthController {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  @Get()
  async health() {
    const head = await this.platform.eventStore.headPosition();
    const projections = this.platform.runner !== null ? await this.platform.runner.status() : await this.remoteStatus(head);
    const stopped = projections.filter((projection) => projection.state === 'stopped');
    return {
      status: stopped.length === 0 ? 'ok' : 'degraded',
      stores: this.platform.stores,
      headPosition: head,
      projections: projections.map((projection) => ({
        name: projection.key,
        state: projection.state,
        position: projection.position,
        lag: Math.max(0, head - projection.position),
        ...(projection.failure !== undefined
          ? {
              failure: {
                position: projection.failure.position,
                eventId: projection.failure.eventId,
                eventType: projection.failure.eventType,
                error: projection.failure.error,
                failureCount: projection.failure.failureCount,
                lastFailed: projection.failure.lastFailed,
              },
            }
          : {}),
      })),
    };
  }

  /** Projections run in a worker process: report what the read store says about them. */
  private async remoteStatus(head: number) {
    const { PROJECTIONS } = await import('../platform/platform');
    const { projectionKey } = await import('../projections/projection');
    const { FAILED_EVENTS } = await import('../projections/projection-runner');
    const checkpoints = new Map((await this.platform.readStore.listCheckpoints()).map((checkpoint) => [checkpoint.projection, checkpoint.position]));
    return Promise.all(
      PROJECTIONS.map(async (projection) => {
        const key = projectionKey(projection);
        const failure = await this.platform.readStore.get(FAILED_EVENTS, key).catch(() => null);
        const position = checkpoints.get(key) ?? 0;
        return {
          key,
          position,
          state: failure !== null ? ('stopped' as const) : position < head ? ('catching_up' as const) : ('running' as const),
          failure: (failure ?? undefined) as import('../projections/projection-runner').FailedEvent | undefined,
        };
      }),
    );
  }
}

import { Controller, Get, Inject } from '@nestjs/common';
import { PLATFORM } from '../platform/platform.module';
import { PROJECTIONS, type Platform } from '../platform/platform';
import { storedProjectionStatus } from '../projections/projection-runner';

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
    const projections = this.platform.runner !== null ? await this.platform.runner.status() : await storedProjectionStatus(this.platform.readStore, PROJECTIONS, head);
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
}

import { type DynamicModule, Global, Module } from '@nestjs/common';
import { CLOCK, ID_GENERATOR } from '../kernel/clock.port';
import { CommandExecutor } from '../kernel/command-executor';
import { EVENT_STORE } from '../kernel/event-store.port';
import { READ_STORE } from '../kernel/read-store.port';
import { ProjectionProgress } from '../projections/projection-progress';
import type { Platform } from './platform';
import { GRANTLINE_CONFIG, INSTANCE_DOMAIN } from './tokens';

export const PLATFORM = Symbol('Platform');

/** Binds the ports to the adapters the platform opened. */
@Global()
@Module({})
export class PlatformModule {
  static forPlatform(platform: Platform): DynamicModule {
    const providers = [
      { provide: PLATFORM, useValue: platform },
      { provide: GRANTLINE_CONFIG, useValue: platform.config },
      { provide: EVENT_STORE, useValue: platform.eventStore },
      { provide: READ_STORE, useValue: platform.readStore },
      { provide: CLOCK, useValue: platform.clock },
      { provide: ID_GENERATOR, useValue: platform.ids },
      { provide: INSTANCE_DOMAIN, useValue: platform.config.domain },
      { provide: CommandExecutor, useValue: platform.executor },
      { provide: ProjectionProgress, useValue: platform.progress },
    ];
    return { module: PlatformModule, providers, exports: providers.map((provider) => provider.provide) };
  }
}

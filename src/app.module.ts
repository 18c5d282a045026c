import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { HealthController } from './health/health.controller';
import { RouteTable } from './http/route-table';
import { ZitadelErrorFilter } from './http/zitadel/zitadel-error.filter';
import { ZitadelModule } from './http/zitadel/zitadel.module';
import { AdminModule } from './http/zitadel/admin.module';
import { GolemModule } from './http/golem/golem.module';
import { Authenticator } from './http/auth/authenticator';
import { OrgDirectory } from './http/auth/org-directory';
import type { Platform } from './platform/platform';
import { PlatformModule } from './platform/platform.module';
import { Global } from '@nestjs/common';

/** Request-pipeline services shared by the dialects. */
@Global()
@Module({})
class EdgeModule {
  static forPlatform(platform: Platform, routes: RouteTable): DynamicModule {
    const providers = [
      { provide: RouteTable, useValue: routes },
      { provide: Authenticator, useValue: new Authenticator(platform.bootstrapToken) },
      { provide: OrgDirectory, useValue: new OrgDirectory(platform.eventStore) },
    ];
    return { module: EdgeModule, providers, exports: providers.map((provider) => provider.provide) };
  }
}

/** Composition root. */
@Module({})
export class AppModule {
  static forPlatform(platform: Platform, routes: RouteTable): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forPlatform(platform), EdgeModule.forPlatform(platform, routes), ZitadelModule, AdminModule, GolemModule],
      controllers: [HealthController],
      providers: [{ provide: APP_FILTER, useClass: ZitadelErrorFilter }],
    };
  }
}

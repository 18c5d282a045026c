import { Module } from '@nestjs/common';
import { GOLEM_APPLICATION } from '../../golem/golem.application';
import type { Platform } from '../../platform/platform';
import { PLATFORM } from '../../platform/platform.module';
import { GolemAccountsController } from './golem-accounts.controller';
import { BootstrapToken } from './golem-credentials';
import { GolemErrorFilter } from './golem-error.filter';
import { GolemPipeline } from './golem-pipeline';
import { GolemProjectPoliciesController } from './golem-project-policies.controller';
import { GolemProjectsController } from './golem-projects.controller';

/** The Golem REST dialect under /v1 (golem-api.md): its routes, request pipeline and error shapes. */
@Module({
  controllers: [GolemAccountsController, GolemProjectsController, GolemProjectPoliciesController],
  providers: [
    GolemPipeline,
    GolemErrorFilter,
    { provide: GOLEM_APPLICATION, useFactory: (platform: Platform) => platform.golem, inject: [PLATFORM] },
    { provide: BootstrapToken, useFactory: (platform: Platform) => new BootstrapToken(platform.bootstrapToken), inject: [PLATFORM] },
  ],
})
export class GolemModule {}

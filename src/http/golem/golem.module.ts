import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CreateAccountHandler, CreateTokenHandler, DeleteTokenHandler } from '../../golem/commands/accounts.handler';
import { CreateGrantHandler, DeleteGrantHandler } from '../../golem/commands/grants.handler';
import { CreatePolicyHandler } from '../../golem/commands/policies.handler';
import { CreateProjectHandler, DeleteProjectHandler } from '../../golem/commands/projects.handler';
import { GOLEM_APPLICATION } from '../../golem/golem.application';
import type { Platform } from '../../platform/platform';
import { PLATFORM } from '../../platform/platform.module';
import { GetAccountHandler, GetTokenHandler, ListTokensHandler } from '../../golem/queries/accounts.queries';
import { GetGrantHandler, ListGrantsHandler } from '../../golem/queries/grants.queries';
import { GetPolicyHandler } from '../../golem/queries/policies.queries';
import { GetProjectHandler, ListProjectsHandler, ProjectActionsHandler } from '../../golem/queries/projects.queries';
import { GolemAccountsController } from './golem-accounts.controller';
import { BootstrapToken } from '../auth/bootstrap-token';
import { GolemErrorFilter } from './golem-error.filter';
import { GolemPipeline } from './golem-pipeline';
import { GolemProjectPoliciesController } from './golem-project-policies.controller';
import { GolemProjectsController } from './golem-projects.controller';

const COMMAND_HANDLERS = [
  CreateAccountHandler,
  CreateTokenHandler,
  DeleteTokenHandler,
  CreateProjectHandler,
  DeleteProjectHandler,
  CreateGrantHandler,
  DeleteGrantHandler,
  CreatePolicyHandler,
];
const QUERY_HANDLERS = [
  GetAccountHandler,
  ListTokensHandler,
  GetTokenHandler,
  ListProjectsHandler,
  GetProjectHandler,
  ProjectActionsHandler,
  ListGrantsHandler,
  GetGrantHandler,
  GetPolicyHandler,
];

/** The Golem REST dialect under /v1 (golem-api.md): its routes, request pipeline and error shapes. */
@Module({
  imports: [CqrsModule],
  controllers: [GolemAccountsController, GolemProjectsController, GolemProjectPoliciesController],
  providers: [
    GolemPipeline,
    GolemErrorFilter,
    ...COMMAND_HANDLERS,
    ...QUERY_HANDLERS,
    { provide: GOLEM_APPLICATION, useFactory: (platform: Platform) => platform.golem, inject: [PLATFORM] },
    { provide: BootstrapToken, useFactory: (platform: Platform) => new BootstrapToken(platform.bootstrapToken), inject: [PLATFORM] },
  ],
})
export class GolemModule {}

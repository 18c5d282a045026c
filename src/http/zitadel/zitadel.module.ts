import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AddOrgHandler } from '../../orgs/commands/add-org.handler';
import { GetOrgByIdHandler } from '../../orgs/read-model/orgs.queries';
import { AddProjectGrantHandler } from '../../project-grants/commands/add-project-grant.handler';
import { ChangeProjectGrantStateHandler, UpdateProjectGrantHandler } from '../../project-grants/commands/project-grant-lifecycle.handler';
import { RemoveProjectHandler, RemoveProjectRoleHandler, UpdateProjectRoleHandler } from '../../projects/commands/project-lifecycle.handler';
import { BulkRemoveUserGrantsHandler, ChangeUserGrantStateHandler, UpdateUserGrantHandler } from '../../user-grants/commands/user-grant-lifecycle.handler';
import { GetUserGrantByIdHandler, ListUserGrantsHandler } from '../../user-grants/read-model/user-grants.queries';
import { RemoveUserHandler } from '../../users/commands/remove-user.handler';
import { GetProjectGrantByIdHandler, ListProjectGrantsHandler } from '../../project-grants/read-model/project-grants.queries';
import { AddProjectRolesHandler } from '../../projects/commands/add-project-roles.handler';
import { AddProjectHandler } from '../../projects/commands/add-project.handler';
import { GetProjectByIdHandler, ListProjectRolesHandler } from '../../projects/read-model/projects.queries';
import { AddUserGrantHandler } from '../../user-grants/commands/add-user-grant.handler';
import { AddUserHandler } from '../../users/commands/add-user.handler';
import { GetUserByIdHandler } from '../../users/read-model/users.queries';
import { OrgsController } from './orgs.controller';
import { GrantedProjectsController, ProjectGrantsController } from './project-grants.controller';
import { ProjectsController } from './projects.controller';
import { UserGrantsController } from './user-grants.controller';
import { UsersController } from './users.controller';
import { ZitadelGuard } from './zitadel.guard';

const COMMAND_HANDLERS = [
  AddOrgHandler,
  AddProjectHandler,
  AddProjectRolesHandler,
  UpdateProjectRoleHandler,
  RemoveProjectRoleHandler,
  RemoveProjectHandler,
  AddUserHandler,
  RemoveUserHandler,
  AddProjectGrantHandler,
  UpdateProjectGrantHandler,
  ChangeProjectGrantStateHandler,
  AddUserGrantHandler,
  UpdateUserGrantHandler,
  ChangeUserGrantStateHandler,
  BulkRemoveUserGrantsHandler,
];
const QUERY_HANDLERS = [
  GetOrgByIdHandler,
  GetProjectByIdHandler,
  ListProjectRolesHandler,
  GetUserByIdHandler,
  GetProjectGrantByIdHandler,
  ListProjectGrantsHandler,
  GetUserGrantByIdHandler,
  ListUserGrantsHandler,
];

/** The ZITADEL Management API v1 dialect. */
@Module({
  imports: [CqrsModule],
  controllers: [OrgsController, ProjectsController, UsersController, ProjectGrantsController, GrantedProjectsController, UserGrantsController],
  providers: [...COMMAND_HANDLERS, ...QUERY_HANDLERS, { provide: APP_GUARD, useClass: ZitadelGuard }],
})
export class ZitadelModule {}

import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import type { Condition } from '../../kernel/read-store.port';
import type { CommandOutcome } from '../../kernel/object-details';
import { type ListPage, textCondition } from '../../platform/list';
import { projectionKey } from '../../projections/projection';
import { AddProjectRolesCommand } from '../../projects/commands/add-project-roles.command';
import { AddProjectCommand } from '../../projects/commands/add-project.command';
import { RemoveProjectCommand, RemoveProjectRoleCommand, UpdateProjectRoleCommand } from '../../projects/commands/project-lifecycle.command';
import { type ProjectDoc, type ProjectRoleDoc, projectsProjection } from '../../projects/read-model/projects.projection';
import { GetProjectByIdQuery, ListProjectRolesQuery } from '../../projects/read-model/projects.queries';
import type { GrantlineRequest } from '../request-state';
import { listWindow, onlyQuery, textMethod } from './common.dto';
import { actingOrg, commandContext, positionHeader, servedAt } from './edge';
import {
  AddProjectRequest,
  AddProjectRoleRequest,
  BulkAddProjectRolesRequest,
  ListProjectRolesRequest,
  PRIVATE_LABELING_SETTING,
  type RoleQuery,
  UpdateProjectRoleRequest,
} from './projects.dto';
import { EmptyRequest } from './grants.dto';
import { enumNumber } from './proto-validation';
import { addedDetails, changedDetails, listDetails, omitZero, readDetails } from './wire';
import { decodeBody, pathId } from './zitadel-body';
import { Zitadel } from './zitadel-route.decorator';

const PROJECTS = projectionKey(projectsProjection);
const PRIVATE_LABELING_NAMES = Object.keys(PRIVATE_LABELING_SETTING);

@Controller('management/v1/projects')
export class ProjectsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(200)
  @Zitadel({ rpc: 'AddProject', permission: 'project.create', scope: 'org', reads: [] })
  async addProject(@Req() request: GrantlineRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    const input = decodeBody(AddProjectRequest, body);
    const outcome = await this.commands.execute<AddProjectCommand, CommandOutcome>(
      new AddProjectCommand(commandContext(request), actingOrg(request), {
        name: input.name,
        projectRoleAssertion: input.projectRoleAssertion === true,
        projectRoleCheck: input.projectRoleCheck === true,
        hasProjectCheck: input.hasProjectCheck === true,
        privateLabelingSetting: enumNumber(PRIVATE_LABELING_SETTING, input.privateLabelingSetting),
        adminCount: input.admins?.length ?? 0,
      }),
    );
    positionHeader(reply, outcome.details.position);
    return omitZero({ id: outcome.id, details: addedDetails(outcome.details) });
  }

  @Get(':projectId')
  @Zitadel({ rpc: 'GetProjectByID', permission: 'project.read', scope: 'org', reads: [PROJECTS] })
  async getProjectById(@Req() request: GrantlineRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('projectId') id: string) {
    servedAt(request, reply);
    const project = await this.queries.execute<GetProjectByIdQuery, ProjectDoc>(
      new GetProjectByIdQuery(actingOrg(request), pathId('GetProjectByIDRequest', 'id', id)),
    );
    return omitZero({
      project: {
        id: project.id,
        details: readDetails(project),
        name: project.name,
        state: 'PROJECT_STATE_ACTIVE',
        projectRoleAssertion: project.projectRoleAssertion,
        projectRoleCheck: project.projectRoleCheck,
        hasProjectCheck: project.hasProjectCheck,
        // Enum value 0 is a zero value: omitted (§1.4).
        privateLabelingSetting: project.privateLabelingSetting === 0 ? undefined : PRIVATE_LABELING_NAMES[project.privateLabelingSetting],
      },
    });
  }

  @Post(':projectId/roles')
  @HttpCode(200)
  @Zitadel({ rpc: 'AddProjectRole', permission: 'project.role.write', scope: 'org', reads: [] })
  async addProjectRole(
    @Req() request: GrantlineRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('projectId') projectId: string,
    @Body() body: unknown,
  ) {
    const id = pathId('AddProjectRoleRequest', 'projectId', projectId);
    const input = decodeBody(AddProjectRoleRequest, body);
    const outcome = await this.commands.execute<AddProjectRolesCommand, CommandOutcome>(
      new AddProjectRolesCommand(commandContext(request), actingOrg(request), id, [
        { key: input.roleKey, displayName: input.displayName, group: input.group ?? '' },
      ]),
    );
    positionHeader(reply, outcome.details.position);
    return omitZero({ details: addedDetails(outcome.details) });
  }

  @Post(':projectId/roles/_bulk')
  @HttpCode(200)
  @Zitadel({ rpc: 'BulkAddProjectRoles', permission: 'project.role.write', scope: 'org', reads: [] })
  async bulkAddProjectRoles(
    @Req() request: GrantlineRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('projectId') projectId: string,
    @Body() body: unknown,
  ) {
    const id = pathId('BulkAddProjectRolesRequest', 'projectId', projectId);
    const input = decodeBody(BulkAddProjectRolesRequest, body);
    const roles = (input.roles ?? []).map((role) => ({ key: role.key, displayName: role.displayName, group: role.group ?? '' }));
    const outcome = await this.commands.execute<AddProjectRolesCommand, CommandOutcome>(
      new AddProjectRolesCommand(commandContext(request), actingOrg(request), id, roles),
    );
    positionHeader(reply, outcome.details.position);
    return omitZero({ details: addedDetails(outcome.details) });
  }

  @Post(':projectId/roles/_search')
  @HttpCode(200)
  @Zitadel({ rpc: 'ListProjectRoles', permission: 'project.role.read', scope: 'org', reads: [PROJECTS] })
  async listProjectRoles(
    @Req() request: GrantlineRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('projectId') projectId: string,
    @Body() body: unknown,
  ) {
    const id = pathId('ListProjectRolesRequest', 'projectId', projectId);
    const input = decodeBody(ListProjectRolesRequest, body);
    const filter = (input.queries ?? []).map(roleCondition);
    const position = servedAt(request, reply);
    const page = await this.queries.execute<ListProjectRolesQuery, ListPage<ProjectRoleDoc>>(
      new ListProjectRolesQuery(actingOrg(request), id, listWindow(input.query), filter),
    );
    return omitZero({
      details: listDetails(page, position),
      result: page.docs.map((role) => ({ key: role.key, details: readDetails(role), displayName: role.displayName, group: role.group })),
    });
  }

  @Delete(':projectId')
  @Zitadel({ rpc: 'RemoveProject', permission: 'project.delete', scope: 'org', reads: [] })
  async removeProject(@Req() request: GrantlineRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('projectId') projectId: string, @Body() body: unknown) {
    const id = pathId('RemoveProjectRequest', 'id', projectId);
    decodeBody(EmptyRequest, body);
    const outcome = await this.commands.execute<RemoveProjectCommand, CommandOutcome>(new RemoveProjectCommand(commandContext(request), actingOrg(request), id));
    positionHeader(reply, outcome.details.position);
    return omitZero({ details: changedDetails(outcome.details) });
  }

  /** The role key is the rest of the path: keys may contain `/` (`…/roles/team/admin`). */
  @Put(':projectId/roles/*')
  @Zitadel({ rpc: 'UpdateProjectRole', permission: 'project.role.write', scope: 'org', reads: [] })
  async updateProjectRole(
    @Req() request: GrantlineRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('projectId') projectId: string,
    @Param('*') roleKey: string,
    @Body() body: unknown,
  ) {
    const id = pathId('UpdateProjectRoleRequest', 'projectId', projectId);
    const key = pathId('UpdateProjectRoleRequest', 'roleKey', roleKey);
    const input = decodeBody(UpdateProjectRoleRequest, body);
    const outcome = await this.commands.execute<UpdateProjectRoleCommand, CommandOutcome>(
      new UpdateProjectRoleCommand(commandContext(request), actingOrg(request), id, key, input.displayName, input.group ?? ''),
    );
    positionHeader(reply, outcome.details.position);
    return omitZero({ details: changedDetails(outcome.details) });
  }

  @Delete(':projectId/roles/*')
  @Zitadel({ rpc: 'RemoveProjectRole', permission: 'project.role.delete', scope: 'org', reads: [] })
  async removeProjectRole(
    @Req() request: GrantlineRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('projectId') projectId: string,
    @Param('*') roleKey: string,
    @Body() body: unknown,
  ) {
    const id = pathId('RemoveProjectRoleRequest', 'projectId', projectId);
    const key = pathId('RemoveProjectRoleRequest', 'roleKey', roleKey);
    decodeBody(EmptyRequest, body);
    const outcome = await this.commands.execute<RemoveProjectRoleCommand, CommandOutcome>(
      new RemoveProjectRoleCommand(commandContext(request), actingOrg(request), id, key),
    );
    positionHeader(reply, outcome.details.position);
    return omitZero({ details: changedDetails(outcome.details) });
  }
}

function roleCondition(query: RoleQuery): Condition {
  const kind = onlyQuery(query, ['keyQuery', 'displayNameQuery'] as const, 'GRANTLINE-InvalidQuery');
  if (kind === 'keyQuery') return textCondition('key', query.keyQuery?.key ?? '', textMethod(query.keyQuery?.method));
  return textCondition('displayName', query.displayNameQuery?.displayName ?? '', textMethod(query.displayNameQuery?.method));
}

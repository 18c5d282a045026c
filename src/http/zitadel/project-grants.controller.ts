import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import type { CommandOutcome } from '../../kernel/object-details';
import { AddProjectGrantCommand } from '../../project-grants/commands/add-project-grant.command';
import { type ProjectGrantDoc, projectGrantsProjection } from '../../project-grants/read-model/project-grants.projection';
import { GetProjectGrantByIdQuery, ListProjectGrantsQuery } from '../../project-grants/read-model/project-grants.queries';
import { ChangeProjectGrantStateCommand, UpdateProjectGrantCommand } from '../../project-grants/commands/project-grant-lifecycle.command';
import type { Condition, Filter } from '../../kernel/read-store.port';
import { type ListPage, textCondition } from '../../platform/list';
import { listWindow, onlyQuery, textMethod } from './common.dto';
import { projectionKey } from '../../projections/projection';
import type { GrantlineRequest } from '../request-state';
import { actingOrg, commandContext, positionHeader, servedAt } from './edge';
import {
  AddProjectGrantRequest,
  type AllProjectGrantQuery,
  EmptyRequest,
  type GrantedProjectQuery,
  ListAllProjectGrantsRequest,
  ListGrantedProjectsRequest,
  ListProjectGrantsRequest,
  type ProjectGrantQuery,
  UpdateProjectGrantRequest,
} from './grants.dto';
import { PROJECT_GRANT_STATE, addedDetails, changedDetails, listDetails, omitZero, readDetails } from './wire';
import { decodeBody, distinct, pathId } from './zitadel-body';
import { Zitadel } from './zitadel-route.decorator';

const PROJECT_GRANTS = projectionKey(projectGrantsProjection);

/** ZITADEL's GrantedProject read shape. */
export function presentGrantedProject(grant: ProjectGrantDoc) {
  return {
    grantId: grant.grantId,
    grantedOrgId: grant.grantedOrgId,
    grantedOrgName: grant.grantedOrgName,
    grantedRoleKeys: grant.grantedRoleKeys,
    state: PROJECT_GRANT_STATE[grant.state],
    projectId: grant.projectId,
    projectName: grant.projectName,
    projectOwnerId: grant.projectOwnerId,
    projectOwnerName: grant.projectOwnerName,
    details: readDetails(grant),
  };
}

@Controller('management/v1/projects/:projectId/grants')
export class ProjectGrantsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(200)
  @Zitadel({ rpc: 'AddProjectGrant', permission: 'project.grant.write', scope: 'org', reads: [] })
  async addProjectGrant(
    @Req() request: GrantlineRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('projectId') projectId: string,
    @Body() body: unknown,
  ) {
    const id = pathId('AddProjectGrantRequest', 'projectId', projectId);
    const input = decodeBody(AddProjectGrantRequest, body);
    const outcome = await this.commands.execute<AddProjectGrantCommand, CommandOutcome>(
      new AddProjectGrantCommand(commandContext(request), actingOrg(request), id, input.grantedOrgId, distinct(input.roleKeys)),
    );
    positionHeader(reply, outcome.details.position);
    return omitZero({ grantId: outcome.id, details: addedDetails(outcome.details) });
  }

  @Get(':grantId')
  @Zitadel({ rpc: 'GetProjectGrantByID', permission: 'project.grant.read', scope: 'org', reads: [PROJECT_GRANTS] })
  async getProjectGrantById(
    @Req() request: GrantlineRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('projectId') projectId: string,
    @Param('grantId') grantId: string,
  ) {
    const grant = await getProjectGrant(this.queries, request, reply, 'GetProjectGrantByIDRequest', projectId, grantId, 'project-grant');
    return omitZero({ projectGrant: presentGrantedProject(grant) });
  }

  @Post('_search')
  @HttpCode(200)
  @Zitadel({ rpc: 'ListProjectGrants', permission: 'project.grant.read', scope: 'org', reads: [PROJECT_GRANTS] })
  async listProjectGrants(
    @Req() request: GrantlineRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('projectId') projectId: string,
    @Body() body: unknown,
  ) {
    const id = pathId('ListProjectGrantsRequest', 'projectId', projectId);
    const input = decodeBody(ListProjectGrantsRequest, body);
    const filter: Filter = [
      { op: 'eq', field: 'projectId', value: id },
      { op: 'eq', field: 'projectOwnerId', value: actingOrg(request) },
      ...(input.queries ?? []).map(projectGrantOfProjectCondition),
    ];
    return this.list(request, reply, listWindow(input.query), filter);
  }

  @Put(':grantId')
  @Zitadel({ rpc: 'UpdateProjectGrant', permission: 'project.grant.write', scope: 'org', reads: [] })
  async updateProjectGrant(
    @Req() request: GrantlineRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('projectId') projectId: string,
    @Param('grantId') grantId: string,
    @Body() body: unknown,
  ) {
    const ids = [pathId('UpdateProjectGrantRequest', 'projectId', projectId), pathId('UpdateProjectGrantRequest', 'grantId', grantId)] as const;
    const input = decodeBody(UpdateProjectGrantRequest, body);
    const outcome = await this.commands.execute<UpdateProjectGrantCommand, CommandOutcome>(
      new UpdateProjectGrantCommand(commandContext(request), actingOrg(request), ids[0], ids[1], distinct(input.roleKeys)),
    );
    positionHeader(reply, outcome.details.position);
    return omitZero({ details: changedDetails(outcome.details) });
  }

  @Post(':grantId/_deactivate')
  @HttpCode(200)
  @Zitadel({ rpc: 'DeactivateProjectGrant', permission: 'project.grant.write', scope: 'org', reads: [] })
  deactivate(@Req() request: GrantlineRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('projectId') projectId: string, @Param('grantId') grantId: string, @Body() body: unknown) {
    return this.changeState(request, reply, 'DeactivateProjectGrantRequest', projectId, grantId, body, 'deactivate');
  }

  @Post(':grantId/_reactivate')
  @HttpCode(200)
  @Zitadel({ rpc: 'ReactivateProjectGrant', permission: 'project.grant.write', scope: 'org', reads: [] })
  reactivate(@Req() request: GrantlineRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('projectId') projectId: string, @Param('grantId') grantId: string, @Body() body: unknown) {
    return this.changeState(request, reply, 'ReactivateProjectGrantRequest', projectId, grantId, body, 'reactivate');
  }

  @Delete(':grantId')
  @Zitadel({ rpc: 'RemoveProjectGrant', permission: 'project.grant.delete', scope: 'org', reads: [] })
  remove(@Req() request: GrantlineRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('projectId') projectId: string, @Param('grantId') grantId: string, @Body() body: unknown) {
    return this.changeState(request, reply, 'RemoveProjectGrantRequest', projectId, grantId, body, 'remove');
  }

  private async changeState(
    request: GrantlineRequest,
    reply: FastifyReply,
    requestName: string,
    projectId: string,
    grantId: string,
    body: unknown,
    change: ChangeProjectGrantStateCommand['change'],
  ) {
    const project = pathId(requestName, 'projectId', projectId);
    const grant = pathId(requestName, 'grantId', grantId);
    decodeBody(EmptyRequest, body);
    const outcome = await this.commands.execute<ChangeProjectGrantStateCommand, CommandOutcome>(
      new ChangeProjectGrantStateCommand(commandContext(request), actingOrg(request), project, grant, change),
    );
    positionHeader(reply, outcome.details.position);
    return omitZero({ details: changedDetails(outcome.details) });
  }

  private async list(request: GrantlineRequest, reply: FastifyReply, window: ReturnType<typeof listWindow>, filter: Filter) {
    return listProjectGrants(this.queries, request, reply, window, filter);
  }
}

/** One grant by project and grant id, for either of the two views that answer it. */
async function getProjectGrant(
  queries: QueryBus,
  request: GrantlineRequest,
  reply: FastifyReply,
  requestName: string,
  projectId: string,
  grantId: string,
  view: GetProjectGrantByIdQuery['view'],
): Promise<ProjectGrantDoc> {
  const query = new GetProjectGrantByIdQuery(actingOrg(request), pathId(requestName, 'projectId', projectId), pathId(requestName, 'grantId', grantId), view);
  servedAt(request, reply);
  return queries.execute<GetProjectGrantByIdQuery, ProjectGrantDoc>(query);
}

/** Runs a project-grant list and answers it in ZITADEL's list shape. */
async function listProjectGrants(queries: QueryBus, request: GrantlineRequest, reply: FastifyReply, window: ReturnType<typeof listWindow>, filter: Filter) {
  const position = servedAt(request, reply);
  const page = await queries.execute<ListProjectGrantsQuery, ListPage<ProjectGrantDoc>>(new ListProjectGrantsQuery(window, filter));
  return omitZero({ details: listDetails(page, position), result: page.docs.map(presentGrantedProject) });
}

const INVALID_GRANT_QUERY = 'PROJECT-M099f';

/**
 * ListProjectGrants knows only `projectNameQuery` and `roleKeyQuery` (§2.3): its request type
 * declares no other query, so any other key is an unknown (unvalidated) field and the element has
 * no known query.
 */
function projectGrantOfProjectCondition(query: ProjectGrantQuery): Condition {
  onlyQuery(query, ['projectNameQuery', 'roleKeyQuery'] as const, INVALID_GRANT_QUERY);
  return projectGrantCondition({ projectNameQuery: query.projectNameQuery, roleKeyQuery: query.roleKeyQuery });
}

function projectGrantCondition(query: AllProjectGrantQuery): Condition {
  const kind = onlyQuery(query, ['projectNameQuery', 'roleKeyQuery', 'projectIdQuery', 'grantedOrgIdQuery'] as const, INVALID_GRANT_QUERY);
  switch (kind) {
    case 'projectNameQuery':
      return textCondition('projectName', query.projectNameQuery?.name ?? '', textMethod(query.projectNameQuery?.method));
    case 'roleKeyQuery':
      return { op: 'has', field: 'grantedRoleKeys', value: query.roleKeyQuery?.roleKey ?? '' };
    case 'projectIdQuery':
      return { op: 'eq', field: 'projectId', value: query.projectIdQuery?.projectId ?? '' };
    case 'grantedOrgIdQuery':
      return { op: 'eq', field: 'grantedOrgId', value: query.grantedOrgIdQuery?.grantedOrgId ?? '' };
  }
}

function grantedProjectCondition(query: GrantedProjectQuery): Condition {
  const kind = onlyQuery(query, ['nameQuery', 'projectResourceOwnerQuery'] as const, INVALID_GRANT_QUERY);
  if (kind === 'nameQuery') return textCondition('projectName', query.nameQuery?.name ?? '', textMethod(query.nameQuery?.method));
  return { op: 'eq', field: 'projectOwnerId', value: query.projectResourceOwnerQuery?.resourceOwner ?? '' };
}

@Controller('management/v1')
export class GrantedProjectsController {
  constructor(private readonly queries: QueryBus) {}

  @Post('projectgrants/_search')
  @HttpCode(200)
  @Zitadel({ rpc: 'ListAllProjectGrants', permission: 'project.grant.read', scope: 'org', reads: [PROJECT_GRANTS] })
  async listAllProjectGrants(@Req() request: GrantlineRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    const input = decodeBody(ListAllProjectGrantsRequest, body);
    const filter: Filter = [{ op: 'eq', field: 'projectOwnerId', value: actingOrg(request) }, ...(input.queries ?? []).map(projectGrantCondition)];
    return listProjectGrants(this.queries, request, reply, listWindow(input.query), filter);
  }

  @Post('granted_projects/_search')
  @HttpCode(200)
  @Zitadel({ rpc: 'ListGrantedProjects', permission: 'project.read', scope: 'org', reads: [PROJECT_GRANTS] })
  async listGrantedProjects(@Req() request: GrantlineRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    const input = decodeBody(ListGrantedProjectsRequest, body);
    const filter: Filter = [{ op: 'eq', field: 'grantedOrgId', value: actingOrg(request) }, ...(input.queries ?? []).map(grantedProjectCondition)];
    return listProjectGrants(this.queries, request, reply, listWindow(input.query), filter);
  }

  @Get('granted_projects/:projectId/grants/:grantId')
  @Zitadel({ rpc: 'GetGrantedProjectByID', permission: 'project.read', scope: 'org', reads: [PROJECT_GRANTS] })
  async getGrantedProjectById(
    @Req() request: GrantlineRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('projectId') projectId: string,
    @Param('grantId') grantId: string,
  ) {
    const grant = await getProjectGrant(this.queries, request, reply, 'GetGrantedProjectByIDRequest', projectId, grantId, 'granted-project');
    return omitZero({ grantedProject: presentGrantedProject(grant) });
  }
}

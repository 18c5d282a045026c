import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import type { CommandOutcome } from '../../kernel/object-details';
import { AddProjectGrantCommand } from '../../project-grants/commands/add-project-grant.command';
import { type ProjectGrantDoc, projectGrantsProjection } from '../../project-grants/read-model/project-grants.projection';
import { GetProjectGrantByIdQuery } from '../../project-grants/read-model/project-grants.queries';
import { projectionKey } from '../../projections/projection';
import type { GrantlineRequest } from '../request-state';
import { actingOrg, commandContext, positionHeader, servedAt } from './edge';
import { AddProjectGrantRequest } from './grants.dto';
import { PROJECT_GRANT_STATE, addedDetails, omitZero, readDetails } from './wire';
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
    const query = new GetProjectGrantByIdQuery(
      actingOrg(request),
      pathId('GetProjectGrantByIDRequest', 'projectId', projectId),
      pathId('GetProjectGrantByIDRequest', 'grantId', grantId),
      'project-grant',
    );
    servedAt(request, reply);
    const grant = await this.queries.execute<GetProjectGrantByIdQuery, ProjectGrantDoc>(query);
    return omitZero({ projectGrant: presentGrantedProject(grant) });
  }
}

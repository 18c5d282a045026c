import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import type { CommandOutcome } from '../../kernel/object-details';
import { AddOrgCommand } from '../../orgs/commands/add-org.command';
import type { OrgDoc } from '../../orgs/read-model/orgs.projection';
import { GetOrgByIdQuery } from '../../orgs/read-model/orgs.queries';
import { orgsProjection } from '../../orgs/read-model/orgs.projection';
import { projectionKey } from '../../projections/projection';
import type { GrantlineRequest } from '../request-state';
import { actingOrg, commandContext, positionHeader, servedAt } from './edge';
import { AddOrgRequest } from './orgs.dto';
import { addedDetails, omitZero, readDetails } from './wire';
import { decodeBody } from './zitadel-body';
import { Zitadel } from './zitadel-route.decorator';

@Controller('management/v1/orgs')
export class OrgsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(200)
  @Zitadel({ rpc: 'AddOrg', permission: 'org.create', scope: 'instance', reads: [] })
  async addOrg(@Req() request: GrantlineRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    const input = decodeBody(AddOrgRequest, body);
    const outcome = await this.commands.execute<AddOrgCommand, CommandOutcome>(new AddOrgCommand(commandContext(request), input.name));
    positionHeader(reply, outcome.details.position);
    return omitZero({ id: outcome.id, details: addedDetails(outcome.details) });
  }

  @Get('me')
  @Zitadel({ rpc: 'GetMyOrg', permission: 'org.read', scope: 'org', reads: [projectionKey(orgsProjection)] })
  async getMyOrg(@Req() request: GrantlineRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    servedAt(request, reply);
    const org = await this.queries.execute<GetOrgByIdQuery, OrgDoc>(new GetOrgByIdQuery(actingOrg(request)));
    return omitZero({
      org: { id: org.id, details: readDetails(org), state: 'ORG_STATE_ACTIVE', name: org.name, primaryDomain: org.primaryDomain },
    });
  }
}

import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import type { CommandOutcome } from '../../kernel/object-details';
import { AddUserGrantCommand } from '../../user-grants/commands/add-user-grant.command';
import type { GrantlineRequest } from '../request-state';
import { actingOrg, commandContext, positionHeader } from './edge';
import { AddUserGrantRequest } from './grants.dto';
import { addedDetails, omitZero } from './wire';
import { decodeBody, distinct, pathId } from './zitadel-body';
import { Zitadel } from './zitadel-route.decorator';

@Controller('management/v1/users/:userId/grants')
export class UserGrantsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(200)
  @Zitadel({ rpc: 'AddUserGrant', permission: 'user.grant.write', scope: 'org', reads: [] })
  async addUserGrant(
    @Req() request: GrantlineRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('userId') userId: string,
    @Body() body: unknown,
  ) {
    const id = pathId('AddUserGrantRequest', 'userId', userId);
    const input = decodeBody(AddUserGrantRequest, body);
    const outcome = await this.commands.execute<AddUserGrantCommand, CommandOutcome>(
      new AddUserGrantCommand(
        commandContext(request),
        actingOrg(request),
        id,
        input.projectId,
        input.projectGrantId ?? '',
        distinct(input.roleKeys),
      ),
    );
    positionHeader(reply, outcome.details.position);
    return omitZero({ userGrantId: outcome.id, details: addedDetails(outcome.details) });
  }
}

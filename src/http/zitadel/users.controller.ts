import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import type { CommandOutcome } from '../../kernel/object-details';
import { projectionKey } from '../../projections/projection';
import { AddUserCommand } from '../../users/commands/add-user.command';
import { RemoveUserCommand } from '../../users/commands/remove-user.command';
import { EmptyRequest } from './grants.dto';
import { type UserDoc, usersProjection } from '../../users/read-model/users.projection';
import { GetUserByIdQuery } from '../../users/read-model/users.queries';
import type { GrantlineRequest } from '../request-state';
import { actingOrg, commandContext, positionHeader, servedAt } from './edge';
import { enumNumber } from './proto-validation';
import { ACCESS_TOKEN_TYPE, AddHumanUserRequest, AddMachineUserRequest, GENDER } from './users.dto';
import { addedDetails, changedDetails, omitZero, readDetails } from './wire';
import { decodeBody, pathId } from './zitadel-body';
import { Zitadel } from './zitadel-route.decorator';

const GENDER_NAMES = Object.keys(GENDER);
const ACCESS_TOKEN_TYPE_NAMES = Object.keys(ACCESS_TOKEN_TYPE);

@Controller('management/v1/users')
export class UsersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('human')
  @HttpCode(200)
  @Zitadel({ rpc: 'AddHumanUser', permission: 'user.write', scope: 'org', reads: [] })
  async addHumanUser(@Req() request: GrantlineRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    const input = decodeBody(AddHumanUserRequest, body);
    const { profile, email, phone } = input;
    const displayName = profile.displayName !== undefined && profile.displayName !== null && profile.displayName !== ''
      ? profile.displayName
      : `${profile.firstName} ${profile.lastName}`;
    const outcome = await this.commands.execute<AddUserCommand, CommandOutcome>(
      new AddUserCommand(commandContext(request), actingOrg(request), {
        kind: 'human',
        data: {
          userName: input.userName,
          firstName: profile.firstName,
          lastName: profile.lastName,
          displayName,
          ...(profile.nickName ? { nickName: profile.nickName } : {}),
          ...(profile.preferredLanguage ? { preferredLanguage: profile.preferredLanguage } : {}),
          ...(enumNumber(GENDER, profile.gender) !== 0 ? { gender: enumNumber(GENDER, profile.gender) } : {}),
          email: email.email,
          ...(email.isEmailVerified === true ? { isEmailVerified: true } : {}),
          ...(phone?.phone ? { phone: phone.phone } : {}),
          ...(phone?.isPhoneVerified === true ? { isPhoneVerified: true } : {}),
        },
      }),
    );
    positionHeader(reply, outcome.details.position);
    return omitZero({ userId: outcome.id, details: addedDetails(outcome.details) });
  }

  @Post('machine')
  @HttpCode(200)
  @Zitadel({ rpc: 'AddMachineUser', permission: 'user.write', scope: 'org', reads: [] })
  async addMachineUser(@Req() request: GrantlineRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    const input = decodeBody(AddMachineUserRequest, body);
    const accessTokenType = enumNumber(ACCESS_TOKEN_TYPE, input.accessTokenType);
    const outcome = await this.commands.execute<AddUserCommand, CommandOutcome>(
      new AddUserCommand(commandContext(request), actingOrg(request), {
        kind: 'machine',
        data: {
          userName: input.userName,
          name: input.name,
          ...(input.description ? { description: input.description } : {}),
          ...(accessTokenType !== 0 ? { accessTokenType } : {}),
        },
      }),
    );
    positionHeader(reply, outcome.details.position);
    return omitZero({ userId: outcome.id, details: addedDetails(outcome.details) });
  }

  @Get(':userId')
  @Zitadel({ rpc: 'GetUserByID', permission: 'user.read', scope: 'org', reads: [projectionKey(usersProjection)] })
  async getUserById(@Req() request: GrantlineRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('userId') userId: string) {
    servedAt(request, reply);
    const user = await this.queries.execute<GetUserByIdQuery, UserDoc>(
      new GetUserByIdQuery(actingOrg(request), pathId('GetUserByIDRequest', 'id', userId)),
    );
    return omitZero({ user: presentUser(user) });
  }

  @Delete(':userId')
  @Zitadel({ rpc: 'RemoveUser', permission: 'user.delete', scope: 'org', reads: [] })
  async removeUser(@Req() request: GrantlineRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('userId') userId: string, @Body() body: unknown) {
    const id = pathId('RemoveUserRequest', 'id', userId);
    decodeBody(EmptyRequest, body);
    const outcome = await this.commands.execute<RemoveUserCommand, CommandOutcome>(new RemoveUserCommand(commandContext(request), actingOrg(request), id));
    positionHeader(reply, outcome.details.position);
    return omitZero({ details: changedDetails(outcome.details) });
  }
}

function presentUser(user: UserDoc) {
  return {
    id: user.id,
    details: readDetails(user),
    state: 'USER_STATE_ACTIVE',
    userName: user.userName,
    loginNames: [user.preferredLoginName],
    preferredLoginName: user.preferredLoginName,
    ...(user.human !== undefined
      ? {
          human: {
            // Enum value 0 is a zero value: omitted (§1.4).
            profile: { ...user.human.profile, gender: user.human.profile.gender === 0 ? undefined : GENDER_NAMES[user.human.profile.gender] },
            email: user.human.email,
            phone: user.human.phone,
          },
        }
      : {}),
    ...(user.machine !== undefined
      ? { machine: { ...user.machine, accessTokenType: user.machine.accessTokenType === 0 ? undefined : ACCESS_TOKEN_TYPE_NAMES[user.machine.accessTokenType] } }
      : {}),
  };
}

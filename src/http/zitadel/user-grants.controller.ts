import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import type { CommandOutcome } from '../../kernel/object-details';
import type { Condition, Filter } from '../../kernel/read-store.port';
import { type ListPage, textCondition } from '../../platform/list';
import { projectionKey } from '../../projections/projection';
import { AddUserGrantCommand } from '../../user-grants/commands/add-user-grant.command';
import { BulkRemoveUserGrantsCommand, ChangeUserGrantStateCommand, UpdateUserGrantCommand } from '../../user-grants/commands/user-grant-lifecycle.command';
import { type UserGrantDoc, userGrantsProjection } from '../../user-grants/read-model/user-grants.projection';
import { GetUserGrantByIdQuery, ListUserGrantsQuery } from '../../user-grants/read-model/user-grants.queries';
import type { GrantlineRequest } from '../request-state';
import { listWindow, onlyQuery, textMethod } from './common.dto';
import { actingOrg, commandContext, positionHeader, servedAt } from './edge';
import {
  AddUserGrantRequest,
  BulkRemoveUserGrantRequest,
  EmptyRequest,
  ListUserGrantsRequest,
  USER_TYPE,
  type UserGrantQuery,
  UpdateUserGrantRequest,
} from './grants.dto';
import { enumNumber } from './proto-validation';
import { USER_GRANT_STATE, addedDetails, changedDetails, listDetails, omitZero, readDetails } from './wire';
import { decodeBody, distinct, pathId } from './zitadel-body';
import { Zitadel } from './zitadel-route.decorator';

const USER_GRANTS = projectionKey(userGrantsProjection);

/** ZITADEL's UserGrant read shape (§2.4): org* is the owning org, grantedOrg* the user's own org. */
export function presentUserGrant(grant: UserGrantDoc) {
  return {
    id: grant.id,
    details: readDetails(grant),
    roleKeys: grant.roleKeys,
    state: USER_GRANT_STATE[grant.state],
    userId: grant.userId,
    userName: grant.userName,
    firstName: grant.firstName,
    lastName: grant.lastName,
    email: grant.email,
    displayName: grant.displayName,
    orgId: grant.resourceOwner,
    orgName: grant.orgName,
    orgDomain: grant.orgDomain,
    projectId: grant.projectId,
    projectName: grant.projectName,
    projectGrantId: grant.projectGrantId,
    preferredLoginName: grant.preferredLoginName,
    userType: grant.userType === 'human' ? 'TYPE_HUMAN' : 'TYPE_MACHINE',
    grantedOrgId: grant.userOrgId,
    grantedOrgName: grant.userOrgName,
    grantedOrgDomain: grant.userOrgDomain,
  };
}

const USER_GRANT_QUERIES = [
  'projectIdQuery',
  'userIdQuery',
  'withGrantedQuery',
  'roleKeyQuery',
  'projectGrantIdQuery',
  'userNameQuery',
  'firstNameQuery',
  'lastNameQuery',
  'emailQuery',
  'orgNameQuery',
  'orgDomainQuery',
  'projectNameQuery',
  'displayNameQuery',
  'userTypeQuery',
  'inUserIdsQuery',
] as const;

const TEXT_FIELDS = {
  userNameQuery: 'userName',
  firstNameQuery: 'firstName',
  lastNameQuery: 'lastName',
  emailQuery: 'email',
  orgNameQuery: 'orgName',
  orgDomainQuery: 'orgDomain',
  projectNameQuery: 'projectName',
  displayNameQuery: 'displayName',
} as const;

/** One element of `queries` as a condition; `withGrantedQuery` only widens the owner filter (null). */
function userGrantCondition(query: UserGrantQuery): Condition | null {
  const kind = onlyQuery(query, USER_GRANT_QUERIES, 'GRANTLINE-InvalidQuery');
  switch (kind) {
    case 'withGrantedQuery':
      return null;
    case 'projectIdQuery':
      return { op: 'eq', field: 'projectId', value: query.projectIdQuery?.projectId ?? '' };
    case 'userIdQuery':
      return { op: 'eq', field: 'userId', value: query.userIdQuery?.userId ?? '' };
    case 'projectGrantIdQuery':
      return { op: 'eq', field: 'projectGrantId', value: query.projectGrantIdQuery?.projectGrantId ?? '' };
    case 'roleKeyQuery':
      return { op: 'has', field: 'roleKeys', value: query.roleKeyQuery?.roleKey ?? '' };
    case 'userTypeQuery': {
      const type = enumNumber(USER_TYPE, query.userTypeQuery?.type);
      // TYPE_UNSPECIFIED matches nothing.
      return { op: 'eq', field: 'userType', value: type === 1 ? 'human' : type === 2 ? 'machine' : '' };
    }
    case 'inUserIdsQuery':
      return { op: 'in', field: 'userId', values: query.inUserIdsQuery?.inUserIds ?? [] };
    default: {
      const text = query[kind] as Record<string, unknown> | null | undefined;
      const field = TEXT_FIELDS[kind];
      return textCondition(field, String(text?.[field] ?? ''), textMethod(text?.method));
    }
  }
}

@Controller('management/v1')
export class UserGrantsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('users/:userId/grants')
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

  @Get('users/:userId/grants/:grantId')
  @Zitadel({ rpc: 'GetUserGrantByID', permission: 'user.grant.read', scope: 'org', reads: [USER_GRANTS] })
  async getUserGrantById(
    @Req() request: GrantlineRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('userId') userId: string,
    @Param('grantId') grantId: string,
  ) {
    const query = new GetUserGrantByIdQuery(
      actingOrg(request),
      pathId('GetUserGrantByIDRequest', 'userId', userId),
      pathId('GetUserGrantByIDRequest', 'grantId', grantId),
    );
    servedAt(request, reply);
    const grant = await this.queries.execute<GetUserGrantByIdQuery, UserGrantDoc>(query);
    return omitZero({ userGrant: presentUserGrant(grant) });
  }

  @Post('users/grants/_search')
  @HttpCode(200)
  @Zitadel({ rpc: 'ListUserGrants', permission: 'user.grant.read', scope: 'org', reads: [USER_GRANTS] })
  async listUserGrants(@Req() request: GrantlineRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    const input = decodeBody(ListUserGrantsRequest, body);
    const queries = input.queries ?? [];
    const conditions = queries.map(userGrantCondition).filter((condition): condition is Condition => condition !== null);
    const org = actingOrg(request);
    const withGranted = queries.some((query) => query.withGrantedQuery !== undefined && query.withGrantedQuery !== null);
    const owner: Condition = withGranted
      ? { op: 'or', anyOf: [[{ op: 'eq', field: 'resourceOwner', value: org }], [{ op: 'eq', field: 'projectOwnerId', value: org }]] }
      : { op: 'eq', field: 'resourceOwner', value: org };
    const filter: Filter = [owner, ...conditions];
    const position = servedAt(request, reply);
    const page = await this.queries.execute<ListUserGrantsQuery, ListPage<UserGrantDoc>>(new ListUserGrantsQuery(listWindow(input.query), filter));
    return omitZero({ details: listDetails(page, position), result: page.docs.map(presentUserGrant) });
  }

  @Put('users/:userId/grants/:grantId')
  @Zitadel({ rpc: 'UpdateUserGrant', permission: 'user.grant.write', scope: 'org', reads: [] })
  async updateUserGrant(
    @Req() request: GrantlineRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('userId') userId: string,
    @Param('grantId') grantId: string,
    @Body() body: unknown,
  ) {
    const user = pathId('UpdateUserGrantRequest', 'userId', userId);
    const grant = pathId('UpdateUserGrantRequest', 'grantId', grantId);
    const input = decodeBody(UpdateUserGrantRequest, body);
    const outcome = await this.commands.execute<UpdateUserGrantCommand, CommandOutcome>(
      new UpdateUserGrantCommand(commandContext(request), actingOrg(request), user, grant, distinct(input.roleKeys)),
    );
    positionHeader(reply, outcome.details.position);
    return omitZero({ details: changedDetails(outcome.details) });
  }

  @Post('users/:userId/grants/:grantId/_deactivate')
  @HttpCode(200)
  @Zitadel({ rpc: 'DeactivateUserGrant', permission: 'user.grant.write', scope: 'org', reads: [] })
  deactivate(@Req() request: GrantlineRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('userId') userId: string, @Param('grantId') grantId: string, @Body() body: unknown) {
    return this.changeState(request, reply, 'DeactivateUserGrantRequest', userId, grantId, body, 'deactivate');
  }

  @Post('users/:userId/grants/:grantId/_reactivate')
  @HttpCode(200)
  @Zitadel({ rpc: 'ReactivateUserGrant', permission: 'user.grant.write', scope: 'org', reads: [] })
  reactivate(@Req() request: GrantlineRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('userId') userId: string, @Param('grantId') grantId: string, @Body() body: unknown) {
    return this.changeState(request, reply, 'ReactivateUserGrantRequest', userId, grantId, body, 'reactivate');
  }

  @Delete('users/:userId/grants/:grantId')
  @Zitadel({ rpc: 'RemoveUserGrant', permission: 'user.grant.delete', scope: 'org', reads: [] })
  remove(@Req() request: GrantlineRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('userId') userId: string, @Param('grantId') grantId: string, @Body() body: unknown) {
    return this.changeState(request, reply, 'RemoveUserGrantRequest', userId, grantId, body, 'remove');
  }

  @Delete('user_grants/_bulk')
  @Zitadel({ rpc: 'BulkRemoveUserGrant', permission: 'user.grant.delete', scope: 'org', reads: [] })
  async bulkRemove(@Req() request: GrantlineRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    const input = decodeBody(BulkRemoveUserGrantRequest, body);
    const outcome = await this.commands.execute<BulkRemoveUserGrantsCommand, CommandOutcome>(
      new BulkRemoveUserGrantsCommand(commandContext(request), actingOrg(request), distinct(input.grantId)),
    );
    positionHeader(reply, outcome.details.position);
    return {};
  }

  private async changeState(
    request: GrantlineRequest,
    reply: FastifyReply,
    requestName: string,
    userId: string,
    grantId: string,
    body: unknown,
    change: ChangeUserGrantStateCommand['change'],
  ) {
    const user = pathId(requestName, 'userId', userId);
    const grant = pathId(requestName, 'grantId', grantId);
    decodeBody(EmptyRequest, body);
    const outcome = await this.commands.execute<ChangeUserGrantStateCommand, CommandOutcome>(
      new ChangeUserGrantStateCommand(commandContext(request), actingOrg(request), user, grant, change),
    );
    positionHeader(reply, outcome.details.position);
    return omitZero({ details: changedDetails(outcome.details) });
  }
}

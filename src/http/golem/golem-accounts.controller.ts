import { Controller, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CreateAccountCommand, CreateTokenCommand, DeleteTokenCommand } from '../../golem/commands/accounts.command';
import type { AccountView, TokenView, UnsafeTokenView, Written } from '../../golem/golem.application';
import { GetAccountQuery, GetTokenQuery, ListTokensQuery } from '../../golem/queries/accounts.queries';
import { GolemPipeline, answer, written } from './golem-pipeline';
import { GolemEndpoint } from './golem-route.decorator';
import { GOLEM_ROUTES } from './golem-routes';
import { accountWire, emptyWire, tokenWire, unsafeTokenWire } from './golem-wire';

const R = GOLEM_ROUTES;

/** Accounts and their tokens (golem-api.md §3.2, §3.3). */
@Controller()
export class GolemAccountsController {
  constructor(
    private readonly pipeline: GolemPipeline,
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @GolemEndpoint(R.createAccount)
  createAccount(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.createAccount, request, reply, async (call, { body }) =>
      written(await this.commands.execute<CreateAccountCommand, Written<AccountView>>(new CreateAccountCommand(call, body)), accountWire),
    );
  }

  @GolemEndpoint(R.getAccount)
  getAccount(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.getAccount, request, reply, async (call, { params }) =>
      answer(accountWire(await this.queries.execute<GetAccountQuery, AccountView>(new GetAccountQuery(call.caller, params.account_id)))),
    );
  }

  @GolemEndpoint(R.getTokens)
  getTokens(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.getTokens, request, reply, async (call, { params }) =>
      answer((await this.queries.execute<ListTokensQuery, readonly TokenView[]>(new ListTokensQuery(call.caller, params.account_id))).map(tokenWire)),
    );
  }

  @GolemEndpoint(R.createToken)
  createToken(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.createToken, request, reply, async (call, { params, body }) =>
      written(await this.commands.execute<CreateTokenCommand, Written<UnsafeTokenView>>(new CreateTokenCommand(call, params.account_id, body.expiresAt)), unsafeTokenWire),
    );
  }

  @GolemEndpoint(R.getToken)
  getToken(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.getToken, request, reply, async (call, { params }) =>
      answer(tokenWire(await this.queries.execute<GetTokenQuery, TokenView>(new GetTokenQuery(call.caller, params.account_id, params.token_id)))),
    );
  }

  @GolemEndpoint(R.deleteToken)
  deleteToken(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.deleteToken, request, reply, async (call, { params }) =>
      written(await this.commands.execute<DeleteTokenCommand, Written<Record<string, never>>>(new DeleteTokenCommand(call, params.account_id, params.token_id)), emptyWire),
    );
  }
}

import { Controller, Inject, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GOLEM_APPLICATION, type GolemApplication } from '../../golem/golem.application';
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
    @Inject(GOLEM_APPLICATION) private readonly golem: GolemApplication,
  ) {}

  @GolemEndpoint(R.createAccount)
  createAccount(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.createAccount, request, reply, async (call, { body }) => written(await this.golem.createAccount(call, body), accountWire));
  }

  @GolemEndpoint(R.getAccount)
  getAccount(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.getAccount, request, reply, async (call, { params }) =>
      answer(accountWire(await this.golem.getAccount(call.caller, params.account_id))),
    );
  }

  @GolemEndpoint(R.getTokens)
  getTokens(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.getTokens, request, reply, async (call, { params }) =>
      answer((await this.golem.listTokens(call.caller, params.account_id)).map(tokenWire)),
    );
  }

  @GolemEndpoint(R.createToken)
  createToken(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.createToken, request, reply, async (call, { params, body }) =>
      written(await this.golem.createToken(call, params.account_id, body.expiresAt), unsafeTokenWire),
    );
  }

  @GolemEndpoint(R.getToken)
  getToken(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.getToken, request, reply, async (call, { params }) =>
      answer(tokenWire(await this.golem.getToken(call.caller, params.account_id, params.token_id))),
    );
  }

  @GolemEndpoint(R.deleteToken)
  deleteToken(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.deleteToken, request, reply, async (call, { params }) =>
      written(await this.golem.deleteToken(call, params.account_id, params.token_id), emptyWire),
    );
  }
}

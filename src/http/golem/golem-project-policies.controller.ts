import { Controller, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CreatePolicyCommand } from '../../golem/commands/policies.command';
import type { PolicyView, Written } from '../../golem/golem.application';
import { GetPolicyQuery } from '../../golem/queries/policies.queries';
import { GolemPipeline, answer, written } from './golem-pipeline';
import { GolemEndpoint } from './golem-route.decorator';
import { GOLEM_ROUTES } from './golem-routes';
import { policyWire } from './golem-wire';

const R = GOLEM_ROUTES;

/** Project policies: create and read only; they are immutable (golem-api.md §3.6). */
@Controller()
export class GolemProjectPoliciesController {
  constructor(
    private readonly pipeline: GolemPipeline,
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @GolemEndpoint(R.createProjectPolicy)
  createProjectPolicy(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.createProjectPolicy, request, reply, async (call, { body }) =>
      written(await this.commands.execute<CreatePolicyCommand, Written<PolicyView>>(new CreatePolicyCommand(call, { name: body.name, actions: body.projectActions.actions })), policyWire),
    );
  }

  @GolemEndpoint(R.getProjectPolicy)
  getProjectPolicy(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.getProjectPolicy, request, reply, async (call, { params }) =>
      answer(policyWire(await this.queries.execute<GetPolicyQuery, PolicyView>(new GetPolicyQuery(call.caller, params.project_policy_id)))),
    );
  }
}

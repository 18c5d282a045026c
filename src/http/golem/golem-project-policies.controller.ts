import { Controller, Inject, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GOLEM_APPLICATION, type GolemApplication } from '../../golem/golem.application';
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
    @Inject(GOLEM_APPLICATION) private readonly golem: GolemApplication,
  ) {}

  @GolemEndpoint(R.createProjectPolicy)
  createProjectPolicy(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.createProjectPolicy, request, reply, async (call, { body }) =>
      written(await this.golem.createPolicy(call, { name: body.name, actions: body.projectActions.actions }), policyWire),
    );
  }

  @GolemEndpoint(R.getProjectPolicy)
  getProjectPolicy(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.getProjectPolicy, request, reply, async (call, { params }) =>
      answer(policyWire(await this.golem.getPolicy(call.caller, params.project_policy_id))),
    );
  }
}

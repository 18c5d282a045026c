import { Controller, Inject, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GOLEM_APPLICATION, type GolemApplication } from '../../golem/golem.application';
import { GolemPipeline, answer, written } from './golem-pipeline';
import { GolemEndpoint } from './golem-route.decorator';
import { GOLEM_ROUTES } from './golem-routes';
import { emptyWire, grantWire, projectWire } from './golem-wire';

const R = GOLEM_ROUTES;

/** Projects and their grants (golem-api.md §3.4, §3.5). */
@Controller()
export class GolemProjectsController {
  constructor(
    private readonly pipeline: GolemPipeline,
    @Inject(GOLEM_APPLICATION) private readonly golem: GolemApplication,
  ) {}

  @GolemEndpoint(R.createProject)
  createProject(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.createProject, request, reply, async (call, { body }) => written(await this.golem.createProject(call, body), projectWire));
  }

  @GolemEndpoint(R.getProjects)
  getProjects(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.getProjects, request, reply, async (call, { projectName }) =>
      answer((await this.golem.listProjects(call.caller, projectName)).map(projectWire)),
    );
  }

  @GolemEndpoint(R.getProject)
  getProject(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.getProject, request, reply, async (call, { params }) =>
      answer(projectWire(await this.golem.getProject(call.caller, params.project_id))),
    );
  }

  @GolemEndpoint(R.deleteProject)
  deleteProject(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.deleteProject, request, reply, async (call, { params }) =>
      written(await this.golem.deleteProject(call, params.project_id), emptyWire),
    );
  }

  @GolemEndpoint(R.getProjectActions)
  getProjectActions(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.getProjectActions, request, reply, async (call, { params }) =>
      answer([...(await this.golem.projectActions(call.caller, params.project_id))]),
    );
  }

  @GolemEndpoint(R.getProjectGrants)
  getProjectGrants(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.getProjectGrants, request, reply, async (call, { params }) =>
      answer((await this.golem.listGrants(call.caller, params.project_id)).map(grantWire)),
    );
  }

  @GolemEndpoint(R.createProjectGrant)
  createProjectGrant(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.createProjectGrant, request, reply, async (call, { params, body }) =>
      written(await this.golem.createGrant(call, params.project_id, body), grantWire),
    );
  }

  @GolemEndpoint(R.getProjectGrant)
  getProjectGrant(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.getProjectGrant, request, reply, async (call, { params }) =>
      answer(grantWire(await this.golem.getGrant(call.caller, params.project_id, params.grant_id))),
    );
  }

  @GolemEndpoint(R.deleteProjectGrant)
  deleteProjectGrant(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.deleteProjectGrant, request, reply, async (call, { params }) =>
      written(await this.golem.deleteGrant(call, params.project_id, params.grant_id), emptyWire),
    );
  }
}

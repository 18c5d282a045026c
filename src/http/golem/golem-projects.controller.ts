import { Controller, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ProjectAction } from '../../golem/actions';
import { CreateGrantCommand, DeleteGrantCommand } from '../../golem/commands/grants.command';
import { CreateProjectCommand, DeleteProjectCommand } from '../../golem/commands/projects.command';
import type { GrantView, ProjectView, Written } from '../../golem/golem.application';
import { GetGrantQuery, ListGrantsQuery } from '../../golem/queries/grants.queries';
import { GetProjectQuery, ListProjectsQuery, ProjectActionsQuery } from '../../golem/queries/projects.queries';
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
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @GolemEndpoint(R.createProject)
  createProject(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.createProject, request, reply, async (call, { body }) =>
      written(await this.commands.execute<CreateProjectCommand, Written<ProjectView>>(new CreateProjectCommand(call, body)), projectWire),
    );
  }

  @GolemEndpoint(R.getProjects)
  getProjects(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.getProjects, request, reply, async (call, { projectName }) =>
      answer((await this.queries.execute<ListProjectsQuery, readonly ProjectView[]>(new ListProjectsQuery(call.caller, projectName))).map(projectWire)),
    );
  }

  @GolemEndpoint(R.getProject)
  getProject(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.getProject, request, reply, async (call, { params }) =>
      answer(projectWire(await this.queries.execute<GetProjectQuery, ProjectView>(new GetProjectQuery(call.caller, params.project_id)))),
    );
  }

  @GolemEndpoint(R.deleteProject)
  deleteProject(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.deleteProject, request, reply, async (call, { params }) =>
      written(await this.commands.execute<DeleteProjectCommand, Written<Record<string, never>>>(new DeleteProjectCommand(call, params.project_id)), emptyWire),
    );
  }

  @GolemEndpoint(R.getProjectActions)
  getProjectActions(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.getProjectActions, request, reply, async (call, { params }) =>
      answer([...(await this.queries.execute<ProjectActionsQuery, readonly ProjectAction[]>(new ProjectActionsQuery(call.caller, params.project_id)))]),
    );
  }

  @GolemEndpoint(R.getProjectGrants)
  getProjectGrants(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.getProjectGrants, request, reply, async (call, { params }) =>
      answer((await this.queries.execute<ListGrantsQuery, readonly GrantView[]>(new ListGrantsQuery(call.caller, params.project_id))).map(grantWire)),
    );
  }

  @GolemEndpoint(R.createProjectGrant)
  createProjectGrant(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.createProjectGrant, request, reply, async (call, { params, body }) =>
      written(await this.commands.execute<CreateGrantCommand, Written<GrantView>>(new CreateGrantCommand(call, params.project_id, body)), grantWire),
    );
  }

  @GolemEndpoint(R.getProjectGrant)
  getProjectGrant(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.getProjectGrant, request, reply, async (call, { params }) =>
      answer(grantWire(await this.queries.execute<GetGrantQuery, GrantView>(new GetGrantQuery(call.caller, params.project_id, params.grant_id)))),
    );
  }

  @GolemEndpoint(R.deleteProjectGrant)
  deleteProjectGrant(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.pipeline.serve(R.deleteProjectGrant, request, reply, async (call, { params }) =>
      written(await this.commands.execute<DeleteGrantCommand, Written<Record<string, never>>>(new DeleteGrantCommand(call, params.project_id, params.grant_id)), emptyWire),
    );
  }
}

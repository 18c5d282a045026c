import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { ProjectAction } from '../actions';
import { type Caller, GOLEM_APPLICATION, type GolemApplication, type ProjectView } from '../golem.application';

/** The projects the caller sees, optionally by name (golem-api.md §3.4). */
export class ListProjectsQuery {
  constructor(
    readonly caller: Caller,
    readonly projectName: string | undefined,
  ) {}
}

@QueryHandler(ListProjectsQuery)
export class ListProjectsHandler implements IQueryHandler<ListProjectsQuery, readonly ProjectView[]> {
  constructor(@Inject(GOLEM_APPLICATION) private readonly golem: GolemApplication) {}

  execute(query: ListProjectsQuery): Promise<readonly ProjectView[]> {
    return this.golem.listProjects(query.caller, query.projectName);
  }
}

/** One project (golem-api.md §3.4). */
export class GetProjectQuery {
  constructor(
    readonly caller: Caller,
    readonly projectId: string,
  ) {}
}

@QueryHandler(GetProjectQuery)
export class GetProjectHandler implements IQueryHandler<GetProjectQuery, ProjectView> {
  constructor(@Inject(GOLEM_APPLICATION) private readonly golem: GolemApplication) {}

  execute(query: GetProjectQuery): Promise<ProjectView> {
    return this.golem.getProject(query.caller, query.projectId);
  }
}

/** The caller's effective actions on a project, vocabulary order (golem-api.md §3.4). */
export class ProjectActionsQuery {
  constructor(
    readonly caller: Caller,
    readonly projectId: string,
  ) {}
}

@QueryHandler(ProjectActionsQuery)
export class ProjectActionsHandler implements IQueryHandler<ProjectActionsQuery, readonly ProjectAction[]> {
  constructor(@Inject(GOLEM_APPLICATION) private readonly golem: GolemApplication) {}

  execute(query: ProjectActionsQuery): Promise<readonly ProjectAction[]> {
    return this.golem.projectActions(query.caller, query.projectId);
  }
}

import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { notFound } from '../../kernel/domain-error';
import { type Filter, READ_STORE, type ReadStore } from '../../kernel/read-store.port';
import { type ListPage, type ListWindow, listPage } from '../../platform/list';
import { physicalCollection, projectionKey } from '../../projections/projection';
import { PROJECTS, PROJECT_ROLES, type ProjectDoc, type ProjectRoleDoc, projectsProjection } from './projects.projection';

/** A project of the acting org (GetProjectByID). */
export class GetProjectByIdQuery {
  constructor(
    readonly actingOrg: string,
    readonly projectId: string,
  ) {}
}

@QueryHandler(GetProjectByIdQuery)
export class GetProjectByIdHandler implements IQueryHandler<GetProjectByIdQuery, ProjectDoc> {
  private readonly collection = physicalCollection(projectsProjection, PROJECTS);

  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async execute(query: GetProjectByIdQuery): Promise<ProjectDoc> {
    const project = (await this.readStore.get(this.collection, query.projectId)) as ProjectDoc | null;
    if (project === null || project.resourceOwner !== query.actingOrg) throw notFound('QUERY-fk2fs', 'Project not found');
    return project;
  }
}

/** Roles of a project of the acting org (ListProjectRoles); `filter` holds the request's queries. */
export class ListProjectRolesQuery {
  constructor(
    readonly actingOrg: string,
    readonly projectId: string,
    readonly window: ListWindow,
    readonly filter: Filter,
  ) {}
}

@QueryHandler(ListProjectRolesQuery)
export class ListProjectRolesHandler implements IQueryHandler<ListProjectRolesQuery, ListPage<ProjectRoleDoc>> {
  private readonly collection = physicalCollection(projectsProjection, PROJECT_ROLES);

  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async execute(query: ListProjectRolesQuery): Promise<ListPage<ProjectRoleDoc>> {
    return listPage<ProjectRoleDoc>(this.readStore, this.collection, projectionKey(projectsProjection), query.window, [
      { op: 'eq', field: 'projectId', value: query.projectId },
      { op: 'eq', field: 'resourceOwner', value: query.actingOrg },
      ...query.filter,
    ]);
  }
}

import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { notFound } from '../../kernel/domain-error';
import { type Filter, READ_STORE, type ReadStore } from '../../kernel/read-store.port';
import { type ListPage, type ListWindow, listPage } from '../../platform/list';
import { physicalCollection, projectionKey } from '../../projections/projection';
import { PROJECT_GRANTS, type ProjectGrantDoc, projectGrantsProjection } from './project-grants.projection';

/**
 * One project grant, seen by its project's owner or by the granted org (GetProjectGrantByID), or
 * through the granted-projects view (GetGrantedProjectByID), which differs only in its error id.
 */
export class GetProjectGrantByIdQuery {
  constructor(
    readonly actingOrg: string,
    readonly projectId: string,
    readonly grantId: string,
    readonly view: 'project-grant' | 'granted-project',
  ) {}
}

@QueryHandler(GetProjectGrantByIdQuery)
export class GetProjectGrantByIdHandler implements IQueryHandler<GetProjectGrantByIdQuery, ProjectGrantDoc> {
  private readonly collection = physicalCollection(projectGrantsProjection, PROJECT_GRANTS);

  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async execute(query: GetProjectGrantByIdQuery): Promise<ProjectGrantDoc> {
    const grant = (await this.readStore.get(this.collection, query.grantId)) as ProjectGrantDoc | null;
    if (grant === null || grant.projectId !== query.projectId) throw notFound('QUERY-n98GGs', 'Project grant not found');
    if (grant.projectOwnerId !== query.actingOrg && grant.grantedOrgId !== query.actingOrg) {
      throw notFound(query.view === 'project-grant' ? 'MANAG-d3g31' : 'MANAG-drt2a', 'Project grant not found');
    }
    return grant;
  }
}

/** A page of project grants; `filter` already holds the server-side filters and the request's queries. */
export class ListProjectGrantsQuery {
  constructor(
    readonly window: ListWindow,
    readonly filter: Filter,
  ) {}
}

@QueryHandler(ListProjectGrantsQuery)
export class ListProjectGrantsHandler implements IQueryHandler<ListProjectGrantsQuery, ListPage<ProjectGrantDoc>> {
  private readonly collection = physicalCollection(projectGrantsProjection, PROJECT_GRANTS);

  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async execute(query: ListProjectGrantsQuery): Promise<ListPage<ProjectGrantDoc>> {
    return listPage<ProjectGrantDoc>(this.readStore, this.collection, projectionKey(projectGrantsProjection), query.window, query.filter);
  }
}

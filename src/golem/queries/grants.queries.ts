import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { type Caller, GOLEM_APPLICATION, type GolemApplication, type GrantView } from '../golem.application';

/** A project's live grants (golem-api.md §3.5). */
export class ListGrantsQuery {
  constructor(
    readonly caller: Caller,
    readonly projectId: string,
  ) {}
}

@QueryHandler(ListGrantsQuery)
export class ListGrantsHandler implements IQueryHandler<ListGrantsQuery, readonly GrantView[]> {
  constructor(@Inject(GOLEM_APPLICATION) private readonly golem: GolemApplication) {}

  execute(query: ListGrantsQuery): Promise<readonly GrantView[]> {
    return this.golem.listGrants(query.caller, query.projectId);
  }
}

/** One project grant (golem-api.md §3.5). */
export class GetGrantQuery {
  constructor(
    readonly caller: Caller,
    readonly projectId: string,
    readonly grantId: string,
  ) {}
}

@QueryHandler(GetGrantQuery)
export class GetGrantHandler implements IQueryHandler<GetGrantQuery, GrantView> {
  constructor(@Inject(GOLEM_APPLICATION) private readonly golem: GolemApplication) {}

  execute(query: GetGrantQuery): Promise<GrantView> {
    return this.golem.getGrant(query.caller, query.projectId, query.grantId);
  }
}

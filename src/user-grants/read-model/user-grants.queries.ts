import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { notFound } from '../../kernel/domain-error';
import { type Filter, READ_STORE, type ReadStore } from '../../kernel/read-store.port';
import { type ListPage, type ListWindow, listPage } from '../../platform/list';
import { physicalCollection, projectionKey } from '../../projections/projection';
import { USER_GRANTS, type UserGrantDoc, userGrantsProjection } from './user-grants.projection';

/** One user grant of the acting org, addressed through its user (GetUserGrantByID). */
export class GetUserGrantByIdQuery {
  constructor(
    readonly actingOrg: string,
    readonly userId: string,
    readonly userGrantId: string,
  ) {}
}

@QueryHandler(GetUserGrantByIdQuery)
export class GetUserGrantByIdHandler implements IQueryHandler<GetUserGrantByIdQuery, UserGrantDoc> {
  private readonly collection = physicalCollection(userGrantsProjection, USER_GRANTS);

  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async execute(query: GetUserGrantByIdQuery): Promise<UserGrantDoc> {
    const grant = (await this.readStore.get(this.collection, query.userGrantId)) as UserGrantDoc | null;
    if (grant === null || grant.resourceOwner !== query.actingOrg || grant.userId !== query.userId) {
      throw notFound('QUERY-wIPkA', 'User grant not found');
    }
    return grant;
  }
}

/** A page of user grants; `filter` holds the owner filter and the request's queries. */
export class ListUserGrantsQuery {
  constructor(
    readonly window: ListWindow,
    readonly filter: Filter,
  ) {}
}

@QueryHandler(ListUserGrantsQuery)
export class ListUserGrantsHandler implements IQueryHandler<ListUserGrantsQuery, ListPage<UserGrantDoc>> {
  private readonly collection = physicalCollection(userGrantsProjection, USER_GRANTS);

  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async execute(query: ListUserGrantsQuery): Promise<ListPage<UserGrantDoc>> {
    return listPage<UserGrantDoc>(this.readStore, this.collection, projectionKey(userGrantsProjection), query.window, query.filter);
  }
}

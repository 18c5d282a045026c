import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { notFound } from '../../kernel/domain-error';
import { READ_STORE, type ReadStore } from '../../kernel/read-store.port';
import { physicalCollection } from '../../projections/projection';
import { USERS, type UserDoc, usersProjection } from './users.projection';

/** A user of the acting org (GetUserByID). */
export class GetUserByIdQuery {
  constructor(
    readonly actingOrg: string,
    readonly userId: string,
  ) {}
}

@QueryHandler(GetUserByIdQuery)
export class GetUserByIdHandler implements IQueryHandler<GetUserByIdQuery, UserDoc> {
  private readonly collection = physicalCollection(usersProjection, USERS);

  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async execute(query: GetUserByIdQuery): Promise<UserDoc> {
    const user = (await this.readStore.get(this.collection, query.userId)) as UserDoc | null;
    if (user === null || user.resourceOwner !== query.actingOrg) throw notFound('QUERY-Dfbg2', 'User could not be found');
    return user;
  }
}

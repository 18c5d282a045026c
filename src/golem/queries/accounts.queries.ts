import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { type AccountView, type Caller, GOLEM_APPLICATION, type GolemApplication, type TokenView } from '../golem.application';

/** One account (golem-api.md §3.2). */
export class GetAccountQuery {
  constructor(
    readonly caller: Caller,
    readonly accountId: string,
  ) {}
}

@QueryHandler(GetAccountQuery)
export class GetAccountHandler implements IQueryHandler<GetAccountQuery, AccountView> {
  constructor(@Inject(GOLEM_APPLICATION) private readonly golem: GolemApplication) {}

  execute(query: GetAccountQuery): Promise<AccountView> {
    return this.golem.getAccount(query.caller, query.accountId);
  }
}

/** An account's live tokens (golem-api.md §3.3). */
export class ListTokensQuery {
  constructor(
    readonly caller: Caller,
    readonly accountId: string,
  ) {}
}

@QueryHandler(ListTokensQuery)
export class ListTokensHandler implements IQueryHandler<ListTokensQuery, readonly TokenView[]> {
  constructor(@Inject(GOLEM_APPLICATION) private readonly golem: GolemApplication) {}

  execute(query: ListTokensQuery): Promise<readonly TokenView[]> {
    return this.golem.listTokens(query.caller, query.accountId);
  }
}

/** One of an account's tokens (golem-api.md §3.3). */
export class GetTokenQuery {
  constructor(
    readonly caller: Caller,
    readonly accountId: string,
    readonly tokenId: string,
  ) {}
}

@QueryHandler(GetTokenQuery)
export class GetTokenHandler implements IQueryHandler<GetTokenQuery, TokenView> {
  constructor(@Inject(GOLEM_APPLICATION) private readonly golem: GolemApplication) {}

  execute(query: GetTokenQuery): Promise<TokenView> {
    return this.golem.getToken(query.caller, query.accountId, query.tokenId);
  }
}

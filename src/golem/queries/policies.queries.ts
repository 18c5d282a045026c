import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { type Caller, GOLEM_APPLICATION, type GolemApplication, type PolicyView } from '../golem.application';

/** One project policy (golem-api.md §3.6). */
export class GetPolicyQuery {
  constructor(
    readonly caller: Caller,
    readonly policyId: string,
  ) {}
}

@QueryHandler(GetPolicyQuery)
export class GetPolicyHandler implements IQueryHandler<GetPolicyQuery, PolicyView> {
  constructor(@Inject(GOLEM_APPLICATION) private readonly golem: GolemApplication) {}

  execute(query: GetPolicyQuery): Promise<PolicyView> {
    return this.golem.getPolicy(query.caller, query.policyId);
  }
}

import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { notFound } from '../../kernel/domain-error';
import { READ_STORE, type ReadStore } from '../../kernel/read-store.port';
import { physicalCollection } from '../../projections/projection';
import { ORGS, type OrgDoc, orgsProjection } from './orgs.projection';

/** The acting org (GetMyOrg). */
export class GetOrgByIdQuery {
  constructor(readonly orgId: string) {}
}

@QueryHandler(GetOrgByIdQuery)
export class GetOrgByIdHandler implements IQueryHandler<GetOrgByIdQuery, OrgDoc> {
  private readonly collection = physicalCollection(orgsProjection, ORGS);

  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async execute(query: GetOrgByIdQuery): Promise<OrgDoc> {
    const org = (await this.readStore.get(this.collection, query.orgId)) as OrgDoc | null;
    if (org === null) throw notFound('QUERY-iTTGJ', 'Organisation not found');
    return org;
  }
}

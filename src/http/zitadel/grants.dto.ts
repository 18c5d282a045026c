import { ProtoString, ProtoStringList } from './proto-validation';

const ROLE_KEYS = { maxItems: 1000, item: { min: 1, max: 200 } } as const;

export class AddProjectGrantRequest {
  @ProtoString({ min: 1, max: 200 })
  grantedOrgId!: string;

  @ProtoStringList(ROLE_KEYS)
  roleKeys?: string[] | null;
}

export class AddUserGrantRequest {
  @ProtoString({ min: 1, max: 200 })
  projectId!: string;

  @ProtoString({ max: 200 })
  projectGrantId?: string | null;

  @ProtoStringList(ROLE_KEYS)
  roleKeys?: string[] | null;
}

import { ListQuery, ListQueryField, MessageField, QueriesField, TextMethod } from './common.dto';
import { ProtoBool, ProtoEnum, ProtoString, ProtoStringList } from './proto-validation';

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

export class UpdateProjectGrantRequest {
  @ProtoStringList(ROLE_KEYS)
  roleKeys?: string[] | null;
}

export class UpdateUserGrantRequest {
  @ProtoStringList(ROLE_KEYS)
  roleKeys?: string[] | null;
}

export class BulkRemoveUserGrantRequest {
  /** The JSON key is singular, as ZITADEL's. */
  @ProtoStringList(ROLE_KEYS)
  grantId?: string[] | null;
}

/** `{}` bodies of the state transitions: decoded for the JSON rules, fields ignored. */
export class EmptyRequest {}

export class ProjectNameQuery {
  @ProtoString({ max: 200 })
  name?: string | null;

  @TextMethod()
  method?: unknown;
}

export class GrantRoleKeyQuery {
  @ProtoString({ max: 200 })
  roleKey?: string | null;

  /** Accepted and ignored: role keys always match exactly (as ZITADEL). */
  @TextMethod()
  method?: unknown;
}

export class ProjectIdQuery {
  @ProtoString({ max: 200 })
  projectId?: string | null;
}

export class GrantedOrgIdQuery {
  @ProtoString({ max: 200 })
  grantedOrgId?: string | null;
}

export class ProjectResourceOwnerQuery {
  @ProtoString({ max: 200 })
  resourceOwner?: string | null;
}

export class ProjectGrantQuery {
  @MessageField(() => ProjectNameQuery)
  projectNameQuery?: ProjectNameQuery | null;

  @MessageField(() => GrantRoleKeyQuery)
  roleKeyQuery?: GrantRoleKeyQuery | null;
}

export class AllProjectGrantQuery extends ProjectGrantQuery {
  @MessageField(() => ProjectIdQuery)
  projectIdQuery?: ProjectIdQuery | null;

  @MessageField(() => GrantedOrgIdQuery)
  grantedOrgIdQuery?: GrantedOrgIdQuery | null;
}

export class GrantedProjectQuery {
  @MessageField(() => ProjectNameQuery)
  nameQuery?: ProjectNameQuery | null;

  @MessageField(() => ProjectResourceOwnerQuery)
  projectResourceOwnerQuery?: ProjectResourceOwnerQuery | null;
}

export class ListProjectGrantsRequest {
  @ListQueryField()
  query?: ListQuery | null;

  @QueriesField(() => ProjectGrantQuery)
  queries?: ProjectGrantQuery[] | null;
}

export class ListAllProjectGrantsRequest {
  @ListQueryField()
  query?: ListQuery | null;

  @QueriesField(() => AllProjectGrantQuery)
  queries?: AllProjectGrantQuery[] | null;
}

export class ListGrantedProjectsRequest {
  @ListQueryField()
  query?: ListQuery | null;

  @QueriesField(() => GrantedProjectQuery)
  queries?: GrantedProjectQuery[] | null;
}

/** A text query on one field of a user grant (`userName`, `email`, …). */
function textQuery(field: string) {
  class TextQuery {
    @TextMethod()
    method?: unknown;
  }
  ProtoString({ max: 200 })(TextQuery.prototype, field);
  Object.defineProperty(TextQuery, 'name', { value: `${field}Query` });
  return TextQuery;
}

export const UserNameQuery = textQuery('userName');
export const FirstNameQuery = textQuery('firstName');
export const LastNameQuery = textQuery('lastName');
export const EmailQuery = textQuery('email');
export const OrgNameQuery = textQuery('orgName');
export const OrgDomainQuery = textQuery('orgDomain');
export const UserGrantProjectNameQuery = textQuery('projectName');
export const DisplayNameQuery = textQuery('displayName');

export class UserIdQuery {
  @ProtoString({ max: 200 })
  userId?: string | null;
}

export class ProjectGrantIdQuery {
  @ProtoString({ max: 200 })
  projectGrantId?: string | null;
}

export class WithGrantedQuery {
  @ProtoBool()
  withGranted?: boolean | null;
}

export const USER_TYPE = { TYPE_UNSPECIFIED: 0, TYPE_HUMAN: 1, TYPE_MACHINE: 2 } as const;

export class UserTypeQuery {
  @ProtoEnum(USER_TYPE)
  type?: unknown;
}

export class InUserIdsQuery {
  @ProtoStringList({ maxItems: 1000, item: { max: 200 } })
  inUserIds?: string[] | null;
}

/** Every query type of ListUserGrants (zitadel-api.md §2.4). */
export class UserGrantQuery {
  @MessageField(() => ProjectIdQuery) projectIdQuery?: ProjectIdQuery | null;
  @MessageField(() => UserIdQuery) userIdQuery?: UserIdQuery | null;
  @MessageField(() => WithGrantedQuery) withGrantedQuery?: WithGrantedQuery | null;
  @MessageField(() => GrantRoleKeyQuery) roleKeyQuery?: GrantRoleKeyQuery | null;
  @MessageField(() => ProjectGrantIdQuery) projectGrantIdQuery?: ProjectGrantIdQuery | null;
  @MessageField(() => UserNameQuery) userNameQuery?: Record<string, unknown> | null;
  @MessageField(() => FirstNameQuery) firstNameQuery?: Record<string, unknown> | null;
  @MessageField(() => LastNameQuery) lastNameQuery?: Record<string, unknown> | null;
  @MessageField(() => EmailQuery) emailQuery?: Record<string, unknown> | null;
  @MessageField(() => OrgNameQuery) orgNameQuery?: Record<string, unknown> | null;
  @MessageField(() => OrgDomainQuery) orgDomainQuery?: Record<string, unknown> | null;
  @MessageField(() => UserGrantProjectNameQuery) projectNameQuery?: Record<string, unknown> | null;
  @MessageField(() => DisplayNameQuery) displayNameQuery?: Record<string, unknown> | null;
  @MessageField(() => UserTypeQuery) userTypeQuery?: UserTypeQuery | null;
  @MessageField(() => InUserIdsQuery) inUserIdsQuery?: InUserIdsQuery | null;
}

export class ListUserGrantsRequest {
  @ListQueryField()
  query?: ListQuery | null;

  @QueriesField(() => UserGrantQuery)
  queries?: UserGrantQuery[] | null;
}

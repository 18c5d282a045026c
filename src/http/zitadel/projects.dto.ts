import { ListQuery, ListQueryField, MessageField, QueriesField, TextMethod } from './common.dto';
import { ProtoBool, ProtoEnum, ProtoMessageList, ProtoString } from './proto-validation';

export const PRIVATE_LABELING_SETTING = {
  PRIVATE_LABELING_SETTING_UNSPECIFIED: 0,
  PRIVATE_LABELING_SETTING_ENFORCE_PROJECT_RESOURCE_OWNER_POLICY: 1,
  PRIVATE_LABELING_SETTING_ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY: 2,
} as const;

export class AddProjectRequest {
  @ProtoString({ min: 1, max: 200 })
  name!: string;

  @ProtoBool()
  projectRoleAssertion?: boolean | null;

  @ProtoBool()
  projectRoleCheck?: boolean | null;

  @ProtoBool()
  hasProjectCheck?: boolean | null;

  @ProtoEnum(PRIVATE_LABELING_SETTING)
  privateLabelingSetting?: unknown;

  @ProtoMessageList({ maxItems: 1000 })
  admins?: unknown[] | null;
}

export class AddProjectRoleRequest {
  @ProtoString({ min: 1, max: 200 })
  roleKey!: string;

  @ProtoString({ min: 1, max: 200 })
  displayName!: string;

  @ProtoString({ max: 200 })
  group?: string | null;
}

export class BulkRole {
  @ProtoString({ min: 1, max: 200 })
  key!: string;

  @ProtoString({ min: 1, max: 200 })
  displayName!: string;

  @ProtoString({ max: 200 })
  group?: string | null;
}

export class BulkAddProjectRolesRequest {
  @QueriesField(() => BulkRole)
  roles?: BulkRole[] | null;
}

export class RoleKeyQuery {
  @ProtoString({ max: 200 })
  key?: string | null;

  @TextMethod()
  method?: unknown;
}

export class RoleDisplayNameQuery {
  @ProtoString({ max: 200 })
  displayName?: string | null;

  @TextMethod()
  method?: unknown;
}

export class RoleQuery {
  @MessageField(() => RoleKeyQuery)
  keyQuery?: RoleKeyQuery | null;

  @MessageField(() => RoleDisplayNameQuery)
  displayNameQuery?: RoleDisplayNameQuery | null;
}

export class ListProjectRolesRequest {
  @ListQueryField()
  query?: ListQuery | null;

  @QueriesField(() => RoleQuery)
  queries?: RoleQuery[] | null;
}

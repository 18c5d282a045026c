import { Type } from 'class-transformer';
import { ValidateNested } from 'class-validator';
import { ListQuery, ListQueryField, MessageField, QueriesField, TextMethod } from './common.dto';
import { ProtoBool, ProtoEnum, ProtoMessageList, ProtoString, ProtoStringList } from './proto-validation';

/** A repeated message field of `element`s, at most `maxItems` (every list: 1000 unless smaller). */
function MessageListField(element: () => new () => object, maxItems = 1000): PropertyDecorator {
  return (target, key) => {
    ProtoMessageList({ maxItems })(target, key);
    ValidateNested({ each: true })(target, key);
    Type(element)(target, key);
  };
}

/** An entry of `AddProject.admins`: type-checked like every known field, though not yet supported. */
export class ProjectAdmin {
  @ProtoString({ min: 1, max: 200 })
  userId!: string;

  @ProtoStringList({ maxItems: 1000, item: { max: 200 } })
  roles?: string[] | null;
}

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

  @MessageListField(() => ProjectAdmin)
  admins?: ProjectAdmin[] | null;
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
  @MessageListField(() => BulkRole)
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

export class UpdateProjectRoleRequest {
  @ProtoString({ min: 1, max: 200 })
  displayName!: string;

  @ProtoString({ max: 200 })
  group?: string | null;
}

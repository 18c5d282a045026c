import { MessageField } from './common.dto';
import { ProtoBool, ProtoEmail, ProtoEnum, ProtoString } from './proto-validation';
import { stringViolation } from './proto-validation';
import { registerDecorator } from 'class-validator';

export const GENDER = { GENDER_UNSPECIFIED: 0, GENDER_FEMALE: 1, GENDER_MALE: 2, GENDER_DIVERSE: 3 } as const;
export const ACCESS_TOKEN_TYPE = { ACCESS_TOKEN_TYPE_BEARER: 0, ACCESS_TOKEN_TYPE_JWT: 1 } as const;

export class HumanProfile {
  @ProtoString({ min: 1, max: 200 })
  firstName!: string;

  @ProtoString({ min: 1, max: 200 })
  lastName!: string;

  @ProtoString({ max: 200 })
  nickName?: string | null;

  @ProtoString({ max: 200 })
  displayName?: string | null;

  @ProtoString({ max: 10 })
  preferredLanguage?: string | null;

  @ProtoEnum(GENDER)
  gender?: unknown;
}

export class HumanEmail {
  @ProtoEmail({ min: 1, max: 200 })
  email!: string;

  @ProtoBool()
  isEmailVerified?: boolean | null;
}

/** A phone number: 1–50 characters starting with `+`. */
function ProtoPhone(): PropertyDecorator {
  return (target, key) =>
    registerDecorator({
      name: 'protoPhone',
      target: target.constructor,
      propertyName: String(key),
      validator: {
        validate: (value: unknown) => stringViolation(value, { min: 1, max: 50 }) === null && typeof value === 'string' && value.startsWith('+'),
        defaultMessage: (args) => `|${stringViolation(args?.value, { min: 1, max: 50 }) ?? 'value must start with +'}`,
      },
    });
}

export class HumanPhone {
  @ProtoPhone()
  phone!: string;

  @ProtoBool()
  isPhoneVerified?: boolean | null;
}

export class AddHumanUserRequest {
  @ProtoString({ min: 1, max: 200 })
  userName!: string;

  @MessageField(() => HumanProfile, { required: true })
  profile!: HumanProfile;

  @MessageField(() => HumanEmail, { required: true })
  email!: HumanEmail;

  @MessageField(() => HumanPhone)
  phone?: HumanPhone | null;

  /** Accepted for compatibility, never stored. */
  @ProtoString({ max: 200 })
  initialPassword?: string | null;
}

export class AddMachineUserRequest {
  @ProtoString({ min: 1, max: 200 })
  userName!: string;

  @ProtoString({ min: 1, max: 200 })
  name!: string;

  @ProtoString({ max: 500 })
  description?: string | null;

  @ProtoEnum(ACCESS_TOKEN_TYPE)
  accessTokenType?: unknown;

  /** Accepted for compatibility and ignored: the server chooses ids. */
  @ProtoString({ max: 200 })
  userId?: string | null;
}

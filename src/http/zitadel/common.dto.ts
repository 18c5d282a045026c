import { Type } from 'class-transformer';
import { ValidateNested } from 'class-validator';
import { invalidArgument } from '../../kernel/domain-error';
import { type ListWindow, MAX_PAGE, TEXT_QUERY_METHOD } from '../../platform/list';
import { ProtoBool, ProtoEnum, ProtoMessage, ProtoMessageList, ProtoUint, enumNumber, uintValue } from './proto-validation';

/** `query` of every list request: offset, limit (0 = 1000, more is rejected), asc. */
export class ListQuery {
  @ProtoUint()
  offset?: unknown;

  @ProtoUint({ max: MAX_PAGE })
  limit?: unknown;

  @ProtoBool()
  asc?: boolean | null;
}

/** Paging from a validated `query` field. */
export function listWindow(query: ListQuery | null | undefined): ListWindow {
  return {
    offset: uintValue(query?.offset) ?? 0,
    limit: uintValue(query?.limit) ?? 0,
    asc: query?.asc === true,
  };
}

/** Declares `query` on a list request. */
export function ListQueryField(): PropertyDecorator {
  return (target, key) => {
    ProtoMessage({ required: false })(target, key);
    ValidateNested()(target, key);
    Type(() => ListQuery)(target, key);
  };
}

/** Declares the `queries` list of a list request, each element of type `element`. */
export function QueriesField(element: () => new () => object): PropertyDecorator {
  return (target, key) => {
    ProtoMessageList({ maxItems: 100 })(target, key);
    ValidateNested({ each: true })(target, key);
    Type(element)(target, key);
  };
}

/** Declares a nested message field of type `type`. */
export function MessageField(type: () => new () => object, options: { readonly required: boolean } = { required: false }): PropertyDecorator {
  return (target, key) => {
    ProtoMessage(options)(target, key);
    ValidateNested()(target, key);
    Type(type)(target, key);
  };
}

export const TextMethod = () => ProtoEnum(TEXT_QUERY_METHOD);

export function textMethod(value: unknown): number {
  return enumNumber(TEXT_QUERY_METHOD, value);
}

/**
 * The single known query an element of `queries` sets; an element with none or several fails
 * with the list's error id.
 */
export function onlyQuery<K extends string>(element: object, keys: readonly K[], errorId: string): K {
  const set = keys.filter((key) => {
    const value = (element as Record<string, unknown>)[key];
    return value !== undefined && value !== null;
  });
  const only = set[0];
  if (set.length !== 1 || only === undefined) {
    throw invalidArgument(errorId, 'List query is invalid: every element of queries must set exactly one known query');
  }
  return only;
}

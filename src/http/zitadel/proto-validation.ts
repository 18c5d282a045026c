import { type ValidationArguments, type ValidationOptions, registerDecorator } from 'class-validator';

/**
 * class-validator decorators with protobuf semantics and PGV-style messages, as ZITADEL's gateway
 * answers them. A message is `<path suffix>|<rule>`; the body decoder prefixes
 * `invalid <Request>.<field>` (the suffix carries a list index, e.g. `[2]`).
 */

const codePoints = (value: string) => [...value].length;

interface StringRule {
  readonly min?: number;
  readonly max: number;
}

/** Why `value` is not a valid proto string with these limits, or null. */
export function stringViolation(value: unknown, rule: StringRule): string | null {
  if (value === undefined || value === null) return (rule.min ?? 0) > 0 ? lengthRule(rule) : null;
  if (typeof value !== 'string') return 'value must be a string';
  const length = codePoints(value);
  if (length < (rule.min ?? 0) || length > rule.max) return lengthRule(rule);
  if ((rule.min ?? 0) > 0 && value.trim() === '') return 'value must not be blank';
  return null;
}

function lengthRule(rule: StringRule): string {
  return (rule.min ?? 0) > 0
    ? `value length must be between ${rule.min} and ${rule.max} runes, inclusive`
    : `value length must be at most ${rule.max} runes`;
}

function decorator(name: string, check: (value: unknown) => string | null, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    const messages = new WeakMap<object, string>();
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          const violation = check(value);
          if (violation !== null) messages.set(args.object, violation);
          return violation === null;
        },
        defaultMessage(args: ValidationArguments) {
          const violation = messages.get(args.object) ?? 'value is invalid';
          return violation.includes('|') ? violation : `|${violation}`;
        },
      },
    });
  };
}

/** A proto `string`: `min` > 0 makes it required (non-empty and non-blank). */
export function ProtoString(rule: StringRule): PropertyDecorator {
  return decorator('protoString', (value) => stringViolation(value, rule));
}

/** A `repeated string` (null = empty) with item limits. */
export function ProtoStringList(rule: { readonly maxItems: number; readonly item: StringRule }): PropertyDecorator {
  return decorator('protoStringList', (value) => {
    if (value === undefined || value === null) return null;
    if (!Array.isArray(value)) return 'value must be a list';
    if (value.length > rule.maxItems) return `value must contain no more than ${rule.maxItems} item(s)`;
    for (const [index, item] of value.entries()) {
      const violation = stringViolation(item, { min: rule.item.min ?? 0, max: rule.item.max });
      if (violation !== null) return `[${index}]|${violation}`;
    }
    return null;
  });
}

/** A proto `bool`. */
export function ProtoBool(): PropertyDecorator {
  return decorator('protoBool', (value) =>
    value === undefined || value === null || typeof value === 'boolean' ? null : 'value must be a boolean',
  );
}

/** A proto enum: a defined name or a defined number. */
export function ProtoEnum(values: Readonly<Record<string, number>>): PropertyDecorator {
  const numbers = new Set(Object.values(values));
  return decorator('protoEnum', (value) => {
    if (value === undefined || value === null) return null;
    if (typeof value === 'string' && Object.hasOwn(values, value)) return null;
    if (typeof value === 'number' && numbers.has(value)) return null;
    return 'value must be one of the defined enum values';
  });
}

/** The number of an enum field given by name or number; 0 when absent. */
export function enumNumber(values: Readonly<Record<string, number>>, value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return values[value] ?? 0;
  return 0;
}

/** A proto message field: an object (null = absent); `required` rejects absence. */
export function ProtoMessage(options: { readonly required: boolean }): PropertyDecorator {
  return decorator('protoMessage', (value) => {
    if (value === undefined || value === null) return options.required ? 'value is required' : null;
    if (typeof value !== 'object' || Array.isArray(value)) return 'value must be an object';
    return null;
  });
}

/** A proto `uint32`/`uint64`: a non-negative integer as number or decimal string. */
export function ProtoUint(rule: { readonly max?: number } = {}): PropertyDecorator {
  return decorator('protoUint', (value) => {
    if (value === undefined || value === null) return null;
    const number = uintValue(value);
    if (number === null) return 'value must be a non-negative integer';
    if (rule.max !== undefined && number > rule.max) return `value must be less than or equal to ${rule.max}`;
    return null;
  });
}

/** Parses a proto unsigned integer; null when it is not one. */
export function uintValue(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  return null;
}

/** A string that must look like an e-mail address (one @, something on each side, no spaces). */
export function ProtoEmail(rule: StringRule): PropertyDecorator {
  return decorator('protoEmail', (value) => {
    const violation = stringViolation(value, rule);
    if (violation !== null) return violation;
    return typeof value === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) ? null : 'value must be a valid email address';
  });
}

/** A `repeated` message field (null = empty): an array of objects, at most `maxItems`. */
export function ProtoMessageList(rule: { readonly maxItems: number }): PropertyDecorator {
  return decorator('protoMessageList', (value) => {
    if (value === undefined || value === null) return null;
    if (!Array.isArray(value)) return 'value must be a list';
    if (value.length > rule.maxItems) return `value must contain no more than ${rule.maxItems} item(s)`;
    for (const [index, item] of value.entries()) {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) return `[${index}]|value must be an object`;
    }
    return null;
  });
}

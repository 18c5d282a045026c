import { type ProjectAction, actionSet, isProjectAction } from '../../golem/actions';

/**
 * Syntax validation of the Golem dialect (golem-api.md §1.4): a small declarative validator
 * rather than class-validator. The contract needs every problem listed as `<location>: <problem>`
 * in schema order (unknown keys included), `null` read as absent for optional fields but as
 * missing for required ones, lengths in code points, and exact problem texts. class-validator
 * reports per-decorator constraint maps in decorator order, has its own whitelist texts, and would
 * need a custom decorator for nearly every rule here; it would add more code than it saves.
 */

/** Largest number of items an action array may hold (§1.3). */
export const MAX_ACTIONS = 100;

export type StringFormat = 'uuid' | 'email';

export interface StringRule<O extends boolean = boolean> {
  readonly kind: 'string';
  readonly optional: O;
  /** In Unicode code points. */
  readonly max: number;
  readonly format?: StringFormat;
}

/** An RFC 3339 date-time with any offset, read as a Date. */
export interface InstantRule<O extends boolean = boolean> {
  readonly kind: 'instant';
  readonly optional: O;
}

/** An action array: ≤ 100 strings of the vocabulary, read as a set in vocabulary order (§1.3). */
export interface ActionsRule<O extends boolean = boolean> {
  readonly kind: 'actions';
  readonly optional: O;
}

export interface ObjectRule<F extends Fields = Fields, O extends boolean = boolean> {
  readonly kind: 'object';
  readonly optional: O;
  readonly fields: F;
}

export type Rule = StringRule | InstantRule | ActionsRule | ObjectRule;

/** A JSON object's schema; key order is the order problems are reported in. */
export interface Fields {
  readonly [name: string]: Rule;
}

type ValueOf<R> =
  R extends StringRule ? string : R extends InstantRule ? Date : R extends ActionsRule ? ProjectAction[] : R extends ObjectRule<infer F> ? Shape<F> : never;

/** The value a schema reads into: optional fields are absent (never `null`) when not given. */
export type Shape<F extends Fields> = {
  readonly [K in keyof F as F[K]['optional'] extends true ? never : K]: ValueOf<F[K]>;
} & {
  readonly [K in keyof F as F[K]['optional'] extends true ? K : never]?: ValueOf<F[K]>;
};

interface Optionality<O extends boolean> {
  readonly optional?: O;
}

export function text<O extends boolean = false>(max: number, options: Optionality<O> & { readonly format?: StringFormat } = {}): StringRule<O> {
  const rule = { kind: 'string', optional: options.optional ?? false, max } as StringRule<O>;
  return options.format === undefined ? rule : { ...rule, format: options.format };
}

/** A canonical UUID, read in lower case; any other text is `must be a UUID`, whatever its length. */
export function uuid<O extends boolean = false>(options: Optionality<O> = {}): StringRule<O> {
  return { kind: 'string', optional: (options.optional ?? false) as O, max: Number.POSITIVE_INFINITY, format: 'uuid' };
}

export function instant<O extends boolean = false>(options: Optionality<O> = {}): InstantRule<O> {
  return { kind: 'instant', optional: (options.optional ?? false) as O };
}

export function actions<O extends boolean = false>(options: Optionality<O> = {}): ActionsRule<O> {
  return { kind: 'actions', optional: (options.optional ?? false) as O };
}

export function object<F extends Fields, O extends boolean = false>(fields: F, options: Optionality<O> = {}): ObjectRule<F, O> {
  return { kind: 'object', optional: (options.optional ?? false) as O, fields };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Canonical 8-4-4-4-12 hex, either case (§1.1). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** `local@domain`: one `@`, both parts non-empty, no whitespace (§1.3). */
export function isEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+$/u.test(value);
}

/** Length in Unicode code points; UTF-16 length is an upper bound, so short strings skip the count. */
export function codePoints(value: string, atLeast = Number.POSITIVE_INFINITY): number {
  if (value.length < atLeast) return value.length;
  let count = 0;
  for (const _ of value) count++;
  return count;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * RFC 3339 `date-time` (§5.6 of the RFC: `T`/`Z` in either case, any offset, any fraction) as an
 * instant. Fractions finer than milliseconds are truncated (§1.3). A leap second (`:60`) reads as
 * the following second, as JavaScript has none. Null when the text is not one.
 */
export function parseRfc3339(value: string): Date | null {
  const match = RFC3339.exec(value);
  if (match === null) return null;
  const [, y, mo, d, h, mi, s, fraction, sign, oh, om] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 60) return null;
  let offsetMinutes = 0;
  if (sign !== undefined) {
    const offsetHours = Number(oh);
    const offsetRest = Number(om);
    if (offsetHours > 23 || offsetRest > 59) return null;
    offsetMinutes = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetRest);
  }
  const millis = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute - offsetMinutes, second, millis);
  return Number.isNaN(date.getTime()) ? null : date;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Records a problem; returns undefined, the value of a field that failed. */
function fail(problems: string[], location: string, problem: string): undefined {
  problems.push(`${location}: ${problem}`);
  return undefined;
}

const hasOwn = (value: object, key: string): boolean => Object.prototype.hasOwnProperty.call(value, key);

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a JSON object against `fields`, appending every problem to `problems` (schema order, then
 * unknown keys in the order given). `prefix` is the object's own location plus `.`, or '' at the
 * top. The result is only meaningful when no problem was added.
 */
export function readObject<F extends Fields>(value: Record<string, unknown>, fields: F, prefix: string, problems: string[]): Shape<F> {
  const out: Record<string, unknown> = {};
  for (const [name, rule] of Object.entries(fields)) {
    const read = readField(rule, hasOwn(value, name) ? value[name] : undefined, `${prefix}${name}`, problems);
    if (read !== undefined) out[name] = read;
  }
  for (const key of Object.keys(value)) {
    if (!hasOwn(fields, key)) problems.push(`${prefix}${key}: unknown field`);
  }
  return out as Shape<F>;
}

function readField(rule: Rule, value: unknown, location: string, problems: string[]): unknown {
  // `null` is the field's absence (§1.3).
  if (value === undefined || value === null) {
    if (!rule.optional) problems.push(`${location}: is required`);
    return undefined;
  }
  switch (rule.kind) {
    case 'string':
      return readString(rule, value, location, problems);
    case 'instant': {
      if (typeof value !== 'string') return fail(problems, location, 'must be a string');
      const date = parseRfc3339(value);
      if (date === null) return fail(problems, location, 'must be an RFC 3339 date-time');
      return date;
    }
    case 'actions':
      return readActions(value, location, problems);
    case 'object':
      if (!isJsonObject(value)) return fail(problems, location, 'must be an object');
      return readObject(value, rule.fields, `${location}.`, problems);
    default: {
      const unknownRule: never = rule;
      throw new Error(`unknown rule ${JSON.stringify(unknownRule)}`);
    }
  }
}

/** One problem per string at most: type, then length, then format. */
function readString(rule: StringRule, value: unknown, location: string, problems: string[]): string | undefined {
  if (typeof value !== 'string') return fail(problems, location, 'must be a string');
  if (codePoints(value, rule.max + 1) > rule.max) return fail(problems, location, `must be at most ${rule.max} characters`);
  if (rule.format === 'uuid') {
    if (!isUuid(value)) return fail(problems, location, 'must be a UUID');
    return value.toLowerCase();
  }
  if (rule.format === 'email' && !isEmail(value)) return fail(problems, location, 'must be a valid email address');
  return value;
}

/** The item count and every item are checked, so a long array with bad items reports both. */
function readActions(value: unknown, location: string, problems: string[]): ProjectAction[] | undefined {
  if (!Array.isArray(value)) return fail(problems, location, 'must be an array');
  const before = problems.length;
  if (value.length > MAX_ACTIONS) problems.push(`${location}: must have at most ${MAX_ACTIONS} items`);
  const read: ProjectAction[] = [];
  value.forEach((item: unknown, index) => {
    if (typeof item !== 'string') problems.push(`${location}[${index}]: must be a string`);
    else if (!isProjectAction(item)) problems.push(`${location}[${index}]: unknown action \`${item}\``);
    else read.push(item);
  });
  return problems.length === before ? actionSet(read) : undefined;
}

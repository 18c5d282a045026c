import { type ClassConstructor, plainToInstance } from 'class-transformer';
import { type ValidationError, validateSync } from 'class-validator';
import { DomainError, invalidArgument } from '../../kernel/domain-error';
import { BODY_TOO_LARGE } from '../request-state';

/** Largest body the dialect accepts. */
export const MAX_BODY_BYTES = 1024 * 1024;

const invalidJson = () => invalidArgument('GRANTLINE-InvalidJson', 'The request body is not a valid JSON object');

/**
 * Decodes a request body as grpc-gateway does: one JSON object (empty body = `{}`), field names
 * in camelCase or snake_case, unknown fields ignored, known fields type-checked strictly. The
 * first violation answers 400 `GRANTLINE-InvalidField` with a PGV-style message.
 */
export function decodeBody<T extends object>(requestType: ClassConstructor<T>, raw: unknown): T {
  if (raw === BODY_TOO_LARGE) throw invalidArgument('GRANTLINE-BodyTooLarge', 'The request body is larger than 1 MiB');
  let parsed: unknown = {};
  if (typeof raw === 'string' && !/^[ \t\r\n]*$/.test(raw)) {
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw invalidJson();
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidJson();
  if (nestedDeeperThan(parsed, MAX_NESTING)) throw invalidJson();
  const instance = plainToInstance(requestType, camelCaseKeys(parsed));
  const errors = validateSync(instance, { forbidUnknownValues: false, stopAtFirstError: true });
  const first = errors[0];
  if (first !== undefined) throw fieldError(requestType.name, first, '');
  return instance;
}

/** Builds `invalid <Request>.<path>: <rule>` from the first (deepest) validation error. */
function fieldError(requestName: string, error: ValidationError, parentPath: string): DomainError {
  const path = /^\d+$/.test(error.property) ? `${parentPath}[${error.property}]` : `${parentPath}${parentPath === '' ? '' : '.'}${error.property}`;
  // Our proto rules carry a `|`; prefer them over class-validator's generic nested-object text.
  const messages = error.constraints === undefined ? [] : Object.values(error.constraints);
  const message = messages.find((text) => text.includes('|')) ?? messages[0];
  if (message === undefined) {
    const child = error.children?.[0];
    if (child !== undefined) return fieldError(requestName, child, path);
    return invalidField(`invalid ${requestName}.${path}: value is invalid`);
  }
  const separator = message.indexOf('|');
  const suffix = separator < 0 ? '' : message.slice(0, separator);
  const rule = separator < 0 ? message : message.slice(separator + 1);
  return invalidField(`invalid ${requestName}.${path}${suffix}: ${rule}`);
}

function invalidField(message: string): DomainError {
  return invalidArgument('GRANTLINE-InvalidField', message);
}

/** Keys that would reach object prototypes; never fields of ours, so they are dropped. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Deepest JSON nesting a body may have. No request type comes near it; it keeps the recursive
 * decoding below from exhausting the stack (a deeper body would otherwise answer 500).
 */
const MAX_NESTING = 100;

/** True when `value` nests objects/arrays deeper than `limit` levels (checked without recursion). */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(current as Record<string, unknown>)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * snake_case keys become camelCase at every level; both spellings of one field are an error. A
 * field set to `null` is dropped: protojson reads `null` as the field's default (absent message,
 * empty list, zero scalar).
 */
export function camelCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelCaseKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    if (UNSAFE_KEYS.has(key)) continue;
    const camel = key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
    if (seen.has(camel)) throw invalidJson();
    seen.add(camel);
    if (field === null) continue;
    out[camel] = camelCaseKeys(field);
  }
  return out;
}

/** Path parameters: 1–200 characters. */
export function pathId(requestName: string, field: string, value: string | undefined): string {
  // UTF-16 length ≥ runes, so only a long value needs its runes counted (spreading builds an array).
  const length = value === undefined ? 0 : value.length <= 200 ? value.length : [...value].length;
  if (value === undefined || length < 1 || length > 200) {
    throw invalidField(`invalid ${requestName}.${field}: value length must be between 1 and 200 runes, inclusive`);
  }
  return value;
}

/** De-duplicates a list, keeping the first occurrence and the order. */
export function distinct(values: readonly string[] | null | undefined): string[] {
  return [...new Set(values ?? [])];
}

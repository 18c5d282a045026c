import { PROJECT_ACTIONS } from '../../golem/actions';
import { PROJECT_GRANT_DATA_REQUEST, PROJECT_POLICY_DATA } from './golem.dto';
import { type Fields, actions, codePoints, instant, isEmail, isUuid, object, parseRfc3339, readObject, text, uuid } from './golem-validation';

function problemsOf(fields: Fields, value: Record<string, unknown>): string[] {
  const problems: string[] = [];
  readObject(value, fields, '', problems);
  return problems;
}

describe('isUuid (§1.1)', () => {
  it('accepts the canonical 8-4-4-4-12 hex form in either case, and nothing else', () => {
    expect(isUuid('01980a3c-7d52-7a41-9d0e-5f2b8c1e4a01')).toBe(true);
    expect(isUuid('01980A3C-7D52-7A41-9D0E-5F2B8C1E4A01')).toBe(true);
    for (const bad of ['', 'not-a-uuid', '01980a3c7d527a419d0e5f2b8c1e4a01', '{01980a3c-7d52-7a41-9d0e-5f2b8c1e4a01}', '01980a3c-7d52-7a41-9d0e-5f2b8c1e4a0g', ' 01980a3c-7d52-7a41-9d0e-5f2b8c1e4a01', '01980a3c-7d52-7a41-9d0e-5f2b8c1e4a01\n']) {
      expect(isUuid(bad)).toBe(false);
    }
  });
});

describe('isEmail (§1.3)', () => {
  it('is local@domain: one @, both parts non-empty, no whitespace', () => {
    for (const good of ['alice@example.com', 'a@b', 'x+y@localhost', 'ü@ß.de']) expect(isEmail(good)).toBe(true);
    for (const bad of ['', 'alice', '@example.com', 'alice@', 'a@b@c', 'a b@c', 'a@b c', 'a@b\t', '\u00a0a@b', 'a@\u2028b']) expect(isEmail(bad)).toBe(false);
  });
});

describe('codePoints', () => {
  it('counts Unicode code points, not UTF-16 units', () => {
    expect(codePoints('😀😀', 0)).toBe(2);
    expect(codePoints('abc', 0)).toBe(3);
  });
});

describe('parseRfc3339 (§1.3)', () => {
  it('reads any offset as the same instant, truncating below milliseconds', () => {
    expect(parseRfc3339('2100-01-01T00:00:00Z')?.toISOString()).toBe('2100-01-01T00:00:00.000Z');
    expect(parseRfc3339('2025-07-10T11:30:12.3456789+02:00')?.toISOString()).toBe('2025-07-10T09:30:12.345Z');
    expect(parseRfc3339('2025-07-10t04:00:12.9-05:30')?.toISOString()).toBe('2025-07-10T09:30:12.900Z');
    expect(parseRfc3339('2000-01-01T00:00:00-00:00')?.toISOString()).toBe('2000-01-01T00:00:00.000Z');
    expect(parseRfc3339('0050-02-28T00:00:00z')?.toISOString()).toBe('0050-02-28T00:00:00.000Z');
    expect(parseRfc3339('2024-02-29T23:59:59Z')?.toISOString()).toBe('2024-02-29T23:59:59.000Z');
  });

  it('refuses what is not an RFC 3339 date-time', () => {
    for (const bad of [
      '',
      'tomorrow',
      '2100-01-01',
      '2100-01-01T00:00:00',
      '2100-01-01 00:00:00Z',
      '2100-01-01T00:00Z',
      '2100-1-01T00:00:00Z',
      '2100-13-01T00:00:00Z',
      '2023-02-29T00:00:00Z',
      '2100-04-31T00:00:00Z',
      '2100-01-01T24:00:00Z',
      '2100-01-01T00:60:00Z',
      '2100-01-01T00:00:61Z',
      '2100-01-01T00:00:00+24:00',
      '2100-01-01T00:00:00+0100',
      '2100-01-01T00:00:00.Z',
      '1735689600',
    ]) {
      expect(parseRfc3339(bad)).toBeNull();
    }
  });
});

describe('readObject (§1.4)', () => {
  const schema = {
    name: text(5),
    email: text(10, { format: 'email' }),
    id: uuid({ optional: true }),
    when: instant({ optional: true }),
    nested: object({ list: actions() }, { optional: true }),
  };

  it('given a valid object, then the values read: UUIDs lower-cased, instants as Dates, actions as a set in vocabulary order; absent and null optionals are left out', () => {
    const problems: string[] = [];
    const read = readObject(
      { name: 'ab', email: 'a@b', id: '01980A3C-7D52-7A41-9D0E-5F2B8C1E4A01', when: null, nested: { list: ['ViewWorker', 'ViewComponent', 'ViewWorker'] } },
      schema,
      '',
      problems,
    );
    expect(problems).toEqual([]);
    expect(read).toEqual({ name: 'ab', email: 'a@b', id: '01980a3c-7d52-7a41-9d0e-5f2b8c1e4a01', nested: { list: ['ViewComponent', 'ViewWorker'] } });
    expect('when' in read).toBe(false);
  });

  it('given every kind of problem at once, then each is listed once per field, in schema order, unknown fields last in input order', () => {
    expect(problemsOf(schema, { zeta: 1, nested: { list: 'x', extra: true }, id: 'nope', email: 'no-at-sign', $where: '1', when: 'soon', name: null })).toEqual([
      'name: is required',
      'email: must be a valid email address',
      'id: must be a UUID',
      'when: must be an RFC 3339 date-time',
      'nested.list: must be an array',
      'nested.extra: unknown field',
      'zeta: unknown field',
      '$where: unknown field',
    ]);
  });

  it('given wrong JSON types, then must be a string / an array / an object', () => {
    expect(problemsOf(schema, { name: { $gt: '' }, email: 5, when: 0, nested: [] })).toEqual([
      'name: must be a string',
      'email: must be a string',
      'when: must be a string',
      'nested: must be an object',
    ]);
  });

  it('given lengths, then limits count code points; length is reported before format', () => {
    expect(problemsOf(schema, { name: '😀😀😀😀😀', email: 'x'.repeat(11) })).toEqual(['email: must be at most 10 characters']);
    expect(problemsOf(schema, { name: '😀😀😀😀😀😀', email: 'a@b' })).toEqual(['name: must be at most 5 characters']);
  });

  it('given a UUID field of any length that is no UUID, then must be a UUID', () => {
    expect(problemsOf({ id: uuid() }, { id: 'x'.repeat(300) })).toEqual(['id: must be a UUID']);
  });

  it('given keys that reach object prototypes, then they are unknown fields, never read', () => {
    expect(problemsOf({ name: text(5) }, JSON.parse('{"name":"a","__proto__":{"polluted":1},"constructor":"x"}') as Record<string, unknown>)).toEqual([
      '__proto__: unknown field',
      'constructor: unknown field',
    ]);
    expect(problemsOf({ name: text(5) }, JSON.parse('{"toString":"a"}') as Record<string, unknown>)).toEqual(['name: is required', 'toString: unknown field']);
  });
});

describe('action arrays (§1.3, §4)', () => {
  it('given unknown actions, then each is named with its index, ViewProject and BatchUpdatePluginInstallations included', () => {
    expect(problemsOf(PROJECT_POLICY_DATA, { name: 'x'.repeat(201), projectActions: { actions: ['ViewProject'] } })).toEqual([
      'name: must be at most 200 characters',
      'projectActions.actions[0]: unknown action `ViewProject`',
    ]);
    expect(problemsOf(PROJECT_GRANT_DATA_REQUEST, { projectActions: ['ViewComponent', 'BatchUpdatePluginInstallations', 7, null, 'viewcomponent'] })).toEqual([
      'projectActions[1]: unknown action `BatchUpdatePluginInstallations`',
      'projectActions[2]: must be a string',
      'projectActions[3]: must be a string',
      'projectActions[4]: unknown action `viewcomponent`',
    ]);
  });

  it('given more than 100 items, then must have at most 100 items; 100 are fine, and all 30 actions are accepted', () => {
    const hundred = Array.from({ length: 100 }, (_, index) => PROJECT_ACTIONS[index % 30]);
    expect(problemsOf(PROJECT_GRANT_DATA_REQUEST, { projectActions: hundred })).toEqual([]);
    expect(problemsOf(PROJECT_GRANT_DATA_REQUEST, { projectActions: [...hundred, 'ViewWorker'] })).toEqual(['projectActions: must have at most 100 items']);
    expect(problemsOf(PROJECT_POLICY_DATA, { name: '', projectActions: { actions: [...hundred, 'Foo'] } })).toEqual([
      'projectActions.actions: must have at most 100 items',
      'projectActions.actions[100]: unknown action `Foo`',
    ]);
  });

  it('given a policy without actions, then the nested field is required; projectActions null is required too', () => {
    expect(problemsOf(PROJECT_POLICY_DATA, { name: '', projectActions: {} })).toEqual(['projectActions.actions: is required']);
    expect(problemsOf(PROJECT_POLICY_DATA, { name: '', projectActions: null })).toEqual(['projectActions: is required']);
    expect(problemsOf(PROJECT_POLICY_DATA, { name: '', projectActions: { actions: [] } })).toEqual([]);
  });
});

import type { RecordedEvent } from '../../src/kernel/event';
import { PROJECTIONS } from '../../src/platform/platform';
import { projectionKey } from '../../src/projections/projection';
import { FAILED_EVENTS, type FailedEvent } from '../../src/projections/projection-runner';
import { type HttpAnswer, type TestApp, ZitadelClient, expectZitadelError, startTestApp } from '../support/app';

/** Black-box tests of the Admin API subset (zitadel-api.md §2.5; scenarios 4, 49, 50). */

const RFC3339_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const DIALECT_STREAM = /^(org|project|user|usergrant)-(.*)$/;
const PROJECTION_KEYS = PROJECTIONS.map(projectionKey);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Row {
  readonly type: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly sequence: string;
}

describe('ZITADEL Admin API: events and projections', () => {
  let service: TestApp;
  let client: ZitadelClient;
  let vendor: string;
  let customer: string;
  let project: string;
  let grant: string;
  let gigi: string;
  let userGrant: string;

  const search = (body: unknown, headers: Record<string, string> = {}) => client.call('POST', '/admin/v1/events/_search', { body, headers });
  const searchRaw = (rawBody: string) => client.call('POST', '/admin/v1/events/_search', { rawBody });

  /** The oracle: the dialect's events straight from the event store, oldest first. */
  async function dialectLog(): Promise<RecordedEvent[]> {
    return (await service.platform.eventStore.readAll()).filter((event) => DIALECT_STREAM.test(event.stream));
  }

  function row(event: RecordedEvent): Row {
    const match = DIALECT_STREAM.exec(event.stream);
    return { type: event.type, aggregateType: match?.[1] ?? '', aggregateId: match?.[2] ?? '', sequence: String(event.revision + 1) };
  }

  function rows(answer: HttpAnswer): Row[] {
    expect(answer.status).toBe(200);
    return ((answer.body.events ?? []) as any[]).map((event) => ({
      type: event.type.type,
      aggregateType: event.aggregate.type.type,
      aggregateId: event.aggregate.id,
      sequence: event.sequence,
    }));
  }

  /** Expected rows newest first (the default order) unless `asc`. */
  async function expected(predicate: (event: RecordedEvent) => boolean, asc = false): Promise<Row[]> {
    const selected = (await dialectLog()).filter(predicate).map(row);
    return asc ? selected : selected.reverse();
  }

  /** An RFC 3339 string `deltaNanos` after the event's createdAt (sub-millisecond digits allowed). */
  function shifted(event: RecordedEvent, deltaNanos: number): string {
    const ms = event.createdAt.getTime() + Math.floor(deltaNanos / 1e6);
    const nanos = ((deltaNanos % 1e6) + 1e6) % 1e6;
    const base = new Date(ms).toISOString().replace('Z', '');
    return `${base}${String(nanos).padStart(6, '0')}Z`;
  }

  beforeAll(async () => {
    service = await startTestApp();
    client = new ZitadelClient(service.baseUrl);
    // Pauses between steps give the steps distinct creation dates for the date filters.
    vendor = await client.addOrg('Vendor');
    await sleep(5);
    customer = await client.addOrg('Customer A');
    await sleep(5);
    project = await client.addProject(vendor, 'Portal', ['reader', 'writer']);
    await sleep(5);
    grant = await client.addProjectGrant(vendor, project, customer, ['reader', 'writer']);
    await sleep(5);
    gigi = await client.addHuman(customer, 'gigi');
    await sleep(5);
    userGrant = await client.addUserGrant(customer, gigi, { projectId: project, projectGrantId: grant, roleKeys: ['reader'] });
  });
  afterAll(async () => service.close());

  describe('authentication and acting org', () => {
    const endpoints: ReadonlyArray<readonly [string, string]> = [
      ['POST', '/admin/v1/events/_search'],
      ['POST', '/admin/v1/events/types/_search'],
      ['POST', '/admin/v1/aggregates/types/_search'],
      ['POST', '/admin/v1/views/_search'],
      ['POST', '/admin/v1/failedevents/_search'],
      ['DELETE', '/admin/v1/failedevents/embedded/projections.orgs1/1'],
    ];

    it.each(endpoints)('%s %s without a token → 401 GRANTLINE-NoToken, whatever the body', async (method, path) => {
      const answer = await new ZitadelClient(service.baseUrl, null).call(method, path, { rawBody: '{not json' });
      expectZitadelError(answer, 401, 16, 'GRANTLINE-NoToken');
    });

    it.each(endpoints)('%s %s with a wrong token → 401 AUTH-7fs1e', async (method, path) => {
      expectZitadelError(await new ZitadelClient(service.baseUrl, 'wrong-token').call(method, path, { body: {} }), 401, 16, 'AUTH-7fs1e');
    });

    it.each(endpoints)('scenario 4: %s %s with x-zitadel-orgid of no org → 403 AUTH-Bs7Ds', async (method, path) => {
      expectZitadelError(await client.call(method, path, { body: {}, org: 'no-such-org' }), 403, 7, 'AUTH-Bs7Ds');
    });

    it('instance-scoped: runs without x-zitadel-orgid, and with an existing org in it', async () => {
      expect((await search({})).status).toBe(200);
      expect((await client.call('POST', '/admin/v1/events/_search', { body: {}, org: customer })).status).toBe(200);
      expect((await client.call('POST', '/admin/v1/views/_search', { org: '' })).status).toBe(200);
    });

    it('wrong method → 405 GRANTLINE-NoMethod; unknown path → 404 GRANTLINE-NoRoute', async () => {
      expectZitadelError(await client.call('GET', '/admin/v1/events/_search'), 405, 12, 'GRANTLINE-NoMethod');
      expectZitadelError(await client.call('GET', '/admin/v1/failedevents/embedded/projections.orgs1/1'), 405, 12, 'GRANTLINE-NoMethod');
      expectZitadelError(await client.call('DELETE', '/admin/v1/failedevents/embedded/projections.orgs1'), 404, 5, 'GRANTLINE-NoRoute');
      expectZitadelError(await client.call('POST', '/admin/v1/events/_search/'), 404, 5, 'GRANTLINE-NoRoute');
    });
  });

  describe('ListEvents', () => {
    it("scenario 49: a project's events, oldest first, with payloads, editor and labels", async () => {
      const answer = await search({ aggregateTypes: ['project'], aggregateId: project, asc: true });
      expect(answer.status).toBe(200);
      const stream = await service.platform.eventStore.readStream(`project-${project}`);
      expect(stream.map((event) => event.type)).toEqual(['project.added', 'project.role.added', 'project.role.added', 'project.grant.added']);
      const events = answer.body.events as any[];
      expect(events.map((event) => event.sequence)).toEqual(['1', '2', '3', '4']);
      events.forEach((event, index) => {
        const stored = stream[index];
        expect(event).toEqual({
          editor: { userId: 'instance-admin', displayName: 'Instance administrator', service: 'zitadel' },
          aggregate: {
            id: project,
            type: { type: 'project', localized: { key: 'AggregateTypes.project', localizedMessage: 'Project' } },
            resourceOwner: vendor,
          },
          sequence: String(index + 1),
          creationDate: stored?.createdAt.toISOString(),
          payload: stored?.data,
          type: { type: stored?.type, localized: { key: `EventTypes.${stored?.type}`, localizedMessage: expect.any(String) } },
        });
        expect(event.creationDate).toMatch(RFC3339_MS);
      });
      expect(events[0].payload).toMatchObject({ name: 'Portal' });
      expect(events[0].type.localized.localizedMessage).toBe('Project created');
      expect(events[1].payload).toMatchObject({ key: 'reader', displayName: 'reader' });
      expect(events[1].type.localized.localizedMessage).toBe('Project role added');
      expect(events[3].payload).toEqual({ grantId: grant, grantedOrgId: customer, roleKeys: ['reader', 'writer'] });
      expect(events[3].type.localized).toEqual({ key: 'EventTypes.project.grant.added', localizedMessage: 'Management access added' });
    });

    it('user-grant events: aggregate type usergrant labelled "User grant", owned by the acting org', async () => {
      const answer = await search({ aggregateId: userGrant });
      expect(answer.body.events).toHaveLength(1);
      expect(answer.body.events[0]).toMatchObject({
        aggregate: { id: userGrant, type: { type: 'usergrant', localized: { key: 'AggregateTypes.usergrant', localizedMessage: 'User grant' } }, resourceOwner: customer },
        sequence: '1',
        payload: { userId: gigi, projectId: project, grantId: grant, roleKeys: ['reader'] },
        type: { type: 'user.grant.added', localized: { key: 'EventTypes.user.grant.added', localizedMessage: 'Authorization added' } },
      });
    });

    it('no filter: every dialect event, newest first by global position; x-grantline-position is the head', async () => {
      const answer = await search({});
      expect(rows(answer)).toEqual(await expected(() => true));
      expect(answer.headers.get('x-grantline-position')).toBe(String(await service.platform.eventStore.headPosition()));
    });

    it('asc: true reverses the order; asc: false is the default', async () => {
      expect(rows(await search({ asc: true }))).toEqual(await expected(() => true, true));
      expect(rows(await search({ asc: false }))).toEqual(await expected(() => true));
    });

    it('never lists reservation streams or other internal streams', async () => {
      const all = await service.platform.eventStore.readAll();
      const internal = all.filter((event) => !DIALECT_STREAM.test(event.stream));
      expect(internal.length).toBeGreaterThan(0);
      // Reservation streams, and the Golem dialect's own streams (a bounded context of its own).
      expect(internal.every((event) => event.stream.startsWith('unique-') || event.stream.startsWith('golem.'))).toBe(true);
      const listed = rows(await search({}));
      expect(listed).toHaveLength(all.length - internal.length);
      expect(listed.every((one) => ['org', 'project', 'user', 'usergrant'].includes(one.aggregateType))).toBe(true);
      expect(await search({ aggregateTypes: ['golem.account'] })).toMatchObject({ status: 200, body: {} });
      const reservation = internal.find((event) => event.stream.startsWith('unique-'))?.stream ?? '';
      expect(await search({ aggregateTypes: ['unique'] })).toMatchObject({ status: 200, body: {} });
      expect(await search({ aggregateId: reservation.slice('unique-'.length) })).toMatchObject({ status: 200, body: {} });
      expect(await search({ aggregateId: reservation })).toMatchObject({ status: 200, body: {} });
      expect(await search({ eventTypes: [internal[0]?.type ?? ''] })).toMatchObject({ status: 200, body: {} });
    });

    it('sequence: only events whose aggregate sequence is greater', async () => {
      expect(rows(await search({ aggregateId: project, sequence: 2, asc: true })).map((one) => one.sequence)).toEqual(['3', '4']);
      expect(rows(await search({ aggregateId: project, sequence: '3' })).map((one) => one.sequence)).toEqual(['4']);
      expect(await search({ aggregateId: project, sequence: 4 })).toMatchObject({ status: 200, body: {} });
      // Across aggregates, by aggregate sequence (not global position).
      expect(rows(await search({ sequence: 1 }))).toEqual(await expected((event) => event.revision + 1 > 1));
      expect(rows(await search({ sequence: 0 }))).toEqual(await expected(() => true));
    });

    it('limit: 0 = 1000; n cuts the newest n (or oldest n with asc); 1001, -1, 1.5, "1e3", {} → 400; "10" is fine', async () => {
      const all = await expected(() => true);
      expect(rows(await search({ limit: 0 }))).toEqual(all);
      expect(rows(await search({ limit: 2 }))).toEqual(all.slice(0, 2));
      expect(rows(await search({ limit: 2, asc: true }))).toEqual((await expected(() => true, true)).slice(0, 2));
      expect(rows(await search({ limit: '10' }))).toEqual(all.slice(0, 10));
      expect(rows(await search({ limit: 1000 }))).toEqual(all);
      for (const limit of [1001, '1001', -1, 1.5, '1e3', {}, true, '']) {
        const answer = await search({ limit });
        expectZitadelError(answer, 400, 3, 'GRANTLINE-InvalidField');
        expect(answer.body.details[0].message).toMatch(/^invalid ListEventsRequest\.limit: /);
      }
    });

    it('editorUserId: actor equals', async () => {
      expect(rows(await search({ editorUserId: 'instance-admin' }))).toEqual(await expected(() => true));
      expect(await search({ editorUserId: 'someone-else' })).toMatchObject({ status: 200, body: {} });
      expect(await search({ editorUserId: 'instance-admin ' })).toMatchObject({ status: 200, body: {} });
    });

    it('eventTypes: type in the list, exactly', async () => {
      const types = ['project.grant.added', 'user.grant.added'];
      const answer = rows(await search({ eventTypes: types }));
      expect(answer).toEqual(await expected((event) => types.includes(event.type)));
      expect(answer.map((one) => one.type)).toEqual(['user.grant.added', 'project.grant.added']);
      expect(await search({ eventTypes: ['project.grant'] })).toMatchObject({ status: 200, body: {} });
      expect(await search({ eventTypes: ['PROJECT.GRANT.ADDED'] })).toMatchObject({ status: 200, body: {} });
      expect(rows(await search({ eventTypes: [] }))).toEqual(await expected(() => true));
      expect(rows(await search({ eventTypes: null }))).toEqual(await expected(() => true));
    });

    it('aggregateId alone: every aggregate type with that id', async () => {
      expect(rows(await search({ aggregateId: vendor }))).toEqual(await expected((event) => event.stream === `org-${vendor}`));
      expect(rows(await search({ aggregateId: gigi, asc: true })).map((one) => one.type)).toEqual(['user.human.added']);
      expect(await search({ aggregateId: 'no-such-id' })).toMatchObject({ status: 200, body: {} });
    });

    it('aggregateTypes: aggregate type in the list; unknown types match nothing', async () => {
      expect(rows(await search({ aggregateTypes: ['usergrant'] }))).toEqual(await expected((event) => event.stream.startsWith('usergrant-')));
      expect(rows(await search({ aggregateTypes: ['org', 'user'] }))).toEqual(
        await expected((event) => event.stream.startsWith('org-') || event.stream.startsWith('user-')),
      );
      expect(rows(await search({ aggregateTypes: ['user'] })).every((one) => one.aggregateType === 'user')).toBe(true);
      expect(await search({ aggregateTypes: ['grant'] })).toMatchObject({ status: 200, body: {} });
      expect(rows(await search({ aggregateTypes: ['org', 'nope'] }))).toEqual(await expected((event) => event.stream.startsWith('org-')));
    });

    it('resourceOwner: owner equals', async () => {
      const answer = rows(await search({ resourceOwner: customer }));
      expect(answer).toEqual(await expected((event) => event.metadata.resourceOwner === customer));
      expect(new Set(answer.map((one) => one.aggregateType))).toEqual(new Set(['org', 'user', 'usergrant']));
      expect(await search({ resourceOwner: 'nobody' })).toMatchObject({ status: 200, body: {} });
    });

    it('combinations are AND-ed', async () => {
      const answer = rows(await search({ aggregateTypes: ['project'], eventTypes: ['project.role.added'], resourceOwner: vendor, asc: true }));
      expect(answer.map((one) => [one.type, one.aggregateId, one.sequence])).toEqual([
        ['project.role.added', project, '2'],
        ['project.role.added', project, '3'],
      ]);
      expect(await search({ aggregateTypes: ['project'], resourceOwner: customer })).toMatchObject({ status: 200, body: {} });
      expect(await search({ aggregateId: project, aggregateTypes: ['org'] })).toMatchObject({ status: 200, body: {} });
      expect(rows(await search({ aggregateId: project, eventTypes: ['project.grant.added'], editorUserId: 'instance-admin', sequence: 3 }))).toEqual([
        { type: 'project.grant.added', aggregateType: 'project', aggregateId: project, sequence: '4' },
      ]);
      expect(rows(await search({ resourceOwner: customer, limit: 1, asc: true }))).toEqual(
        (await expected((event) => event.metadata.resourceOwner === customer, true)).slice(0, 1),
      );
    });

    describe('creation dates', () => {
      /** An event whose createdAt differs from every other dialect event's. */
      async function pivot(): Promise<RecordedEvent> {
        const log = await dialectLog();
        const unique = log.filter((event) => log.filter((other) => other.createdAt.getTime() === event.createdAt.getTime()).length === 1);
        const chosen = unique[Math.floor(unique.length / 2)];
        if (chosen === undefined) throw new Error('no event with a unique creation date');
        return chosen;
      }

      it('from: asc → createdAt > from; desc → createdAt < from (both exclusive)', async () => {
        const at = await pivot();
        const from = at.createdAt.toISOString();
        const later = rows(await search({ from, asc: true }));
        expect(later).toEqual(await expected((event) => event.createdAt > at.createdAt, true));
        const earlier = rows(await search({ from }));
        expect(earlier).toEqual(await expected((event) => event.createdAt < at.createdAt));
        expect(later.length).toBeGreaterThan(0);
        expect(earlier.length).toBeGreaterThan(0);
        expect([...later, ...earlier]).not.toContainEqual(row(at));
      });

      it('creationDate (deprecated) is the same as from; from wins when both are sent', async () => {
        const at = await pivot();
        const creationDate = at.createdAt.toISOString();
        expect(rows(await search({ creationDate, asc: true }))).toEqual(rows(await search({ from: creationDate, asc: true })));
        expect(rows(await search({ creationDate }))).toEqual(rows(await search({ from: creationDate })));
        expect(rows(await search({ creationDate: '2000-01-01T00:00:00Z', from: creationDate }))).toEqual(rows(await search({ from: creationDate })));
      });

      it('range: createdAt > since and createdAt < until; either bound alone', async () => {
        const log = await dialectLog();
        const first = log[0];
        const last = log[log.length - 1];
        if (first === undefined || last === undefined) throw new Error('empty log');
        const since = first.createdAt.toISOString();
        const until = last.createdAt.toISOString();
        const inside = (event: RecordedEvent) => event.createdAt > first.createdAt && event.createdAt < last.createdAt;
        expect(rows(await search({ range: { since, until } }))).toEqual(await expected(inside));
        expect(rows(await search({ range: { since, until }, asc: true }))).toEqual(await expected(inside, true));
        expect(rows(await search({ range: { since } }))).toEqual(await expected((event) => event.createdAt > first.createdAt));
        expect(rows(await search({ range: { until } }))).toEqual(await expected((event) => event.createdAt < last.createdAt));
        expect(rows(await search({ range: {} }))).toEqual(await expected(() => true));
        expect(await search({ range: { since: until, until: since } })).toMatchObject({ status: 200, body: {} });
      });

      it('bounds keep sub-millisecond digits and offsets', async () => {
        const at = await pivot();
        const own = (answer: HttpAnswer) => rows(answer).some((one) => one.type === at.type && one.sequence === String(at.revision + 1) && one.aggregateId === row(at).aggregateId);
        // until 1 µs after the event's millisecond: the event is before it.
        expect(own(await search({ range: { until: shifted(at, 1000) } }))).toBe(true);
        expect(own(await search({ range: { until: at.createdAt.toISOString() } }))).toBe(false);
        // since 1 ns after: the event is not after it.
        expect(own(await search({ range: { since: shifted(at, 1) } }))).toBe(false);
        expect(own(await search({ range: { since: shifted(at, -1) } }))).toBe(true);
        // The same instant written with an offset.
        const offset = new Date(at.createdAt.getTime() + 2 * 3600_000).toISOString().replace('Z', '+02:00');
        expect(rows(await search({ from: offset, asc: true }))).toEqual(rows(await search({ from: at.createdAt.toISOString(), asc: true })));
      });

      it('range together with from (or creationDate) → 400 GRANTLINE-InvalidField', async () => {
        const now = new Date().toISOString();
        expectZitadelError(await search({ range: { since: now }, from: now }), 400, 3, 'GRANTLINE-InvalidField');
        expectZitadelError(await search({ range: {}, from: now }), 400, 3, 'GRANTLINE-InvalidField');
        expectZitadelError(await search({ range: { until: now }, creationDate: now }), 400, 3, 'GRANTLINE-InvalidField');
        expect((await search({ range: null, from: now })).status).toBe(200);
      });

      it.each([
        ['a number', 1735689600],
        ['a date without time', '2025-01-01'],
        ['a space instead of T', '2025-01-01 00:00:00Z'],
        ['no zone', '2025-01-01T00:00:00'],
        ['lower-case z', '2025-01-01T00:00:00z'],
        ['month 13', '2025-13-01T00:00:00Z'],
        ['February 30', '2025-02-30T00:00:00Z'],
        ['hour 24', '2025-01-01T24:00:00Z'],
        ['ten fractional digits', '2025-01-01T00:00:00.1234567890Z'],
        ['year 0', '0000-01-01T00:00:00Z'],
        ['an operator object', { $gt: '' }],
        ['a list', ['2025-01-01T00:00:00Z']],
      ])('a timestamp that is %s → 400 GRANTLINE-InvalidField', async (_label, value) => {
        for (const body of [{ from: value }, { creationDate: value }, { range: { since: value } }, { range: { until: value } }]) {
          expectZitadelError(await search(body), 400, 3, 'GRANTLINE-InvalidField');
        }
      });

      it('valid timestamps: nine fractional digits, offsets, year 0001, leap day', async () => {
        for (const from of ['2025-01-01T00:00:00.123456789Z', '2025-01-01T00:00:00-05:30', '0001-01-01T00:00:00Z', '2024-02-29T23:59:59.5+00:00']) {
          expect((await search({ from })).status).toBe(200);
        }
      });
    });

    it('hostile input: wrong types and operator objects → 400 GRANTLINE-InvalidField naming the field', async () => {
      const cases: ReadonlyArray<readonly [Record<string, unknown>, string]> = [
        [{ editorUserId: { $gt: '' } }, 'editorUserId'],
        [{ aggregateId: { $ne: null } }, 'aggregateId'],
        [{ resourceOwner: { $regex: '.*' } }, 'resourceOwner'],
        [{ aggregateId: ['a'] }, 'aggregateId'],
        [{ aggregateId: 123 }, 'aggregateId'],
        [{ aggregateId: 'x'.repeat(201) }, 'aggregateId'],
        [{ editorUserId: 'é'.repeat(201) }, 'editorUserId'],
        [{ eventTypes: 'project.added' }, 'eventTypes'],
        [{ eventTypes: [{ $gt: '' }] }, 'eventTypes[0]'],
        [{ eventTypes: Array.from({ length: 31 }, (_, index) => `t${index}`) }, 'eventTypes'],
        [{ aggregateTypes: Array.from({ length: 11 }, (_, index) => `t${index}`) }, 'aggregateTypes'],
        [{ aggregateTypes: { $in: ['org'] } }, 'aggregateTypes'],
        [{ asc: 'true' }, 'asc'],
        [{ asc: 1 }, 'asc'],
        [{ sequence: -1 }, 'sequence'],
        [{ sequence: '1e3' }, 'sequence'],
        [{ sequence: { $gt: 0 } }, 'sequence'],
        [{ range: 'yesterday' }, 'range'],
        [{ range: [] }, 'range'],
      ];
      for (const [body, field] of cases) {
        const answer = await search(body);
        expectZitadelError(answer, 400, 3, 'GRANTLINE-InvalidField');
        expect(answer.body.details[0].message).toMatch(new RegExp(`^invalid ListEventsRequest\\.${field.replace(/[[\]]/g, '\\$&')}: `));
      }
      expect((await search({ eventTypes: Array.from({ length: 30 }, (_, index) => `t${index}`) })).status).toBe(200);
      expect((await search({ aggregateTypes: Array.from({ length: 10 }, (_, index) => `t${index}`) })).status).toBe(200);
    });

    it('bodies: bad JSON and non-objects → 400 GRANTLINE-InvalidJson; snake_case accepted; unknown fields ignored', async () => {
      expectZitadelError(await searchRaw('{not json'), 400, 3, 'GRANTLINE-InvalidJson');
      expectZitadelError(await searchRaw('[]'), 400, 3, 'GRANTLINE-InvalidJson');
      expectZitadelError(await searchRaw('"x"'), 400, 3, 'GRANTLINE-InvalidJson');
      expectZitadelError(await searchRaw('{"aggregateId": "a", "aggregate_id": "a"}'), 400, 3, 'GRANTLINE-InvalidJson');
      expect((await searchRaw('')).status).toBe(200);
      expect(rows(await search({ aggregate_types: ['project'], aggregate_id: project, foo: { bar: 1 } }))).toEqual(
        await expected((event) => event.stream === `project-${project}`),
      );
    });

    it('zero values are omitted: null payloads and empty lists never print', async () => {
      const answer = await search({});
      for (const event of answer.body.events as any[]) {
        expect(event.payload).not.toBeNull();
        expect(Object.keys(event).sort()).toEqual(
          event.payload === undefined ? ['aggregate', 'creationDate', 'editor', 'sequence', 'type'] : ['aggregate', 'creationDate', 'editor', 'payload', 'sequence', 'type'],
        );
      }
    });
  });

  describe('ListEventTypes and ListAggregateTypes', () => {
    it('scenario 49: ListEventTypes is sorted by type and contains project.grant.added with its label', async () => {
      const answer = await client.post('/admin/v1/events/types/_search', {});
      expect(answer.status).toBe(200);
      const types = answer.body.eventTypes as Array<{ type: string; localized: { key: string; localizedMessage: string } }>;
      expect(types.map((one) => one.type)).toEqual([...types.map((one) => one.type)].sort());
      expect(types).toContainEqual({ type: 'project.grant.added', localized: { key: 'EventTypes.project.grant.added', localizedMessage: 'Management access added' } });
      expect(types).toContainEqual({ type: 'user.grant.cascade.changed', localized: { key: 'EventTypes.user.grant.cascade.changed', localizedMessage: 'Authorization changed' } });
      expect(types).toContainEqual({ type: 'project.grant.cascade.changed', localized: { key: 'EventTypes.project.grant.cascade.changed', localizedMessage: 'Management access changed' } });
      expect(types).toContainEqual({ type: 'user.machine.added', localized: { key: 'EventTypes.user.machine.added', localizedMessage: 'Technical user added' } });
      expect(types).toHaveLength(24);
      expect(types.every((one) => one.localized.key === `EventTypes.${one.type}` && one.localized.localizedMessage !== '')).toBe(true);
      // Every type the store holds so far has a label.
      for (const event of await dialectLog()) expect(types.map((one) => one.type)).toContain(event.type);
    });

    it('scenario 49: ListAggregateTypes is exactly the four dialect types', async () => {
      const answer = await client.post('/admin/v1/aggregates/types/_search', {});
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        aggregateTypes: [
          { type: 'org', localized: { key: 'AggregateTypes.org', localizedMessage: 'Organization' } },
          { type: 'project', localized: { key: 'AggregateTypes.project', localizedMessage: 'Project' } },
          { type: 'user', localized: { key: 'AggregateTypes.user', localizedMessage: 'User' } },
          { type: 'usergrant', localized: { key: 'AggregateTypes.usergrant', localizedMessage: 'User grant' } },
        ],
      });
    });

    it.each(['/admin/v1/events/types/_search', '/admin/v1/aggregates/types/_search'])('%s: body {} or empty, unknown fields ignored, bad JSON → 400', async (path) => {
      expect((await client.call('POST', path, { rawBody: '' })).status).toBe(200);
      expect((await client.post(path, { foo: { $gt: '' } })).status).toBe(200);
      expectZitadelError(await client.call('POST', path, { rawBody: '{not json' }), 400, 3, 'GRANTLINE-InvalidJson');
      expectZitadelError(await client.call('POST', path, { rawBody: '[1]' }), 400, 3, 'GRANTLINE-InvalidJson');
    });
  });

  describe('ListViews, ListFailedEvents, RemoveFailedEvent', () => {
    const failure = (overrides: Partial<FailedEvent> = {}): FailedEvent => ({
      id: 'user_grants1',
      projection: 'user_grants1',
      position: 7,
      eventId: 'event-7',
      eventType: 'user.grant.added',
      error: 'boom: cannot apply',
      failureCount: 3,
      lastFailed: '2025-03-02T10:15:30.123Z',
      ...overrides,
    });
    const insertFailure = (record: FailedEvent) => service.platform.readStore.transact((tx) => tx.put(FAILED_EVENTS, record));
    const listFailed = () => client.call('POST', '/admin/v1/failedevents/_search', { body: {} });
    const remove = (database: string, view: string, sequence: string) =>
      client.call('DELETE', `/admin/v1/failedevents/${database}/${view}/${sequence}`);

    afterEach(async () => {
      await service.platform.readStore.transact((tx) => tx.delete(FAILED_EVENTS, 'user_grants1'));
    });

    it('scenario 50: ListViews shows every projection at the head right after a write (read-your-writes)', async () => {
      await client.addOrg(`Views ${Date.now()}`);
      const answer = await client.call('POST', '/admin/v1/views/_search');
      expect(answer.status).toBe(200);
      const head = String(await service.platform.eventStore.headPosition());
      const views = answer.body.result as any[];
      expect(PROJECTION_KEYS).toEqual(expect.arrayContaining(['orgs1', 'projects1', 'users1', 'project_grants1', 'user_grants1']));
      expect(views.map((view) => view.viewName)).toEqual(PROJECTION_KEYS.map((key) => `projections.${key}`));
      for (const view of views) {
        expect(view).toEqual({
          database: 'embedded',
          viewName: expect.stringMatching(/^projections\./),
          processedSequence: head,
          eventTimestamp: expect.stringMatching(RFC3339_MS),
          lastSuccessfulSpoolerRun: expect.stringMatching(RFC3339_MS),
        });
      }
      const last = (await service.platform.eventStore.readAll({ fromPosition: Number(head) - 1 }))[0];
      expect(views[0].eventTimestamp).toBe(last?.createdAt.toISOString());
      expect(answer.headers.get('x-grantline-position')).toBe(head);
    });

    it('ListViews ignores the body (ZITADEL maps none), bad JSON included', async () => {
      expect((await client.call('POST', '/admin/v1/views/_search', { rawBody: '{not json' })).status).toBe(200);
      expect((await client.call('POST', '/admin/v1/views/_search', { body: { limit: -1 } })).status).toBe(200);
      expect((await client.call('POST', '/admin/v1/views/_search', { headers: { 'x-grantline-consistency': 'eventual' } })).status).toBe(200);
      expectZitadelError(await client.call('POST', '/admin/v1/views/_search', { headers: { 'x-grantline-consistency': 'later' } }), 400, 3, 'GRANTLINE-InvalidField');
    });

    it('ListViews does not wait for a projection stopped on a failed event', async () => {
      await insertFailure(failure({ position: 1 }));
      const answer = await client.call('POST', '/admin/v1/views/_search');
      expect(answer.status).toBe(200);
      expect(answer.body.result).toHaveLength(PROJECTION_KEYS.length);
    });

    it('scenario 50: no failed events → {} (no result)', async () => {
      const answer = await listFailed();
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({});
      expect((await client.call('POST', '/admin/v1/failedevents/_search', { rawBody: '{not json' })).body).toEqual({});
    });

    it('a failure record shows in ListFailedEvents; RemoveFailedEvent retries it → {} and it is gone', async () => {
      await insertFailure(failure());
      const listed = await listFailed();
      expect(listed.status).toBe(200);
      expect(listed.body).toEqual({
        result: [
          {
            database: 'embedded',
            viewName: 'projections.user_grants1',
            failedSequence: '7',
            failureCount: '3',
            errorMessage: 'boom: cannot apply',
            lastFailed: '2025-03-02T10:15:30.123Z',
          },
        ],
      });
      expectZitadelError(await remove('embedded', 'projections.user_grants1', '8'), 404, 5, 'GRANTLINE-FailedEventNotFound');
      expectZitadelError(await remove('embedded', 'projections.orgs1', '7'), 404, 5, 'GRANTLINE-FailedEventNotFound');
      expect((await listFailed()).body.result).toHaveLength(1);

      const removed = await remove('embedded', 'projections.user_grants1', '7');
      expect(removed.status).toBe(200);
      expect(removed.body).toEqual({});
      expect((await listFailed()).body).toEqual({});
      expect(await service.platform.readStore.get(FAILED_EVENTS, 'user_grants1')).toBeNull();
      expectZitadelError(await remove('embedded', 'projections.user_grants1', '7'), 404, 5, 'GRANTLINE-FailedEventNotFound');
    });

    it('RemoveFailedEvent accepts the bare projection key as viewName; database is ignored', async () => {
      await insertFailure(failure({ position: 12 }));
      const removed = await remove('anything', 'user_grants1', '12');
      expect(removed.status).toBe(200);
      expect(removed.body).toEqual({});
      expect((await listFailed()).body).toEqual({});
    });

    it('scenario 50: RemoveFailedEvent of an unknown failure → 404 GRANTLINE-FailedEventNotFound', async () => {
      expectZitadelError(await remove('embedded', 'projections.user_grants1', '1'), 404, 5, 'GRANTLINE-FailedEventNotFound');
      expectZitadelError(await remove('embedded', 'projections.nope9', '1'), 404, 5, 'GRANTLINE-FailedEventNotFound');
      expectZitadelError(await remove('embedded', encodeURIComponent('{"$gt":""}'), '1'), 404, 5, 'GRANTLINE-FailedEventNotFound');
    });

    it('RemoveFailedEvent validates its path: failedSequence uint64, names 1–200 characters', async () => {
      await insertFailure(failure());
      for (const sequence of ['abc', '-1', '1.5', '1e3', '%20']) {
        const answer = await remove('embedded', 'projections.user_grants1', sequence);
        expectZitadelError(answer, 400, 3, 'GRANTLINE-InvalidField');
        expect(answer.body.details[0].message).toMatch(/^invalid RemoveFailedEventRequest\.failedSequence: /);
      }
      const longView = await remove('embedded', 'v'.repeat(201), '7');
      expectZitadelError(longView, 400, 3, 'GRANTLINE-InvalidField');
      expect(longView.body.details[0].message).toMatch(/^invalid RemoveFailedEventRequest\.viewName: /);
      const longDatabase = await remove('d'.repeat(201), 'projections.user_grants1', '7');
      expectZitadelError(longDatabase, 400, 3, 'GRANTLINE-InvalidField');
      expect(longDatabase.body.details[0].message).toMatch(/^invalid RemoveFailedEventRequest\.database: /);
      // Nothing was removed by the rejected calls.
      expect((await listFailed()).body.result).toHaveLength(1);
    });
  });
});

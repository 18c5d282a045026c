import { FAILED_EVENTS, type FailedEvent, skipFailedEvent } from '../../src/projections/projection-runner';
import { type TestApp, ZitadelClient, expectZitadelError, startTestApp } from '../support/app';

interface Health {
  readonly headPosition: number;
  readonly projections: ReadonlyArray<{ name: string; state: string; position: number; failure?: { position: number; eventId: string; error: string } }>;
}

async function health(service: TestApp): Promise<Health> {
  return (await (await fetch(`${service.baseUrl}/healthz`)).json()) as Health;
}

async function until<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('R5: an event a projection cannot apply stops that projection (fail closed)', () => {
  let service: TestApp;
  let client: ZitadelClient;
  let vendor: string;
  let project: string;
  let poisonPosition: number;

  beforeAll(async () => {
    service = await startTestApp({ GRANTLINE_CONSISTENCY_TIMEOUT_MS: '500' });
    client = new ZitadelClient(service.baseUrl);
    vendor = await client.addOrg('Vendor');
    project = await client.addProject(vendor, 'Portal', ['reader']);
    // A project grant event without its payload: no projection reading grants can apply it.
    const appended = await service.platform.eventStore.append(
      `project-${project}`,
      [{ id: '00000000-0000-4000-8000-000000000001', type: 'project.grant.added', data: null, metadata: { actor: 'test', resourceOwner: vendor, correlationId: 'poison', causationId: 'poison' } }],
      'any',
    );
    poisonPosition = appended.position;
  });
  afterAll(async () => service.close());

  it('is recorded and reported by /healthz within 10 s, while other projections keep up', async () => {
    const reported = await until(
      () => health(service),
      (body) => body.projections.some((projection) => projection.name === 'project_grants1' && projection.state === 'stopped'),
      10_000,
    );
    const grants = reported.projections.find((projection) => projection.name === 'project_grants1');
    expect(grants).toMatchObject({ state: 'stopped', position: poisonPosition - 1, failure: { position: poisonPosition, eventId: '00000000-0000-4000-8000-000000000001' } });
    const record = (await service.platform.readStore.get(FAILED_EVENTS, 'project_grants1')) as FailedEvent | null;
    expect(record).toMatchObject({ position: poisonPosition, eventType: 'project.grant.added' });

    // Orgs are unaffected: writes and reads on them go on.
    const org = await client.addOrg('Still here');
    const me = await client.get('/management/v1/orgs/me', org);
    expect(me.status).toBe(200);
    const after = await health(service);
    expect(after.projections.find((projection) => projection.name === 'orgs1')).toMatchObject({ state: 'running', position: after.headPosition });

    // Reads of the stopped projection never answer stale: they say they cannot be consistent.
    const read = await client.get(`/management/v1/projects/${project}/grants/anything`, vendor);
    expectZitadelError(read, 503, 14, 'GRANTLINE-NotConsistent');
  });

  it('an operator retry applies it again and it stops again; a skip with a reason moves past it', async () => {
    const retried = await client.call('DELETE', `/admin/v1/failedevents/embedded/projections.project_grants1/${poisonPosition}`);
    expect(retried.status).toBe(200);
    const failedAgain = await until(
      () => service.platform.readStore.get(FAILED_EVENTS, 'project_grants1'),
      (record) => record !== null,
      10_000,
    );
    expect(failedAgain).toMatchObject({ position: poisonPosition });

    const skipped = await skipFailedEvent(service.platform.readStore, 'project_grants1', 'poison event written by the R5 test', service.platform.clock);
    expect(skipped).toMatchObject({ position: poisonPosition });
    const recovered = await until(
      () => health(service),
      (body) => body.projections.find((projection) => projection.name === 'project_grants1')?.state === 'running',
      10_000,
    );
    expect(recovered.projections.find((projection) => projection.name === 'project_grants1')).toMatchObject({ state: 'running', position: recovered.headPosition });
    const skipRecord = await service.platform.readStore.get('skipped_events', `project_grants1:${poisonPosition}`);
    expect(skipRecord).toMatchObject({ reason: 'poison event written by the R5 test', eventId: '00000000-0000-4000-8000-000000000001' });
  });
});

describe('R3: concurrent writers on one project lose no update', () => {
  let service: TestApp;
  afterAll(async () => service?.close());

  it('50 concurrent AddProjectRole: every 200 is stored, every other answer is a conflict in the dialect shape', async () => {
    service = await startTestApp();
    const client = new ZitadelClient(service.baseUrl);
    const vendor = await client.addOrg('Vendor');
    const project = await client.addProject(vendor, 'Busy');
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => client.post(`/management/v1/projects/${project}/roles`, { roleKey: `role-${i}`, displayName: `Role ${i}` }, vendor)),
    );
    const listed = await client.post(`/management/v1/projects/${project}/roles/_search`, {}, vendor);
    const stored = new Set<string>((listed.body.result ?? []).map((role: { key: string }) => role.key));
    answers.forEach((answer, i) => {
      if (answer.status === 200) expect(stored.has(`role-${i}`)).toBe(true);
      else {
        expectZitadelError(answer, 409, 10, 'GRANTLINE-Conflict');
        expect(stored.has(`role-${i}`)).toBe(false);
      }
    });
    expect(stored.size).toBe(answers.filter((answer) => answer.status === 200).length);
    const events = await service.platform.eventStore.readStream(`project-${project}`);
    expect(events.map((event) => event.revision)).toEqual(events.map((_, index) => index));
  });
});

/**
 * Black-box HTTP suite for the three seed endpoints of the ZITADEL dialect (zitadel-api.md §2.1,
 * §3.1, §3.2, §3.6) and the acceptance scenarios of §8 that need only implemented endpoints:
 * 9–20 (project grants) and 28–35 (user grants; 29 without GetUserGrantByID, 31 skipped: it needs
 * RemoveProjectRole). Also read-your-writes (§1.9) and the position header (§1.2).
 *
 * Every failing request is checked to write nothing (event store head unchanged) and never to
 * answer 5xx.
 */
import { v7 as uuidv7 } from 'uuid';
import { type HttpAnswer, type TestApp, ZitadelClient, expectZitadelError, startTestApp } from '../support/app';

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DECIMAL = /^\d+$/;

const grantsPath = (projectId: string) => `/management/v1/projects/${projectId}/grants`;
const grantPath = (projectId: string, grantId: string) => `/management/v1/projects/${projectId}/grants/${grantId}`;
const userGrantsPath = (userId: string) => `/management/v1/users/${userId}/grants`;

describe('ZITADEL seed endpoints: AddProjectGrant, GetProjectGrantByID, AddUserGrant', () => {
  let service: TestApp;
  let client: ZitadelClient;
  /** A second client: reads "from another connection" right after a write. */
  let reader: ZitadelClient;

  // The §8 setup: orgs Vendor (V), Customer A (C) and a third org T; project Portal (P) in V
  // with roles reader and writer; grant G of P to C with both roles; human user gigi in C.
  let V: string;
  let C: string;
  let T: string;
  let P: string;
  let gigi: string;
  let addG: HttpAnswer;
  let headAfterG: number;
  let G: string;

  const head = () => service.platform.eventStore.headPosition();

  /** Sends a request that must fail with this error and must append nothing. */
  async function rejected(send: () => Promise<HttpAnswer>, status: number, code: number, id: string): Promise<HttpAnswer> {
    const before = await head();
    const answer = await send();
    expect(answer.status).toBeLessThan(500);
    expectZitadelError(answer, status, code, id);
    expect(await head()).toBe(before);
    return answer;
  }

  async function eventsOf(stream: string) {
    return service.platform.eventStore.readStream(stream);
  }

  beforeAll(async () => {
    service = await startTestApp();
    client = new ZitadelClient(service.baseUrl);
    reader = new ZitadelClient(service.baseUrl);
    V = await client.addOrg('Vendor');
    C = await client.addOrg('Customer A');
    T = await client.addOrg('Third Org');
    P = await client.addProject(V, 'Portal', ['reader', 'writer']);
    gigi = await client.addHuman(C, 'gigi');
    // Scenario 9 is the last write of the setup, so scenario 10 reads right after it.
    addG = await client.post(grantsPath(P), { grantedOrgId: C, roleKeys: ['reader', 'writer'] }, V);
    headAfterG = await head();
    G = addG.body?.grantId;
  });
  afterAll(async () => service.close());

  describe('AddProjectGrant and GetProjectGrantByID (scenarios 9–20)', () => {
    it('9: AddProjectGrant P → C with [reader, writer] via V answers grantId and add details with sequence "4"', () => {
      expect(addG.status).toBe(200);
      expect(Object.keys(addG.body).sort()).toEqual(['details', 'grantId']);
      expect(addG.body.grantId).toMatch(UUID_V7);
      expect(addG.body.details).toEqual({ sequence: '4', creationDate: expect.stringMatching(TIMESTAMP), resourceOwner: V });
      expect(addG.body.details).not.toHaveProperty('changeDate');
      // Commands: the global position of the last event appended.
      expect(addG.headers.get('x-grantline-position')).toBe(String(headAfterG));
    });

    it('10: GetProjectGrantByID right after 9 (no wait) answers exactly the GrantedProject shape', async () => {
      const read = await reader.get(grantPath(P, G), V);
      expect(read.status).toBe(200);
      expect(read.body).toEqual({
        projectGrant: {
          grantId: G,
          grantedOrgId: C,
          grantedOrgName: 'Customer A',
          grantedRoleKeys: ['reader', 'writer'],
          state: 'PROJECT_GRANT_STATE_ACTIVE',
          projectId: P,
          projectName: 'Portal',
          projectOwnerId: V,
          projectOwnerName: 'Vendor',
          details: {
            sequence: '4',
            creationDate: addG.body.details.creationDate,
            changeDate: addG.body.details.creationDate,
            resourceOwner: V,
          },
        },
      });
      const served = read.headers.get('x-grantline-position');
      expect(served).toMatch(DECIMAL);
      expect(Number(served)).toBeGreaterThanOrEqual(headAfterG);
    });

    it('11: AddProjectGrant P → C again answers 409 V3-DKcYh (also with other roles)', async () => {
      const answer = await rejected(() => client.post(grantsPath(P), { grantedOrgId: C, roleKeys: ['reader', 'writer'] }, V), 409, 6, 'V3-DKcYh');
      expect(answer.body.details[0].message).toBe('Project grant already exists');
      await rejected(() => client.post(grantsPath(P), { grantedOrgId: C, roleKeys: ['reader'] }, V), 409, 6, 'V3-DKcYh');
      await rejected(() => client.post(grantsPath(P), { grantedOrgId: C }, V), 409, 6, 'V3-DKcYh');
    });

    it('12: AddProjectGrant P → V (its own org) answers 400/9 PROJECT-ckUpbvboAH', async () => {
      const answer = await rejected(() => client.post(grantsPath(P), { grantedOrgId: V, roleKeys: ['reader'] }, V), 400, 9, 'PROJECT-ckUpbvboAH');
      expect(answer.body.details[0].message).toBe('Project grant is invalid: a project cannot be granted to the organisation that owns it');
    });

    it('13: AddProjectGrant with a role the project does not have answers 400/9 COMMAND-6m9gd; role references are exact', async () => {
      await rejected(() => client.post(grantsPath(P), { grantedOrgId: T, roleKeys: ['admin'] }, V), 400, 9, 'COMMAND-6m9gd');
      await rejected(() => client.post(grantsPath(P), { grantedOrgId: T, roleKeys: ['reader', 'admin'] }, V), 400, 9, 'COMMAND-6m9gd');
      // Uniqueness is case-insensitive, references are not: READER is not the role reader.
      await rejected(() => client.post(grantsPath(P), { grantedOrgId: T, roleKeys: ['READER'] }, V), 400, 9, 'COMMAND-6m9gd');
    });

    it('14: AddProjectGrant to an unknown org answers 400/9 COMMAND-3m9gg', async () => {
      const answer = await rejected(() => client.post(grantsPath(P), { grantedOrgId: uuidv7(), roleKeys: ['reader'] }, V), 400, 9, 'COMMAND-3m9gg');
      expect(answer.body.details[0].message).toBe('Organisation not found');
      // Ids match exactly: the upper-cased id of an existing org is another, unknown, org.
      await rejected(() => client.post(grantsPath(P), { grantedOrgId: T.toUpperCase() }, V), 400, 9, 'COMMAND-3m9gg');
    });

    it('15: AddProjectGrant for P via C (P is not C\'s) answers 400/9 COMMAND-m9gsd; so does an unknown project', async () => {
      const answer = await rejected(() => client.post(grantsPath(P), { grantedOrgId: T, roleKeys: ['reader'] }, C), 400, 9, 'COMMAND-m9gsd');
      expect(answer.body.details[0].message).toBe('Project not found');
      await rejected(() => client.post(grantsPath(P), { grantedOrgId: T }, T), 400, 9, 'COMMAND-m9gsd');
      await rejected(() => client.post(grantsPath(uuidv7()), { grantedOrgId: T }, V), 400, 9, 'COMMAND-m9gsd');
    });

    it('checks the business rules in the order of §3.1', async () => {
      // 1 (project) before 2 (granted org).
      await rejected(() => client.post(grantsPath(P), { grantedOrgId: uuidv7(), roleKeys: ['admin'] }, C), 400, 9, 'COMMAND-m9gsd');
      // 2 (granted org) before 3 (roles).
      await rejected(() => client.post(grantsPath(P), { grantedOrgId: uuidv7(), roleKeys: ['admin'] }, V), 400, 9, 'COMMAND-3m9gg');
      // 3 (roles) before 5 (own org) and 6 (already granted).
      await rejected(() => client.post(grantsPath(P), { grantedOrgId: V, roleKeys: ['admin'] }, V), 400, 9, 'COMMAND-6m9gd');
      await rejected(() => client.post(grantsPath(P), { grantedOrgId: C, roleKeys: ['admin'] }, V), 400, 9, 'COMMAND-6m9gd');
    });

    it('16: bad AddProjectGrant bodies answer 400/3 GRANTLINE-InvalidField and write nothing', async () => {
      await rejected(() => client.post(grantsPath(P), { grantedOrgId: { $gt: '' } }, V), 400, 3, 'GRANTLINE-InvalidField');
      const long = await rejected(() => client.post(grantsPath(P), { grantedOrgId: 'x'.repeat(201) }, V), 400, 3, 'GRANTLINE-InvalidField');
      expect(long.body.details[0].message).toBe('invalid AddProjectGrantRequest.grantedOrgId: value length must be between 1 and 200 runes, inclusive');
      await rejected(() => client.post(grantsPath(P), { grantedOrgId: '' }, V), 400, 3, 'GRANTLINE-InvalidField');
      const notAList = await rejected(() => client.post(grantsPath(P), { grantedOrgId: T, roleKeys: 'reader' }, V), 400, 3, 'GRANTLINE-InvalidField');
      expect(notAList.body.details[0].message).toMatch(/^invalid AddProjectGrantRequest\.roleKeys: /);
      // No grant of P to T was created by any of these.
      const grantsToThird = (await eventsOf(`project-${P}`)).filter((event) => event.type === 'project.grant.added' && (event.data as { grantedOrgId: string }).grantedOrgId === T);
      expect(grantsToThird).toEqual([]);
    });

    it('16: a role-key list item that is not a valid string names its index in the message', async () => {
      const empty = await rejected(() => client.post(grantsPath(P), { grantedOrgId: T, roleKeys: ['reader', ''] }, V), 400, 3, 'GRANTLINE-InvalidField');
      expect(empty.body.details[0].message).toBe('invalid AddProjectGrantRequest.roleKeys[1]: value length must be between 1 and 200 runes, inclusive');
      const number = await rejected(() => client.post(grantsPath(P), { grantedOrgId: T, roleKeys: ['reader', 7] }, V), 400, 3, 'GRANTLINE-InvalidField');
      expect(number.body.details[0].message).toMatch(/^invalid AddProjectGrantRequest\.roleKeys\[1\]: /);
      const long = await rejected(() => client.post(grantsPath(P), { grantedOrgId: T, roleKeys: ['reader', 'writer', 'r'.repeat(201)] }, V), 400, 3, 'GRANTLINE-InvalidField');
      expect(long.body.details[0].message).toBe('invalid AddProjectGrantRequest.roleKeys[2]: value length must be between 1 and 200 runes, inclusive');
    });

    it('17: body `{not json` and body `[]` answer 400/3 GRANTLINE-InvalidJson', async () => {
      const notJson = await rejected(() => client.call('POST', grantsPath(P), { org: V, rawBody: '{not json' }), 400, 3, 'GRANTLINE-InvalidJson');
      expect(notJson.body.details[0].message).toBe('The request body is not a valid JSON object');
      await rejected(() => client.call('POST', grantsPath(P), { org: V, rawBody: '[]' }), 400, 3, 'GRANTLINE-InvalidJson');
    });

    it('18: AddProjectGrant with granted_org_id / role_keys and an unknown field foo answers 200', async () => {
      const added = await client.post(grantsPath(P), { granted_org_id: T, role_keys: ['reader'], foo: { bar: [1, 2] } }, V);
      expect(added.status).toBe(200);
      expect(added.body.grantId).toMatch(UUID_V7);
      const read = await reader.get(grantPath(P, added.body.grantId), V);
      expect(read.status).toBe(200);
      expect(read.body.projectGrant).toMatchObject({ grantedOrgId: T, grantedOrgName: 'Third Org', grantedRoleKeys: ['reader'] });
    });

    it('19: GetProjectGrantByID of an unknown grant, or of a known grant under another project id, answers 404 QUERY-n98GGs', async () => {
      const unknown = await rejected(() => reader.get(grantPath(P, uuidv7()), V), 404, 5, 'QUERY-n98GGs');
      expect(unknown.body.details[0].message).toBe('Project grant not found');
      const other = await client.addProject(V, 'Other project', ['reader']);
      await rejected(() => reader.get(grantPath(other, G), V), 404, 5, 'QUERY-n98GGs');
      await rejected(() => reader.get(grantPath(uuidv7(), G), V), 404, 5, 'QUERY-n98GGs');
      // Exact match: the upper-cased grant id is another id.
      await rejected(() => reader.get(grantPath(P, G.toUpperCase()), V), 404, 5, 'QUERY-n98GGs');
    });

    it('20: GetProjectGrantByID of G via a third org answers 404 MANAG-d3g31; via the granted org C it answers 200', async () => {
      const third = await rejected(() => reader.get(grantPath(P, G), T), 404, 5, 'MANAG-d3g31');
      expect(third.body.details[0].message).toBe('Project grant not found');
      const viaCustomer = await reader.get(grantPath(P, G), C);
      expect(viaCustomer.status).toBe(200);
      const viaVendor = await reader.get(grantPath(P, G), V);
      expect(viaCustomer.body).toEqual(viaVendor.body);
      // Rule 1 (no such grant) is answered before rule 3 (acting org).
      await rejected(() => reader.get(grantPath(P, uuidv7()), T), 404, 5, 'QUERY-n98GGs');
    });

    it('collapses duplicate role keys, keeping the first occurrence and the order', async () => {
      const org = await client.addOrg('Dedup Org');
      const added = await client.post(grantsPath(P), { grantedOrgId: org, roleKeys: ['writer', 'reader', 'writer', 'reader'] }, V);
      expect(added.status).toBe(200);
      const read = await reader.get(grantPath(P, added.body.grantId), V);
      expect(read.body.projectGrant.grantedRoleKeys).toEqual(['writer', 'reader']);
    });

    it('accepts an empty or null role-key list; the read omits the empty grantedRoleKeys', async () => {
      for (const roleKeys of [[], null]) {
        const org = await client.addOrg(`No Roles ${roleKeys === null ? 'null' : 'empty'}`);
        const added = await client.post(grantsPath(P), { grantedOrgId: org, roleKeys }, V);
        expect(added.status).toBe(200);
        const read = await reader.get(grantPath(P, added.body.grantId), V);
        expect(read.status).toBe(200);
        expect(read.body.projectGrant).not.toHaveProperty('grantedRoleKeys');
        expect(read.body.projectGrant.state).toBe('PROJECT_GRANT_STATE_ACTIVE');
      }
    });

    it('a grant\'s sequence is the project\'s sequence: it grows with later role and grant events', async () => {
      const project = await client.addProject(V, 'Sequence project', ['reader', 'writer']);
      const first = await client.post(grantsPath(project), { grantedOrgId: C }, V);
      expect(first.body.details.sequence).toBe('4');
      const role = await client.post(`/management/v1/projects/${project}/roles`, { roleKey: 'auditor', displayName: 'Auditor' }, V);
      expect(role.body.details.sequence).toBe('5');
      const second = await client.post(grantsPath(project), { grantedOrgId: T, roleKeys: ['auditor'] }, V);
      expect(second.body.details).toEqual({ sequence: '6', creationDate: expect.stringMatching(TIMESTAMP), resourceOwner: V });
      // The first grant's own details do not move with events of other objects in the stream.
      const read = await reader.get(grantPath(project, first.body.grantId), V);
      expect(read.body.projectGrant.details.sequence).toBe('4');
    });
  });

  describe('AddUserGrant (scenarios 28–35)', () => {
    let viaVendor: HttpAnswer;
    let viaCustomer: HttpAnswer;

    it('28: AddUserGrant for gigi on P via V (owned project) answers sequence "1" and resourceOwner V', async () => {
      viaVendor = await client.post(userGrantsPath(gigi), { projectId: P, roleKeys: ['reader', 'writer'] }, V);
      expect(viaVendor.status).toBe(200);
      expect(Object.keys(viaVendor.body).sort()).toEqual(['details', 'userGrantId']);
      expect(viaVendor.body.userGrantId).toMatch(UUID_V7);
      expect(viaVendor.body.details).toEqual({ sequence: '1', creationDate: expect.stringMatching(TIMESTAMP), resourceOwner: V });
      expect(viaVendor.headers.get('x-grantline-position')).toBe(String(await head()));
      // On an owned project the user grant has no project grant.
      const [added] = await eventsOf(`usergrant-${viaVendor.body.userGrantId}`);
      expect(added).toMatchObject({ type: 'user.grant.added', data: { userId: gigi, projectId: P, roleKeys: ['reader', 'writer'] } });
      expect(added?.metadata.resourceOwner).toBe(V);
      expect(added?.data).not.toHaveProperty('grantId');
    });

    it('29: AddUserGrant for gigi on P via C without projectGrantId answers 200 and is filled in with G', async () => {
      viaCustomer = await client.post(userGrantsPath(gigi), { projectId: P, roleKeys: ['reader'] }, C);
      expect(viaCustomer.status).toBe(200);
      expect(viaCustomer.body).toEqual({
        userGrantId: expect.stringMatching(UUID_V7),
        details: { sequence: '1', creationDate: expect.stringMatching(TIMESTAMP), resourceOwner: C },
      });
      expect(viaCustomer.body.userGrantId).not.toBe(viaVendor.body.userGrantId);
      // GetUserGrantByID is not implemented yet: the stored event stands in for it.
      const events = await eventsOf(`usergrant-${viaCustomer.body.userGrantId}`);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'user.grant.added', data: { userId: gigi, projectId: P, grantId: G, roleKeys: ['reader'] } });
      expect(events[0]?.metadata).toMatchObject({ resourceOwner: C, actor: 'instance-admin' });
    });

    it('30: AddUserGrant via C with a role not in G answers 400/9 COMMAND-mm9F4', async () => {
      const alice = await client.addHuman(C, 'alice-30');
      // auditor is a role of P, but G does not carry it.
      const role = await client.post(`/management/v1/projects/${P}/roles`, { roleKey: 'auditor', displayName: 'Auditor' }, V);
      expect(role.status).toBe(200);
      const answer = await rejected(() => client.post(userGrantsPath(alice), { projectId: P, roleKeys: ['auditor'] }, C), 400, 9, 'COMMAND-mm9F4');
      expect(answer.body.details[0].message).toBe('One or more roles are not available on the project or project grant');
      await rejected(() => client.post(userGrantsPath(alice), { projectId: P, roleKeys: ['reader', 'nope'] }, C), 400, 9, 'COMMAND-mm9F4');
      await rejected(() => client.post(userGrantsPath(alice), { projectId: P, roleKeys: ['READER'] }, C), 400, 9, 'COMMAND-mm9F4');
      // On an owned project the project's roles are the allowed ones.
      await rejected(() => client.post(userGrantsPath(alice), { projectId: P, roleKeys: ['nope'] }, V), 400, 9, 'COMMAND-mm9F4');
      const owned = await client.post(userGrantsPath(alice), { projectId: P, roleKeys: ['auditor'] }, V);
      expect(owned.status).toBe(200);
    });

    it('32: AddUserGrant for an unknown user answers 400/9 COMMAND-4f8sg (before any project check)', async () => {
      const answer = await rejected(() => client.post(userGrantsPath(uuidv7()), { projectId: P, roleKeys: ['reader'] }, C), 400, 9, 'COMMAND-4f8sg');
      expect(answer.body.details[0].message).toBe('User could not be found');
      await rejected(() => client.post(userGrantsPath(uuidv7()), { projectId: uuidv7() }, C), 400, 9, 'COMMAND-4f8sg');
      await rejected(() => client.post(userGrantsPath(gigi.toUpperCase()), { projectId: P }, V), 400, 9, 'COMMAND-4f8sg');
    });

    it('32: a user of another org of the instance can be granted', async () => {
      const vendorUser = await client.addHuman(V, 'vera');
      const answer = await client.post(userGrantsPath(vendorUser), { projectId: P, roleKeys: ['reader'] }, C);
      expect(answer.status).toBe(200);
      expect(answer.body.details.resourceOwner).toBe(C);
    });

    it('33: AddUserGrant via C on a project not granted to C, or on an unknown project, answers 400/9 COMMAND-4m9ff', async () => {
      const bob = await client.addHuman(C, 'bob-33');
      const notGranted = await client.addProject(V, 'Not granted', ['reader']);
      const answer = await rejected(() => client.post(userGrantsPath(bob), { projectId: notGranted, roleKeys: ['reader'] }, C), 400, 9, 'COMMAND-4m9ff');
      expect(answer.body.details[0].message).toBe('Project grant not found');
      await rejected(() => client.post(userGrantsPath(bob), { projectId: uuidv7() }, C), 400, 9, 'COMMAND-4m9ff');
      await rejected(() => client.post(userGrantsPath(bob), { projectId: uuidv7() }, V), 400, 9, 'COMMAND-4m9ff');
      // A project granted to another org (T), not to the acting org.
      const grantToThird = await client.addProjectGrant(V, notGranted, T, ['reader']);
      await rejected(() => client.post(userGrantsPath(bob), { projectId: notGranted }, C), 400, 9, 'COMMAND-4m9ff');
      // projectGrantId must be the acting org's grant of that project.
      await rejected(() => client.post(userGrantsPath(bob), { projectId: notGranted, projectGrantId: grantToThird }, C), 400, 9, 'COMMAND-4m9ff');
      await rejected(() => client.post(userGrantsPath(bob), { projectId: P, projectGrantId: uuidv7() }, C), 400, 9, 'COMMAND-4m9ff');
      await rejected(() => client.post(userGrantsPath(bob), { projectId: P, projectGrantId: grantToThird }, C), 400, 9, 'COMMAND-4m9ff');
    });

    it('34: AddUserGrant via V on its own project P with projectGrantId G answers 400/9 COMMAND-4m9ff', async () => {
      const carol = await client.addHuman(C, 'carol-34');
      await rejected(() => client.post(userGrantsPath(carol), { projectId: P, projectGrantId: G, roleKeys: ['reader'] }, V), 400, 9, 'COMMAND-4m9ff');
    });

    it('35: AddUserGrant repeating an existing user grant answers 409 V3-DKcYh', async () => {
      const answer = await rejected(() => client.post(userGrantsPath(gigi), { projectId: P, roleKeys: ['reader'] }, C), 409, 6, 'V3-DKcYh');
      expect(answer.body.details[0].message).toBe('User grant already exists');
      // Same key with the project grant id spelled out, or other roles.
      await rejected(() => client.post(userGrantsPath(gigi), { projectId: P, projectGrantId: G, roleKeys: ['writer'] }, C), 409, 6, 'V3-DKcYh');
      // The owned-project grant of scenario 28 is a different key, and also taken.
      await rejected(() => client.post(userGrantsPath(gigi), { projectId: P }, V), 409, 6, 'V3-DKcYh');
    });

    it('an explicit projectGrantId of the acting org\'s grant, an empty role list and duplicate roles are accepted', async () => {
      const dave = await client.addHuman(C, 'dave');
      const explicit = await client.post(userGrantsPath(dave), { projectId: P, projectGrantId: G, roleKeys: ['writer', 'reader', 'writer'] }, C);
      expect(explicit.status).toBe(200);
      const [added] = await eventsOf(`usergrant-${explicit.body.userGrantId}`);
      expect(added?.data).toEqual({ userId: dave, projectId: P, grantId: G, roleKeys: ['writer', 'reader'] });
      const erin = await client.addHuman(C, 'erin');
      const empty = await client.post(userGrantsPath(erin), { projectId: P, project_grant_id: G, role_keys: [] }, C);
      expect(empty.status).toBe(200);
      expect(empty.body.details.sequence).toBe('1');
    });

    it('the path userId wins over a userId field in the body', async () => {
      const frank = await client.addHuman(C, 'frank');
      const answer = await client.post(userGrantsPath(frank), { userId: uuidv7(), projectId: P, roleKeys: ['reader'] }, C);
      expect(answer.status).toBe(200);
      const [added] = await eventsOf(`usergrant-${answer.body.userGrantId}`);
      expect(added?.data).toMatchObject({ userId: frank });
    });

    it('validates the AddUserGrant body (400/3) before the business rules, writing nothing', async () => {
      const missing = await rejected(() => client.post(userGrantsPath(gigi), { roleKeys: ['reader'] }, C), 400, 3, 'GRANTLINE-InvalidField');
      expect(missing.body.details[0].message).toBe('invalid AddUserGrantRequest.projectId: value length must be between 1 and 200 runes, inclusive');
      const grantId = await rejected(() => client.post(userGrantsPath(gigi), { projectId: P, projectGrantId: 'g'.repeat(201) }, C), 400, 3, 'GRANTLINE-InvalidField');
      expect(grantId.body.details[0].message).toBe('invalid AddUserGrantRequest.projectGrantId: value length must be at most 200 runes');
      const item = await rejected(() => client.post(userGrantsPath(gigi), { projectId: P, roleKeys: ['reader', { $gt: '' }] }, C), 400, 3, 'GRANTLINE-InvalidField');
      expect(item.body.details[0].message).toMatch(/^invalid AddUserGrantRequest\.roleKeys\[1\]: /);
      // Validation (step 6) comes before the business rules (step 7): an unknown user with a bad body is 400/3.
      await rejected(() => client.post(userGrantsPath(uuidv7()), { projectId: 5 }, C), 400, 3, 'GRANTLINE-InvalidField');
    });
  });

  describe('read-your-writes and positions (§1.2, §1.9)', () => {
    it('50 × AddProjectGrant followed at once by GetProjectGrantByID on another connection: every read is 200', async () => {
      const project = await client.addProject(V, 'Read your writes', ['reader']);
      const orgs: string[] = [];
      for (let i = 0; i < 50; i += 1) orgs.push(await client.addOrg(`RYW org ${i}`));
      for (const [i, org] of orgs.entries()) {
        const added = await client.post(grantsPath(project), { grantedOrgId: org, roleKeys: ['reader'] }, V);
        expect(added.status).toBe(200);
        const position = Number(added.headers.get('x-grantline-position'));
        const read = await reader.get(grantPath(project, added.body.grantId), V);
        expect({ iteration: i, status: read.status }).toEqual({ iteration: i, status: 200 });
        expect(read.body.projectGrant.grantedOrgId).toBe(org);
        expect(Number(read.headers.get('x-grantline-position'))).toBeGreaterThanOrEqual(position);
      }
    });

    it('commands and reads carry x-grantline-position', async () => {
      const org = await client.addOrg('Position Org');
      const added = await client.post(grantsPath(P), { grantedOrgId: org }, V);
      expect(added.headers.get('x-grantline-position')).toBe(String(await head()));
      const person = await client.addHuman(org, 'positioned');
      const userGrant = await client.post(userGrantsPath(person), { projectId: P }, V);
      expect(userGrant.headers.get('x-grantline-position')).toBe(String(await head()));
      const read = await reader.get(grantPath(P, added.body.grantId), org);
      expect(read.status).toBe(200);
      expect(read.headers.get('x-grantline-position')).toMatch(DECIMAL);
    });

    it('x-grantline-consistency: eventual and strong, and x-grantline-min-position, are accepted on reads', async () => {
      const variants: Record<string, string>[] = [{ 'x-grantline-consistency': 'eventual' }, { 'x-grantline-consistency': 'strong' }, { 'x-grantline-min-position': '0' }];
      for (const headers of variants) {
        const read = await reader.call('GET', grantPath(P, G), { org: V, headers });
        expect(read.status).toBe(200);
        expect(read.body.projectGrant.grantId).toBe(G);
        expect(read.headers.get('x-grantline-position')).toMatch(DECIMAL);
      }
      const org = await client.addOrg('Min Position Org');
      const added = await client.post(grantsPath(P), { grantedOrgId: org }, V);
      const position = added.headers.get('x-grantline-position') ?? '';
      const read = await reader.call('GET', grantPath(P, added.body.grantId), { org: V, headers: { 'x-grantline-min-position': position } });
      expect(read.status).toBe(200);
      expect(Number(read.headers.get('x-grantline-position'))).toBeGreaterThanOrEqual(Number(position));
    });

    it('the consistency headers are accepted on commands too', async () => {
      const org = await client.addOrg('Eventual Command Org');
      const added = await client.call('POST', grantsPath(P), { org: V, body: { grantedOrgId: org }, headers: { 'x-grantline-consistency': 'eventual' } });
      expect(added.status).toBe(200);
    });
  });
});

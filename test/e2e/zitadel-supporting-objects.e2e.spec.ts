/**
 * Black-box HTTP suite for the supporting objects of the ZITADEL dialect (zitadel-api.md §2.2,
 * §3.11): AddOrg, GetMyOrg, AddProject, GetProjectByID, AddProjectRole, BulkAddProjectRoles,
 * ListProjectRoles, AddHumanUser, AddMachineUser, GetUserByID. Acceptance scenarios 3 (AddOrg
 * part), 5, 6, 7 and 8 of §8, the wire shapes of §1.4/§1.7, and routing (§1.1).
 */
import { v7 as uuidv7 } from 'uuid';
import { type HttpAnswer, TEST_TOKEN, type TestApp, ZitadelClient, expectZitadelError, startTestApp } from '../support/app';

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DECIMAL = /^\d+$/;
const ts = () => expect.stringMatching(TIMESTAMP);

const ORGS = '/management/v1/orgs';
const MY_ORG = '/management/v1/orgs/me';
const PROJECTS = '/management/v1/projects';
const projectPath = (id: string) => `${PROJECTS}/${id}`;
const rolesPath = (id: string) => `${PROJECTS}/${id}/roles`;
const bulkRolesPath = (id: string) => `${PROJECTS}/${id}/roles/_bulk`;
const searchRolesPath = (id: string) => `${PROJECTS}/${id}/roles/_search`;
const HUMANS = '/management/v1/users/human';
const MACHINES = '/management/v1/users/machine';
const userPath = (id: string) => `/management/v1/users/${id}`;

/** Drops an empty `phone` message (ZITADEL prints a set, empty message as {}; absent is fine too). */
function withoutEmptyPhone(user: any): any {
  if (user?.human?.phone !== undefined) {
    expect(user.human.phone).toEqual({});
    const { phone: _phone, ...human } = user.human;
    return { ...user, human };
  }
  return user;
}

describe('ZITADEL supporting objects: orgs, projects, roles, users', () => {
  let service: TestApp;
  let client: ZitadelClient;
  let reader: ZitadelClient;
  const head = () => service.platform.eventStore.headPosition();

  async function rejected(send: () => Promise<HttpAnswer>, status: number, code: number, id: string): Promise<HttpAnswer> {
    const before = await head();
    const answer = await send();
    // Never an internal error (501 GRANTLINE-NotYet is a deliberate answer).
    expect(answer.status).not.toBe(500);
    expect([2, 13]).not.toContain(answer.body?.code);
    expectZitadelError(answer, status, code, id);
    expect(await head()).toBe(before);
    return answer;
  }

  beforeAll(async () => {
    service = await startTestApp();
    client = new ZitadelClient(service.baseUrl);
    reader = new ZitadelClient(service.baseUrl);
  });
  afterAll(async () => service.close());

  describe('orgs (scenarios 3, 5, 6)', () => {
    let vendor: HttpAnswer;

    it('5: AddOrg "Vendor" answers a UUIDv7 id and add details; GetMyOrg via V at once shows it', async () => {
      vendor = await client.post(ORGS, { name: 'Vendor' });
      expect(vendor.status).toBe(200);
      const id = vendor.body.id;
      expect(id).toMatch(UUID_V7);
      // org.added + org.domain.primary.set: the sequence of the last event appended.
      expect(vendor.body).toEqual({ id, details: { sequence: '2', creationDate: ts(), resourceOwner: id } });
      expect(vendor.body.details).not.toHaveProperty('changeDate');
      expect(vendor.headers.get('x-grantline-position')).toBe(String(await head()));

      const mine = await reader.get(MY_ORG, id);
      expect(mine.status).toBe(200);
      expect(mine.body).toEqual({
        org: {
          id,
          details: { sequence: '2', creationDate: vendor.body.details.creationDate, changeDate: vendor.body.details.creationDate, resourceOwner: id },
          state: 'ORG_STATE_ACTIVE',
          name: 'Vendor',
          primaryDomain: 'vendor.localhost',
        },
      });
      expect(Number(mine.headers.get('x-grantline-position'))).toBeGreaterThanOrEqual(Number(vendor.headers.get('x-grantline-position')));
    });

    it('3: AddOrg needs no x-zitadel-orgid; an empty header is absent, and a header naming an existing org is fine', async () => {
      const empty = await client.call('POST', ORGS, { body: { name: 'Empty Header Org' }, org: '' });
      expect(empty.status).toBe(200);
      const named = await client.post(ORGS, { name: 'Named Header Org' }, vendor.body.id);
      expect(named.status).toBe(200);
      expect(named.body.details.resourceOwner).toBe(named.body.id);
    });

    it('6: AddOrg "VENDOR" answers 409 V3-DKcYh (org names are unique case-insensitively)', async () => {
      const answer = await rejected(() => client.post(ORGS, { name: 'VENDOR' }), 409, 6, 'V3-DKcYh');
      expect(answer.body.details[0].message).toBe('Organisation name already taken');
      await rejected(() => client.post(ORGS, { name: 'vendor' }), 409, 6, 'V3-DKcYh');
    });

    it('6: a new name whose generated domain is taken answers 409 V3-DKcYh "Domain already exists" and writes nothing', async () => {
      const answer = await rejected(() => client.post(ORGS, { name: 'Vendor!' }), 409, 6, 'V3-DKcYh');
      expect(answer.body.details[0].message).toBe('Domain already exists');
      await rejected(() => client.post(ORGS, { name: ' vendor ' }), 409, 6, 'V3-DKcYh');
    });

    it('generates the primary domain from the name; stores the name exactly as sent', async () => {
      const cases: [string, (id: string) => string][] = [
        ['Customer B', () => 'customer-b.localhost'],
        ['  Spaced  Out  ', () => 'spaced--out.localhost'],
        ['Ünïcödé Co!', () => 'ncd-co.localhost'],
        ['!!!', (id) => `${id}.localhost`],
        ['😀'.repeat(200), (id) => `${id}.localhost`],
      ];
      for (const [name, domain] of cases) {
        const added = await client.post(ORGS, { name });
        expect(added.status).toBe(200);
        const mine = await reader.get(MY_ORG, added.body.id);
        expect(mine.status).toBe(200);
        expect({ name: mine.body.org.name, primaryDomain: mine.body.org.primaryDomain }).toEqual({ name, primaryDomain: domain(added.body.id) });
      }
    });

    it('GetMyOrg needs an acting org: 400 GRANTLINE-NoOrg without the header', async () => {
      await rejected(() => reader.get(MY_ORG), 400, 3, 'GRANTLINE-NoOrg');
    });
  });

  describe('projects', () => {
    let V: string;
    let C: string;

    beforeAll(async () => {
      V = await client.addOrg('Project Vendor');
      C = await client.addOrg('Project Customer');
    });

    it('3: AddProject without x-zitadel-orgid answers 400/3 GRANTLINE-NoOrg', async () => {
      const answer = await rejected(() => client.post(PROJECTS, { name: 'Portal' }), 400, 3, 'GRANTLINE-NoOrg');
      expect(answer.body.details[0].message).toBe(
        'This call acts inside an organisation; the instance administrator has none, so send the x-zitadel-orgid header',
      );
      await rejected(() => client.call('POST', PROJECTS, { body: { name: 'Portal' }, org: '' }), 400, 3, 'GRANTLINE-NoOrg');
    });

    it('AddProject answers id and add details; GetProjectByID at once answers the project with zero values omitted', async () => {
      const added = await client.post(PROJECTS, { name: 'Portal' }, V);
      expect(added.status).toBe(200);
      expect(added.body).toEqual({ id: expect.stringMatching(UUID_V7), details: { sequence: '1', creationDate: ts(), resourceOwner: V } });
      expect(added.headers.get('x-grantline-position')).toBe(String(await head()));
      const read = await reader.get(projectPath(added.body.id), V);
      expect(read.status).toBe(200);
      expect(read.body).toEqual({
        project: {
          id: added.body.id,
          details: { sequence: '1', creationDate: added.body.details.creationDate, changeDate: added.body.details.creationDate, resourceOwner: V },
          name: 'Portal',
          state: 'PROJECT_STATE_ACTIVE',
        },
      });
      expect(read.headers.get('x-grantline-position')).toMatch(DECIMAL);
    });

    it('AddProject keeps the flags and the private labeling setting (by name or number)', async () => {
      const byName = await client.post(
        PROJECTS,
        { name: 'Flagged', projectRoleAssertion: true, projectRoleCheck: true, hasProjectCheck: true, privateLabelingSetting: 'PRIVATE_LABELING_SETTING_ENFORCE_PROJECT_RESOURCE_OWNER_POLICY' },
        V,
      );
      expect(byName.status).toBe(200);
      const read = await reader.get(projectPath(byName.body.id), V);
      expect(read.body.project).toEqual({
        id: byName.body.id,
        details: { sequence: '1', creationDate: ts(), changeDate: ts(), resourceOwner: V },
        name: 'Flagged',
        state: 'PROJECT_STATE_ACTIVE',
        projectRoleAssertion: true,
        projectRoleCheck: true,
        hasProjectCheck: true,
        privateLabelingSetting: 'PRIVATE_LABELING_SETTING_ENFORCE_PROJECT_RESOURCE_OWNER_POLICY',
      });
      const byNumber = await client.post(PROJECTS, { name: 'Numbered', project_role_check: false, private_labeling_setting: 2 }, V);
      expect(byNumber.status).toBe(200);
      const numbered = await reader.get(projectPath(byNumber.body.id), V);
      expect(numbered.body.project.privateLabelingSetting).toBe('PRIVATE_LABELING_SETTING_ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY');
      expect(numbered.body.project).not.toHaveProperty('projectRoleCheck');
    });

    it('project names are unique per org, case-insensitively: 409 V3-DKcYh; another org may reuse the name', async () => {
      const answer = await rejected(() => client.post(PROJECTS, { name: 'PORTAL' }, V), 409, 6, 'V3-DKcYh');
      expect(answer.body.details[0].message).toBe('Project already exists on organisation');
      const elsewhere = await client.post(PROJECTS, { name: 'Portal' }, C);
      expect(elsewhere.status).toBe(200);
    });

    it('AddProject with admins answers 501/12 GRANTLINE-NotYet until members exist; empty or null admins are fine', async () => {
      await rejected(() => client.post(PROJECTS, { name: 'With admins', admins: [{ userId: uuidv7(), roles: ['PROJECT_OWNER'] }] }, V), 501, 12, 'GRANTLINE-NotYet');
      expect((await client.post(PROJECTS, { name: 'No admins', admins: [] }, V)).status).toBe(200);
      expect((await client.post(PROJECTS, { name: 'Null admins', admins: null }, V)).status).toBe(200);
    });

    it('GetProjectByID of an unknown project, or of another org\'s project, answers 404 QUERY-fk2fs', async () => {
      const project = await client.addProject(V, 'Private');
      const unknown = await rejected(() => reader.get(projectPath(uuidv7()), V), 404, 5, 'QUERY-fk2fs');
      expect(unknown.body.details[0].message).toBe('Project not found');
      await rejected(() => reader.get(projectPath(project), C), 404, 5, 'QUERY-fk2fs');
      await rejected(() => reader.get(projectPath(project.toUpperCase()), V), 404, 5, 'QUERY-fk2fs');
    });

    it('path parameters are percent-decoded; query strings are ignored', async () => {
      const project = await client.addProject(V, 'Encoded');
      const encoded = [...project].map((char) => `%${char.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
      const read = await reader.get(projectPath(encoded), V);
      expect(read.status).toBe(200);
      expect(read.body.project.id).toBe(project);
      const withQuery = await reader.get(`${projectPath(project)}?id=${uuidv7()}&foo=bar`, V);
      expect(withQuery.status).toBe(200);
      expect(withQuery.body.project.id).toBe(project);
    });
  });

  describe('project roles (scenarios 7, 8)', () => {
    let V: string;
    let C: string;
    let P: string;

    beforeAll(async () => {
      V = await client.addOrg('Role Vendor');
      C = await client.addOrg('Role Customer');
      P = await client.addProject(V, 'Portal', ['reader', 'writer']);
    });

    it('AddProjectRole answers add details with the project sequence', async () => {
      const project = await client.addProject(V, 'Roles one by one');
      const added = await client.post(rolesPath(project), { roleKey: 'viewer', displayName: 'Viewer', group: 'ops' }, V);
      expect(added.status).toBe(200);
      expect(added.body).toEqual({ details: { sequence: '2', creationDate: ts(), resourceOwner: V } });
      expect(added.headers.get('x-grantline-position')).toBe(String(await head()));
      const list = await reader.post(searchRolesPath(project), {}, V);
      expect(list.body.result).toEqual([
        { key: 'viewer', details: { sequence: '2', creationDate: added.body.details.creationDate, changeDate: added.body.details.creationDate, resourceOwner: V }, displayName: 'Viewer', group: 'ops' },
      ]);
    });

    it('7: AddProjectRole READER on P answers 409 V3-DKcYh (role keys are unique case-insensitively)', async () => {
      const answer = await rejected(() => client.post(rolesPath(P), { roleKey: 'READER', displayName: 'Reader' }, V), 409, 6, 'V3-DKcYh');
      expect(answer.body.details[0].message).toBe('Role already exists');
      await rejected(() => client.post(rolesPath(P), { role_key: 'reader', display_name: 'Reader' }, V), 409, 6, 'V3-DKcYh');
    });

    it('AddProjectRole / BulkAddProjectRoles on an unknown project, or another org\'s project, answer 400/9 COMMAND-EbFMN', async () => {
      const answer = await rejected(() => client.post(rolesPath(uuidv7()), { roleKey: 'x', displayName: 'X' }, V), 400, 9, 'COMMAND-EbFMN');
      expect(answer.body.details[0].message).toBe('Project not found');
      await rejected(() => client.post(rolesPath(P), { roleKey: 'x', displayName: 'X' }, C), 400, 9, 'COMMAND-EbFMN');
      await rejected(() => client.post(bulkRolesPath(uuidv7()), { roles: [{ key: 'x', displayName: 'X' }] }, V), 400, 9, 'COMMAND-EbFMN');
      await rejected(() => client.post(bulkRolesPath(P), { roles: [{ key: 'x', displayName: 'X' }] }, C), 400, 9, 'COMMAND-EbFMN');
      await rejected(() => client.post(bulkRolesPath(uuidv7()), { roles: [] }, V), 400, 9, 'COMMAND-EbFMN');
    });

    it('BulkAddProjectRoles answers the details of the last role event', async () => {
      const project = await client.addProject(V, 'Bulk');
      const added = await client.post(bulkRolesPath(project), { roles: [{ key: 'a', displayName: 'A' }, { key: 'b', displayName: 'B', group: 'g' }, { key: 'c', displayName: 'C' }] }, V);
      expect(added.status).toBe(200);
      expect(added.body).toEqual({ details: { sequence: '4', creationDate: ts(), resourceOwner: V } });
      expect(added.headers.get('x-grantline-position')).toBe(String(await head()));
    });

    it('8: BulkAddProjectRoles [a, A] answers 409 V3-DKcYh and ListProjectRoles is unchanged', async () => {
      const before = await reader.post(searchRolesPath(P), {}, V);
      await rejected(() => client.post(bulkRolesPath(P), { roles: [{ key: 'a', displayName: 'a' }, { key: 'A', displayName: 'A' }] }, V), 409, 6, 'V3-DKcYh');
      // A clash with an existing role fails the whole batch too.
      await rejected(() => client.post(bulkRolesPath(P), { roles: [{ key: 'fresh', displayName: 'Fresh' }, { key: 'Writer', displayName: 'W' }] }, V), 409, 6, 'V3-DKcYh');
      const after = await reader.post(searchRolesPath(P), {}, V);
      expect(after.body.result).toEqual(before.body.result);
      expect(after.body.details.totalResult).toBe('2');
    });

    it('BulkAddProjectRoles with no roles answers 200 with only resourceOwner and appends nothing', async () => {
      const before = await head();
      for (const body of [{ roles: [] }, {}, { roles: null }]) {
        const answer = await client.post(bulkRolesPath(P), body, V);
        expect(answer.status).toBe(200);
        expect(answer.body).toEqual({ details: { resourceOwner: V } });
      }
      expect(await head()).toBe(before);
    });

    it('BulkAddProjectRoles accepts up to 1000 roles and rejects 1001', async () => {
      const project = await client.addProject(V, 'Many roles');
      const roles = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => ({ key: `${prefix}-${i}`, displayName: `Role ${i}` }));
      const many = await client.post(bulkRolesPath(project), { roles: roles(150, 'r') }, V);
      expect(many.status).toBe(200);
      expect(many.body.details.sequence).toBe('151');
      const tooMany = await rejected(() => client.post(bulkRolesPath(project), { roles: roles(1001, 's') }, V), 400, 3, 'GRANTLINE-InvalidField');
      expect(tooMany.body.details[0].message).toMatch(/^invalid BulkAddProjectRolesRequest\.roles: /);
      const max = await client.post(bulkRolesPath(project), { roles: roles(1000, 't') }, V);
      expect(max.status).toBe(200);
      expect(max.body.details.sequence).toBe('1151');
    });

    it('ListProjectRoles answers the roles newest first, with list details; asc, offset and limit page', async () => {
      const project = await client.addProject(V, 'Listed');
      for (const key of ['one', 'two', 'three']) {
        expect((await client.post(rolesPath(project), { roleKey: key, displayName: key.toUpperCase() }, V)).status).toBe(200);
      }
      const list = await reader.post(searchRolesPath(project), {}, V);
      expect(list.status).toBe(200);
      expect(list.body.details).toEqual({ totalResult: '3', processedSequence: expect.stringMatching(DECIMAL), viewTimestamp: ts() });
      expect(list.headers.get('x-grantline-position')).toBe(list.body.details.processedSequence);
      expect(list.body.result.map((role: { key: string }) => role.key)).toEqual(['three', 'two', 'one']);
      expect(list.body.result[0]).toEqual({ key: 'three', details: { sequence: '4', creationDate: ts(), changeDate: ts(), resourceOwner: V }, displayName: 'THREE' });

      const asc = await reader.post(searchRolesPath(project), { query: { asc: true } }, V);
      expect(asc.body.result.map((role: { key: string }) => role.key)).toEqual(['one', 'two', 'three']);
      const page = await reader.post(searchRolesPath(project), { query: { offset: '1', limit: 1 } }, V);
      expect(page.body.details.totalResult).toBe('3');
      expect(page.body.result.map((role: { key: string }) => role.key)).toEqual(['two']);
      const beyond = await reader.post(searchRolesPath(project), { query: { offset: 10 } }, V);
      expect(beyond.body).not.toHaveProperty('result');
      expect(beyond.body.details.totalResult).toBe('3');
      const limitZero = await reader.post(searchRolesPath(project), { query: { limit: 0 } }, V);
      expect(limitZero.body.result).toHaveLength(3);
    });

    it('ListProjectRoles filters by keyQuery / displayNameQuery with literal text methods', async () => {
      const project = await client.addProject(V, 'Filtered', ['team.admin', 'team.viewer', 'Team.Reader', 'other']);
      const keys = async (queries: unknown[]) => {
        const answer = await reader.post(searchRolesPath(project), { queries, query: { asc: true } }, V);
        expect(answer.status).toBe(200);
        return (answer.body.result ?? []).map((role: { key: string }) => role.key);
      };
      expect(await keys([{ keyQuery: { key: 'team.admin' } }])).toEqual(['team.admin']);
      expect(await keys([{ keyQuery: { key: 'team', method: 'TEXT_QUERY_METHOD_STARTS_WITH' } }])).toEqual(['team.admin', 'team.viewer']);
      expect(await keys([{ keyQuery: { key: 'team', method: 'TEXT_QUERY_METHOD_STARTS_WITH_IGNORE_CASE' } }])).toEqual(['team.admin', 'team.viewer', 'Team.Reader']);
      expect(await keys([{ keyQuery: { key: 'ER', method: 5 } }])).toEqual(['team.viewer', 'Team.Reader', 'other']);
      // Literal: no pattern characters.
      expect(await keys([{ keyQuery: { key: '.*', method: 'TEXT_QUERY_METHOD_CONTAINS' } }])).toEqual([]);
      expect(await keys([{ keyQuery: { key: '%', method: 'TEXT_QUERY_METHOD_CONTAINS' } }])).toEqual([]);
      expect(await keys([{ display_name_query: { display_name: 'OTHER', method: 'TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE' } }])).toEqual(['other']);
      expect(await keys([{ keyQuery: { key: 'team', method: 2 } }, { keyQuery: { key: 'admin', method: 6 } }])).toEqual(['team.admin']);
    });

    it('ListProjectRoles of an unknown project, or of another org\'s project, is an empty list: details only', async () => {
      for (const [project, org] of [[uuidv7(), V], [P, C]] as const) {
        const answer = await reader.post(searchRolesPath(project), {}, org);
        expect(answer.status).toBe(200);
        expect(Object.keys(answer.body)).toEqual(['details']);
        expect(answer.body.details).toEqual({ processedSequence: expect.stringMatching(DECIMAL), viewTimestamp: ts() });
      }
    });

    it('ListProjectRoles rejects a query element that sets no known query or several (400/3 GRANTLINE-InvalidQuery)', async () => {
      for (const queries of [[{}], [{ foo: {} }], [{ keyQuery: { key: 'a' }, displayNameQuery: { displayName: 'a' } }], [{ keyQuery: null }]]) {
        const answer = await rejected(() => reader.post(searchRolesPath(P), { queries }, V), 400, 3, 'GRANTLINE-InvalidQuery');
        expect(answer.body.details[0].message).toBe('List query is invalid: every element of queries must set exactly one known query');
      }
    });
  });

  describe('users', () => {
    let C: string;
    let V: string;

    beforeAll(async () => {
      C = await client.addOrg('Customer A');
      V = await client.addOrg('User Vendor');
    });

    it('AddHumanUser answers userId and add details; GetUserByID at once answers the human with zero values omitted', async () => {
      const added = await client.post(HUMANS, { userName: 'gigi', profile: { firstName: 'Gigi', lastName: 'Giraffe' }, email: { email: 'gigi@example.com' } }, C);
      expect(added.status).toBe(200);
      expect(added.body).toEqual({ userId: expect.stringMatching(UUID_V7), details: { sequence: '1', creationDate: ts(), resourceOwner: C } });
      expect(added.headers.get('x-grantline-position')).toBe(String(await head()));
      const read = await reader.get(userPath(added.body.userId), C);
      expect(read.status).toBe(200);
      expect(read.headers.get('x-grantline-position')).toMatch(DECIMAL);
      expect(withoutEmptyPhone(read.body.user)).toEqual({
        id: added.body.userId,
        details: { sequence: '1', creationDate: added.body.details.creationDate, changeDate: added.body.details.creationDate, resourceOwner: C },
        state: 'USER_STATE_ACTIVE',
        userName: 'gigi',
        loginNames: ['gigi@customer-a.localhost'],
        preferredLoginName: 'gigi@customer-a.localhost',
        human: {
          profile: { firstName: 'Gigi', lastName: 'Giraffe', displayName: 'Gigi Giraffe' },
          email: { email: 'gigi@example.com' },
        },
      });
      expect(Object.keys(read.body)).toEqual(['user']);
    });

    it('AddHumanUser keeps every profile, email and phone field; the initial password is never stored', async () => {
      const password = 'Initial-Passw0rd-never-stored-5d41402abc';
      const added = await client.post(
        HUMANS,
        {
          user_name: 'hank',
          profile: { first_name: 'Hank', last_name: 'Hill', nick_name: 'H', display_name: 'Hank H.', preferred_language: 'de', gender: 'GENDER_MALE' },
          email: { email: 'hank@example.com', is_email_verified: true },
          phone: { phone: '+41790000000', is_phone_verified: true },
          initial_password: password,
        },
        C,
      );
      expect(added.status).toBe(200);
      const read = await reader.get(userPath(added.body.userId), C);
      expect(read.body.user.human).toEqual({
        profile: { firstName: 'Hank', lastName: 'Hill', nickName: 'H', displayName: 'Hank H.', preferredLanguage: 'de', gender: 'GENDER_MALE' },
        email: { email: 'hank@example.com', isEmailVerified: true },
        phone: { phone: '+41790000000', isPhoneVerified: true },
      });
      const everything = await service.platform.eventStore.readAll();
      expect(JSON.stringify(everything)).not.toContain(password);
      const byNumber = await client.post(HUMANS, { userName: 'ivy', profile: { firstName: 'Ivy', lastName: 'I', gender: 1 }, email: { email: 'ivy@example.com' } }, C);
      expect(byNumber.status).toBe(200);
      const ivy = await reader.get(userPath(byNumber.body.userId), C);
      expect(ivy.body.user.human.profile.gender).toBe('GENDER_FEMALE');
    });

    it('user names are unique per org, case-insensitively: 409 V3-DKcYh; another org may reuse the name', async () => {
      await client.addHuman(C, 'jules');
      const human = await rejected(
        () => client.post(HUMANS, { userName: 'JULES', profile: { firstName: 'J', lastName: 'J' }, email: { email: 'j@example.com' } }, C),
        409,
        6,
        'V3-DKcYh',
      );
      expect(human.body.details[0].message).toBe('User already exists');
      await rejected(() => client.post(MACHINES, { userName: 'Jules', name: 'Jules bot' }, C), 409, 6, 'V3-DKcYh');
      const elsewhere = await client.post(MACHINES, { userName: 'jules', name: 'Jules bot' }, V);
      expect(elsewhere.status).toBe(200);
    });

    it('AddMachineUser ignores a client-chosen userId; GetUserByID answers the machine with zero values omitted', async () => {
      const added = await client.post(MACHINES, { userName: 'bot', name: 'Bot', userId: 'my-own-id' }, C);
      expect(added.status).toBe(200);
      expect(added.body).toEqual({ userId: expect.stringMatching(UUID_V7), details: { sequence: '1', creationDate: ts(), resourceOwner: C } });
      const read = await reader.get(userPath(added.body.userId), C);
      expect(read.body.user).toEqual({
        id: added.body.userId,
        details: { sequence: '1', creationDate: added.body.details.creationDate, changeDate: added.body.details.creationDate, resourceOwner: C },
        state: 'USER_STATE_ACTIVE',
        userName: 'bot',
        loginNames: ['bot@customer-a.localhost'],
        preferredLoginName: 'bot@customer-a.localhost',
        machine: { name: 'Bot' },
      });
      await rejected(() => reader.get(userPath('my-own-id'), C), 404, 5, 'QUERY-Dfbg2');

      const jwt = await client.post(MACHINES, { user_name: 'jwt-bot', name: 'JWT bot', description: 'signs', access_token_type: 'ACCESS_TOKEN_TYPE_JWT' }, C);
      expect(jwt.status).toBe(200);
      const jwtRead = await reader.get(userPath(jwt.body.userId), C);
      expect(jwtRead.body.user.machine).toEqual({ name: 'JWT bot', description: 'signs', accessTokenType: 'ACCESS_TOKEN_TYPE_JWT' });
    });

    it('GetUserByID of an unknown user, or of another org\'s user, answers 404 QUERY-Dfbg2', async () => {
      const user = await client.addHuman(C, 'kim');
      const unknown = await rejected(() => reader.get(userPath(uuidv7()), C), 404, 5, 'QUERY-Dfbg2');
      expect(unknown.body.details[0].message).toBe('User could not be found');
      await rejected(() => reader.get(userPath(user), V), 404, 5, 'QUERY-Dfbg2');
    });
  });

  describe('routing (§1.1)', () => {
    const anonymous = () => new ZitadelClient(service.baseUrl, null);

    it('an unknown path answers 404/5 GRANTLINE-NoRoute, before authentication', async () => {
      for (const path of ['/management/v1/nope', '/management/v2/orgs', '/management/v1/orgs/me/', `${PROJECTS}/`, '/', '/management/v1/projects/x/grants/y/z']) {
        for (const who of [client, anonymous()]) {
          const answer = await rejected(() => who.call('GET', path), 404, 5, 'GRANTLINE-NoRoute');
          expect(answer.body.details[0].message).toBe('Not Found');
        }
      }
      await rejected(() => client.call('POST', '/management/v1/nope', { body: { name: 'x' } }), 404, 5, 'GRANTLINE-NoRoute');
    });

    it('a known path with another method answers 405/12 GRANTLINE-NoMethod, before authentication', async () => {
      const cases: [string, string][] = [
        ['DELETE', MY_ORG],
        ['POST', MY_ORG],
        ['GET', ORGS],
        ['PATCH', ORGS],
        ['PUT', HUMANS],
        ['PUT', PROJECTS],
        ['GET', `${PROJECTS}/${uuidv7()}/roles/_bulk`],
        ['GET', `/management/v1/users/${uuidv7()}/grants`],
      ];
      for (const [method, path] of cases) {
        for (const who of [client, anonymous()]) {
          const answer = await rejected(() => who.call(method, path, method === 'GET' ? {} : { body: {} }), 405, 12, 'GRANTLINE-NoMethod');
          expect(answer.body.details[0].message).toBe('Method Not Allowed');
        }
      }
    });

    it('GET /healthz answers 200 without a token', async () => {
      const answer = await fetch(`${service.baseUrl}/healthz`);
      expect(answer.status).toBe(200);
    });

    it('errors have the ZITADEL wire shape and a JSON content type', async () => {
      const answer = await fetch(`${service.baseUrl}${MY_ORG}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await answer.json()).toEqual({
        code: 3,
        message: 'This call acts inside an organisation; the instance administrator has none, so send the x-zitadel-orgid header (GRANTLINE-NoOrg)',
        details: [
          {
            '@type': 'type.googleapis.com/zitadel.v1.ErrorDetail',
            id: 'GRANTLINE-NoOrg',
            message: 'This call acts inside an organisation; the instance administrator has none, so send the x-zitadel-orgid header',
          },
        ],
      });
    });
  });
});

describe('ZITADEL supporting objects with GRANTLINE_DOMAIN set', () => {
  let service: TestApp;
  let client: ZitadelClient;

  beforeAll(async () => {
    service = await startTestApp({ GRANTLINE_DOMAIN: 'grantline.example' });
    client = new ZitadelClient(service.baseUrl);
  });
  afterAll(async () => service.close());

  it('generated primary domains and login names use the configured domain', async () => {
    const org = await client.addOrg('Customer A');
    const mine = await client.get(MY_ORG, org);
    expect(mine.body.org.primaryDomain).toBe('customer-a.grantline.example');
    const user = await client.addHuman(org, 'gigi');
    const read = await client.get(userPath(user), org);
    expect(read.body.user.preferredLoginName).toBe('gigi@customer-a.grantline.example');
  });
});

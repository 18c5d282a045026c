/**
 * The ZITADEL Management API over RPC, driven by ZITADEL's own client libraries against a running
 * Grantline: @zitadel/client (`createManagementServiceClient`) over the Connect protocol and over
 * gRPC-Web, and @zitadel/node (`createManagementClient` + `createAccessTokenInterceptor`) over gRPC
 * on HTTP/2 — all on the REST port. Every implemented method: the seed flow (orgs, project, roles,
 * users, project grant, user grant), both lifecycles, and the error cases, with the status code and
 * the `zitadel.v1.ErrorDetail` id decoded on the client side.
 */
import { TEST_TOKEN, type TestApp, startTestApp } from '../support/app';
import { type Json, type ManagementApi, RPC_CLIENTS, expectFailure, rpcApi, sameInstant } from '../support/zitadel-rpc';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe.each(RPC_CLIENTS)('ZITADEL Management API over RPC: %s', (_name, transport) => {
  let service: TestApp;
  let api: ManagementApi;
  const head = () => service.platform.eventStore.headPosition();

  // The §8 setup: orgs Vendor (V) and Customer A (C); project Portal (P) in V with roles reader,
  // writer and admin; human user gigi and machine user bot in C; grant G of P to C; user grant UG.
  let V: string;
  let C: string;
  let P: string;
  let gigi: string;
  let bot: string;
  let G: string;
  let UG: string;

  beforeAll(async () => {
    service = await startTestApp();
    api = rpcApi(transport, service.baseUrl);
  });
  afterAll(async () => service.close());

  describe('seed flow', () => {
    it('AddOrg answers the new org id and add details; GetMyOrg reads it back in the acting org', async () => {
      const vendor = await api.call('AddOrg', { name: 'Vendor' });
      expect(vendor.id).toMatch(UUID_V7);
      expect(vendor.details).toEqual({ sequence: '2', creationDate: expect.any(String), resourceOwner: vendor.id });
      V = vendor.id;
      C = (await api.call('AddOrg', { name: 'Customer A' })).id;

      const mine = await api.call('GetMyOrg', {}, C);
      expect(mine.org).toMatchObject({ id: C, name: 'Customer A', state: 'ORG_STATE_ACTIVE', primaryDomain: 'customer-a.localhost' });
    });

    it('AddProject, BulkAddProjectRoles, AddProjectRole and UpdateProjectRole build the project; GetProjectByID and ListProjectRoles read it', async () => {
      const project = await api.call('AddProject', { name: 'Portal', projectRoleAssertion: true, privateLabelingSetting: 'PRIVATE_LABELING_SETTING_ENFORCE_PROJECT_RESOURCE_OWNER_POLICY' }, V);
      P = project.id;
      expect(project.details).toMatchObject({ sequence: '1', resourceOwner: V });

      const bulk = await api.call('BulkAddProjectRoles', { projectId: P, roles: [{ key: 'reader', displayName: 'Reader' }, { key: 'writer', displayName: 'Writer' }] }, V);
      expect(bulk.details).toMatchObject({ sequence: '3', resourceOwner: V });
      await api.call('AddProjectRole', { projectId: P, roleKey: 'admin', displayName: 'Admin', group: 'ops' }, V);
      const updated = await api.call('UpdateProjectRole', { projectId: P, roleKey: 'admin', displayName: 'Administrator', group: 'ops' }, V);
      expect(updated.details).toMatchObject({ sequence: '5', changeDate: expect.any(String), resourceOwner: V });

      const read = await api.call('GetProjectByID', { id: P }, V);
      expect(read.project).toEqual({
        id: P,
        details: { sequence: expect.any(String), creationDate: expect.any(String), changeDate: expect.any(String), resourceOwner: V },
        name: 'Portal',
        state: 'PROJECT_STATE_ACTIVE',
        projectRoleAssertion: true,
        privateLabelingSetting: 'PRIVATE_LABELING_SETTING_ENFORCE_PROJECT_RESOURCE_OWNER_POLICY',
      });
      const roles = await api.call('ListProjectRoles', { projectId: P, query: { asc: true } }, V);
      expect(roles.details.totalResult).toBe('3');
      expect(roles.result.map((role: Json) => [role.key, role.displayName, role.group])).toEqual([
        ['reader', 'Reader', undefined],
        ['writer', 'Writer', undefined],
        ['admin', 'Administrator', 'ops'],
      ]);
      const byKey = await api.call('ListProjectRoles', { projectId: P, queries: [{ keyQuery: { key: 'WRI', method: 'TEXT_QUERY_METHOD_STARTS_WITH_IGNORE_CASE' } }] }, V);
      expect(byKey.result.map((role: Json) => role.key)).toEqual(['writer']);
    });

    it('AddHumanUser and AddMachineUser create users in the acting org; GetUserByID reads them', async () => {
      const human = await api.call(
        'AddHumanUser',
        { userName: 'gigi', profile: { firstName: 'Gigi', lastName: 'Giraffe', gender: 'GENDER_FEMALE' }, email: { email: 'gigi@example.com', isEmailVerified: true } },
        C,
      );
      gigi = human.userId;
      expect(human.details).toMatchObject({ sequence: '1', resourceOwner: C });
      bot = (await api.call('AddMachineUser', { userName: 'bot', name: 'Bot', accessTokenType: 'ACCESS_TOKEN_TYPE_JWT' }, C)).userId;

      const user = await api.call('GetUserByID', { id: gigi }, C);
      expect(user.user).toMatchObject({
        id: gigi,
        state: 'USER_STATE_ACTIVE',
        userName: 'gigi',
        loginNames: ['gigi@customer-a.localhost'],
        preferredLoginName: 'gigi@customer-a.localhost',
        human: { profile: { firstName: 'Gigi', lastName: 'Giraffe', displayName: 'Gigi Giraffe', gender: 'GENDER_FEMALE' }, email: { email: 'gigi@example.com', isEmailVerified: true } },
      });
      const machine = await api.call('GetUserByID', { id: bot }, C);
      expect(machine.user.machine).toEqual({ name: 'Bot', accessTokenType: 'ACCESS_TOKEN_TYPE_JWT' });
    });

    it('★ AddProjectGrant grants P to C; ★ GetProjectGrantByID answers the GrantedProject', async () => {
      const added = await api.call('AddProjectGrant', { projectId: P, grantedOrgId: C, roleKeys: ['reader', 'writer', 'reader'] }, V);
      G = added.grantId;
      expect(G).toMatch(UUID_V7);
      expect(added.details).toEqual({ sequence: '6', creationDate: expect.any(String), resourceOwner: V });

      const read = await api.call('GetProjectGrantByID', { projectId: P, grantId: G }, V);
      expect(read.projectGrant).toEqual({
        grantId: G,
        grantedOrgId: C,
        grantedOrgName: 'Customer A',
        grantedRoleKeys: ['reader', 'writer'],
        state: 'PROJECT_GRANT_STATE_ACTIVE',
        projectId: P,
        projectName: 'Portal',
        projectOwnerId: V,
        projectOwnerName: 'Vendor',
        details: { sequence: '6', creationDate: expect.any(String), changeDate: expect.any(String), resourceOwner: V },
      });
      expect(sameInstant(read.projectGrant.details.creationDate)).toBe(sameInstant(added.details.creationDate));
    });

    it('★ AddUserGrant grants gigi the role through G in C; GetUserGrantByID answers the UserGrant', async () => {
      const added = await api.call('AddUserGrant', { userId: gigi, projectId: P, projectGrantId: G, roleKeys: ['reader'] }, C);
      UG = added.userGrantId;
      expect(added.details).toEqual({ sequence: '1', creationDate: expect.any(String), resourceOwner: C });

      const read = await api.call('GetUserGrantByID', { userId: gigi, grantId: UG }, C);
      expect(read.userGrant).toEqual({
        id: UG,
        details: { sequence: '1', creationDate: expect.any(String), changeDate: expect.any(String), resourceOwner: C },
        roleKeys: ['reader'],
        state: 'USER_GRANT_STATE_ACTIVE',
        userId: gigi,
        userName: 'gigi',
        firstName: 'Gigi',
        lastName: 'Giraffe',
        email: 'gigi@example.com',
        displayName: 'Gigi Giraffe',
        orgId: C,
        orgName: 'Customer A',
        orgDomain: 'customer-a.localhost',
        projectId: P,
        projectName: 'Portal',
        projectGrantId: G,
        preferredLoginName: 'gigi@customer-a.localhost',
        userType: 'TYPE_HUMAN',
        grantedOrgId: C,
        grantedOrgName: 'Customer A',
        grantedOrgDomain: 'customer-a.localhost',
      });
    });
  });

  describe('project grant lifecycle', () => {
    it('ListProjectGrants, ListAllProjectGrants, ListGrantedProjects and GetGrantedProjectByID find G', async () => {
      const ofProject = await api.call('ListProjectGrants', { projectId: P }, V);
      expect(ofProject.details).toMatchObject({ totalResult: '1', processedSequence: String(await head()) });
      expect(ofProject.result.map((grant: Json) => grant.grantId)).toEqual([G]);

      const all = await api.call('ListAllProjectGrants', { queries: [{ grantedOrgIdQuery: { grantedOrgId: C } }] }, V);
      expect(all.result.map((grant: Json) => grant.grantId)).toEqual([G]);
      const none = await api.call('ListAllProjectGrants', { queries: [{ projectNameQuery: { name: 'nothing' } }] }, V);
      expect(none.result).toBeUndefined();

      const granted = await api.call('ListGrantedProjects', { queries: [{ nameQuery: { name: 'port', method: 'TEXT_QUERY_METHOD_CONTAINS_IGNORE_CASE' } }] }, C);
      expect(granted.result.map((grant: Json) => grant.grantId)).toEqual([G]);
      const one = await api.call('GetGrantedProjectByID', { projectId: P, grantId: G }, C);
      expect(one.grantedProject).toMatchObject({ grantId: G, projectId: P, grantedOrgId: C, projectOwnerName: 'Vendor' });
    });

    it('UpdateProjectGrant replaces the roles; the user grant loses the removed ones', async () => {
      const updated = await api.call('UpdateProjectGrant', { projectId: P, grantId: G, roleKeys: ['writer'] }, V);
      expect(updated.details).toEqual({ sequence: '7', changeDate: expect.any(String), resourceOwner: V });
      expect((await api.call('GetProjectGrantByID', { projectId: P, grantId: G }, V)).projectGrant.grantedRoleKeys).toEqual(['writer']);
      // The cascade (§4) runs in a reactor: poll briefly for it.
      await eventually(async () => expect((await api.call('GetUserGrantByID', { userId: gigi, grantId: UG }, C)).userGrant.roleKeys).toBeUndefined());
      await api.call('UpdateProjectGrant', { projectId: P, grantId: G, roleKeys: ['reader', 'writer'] }, V);
    });

    it('DeactivateProjectGrant and ReactivateProjectGrant switch the state; a repeat is a no-op', async () => {
      await api.call('DeactivateProjectGrant', { projectId: P, grantId: G }, V);
      expect((await api.call('GetProjectGrantByID', { projectId: P, grantId: G }, V)).projectGrant.state).toBe('PROJECT_GRANT_STATE_INACTIVE');
      const before = await head();
      const again = await api.call('DeactivateProjectGrant', { projectId: P, grantId: G }, V);
      expect(await head()).toBe(before);
      expect(again.details.sequence).toBe('9');
      await api.call('ReactivateProjectGrant', { projectId: P, grantId: G }, V);
      expect((await api.call('GetProjectGrantByID', { projectId: P, grantId: G }, V)).projectGrant.state).toBe('PROJECT_GRANT_STATE_ACTIVE');
    });
  });

  describe('user grant lifecycle', () => {
    it('ListUserGrants finds UG by user; UpdateUserGrant changes its roles, unchanged is refused', async () => {
      const listed = await api.call('ListUserGrants', { queries: [{ userIdQuery: { userId: gigi } }] }, C);
      expect(listed.result.map((grant: Json) => grant.id)).toEqual([UG]);
      const byType = await api.call('ListUserGrants', { queries: [{ userTypeQuery: { type: 'TYPE_MACHINE' } }] }, C);
      expect(byType.result).toBeUndefined();

      const updated = await api.call('UpdateUserGrant', { userId: gigi, grantId: UG, roleKeys: ['reader', 'writer'] }, C);
      expect(updated.details).toMatchObject({ changeDate: expect.any(String), resourceOwner: C });
      expect((await api.call('GetUserGrantByID', { userId: gigi, grantId: UG }, C)).userGrant.roleKeys).toEqual(['reader', 'writer']);
      await expectFailure(api.call('UpdateUserGrant', { userId: gigi, grantId: UG, roleKeys: ['reader', 'writer'] }, C), 9, 'COMMAND-Rs8fy');
    });

    it('DeactivateUserGrant, ReactivateUserGrant and RemoveUserGrant; a removed grant is not found', async () => {
      await api.call('DeactivateUserGrant', { userId: gigi, grantId: UG }, C);
      expect((await api.call('GetUserGrantByID', { userId: gigi, grantId: UG }, C)).userGrant.state).toBe('USER_GRANT_STATE_INACTIVE');
      await api.call('ReactivateUserGrant', { userId: gigi, grantId: UG }, C);
      expect((await api.call('GetUserGrantByID', { userId: gigi, grantId: UG }, C)).userGrant.state).toBe('USER_GRANT_STATE_ACTIVE');
      const removed = await api.call('RemoveUserGrant', { userId: gigi, grantId: UG }, C);
      expect(removed.details).toMatchObject({ changeDate: expect.any(String), resourceOwner: C });
      await expectFailure(api.call('GetUserGrantByID', { userId: gigi, grantId: UG }, C), 5, 'QUERY-wIPkA');
      await expectFailure(api.call('RemoveUserGrant', { userId: gigi, grantId: UG }, C), 5, 'COMMAND-1My0t');
    });

    it('BulkRemoveUserGrant removes every listed grant and answers {}', async () => {
      const first = (await api.call('AddUserGrant', { userId: gigi, projectId: P, roleKeys: ['reader'] }, C)).userGrantId;
      const second = (await api.call('AddUserGrant', { userId: bot, projectId: P, roleKeys: ['writer'] }, C)).userGrantId;
      expect(await api.call('BulkRemoveUserGrant', { grantId: [first, second, first] }, C)).toEqual({});
      const left = await api.call('ListUserGrants', { queries: [{ projectIdQuery: { projectId: P } }] }, C);
      expect(left.result).toBeUndefined();
      await expectFailure(api.call('BulkRemoveUserGrant', { grantId: [] }, C), 3, 'COMMAND-5M0sd');
    });
  });

  describe('removals', () => {
    it('RemoveProjectGrant removes G; UpdateProjectGrant on it answers NotFound PROJECT-D8JxR', async () => {
      const removed = await api.call('RemoveProjectGrant', { projectId: P, grantId: G }, V);
      expect(removed.details).toMatchObject({ changeDate: expect.any(String), resourceOwner: V });
      await expectFailure(api.call('GetProjectGrantByID', { projectId: P, grantId: G }, V), 5, 'QUERY-n98GGs');
      const error = await expectFailure(api.call('UpdateProjectGrant', { projectId: P, grantId: G, roleKeys: ['reader'] }, V), 5, 'PROJECT-D8JxR');
      expect(error.wireMessage).toBe('Project grant not found (PROJECT-D8JxR)');
    });

    it('RemoveProjectRole, RemoveUser and RemoveProject remove the supporting objects', async () => {
      await api.call('RemoveProjectRole', { projectId: P, roleKey: 'admin' }, V);
      const roles = await api.call('ListProjectRoles', { projectId: P }, V);
      expect(roles.result.map((role: Json) => role.key).sort()).toEqual(['reader', 'writer']);

      await api.call('RemoveUser', { id: bot }, C);
      await expectFailure(api.call('GetUserByID', { id: bot }, C), 5, 'QUERY-Dfbg2');
      await expectFailure(api.call('RemoveUser', { id: bot }, C), 5, 'COMMAND-m9od');

      await api.call('RemoveProject', { id: P }, V);
      await expectFailure(api.call('GetProjectByID', { id: P }, V), 5, 'QUERY-fk2fs');
      await expectFailure(api.call('RemoveProject', { id: P }, V), 5, 'COMMAND-3M9sd');
    });
  });

  describe('errors, as ZITADEL sends them', () => {
    /** A failing call writes nothing. */
    async function rejected(call: () => Promise<unknown>, code: number, id: string) {
      const before = await head();
      const error = await expectFailure(call(), code, id);
      expect(await head()).toBe(before);
      return error;
    }

    it('no token → UNAUTHENTICATED GRANTLINE-NoToken; another token → UNAUTHENTICATED AUTH-7fs1e', async () => {
      await rejected(() => rpcApi(transport, service.baseUrl, null).call('AddOrg', { name: 'Nobody' }), 16, 'GRANTLINE-NoToken');
      await rejected(() => rpcApi(transport, service.baseUrl, `${TEST_TOKEN}-not`).call('GetMyOrg', {}, C), 16, 'AUTH-7fs1e');
    });

    it('an unknown x-zitadel-orgid → PERMISSION_DENIED AUTH-Bs7Ds; none on an org call → INVALID_ARGUMENT GRANTLINE-NoOrg', async () => {
      await rejected(() => api.call('GetMyOrg', {}, 'no-such-org'), 7, 'AUTH-Bs7Ds');
      await rejected(() => api.call('AddProject', { name: 'Orphan' }), 3, 'GRANTLINE-NoOrg');
    });

    it('field validation → INVALID_ARGUMENT GRANTLINE-InvalidField with the REST message', async () => {
      const portal = (await api.call('AddProject', { name: 'Portal 2', }, V)).id;
      const empty = await rejected(() => api.call('AddProjectGrant', { projectId: portal, grantedOrgId: '' }, V), 3, 'GRANTLINE-InvalidField');
      expect(empty.detail?.message).toBe('invalid AddProjectGrantRequest.grantedOrgId: value length must be between 1 and 200 runes, inclusive');
      const long = await rejected(() => api.call('AddProjectGrant', { projectId: portal, grantedOrgId: C, roleKeys: ['x'.repeat(201)] }, V), 3, 'GRANTLINE-InvalidField');
      expect(long.detail?.message).toBe('invalid AddProjectGrantRequest.roleKeys[0]: value length must be between 1 and 200 runes, inclusive');
      const path = await rejected(() => api.call('GetProjectGrantByID', { projectId: portal, grantId: '' }, V), 3, 'GRANTLINE-InvalidField');
      expect(path.detail?.message).toBe('invalid GetProjectGrantByIDRequest.grantId: value length must be between 1 and 200 runes, inclusive');
      await rejected(() => api.call('ListUserGrants', { queries: [{}] }, C), 3, 'GRANTLINE-InvalidQuery');
      await rejected(() => api.call('ListProjectGrants', { projectId: portal, query: { limit: 1001 } }, V), 3, 'GRANTLINE-InvalidField');
    });

    it('business rules → FAILED_PRECONDITION, ALREADY_EXISTS and NOT_FOUND with their ids', async () => {
      const portal = (await api.call('AddProject', { name: 'Portal 3' }, V)).id;
      await api.call('AddProjectRole', { projectId: portal, roleKey: 'reader', displayName: 'Reader' }, V);
      await rejected(() => api.call('AddProjectGrant', { projectId: portal, grantedOrgId: V }, V), 9, 'PROJECT-ckUpbvboAH');
      await rejected(() => api.call('AddProjectGrant', { projectId: 'no-such-project', grantedOrgId: C }, V), 9, 'COMMAND-m9gsd');
      await rejected(() => api.call('AddProjectGrant', { projectId: portal, grantedOrgId: C, roleKeys: ['ghost'] }, V), 9, 'COMMAND-6m9gd');
      const grant = (await api.call('AddProjectGrant', { projectId: portal, grantedOrgId: C, roleKeys: ['reader'] }, V)).grantId;
      await rejected(() => api.call('AddProjectGrant', { projectId: portal, grantedOrgId: C }, V), 6, 'V3-DKcYh');
      await rejected(() => api.call('AddUserGrant', { userId: gigi, projectId: portal, projectGrantId: grant, roleKeys: ['writer'] }, C), 9, 'COMMAND-mm9F4');
      await rejected(() => api.call('AddUserGrant', { userId: 'nobody', projectId: portal }, C), 9, 'COMMAND-4f8sg');
      await rejected(() => api.call('GetProjectGrantByID', { projectId: portal, grantId: 'no-such-grant' }, V), 5, 'QUERY-n98GGs');
      const third = (await api.call('AddOrg', { name: 'Third Org' })).id;
      await rejected(() => api.call('GetGrantedProjectByID', { projectId: portal, grantId: grant }, third), 5, 'MANAG-drt2a');
      await rejected(() => api.call('AddOrg', { name: 'vendor' }), 6, 'V3-DKcYh');
      await api.call('AddUserGrant', { userId: gigi, projectId: portal, roleKeys: ['reader'] }, C);
      await rejected(() => api.call('AddUserGrant', { userId: gigi, projectId: portal, projectGrantId: grant }, C), 6, 'V3-DKcYh');
    });

    it('a method Grantline does not implement → UNIMPLEMENTED GRANTLINE-NotYet', async () => {
      await rejected(() => api.call('ListOrgMembers', {}, V), 12, 'GRANTLINE-NotYet');
    });
  });
});

/** Retries an assertion for up to 2 s (cascades run asynchronously in a reactor). */
async function eventually(assertion: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 2000;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

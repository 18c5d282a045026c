import { type TestApp, ZitadelClient, startTestApp } from '../support/app';

describe('seed endpoints, end to end', () => {
  let service: TestApp;
  let client: ZitadelClient;

  beforeAll(async () => {
    service = await startTestApp();
    client = new ZitadelClient(service.baseUrl);
  });
  afterAll(async () => service.close());

  it('adds a project grant, reads it back at once, and adds a user grant on it', async () => {
    const vendor = await client.addOrg('Vendor');
    const customer = await client.addOrg('Customer A');
    const project = await client.addProject(vendor, 'Portal', ['reader', 'writer']);

    const added = await client.post(`/management/v1/projects/${project}/grants`, { grantedOrgId: customer, roleKeys: ['reader', 'writer'] }, vendor);
    expect(added.status).toBe(200);
    expect(added.body.details).toEqual({ sequence: '4', creationDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), resourceOwner: vendor });

    const read = await client.get(`/management/v1/projects/${project}/grants/${added.body.grantId}`, vendor);
    expect(read.status).toBe(200);
    expect(read.body.projectGrant).toEqual({
      grantId: added.body.grantId,
      grantedOrgId: customer,
      grantedOrgName: 'Customer A',
      grantedRoleKeys: ['reader', 'writer'],
      state: 'PROJECT_GRANT_STATE_ACTIVE',
      projectId: project,
      projectName: 'Portal',
      projectOwnerId: vendor,
      projectOwnerName: 'Vendor',
      details: { sequence: '4', creationDate: added.body.details.creationDate, changeDate: added.body.details.creationDate, resourceOwner: vendor },
    });

    const gigi = await client.addHuman(customer, 'gigi');
    const userGrant = await client.post(`/management/v1/users/${gigi}/grants`, { projectId: project, roleKeys: ['reader'] }, customer);
    expect(userGrant.status).toBe(200);
    expect(userGrant.body.details).toMatchObject({ sequence: '1', resourceOwner: customer });
    expect(userGrant.body.details.changeDate).toBeUndefined();
  });
});

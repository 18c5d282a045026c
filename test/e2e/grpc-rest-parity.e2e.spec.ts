/**
 * One code path: the same scenario (every write RPC the dialect implements, cascades included) run
 * over REST, over gRPC with @zitadel/node and over Connect with @zitadel/client, each against its
 * own fresh Grantline, leaves the same events and the same read models, and the reads serve the
 * same documents — once the server-generated ids and the timestamps are set aside.
 */
import { GOLEM_PROJECTION_NAME } from '../../src/golem/read-model/golem-read-model';
import { PROJECTIONS } from '../../src/platform/platform';
import { physicalCollection, projectionKey } from '../../src/projections/projection';
import { userGrantCascadesReactor } from '../../src/user-grants/cascades/user-grant-cascades.reactor';
import { type TestApp, startTestApp } from '../support/app';
import { type Json, type ManagementApi, RestApi, rpcApi } from '../support/zitadel-rpc';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
/** Unique-key streams are named by a hash of the key, which holds ids. */
const HASH = /\b[0-9a-f]{64}\b/g;

type Ids = Record<string, string>;

interface Outcome {
  readonly events: unknown;
  readonly readModels: unknown;
  readonly served: unknown;
}

const TRANSPORTS: readonly [string, (service: TestApp) => ManagementApi][] = [
  ['gRPC (@zitadel/node)', (service) => rpcApi('grpc', service.baseUrl)],
  ['Connect (@zitadel/client)', (service) => rpcApi('connect', service.baseUrl)],
];

describe('REST and RPC leave identical read models', () => {
  let rest: Outcome;

  beforeAll(async () => {
    rest = await runOn((service) => new RestApi(service.baseUrl));
  });

  it.each(TRANSPORTS)('%s: same events, same read-model documents, same served documents as REST', async (_name, api) => {
    const rpc = await runOn(api);
    expect(rpc.events).toEqual(rest.events);
    expect(rpc.readModels).toEqual(rest.readModels);
    expect(rpc.served).toEqual(rest.served);
  });

  it('the comparison has substance: every read model has documents, every id is named, the reads answered', () => {
    for (const [collection, docs] of Object.entries(rest.readModels as Record<string, unknown[]>)) {
      expect({ collection, documents: docs.length > 0 }).toEqual({ collection, documents: true });
    }
    expect(JSON.stringify(rest)).not.toContain('<unknown id>');
    const served = rest.served as Record<string, Json>;
    expect(served.userGrant?.userGrant).toMatchObject({ id: '<UG1>', roleKeys: ['reader'], projectGrantId: '<G>', state: 'USER_GRANT_STATE_ACTIVE' });
    expect(served.grant?.projectGrant).toMatchObject({ grantId: '<G>', grantedRoleKeys: ['reader'], state: 'PROJECT_GRANT_STATE_INACTIVE' });
    // RemoveProjectRole took `admin` away from UG3 (cascade); its deactivation stayed.
    expect(served.ownUserGrant?.userGrant).toMatchObject({ id: '<UG3>', roleKeys: ['reader'], state: 'USER_GRANT_STATE_INACTIVE' });
    // UG5 (through GT) went with RemoveProjectGrant GT; UG1 is C's grant on V's project.
    expect(served.userGrantsWithGranted?.result.map((grant: Json) => grant.id).sort()).toEqual(['<UG1>', '<UG3>']);
  });
});

/** Runs the scenario on a fresh service through one client; reads its events, read models and answers. */
async function runOn(connect: (service: TestApp) => ManagementApi): Promise<Outcome> {
  const service = await startTestApp();
  try {
    const api = connect(service);
    const ids = await scenario(api, () => settle(service));
    const label = labeller(ids);
    // The Golem dialect's built-in admin account (and its e-mail reservation), written at every first
    // start, is not part of this ZITADEL scenario.
    const events = (await service.platform.eventStore.readAll()).filter((event) => !isGolemEvent(event)).map((event) =>
      label({ stream: event.stream, type: event.type, revision: event.revision, position: event.position, data: event.data, resourceOwner: event.metadata.resourceOwner }),
    );
    const readModels: Record<string, unknown[]> = {};
    for (const projection of PROJECTIONS) {
      // The Golem dialect's read models: this ZITADEL scenario writes nothing there.
      if (projection.name === GOLEM_PROJECTION_NAME) continue;
      for (const spec of projection.collections) {
        const collection = physicalCollection(projection, spec.name);
        const page = await service.platform.readStore.query(collection, { offset: 0, limit: 10_000 });
        readModels[collection] = sortByJson(page.docs.map(label));
      }
    }
    return { events, readModels, served: label(await reads(api, ids)) };
  } finally {
    await service.close();
  }
}

/**
 * Every write the dialect implements, in an order that exercises the cascades. `settle` waits
 * until the projections and the cascade reactor have handled everything, so global positions do
 * not depend on timing.
 */
async function scenario(api: ManagementApi, settle: () => Promise<void>): Promise<Ids> {
  const ids: Ids = {};
  const write = async (rpc: string, request: Json, org?: string) => {
    const answer = await api.call(rpc, request, org);
    await settle();
    return answer;
  };
  ids.V = (await write('AddOrg', { name: 'Vendor' })).id;
  ids.C = (await write('AddOrg', { name: 'Customer A' })).id;
  ids.T = (await write('AddOrg', { name: 'Third Org' })).id;
  const { V, C, T } = ids as Required<Ids> & { V: string; C: string; T: string };

  ids.P = (await write('AddProject', { name: 'Portal', projectRoleCheck: true, hasProjectCheck: true }, V)).id;
  ids.Q = (await write('AddProject', { name: 'Shop', privateLabelingSetting: 'PRIVATE_LABELING_SETTING_ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY' }, V)).id;
  const P = ids.P as string;
  const Q = ids.Q as string;
  await write('BulkAddProjectRoles', { projectId: P, roles: [{ key: 'reader', displayName: 'Reader' }, { key: 'writer', displayName: 'Writer' }, { key: 'admin', displayName: 'Admin', group: 'ops' }] }, V);
  await write('AddProjectRole', { projectId: Q, roleKey: 'buyer', displayName: 'Buyer' }, V);
  await write('UpdateProjectRole', { projectId: P, roleKey: 'admin', displayName: 'Administrator', group: 'operations' }, V);

  ids.gigi = (
    await write(
      'AddHumanUser',
      {
        userName: 'gigi',
        profile: { firstName: 'Gigi', lastName: 'Giraffe', nickName: 'gg', preferredLanguage: 'de', gender: 'GENDER_DIVERSE' },
        email: { email: 'gigi@example.com', isEmailVerified: true },
        phone: { phone: '+41 79 123 45 67', isPhoneVerified: true },
      },
      C,
    )
  ).userId;
  ids.bot = (await write('AddMachineUser', { userName: 'bot', name: 'Bot', description: 'CI robot', accessTokenType: 'ACCESS_TOKEN_TYPE_BEARER' }, C)).userId;
  ids.vera = (await write('AddHumanUser', { userName: 'vera', profile: { firstName: 'Vera', lastName: 'Vendor', displayName: 'V.V.' }, email: { email: 'vera@example.com' } }, V)).userId;

  ids.G = (await write('AddProjectGrant', { projectId: P, grantedOrgId: C, roleKeys: ['reader', 'writer'] }, V)).grantId;
  ids.GT = (await write('AddProjectGrant', { projectId: P, grantedOrgId: T, roleKeys: ['reader'] }, V)).grantId;
  ids.GQ = (await write('AddProjectGrant', { projectId: Q, grantedOrgId: C, roleKeys: ['buyer'] }, V)).grantId;

  ids.UG1 = (await write('AddUserGrant', { userId: ids.gigi, projectId: P, projectGrantId: ids.G, roleKeys: ['reader', 'writer'] }, C)).userGrantId;
  ids.UG2 = (await write('AddUserGrant', { userId: ids.bot, projectId: P, roleKeys: ['reader'] }, C)).userGrantId;
  ids.UG3 = (await write('AddUserGrant', { userId: ids.vera, projectId: P, roleKeys: ['admin', 'reader'] }, V)).userGrantId;
  ids.UG4 = (await write('AddUserGrant', { userId: ids.gigi, projectId: Q, projectGrantId: ids.GQ, roleKeys: ['buyer'] }, C)).userGrantId;
  ids.UG5 = (await write('AddUserGrant', { userId: ids.gigi, projectId: P, roleKeys: ['reader'] }, T)).userGrantId;

  await write('UpdateProjectGrant', { projectId: P, grantId: ids.G, roleKeys: ['reader'] }, V);
  await write('DeactivateProjectGrant', { projectId: P, grantId: ids.GT }, V);
  await write('ReactivateProjectGrant', { projectId: P, grantId: ids.GT }, V);
  await write('DeactivateProjectGrant', { projectId: P, grantId: ids.G }, V);

  await write('UpdateUserGrant', { userId: ids.bot, grantId: ids.UG2, roleKeys: [] }, C);
  await write('DeactivateUserGrant', { userId: ids.gigi, grantId: ids.UG1 }, C);
  await write('ReactivateUserGrant', { userId: ids.gigi, grantId: ids.UG1 }, C);
  await write('DeactivateUserGrant', { userId: ids.vera, grantId: ids.UG3 }, V);

  await write('RemoveProjectRole', { projectId: P, roleKey: 'admin' }, V);
  await write('RemoveUserGrant', { userId: ids.bot, grantId: ids.UG2 }, C);
  await write('BulkRemoveUserGrant', { grantId: [ids.UG4] }, C);
  await write('RemoveProjectGrant', { projectId: P, grantId: ids.GT }, V);
  await write('RemoveUser', { id: ids.bot }, C);
  await write('RemoveProject', { id: Q }, V);
  return ids;
}

/** What each read serves at the end, through the same client. */
async function reads(api: ManagementApi, ids: Ids): Promise<Record<string, Json>> {
  const { V, C, T, P, G, gigi, vera, UG1, UG3 } = ids as Record<string, string>;
  return {
    myOrg: await api.call('GetMyOrg', {}, C),
    project: await api.call('GetProjectByID', { id: P }, V),
    roles: await api.call('ListProjectRoles', { projectId: P }, V),
    gigi: await api.call('GetUserByID', { id: gigi }, C),
    vera: await api.call('GetUserByID', { id: vera }, V),
    grant: await api.call('GetProjectGrantByID', { projectId: P, grantId: G }, V),
    grantedProject: await api.call('GetGrantedProjectByID', { projectId: P, grantId: G }, C),
    projectGrants: await api.call('ListProjectGrants', { projectId: P, query: { asc: true } }, V),
    allProjectGrants: await api.call('ListAllProjectGrants', { queries: [{ projectIdQuery: { projectId: P } }] }, V),
    grantedProjects: await api.call('ListGrantedProjects', {}, T),
    userGrant: await api.call('GetUserGrantByID', { userId: gigi, grantId: UG1 }, C),
    ownUserGrant: await api.call('GetUserGrantByID', { userId: vera, grantId: UG3 }, V),
    userGrantsOfC: await api.call('ListUserGrants', { query: { asc: true } }, C),
    userGrantsWithGranted: await api.call('ListUserGrants', { queries: [{ withGrantedQuery: { withGranted: true } }] }, V),
  };
}

/** Waits until every projection and the cascade reactor have handled the store's head. */
async function settle(service: TestApp): Promise<void> {
  const keys = [...PROJECTIONS, userGrantCascadesReactor(service.platform.executor)].map(projectionKey);
  for (;;) {
    const head = await service.platform.eventStore.headPosition();
    if (!(await service.platform.progress.waitFor(keys, head, 5000))) throw new Error(`projections did not reach ${head}`);
    if ((await service.platform.eventStore.headPosition()) === head) return;
  }
}

/** Server-generated ids become the scenario's names for them; timestamps become `<date>`, key hashes `<hash>`. */
function labeller(ids: Ids): <T>(value: T) => unknown {
  const names = new Map(Object.entries(ids).map(([name, id]) => [id, `<${name}>`]));
  const label = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return TIMESTAMP.test(value) ? '<date>' : value.replace(UUID, (id) => names.get(id) ?? '<unknown id>').replace(HASH, '<hash>');
    }
    if (Array.isArray(value)) return value.map(label);
    if (value instanceof Date) return '<date>';
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, field]) => [label(key) as string, label(field)]));
    }
    return value;
  };
  return label;
}

function sortByJson(values: readonly unknown[]): unknown[] {
  return [...values].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

function isGolemEvent(event: { readonly stream: string; readonly data: unknown }): boolean {
  const kind = (event.data as { kind?: unknown } | null)?.kind;
  return event.stream.startsWith('golem.') || (typeof kind === 'string' && kind.startsWith('golem.'));
}

/**
 * What a start does not load (decisions §23): the RPC services' descriptors come with the first
 * RPC (rpc-server.ts), and Fastify's schema compilers never (no route has a Fastify schema).
 */
import { TEST_TOKEN, type TestApp, startTestApp } from '../support/app';
import { RPC_SERVICE_NAMES } from '../../src/http/grpc/rpc-server';

const loaded: string[] = [];
// The factory runs when the module is first required: it records that, and hands over the real one.
jest.mock('@zitadel/proto/zitadel/admin_pb', () => {
  (globalThis as { rpcDescriptorsLoaded?: string[] }).rpcDescriptorsLoaded?.push('admin_pb');
  return jest.requireActual('@zitadel/proto/zitadel/admin_pb');
});
jest.mock('@fastify/ajv-compiler', () => {
  (globalThis as { rpcDescriptorsLoaded?: string[] }).rpcDescriptorsLoaded?.push('@fastify/ajv-compiler');
  return jest.requireActual('@fastify/ajv-compiler');
});
(globalThis as { rpcDescriptorsLoaded?: string[] }).rpcDescriptorsLoaded = loaded;
// Counts how often an app builds its RPC handlers.
jest.mock('../../src/http/grpc/zitadel-rpc', () => {
  const actual = jest.requireActual<typeof import('../../src/http/grpc/zitadel-rpc')>('../../src/http/grpc/zitadel-rpc');
  return { ...actual, zitadelRpcHandlers: jest.fn(actual.zitadelRpcHandlers) };
});

/** An empty JSON POST as the administrator: a REST search, or a Connect unary call by path. */
function postEmpty(baseUrl: string, path: string): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
    body: '{}',
  });
}

describe('start-up: RPC handlers built on the first RPC, no Fastify schema compilers', () => {
  let service: TestApp;

  beforeAll(async () => {
    service = await startTestApp();
  });
  afterAll(async () => service.close());

  it('given a started service, then neither Ajv nor the admin descriptors are loaded until an RPC comes, and that RPC is answered', async () => {
    expect(loaded).toStrictEqual([]);
    const rest = await postEmpty(service.baseUrl, '/admin/v1/events/types/_search');
    expect(rest.status).toBe(200);
    expect(loaded).toStrictEqual([]);

    const rpc = await postEmpty(service.baseUrl, '/zitadel.admin.v1.AdminService/ListEventTypes');

    expect(rpc.status).toBe(200);
    const answer = (await rpc.json()) as { eventTypes?: Array<{ type: string }> };
    expect(answer.eventTypes?.map((eventType) => eventType.type)).toContain('project.grant.added');
    expect(loaded).toStrictEqual(['admin_pb']);
  });

  it('given the descriptors, then the routes named before loading them are their services', async () => {
    const { RPC_SERVICES } = await import('../../src/http/grpc/zitadel-rpc');
    expect(RPC_SERVICE_NAMES).toStrictEqual(RPC_SERVICES.map((service) => service.typeName));
  });

  it('given an unknown method of a served service, then it is not found', async () => {
    const rpc = await postEmpty(service.baseUrl, '/zitadel.admin.v1.AdminService/NoSuchMethod');
    expect(rpc.status).toBe(404);
  });
});

describe('the first RPCs of a start, arriving together', () => {
  let service: TestApp;

  beforeAll(async () => {
    service = await startTestApp();
  });
  afterAll(async () => service.close());

  it('given gRPC (HTTP/2) and Connect (HTTP/1.1) calls before any handler exists, then the handlers are built once and every call is answered', async () => {
    const { zitadelRpcHandlers } = await import('../../src/http/grpc/zitadel-rpc');
    const builds = (zitadelRpcHandlers as jest.Mock).mock.calls.length;
    // Imported here: the RPC clients load descriptors of their own, which the first test must not see.
    const { rpcApi } = await import('../support/zitadel-rpc');
    const grpc = rpcApi('grpc', service.baseUrl);
    const connect = async () => (await postEmpty(service.baseUrl, '/zitadel.admin.v1.AdminService/ListEventTypes')).status;

    const [orgs, statuses] = await Promise.all([
      Promise.all([1, 2, 3].map((n) => grpc.call('AddOrg', { name: `Org ${n}` }))),
      Promise.all([connect(), connect(), connect()]),
    ]);

    expect(orgs.map((org) => typeof org.id)).toStrictEqual(['string', 'string', 'string']);
    expect(statuses).toStrictEqual([200, 200, 200]);
    expect((zitadelRpcHandlers as jest.Mock).mock.calls.length).toBe(builds + 1);
  });
});

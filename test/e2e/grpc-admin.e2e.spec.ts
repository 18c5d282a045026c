/**
 * `zitadel.admin.v1.AdminService` over RPC: the event and projection methods of /admin/v1, driven by
 * @zitadel/client (Connect) and @zitadel/node (gRPC), answer what REST answers on the same service.
 */
import { type DescMethodUnary, type JsonValue, fromJson, toJson } from '@bufbuild/protobuf';
import { ConnectError } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { NewAuthorizationBearerInterceptor } from '@zitadel/client';
import { createAdminServiceClient } from '@zitadel/client/v1';
import { createAccessTokenInterceptor, createAdminClient } from '@zitadel/node/dist/api/index.js';
import { AdminServiceDefinition } from '@zitadel/node/dist/api/generated/zitadel/admin.js';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb';
import { ErrorDetailSchema } from '@zitadel/proto/zitadel/message_pb';
import { TEST_TOKEN, type TestApp, ZitadelClient, startTestApp } from '../support/app';
import type { Json } from '../support/zitadel-rpc';

type UnaryCall = (request: unknown) => Promise<unknown>;

describe('ZITADEL Admin API over RPC: events and projections', () => {
  let service: TestApp;
  let rest: ZitadelClient;
  let connect: (rpc: string, request?: Json) => Promise<Json>;
  let grpc: (rpc: string, request?: Json) => Promise<Json>;

  /** The same Admin call over REST (its /admin/v1 path) and over both RPC clients. */
  async function everywhere(rpc: string, path: string, request: Json = {}): Promise<[Json, Json, Json]> {
    const answer = await rest.call(path.startsWith('DELETE ') ? 'DELETE' : 'POST', path.replace(/^DELETE /, ''), { body: request });
    expect(answer.status).toBe(200);
    return [answer.body as Json, await connect(rpc, request), await grpc(rpc, request)];
  }

  beforeAll(async () => {
    service = await startTestApp();
    rest = new ZitadelClient(service.baseUrl);
    const vendor = await rest.addOrg('Vendor');
    const customer = await rest.addOrg('Customer A');
    const project = await rest.addProject(vendor, 'Portal', ['reader']);
    await rest.addProjectGrant(vendor, project, customer, ['reader']);

    const connectClient = createAdminServiceClient(
      createConnectTransport({ baseUrl: service.baseUrl, httpVersion: '1.1', interceptors: [NewAuthorizationBearerInterceptor(TEST_TOKEN)] }),
    ) as unknown as Record<string, UnaryCall>;
    connect = async (rpc, request = {}) => {
      const name = rpc.charAt(0).toLowerCase() + rpc.slice(1);
      const method = (AdminService.method as Record<string, DescMethodUnary>)[name] as DescMethodUnary;
      return toJson(method.output, (await (connectClient[name] as UnaryCall)(fromJson(method.input, request as JsonValue))) as never) as Json;
    };
    const grpcClient = createAdminClient(service.baseUrl, createAccessTokenInterceptor(TEST_TOKEN)) as unknown as Record<string, UnaryCall>;
    grpc = async (rpc, request = {}) => {
      const name = rpc.charAt(0).toLowerCase() + rpc.slice(1);
      const method = (AdminServiceDefinition.methods as unknown as Record<string, { requestType: { fromJSON(json: unknown): unknown }; responseType: { toJSON(message: unknown): unknown } }>)[name];
      if (method === undefined) throw new Error(`no method ${rpc}`);
      return method.responseType.toJSON(await (grpcClient[name] as UnaryCall)(method.requestType.fromJSON(request))) as Json;
    };
  });
  afterAll(async () => service.close());

  it('ListEvents: the same events, payloads, editors and labels as REST, filters included', async () => {
    const [viaRest, viaConnect, viaGrpc] = await everywhere('ListEvents', '/admin/v1/events/_search', { asc: true, aggregateTypes: ['project'] });
    expect(viaRest.events.map((event: Json) => event.type.type)).toEqual(['project.added', 'project.role.added', 'project.grant.added']);
    for (const answer of [viaConnect, viaGrpc]) {
      expect(withInstants(answer)).toEqual(withInstants(viaRest));
    }
  });

  it('ListEventTypes, ListAggregateTypes, ListViews and ListFailedEvents answer as REST', async () => {
    for (const [rpc, path] of [
      ['ListEventTypes', '/admin/v1/events/types/_search'],
      ['ListAggregateTypes', '/admin/v1/aggregates/types/_search'],
      ['ListViews', '/admin/v1/views/_search'],
      ['ListFailedEvents', '/admin/v1/failedevents/_search'],
    ] as const) {
      const [viaRest, viaConnect, viaGrpc] = await everywhere(rpc, path);
      expect({ rpc, answer: withInstants(viaConnect) }).toEqual({ rpc, answer: withInstants(viaRest) });
      expect({ rpc, answer: withInstants(viaGrpc) }).toEqual({ rpc, answer: withInstants(viaRest) });
    }
  });

  it('RemoveFailedEvent of no failure → NOT_FOUND GRANTLINE-FailedEventNotFound, with its ErrorDetail', async () => {
    const error = await connect('RemoveFailedEvent', { database: 'zitadel', viewName: 'projections.project_grants', failedSequence: '1' }).then(
      () => undefined,
      (thrown: unknown) => ConnectError.from(thrown),
    );
    expect(error?.code).toBe(5);
    expect(error?.findDetails(ErrorDetailSchema)[0]?.id).toBe('GRANTLINE-FailedEventNotFound');
  });
});

/** Timestamps as instants: protojson drops trailing zero fractions that REST keeps. */
function withInstants(value: unknown): unknown {
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(value)) return new Date(value).toISOString();
  if (Array.isArray(value)) return value.map(withInstants);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, withInstants(field)]));
  return value;
}

/**
 * The transports around the RPC edge: REST (HTTP/1.1), Connect and gRPC-Web (HTTP/1.1 through
 * Fastify) and gRPC (HTTP/2 cleartext) share one port; every REST method of the Management API is
 * an RPC; gRPC status messages are encoded as the gRPC spec says; connections that never say what
 * they speak are dropped; the server still closes with gRPC sessions open.
 */
import { connect as http2Connect, constants as http2 } from 'node:http2';
import { connect as netConnect } from 'node:net';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { Reflector } from '@nestjs/core';
import { createAccessTokenInterceptor, createAdminClient, createAuthClient } from '@zitadel/node/dist/api/index.js';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb';
import { AddOrgRequestSchema, AddOrgResponseSchema, AddProjectGrantRequestSchema, ManagementService } from '@zitadel/proto/zitadel/management_pb';
import { ErrorDetailSchema } from '@zitadel/proto/zitadel/message_pb';
import { AdminController } from '../../src/http/zitadel/admin.controller';
import { OrgsController } from '../../src/http/zitadel/orgs.controller';
import { GrantedProjectsController, ProjectGrantsController } from '../../src/http/zitadel/project-grants.controller';
import { ProjectsController } from '../../src/http/zitadel/projects.controller';
import { UserGrantsController } from '../../src/http/zitadel/user-grants.controller';
import { UsersController } from '../../src/http/zitadel/users.controller';
import { ZITADEL_ROUTE, type ZitadelRoute } from '../../src/http/zitadel/zitadel-route.decorator';
import { TEST_TOKEN, type TestApp, ZitadelClient, startTestApp } from '../support/app';
import { RestApi, expectFailure, rpcApi } from '../support/zitadel-rpc';

const MANAGEMENT_CONTROLLERS = [OrgsController, ProjectsController, UsersController, ProjectGrantsController, GrantedProjectsController, UserGrantsController];

/** The RPC names of REST routes (their `@Zitadel({rpc})`). */
function restRpcNames(controllers: readonly (abstract new (...args: never[]) => object)[]): string[] {
  const reflector = new Reflector();
  return controllers.flatMap((type) =>
    Object.getOwnPropertyNames(type.prototype)
      .map((name) => (type.prototype as unknown as Record<string, unknown>)[name])
      .filter((handler): handler is () => unknown => typeof handler === 'function')
      .map((handler) => reflector.get<ZitadelRoute | undefined>(ZITADEL_ROUTE, handler)?.rpc)
      .filter((rpc): rpc is string => rpc !== undefined),
  );
}

describe('RPC transports on the REST port', () => {
  let service: TestApp;
  let port: number;

  beforeAll(async () => {
    service = await startTestApp();
    port = Number(new URL(service.baseUrl).port);
  });
  afterAll(async () => service.close());

  it('REST, Connect, gRPC-Web and gRPC answer on the same port, interleaved', async () => {
    const rest = new RestApi(service.baseUrl);
    const clients = [rest, rpcApi('connect', service.baseUrl), rpcApi('grpc-web', service.baseUrl), rpcApi('grpc', service.baseUrl)];
    const orgs = await Promise.all(clients.map((client, index) => client.call('AddOrg', { name: `Org ${index}` })));
    const names = await Promise.all(
      clients.flatMap((client) => orgs.map(async (org) => (await client.call('GetMyOrg', {}, org.id)).org.name as string)),
    );
    expect(names).toEqual(clients.flatMap(() => ['Org 0', 'Org 1', 'Org 2', 'Org 3']));
    expect((await fetch(`${service.baseUrl}/healthz`)).status).toBe(200);
  });

  it('every REST method of /management/v1 is served by ManagementService (it authenticates instead of answering UNIMPLEMENTED)', async () => {
    const names = restRpcNames(MANAGEMENT_CONTROLLERS);
    expect(names.length).toBeGreaterThanOrEqual(32);
    const anonymous = rpcApi('grpc', service.baseUrl, null);
    for (const rpc of names) {
      expect(ManagementService.methods.map((method) => method.name)).toContain(rpc);
      const error = await expectFailure(anonymous.call(rpc, {}), 16, 'GRANTLINE-NoToken');
      expect(error.detail?.message).toBe('Authentication required: send an Authorization: Bearer token');
    }
  });

  it('every REST method of /admin/v1 is served by AdminService', async () => {
    const names = restRpcNames([AdminController]);
    expect(names.length).toBeGreaterThanOrEqual(6);
    const anonymous = createAdminClient(service.baseUrl) as unknown as Record<string, (request: object) => Promise<unknown>>;
    for (const rpc of names) {
      expect(AdminService.methods.map((method) => method.name)).toContain(rpc);
      const call = anonymous[rpc.charAt(0).toLowerCase() + rpc.slice(1)];
      await expect(call?.({})).rejects.toMatchObject({ code: 16, details: 'Authentication required: send an Authorization: Bearer token (GRANTLINE-NoToken)' });
    }
    const admin = createAdminClient(service.baseUrl, createAccessTokenInterceptor(TEST_TOKEN));
    await expect(admin.listIAMMembers({})).rejects.toMatchObject({ code: 12, details: 'This feature is not supported yet (GRANTLINE-NotYet)' });
  });

  it('a service Grantline does not serve answers UNIMPLEMENTED to a gRPC client', async () => {
    const auth = createAuthClient(service.baseUrl, createAccessTokenInterceptor(TEST_TOKEN));
    await expect(auth.getMyUser({})).rejects.toMatchObject({ code: 12 });
  });

  it('commands and reads send x-grantline-position as a response header, as REST does', async () => {
    const transport = createConnectTransport({ baseUrl: service.baseUrl, httpVersion: '1.1' });
    const client = createClient(ManagementService, transport);
    let written: string | null = null;
    const org = await client.addOrg({ name: 'Positioned' }, { headers: { authorization: `Bearer ${TEST_TOKEN}` }, onHeader: (headers) => (written = headers.get('x-grantline-position')) });
    expect(written).toBe(String(await service.platform.eventStore.headPosition()));
    let served: string | null = null;
    await client.getMyOrg({}, { headers: { authorization: `Bearer ${TEST_TOKEN}`, 'x-zitadel-orgid': org.id }, onHeader: (headers) => (served = headers.get('x-grantline-position')) });
    expect(served).toBe(written);
  });

  it('read-your-writes across clients and protocols; the consistency headers travel as metadata', async () => {
    const rest = new RestApi(service.baseUrl);
    const grpc = rpcApi('grpc', service.baseUrl);
    const vendor = (await grpc.call('AddOrg', { name: 'RYW Vendor' })).id;
    const customer = (await rest.call('AddOrg', { name: 'RYW Customer' })).id;
    const project = (await grpc.call('AddProject', { name: 'RYW' }, vendor)).id;
    for (let round = 0; round < 10; round++) {
      const grantedOrg = round % 2 === 0 ? customer : (await rest.call('AddOrg', { name: `RYW Org ${round}` })).id;
      const written = round % 2 === 0 ? rest : grpc;
      const reader = round % 2 === 0 ? grpc : rest;
      if (round > 0) await written.call('RemoveProjectGrant', { projectId: project, grantId: (await reader.call('ListProjectGrants', { projectId: project }, vendor)).result[0].grantId }, vendor);
      const grant = (await written.call('AddProjectGrant', { projectId: project, grantedOrgId: grantedOrg }, vendor)).grantId;
      expect((await reader.call('GetProjectGrantByID', { projectId: project, grantId: grant }, vendor)).projectGrant.grantedOrgId).toBe(grantedOrg);
    }

    const client = createClient(ManagementService, createConnectTransport({ baseUrl: service.baseUrl, httpVersion: '1.1' }));
    const headers = { authorization: `Bearer ${TEST_TOKEN}`, 'x-zitadel-orgid': vendor };
    const eventual = await client.getProjectByID({ id: project }, { headers: { ...headers, 'x-grantline-consistency': 'eventual' } });
    expect(eventual.project?.name).toBe('RYW');
    const error = await client.getProjectByID({ id: project }, { headers: { ...headers, 'x-grantline-consistency': 'sometimes' } }).then(
      () => undefined,
      (thrown: unknown) => ConnectError.from(thrown),
    );
    expect(error?.code).toBe(3);
    expect(error?.findDetails(ErrorDetailSchema)[0]?.id).toBe('GRANTLINE-InvalidField');
  });

  it('grpc-message is percent-encoded printable ASCII as the gRPC spec says, and grpc-js (@zitadel/node) reads the message as sent', async () => {
    const message = toBinary(AddProjectGrantRequestSchema, create(AddProjectGrantRequestSchema, { projectId: 'p', grantedOrgId: '' }));
    const { trailers } = await rawGrpcCall(service.baseUrl, 'AddProjectGrant', grpcFrame(message), { 'x-zitadel-orgid': 'no-such-org' });
    expect(trailers['grpc-status']).toBe('7');
    // grpc-js encodes with encodeURI (a space is %20; ZITADEL's Go server leaves it): every
    // decoder the spec describes reads the same message.
    const wire = String(trailers['grpc-message']);
    expect(wire).toMatch(/^[\x20-\x7e]+$/);
    expect(decodeURIComponent(wire)).toBe("Organisation doesn't exist (AUTH-Bs7Ds)");
    const invalid = await expectFailure(rpcApi('grpc', service.baseUrl).call('GetProjectGrantByID', { projectId: 'p', grantId: '' }, undefined), 3, 'GRANTLINE-NoOrg');
    expect(invalid.wireMessage).toBe('This call acts inside an organisation; the instance administrator has none, so send the x-zitadel-orgid header (GRANTLINE-NoOrg)');
  });

  it('gRPC over HTTP/2 answers x-grantline-position in the response metadata, as REST does in its headers', async () => {
    const added = await rawGrpcCall(service.baseUrl, 'AddOrg', grpcFrame(toBinary(AddOrgRequestSchema, create(AddOrgRequestSchema, { name: 'Raw gRPC' }))));
    expect(added.trailers['grpc-status']).toBe('0');
    const head = await service.platform.eventStore.headPosition();
    expect(added.headers['x-grantline-position']).toBe(String(head));
    const org = fromBinary(AddOrgResponseSchema, added.body.subarray(5)).id;
    const read = await rawGrpcCall(service.baseUrl, 'GetMyOrg', grpcFrame(new Uint8Array()), { 'x-zitadel-orgid': org });
    expect(read.trailers['grpc-status']).toBe('0');
    expect(read.headers['x-grantline-position']).toBe(String(head));
  });

  it('a request message over 1 MiB answers RESOURCE_EXHAUSTED and a message that is not protobuf INTERNAL; nothing is written', async () => {
    const before = await service.platform.eventStore.headPosition();
    const huge = toBinary(AddOrgRequestSchema, create(AddOrgRequestSchema, { name: 'x'.repeat(1024 * 1024 + 1) }));
    expect((await rawGrpcCall(service.baseUrl, 'AddOrg', grpcFrame(huge))).trailers['grpc-status']).toBe('8');
    // Field 1 (name) as a length-delimited value that claims more bytes than follow.
    const truncated = new Uint8Array([0x0a, 0x7f, 0x41]);
    expect((await rawGrpcCall(service.baseUrl, 'AddOrg', grpcFrame(truncated))).trailers['grpc-status']).toBe('13');
    expect(await service.platform.eventStore.headPosition()).toBe(before);
    expect((await rpcApi('grpc', service.baseUrl).call('AddOrg', { name: 'Still serving' })).id).toEqual(expect.any(String));
  });

  it('an HTTP/1.1 request sent byte by byte is still told apart from HTTP/2 and answered', async () => {
    const socket = netConnect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    const ended = new Promise<void>((resolve) => socket.once('end', resolve));
    for (const byte of Buffer.from('GET /healthz HTTP/1.1\r\nHost: grantline\r\nConnection: close\r\n\r\n', 'latin1')) {
      socket.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await ended;
    expect(answer.startsWith('HTTP/1.1 200')).toBe(true);
  });

  it('a connection that ends inside the HTTP/2 preface is closed, and REST keeps serving', async () => {
    const socket = netConnect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.end('PRI * HTTP/2');
    await closed;
    const client = new ZitadelClient(service.baseUrl);
    expect((await client.call('POST', '/management/v1/orgs', { body: { name: 'After preface' } })).status).toBe(200);
  });

  it('the service closes while a gRPC client still holds its HTTP/2 connection', async () => {
    const other = await startTestApp();
    const grpc = rpcApi('grpc', other.baseUrl);
    await grpc.call('AddOrg', { name: 'Held open' });
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

/** One length-prefixed gRPC message (uncompressed). */
function grpcFrame(message: Uint8Array): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

/** A ManagementService call with Node's own HTTP/2 client, to see the wire: headers, body, trailers. */
async function rawGrpcCall(
  baseUrl: string,
  method: string,
  frame: Buffer,
  headers: Record<string, string> = {},
): Promise<{ headers: Record<string, unknown>; body: Buffer; trailers: Record<string, unknown> }> {
  const session = http2Connect(baseUrl);
  try {
    const stream = session.request({
      [http2.HTTP2_HEADER_METHOD]: 'POST',
      [http2.HTTP2_HEADER_PATH]: `/zitadel.management.v1.ManagementService/${method}`,
      'content-type': 'application/grpc',
      te: 'trailers',
      authorization: `Bearer ${TEST_TOKEN}`,
      ...headers,
    });
    let response: Record<string, unknown> = {};
    let trailers: Record<string, unknown> | null = null;
    stream.once('response', (received: Record<string, unknown>) => (response = received));
    stream.once('trailers', (received: Record<string, unknown>) => (trailers = received));
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may answer (and end the stream) before it has read a large request to the end.
    stream.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => stream.once('close', resolve));
    stream.end(frame);
    await closed;
    // A trailers-only answer (an error before any message) carries the status in its headers.
    return { headers: response, body: Buffer.concat(chunks), trailers: trailers ?? response };
  } finally {
    session.close();
  }
}

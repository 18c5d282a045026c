/**
 * One way to call the ZITADEL Management API for every transport a ZITADEL user has: REST (JSON
 * over HTTP/1.1), and ZITADEL's own client libraries — @zitadel/client (protobuf-es + Connect) over
 * the Connect protocol and gRPC-Web, and @zitadel/node (ts-proto + nice-grpc + grpc-js) over gRPC
 * on HTTP/2. A scenario is written once as protojson requests and answers; each client converts
 * with its own library's message types, and decodes errors (code, `zitadel.v1.ErrorDetail`) itself.
 */
import { type DescMethodUnary, type JsonValue, fromJson, toJson } from '@bufbuild/protobuf';
import { BinaryReader } from '@bufbuild/protobuf/wire';
import { ConnectError, type Transport } from '@connectrpc/connect';
import { createConnectTransport, createGrpcWebTransport } from '@connectrpc/connect-node';
import { NewAuthorizationBearerInterceptor } from '@zitadel/client';
import { createManagementServiceClient } from '@zitadel/client/v1';
import { createAccessTokenInterceptor, createManagementClient } from '@zitadel/node/dist/api/index.js';
import { ManagementServiceDefinition } from '@zitadel/node/dist/api/generated/zitadel/management.js';
import { ErrorDetail } from '@zitadel/node/dist/api/generated/zitadel/message.js';
import { ErrorDetailSchema } from '@zitadel/proto/zitadel/message_pb';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb';
import { ClientError, Metadata } from 'nice-grpc-common';
import { TEST_TOKEN, ZitadelClient } from './app';

export type Json = Record<string, any>;

/** A ZITADEL error as the client saw it: status code, wire message, and the ErrorDetail it decoded. */
export class RpcFailure extends Error {
  constructor(
    readonly code: number,
    readonly wireMessage: string,
    readonly detail: { readonly id: string; readonly message: string } | undefined,
  ) {
    super(`${code} ${wireMessage}`);
  }
}

export interface ManagementApi {
  /** Calls `rpc` (ZITADEL's method name) with a protojson request; answers the protojson response. */
  call(rpc: string, request?: Json, org?: string): Promise<Json>;
}

export type Transport3 = 'connect' | 'grpc-web' | 'grpc';

/** Which library drives which transport. */
export const RPC_CLIENTS: readonly [string, Transport3][] = [
  ['@zitadel/client over Connect', 'connect'],
  ['@zitadel/client over gRPC-Web', 'grpc-web'],
  ['@zitadel/node over gRPC (HTTP/2)', 'grpc'],
];

export function rpcApi(transport: Transport3, baseUrl: string, token: string | null = TEST_TOKEN): ManagementApi {
  return transport === 'grpc' ? new ZitadelNodeApi(baseUrl, token) : new ZitadelClientApi(transport, baseUrl, token);
}

/** The method name as both generators spell it locally (`GetProjectByID` → `getProjectByID`). */
const localName = (rpc: string) => rpc.charAt(0).toLowerCase() + rpc.slice(1);

type UnaryCall = (request: unknown, options: unknown) => Promise<unknown>;

/** @zitadel/client's `createManagementServiceClient` on a Connect or gRPC-Web transport. */
class ZitadelClientApi implements ManagementApi {
  private readonly client: Record<string, UnaryCall>;

  constructor(transport: 'connect' | 'grpc-web', baseUrl: string, token: string | null) {
    const interceptors = token === null ? [] : [NewAuthorizationBearerInterceptor(token)];
    const options = { baseUrl, httpVersion: '1.1' as const, interceptors };
    const connection: Transport = transport === 'connect' ? createConnectTransport(options) : createGrpcWebTransport(options);
    this.client = createManagementServiceClient(connection) as unknown as Record<string, UnaryCall>;
  }

  async call(rpc: string, request: Json = {}, org?: string): Promise<Json> {
    const method = (ManagementService.method as Record<string, DescMethodUnary>)[localName(rpc)];
    const call = this.client[localName(rpc)];
    if (method === undefined || call === undefined) throw new Error(`no method ${rpc}`);
    try {
      const response = await call(fromJson(method.input, request as JsonValue), { headers: org === undefined ? {} : { 'x-zitadel-orgid': org } });
      return toJson(method.output, response as never) as Json;
    } catch (error) {
      const failure = ConnectError.from(error);
      const detail = failure.findDetails(ErrorDetailSchema)[0];
      throw new RpcFailure(failure.code, failure.rawMessage, detail === undefined ? undefined : { id: detail.id, message: detail.message });
    }
  }
}

interface TsProtoMethod {
  readonly requestType: { fromJSON(json: unknown): unknown };
  readonly responseType: { toJSON(message: unknown): unknown };
}

/** @zitadel/node's `createManagementClient` (gRPC over HTTP/2) with `createAccessTokenInterceptor`. */
class ZitadelNodeApi implements ManagementApi {
  private readonly client: Record<string, UnaryCall>;

  constructor(baseUrl: string, token: string | null) {
    const client = token === null ? createManagementClient(baseUrl) : createManagementClient(baseUrl, createAccessTokenInterceptor(token));
    this.client = client as unknown as Record<string, UnaryCall>;
  }

  async call(rpc: string, request: Json = {}, org?: string): Promise<Json> {
    const method = (ManagementServiceDefinition.methods as unknown as Record<string, TsProtoMethod>)[localName(rpc)];
    const call = this.client[localName(rpc)];
    if (method === undefined || call === undefined) throw new Error(`no method ${rpc}`);
    let trailer: Metadata | undefined;
    try {
      const response = await call(method.requestType.fromJSON(request), {
        metadata: Metadata(org === undefined ? {} : { 'x-zitadel-orgid': org }),
        onTrailer: (received: Metadata) => {
          trailer = received;
        },
      });
      return method.responseType.toJSON(response) as Json;
    } catch (error) {
      if (!(error instanceof ClientError)) throw error;
      const status = trailer?.get('grpc-status-details-bin');
      const detail = status instanceof Uint8Array ? errorDetailOf(status) : undefined;
      throw new RpcFailure(error.code, error.details, detail);
    }
  }
}

/**
 * The first `zitadel.v1.ErrorDetail` of a `google.rpc.Status` (field 3: repeated Any {type_url = 1,
 * value = 2}); @zitadel/node ships no google.rpc.Status, so its envelope is read field by field.
 */
function errorDetailOf(status: Uint8Array): { id: string; message: string } | undefined {
  const reader = new BinaryReader(status);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field !== 3) {
      reader.skip(wireType);
      continue;
    }
    const any = new BinaryReader(reader.bytes());
    let typeUrl = '';
    let value: Uint8Array = new Uint8Array();
    while (any.pos < any.len) {
      const [anyField, anyWireType] = any.tag();
      if (anyField === 1) typeUrl = any.string();
      else if (anyField === 2) value = any.bytes();
      else any.skip(anyWireType);
    }
    if (typeUrl === 'type.googleapis.com/zitadel.v1.ErrorDetail') return ErrorDetail.decode(value);
  }
  return undefined;
}

/** REST: the same RPCs by their grpc-gateway paths (zitadel-api.md §2); path fields leave the body. */
const REST_ROUTES: Record<string, readonly [method: string, path: string]> = {
  AddOrg: ['POST', '/orgs'],
  GetMyOrg: ['GET', '/orgs/me'],
  AddProject: ['POST', '/projects'],
  GetProjectByID: ['GET', '/projects/{id}'],
  RemoveProject: ['DELETE', '/projects/{id}'],
  AddProjectRole: ['POST', '/projects/{projectId}/roles'],
  BulkAddProjectRoles: ['POST', '/projects/{projectId}/roles/_bulk'],
  UpdateProjectRole: ['PUT', '/projects/{projectId}/roles/{roleKey}'],
  RemoveProjectRole: ['DELETE', '/projects/{projectId}/roles/{roleKey}'],
  ListProjectRoles: ['POST', '/projects/{projectId}/roles/_search'],
  AddHumanUser: ['POST', '/users/human'],
  AddMachineUser: ['POST', '/users/machine'],
  GetUserByID: ['GET', '/users/{id}'],
  RemoveUser: ['DELETE', '/users/{id}'],
  AddProjectGrant: ['POST', '/projects/{projectId}/grants'],
  GetProjectGrantByID: ['GET', '/projects/{projectId}/grants/{grantId}'],
  ListProjectGrants: ['POST', '/projects/{projectId}/grants/_search'],
  UpdateProjectGrant: ['PUT', '/projects/{projectId}/grants/{grantId}'],
  DeactivateProjectGrant: ['POST', '/projects/{projectId}/grants/{grantId}/_deactivate'],
  ReactivateProjectGrant: ['POST', '/projects/{projectId}/grants/{grantId}/_reactivate'],
  RemoveProjectGrant: ['DELETE', '/projects/{projectId}/grants/{grantId}'],
  ListAllProjectGrants: ['POST', '/projectgrants/_search'],
  ListGrantedProjects: ['POST', '/granted_projects/_search'],
  GetGrantedProjectByID: ['GET', '/granted_projects/{projectId}/grants/{grantId}'],
  AddUserGrant: ['POST', '/users/{userId}/grants'],
  GetUserGrantByID: ['GET', '/users/{userId}/grants/{grantId}'],
  ListUserGrants: ['POST', '/users/grants/_search'],
  UpdateUserGrant: ['PUT', '/users/{userId}/grants/{grantId}'],
  DeactivateUserGrant: ['POST', '/users/{userId}/grants/{grantId}/_deactivate'],
  ReactivateUserGrant: ['POST', '/users/{userId}/grants/{grantId}/_reactivate'],
  RemoveUserGrant: ['DELETE', '/users/{userId}/grants/{grantId}'],
  BulkRemoveUserGrant: ['DELETE', '/user_grants/_bulk'],
};

export class RestApi implements ManagementApi {
  private readonly client: ZitadelClient;

  constructor(baseUrl: string, token: string | null = TEST_TOKEN) {
    this.client = new ZitadelClient(baseUrl, token);
  }

  async call(rpc: string, request: Json = {}, org?: string): Promise<Json> {
    const route = REST_ROUTES[rpc];
    if (route === undefined) throw new Error(`no REST route for ${rpc}`);
    const body: Json = { ...request };
    const path = route[1].replace(/\{(\w+)\}/g, (_match, field: string) => {
      const value = String(body[field] ?? '');
      delete body[field];
      return encodeURIComponent(value);
    });
    const answer = await this.client.call(route[0], `/management/v1${path}`, {
      ...(route[0] === 'GET' ? {} : { body }),
      ...(org !== undefined ? { org } : {}),
    });
    if (answer.status === 200) return answer.body as Json;
    const detail = answer.body?.details?.[0];
    throw new RpcFailure(answer.body?.code, answer.body?.message, detail === undefined ? undefined : { id: detail.id, message: detail.message });
  }
}

/** Calls that must fail: the error the client decoded (code, ErrorDetail id, message format). */
export async function failure(call: Promise<unknown>): Promise<RpcFailure> {
  try {
    await call;
  } catch (error) {
    if (error instanceof RpcFailure) return error;
    throw error;
  }
  throw new Error('the call succeeded');
}

export async function expectFailure(call: Promise<unknown>, code: number, id: string): Promise<RpcFailure> {
  const error = await failure(call);
  expect({ code: error.code, id: error.detail?.id }).toEqual({ code, id });
  expect(error.wireMessage).toBe(`${error.detail?.message} (${id})`);
  return error;
}

/** protojson writes a Timestamp with 0, 3, 6 or 9 fractional digits; REST always with 3. */
export function sameInstant(value: unknown): string {
  return new Date(String(value)).toISOString();
}

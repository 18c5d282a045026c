import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DescService } from '@bufbuild/protobuf';
import type { ConnectRouter, ConnectRouterOptions, ServiceImpl } from '@connectrpc/connect';
import { createConnectRouter } from '@connectrpc/connect';
import type { UniversalHandler } from '@connectrpc/connect/protocol';
import { compressionBrotli, compressionGzip, universalRequestFromNodeRequest, universalResponseToNodeResponse } from '@connectrpc/connect-node';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb';
import { MAX_BODY_BYTES } from '../zitadel/zitadel-body';
import { adminService } from './admin.service';
import { type GrpcHttp2, type GrpcServiceBinding, grpcOverHttp2 } from './grpc-http2';
import { managementService } from './management.service';
import { RpcEdge } from './rpc-edge';
import { notYet } from './rpc-error';

const OPTIONS: ConnectRouterOptions = {
  // The REST limit (§1.4); a larger message answers RESOURCE_EXHAUSTED.
  readMaxBytes: MAX_BODY_BYTES,
  // Connect's JSON encoding ignores unknown fields, as the REST dialect does (§1.4).
  jsonOptions: { ignoreUnknownFields: true },
};

/** The services served by RPC (rpc-server.ts routes them by name before they are loaded). */
export const RPC_SERVICES = [ManagementService, AdminService] as const;

/** The ZITADEL services' RPC handlers, built from their descriptors. */
export interface ZitadelRpcHandlers {
  /**
   * Connect and gRPC-Web over HTTP/1.1: serves the call if `path` (`/<service>/<Method>`) is a
   * method; answers its name, or null for no such method (nothing written then).
   */
  readonly http1: (path: string, request: IncomingMessage, response: ServerResponse) => { readonly method: string; readonly served: Promise<void> } | null;
  /** gRPC over HTTP/2 cleartext (grpc-http2.ts). */
  readonly http2: GrpcHttp2;
}

export async function zitadelRpcHandlers(app: NestFastifyApplication): Promise<ZitadelRpcHandlers> {
  // One list for both transports: Connect's router (HTTP/1.1) and grpc-js (HTTP/2) serve the same implementations.
  const services: readonly GrpcServiceBinding[] = [
    binding(ManagementService, managementService(await RpcEdge.create(app))),
    binding(AdminService, adminService(await RpcEdge.create(app))),
  ];
  const router: ConnectRouter = createConnectRouter({ acceptCompression: [compressionGzip, compressionBrotli], ...OPTIONS });
  for (const { service, implementation } of services) router.service(service, implementation);
  const byPath: ReadonlyMap<string, UniversalHandler> = new Map(router.handlers.map((handler) => [handler.requestPath, handler]));
  return {
    http1: (path, request, response) => {
      const handler = byPath.get(path);
      if (handler === undefined) return null;
      // The body is Connect's to read (Fastify leaves it alone on these routes).
      const served = Promise.resolve()
        .then(() => handler(universalRequestFromNodeRequest(request, response, undefined, undefined)))
        .then((answer) => universalResponseToNodeResponse(answer, response));
      return { method: handler.method.name, served };
    },
    http2: grpcOverHttp2(services, { maxReceiveBytes: MAX_BODY_BYTES }),
  };
}

/** A service with its implementation, every method it leaves out answering UNIMPLEMENTED (withNotYet). */
function binding<S extends DescService>(service: S, implemented: Partial<ServiceImpl<S>>): GrpcServiceBinding {
  return { service, implementation: withNotYet(service, implemented) as Partial<ServiceImpl<DescService>> };
}

/** Methods Grantline does not implement answer UNIMPLEMENTED with ZITADEL's error shape. */
function withNotYet<S extends DescService>(service: S, implemented: Partial<ServiceImpl<S>>): Partial<ServiceImpl<S>> {
  const all: Record<string, unknown> = { ...implemented };
  for (const method of service.methods) {
    if (method.methodKind === 'unary' && all[method.localName] === undefined) {
      all[method.localName] = () => {
        throw notYet();
      };
    }
  }
  return all as Partial<ServiceImpl<S>>;
}

import type { DescService } from '@bufbuild/protobuf';
import type { ConnectRouter, ConnectRouterOptions, ServiceImpl } from '@connectrpc/connect';
import { fastifyConnectPlugin } from '@connectrpc/connect-fastify';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb';
import { MAX_BODY_BYTES } from '../zitadel/zitadel-body';
import { adminService } from './admin.service';
import { withSpecGrpcMessage } from './grpc-message';
import { managementService } from './management.service';
import { RpcEdge } from './rpc-edge';
import { notYet } from './rpc-error';
import { serveHttp2OnSamePort } from './same-port';

const OPTIONS: ConnectRouterOptions = {
  // The REST limit (§1.4); a larger message answers RESOURCE_EXHAUSTED.
  readMaxBytes: MAX_BODY_BYTES,
  // Connect's JSON encoding ignores unknown fields, as the REST dialect does (§1.4).
  jsonOptions: { ignoreUnknownFields: true },
};

/**
 * Serves the ZITADEL dialect's services by RPC on the application's own port, as ZITADEL does:
 * Connect and gRPC-Web over HTTP/1.1 through Fastify (beside REST), gRPC over HTTP/2 cleartext on
 * the same listening socket (see same-port.ts). Call before `listen`.
 */
export async function serveZitadelRpc(app: NestFastifyApplication): Promise<void> {
  const management = withNotYet(ManagementService, managementService(await RpcEdge.create(app)));
  const admin = withNotYet(AdminService, adminService(await RpcEdge.create(app)));
  const routes = (router: ConnectRouter) => {
    router.service(ManagementService, management);
    router.service(AdminService, admin);
  };
  const fastify = app.getHttpAdapter().getInstance();
  // Nest's Fastify and the plugin's are typed from two copies of the package; one API at run time.
  await fastify.register(fastifyConnectPlugin as unknown as Parameters<typeof fastify.register>[0], { ...OPTIONS, routes });
  const http2 = serveHttp2OnSamePort(fastify.server, withSpecGrpcMessage(connectNodeAdapter({ ...OPTIONS, routes })));
  fastify.addHook('preClose', (done) => {
    http2.close();
    done();
  });
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

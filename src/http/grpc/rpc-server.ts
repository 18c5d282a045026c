import type { DescService } from '@bufbuild/protobuf';
import type { ConnectRouter, ConnectRouterOptions, ServiceImpl } from '@connectrpc/connect';
import { createConnectRouter } from '@connectrpc/connect';
import { compressionBrotli, compressionGzip, connectNodeAdapter, universalRequestFromNodeRequest, universalResponseToNodeResponse } from '@connectrpc/connect-node';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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
  // Nest's Fastify and ours are typed from two copies of the package; one API at run time.
  await fastify.register(connectOverHttp1 as unknown as Parameters<typeof fastify.register>[0], { ...OPTIONS, routes });
  const http2 = serveHttp2OnSamePort(fastify.server, withSpecGrpcMessage(connectNodeAdapter({ ...OPTIONS, routes })));
  fastify.addHook('preClose', (done) => {
    http2.close();
    done();
  });
}

type ConnectOptions = ConnectRouterOptions & { readonly routes: (router: ConnectRouter) => void };

/**
 * Connect and gRPC-Web over HTTP/1.1 in Fastify. It does what `@connectrpc/connect-fastify`'s
 * plugin does, except for how routes are registered: the plugin adds one Fastify route per method
 * and HTTP verb (500 methods × every verb), which took a quarter of the service's start-up. Here
 * each service is one parametric route, and the method is found in the router's own table.
 */
function connectOverHttp1(instance: FastifyInstance, options: ConnectOptions, done: (error?: Error) => void): void {
  const router = createConnectRouter({ acceptCompression: [compressionGzip, compressionBrotli], ...options });
  options.routes(router);
  const handlers = new Map(router.handlers.map((handler) => [handler.requestPath, handler]));
  // Inside this plugin only: Connect reads the request body itself, so Fastify must leave it alone.
  instance.removeAllContentTypeParsers();
  instance.addContentTypeParser('*', (_request: unknown, _payload: unknown, parsed: (error: null, body?: unknown) => void) => parsed(null, undefined));
  const serve = async (request: FastifyRequest, reply: FastifyReply) => {
    const handler = handlers.get(request.url.split('?', 1)[0] ?? '');
    if (handler === undefined) return reply.callNotFound();
    reply.hijack();
    try {
      const response = await handler(universalRequestFromNodeRequest(request.raw, reply.raw, request.body as undefined, undefined));
      await universalResponseToNodeResponse(response, reply.raw);
    } catch (error) {
      request.log.error({ err: error, rpc: handler.method.name }, 'rpc handler failed');
      if (!reply.raw.headersSent) reply.raw.writeHead(500);
      reply.raw.end();
    }
  };
  for (const service of new Set(router.handlers.map((handler) => handler.service.typeName))) {
    instance.route({ method: ['GET', 'POST'], url: `/${service}/:method`, handler: serve });
  }
  done();
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

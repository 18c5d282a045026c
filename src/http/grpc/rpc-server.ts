import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { serveHttp2OnSamePort } from './same-port';
import type { ZitadelRpcHandlers } from './zitadel-rpc';

/** How long gRPC calls still running when the service closes may take to finish. */
const HTTP2_CLOSE_GRACE_MS = 2_000;

/**
 * The proto type names of the services served by RPC (checked against the descriptors in
 * grpc-lazy-start.e2e.spec.ts). Named here so that routes exist from the start without the descriptors.
 */
export const RPC_SERVICE_NAMES = ['zitadel.management.v1.ManagementService', 'zitadel.admin.v1.AdminService'] as const;

/**
 * Serves the ZITADEL dialect's services by RPC on the application's own port, as ZITADEL does:
 * Connect and gRPC-Web over HTTP/1.1 through Fastify (beside REST), gRPC over HTTP/2 cleartext on
 * the same listening socket (see same-port.ts, grpc-http2.ts). Call before `listen`.
 *
 * The handlers are built on the first RPC, not at start: loading the services' descriptors
 * (`@zitadel/proto`'s admin and management files) and building their routers was a fifth of the
 * service's start-up (~380 ms of ~1.7 s), paid by every start whether or not a client ever calls
 * by RPC. The first call waits for it once.
 */
export async function serveZitadelRpc(app: NestFastifyApplication): Promise<void> {
  let built: Promise<ZitadelRpcHandlers> | null = null;
  const handlers = (): Promise<ZitadelRpcHandlers> => {
    if (built === null) {
      built = import('./zitadel-rpc').then(({ zitadelRpcHandlers }) => zitadelRpcHandlers(app));
      // A failed build is tried again by the next call rather than remembered.
      built.catch(() => {
        built = null;
      });
    }
    return built;
  };
  const fastify = app.getHttpAdapter().getInstance();
  // Nest's Fastify and ours are typed from two copies of the package; one API at run time.
  await fastify.register(connectOverHttp1 as unknown as Parameters<typeof fastify.register>[0], { handlers });
  // gRPC clients connect before their first call: the handlers are built on the first HTTP/2
  // connection, which waits for them (paused, its first bytes pushed back) and is then served.
  serveHttp2OnSamePort(fastify.server, (socket) => {
    handlers().then(
      ({ http2 }) => http2.injectConnection(socket),
      () => socket.destroy(),
    );
  });
  fastify.addHook('preClose', (done) => {
    // Ends the gRPC sessions (GOAWAY) so that the HTTP server's close can complete; calls still
    // running after the grace period are cancelled.
    if (built !== null) built.then(({ http2 }) => http2.close(HTTP2_CLOSE_GRACE_MS), () => undefined).finally(done);
    else done();
  });
}

/**
 * Connect and gRPC-Web over HTTP/1.1 in Fastify. It does what `@connectrpc/connect-fastify`'s
 * plugin does, except for how routes are registered: the plugin adds one Fastify route per method
 * and HTTP verb (500 methods × every verb), which took a quarter of the service's start-up. Here
 * each service is one parametric route, and the method is found in the router's own table.
 */
function connectOverHttp1(
  instance: FastifyInstance,
  options: { readonly handlers: () => Promise<ZitadelRpcHandlers> },
  done: (error?: Error) => void,
): void {
  // Inside this plugin only: Connect reads the request body itself, so Fastify must leave it alone.
  instance.removeAllContentTypeParsers();
  instance.addContentTypeParser('*', (_request: unknown, _payload: unknown, parsed: (error: null, body?: unknown) => void) => parsed(null, undefined));
  const serve = async (request: FastifyRequest, reply: FastifyReply) => {
    const { http1 } = await options.handlers();
    reply.hijack();
    const call = http1(request.url.split('?', 1)[0] ?? '', request.raw, reply.raw);
    if (call === null) {
      // As over HTTP/2 (connectNodeAdapter) and as Connect clients read it: no such procedure,
      // 404 (Unimplemented). The REST not-found answered 405, since the route takes GET and POST.
      reply.raw.writeHead(404);
      reply.raw.end();
      return;
    }
    try {
      await call.served;
    } catch (error) {
      request.log.error({ err: error, rpc: call.method }, 'rpc handler failed');
      if (!reply.raw.headersSent) reply.raw.writeHead(500);
      reply.raw.end();
    }
  };
  for (const service of RPC_SERVICE_NAMES) {
    instance.route({ method: ['GET', 'POST'], url: `/${service}/:method`, handler: serve });
  }
  done();
}

import 'reflect-metadata';
import { type LogLevel, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { serveZitadelRpc } from './http/grpc/rpc-server';
import { golemRewriteUrl } from './http/golem/golem-routes';
import { RouteTable } from './http/route-table';
import { BODY_TOO_LARGE } from './http/request-state';
import { MAX_BODY_BYTES } from './http/zitadel/zitadel-body';
import type { Platform } from './platform/platform';

/** Past this many bytes a request body is not even read to the end: the connection is dropped. */
const HARD_BODY_LIMIT = 64 * MAX_BODY_BYTES;

/**
 * Longer than any request line Node accepts (16 KiB headers), so an over-long path id always
 * reaches the dialect's own validation (400 GRANTLINE-InvalidField) instead of Fastify's bare 414.
 */
const MAX_PARAM_LENGTH = 64 * 1024;

const LEVELS: Record<string, LogLevel[]> = {
  silent: [],
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

export function logLevels(level: string): LogLevel[] {
  return LEVELS[level] ?? ['fatal', 'error', 'warn', 'log'];
}

/**
 * Fastify's schema compilers (Ajv, fast-json-stringify) are loaded with every Fastify instance
 * unless others are given: ~200 ms of each start, for schemas no route has (bodies are decoded per
 * dialect, class-validator validates them). A route declaring one makes the app fail to start
 * (Fastify's ready) with this error.
 */
function noFastifySchemas(): never {
  throw new Error('Grantline routes declare no Fastify schemas: bodies are decoded and validated per dialect');
}

/**
 * Builds the HTTP application on a platform. Bodies are kept raw and decoded per dialect after
 * authentication, so an unauthenticated request gets 401 whatever its body, and a bad body gets
 * the dialect's own error shape.
 */
export async function createApp(platform: Platform): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    logger: false,
    bodyLimit: HARD_BODY_LIMIT,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Golem paths only: one trailing slash ignored, undecodable segments kept as text (golem-api.md §1.1).
    rewriteUrl: (request: { url?: string }) => golemRewriteUrl(request.url ?? '/'),
    schemaController: { compilersFactory: { buildValidator: noFastifySchemas, buildSerializer: noFastifySchemas } },
  });
  const fastify = adapter.getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, payload, done) => {
    const chunks: Buffer[] = [];
    let size = 0;
    payload.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    payload.on('end', () => done(null, size > MAX_BODY_BYTES ? BODY_TOO_LARGE : Buffer.concat(chunks).toString('utf8')));
    payload.on('error', (error: Error) => done(error, undefined));
  });
  const routes = new RouteTable();
  fastify.addHook('onRoute', (route) => routes.add(route.method, route.url));
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forPlatform(platform, routes), adapter, {
    bodyParser: false,
    logger: logLevels(platform.config.logLevel),
  });
  app.enableShutdownHooks();
  await app.init();
  // gRPC, gRPC-Web and Connect on the same port, served by the same handlers.
  await serveZitadelRpc(app);
  return app;
}

export const bootLogger = new Logger('Grantline');

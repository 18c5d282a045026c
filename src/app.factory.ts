import 'reflect-metadata';
import { type LogLevel, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { serveZitadelRpc } from './http/grpc/rpc-server';
import type { IncomingMessage } from 'node:http';
import { neutraliseGolemContentType } from './http/golem/golem-request';
import { GOLEM_BASE, golemRewriteUrl, isGolemPath } from './http/golem/golem-routes';
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

/** A media type Fastify's content-type parsing accepts (`type/subtype`, token characters, any parameters). */
const PARSABLE_MEDIA_TYPE = /^\s*[\w!#$%&'*+.^`|~-]+\/[\w!#$%&'*+.^`|~-]+\s*(;|$)/;

/**
 * Runs for every request, before routing (Fastify's rewriteUrl). Golem paths: one trailing slash
 * ignored, undecodable segments kept as text (golem-api.md §1.1), and a non-JSON Content-Type left
 * for the pipeline to refuse with 415 after authentication (§3.0). Elsewhere, a Content-Type Fastify
 * cannot parse (empty, `json`) would be refused by Fastify itself before any route runs (it answered
 * 500 on ZITADEL routes): ZITADEL parses bodies as JSON whatever the content type says.
 */
function beforeRouting(request: IncomingMessage): string {
  const url = request.url ?? '/';
  if (url.startsWith(GOLEM_BASE) && isGolemPath(url)) {
    neutraliseGolemContentType({ url, headers: request.headers });
    return golemRewriteUrl(url);
  }
  const contentType = request.headers['content-type'];
  if (contentType !== undefined && !PARSABLE_MEDIA_TYPE.test(contentType)) request.headers['content-type'] = 'application/json';
  return url;
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
    rewriteUrl: beforeRouting,
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

import { type DescMessage, type JsonObject, type JsonValue, type MessageShape, fromJson, toJson } from '@bufbuild/protobuf';
import type { HandlerContext } from '@connectrpc/connect';
import type { Type } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import type { GrantlineRequest } from '../request-state';
import { type RequestHeaders, ZitadelGuard } from '../zitadel/zitadel.guard';
import { ZITADEL_ROUTE, type ZitadelRoute } from '../zitadel/zitadel-route.decorator';
import { notYet, rpcError } from './rpc-error';

/**
 * One RPC call as the REST handler that serves the same method sees it: the request (its pipeline
 * state), a reply that only takes headers, and the body grpc-gateway would have sent.
 */
export interface RestCall {
  readonly request: GrantlineRequest;
  readonly reply: FastifyReply;
  /**
   * The request message as the REST body: its protojson form (what `decodeBody` validates),
   * without the fields that travel in the REST path.
   */
  body<M extends object>(message: M, ...pathFields: (keyof M & string)[]): string;
}

/**
 * The edge between Connect (gRPC, gRPC-Web, Connect protocol) and the ZITADEL dialect. An RPC is
 * served by the REST handler of the same method (the route whose `@Zitadel({rpc})` names it): the
 * same pipeline (ZitadelGuard.admit: authentication from `authorization`, read-your-writes, acting
 * org from `x-zitadel-orgid`, permission), the same body validation and the same command or query
 * on the same bus. Its protojson answer becomes the response message. One edge per service: routes
 * are found by method name, and ZITADEL's services share many names.
 */
export class RpcEdge {
  private readonly routes = new Map<string, ZitadelRoute>();

  private constructor(
    private readonly app: NestFastifyApplication,
    private readonly guard: ZitadelGuard,
    private readonly reflector: Reflector,
  ) {}

  static async create(app: NestFastifyApplication): Promise<RpcEdge> {
    return new RpcEdge(app, await app.get(ModuleRef).create(ZitadelGuard), app.get(Reflector));
  }

  /** A REST controller of the dialect; its routes become servable by RPC name. */
  controller<C extends object>(type: Type<C>): C {
    const prototype = type.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = prototype[name];
      if (typeof handler !== 'function') continue;
      const route = this.reflector.get<ZitadelRoute | undefined>(ZITADEL_ROUTE, handler as () => unknown);
      if (route !== undefined && !this.routes.has(route.rpc)) this.routes.set(route.rpc, route);
    }
    return this.app.get(type);
  }

  /** Serves one call: `invoke` calls the REST handler; its JSON answer is the method's output. */
  async serve<T>(context: HandlerContext, invoke: (call: RestCall) => Promise<unknown>): Promise<T> {
    const route = this.routes.get(context.method.name);
    if (route === undefined) throw notYet();
    try {
      const headers = metadata(context.requestHeader);
      const state = await this.guard.admit(route, headers);
      const request = { headers, grantline: state } as unknown as GrantlineRequest;
      const reply = headersInto(context.responseHeader);
      const answer = await invoke({ request, reply, body: (message, ...pathFields) => restBody(context.method.input, message, pathFields) });
      return fromJson(context.method.output, answer as JsonValue) as T;
    } catch (exception) {
      throw rpcError(exception);
    }
  }
}

function metadata(headers: Headers): RequestHeaders {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

function restBody(schema: DescMessage, message: object, pathFields: readonly string[]): string {
  const json = toJson(schema, message as MessageShape<DescMessage>) as JsonObject;
  for (const field of pathFields) delete json[field];
  return JSON.stringify(json);
}

/** The part of a Fastify reply the REST handlers use: response headers (`x-grantline-position`). */
function headersInto(responseHeader: Headers): FastifyReply {
  const reply = {
    header(name: string, value: string) {
      responseHeader.set(name, value);
      return reply;
    },
  };
  return reply as unknown as FastifyReply;
}

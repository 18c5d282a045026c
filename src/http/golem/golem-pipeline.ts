import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GrantlineConfig } from '../../config/config';
import { type Caller, GOLEM_APPLICATION, type GolemApplication, type GolemRequest, type Written } from '../../golem/golem.application';
import { ADMIN_ACCOUNT_ID } from '../../golem/golem.events';
import { GOLEM_PROJECTION_KEY } from '../../golem/read-model/golem-read-model';
import { CLOCK, type Clock } from '../../kernel/clock.port';
import { EVENT_STORE, type EventStore } from '../../kernel/event-store.port';
import { GRANTLINE_CONFIG } from '../../platform/tokens';
import { ProjectionProgress } from '../../projections/projection-progress';
import { BootstrapToken } from '../auth/bootstrap-token';
import { type GolemCredential, readCredential, secretSha256 } from './golem-credentials';
import {
  bodyTooLarge,
  expiredToken,
  malformedToken,
  missingToken,
  notFresh,
  routeNotFound,
  syntaxErrors,
  unknownToken,
  unsupportedMediaType,
} from './golem-http-error';
import { type GolemInput, readGolemRequest, transportFailure } from './golem-request';
import { type GolemRoute, namesRoute } from './golem-routes';
import type { Fields } from './golem-validation';

/** A successful answer: the wire body and, for a command that appended, its last position. */
export interface GolemAnswer {
  readonly body: unknown;
  readonly position: number | null;
}

export const answer = (body: unknown): GolemAnswer => ({ body, position: null });

export function written<T>(result: Written<T>, wire: (value: T) => unknown): GolemAnswer {
  return { body: wire(result.value), position: result.position };
}

/**
 * The Golem request pipeline (golem-api.md §3.0), one step after the other; the first failure
 * answers (thrown, and rendered by GolemErrorFilter):
 * 1 route, 2 credential syntax, 3 freshness wait, 4 token resolution, 5 body transport,
 * 6 syntax validation, 7 the endpoint (which authorizes first). Every route goes through `serve`,
 * so no route can skip or reorder a step.
 */
@Injectable()
export class GolemPipeline {
  constructor(
    @Inject(GOLEM_APPLICATION) private readonly golem: GolemApplication,
    private readonly bootstrap: BootstrapToken,
    private readonly progress: ProjectionProgress,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(GRANTLINE_CONFIG) private readonly config: GrantlineConfig,
  ) {}

  async serve<P extends string, B extends Fields | null>(
    route: GolemRoute<P, B>,
    request: FastifyRequest,
    reply: FastifyReply,
    endpoint: (call: GolemRequest, input: GolemInput<P, B>) => Promise<GolemAnswer>,
  ): Promise<unknown> {
    // 1. Route: Fastify found this handler (golem-routes.spec.ts checks the handlers against the
    // route table), but `/v1/projects/default` and empty segments are no route.
    if (!namesRoute(route, paramsOf(request))) throw routeNotFound();

    // 2. Credential syntax.
    const credential = readCredential(header(request, 'authorization'), header(request, 'cookie'), this.bootstrap);
    if (credential.kind === 'missing') throw missingToken();
    if (credential.kind === 'malformed') throw malformedToken();

    // 3. Freshness: the read models reach the store's head as of now, whatever the request asks
    // (x-grantline-consistency is not honoured: authorization is never decided on stale data).
    const head = await this.eventStore.headPosition();
    if (!(await this.progress.waitFor([GOLEM_PROJECTION_KEY], head, this.config.consistencyTimeoutMs))) throw notFresh();

    // 4. Token resolution.
    const caller = await this.caller(credential);

    // 5. Body transport.
    if (route.body !== null) {
      const failure = transportFailure(header(request, 'content-type'), header(request, 'content-length'), request.body);
      if (failure === 415) throw unsupportedMediaType();
      if (failure === 413) throw bodyTooLarge();
    }

    // 6. Syntax validation of path, query and body.
    const read = readGolemRequest(route, paramsOf(request), queryOf(request), request.body);
    if (!read.ok) throw syntaxErrors(read.problems);

    // 7. The endpoint.
    const result = await endpoint({ caller, requestId: randomUUID() }, read.input);
    void reply.header('content-type', 'application/json; charset=utf-8');
    if (result.position !== null) void reply.header('x-grantline-position', String(result.position));
    return result.body;
  }

  private async caller(credential: Exclude<GolemCredential, { kind: 'missing' | 'malformed' }>): Promise<Caller> {
    if (credential.kind === 'bootstrap') return { accountId: ADMIN_ACCOUNT_ID, isAdmin: true };
    const token = await this.golem.tokenBySecretHash(secretSha256(credential.secret));
    if (token === null) throw unknownToken();
    if (token.expiresAt.getTime() <= this.clock.now().getTime()) throw expiredToken();
    return { accountId: token.accountId, isAdmin: token.accountId === ADMIN_ACCOUNT_ID, tokenId: token.tokenId };
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function paramsOf(request: FastifyRequest): Readonly<Record<string, string | undefined>> {
  return (request.params ?? {}) as Readonly<Record<string, string | undefined>>;
}

function queryOf(request: FastifyRequest): Readonly<Record<string, unknown>> {
  return (request.query ?? {}) as Readonly<Record<string, unknown>>;
}

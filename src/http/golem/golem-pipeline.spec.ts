import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GrantlineConfig } from '../../config/config';
import type { AuthenticatedToken, GolemApplication, GolemRequest } from '../../golem/golem.application';
import { GOLEM_PROJECTION_KEY } from '../../golem/read-model/golem-read-model';
import type { EventStore } from '../../kernel/event-store.port';
import type { ReadStore } from '../../kernel/read-store.port';
import { ProjectionProgress } from '../../projections/projection-progress';
import { BootstrapToken } from '../auth/bootstrap-token';
import { secretSha256 } from './golem-credentials';
import { GolemHttpError } from './golem-http-error';
import { type GolemAnswer, GolemPipeline, answer } from './golem-pipeline';
import { type GolemRoute, GOLEM_ROUTES } from './golem-routes';
import type { Fields } from './golem-validation';

const NOW = new Date('2025-07-10T09:30:00.000Z');
const BOOTSTRAP = 'bootstrap-token-of-the-operator';
const ALICE = '01980a3c-7d52-7a41-9d0e-5f2b8c1e4a01';
const P = '01980a3d-0f74-7d10-b020-7b4dae306c10';
const LIVE = '5f0c3e9a-2b7d-4c1e-9a8f-6d3b2e1c0f47';
const EXPIRED = '6f0c3e9a-2b7d-4c1e-9a8f-6d3b2e1c0f47';
const AT_NOW = '7f0c3e9a-2b7d-4c1e-9a8f-6d3b2e1c0f47';
const ADMINS = '8f0c3e9a-2b7d-4c1e-9a8f-6d3b2e1c0f47';
const UNKNOWN = '9f0c3e9a-2b7d-4c1e-9a8f-6d3b2e1c0f47';

const TOKENS = new Map<string, AuthenticatedToken>([
  [secretSha256(LIVE), { tokenId: 'token-live', accountId: ALICE, expiresAt: new Date('2100-01-01T00:00:00Z') }],
  [secretSha256(EXPIRED), { tokenId: 'token-expired', accountId: ALICE, expiresAt: new Date('2000-01-01T00:00:00Z') }],
  [secretSha256(AT_NOW), { tokenId: 'token-at-now', accountId: ALICE, expiresAt: NOW }],
  [secretSha256(ADMINS), { tokenId: 'token-admin', accountId: 'admin', expiresAt: new Date('2100-01-01T00:00:00Z') }],
]);

interface Given {
  readonly head?: number;
  readonly projected?: number;
}

interface Sent {
  readonly method: string;
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly params?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly body?: unknown;
}

interface Outcome {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;
  readonly calls: readonly GolemRequest[];
}

/** Runs one request through the pipeline, the endpoint answering `result`; the outcome as the wire would see it. */
async function run<P extends string, B extends Fields | null>(route: GolemRoute<P, B>, sent: Sent, given: Given = {}, result: GolemAnswer = answer({ ok: true })): Promise<Outcome> {
  const readStore = { listCheckpoints: async () => [] } as unknown as ReadStore;
  const progress = new ProjectionProgress(readStore, false);
  progress.report(GOLEM_PROJECTION_KEY, given.projected ?? 10);
  const eventStore = { headPosition: async () => given.head ?? 10 } as unknown as EventStore;
  const golem = { tokenBySecretHash: async (hash: string) => TOKENS.get(hash) ?? null } as unknown as GolemApplication;
  const config = { consistencyTimeoutMs: 20 } as GrantlineConfig;
  const pipeline = new GolemPipeline(golem, new BootstrapToken(BOOTSTRAP), progress, eventStore, { now: () => NOW }, config);
  const headers: Record<string, string> = {};
  const reply = {
    header(name: string, value: string) {
      headers[name] = value;
      return reply;
    },
  } as unknown as FastifyReply;
  const request = { method: sent.method, url: sent.url, headers: sent.headers ?? {}, params: sent.params ?? {}, query: sent.query ?? {}, body: sent.body } as unknown as FastifyRequest;
  const calls: GolemRequest[] = [];
  try {
    const body = await pipeline.serve(route, request, reply, async (call) => {
      calls.push(call);
      return result;
    });
    return { status: 200, body, headers, calls };
  } catch (error) {
    if (!(error instanceof GolemHttpError)) throw error;
    return { status: error.status, body: error.body, headers: { ...headers, ...error.headers }, calls };
  } finally {
    progress.close();
  }
}

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
const grantPost = (headers: Record<string, string>, body: string, projectId = P): Sent => ({
  method: 'POST',
  url: `/v1/projects/${projectId}/grants`,
  headers,
  params: { project_id: projectId },
  body,
});

describe('GolemPipeline: the order of §3.0', () => {
  const R = GOLEM_ROUTES;

  it('given no credential and a broken body, then 401 Missing, not 400 (scenario 36)', async () => {
    const outcome = await run(R.createProjectGrant, grantPost({}, '{not json'));
    expect(outcome).toMatchObject({ status: 401, body: { error: 'Invalid Token: Missing auth token.' }, calls: [] });
  });

  it('given a malformed credential while the read models lag, then 401 Malformed without waiting', async () => {
    const outcome = await run(R.getProjects, { method: 'GET', url: '/v1/projects', headers: { authorization: 'Bearer not-a-uuid' } }, { head: 11 });
    expect(outcome).toMatchObject({ status: 401, body: { error: 'Invalid Token: Malformed auth token.' } });
  });

  it('given read models behind the head, then 503 with Retry-After before the token is looked up; the relaxation header is ignored', async () => {
    const outcome = await run(
      R.getProjects,
      { method: 'GET', url: '/v1/projects', headers: { ...bearer(UNKNOWN), 'x-grantline-consistency': 'eventual' } },
      { head: 11, projected: 10 },
    );
    expect(outcome).toMatchObject({ status: 503, body: { error: 'Read models are catching up; retry the request' }, headers: { 'retry-after': '1' } });
  });

  it('given an unknown token and a bad Content-Type, then 401 Unknown (authentication before transport)', async () => {
    const outcome = await run(R.createProjectGrant, grantPost({ ...bearer(UNKNOWN), 'content-type': 'text/plain' }, '{not json'));
    expect(outcome).toMatchObject({ status: 401, body: { error: 'Invalid Token: Unknown token secret.' } });
  });

  it('given a token that expired, or expires at this very instant, then 401 Expired', async () => {
    for (const secret of [EXPIRED, AT_NOW]) {
      const outcome = await run(R.getProjects, { method: 'GET', url: '/v1/projects', headers: bearer(secret) });
      expect(outcome).toMatchObject({ status: 401, body: { error: 'Invalid Token: Expired auth token.' } });
    }
  });

  it('given a bad Content-Type and a broken body and path, then 415 before any syntax problem', async () => {
    const outcome = await run(R.createProjectGrant, grantPost({ ...bearer(LIVE), 'content-type': 'text/plain' }, '{not json', 'not-a-uuid'));
    expect(outcome).toMatchObject({ status: 415, body: { error: 'Unsupported Content-Type: expected application/json' } });
  });

  it('given an oversized body, then 413 before any syntax problem', async () => {
    const outcome = await run(R.createProjectGrant, grantPost(bearer(LIVE), `{${' '.repeat(65_536)}`, 'not-a-uuid'));
    expect(outcome).toMatchObject({ status: 413, body: { error: 'Request body too large: limit is 65536 bytes' } });
  });

  it('given syntax problems in path and body, then 400 listing both, and the endpoint is not called', async () => {
    const outcome = await run(R.createProjectGrant, grantPost(bearer(LIVE), '{not json', 'not-a-uuid'));
    expect(outcome).toEqual({ status: 400, body: { errors: ['project_id: must be a UUID', 'body: invalid JSON'] }, headers: {}, calls: [] });
  });

  it('given /v1/projects/default, then 404 Route not found before authentication', async () => {
    const outcome = await run(R.getProject, { method: 'GET', url: '/v1/projects/default', params: { project_id: 'default' } });
    expect(outcome).toMatchObject({ status: 404, body: { error: 'Route not found' } });
  });

  it('given a valid request, then the endpoint runs as the token account, with the position header only for writes', async () => {
    const read = await run(R.getProjects, { method: 'GET', url: '/v1/projects', headers: { cookie: `GOLEM_SESSION=${LIVE}` } });
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ ok: true });
    expect(read.headers).toEqual({ 'content-type': 'application/json; charset=utf-8' });
    expect(read.calls[0]?.caller).toEqual({ accountId: ALICE, isAdmin: false, tokenId: 'token-live' });

    const write = await run(R.createProjectGrant, grantPost(bearer(LIVE.toUpperCase()), '{"granteeAccountId":"b","projectActions":[]}'), {}, { body: {}, position: 42 });
    expect(write.headers['x-grantline-position']).toBe('42');
    expect(write.calls[0]?.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('given the bootstrap token or a token of `admin`, then the caller is admin; the bootstrap token has no token id', async () => {
    const viaBootstrap = await run(R.getProjects, { method: 'GET', url: '/v1/projects', headers: bearer(BOOTSTRAP) });
    expect(viaBootstrap.calls[0]?.caller).toEqual({ accountId: 'admin', isAdmin: true });
    const viaToken = await run(R.getProjects, { method: 'GET', url: '/v1/projects', headers: bearer(ADMINS) });
    expect(viaToken.calls[0]?.caller).toEqual({ accountId: 'admin', isAdmin: true, tokenId: 'token-admin' });
  });
});

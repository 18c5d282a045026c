import { fixedRate } from '../lib/fixed-rate';
import { BENCH_TOKEN, type GrantlineService } from '../lib/grantline';
import { warmThenMeasure } from '../lib/load';
import { ratioTo } from '../lib/report';
import { round } from '../lib/stats';
import { type BenchContext, FASTIFY_HELLO } from './context';

const CONNECTIONS = 100;
const PIPELINING = 10;
const FIXED_RATE = 1000;
const GRANTS = 200;

async function post<T>(service: GrantlineService, path: string, token: string, body: unknown): Promise<T> {
  const response = await fetch(`${service.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 200) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/**
 * The Golem dialect (no target in performance.md; measured so its figures are facts too): the
 * owner reads one of its project's grants with a Golem API token. Every such request resolves the
 * token, reads the project, the caller's grants and their policies at the head (golem-api.md §5.6).
 */
export async function golemScenario(context: BenchContext, service: GrantlineService): Promise<void> {
  const { throughputS, warmUpS, fixedRateS } = context.durations;
  const scenario = 'golem';
  const owner = (await post<{ id: string }>(service, '/v1/accounts', BENCH_TOKEN, { name: 'Owner', email: `owner-${Date.now()}@bench.invalid` })).id;
  const grantee = (await post<{ id: string }>(service, '/v1/accounts', BENCH_TOKEN, { name: 'Grantee', email: `grantee-${Date.now()}@bench.invalid` })).id;
  const token = (await post<{ secret: { value: string } }>(service, `/v1/accounts/${owner}/tokens`, BENCH_TOKEN, { expiresAt: '2100-01-01T00:00:00Z' })).secret.value;
  const project = (await post<{ projectId: string }>(service, '/v1/projects', token, { name: 'bench', ownerAccountId: owner, description: '' })).projectId;
  const paths: string[] = [];
  for (let i = 0; i < (context.quick ? 20 : GRANTS); i += 1) {
    const grant = await post<{ id: string }>(service, `/v1/projects/${project}/grants`, token, { granteeAccountId: grantee, projectActions: ['ViewComponent', 'ViewWorker'] });
    paths.push(`/v1/projects/${project}/grants/${grant.id}`);
  }
  context.log(`  data set: 1 project, ${paths.length} grants; the owner reads them with a Golem token`);
  let next = 0;
  const nextPath = () => paths[next++ % paths.length] ?? '/';
  const headers = { authorization: `Bearer ${token}` };

  context.log(`  Golem GET grant: -c ${CONNECTIONS} -p ${PIPELINING}, ${warmUpS} s warm-up + ${throughputS} s`);
  const closed = await warmThenMeasure(
    {
      label: 'Golem GET grant',
      url: service.url,
      connections: CONNECTIONS,
      pipelining: PIPELINING,
      durationS: throughputS,
      headers,
      requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: nextPath() }) }],
    },
    warmUpS,
  );
  context.log(`  Golem GET grant at a fixed ${FIXED_RATE}/s (open loop): ${warmUpS} s warm-up + ${fixedRateS} s`);
  const fixed = (durationS: number, label: string) =>
    fixedRate({ label, url: service.url, rate: FIXED_RATE, durationS, request: () => ({ method: 'GET', path: nextPath(), headers }) });
  await fixed(warmUpS, 'Golem GET grant fixed rate (warm-up)');
  const atRate = await fixed(fixedRateS, 'Golem GET grant fixed rate');

  context.details.golem = { grants: paths.length, closedLoop: { reqPerSecond: round(closed.okPerSecond, 1), ok: closed.ok, non2xx: closed.non2xx, errors: closed.errors }, fixedRate: atRate };
  const ratio = ratioTo(closed.okPerSecond, context.ceilings.fastifyHello, FASTIFY_HELLO);
  const at = `Golem GET grant at ${FIXED_RATE}/s`;
  context.rows.push(
    {
      scenario,
      key: 'golem.get_grant.rps',
      name: `Golem GET /v1/projects/{id}/grants/{grant_id}, token-authenticated (-c 100 -p 10), ${paths.length} grants`,
      value: Math.round(closed.okPerSecond),
      unit: 'req/s',
      ...(ratio !== undefined ? { ratio } : {}),
    },
    { scenario, key: 'golem.get_grant.errors', name: 'Golem GET grant (closed loop): non-2xx + errors', value: closed.non2xx + closed.errors, unit: 'responses' },
    { scenario, key: 'golem.fixed_1000.p50', name: `${at}: p50`, value: round(atRate.latency.p50, 3), unit: 'ms' },
    { scenario, key: 'golem.fixed_1000.p99', name: `${at}: p99`, value: round(atRate.latency.p99, 3), unit: 'ms' },
    { scenario, key: 'golem.fixed_1000.p999', name: `${at}: p99.9`, value: round(atRate.latency.p999, 3), unit: 'ms' },
    { scenario, key: 'golem.fixed_1000.errors', name: `${at}: non-2xx + errors`, value: atRate.non2xx + atRate.errors, unit: 'responses' },
  );
}

import { fixedRate } from '../lib/fixed-rate';
import { type GrantlineService, ROLES } from '../lib/grantline';
import { load, warmThenMeasure } from '../lib/load';
import { ratioTo } from '../lib/report';
import { round } from '../lib/stats';
import { type BenchContext, FASTIFY_HELLO, judgeP2, p2TargetText } from './context';

const CONNECTIONS = 100;
const PIPELINING = 10;
const FIXED_RATE = 1000;
/** Grants the read scenario makes itself when the command scenario did not run. */
const OWN_GRANTS = 2000;

/**
 * Adds project grants when the command scenario did not run: spread over 32 projects (so that the
 * few concurrent writers seldom collide on a stream), each grantee org granted every project.
 */
async function ensureGrants(service: GrantlineService, count: number): Promise<void> {
  if (service.grants.length >= count) return;
  const projects = await service.ensureProjects(32);
  const missing = count - service.grants.length;
  const orgCount = Math.ceil(missing / projects.length);
  await service.createOrgs(orgCount - service.unusedOrgCount);
  const orgs = service.takeOrgs(orgCount);
  const pairs = orgs.flatMap((org) => projects.map((project) => ({ org, project })));
  for (let attempt = 0; attempt < 5 && pairs.length > 0 && service.grants.length < count; attempt += 1) {
    const todo = pairs.splice(0, Math.min(pairs.length, count - service.grants.length));
    const failed: typeof todo = [];
    await load({
      label: 'AddProjectGrant (read data set)',
      url: service.url,
      connections: Math.min(8, todo.length),
      amount: todo.length,
      headers: service.headers(service.vendor, true),
      requests: [
        {
          method: 'POST',
          setupRequest: (request, requestContext) => {
            const pair = todo.shift();
            if (pair === undefined) return { ...request, path: '/healthz', method: 'GET' };
            requestContext.pair = pair;
            return { ...request, path: `/management/v1/projects/${pair.project}/grants`, body: JSON.stringify({ grantedOrgId: pair.org, roleKeys: ROLES }) };
          },
          onResponse: (status, body, requestContext) => {
            const pair = requestContext.pair as { org: string; project: string } | undefined;
            if (pair === undefined) return;
            if (status === 200) service.grants.push({ project: pair.project, grant: (JSON.parse(body) as { grantId: string }).grantId });
            else failed.push(pair);
          },
        },
      ],
    });
    pairs.unshift(...failed);
  }
}

/**
 * The read set of the API-built service: GetProjectGrantByID paths of every project grant added so
 * far (made here when the command scenario did not run), projections caught up. Shuffled, so
 * consecutive reads hit different grants (and projects).
 */
export async function projectGrantReadPaths(context: BenchContext, service: GrantlineService): Promise<string[]> {
  await ensureGrants(service, context.quick ? 500 : OWN_GRANTS);
  await service.caughtUp();
  const grants = service.grants.slice();
  for (let i = grants.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [grants[i], grants[j]] = [grants[j] as (typeof grants)[number], grants[i] as (typeof grants)[number]];
  }
  return grants.map(({ project, grant }) => `/management/v1/projects/${project}/grants/${grant}`);
}

/**
 * P2/P3: GetProjectGrantByID, authenticated, strong consistency (the default: the guard checks the
 * projection has reached the head), cycling over every grant the command scenario added.
 */
export async function readsScenario(context: BenchContext, service: GrantlineService): Promise<void> {
  const { throughputS, warmUpS, fixedRateS } = context.durations;
  const scenario = 'reads';
  const paths = await projectGrantReadPaths(context, service);
  const dataSet = { orgs: service.orgsCreated, projects: service.projects.length, projectGrants: paths.length, userGrants: 0 };
  context.details.dataSet = dataSet;
  context.log(`  data set: ${dataSet.orgs} orgs, ${dataSet.projects} projects, ${dataSet.projectGrants} project grants, 0 user grants`);
  let next = 0;
  const nextPath = () => paths[next++ % paths.length] ?? '/';
  const headers = service.headers();

  context.log(`  GetProjectGrantByID: -c ${CONNECTIONS} -p ${PIPELINING}, ${warmUpS} s warm-up + ${throughputS} s`);
  const closed = await warmThenMeasure(
    {
      label: 'GetProjectGrantByID',
      url: service.url,
      connections: CONNECTIONS,
      pipelining: PIPELINING,
      durationS: throughputS,
      headers,
      requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: nextPath() }) }],
    },
    warmUpS,
  );

  context.log(`  GetProjectGrantByID at a fixed ${FIXED_RATE}/s (open loop): ${warmUpS} s warm-up + ${fixedRateS} s`);
  const fixed = (durationS: number, label: string) =>
    fixedRate({ label, url: service.url, rate: FIXED_RATE, durationS, request: () => ({ method: 'GET', path: nextPath(), headers }) });
  await fixed(warmUpS, 'GetProjectGrantByID fixed rate (warm-up)');
  const atRate = await fixed(fixedRateS, 'GetProjectGrantByID fixed rate');

  // For reference: autocannon's own rate limiting (per-connection budget per second, bursty,
  // whole-millisecond histogram).
  context.log(`  GetProjectGrantByID, autocannon --overallRate ${FIXED_RATE} -c 10: ${fixedRateS} s (reference)`);
  const autocannonRate = await load({
    label: 'GetProjectGrantByID autocannon overallRate',
    url: service.url,
    connections: 10,
    durationS: fixedRateS,
    overallRate: FIXED_RATE,
    headers,
    requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: nextPath() }) }],
    recordLatency: true,
  });

  context.details.reads = {
    dataSet,
    closedLoop: {
      connections: CONNECTIONS,
      pipelining: PIPELINING,
      reqPerSecond: round(closed.okPerSecond, 1),
      durationS: closed.durationS,
      ok: closed.ok,
      non2xx: closed.non2xx,
      errors: closed.errors,
      statusCodes: closed.statusCodes,
      autocannonLatencyMs: closed.autocannonLatency,
    },
    fixedRate: atRate,
    autocannonOverallRate: {
      connections: 10,
      reqPerSecond: round(autocannonRate.okPerSecond, 1),
      ok: autocannonRate.ok,
      non2xx: autocannonRate.non2xx,
      errors: autocannonRate.errors,
      latencyMs: autocannonRate.latency,
      autocannonLatencyMs: autocannonRate.autocannonLatency,
    },
  };

  const ratio = ratioTo(closed.okPerSecond, context.ceilings.fastifyHello, FASTIFY_HELLO);
  const closedErrors = closed.non2xx + closed.errors;
  context.rows.push({
    scenario,
    key: 'reads.get_project_grant.rps',
    name: `GetProjectGrantByID (-c 100 -p 10), ${paths.length} grants`,
    value: Math.round(closed.okPerSecond),
    unit: 'req/s',
    ...(ratio !== undefined ? { ratio } : {}),
    target: { id: 'P2', text: p2TargetText(context) },
    met: judgeP2(context, closed.okPerSecond, closedErrors, ratio),
  });
  if (closedErrors > 0) {
    context.rows.push({ scenario, key: 'reads.get_project_grant.errors', name: 'GetProjectGrantByID: non-2xx + errors', value: closedErrors, unit: 'responses', target: { id: 'P2', text: '0 errors' }, met: false });
  }
  const fixedErrors = atRate.non2xx + atRate.errors;
  const p = atRate.latency;
  const at = `GetProjectGrantByID at ${FIXED_RATE}/s`;
  context.rows.push(
    { scenario, key: 'reads.fixed_1000.achieved', name: `${at}: achieved`, value: round(atRate.achievedRate, 1), unit: 'req/s' },
    { scenario, key: 'reads.fixed_1000.p50', name: `${at}: p50`, value: round(p.p50, 3), unit: 'ms', target: { id: 'P3', text: '≤ 1 ms' }, met: p.p50 <= 1 },
    { scenario, key: 'reads.fixed_1000.p95', name: `${at}: p95`, value: round(p.p95, 3), unit: 'ms' },
    { scenario, key: 'reads.fixed_1000.p99', name: `${at}: p99`, value: round(p.p99, 3), unit: 'ms', target: { id: 'P3', text: '≤ 5 ms' }, met: p.p99 <= 5 },
    { scenario, key: 'reads.fixed_1000.p999', name: `${at}: p99.9`, value: round(p.p999, 3), unit: 'ms', target: { id: 'P3', text: '≤ 20 ms' }, met: p.p999 <= 20 },
    { scenario, key: 'reads.fixed_1000.errors', name: `${at}: non-2xx + errors`, value: fixedErrors, unit: 'responses', target: { id: 'P3', text: '0 errors' }, met: fixedErrors === 0 },
    // Latency counts from when a request was due; if the generator itself ran late (its core
    // busy with something else), that lateness is in the figures above.
    { scenario, key: 'reads.fixed_1000.send_lag_p99', name: `${at}: load generator send lag p99`, value: round(atRate.sendLagP99, 3), unit: 'ms' },
    { scenario, key: 'reads.fixed_1000.from_send_p999', name: `(ref) ${at}: p99.9 counted from send`, value: round(atRate.latencyFromSend.p999, 3), unit: 'ms' },
  );
  const ac = autocannonRate.latency;
  if (ac !== null) {
    context.rows.push(
      { scenario, key: 'reads.autocannon_rate_1000.p50', name: `(ref) autocannon --overallRate ${FIXED_RATE} -c 10: p50`, value: round(ac.p50, 3), unit: 'ms' },
      { scenario, key: 'reads.autocannon_rate_1000.p99', name: `(ref) autocannon --overallRate ${FIXED_RATE} -c 10: p99`, value: round(ac.p99, 3), unit: 'ms' },
    );
  }
}

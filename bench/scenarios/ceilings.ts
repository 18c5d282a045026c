import { join } from 'node:path';
import type { GrantlineService } from '../lib/grantline';
import { type LoadResult, warmThenMeasure } from '../lib/load';
import { ratioTo } from '../lib/report';
import { startServer } from '../lib/server-process';
import { round } from '../lib/stats';
import { type BenchContext, FASTIFY_HELLO, judgeRatioToFastify, notServerBound, ratioTargetNote } from './context';

const CONNECTIONS = 100;
const PIPELINING = 10;

function summary(result: LoadResult) {
  return {
    reqPerSecond: round(result.okPerSecond, 1),
    durationS: result.durationS,
    ok: result.ok,
    non2xx: result.non2xx,
    errors: result.errors,
    statusCodes: result.statusCodes,
    autocannonLatencyMs: result.autocannonLatency,
    generatorCpuPercent: result.generatorCpuPercent,
    serverCpuPercent: result.serverCpuPercent,
  };
}

/** Where the closed loop's CPU went, for the row's name: which side was the bound shows here. */
function cpuNote(result: LoadResult): string {
  return `; CPU: load generator ${Math.round(result.generatorCpuPercent)} %, server ${result.serverCpuPercent === null ? '?' : Math.round(result.serverCpuPercent)} %`;
}

/** Raw node:http hello and Fastify hello, each in its own pinned process, closed loop -c 100 -p 10. */
export async function helloCeilings(context: BenchContext): Promise<void> {
  const { throughputS, warmUpS } = context.durations;
  const servers: Array<[key: 'nodeHello' | 'fastifyHello' | 'nestHello', name: string, script: string]> = [
    ['nodeHello', 'node:http hello', 'node-hello.js'],
    ['fastifyHello', FASTIFY_HELLO, 'fastify-hello.js'],
    ['nestHello', 'NestJS hello (Fastify adapter)', 'nest-hello.js'],
  ];
  const details: Record<string, unknown> = {};
  const results: Partial<Record<'nodeHello' | 'fastifyHello' | 'nestHello', LoadResult>> = {};
  for (const [key, name, script] of servers) {
    const server = await startServer({ name, script: join(context.distRoot, 'bench', 'servers', script), env: {}, pinning: context.pinning, readyPath: '/' });
    try {
      context.log(`  ${name}: -c ${CONNECTIONS} -p ${PIPELINING}, ${warmUpS} s warm-up + ${throughputS} s`);
      const result = await warmThenMeasure({ label: name, url: server.url, connections: CONNECTIONS, pipelining: PIPELINING, durationS: throughputS, serverPid: server.pid }, warmUpS);
      context.ceilings[key] = result.okPerSecond;
      results[key] = result;
      details[key] = summary(result);
    } finally {
      await server.stop();
    }
  }
  const fastifyRound = results.fastifyHello;
  if (fastifyRound !== undefined) {
    // Seen on one VM: node:http, Fastify and NestJS hello all at 36k req/s, the generator's core
    // full; on the same VM later, Fastify hello at 22.7k with neither core full (a stall).
    const why = notServerBound(fastifyRound.generatorCpuPercent, fastifyRound.serverCpuPercent);
    if (why !== null) {
      context.ceilings.fastifyHelloNotServerBound = why;
      context.log(`  ! Fastify hello was ${why}: ratios to it overstate us, and P1/P2 passes are not judged`);
    }
  }
  context.details.ceilings = { connections: CONNECTIONS, pipelining: PIPELINING, ...details, fastifyHelloNotServerBound: context.ceilings.fastifyHelloNotServerBound ?? null };
  const scenario = 'ceilings';
  const note = (result: LoadResult | undefined) => (result === undefined ? '' : cpuNote(result));
  const node = context.ceilings.nodeHello;
  const fastify = context.ceilings.fastifyHello;
  if (node !== undefined) {
    context.rows.push({ scenario, key: 'ceilings.node_hello.rps', name: `node:http hello (-c 100 -p 10${note(results.nodeHello)})`, value: Math.round(node), unit: 'req/s' });
  }
  if (fastify !== undefined) {
    context.rows.push({
      scenario,
      key: 'ceilings.fastify_hello.rps',
      name: `Fastify hello (-c 100 -p 10${note(results.fastifyHello)})`,
      value: Math.round(fastify),
      unit: 'req/s',
      ...(ratioTo(fastify, node, 'node:http') !== undefined ? { ratio: ratioTo(fastify, node, 'node:http') } : {}),
    });
  }
  const nest = context.ceilings.nestHello;
  if (nest !== undefined) {
    const ratio = ratioTo(nest, fastify, FASTIFY_HELLO);
    context.rows.push({
      scenario,
      key: 'ceilings.nest_hello.rps',
      name: `(diag) NestJS hello, Fastify adapter (-c 100 -p 10${note(results.nestHello)})`,
      value: Math.round(nest),
      unit: 'req/s',
      ...(ratio !== undefined ? { ratio } : {}),
    });
  }
}

/**
 * Grantline's cheapest authenticated route with the whole pipeline (guard: bearer token,
 * consistency wait, acting-org check, permission; interceptors; error filter): GetMyOrg.
 * GET /healthz is cheaper but skips the pipeline, so it is not the figure P1 is about.
 */
export async function getMyOrgCeiling(context: BenchContext, service: GrantlineService): Promise<void> {
  const { throughputS, warmUpS } = context.durations;
  context.log(`  Grantline GetMyOrg: -c ${CONNECTIONS} -p ${PIPELINING}, ${warmUpS} s warm-up + ${throughputS} s`);
  const result = await warmThenMeasure(
    {
      label: 'Grantline GetMyOrg',
      url: service.url,
      connections: CONNECTIONS,
      pipelining: PIPELINING,
      durationS: throughputS,
      method: 'GET',
      path: '/management/v1/orgs/me',
      headers: service.headers(),
      serverPid: service.server.pid,
    },
    warmUpS,
  );
  context.ceilings.getMyOrg = result.okPerSecond;
  const details = (context.details.ceilings ??= {}) as Record<string, unknown>;
  details.getMyOrg = summary(result);
  const ratio = ratioTo(result.okPerSecond, context.ceilings.fastifyHello, FASTIFY_HELLO);
  const scenario = 'ceilings';
  context.rows.push({
    scenario,
    key: 'ceilings.get_my_org.rps',
    name: `Grantline GetMyOrg, authenticated (-c 100 -p 10${cpuNote(result)})`,
    value: Math.round(result.okPerSecond),
    unit: 'req/s',
    ...(ratio !== undefined ? { ratio, met: judgeRatioToFastify(context, ratio, 0.75) } : {}),
    target: { id: 'P1', text: `≥ 75 % of Fastify hello${ratioTargetNote(context)}` },
  });
  if (result.non2xx + result.errors > 0) {
    context.rows.push({ scenario, key: 'ceilings.get_my_org.errors', name: 'Grantline GetMyOrg: non-2xx + errors', value: result.non2xx + result.errors, unit: 'responses', target: { id: 'P1', text: '0 errors' }, met: false });
  }
}

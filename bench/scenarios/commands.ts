import { performance } from 'node:perf_hooks';
import { ErrorLog } from '../lib/error-log';
import { type FixedRateResult, fixedRate } from '../lib/fixed-rate';
import { type GrantlineService, ROLES } from '../lib/grantline';
import { type LoadResult, load } from '../lib/load';
import { type Row, ratioTo } from '../lib/report';
import { round } from '../lib/stats';
import { type BenchContext, FASTIFY_HELLO } from './context';

const CONNECTIONS = 32;
const FIXED_RATE = 500;
const SPREAD_PROJECTS = 32;

/** Which project and grantee org the next AddProjectGrant is for. */
interface Workload {
  readonly name: string;
  readonly key: string;
  next(): { project: string; grantedOrgId: string };
  /** Makes sure at least `requests` more commands can be sent, each for a new (project, org) pair. */
  ensure(requests: number): Promise<void>;
  /** Requests to provision for a warm-up of `seconds` (a warm-up that runs out just ends in fast errors). */
  warmUpRequests(seconds: number): number;
}

/** The P4 workload: every command grants THE vendor project to an org it was never granted to. */
function oneProject(service: GrantlineService): Workload {
  return {
    name: 'AddProjectGrant, 1 project',
    key: 'commands.one_project',
    next: () => ({ project: service.project, grantedOrgId: service.takeOrg() ?? 'bench-pool-exhausted' }),
    ensure: (requests) => service.createOrgs(requests - service.unusedOrgCount),
    // Every request costs an AddOrg beforehand: provision for a modest rate only.
    warmUpRequests: (seconds) => Math.ceil(3500 * seconds),
  };
}

/**
 * Diagnostic workload: the same command spread round-robin over 32 projects, so concurrent commands
 * (almost) never write the same stream. Each grantee org is granted every one of the projects, so
 * it needs 1/32 of the orgs.
 */
async function spreadProjects(service: GrantlineService): Promise<Workload> {
  const projects = await service.ensureProjects(SPREAD_PROJECTS);
  const orgs: string[] = [];
  let sent = 0;
  return {
    name: `AddProjectGrant, ${SPREAD_PROJECTS} projects`,
    key: 'commands.spread_projects',
    next: () => {
      const index = sent;
      sent += 1;
      return { project: projects[index % projects.length] ?? '', grantedOrgId: orgs[Math.floor(index / projects.length)] ?? 'bench-pool-exhausted' };
    },
    ensure: async (requests) => {
      const missing = Math.ceil((sent + requests) / projects.length) - orgs.length;
      if (missing <= 0) return;
      await service.createOrgs(missing - service.unusedOrgCount);
      orgs.push(...service.takeOrgs(missing));
    },
    warmUpRequests: (seconds) => Math.ceil(5000 * seconds),
  };
}

interface VariantResult {
  readonly warmUpPerSecond: number;
  readonly closedLoop: LoadResult;
  /** Null when the closed loop showed the service cannot sustain the rate at all. */
  readonly fixedRate: FixedRateResult | null;
  readonly errors: ErrorLog;
}

async function runWorkload(context: BenchContext, service: GrantlineService, workload: Workload): Promise<VariantResult> {
  const { commandsS, warmUpS, fixedRateS } = context.durations;
  const errors = new ErrorLog();
  const headers = service.headers(service.vendor, true);
  const collect = (project: string, status: number, body: string) => {
    if (status === 200) service.grants.push({ project, grant: (JSON.parse(body) as { grantId: string }).grantId });
    else errors.note(status, body);
  };
  const closedLoop = (durationS: number, label: string, measured: boolean) =>
    load({
      label,
      url: service.url,
      connections: CONNECTIONS,
      // One request in flight per connection: the context below belongs to that request.
      pipelining: 1,
      durationS,
      headers,
      requests: [
        {
          method: 'POST',
          setupRequest: (request, requestContext) => {
            const { project, grantedOrgId } = workload.next();
            requestContext.project = project;
            return { ...request, path: `/management/v1/projects/${project}/grants`, body: JSON.stringify({ grantedOrgId, roleKeys: ROLES }) };
          },
          onResponse: (status, body, requestContext) => collect(String(requestContext.project), status, body),
        },
      ],
      recordLatency: measured,
      progress: measured,
    });

  context.log(`  ${workload.name}: -c ${CONNECTIONS}, ${warmUpS} s warm-up + ${commandsS} s`);
  await workload.ensure(workload.warmUpRequests(warmUpS));
  await service.settle();
  const warmUp = await closedLoop(warmUpS, `${workload.name} (warm-up)`, false);
  // Enough fresh (project, org) pairs for the measured round even if it runs twice as fast as the
  // warm-up answered (errors included; a round that runs out fails its last requests, visibly,
  // with "Organisation not found" for the placeholder org).
  let setupStarted = performance.now();
  const answered = (warmUp.ok + warmUp.non2xx) / warmUp.durationS;
  await workload.ensure(Math.ceil(Math.max(answered * 2, 100) * commandsS) + 200);
  await service.settle();
  context.log(`    warm-up: ${Math.round(warmUp.okPerSecond)} commands/s; grantee orgs topped up in ${round((performance.now() - setupStarted) / 1000, 1)} s`);
  const measured = await closedLoop(commandsS, workload.name, true);
  if (measured.okPerSecond < FIXED_RATE) {
    // Arrivals faster than the service can ever answer: latency would only measure how long the
    // queue grew before the round ended, so there is no figure to report.
    context.log(`  ${workload.name} at a fixed ${FIXED_RATE}/s: not run, the closed loop answered only ${Math.round(measured.okPerSecond)} 2xx/s`);
    return { warmUpPerSecond: warmUp.okPerSecond, closedLoop: measured, fixedRate: null, errors };
  }

  setupStarted = performance.now();
  await workload.ensure(Math.ceil(FIXED_RATE * (fixedRateS + warmUpS) * 1.1));
  context.log(`  ${workload.name} at a fixed ${FIXED_RATE}/s: ${warmUpS} s warm-up + ${fixedRateS} s`);
  const projectOf = new Map<number, string>();
  const fixed = (durationS: number, label: string) =>
    fixedRate({
      label,
      url: service.url,
      rate: FIXED_RATE,
      durationS,
      request: (index) => {
        const { project, grantedOrgId } = workload.next();
        projectOf.set(index, project);
        return { method: 'POST', path: `/management/v1/projects/${project}/grants`, headers, body: JSON.stringify({ grantedOrgId, roleKeys: ROLES }) };
      },
      onResponse: (index, status, body) => {
        collect(projectOf.get(index) ?? '', status, body);
        projectOf.delete(index);
      },
    });
  await service.settle();
  await fixed(warmUpS, `${workload.name} fixed rate (warm-up)`);
  projectOf.clear();
  const atRate = await fixed(fixedRateS, `${workload.name} fixed rate`);
  return { warmUpPerSecond: warmUp.okPerSecond, closedLoop: measured, fixedRate: atRate, errors };
}

function rowsOf(context: BenchContext, workload: Workload, result: VariantResult, withTargets: boolean): Row[] {
  const scenario = 'commands';
  const { closedLoop: measured, fixedRate: atRate } = result;
  const tag = withTargets ? workload.name : `(diag) ${workload.name}`;
  const target = (text: string, met: boolean): Pick<Row, 'target' | 'met'> => (withTargets ? { target: { id: 'P4', text }, met } : {});
  const ratio = ratioTo(measured.okPerSecond, context.ceilings.fastifyHello, FASTIFY_HELLO);
  const closedErrors = measured.non2xx + measured.errors;
  const rows: Row[] = [
    {
      scenario,
      key: `${workload.key}.rps`,
      name: `${tag}, -c 32: 2xx`,
      value: Math.round(measured.okPerSecond),
      unit: 'commands/s',
      ...(ratio !== undefined ? { ratio } : {}),
      ...target('≥ 2,000 commands/s', measured.okPerSecond >= 2000),
    },
    { scenario, key: `${workload.key}.errors`, name: `${tag}, -c 32: non-2xx + errors`, value: closedErrors, unit: 'responses', ...target('0 errors', closedErrors === 0) },
  ];
  if (measured.latency !== null) {
    rows.push(
      { scenario, key: `${workload.key}.p50`, name: `${tag}, -c 32: p50`, value: round(measured.latency.p50, 3), unit: 'ms' },
      { scenario, key: `${workload.key}.p99`, name: `${tag}, -c 32: p99`, value: round(measured.latency.p99, 3), unit: 'ms' },
    );
  }
  if (atRate === null) {
    rows.push({
      scenario,
      key: `${workload.key}.fixed_500.p99`,
      name: `${tag} at ${FIXED_RATE}/s: p99 (not run: capacity < ${FIXED_RATE}/s)`,
      value: NaN,
      unit: 'ms',
      ...target('≤ 25 ms', false),
    });
    return rows;
  }
  const fixedErrors = atRate.non2xx + atRate.errors;
  rows.push(
    { scenario, key: `${workload.key}.fixed_500.achieved`, name: `${tag} at ${FIXED_RATE}/s: answered`, value: round(atRate.achievedRate, 1), unit: 'commands/s' },
    { scenario, key: `${workload.key}.fixed_500.p50`, name: `${tag} at ${FIXED_RATE}/s: p50`, value: round(atRate.latency.p50, 3), unit: 'ms' },
    { scenario, key: `${workload.key}.fixed_500.p99`, name: `${tag} at ${FIXED_RATE}/s: p99`, value: round(atRate.latency.p99, 3), unit: 'ms', ...target('≤ 25 ms', atRate.latency.p99 <= 25) },
    { scenario, key: `${workload.key}.fixed_500.errors`, name: `${tag} at ${FIXED_RATE}/s: non-2xx + errors`, value: fixedErrors, unit: 'responses', ...target('0 errors', fixedErrors === 0) },
    { scenario, key: `${workload.key}.fixed_500.send_lag_p99`, name: `${tag} at ${FIXED_RATE}/s: load generator send lag p99`, value: round(atRate.sendLagP99, 3), unit: 'ms' },
  );
  return rows;
}

function detailsOf(result: VariantResult) {
  const { closedLoop: measured } = result;
  return {
    warmUpPerSecond: round(result.warmUpPerSecond, 1),
    closedLoop: {
      connections: CONNECTIONS,
      commandsPerSecond: round(measured.okPerSecond, 1),
      durationS: measured.durationS,
      ok: measured.ok,
      non2xx: measured.non2xx,
      errors: measured.errors,
      errorMessages: measured.errorMessages,
      statusCodes: measured.statusCodes,
      latencyMs: measured.latency,
    },
    fixedRate: result.fixedRate,
    errorsById: result.errors.counts,
    errorSamples: result.errors.samples,
  };
}

/**
 * P4: AddProjectGrant over HTTP, durable. Setup through the API: the vendor's project with two
 * roles and thousands of grantee orgs created beforehand with AddOrg, so that every command grants
 * the project to an org it has not been granted to. Closed loop with 32 connections (no
 * pipelining), then latency at a fixed 500 commands/s. Then the same over 32 projects, as a
 * diagnostic: it separates the cost of the pipeline and the durable commit from contention on
 * one stream.
 */
export async function commandsScenario(context: BenchContext, service: GrantlineService): Promise<void> {
  const setupStarted = performance.now();
  const initial = context.quick ? 1000 : 3000;
  await service.createOrgs(initial);
  const seconds = (performance.now() - setupStarted) / 1000;
  context.log(`  created ${initial} grantee orgs through AddOrg (-c 32) in ${round(seconds, 1)} s: ${Math.round(initial / seconds)} AddOrg/s`);
  const details: Record<string, unknown> = { addOrgPerSecond: round(initial / seconds, 1) };

  const workloads: Array<[Workload, boolean]> = [
    [oneProject(service), true],
    [await spreadProjects(service), false],
  ];
  for (const [workload, withTargets] of workloads) {
    const result = await runWorkload(context, service, workload);
    details[workload.key.replace('commands.', '')] = detailsOf(result);
    context.rows.push(...rowsOf(context, workload, result, withTargets));
    const errorIds = Object.entries(result.errors.counts);
    if (errorIds.length > 0) {
      context.log(`    non-2xx answers by error id: ${errorIds.map(([id, count]) => `${id} × ${count}`).join(', ')}`);
      for (const sample of result.errors.samples) context.log(`      e.g. ${sample.status} ${sample.body}`);
    }
    const socketErrors = result.closedLoop.errors + (result.fixedRate?.errors ?? 0);
    if (socketErrors > 0) {
      context.log(`    socket errors/timeouts: ${socketErrors} (${result.fixedRate?.abandoned ?? 0} abandoned after the fixed-rate drain) ${result.closedLoop.errorMessages.join('; ')}`);
    }
  }
  details.projectGrants = service.grants.length;
  context.details.commands = details;
}

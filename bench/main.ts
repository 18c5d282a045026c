import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GrantlineService } from './lib/grantline';
import { cpuSnapshot, foreignCpuPercent, loadAverage, type Pinning, pinThisProcess, runInfo } from './lib/machine';
import { markdownTable, table } from './lib/report';
import { runningPids } from './lib/server-process';
import { appendScenario } from './scenarios/append';
import { getMyOrgCeiling, helloCeilings } from './scenarios/ceilings';
import { commandsScenario } from './scenarios/commands';
import { type BenchContext, FULL, QUICK } from './scenarios/context';
import { fsyncScenario } from './scenarios/fsync';
import { cascadeScenario, datasetScenario, lagScenario, reads1mScenario, rywScenario, startupScenario, stopDataSetService } from './scenarios/dataset';
import { grpcScenario } from './scenarios/grpc';
import { readsScenario } from './scenarios/reads';
import { golemScenario } from './scenarios/golem';
import { rebuildMongoScenario } from './scenarios/rebuild-mongo';
import { applySoakOption, type SoakOptions, soakScenario } from './scenarios/soak';

/**
 * `npm run bench [-- --quick] [scenario…]`: the figures of the performance spec (protocol and targets), each with its
 * ratio to the ceilings measured in the same run. Scenarios: fsync, append, ceilings, commands,
 * reads (default: all but soak, which runs only when named). The HTTP scenarios always measure the ceilings first (their ratios need
 * them). Writes bench-results/latest.json.
 */
const SCENARIOS = ['fsync', 'append', 'ceilings', 'commands', 'reads', 'golem', 'dataset', 'rebuild-mongo', 'reads-1m', 'grpc', 'lag', 'ryw', 'cascade', 'startup', 'soak'] as const;
type Scenario = (typeof SCENARIOS)[number];
/** Run only when named: P10's soak lasts 30 minutes by default. */
const EXPLICIT_ONLY: ReadonlySet<Scenario> = new Set(['soak']);
/** Scenarios on the generated data set (bench/lib/dataset.ts), generated once per run. */
const DATA_SET_SCENARIOS: ReadonlySet<Scenario> = new Set(['dataset', 'rebuild-mongo', 'reads-1m', 'grpc', 'lag', 'ryw', 'cascade', 'startup']);

function usage(): never {
  console.error(`usage: node dist/bench/main.js [--quick] [--markdown] [--soak-minutes=N] [--soak-read-rate=N] [--soak-command-rate=N] [${SCENARIOS.join('|')} …]`);
  console.error(`  default: every scenario but ${[...EXPLICIT_ONLY].join(', ')}`);
  process.exit(2);
}

function parseArgs(argv: readonly string[]): { quick: boolean; markdown: boolean; scenarios: Set<Scenario>; soak: SoakOptions } {
  let quick = false;
  let markdown = false;
  const scenarios = new Set<Scenario>();
  const soak: SoakOptions = {};
  for (const arg of argv) {
    if (arg === '--quick') quick = true;
    else if (arg === '--markdown') markdown = true;
    else if (arg === '--help' || arg === '-h') usage();
    else if ((SCENARIOS as readonly string[]).includes(arg)) scenarios.add(arg as Scenario);
    else if (arg.startsWith('--soak-')) {
      const problem = applySoakOption(arg, soak);
      if (problem !== null) {
        console.error(problem);
        usage();
      }
    } else {
      console.error(`unknown argument: ${arg}`);
      usage();
    }
  }
  if (Object.keys(soak).length > 0 && !scenarios.has('soak')) {
    console.error('--soak-… options apply to the soak scenario, which runs only when named: add `soak`');
    usage();
  }
  if (scenarios.size === 0) for (const scenario of SCENARIOS) if (!EXPLICIT_ONLY.has(scenario)) scenarios.add(scenario);
  // Ratios are to ceilings measured in the same run.
  if (scenarios.has('commands') || scenarios.has('reads') || scenarios.has('reads-1m')) scenarios.add('ceilings');
  return { quick, markdown, scenarios, soak };
}

async function main(): Promise<void> {
  const { quick, markdown, scenarios, soak } = parseArgs(process.argv.slice(2));
  const pinning: Pinning = pinThisProcess();
  const info = runInfo();
  const started = Date.now();
  const log = (message: string) => console.log(message);
  const context: BenchContext = {
    quick,
    durations: quick ? QUICK : FULL,
    pinning,
    distRoot: join(__dirname, '..'),
    rows: [],
    ceilings: {},
    details: {},
    log,
  };

  log(`Grantline benchmarks${quick ? ' (--quick: short rounds, a smoke run; figures are indicative only)' : ''}`);
  log(`  date:    ${info.date}`);
  log(`  commit:  ${info.commit}${info.dirty === true ? ' (working tree has uncommitted changes)' : ''}`);
  log(`  machine: ${info.cpuModel}, ${info.cores} cores, ${info.platform}`);
  log(`  node:    ${info.node}`);
  log(`  cpus:    ${pinning.note}`);
  log(`  load:    ${info.loadAverage} (1-min load average at start; what other processes take during each scenario is printed after it)`);
  log(`  NODE_ENV=production for the servers, GRANTLINE_LOG_LEVEL=warn; scenarios: ${[...scenarios].join(', ')}`);
  log('');

  let service: GrantlineService | null = null;
  /** Per scenario: how much of the machine other processes used meanwhile (they skew the figures). */
  const interference: Record<string, number | null> = {};
  try {
    for (const scenario of SCENARIOS) {
      if (!scenarios.has(scenario)) continue;
      const scenarioStarted = Date.now();
      const cpuBefore = cpuSnapshot(runningPids());
      if (DATA_SET_SCENARIOS.has(scenario) && service !== null) {
        // The API-built service is done with: free its core and memory for the data set's service.
        const tail = service.server.stderrTail().trim();
        await service.stop();
        service = null;
        if (tail !== '') log(`grantline service stderr (last lines):\n${tail}`);
      }
      log(`[${scenario}]`);
      switch (scenario) {
        case 'fsync':
          await fsyncScenario(context);
          break;
        case 'append':
          await appendScenario(context);
          break;
        case 'ceilings':
          await helloCeilings(context);
          service ??= await GrantlineService.start(context.distRoot, pinning);
          await getMyOrgCeiling(context, service);
          break;
        case 'commands':
          service ??= await GrantlineService.start(context.distRoot, pinning);
          await commandsScenario(context, service);
          break;
        case 'reads':
          service ??= await GrantlineService.start(context.distRoot, pinning);
          await readsScenario(context, service);
          break;
        case 'golem':
          service ??= await GrantlineService.start(context.distRoot, pinning);
          await golemScenario(context, service);
          break;
        case 'dataset':
          await datasetScenario(context);
          break;
        case 'rebuild-mongo':
          await rebuildMongoScenario(context);
          break;
        case 'reads-1m':
          await reads1mScenario(context);
          break;
        case 'grpc':
          await grpcScenario(context);
          break;
        case 'lag':
          await lagScenario(context);
          break;
        case 'ryw':
          await rywScenario(context);
          break;
        case 'cascade':
          await cascadeScenario(context);
          break;
        case 'startup':
          await startupScenario(context);
          break;
        case 'soak':
          service ??= await GrantlineService.start(context.distRoot, pinning);
          await soakScenario(context, service, soak);
          break;
      }
      const foreign = foreignCpuPercent(cpuBefore, cpuSnapshot(runningPids()));
      interference[scenario] = foreign;
      log(`  (${((Date.now() - scenarioStarted) / 1000).toFixed(1)} s${foreign !== null ? `; other processes used ${foreign} % of the machine meanwhile` : ''})`);
    }
  } finally {
    const dataSetTail = await stopDataSetService();
    if (dataSetTail !== '') log(`\ngrantline (data set) service stderr (last lines):\n${dataSetTail}`);
    if (service !== null) {
      const tail = service.server.stderrTail().trim();
      await service.stop();
      if (tail !== '') log(`\ngrantline service stderr (last lines):\n${tail}`);
    }
  }

  const loadAtEnd = loadAverage();
  const dataSet = context.details.dataSet as { orgs: number; projects: number; projectGrants: number; userGrants: number } | undefined;
  log('');
  log(`Results (${quick ? 'quick' : 'full'} run, ${((Date.now() - started) / 1000).toFixed(0)} s; ${info.commit}; ${info.cpuModel} × ${info.cores}; node ${info.node}; load average ${info.loadAverage} at start, ${loadAtEnd} at end)`);
  if (dataSet !== undefined) {
    log(
      `Read data set: ${dataSet.orgs} orgs, ${dataSet.projects} projects, ${dataSet.projectGrants} project grants, ${dataSet.userGrants} user grants ` +
        '(the spec\'s 100 orgs / 10k projects / 100k project grants / 1M user grants set is a later issue)',
    );
  }
  const generated = context.details.generatedDataSet as { orgs: number; projects: number; projectGrants: number; userGrants: number; events: number } | undefined;
  if (generated !== undefined) {
    log(
      `Generated data set (dataset, rebuild-mongo, reads-1m, grpc, lag, ryw, cascade, startup): ${generated.orgs} orgs, ${generated.projects} projects, ${generated.projectGrants} project grants, ` +
        `${generated.userGrants} user grants, ${generated.events} events${quick ? ' (--quick: 1/100 of the spec set)' : ' (the spec set, plus a 10,000-user-grant cascade fixture)'}`,
    );
  }
  log('');
  log(table(context.rows));
  if (markdown) {
    log('');
    log(markdownTable(context.rows));
  }
  const disturbed = Object.entries(interference).filter(([, foreign]) => foreign !== null && foreign > 5);
  log('');
  log(`Other processes' share of the machine per scenario: ${Object.entries(interference).map(([name, foreign]) => `${name} ${foreign ?? '?'} %`).join(', ')}`);
  if (disturbed.length > 0) {
    log(`WARNING: other work ran during ${disturbed.map(([name]) => name).join(', ')} (> 5 % of the machine): those figures are low and noisy.`);
  }
  const missed = context.rows.filter((row) => row.met === false);
  log('');
  const unjudged = context.rows.filter((row) => row.target !== undefined && row.met === undefined);
  log(missed.length === 0 ? 'Every target measured was met.' : `Targets missed: ${missed.map((row) => `${row.target?.id ?? ''} ${row.name}`).join('; ')}`);
  if (unjudged.length > 0) log(`Targets not judged: ${unjudged.map((row) => `${row.target?.id ?? ''} ${row.name}`).join('; ')}`);

  const outDir = join(process.cwd(), 'bench-results');
  mkdirSync(outDir, { recursive: true });
  const summary = {
    run: { ...info, loadAverageAtEnd: loadAtEnd, foreignCpuPercent: interference, quick, scenarios: [...scenarios], durations: context.durations, pinning, elapsedS: (Date.now() - started) / 1000 },
    ceilings: context.ceilings,
    rows: context.rows,
    details: context.details,
  };
  const file = join(outDir, 'latest.json');
  writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
  log(`JSON summary: ${file}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);

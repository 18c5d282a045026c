import { performance } from 'node:perf_hooks';
import { type DataSet, DataSetService, dataSetCache, describeDataSet } from '../lib/dataset';
import { procTicks, TICKS_PER_SECOND } from '../lib/machine';
import { type BenchMongo, startBenchMongo } from '../lib/mongo';
import { sleep } from '../lib/server-process';
import { round } from '../lib/stats';
import type { BenchContext } from './context';
import { ensureDataSet, stopDataSetService } from './dataset';

const SCENARIO = 'rebuild-mongo';
const TARGET_EVENTS_PER_S = 20_000;
const TARGET = { id: 'P6', text: 'MongoDB ≥ 20,000 events/s' } as const;

/**
 * How long the rebuild may run: until it is clear the rate is below a third of the target (at least
 * 60 s), so a slow server cannot hold the run for hours. BENCH_REBUILD_MONGO_MAX_S overrides it.
 */
function budgetSeconds(events: number): number {
  const override = Number(process.env.BENCH_REBUILD_MONGO_MAX_S);
  if (Number.isFinite(override) && override > 0) return override;
  return Math.max(60, (3 * events) / TARGET_EVENTS_PER_S);
}

/**
 * P6 on MongoDB: the service started on the run's data set (events in its embedded SQLite file)
 * with MONGODB_URI set and a fresh database, so every projection builds its read model in MongoDB
 * from position 0. Events/s = head / (process start → every projection at the head), as the SQLite
 * figure; when the budget runs out first, the slowest projection's position / elapsed time, marked
 * as not finished. One service at a time on 2 cores: a running SQLite data-set service is stopped
 * meanwhile and restarted (on its checkpointed read models) afterwards.
 */
export async function rebuildMongoScenario(context: BenchContext): Promise<void> {
  const dataSet: DataSet = await ensureDataSet(context);
  const sqliteWasRunning = dataSetCache.service !== null;
  if (sqliteWasRunning) {
    context.log('  stopping the SQLite data-set service meanwhile (one service at a time); it is restarted afterwards');
    const tail = await stopDataSetService();
    if (tail !== '') context.log(`  grantline (data set) service stderr (last lines):\n${tail}`);
  }
  let mongo: BenchMongo | null = null;
  let service: DataSetService | null = null;
  let label = 'MongoDB';
  try {
    mongo = await startBenchMongo(context.pinning, 'grantline_bench_rebuild');
    label = mongo.label;
    const budgetS = budgetSeconds(dataSet.counts.events);
    context.log(`  ${mongo.label}${mongo.external ? '' : ` at ${mongo.uri}`}; database ${mongo.dbName}; ${mongo.placement}`);
    context.log(`  data set: ${describeDataSet(dataSet)}`);
    context.log(`  starting the service on it with MONGODB_URI set; its projections build the read models in MongoDB from position 0 (budget ${round(budgetS, 0)} s)`);
    const mongoTicksBefore = mongo.cpuTicks();
    const started = performance.now();
    service = await DataSetService.start(context.distRoot, context.pinning, dataSet, { MONGODB_URI: mongo.uri, MONGODB_DB: mongo.dbName });
    const listening = (performance.now() - started) / 1000;
    // As DataSetService.caughtUp, but ends at the budget with the progress so far.
    let lastLog = performance.now();
    let health = await service.health();
    for (;;) {
      if (health.projections.every((projection) => projection.lag === 0)) break;
      const stopped = health.projections.filter((projection) => projection.state === 'stopped');
      if (stopped.length > 0) throw new Error(`projection stopped: ${JSON.stringify(stopped)}`);
      if ((performance.now() - started) / 1000 > budgetS) break;
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now();
        const slowest = Math.min(...health.projections.map((projection) => projection.position));
        context.log(`    … rebuilding: slowest projection at ${slowest} / ${health.headPosition} (${Math.round((performance.now() - started) / 1000)} s)`);
      }
      await sleep(50);
      health = await service.health();
    }
    const seconds = (performance.now() - started) / 1000;
    const head = health.headPosition;
    const reached = Math.min(...health.projections.map((projection) => projection.position));
    const finished = reached >= head;
    const eventsPerSecond = reached / seconds;
    // CPU over the same interval, in % of one core (the service's since its process start).
    const serviceTicks = procTicks(String(service.server.pid), false);
    const mongoTicksAfter = mongo.cpuTicks();
    const cpuPercent = (ticks: number | null) => (ticks === null ? null : round((100 * ticks) / TICKS_PER_SECOND / seconds, 1));
    const serviceCpu = cpuPercent(serviceTicks);
    const mongoCpu = mongoTicksBefore !== null && mongoTicksAfter !== null ? cpuPercent(mongoTicksAfter - mongoTicksBefore) : null;
    const progress = finished
      ? `read models built in MongoDB: ${head} events in ${round(seconds, 1)} s`
      : `NOT at the head after ${round(seconds, 1)} s (budget): slowest projection at ${reached} / ${head} (${health.projections.map((p) => `${p.name} ${p.position}`).join(', ')})`;
    context.log(
      `  ${progress} (service listening after ${round(listening, 2)} s): ${Math.round(eventsPerSecond)} events/s` +
        `; CPU meanwhile: service ${serviceCpu ?? '?'} %${mongo.external ? '' : `, jongodb ${mongoCpu ?? '?'} %`} of one core`,
    );
    const where = mongo.external ? '' : ` (${mongo.placement})`;
    const done = finished ? `${head} events` : `stopped after ${round(seconds, 0)} s at ${reached} / ${head} events`;
    context.rows.push(
      {
        scenario: SCENARIO,
        key: 'rebuild_mongo.events_per_s',
        name: `projection rebuild from 0, ${mongo.label}${where}, ${done} (6 projections + 3 reactors: both dialects', in the service)`,
        value: Math.round(eventsPerSecond),
        unit: 'events/s',
        target: TARGET,
        met: finished && eventsPerSecond >= TARGET_EVENTS_PER_S,
      },
      {
        scenario: SCENARIO,
        key: 'rebuild_mongo.seconds',
        name: `projection rebuild from 0, MongoDB: wall time (process start → ${finished ? 'every projection at head' : 'budget ran out'})`,
        value: round(seconds, 2),
        unit: 's',
      },
    );
    if (serviceCpu !== null) {
      context.rows.push({ scenario: SCENARIO, key: 'rebuild_mongo.service_cpu', name: '(diag) projection rebuild, MongoDB: CPU of the service process, of one core', value: serviceCpu, unit: '%' });
    }
    if (mongoCpu !== null) {
      context.rows.push({ scenario: SCENARIO, key: 'rebuild_mongo.mongo_cpu', name: '(diag) projection rebuild, MongoDB: CPU of the jongodb process (same core as the service), of one core', value: mongoCpu, unit: '%' });
    }
    context.details.rebuildMongo = {
      server: mongo.label,
      external: mongo.external,
      database: mongo.dbName,
      placement: mongo.placement,
      finished,
      budgetS: round(budgetS, 1),
      head,
      reached,
      projections: health.projections.map((p) => ({ name: p.name, position: p.position, state: p.state })),
      seconds: round(seconds, 2),
      listeningS: round(listening, 2),
      eventsPerSecond: round(eventsPerSecond, 1),
      cpuPercentOfOneCore: { service: serviceCpu, jongodb: mongoCpu },
    };
  } catch (error) {
    // Reported in the table (and the rest of the run goes on) instead of ending the run.
    const message = error instanceof Error ? error.message : String(error);
    const tail = service?.server.stderrTail().trim() ?? '';
    context.log(`  rebuild on MongoDB FAILED: ${message}`);
    if (tail !== '') context.log(`  grantline (data set, MongoDB) service stderr (last lines):\n${tail}`);
    context.rows.push({
      scenario: SCENARIO,
      key: 'rebuild_mongo.events_per_s',
      name: `projection rebuild from 0, ${label}: FAILED (${message.split('\n')[0]?.slice(0, 120) ?? ''})`,
      value: Number.NaN,
      unit: 'events/s',
      target: TARGET,
      met: false,
    });
    context.details.rebuildMongo = { server: label, error: message, serviceStderrTail: tail };
  } finally {
    if (service !== null) await service.stop();
    if (mongo !== null) {
      await mongo.stop().catch((error: unknown) => context.log(`  stopping MongoDB: ${error instanceof Error ? error.message : String(error)}`));
    }
    if (sqliteWasRunning) {
      const started = performance.now();
      const restarted = await DataSetService.start(context.distRoot, context.pinning, dataSet);
      await restarted.caughtUp();
      dataSetCache.service = restarted;
      context.log(`  SQLite data-set service restarted, every projection at the head after ${round((performance.now() - started) / 1000, 1)} s`);
    }
  }
}

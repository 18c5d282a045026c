import autocannon from 'autocannon';
import { SingleBar } from 'cli-progress';
import { procTicks, TICKS_PER_SECOND } from './machine';
import { type Percentiles, Samples } from './stats';

/** One closed-loop (or autocannon-rate-limited) round of load. */
export interface LoadOptions {
  readonly label: string;
  readonly url: string;
  readonly connections: number;
  readonly pipelining?: number;
  /** Seconds; ignored when `amount` is set. */
  readonly durationS?: number;
  readonly amount?: number;
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly requests?: autocannon.RequestSpec[];
  readonly overallRate?: number;
  /** Record every response time (float ms) ourselves; autocannon's histogram keeps whole ms only. */
  readonly recordLatency?: boolean;
  readonly progress?: boolean;
  /** The server's pid, to report its CPU over the round beside the load generator's. */
  readonly serverPid?: number;
}

export interface LoadResult {
  readonly label: string;
  readonly durationS: number;
  readonly ok: number;
  readonly non2xx: number;
  /** Socket errors and timeouts. */
  readonly errors: number;
  readonly timeouts: number;
  /** First few socket error messages. */
  readonly errorMessages: string[];
  readonly statusCodes: Record<string, number>;
  /** 2xx responses per second. */
  readonly okPerSecond: number;
  /** Our own float-ms percentiles (when `recordLatency`), over 2xx and non-2xx alike. */
  readonly latency: Percentiles | null;
  /** autocannon's (whole-ms, 2xx only) percentiles, for reference. */
  readonly autocannonLatency: { p50: number; p90: number; p99: number; p999: number; max: number };
  /** CPU of this process (autocannon runs in it) over the round, in % of one core. */
  readonly generatorCpuPercent: number;
  /** CPU of the server over the round, in % of one core (when its pid was given and /proc has it). */
  readonly serverCpuPercent: number | null;
}

export async function load(options: LoadOptions): Promise<LoadResult> {
  const samples = options.recordLatency === true ? new Samples() : null;
  const started = Date.now();
  const errorMessages: string[] = [];
  const cpuBefore = process.cpuUsage();
  const serverBefore = options.serverPid === undefined ? null : procTicks(String(options.serverPid), false);
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        // autocannon takes the path from the URL (a separate `path` option is ignored).
        url: options.path !== undefined ? new URL(options.path, options.url).toString() : options.url,
        connections: options.connections,
        pipelining: options.pipelining ?? 1,
        ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.durationS ?? 10 }),
        ...(options.method !== undefined ? { method: options.method } : {}),
        ...(options.headers !== undefined ? { headers: options.headers } : {}),
        ...(options.body !== undefined ? { body: options.body } : {}),
        ...(options.requests !== undefined ? { requests: options.requests } : {}),
        ...(options.overallRate !== undefined ? { overallRate: options.overallRate } : {}),
        timeout: 30,
      },
      (error, value) => (error !== null ? reject(error) : resolve(value)),
    );
    instance.on('reqError', (error: Error) => {
      if (errorMessages.length < 3) errorMessages.push(error.message);
    });
    if (samples !== null) {
      instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => samples.add(responseTime));
    }
    if (options.progress === true && options.amount === undefined && process.stderr.isTTY) {
      const total = options.durationS ?? 10;
      const bar = new SingleBar({ format: `  ${options.label.padEnd(44)} [{bar}] {value}/{total} s`, stream: process.stderr, clearOnComplete: true, hideCursor: true });
      bar.start(total, 0);
      const timer = setInterval(() => bar.update(Math.min(total, Math.round((Date.now() - started) / 1000))), 250);
      instance.once('done', () => {
        clearInterval(timer);
        bar.stop();
      });
    }
  });
  const elapsedS = (Date.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const serverAfter = options.serverPid === undefined ? null : procTicks(String(options.serverPid), false);
  const serverCpuPercent = serverBefore === null || serverAfter === null ? null : Math.round(((serverAfter - serverBefore) / TICKS_PER_SECOND / elapsedS) * 1000) / 10;
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats)) statusCodes[code] = stat.count;
  return {
    label: options.label,
    durationS: result.duration,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    errorMessages,
    statusCodes,
    okPerSecond: result['2xx'] / result.duration,
    latency: samples?.percentiles() ?? null,
    autocannonLatency: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, p999: result.latency.p99_9, max: result.latency.max },
    generatorCpuPercent: Math.round(((cpu.user + cpu.system) / 1e6 / elapsedS) * 1000) / 10,
    serverCpuPercent,
  };
}

/** A warm-up round (discarded) then the measured round. */
export async function warmThenMeasure(options: LoadOptions, warmUpS: number): Promise<LoadResult> {
  await load({ ...options, label: `${options.label} (warm-up)`, durationS: warmUpS, recordLatency: false, progress: false });
  return load({ ...options, progress: options.progress ?? true });
}

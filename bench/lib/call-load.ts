import { performance } from 'node:perf_hooks';
import { TICKS_PER_SECOND, procTicks } from './machine';
import { type Percentiles, Samples } from './stats';

/**
 * Load for clients autocannon cannot drive (gRPC over one HTTP/2 session): `call(i)` sends one
 * request and resolves true on success, false on an error answer (it must not throw for those).
 */
export type Call = (index: number) => Promise<boolean>;

export interface CallLoadResult {
  readonly durationS: number;
  readonly ok: number;
  readonly failed: number;
  readonly okPerSecond: number;
  readonly latency: Percentiles;
  /** CPU this (load generator) process used, as a share of one core: near 100 % means the figure is the generator's limit. */
  readonly generatorCpuPercent: number;
  readonly abandoned: number;
  /** CPU the server used per successful call, in µs (closed loop, when its pid was given and /proc has it). */
  readonly serverCpuPerCallUs?: number;
}

/** Closed loop: `concurrency` calls in flight at all times for `durationS`. */
export async function closedLoopCalls(call: Call, concurrency: number, durationS: number, serverPid?: number): Promise<CallLoadResult> {
  const samples = new Samples();
  let ok = 0;
  let failed = 0;
  let index = 0;
  const serverBefore = serverPid === undefined ? null : procTicks(String(serverPid), false);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const deadline = started + durationS * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const sent = performance.now();
        let success = false;
        try {
          success = await call(index++);
        } catch {
          success = false;
        }
        samples.add(performance.now() - sent);
        if (success) ok += 1;
        else failed += 1;
      }
    }),
  );
  const serverAfter = serverPid === undefined ? null : procTicks(String(serverPid), false);
  const figures = result(started, cpu, { ok, failed, abandoned: 0 }, samples);
  if (serverBefore === null || serverAfter === null || ok === 0) return figures;
  return { ...figures, serverCpuPerCallUs: Math.round(((serverAfter - serverBefore) / TICKS_PER_SECOND / ok) * 1e6) };
}

/**
 * Open loop at a fixed rate, latency counted from when each call was due (as fixed-rate.ts does for
 * HTTP/1.1); calls still open `drainS` after the last was due count as failed.
 */
export async function fixedRateCalls(call: Call, rate: number, durationS: number, drainS = 5): Promise<CallLoadResult> {
  const samples = new Samples();
  const total = Math.round(rate * durationS);
  const interval = 1000 / rate;
  let ok = 0;
  let failed = 0;
  let done = 0;
  const open = new Map<number, number>();
  const cpu = process.cpuUsage();
  const start = performance.now();
  let abandoned = 0;
  await new Promise<void>((resolve) => {
    let next = 0;
    let finished = false;
    const end = () => {
      if (finished) return;
      finished = true;
      clearTimeout(drain);
      resolve();
    };
    const drain = setTimeout(
      () => {
        const now = performance.now();
        for (const due of open.values()) {
          samples.add(now - due);
          failed += 1;
          abandoned += 1;
        }
        open.clear();
        end();
      },
      durationS * 1000 + drainS * 1000,
    );
    const send = (i: number, due: number) => {
      open.set(i, due);
      const settle = (success: boolean) => {
        if (finished || !open.delete(i)) return;
        samples.add(performance.now() - due);
        if (success) ok += 1;
        else failed += 1;
        done += 1;
        if (done === total) end();
      };
      call(i).then(settle, () => settle(false));
    };
    const tick = () => {
      const now = performance.now();
      while (next < total && start + next * interval <= now) {
        send(next, start + next * interval);
        next += 1;
      }
      if (next < total && !finished) setImmediate(tick);
    };
    if (total === 0) end();
    else tick();
  });
  return result(start, cpu, { ok, failed, abandoned }, samples);
}

/** A round's figures from its counts, latency samples, start time and the generator's CPU at the start. */
function result(
  started: number,
  cpu: NodeJS.CpuUsage,
  counts: { readonly ok: number; readonly failed: number; readonly abandoned: number },
  samples: Samples,
): CallLoadResult {
  const elapsed = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    durationS: elapsed,
    ...counts,
    okPerSecond: counts.ok / elapsed,
    latency: samples.percentiles(),
    generatorCpuPercent: Math.round(((used.user + used.system) / 1e6 / elapsed) * 1000) / 10,
  };
}

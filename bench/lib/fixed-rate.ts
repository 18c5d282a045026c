import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { type Percentiles, Samples } from './stats';

/**
 * Open-loop load at a FIXED arrival rate: request i is due at start + i/rate whether or not earlier
 * ones have been answered, and its latency is counted from when it was due (so a stalled server
 * is charged for the requests it kept waiting: no coordinated omission).
 *
 * Why not `autocannon --overallRate`: autocannon gives each connection a budget of rate/connections
 * requests per wall-clock second and sends them back to back (closed loop) as soon as the second
 * starts, then idles, so arrivals come in bursts at the top of each second; it also records whole
 * milliseconds only. Both matter for a p50 ≤ 1 ms target. The bench still runs autocannon's
 * rate-limited mode once, for reference.
 */
export interface FixedRateOptions {
  readonly label: string;
  readonly url: string;
  readonly rate: number;
  readonly durationS: number;
  readonly request: (index: number) => { method: string; path: string; headers: Record<string, string>; body?: string };
  /** Most connections open at once (default 64); a request finding all busy waits, and that wait is counted. A cap keeps a server that falls behind from piling up work the round will abandon. */
  readonly maxSockets?: number;
  readonly timeoutMs?: number;
  /**
   * After the last request is due, how long to wait for the rest; those still unanswered then are
   * counted as errors with the time waited as their latency (a lower bound). Keeps the round short
   * when the server cannot keep up with the rate.
   */
  readonly drainS?: number;
  readonly onResponse?: (index: number, status: number, body: string) => void;
}

export interface FixedRateResult {
  readonly label: string;
  readonly rate: number;
  readonly durationS: number;
  readonly sent: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  /** Requests still unanswered when the drain time ran out (included in `errors`). */
  readonly abandoned: number;
  readonly statusCodes: Record<string, number>;
  /** Completed responses per second over the whole round. */
  readonly achievedRate: number;
  /** From due time to last byte, every response. */
  readonly latency: Percentiles;
  /** Every latency of `latency`, ms (for percentiles over several rounds). */
  readonly latencySamples: Float64Array;
  /**
   * From when the request was actually handed to the socket layer: leaves out the generator's own
   * lateness (and any wait for a free connection), so it is the lower bound of `latency`.
   */
  readonly latencyFromSend: Percentiles;
  /** How late the generator itself sent requests (its own jitter), ms. */
  readonly sendLagP99: number;
  /** Most connections in use. */
  readonly socketsUsed: number;
}

export async function fixedRate(options: FixedRateOptions): Promise<FixedRateResult> {
  const target = new URL(options.url);
  const maxSockets = options.maxSockets ?? 64;
  const agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' });
  const total = Math.round(options.rate * options.durationS);
  const interval = 1000 / options.rate;
  const latencies = new Samples();
  const lags = new Samples();
  const fromSend = new Samples();
  const statusCodes: Record<string, number> = {};
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let done = 0;
  let socketsUsed = 0;
  const pending = new Map<number, number>();
  let abandoned = 0;

  const result = await new Promise<{ elapsed: number }>((resolve) => {
    const start = performance.now();
    let next = 0;
    let finished = false;
    const end = () => {
      if (finished) return;
      finished = true;
      clearTimeout(drainTimer);
      resolve({ elapsed: performance.now() - start });
    };
    const finish = () => {
      done += 1;
      if (done === total) end();
    };
    // Fires when the last request is due plus the drain time: whatever is still open is given up.
    const drainTimer = setTimeout(
      () => {
        const now = performance.now();
        for (const due of pending.values()) {
          latencies.add(now - due);
          errors += 1;
          abandoned += 1;
        }
        pending.clear();
        end();
      },
      options.durationS * 1000 + (options.drainS ?? 5) * 1000,
    );
    const send = (index: number, due: number) => {
      const spec = options.request(index);
      const sentAt = performance.now();
      lags.add(sentAt - due);
      pending.set(index, due);
      const settle = (status: number | null, body: string) => {
        if (finished || !pending.delete(index)) return;
        const now = performance.now();
        latencies.add(now - due);
        fromSend.add(now - sentAt);
        if (status === null) errors += 1;
        else {
          statusCodes[status] = (statusCodes[status] ?? 0) + 1;
          if (status >= 200 && status < 300) ok += 1;
          else non2xx += 1;
          options.onResponse?.(index, status, body);
        }
        finish();
      };
      const req = httpRequest(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method: spec.method,
          path: spec.path,
          headers: spec.body !== undefined ? { ...spec.headers, 'content-length': String(Buffer.byteLength(spec.body)) } : spec.headers,
          timeout: options.timeoutMs ?? 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => settle(res.statusCode ?? 0, options.onResponse !== undefined ? Buffer.concat(chunks).toString('utf8') : ''));
          res.on('error', () => settle(null, ''));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => settle(null, ''));
      req.end(spec.body);
      let inUse = 0;
      for (const list of Object.values(agent.sockets)) inUse += list?.length ?? 0;
      if (inUse > socketsUsed) socketsUsed = inUse;
    };
    // A tight setImmediate loop (the load generator has its own core): timers would add up to a
    // millisecond of send jitter, which would be charged to the server.
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
  agent.destroy();
  return {
    label: options.label,
    rate: options.rate,
    durationS: result.elapsed / 1000,
    sent: total,
    ok,
    non2xx,
    errors,
    abandoned,
    statusCodes,
    achievedRate: (ok + non2xx) / (result.elapsed / 1000),
    latency: latencies.percentiles(),
    latencySamples: latencies.toArray(),
    latencyFromSend: fromSend.percentiles(),
    sendLagP99: lags.percentiles().p99,
    socketsUsed,
  };
}

import type { Pinning } from '../lib/machine';
import type { Row } from '../lib/report';

/** Durations of one run: full by default, short with `--quick` (smoke run). */
export interface Durations {
  /** Closed-loop throughput rounds (ceilings, reads), seconds. */
  readonly throughputS: number;
  /** Warm-up round before each measured round, seconds. */
  readonly warmUpS: number;
  /** AddProjectGrant closed loop, seconds. */
  readonly commandsS: number;
  /** Fixed-rate latency rounds, seconds. */
  readonly fixedRateS: number;
  /** Each in-process append round, seconds. */
  readonly appendS: number;
}

export const FULL: Durations = { throughputS: 10, warmUpS: 3, commandsS: 10, fixedRateS: 10, appendS: 5 };
export const QUICK: Durations = { throughputS: 2, warmUpS: 1, commandsS: 2, fixedRateS: 2, appendS: 1 };

export interface BenchContext {
  readonly quick: boolean;
  readonly durations: Durations;
  readonly pinning: Pinning;
  /** The compiled tree (`dist/`). */
  readonly distRoot: string;
  readonly rows: Row[];
  /** Ceilings measured in this run (2xx req/s), for the ratios. */
  readonly ceilings: {
    nodeHello?: number;
    fastifyHello?: number;
    nestHello?: number;
    getMyOrg?: number;
    /**
     * Why the Fastify hello round is not Fastify's ceiling, if it is not: the server's core was not
     * saturated, so something else set the figure (the load generator's core, or a stall), and
     * Fastify's own ceiling is higher. Unset when the server was the bound.
     */
    fastifyHelloNotServerBound?: string;
  };
  /** Everything measured, for the JSON summary. */
  readonly details: Record<string, unknown>;
  log(message: string): void;
}

export const FASTIFY_HELLO = 'Fastify hello';

/** At or above this share of its core, the load generator is taken to be what limits a closed loop. */
export const GENERATOR_SATURATED_PERCENT = 95;
/** Below this share of its core, the server is taken not to be what limits it. */
export const SERVER_UNSATURATED_PERCENT = 90;

/**
 * Why a Fastify hello round did not measure Fastify's ceiling, from both sides' CPU during it; null
 * when the server's core was saturated (or its CPU is unknown).
 */
export function notServerBound(generatorCpuPercent: number, serverCpuPercent: number | null): string | null {
  if (serverCpuPercent === null || serverCpuPercent >= SERVER_UNSATURATED_PERCENT) return null;
  return generatorCpuPercent >= GENERATOR_SATURATED_PERCENT
    ? `bound by the load generator (its core ${generatorCpuPercent} % busy, the server's ${serverCpuPercent} %)`
    : `not bound by either core (load generator ${generatorCpuPercent} %, server ${serverCpuPercent} %: a stall or another limit)`;
}

/**
 * Judges a ratio to Fastify hello against its target (P1, P2). When the server did not set the
 * ceiling, the ratio overstates us: a miss stands, a pass is not judged (undefined, shown blank).
 */
export function judgeRatioToFastify(context: BenchContext, ratio: { readonly value: number } | undefined, minimum: number): boolean | undefined {
  if (ratio === undefined || ratio.value < minimum) return false;
  return context.ceilings.fastifyHelloNotServerBound === undefined ? true : undefined;
}

/** The note a ratio target gets when it could not be judged (see judgeRatioToFastify). */
export function ratioTargetNote(context: BenchContext): string {
  const why = context.ceilings.fastifyHelloNotServerBound;
  return why === undefined ? '' : ` (a pass is not judged: Fastify hello was ${why})`;
}

/**
 * P2's closed-loop read target: ≥ 5,000 req/s without errors, and ≥ 40 % of Fastify hello, that
 * ratio judged as by judgeRatioToFastify.
 */
export function judgeP2(context: BenchContext, okPerSecond: number, errors: number, ratio: { readonly value: number } | undefined): boolean | undefined {
  return okPerSecond >= 5000 && errors === 0 ? judgeRatioToFastify(context, ratio, 0.4) : false;
}

/** P2's target text, with the reason when a pass could not be judged. */
export function p2TargetText(context: BenchContext): string {
  return `≥ 5,000 req/s and ≥ 40 %${ratioTargetNote(context)}`;
}

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
     * The load generator's core was saturated during the Fastify hello round and the server's was
     * not: the figure is the generator's limit, Fastify's own ceiling is higher.
     */
    fastifyHelloGeneratorBound?: boolean;
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
 * Judges a ratio to Fastify hello against its target (P1, P2). When the load generator set the
 * ceiling, the ratio overstates us: a miss stands, a pass is not judged (undefined, shown blank).
 */
export function judgeRatioToFastify(context: BenchContext, ratio: { readonly value: number } | undefined, minimum: number): boolean | undefined {
  if (ratio === undefined || ratio.value < minimum) return false;
  return context.ceilings.fastifyHelloGeneratorBound === true ? undefined : true;
}

/** The note a ratio target gets when it could not be judged (see judgeRatioToFastify). */
export function ratioTargetNote(context: BenchContext): string {
  return context.ceilings.fastifyHelloGeneratorBound === true ? ' (a pass is not judged: Fastify hello was bound by the load generator)' : '';
}

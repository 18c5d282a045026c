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
  readonly ceilings: { nodeHello?: number; fastifyHello?: number; nestHello?: number; getMyOrg?: number };
  /** Everything measured, for the JSON summary. */
  readonly details: Record<string, unknown>;
  log(message: string): void;
}

export const FASTIFY_HELLO = 'Fastify hello';

import { type BenchContext, FULL, judgeRatioToFastify, ratioTargetNote } from '../../bench/scenarios/context';

/** The parts of a bench run the judging reads: the ceilings measured in it. */
function runWith(ceilings: BenchContext['ceilings']): BenchContext {
  return {
    quick: false,
    durations: FULL,
    pinning: { enabled: false, serviceCore: null, loadCore: null, note: '', prefix: [] },
    distRoot: '',
    rows: [],
    ceilings,
    details: {},
    log: () => undefined,
  };
}

describe('judging a ratio to Fastify hello (P1, P2)', () => {
  it('given a ceiling the server set, then a ratio at or above the target passes and one below misses', () => {
    const run = runWith({ fastifyHello: 60_000, fastifyHelloGeneratorBound: false });

    expect(judgeRatioToFastify(run, { value: 0.41 }, 0.4)).toBe(true);
    expect(judgeRatioToFastify(run, { value: 0.39 }, 0.4)).toBe(false);
    expect(ratioTargetNote(run)).toBe('');
  });

  it('given a ceiling the load generator set, then a pass is not judged but a miss still counts', () => {
    const run = runWith({ fastifyHello: 36_000, fastifyHelloGeneratorBound: true });

    expect(judgeRatioToFastify(run, { value: 0.417 }, 0.4)).toBeUndefined();
    expect(judgeRatioToFastify(run, { value: 0.3 }, 0.4)).toBe(false);
    expect(ratioTargetNote(run)).toContain('not judged');
  });

  it('given no ceiling measured, then the target is missed rather than passed', () => {
    expect(judgeRatioToFastify(runWith({}), undefined, 0.75)).toBe(false);
  });
});

import { type BenchContext, FULL, judgeP2, judgeRatioToFastify, notServerBound, p2TargetText, ratioTargetNote } from '../../bench/scenarios/context';

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
    const run = runWith({ fastifyHello: 60_000 });

    expect(judgeRatioToFastify(run, { value: 0.41 }, 0.4)).toBe(true);
    expect(judgeRatioToFastify(run, { value: 0.39 }, 0.4)).toBe(false);
    expect(ratioTargetNote(run)).toBe('');
  });

  it('given a ceiling the load generator set, then a pass is not judged but a miss still counts', () => {
    const run = runWith({ fastifyHello: 36_000, fastifyHelloNotServerBound: notServerBound(98, 66) ?? 'expected a reason' });

    expect(judgeRatioToFastify(run, { value: 0.417 }, 0.4)).toBeUndefined();
    expect(judgeRatioToFastify(run, { value: 0.3 }, 0.4)).toBe(false);
    expect(ratioTargetNote(run)).toContain('not judged');
  });

  it('given the CPU of both sides in a Fastify hello round, then only a round with the server saturated (or not known) is its ceiling', () => {
    expect(notServerBound(98, 66)).toContain('load generator');
    expect(notServerBound(64, 40)).toContain('not bound by either core');
    expect(notServerBound(99, 95)).toBeNull();
    expect(notServerBound(70, 100)).toBeNull();
    expect(notServerBound(99, null)).toBeNull();
  });

  it('given a ceiling neither core set (a stall), then a pass is not judged either', () => {
    const run = runWith({ fastifyHello: 22_687, fastifyHelloNotServerBound: notServerBound(64, 40) ?? 'expected a reason' });

    expect(judgeRatioToFastify(run, { value: 0.864 }, 0.75)).toBeUndefined();
    expect(ratioTargetNote(run)).toContain('not bound by either core');
  });

  it('given no ceiling measured, then the target is missed rather than passed', () => {
    expect(judgeRatioToFastify(runWith({}), undefined, 0.75)).toBe(false);
  });

  it('given P2 rounds, then 5,000 req/s and no errors are needed besides the ratio, and a pass on a doubtful ceiling is not judged', () => {
    const trusted = runWith({ fastifyHello: 60_000 });
    const doubtful = runWith({ fastifyHello: 22_687, fastifyHelloNotServerBound: notServerBound(64, 40) ?? 'expected a reason' });

    expect(judgeP2(trusted, 24_000, 0, { value: 0.4 })).toBe(true);
    expect(judgeP2(trusted, 4_999, 0, { value: 0.9 })).toBe(false);
    expect(judgeP2(trusted, 24_000, 1, { value: 0.9 })).toBe(false);
    expect(judgeP2(trusted, 24_000, 0, { value: 0.39 })).toBe(false);
    expect(judgeP2(doubtful, 12_000, 0, { value: 0.52 })).toBeUndefined();
    expect(judgeP2(doubtful, 4_000, 0, { value: 0.52 })).toBe(false);
    expect(p2TargetText(trusted)).toBe('≥ 5,000 req/s and ≥ 40 %');
    expect(p2TargetText(doubtful)).toContain('not judged');
  });
});

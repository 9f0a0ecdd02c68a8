/**
 * A seed's table of rules (src/sweep/run-seed.ts rulesOf): every rule the actors' oracles found
 * broken, those only counted (past the 50 kept) included, the conservation rules and liveness
 * failures from the result, each counted once; a run stopped at its first finding counts only
 * rules broken before the stop.
 */
import { describe, expect, test } from 'vitest';
import type { ActorReport } from '../../src/model/actors/actor.js';
import type { Violation } from '../../src/model/check/violation.js';
import type { RunResult } from '../../src/report/run-result.js';
import type { RawRun } from '../../src/runtime/raw-run.js';
import { rulesOf } from '../../src/sweep/run-seed.js';

const violation = (rule: Violation['rule'], tick: number): Violation => ({
  rule,
  message: '',
  tick,
  actors: [],
  addresses: [],
  history: [],
});

describe('sweep: rules of a seed', () => {
  const keptDma = violation('isolation.dma', 5);
  const reports = [
    // Kept one isolation.dma; its peer writes broke isolation.peer only after the log was full.
    {
      violations: [keptDma],
      ruleTallies: { 'isolation.dma': { count: 60, tick: 5 }, 'isolation.peer': { count: 9, tick: 80 } },
    },
    { violations: [], ruleTallies: { 'isolation.peer': { count: 2, tick: 40 } } },
  ] as unknown as ActorReport[];
  const result = {
    violations: [keptDma, violation('conservation.message', 200)],
    liveness: [violation('liveness.engine-stall', 150)],
  } as unknown as RunResult;

  test('sweep: every rule broken is in the table, the only-counted ones and the result-judged ones too', () => {
    const raw = { stopped: 'end', reachedTick: 200, reports } as unknown as RawRun;
    expect(rulesOf(result, raw)).toEqual({
      'isolation.dma': { count: 60, tick: 5 },
      'isolation.peer': { count: 11, tick: 40 },
      'conservation.message': { count: 1, tick: 200 },
      'liveness.engine-stall': { count: 1, tick: 150 },
    });
  });

  test('sweep: a run stopped at its first finding counts no rule first broken at or after its stop', () => {
    const stopped = { violations: [keptDma], liveness: [] } as unknown as RunResult;
    const raw = { stopped: 'first-finding', reachedTick: 40, reports } as unknown as RawRun;
    expect(rulesOf(stopped, raw)).toEqual({ 'isolation.dma': { count: 60, tick: 5 } });
  });
});

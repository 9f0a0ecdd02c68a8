import { describe, expect, test } from 'vitest';
import { type StrategySpec, strategyForActors } from '../../../src/model/choice/strategy.js';

describe('strategyForActors: what a thread hosting some actors is handed', () => {
  test("a replay keeps the hosted actors' sequences and empties the others'", () => {
    const log: StrategySpec = { kind: 'replay', choices: [[1, 2], [3], [0, 0, 4], [5]] };
    expect(strategyForActors(log, (i) => i === 1 || i === 2)).toEqual({
      kind: 'replay',
      choices: [[], [3], [0, 0, 4], []],
    });
    // The actors' count is kept, so actor i still finds its own sequence at index i.
    expect(strategyForActors(log, () => false)).toEqual({ kind: 'replay', choices: [[], [], [], []] });
    expect(strategyForActors(log, () => true)).toEqual(log);
  });

  test('the other strategies are handed as they are', () => {
    const pct: StrategySpec = { kind: 'pct', depth: 2, steps: [10, 20], agents: 3 };
    expect(strategyForActors(pct, () => false)).toBe(pct);
    expect(strategyForActors({ kind: 'random' }, () => false)).toEqual({ kind: 'random' });
    expect(strategyForActors(undefined, () => false)).toBeUndefined();
  });
});

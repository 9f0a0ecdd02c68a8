/**
 * The choice passes (src/repro/choice-passes.ts) against a stand-in for the shrinker's trial: which
 * candidates they offer, and in what order, without running a simulation.
 */
import { expect, test } from 'vitest';
import { shrinkChoices } from '../../src/repro/choice-passes.js';
import { shortlexBelow } from '../../src/repro/shrink.js';

test('lower values halves a value while the half still fails, not once (QA Q34: 13157005 stayed where far less fails)', async () => {
  let best = [[100]];
  // The failure needs the one choice at 10 or more, and nothing else.
  await shrinkChoices(
    () => best,
    async (c) => {
      const ok = c[0]!.length === 1 && c[0]![0]! >= 10 && c[0]![0]! < best[0]![0]!;
      if (ok) best = c;
      return ok;
    },
    () => true,
  );
  expect(best).toEqual([[12]]);
});

test('shortlexBelow: fewer choices first, then the first that differs, actor by actor', () => {
  expect(shortlexBelow([[5], []], [[0, 0], []])).toBe(true);
  expect(shortlexBelow([[0, 0], []], [[5], []])).toBe(false);
  expect(shortlexBelow([[1, 9], [3]], [[2, 0], [0]])).toBe(true);
  expect(shortlexBelow([[1], [2]], [[1], [2]])).toBe(false);
});

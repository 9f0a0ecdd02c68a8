/**
 * The choice passes (src/repro/choice-passes.ts) against a stand-in for the shrinker's trial: which
 * candidates they offer, and in what order, without running a simulation.
 */
import { expect, test } from 'vitest';
import { shrinkChoices } from '../../src/repro/choice-passes.js';
import { findInteger } from '../../src/repro/find-integer.js';
import { shortlexBelow } from '../../src/repro/shrink.js';

test('lower values finds the least value that still fails, not where halving stops (QA Q39: 12 stayed where 10 fails)', async () => {
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
  expect(best).toEqual([[10]]);
});

test('lower values: a value nothing below suits costs three candidates (0, its half, one less)', async () => {
  const tried: number[] = [];
  await shrinkChoices(
    () => [[1000]],
    async (c) => {
      if (c[0]!.length === 1) tried.push(c[0]![0]!);
      return false;
    },
    () => true,
    ['lower values'],
  );
  expect(tried).toEqual([0, 500, 999]);
});

test('delete spans removes a run of deletable choices that fits no block size', async () => {
  // The failure needs the first 5 choices and the last 7, so the 1000 between can go. They sit
  // across the blocks of every size (5 + 1000 + 7 aligns with none): each size leaves a remnant
  // for the next, and findInteger grows a kept block over those after it.
  const needed = (c: number[]) =>
    c.length >= 12 && c.slice(0, 5).every((v) => v === 1) && c.slice(-7).every((v) => v === 2);
  let best = [
    [...new Array<number>(5).fill(1), ...new Array<number>(1000).fill(3), ...new Array<number>(7).fill(2)],
  ];
  let runs = 0;
  await shrinkChoices(
    () => best,
    async (c, pass) => {
      if (pass === 'delete spans') runs++;
      const ok = needed(c[0]!) && shortlexBelow(c, best);
      if (ok) best = c;
      return ok;
    },
    () => true,
    ['delete spans'],
  );
  expect(best[0]).toEqual([...new Array<number>(5).fill(1), ...new Array<number>(7).fill(2)]);
  // One candidate per block of the rest at each size, and O(log) for the run (52 here).
  expect(runs).toBeLessThan(60);
});

test('delete spans tries the large spans of every actor before the small ones of any (QA Q39: a budget spent on one actor)', async () => {
  // Actor 0's 1000 choices are all needed; actor 1's last choice is needed (its tail cannot be
  // cut) and the 999 before it are not. With 40 runs, actor 1's 999 go; actor by actor, the
  // budget went on actor 0's blocks, one size after another down to single choices.
  let best = [new Array<number>(1000).fill(1), [...new Array<number>(999).fill(3), 2]];
  let runs = 0;
  await shrinkChoices(
    () => best,
    async (c) => {
      runs++;
      const ok = c[0]!.length === 1000 && c[1]!.at(-1) === 2 && shortlexBelow(c, best);
      if (ok) best = c;
      return ok;
    },
    () => runs < 40,
    ['delete spans'],
  );
  expect(best[1]).toEqual([2]);
});

test('findInteger: the largest n with f(n), in O(log n) calls', async () => {
  for (const target of [0, 1, 3, 4, 5, 17, 1000, 123456]) {
    const calls: number[] = [];
    const n = await findInteger(async (m) => {
      calls.push(m);
      return m <= target;
    });
    expect(n).toBe(target);
    expect(calls.length).toBeLessThanOrEqual(5 + 2 * Math.ceil(Math.log2(target + 2)));
  }
});

test('the passes that kept a candidate are returned, in the order they ran', async () => {
  let best = [[5, 0, 7]];
  const useful = await shrinkChoices(
    () => best,
    async (c) => {
      // Only a lower value of the first choice is kept: its length and the rest stay.
      const ok =
        c[0]!.length === 3 && c[0]![1] === 0 && c[0]![2] === 7 && c[0]![0]! >= 1 && c[0]![0]! < best[0]![0]!;
      if (ok) best = c;
      return ok;
    },
    () => true,
  );
  expect(useful).toEqual(['lower values']);
  expect(best).toEqual([[1, 0, 7]]);
});

test('shortlexBelow: fewer choices first, then the first that differs, actor by actor', () => {
  expect(shortlexBelow([[5], []], [[0, 0], []])).toBe(true);
  expect(shortlexBelow([[0, 0], []], [[5], []])).toBe(false);
  expect(shortlexBelow([[1, 9], [3]], [[2, 0], [0]])).toBe(true);
  expect(shortlexBelow([[1], [2]], [[1], [2]])).toBe(false);
});

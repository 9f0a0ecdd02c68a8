/**
 * PCT through the choice seam: deterministic from (seed, depth, measured steps), steering only the
 * scheduling sites, with change points placed per actor from the global draw, and the bound
 * 1/(n*k^(d-1)).
 */
import { describe, expect, test } from 'vitest';
import { RecordingChooser } from '../../../src/model/choice/chooser.js';
import {
  changePointCount,
  changePointsOf,
  PctChooser,
  pctBound,
  pctBoundOf,
} from '../../../src/model/choice/pct.js';
import { createChooser } from '../../../src/model/choice/strategy.js';
import { pctBoundText } from '../../../src/report/strategy-text.js';

describe('pct', () => {
  test('pct: the same seed, depth and steps make the same choices; another seed other ones', () => {
    const run = (seed: number) => {
      const c = new PctChooser(seed, 1, 99, 3, [50, 50]);
      return Array.from({ length: 50 }, (_, i) =>
        c.choose(i % 2 === 0 ? 'link.jitter' : 'gpu.page', 10, i % 3),
      );
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  test('pct: recorded (a shrink records its choices), a PCT chooser makes the very choices it makes unrecorded', () => {
    const sites = ['link.jitter', 'atsd.spinner', 'host.interval', 'gpu.page'];
    const choices = (c: { choose: (site: string, n: number, agent?: number) => number }) =>
      Array.from({ length: 60 }, (_, i) => c.choose(sites[i % 4]!, 16, i % 5));
    const plain = choices(new PctChooser(7, 0, 11, 2, [60]));
    const recorder = new RecordingChooser(new PctChooser(7, 0, 11, 2, [60]));
    expect(choices(recorder)).toEqual(plain);
    expect(recorder.values).toEqual(plain);
  });

  test('pct: a non-scheduling site is drawn exactly as the random strategy draws it', () => {
    const pct = createChooser({ kind: 'pct', depth: 3, steps: [100], agents: 4 }, 5, 0);
    const random = createChooser({ kind: 'random' }, 5, 0);
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 40; i++) {
      a.push(pct.choose('gpu.page', 1000));
      pct.choose('link.jitter', 7, i % 2);
      b.push(random.choose('gpu.page', 1000));
      random.choose('link.jitter', 7);
    }
    expect(a).toEqual(b);
  });

  test('pct: an agent keeps its priority (the same value every time) until a change point drops it to last', () => {
    const c = new PctChooser(3, 0, 11, 1, [1000]);
    const values = Array.from({ length: 20 }, () => c.choose('host.interval', 1_000_000, 4));
    expect(new Set(values).size).toBe(1);
    // Depth 2: one change point; over the actor's 10 steps it falls at one of them, after which
    // the agent choosing there goes last (n - 1).
    const d2 = new PctChooser(3, 0, 11, 2, [10]);
    const after = Array.from({ length: 10 }, () => d2.choose('atsd.spinner', 8, 0));
    expect(after.at(-1)).toBe(7);
  });

  test('pct: the d-1 change points fall on the actors in proportion to their steps, none twice', () => {
    const steps = [100, 0, 300];
    let total = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const per = steps.map((_, a) => changePointsOf(seed, 4, steps, a));
      expect(per[1]).toEqual([]);
      total += per[0]!.length + per[2]!.length;
      for (const p of per.flat()) expect(Math.floor(p / 64)).toBeLessThan(300);
    }
    expect(total).toBe(200 * 3);
  });

  test('pct: change points fall on distinct steps, d - 1 of them while the steps allow', () => {
    // Few steps against many change points: a repeated draw would have merged two (QA: 101 seeds
    // of 1000 lost change points at depth 16 over a --stop-on-first run's 1086 steps).
    for (const [steps, want] of [
      [[5], 5],
      [[1086], 15],
      [[3, 0, 4], 7],
    ] as const) {
      for (let seed = 1; seed <= 300; seed++) {
        const locals = steps.flatMap((_, a) =>
          changePointsOf(seed, 16, steps, a).map((p) => `${a}:${Math.floor(p / 64)}`),
        );
        expect(new Set(locals).size).toBe(want);
        expect(locals).toHaveLength(want);
      }
    }
    // A step past 2^25 is encoded and read back whole (step * 64 passes 32 bits).
    const big = changePointsOf(9, 2, [2 ** 30], 0);
    expect(big).toHaveLength(1);
    expect(Math.floor(big[0]! / 64)).toBeGreaterThanOrEqual(0);
    expect(Math.floor(big[0]! / 64)).toBeLessThan(2 ** 30);
  });

  test('pct: every change point of an actor fires, each at its own step', () => {
    // Five steps, fifteen change points asked: every step is one, so every agent goes last (a
    // different agent at each step, so no priority carries over from the step before).
    const c = new PctChooser(4, 0, 11, 16, [5]);
    const picks = Array.from({ length: 5 }, (_, i) => c.choose('atsd.spinner', 1000, i));
    expect(picks).toEqual([999, 999, 999, 999, 999]);
  });

  test('pct: the chooser counts the change points reached, and one past the steps taken is not', () => {
    // Depth 9 over 1000 measured steps of one actor: 8 change points; the run stops at the step
    // between the 4th and the 5th, so 4 have fired and 4 never will.
    const points = changePointsOf(21, 9, [1000], 0).map((p) => Math.floor(p / 64));
    expect(points).toHaveLength(8);
    const c = new PctChooser(21, 0, 11, 9, [1000]);
    expect(c.changePoints()).toEqual({ planned: 8, fired: 0 });
    const stop = points[4]!;
    for (let i = 0; i < stop; i++) c.choose('link.jitter', 4, i % 3);
    expect(c.changePoints()).toEqual({ planned: 8, fired: 4 });
    // Non-scheduling choices are no steps: they fire nothing.
    for (let i = 0; i < 50; i++) c.choose('gpu.page', 4);
    expect(c.changePoints().fired).toBe(4);
    for (let i = stop; i < 1000; i++) c.choose('link.jitter', 4, i % 3);
    expect(c.changePoints()).toEqual({ planned: 8, fired: 8 });
  });

  test('pct: the bound is 1/(n*k^(d-1))', () => {
    expect(pctBound(4, 10, 1)).toBe(1 / 4);
    expect(pctBound(4, 10, 3)).toBe(1 / 400);
    expect(pctBound(0, 10, 3)).toBe(0);
  });

  test('pct: with fewer steps than d - 1, k change points are placed and the bound is for depth k + 1', () => {
    // QA: depth 16 over 13 steps placed 13 change points and printed 1/(n*k^15).
    expect(changePointCount(16, 13)).toBe(13);
    expect(changePointCount(16, 15)).toBe(15);
    expect(changePointCount(16, 1000)).toBe(15);
    expect(changePointCount(1, 1000)).toBe(0);
    expect(changePointCount(3, 0)).toBe(0);
    // changePointsOf places exactly that many, over the actors.
    expect(changePointsOf(3, 16, [6, 7], 0).length + changePointsOf(3, 16, [6, 7], 1).length).toBe(13);
    expect(pctBoundOf(13, 13, 16)).toEqual({
      agents: 13,
      steps: 13,
      depth: 14,
      probability: pctBound(13, 13, 14),
    });
    // Enough steps: the depth asked, and the bound it always had (k = d - 1 included).
    expect(pctBoundOf(17, 17, 16)).toEqual({
      agents: 17,
      steps: 17,
      depth: 16,
      probability: pctBound(17, 17, 16),
    });
    expect(pctBoundOf(5, 15, 16).depth).toBe(16);
    expect(pctBoundOf(5, 14, 16).depth).toBe(15);
    expect(pctBoundOf(5, 0, 1).depth).toBe(1);
  });

  test('pct: the bound line says when the depth was cut, how many change points were placed, and the bound that holds', () => {
    expect(pctBoundText(16, pctBoundOf(17, 17, 16))).toBe(
      'n = 17 agents, k = 17 scheduling steps; a bug of depth 16 is found with probability >= 1/(n*k^15) = 2.06e-20',
    );
    expect(pctBoundText(16, pctBoundOf(13, 13, 16))).toBe(
      "n = 13 agents, k = 13 scheduling steps; depth 16 needs 15 change points, one to a step, and the run has only 13 steps, so 13 were placed and PCT's guarantee does not reach depth 16: a bug of depth 14 is found with probability >= 1/(n*k^13) = 2.54e-16",
    );
    expect(pctBoundText(3, pctBoundOf(1, 1, 3))).toContain(
      'depth 3 needs 2 change points, one to a step, and the run has only 1 step, so 1 was placed',
    );
    // QA: depths 2 and 1 printed 1/(n*k^1) and 1/(n*k^0).
    expect(pctBoundText(2, pctBoundOf(5, 7, 2))).toContain(
      'a bug of depth 2 is found with probability >= 1/(n*k) = ',
    );
    expect(pctBoundText(1, pctBoundOf(5, 7, 1))).toContain(
      'a bug of depth 1 is found with probability >= 1/n = ',
    );
  });
});

/**
 * The tick a run's progress line shows (progress-tick.ts): the least clock of the actors still
 * advancing, so an actor whose clock stopped early (a free actor with nothing left to handle, one
 * that followed its log to the end) does not hold the line back, and never going back.
 */
import { describe, expect, test } from 'vitest';
import { ProgressTick, progressTickOf } from '../../src/runtime/progress-tick.js';

describe('progress tick', () => {
  test('a lockstep run: the least of the clocks', () => {
    expect(
      progressTickOf([
        { tick: 300, advancing: true },
        { tick: 200, advancing: true },
      ]),
    ).toBe(200);
  });

  test('an actor whose clock stopped early is passed over, so the tick follows those still advancing', () => {
    const shown = new ProgressTick();
    const stopped = { tick: 100, advancing: false };
    const ticks = [1_000, 2_000, 3_000].map((t) => shown.next([stopped, { tick: t, advancing: true }]));
    expect(ticks).toEqual([1_000, 2_000, 3_000]);
  });

  test('with none advancing, the furthest clock; with no clocks, 0', () => {
    expect(
      progressTickOf([
        { tick: 100, advancing: false },
        { tick: 900, advancing: false },
      ]),
    ).toBe(900);
    expect(progressTickOf([])).toBe(0);
  });

  test('an actor that starts advancing again behind the tick shown does not take the line back', () => {
    const shown = new ProgressTick();
    expect(
      shown.next([
        { tick: 100, advancing: false },
        { tick: 800, advancing: true },
      ]),
    ).toBe(800);
    expect(
      shown.next([
        { tick: 150, advancing: true },
        { tick: 900, advancing: true },
      ]),
    ).toBe(800);
  });
});

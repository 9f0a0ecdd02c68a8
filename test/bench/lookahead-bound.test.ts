/**
 * The lookahead bound's schedule (bench/lookahead-bound.ts): what an ideal conservative engine
 * could reach on an event stream, checked on streams whose answer is known by hand.
 */
import { describe, expect, test } from 'vitest';
import { balanceBound, boundedSchedule, pathLatencies } from '../../bench/lookahead-bound.js';

const times = (...xs: number[]) => Float64Array.from(xs);
/** Two workers joined both ways by one latency. */
const pair = (latencyTicks: number) =>
  pathLatencies(2, [
    { from: 0, to: 1, latencyTicks },
    { from: 1, to: 0, latencyTicks },
  ]);
/** Two workers whose events alternate every 5 ticks: with a lookahead of 3, each waits for the other. */
const alternating = () => [times(0, 10, 20), times(5, 15, 25)];

describe('lookahead bound', () => {
  test('path latencies: the least sum along cut edges, through a third worker when shorter', () => {
    const d = pathLatencies(3, [
      { from: 0, to: 1, latencyTicks: 10 },
      { from: 1, to: 2, latencyTicks: 10 },
      { from: 0, to: 2, latencyTicks: 50 },
      { from: 0, to: 1, latencyTicks: 7 },
    ]);
    expect(d[0]![1]).toBe(7);
    expect(d[0]![2]).toBe(17);
    expect(d[2]![0]).toBe(Number.POSITIVE_INFINITY);
    expect(d[1]![1]).toBe(0);
  });

  test('two workers whose events are far apart in simulated time run side by side: speed-up 2', () => {
    const a = times(0, 1000, 2000, 3000);
    const b = times(5, 1005, 2005, 3005);
    expect(boundedSchedule([a, b], pair(500), 0)).toEqual({ makespan: 4, speedup: 2 });
  });

  test('events of two workers closer in time than the lookahead run one at a time', () => {
    // Worker 1's event at 5 needs worker 0's events up to 5 - 3 = 2 handled, worker 0's at 10 needs
    // worker 1's up to 7, and so on: every event waits for the one before it on the other worker.
    expect(boundedSchedule(alternating(), pair(3), 0)).toEqual({ makespan: 6, speedup: 1 });
    // Events at least a lookahead apart overlap: worker 0's at 0 and 20 need none of worker 1's.
    expect(boundedSchedule([times(0, 20, 40), times(15, 35, 55)], pair(10), 0).makespan).toBe(4);
  });

  test('a hand-off delay adds to every wait on the other worker, never to independent work', () => {
    // Five hand-offs on the chain 0 -> 1 -> 0 -> ..., each 2 units late: 6 events + 5 x 2.
    expect(boundedSchedule(alternating(), pair(3), 2).makespan).toBe(16);
    expect(boundedSchedule(alternating(), pathLatencies(2, []), 2).makespan).toBe(3);
  });

  test("the balance ceiling is every event over the busiest worker's", () => {
    expect(balanceBound([times(1, 2, 3), times(1)])).toBeCloseTo(4 / 3);
  });

  test('a zero latency between workers is refused instead of looping', () => {
    expect(() => boundedSchedule([times(5), times(5)], pair(0), 0)).toThrow(/latency must be > 0/);
  });
});

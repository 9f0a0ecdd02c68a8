/**
 * The lookahead bound's schedule (bench/lookahead-bound.ts): what an ideal conservative engine
 * could reach on an event stream, checked on streams whose answer is known by hand.
 */
import { describe, expect, test } from 'vitest';
import { eventCostTable } from '../../bench/bound.js';
import { balanceBound, boundedSchedule, pathLatencies } from '../../bench/lookahead-bound.js';
import type { RawRun } from '../../src/runtime/raw-run.js';

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

  test('with costs, a worker takes each event for its own cost, and the speed-up is all cost over the makespan', () => {
    const a = times(0, 1000);
    const b = times(5, 1005);
    // Independent workers: worker 0's events cost 3 each, worker 1's 1 each: makespan 6, 8 units of work.
    const costs = [times(3, 3), times(1, 1)];
    expect(boundedSchedule([a, b], pair(500), 0, costs)).toEqual({ makespan: 6, speedup: 8 / 6 });
    // Every cost 1 is the equal-cost schedule.
    expect(boundedSchedule([a, b], pair(500), 0, [times(1, 1), times(1, 1)])).toEqual(
      boundedSchedule([a, b], pair(500), 0),
    );
  });

  test('with costs, a wait on the other worker lasts until its costly event is done', () => {
    // The alternating chain, worker 0's middle event costing 4: 1 + 1 + 4 + 1 + 1 + 1 = 9 units.
    const costs = [times(1, 4, 1), times(1, 1, 1)];
    expect(boundedSchedule(alternating(), pair(3), 0, costs)).toEqual({ makespan: 9, speedup: 1 });
  });

  test("with costs, the balance ceiling is all cost over the busiest worker's", () => {
    // Worker 1 has one event but it costs 5: it is the busiest (5 of 8).
    expect(balanceBound([times(1, 2, 3), times(1)], [times(1, 1, 1), times(5)])).toBeCloseTo(8 / 5);
  });

  test('costs that do not match the events, or are not positive, are refused', () => {
    expect(() => boundedSchedule(alternating(), pair(3), 0, [times(1, 1, 1), times(1, 1)])).toThrow(
      /expected a cost for every event \(3, 3\), got 3, 2/,
    );
    expect(() => boundedSchedule(alternating(), pair(3), 0, [times(1, 0, 1), times(1, 1, 1)])).toThrow(
      /expected costs > 0, got 0/,
    );
    expect(() => balanceBound([times(1)], [times(Number.NaN)])).toThrow(/expected costs > 0, got NaN/);
  });

  test('a zero latency between workers is refused instead of looping', () => {
    expect(() => boundedSchedule([times(5), times(5)], pair(0), 0)).toThrow(/latency must be > 0/);
  });

  test("measured costs: each (actor, kind)'s mean handler time plus an even share of the loop's, in units of the mean event", () => {
    // 10 events in 100 ms of wall time, 60 ms of it in handlers: 4 ms of loop per event, 10 ms mean.
    const run = {
      wallMs: 100,
      events: 10,
      eventCosts: [
        [
          { kind: 1, events: 4, ms: 8 },
          { kind: 2, events: 1, ms: 40 },
        ],
        [{ kind: 1, events: 5, ms: 12 }],
      ],
    } as unknown as RawRun;
    const costOf = eventCostTable(run);
    expect(costOf(0, 1)).toBeCloseTo((2 + 4) / 10);
    expect(costOf(0, 2)).toBeCloseTo((40 + 4) / 10);
    expect(costOf(1, 1)).toBeCloseTo((2.4 + 4) / 10);
    // The costs of all events sum to the number of events: the mean event costs one unit.
    expect(4 * costOf(0, 1) + costOf(0, 2) + 5 * costOf(1, 1)).toBeCloseTo(10);
    expect(() => costOf(1, 2)).toThrow(/no handler time for actor 1, kind 2/);
    expect(() => eventCostTable({ wallMs: 1, events: 1 } as unknown as RawRun)).toThrow(/timeEvents/);
  });
});

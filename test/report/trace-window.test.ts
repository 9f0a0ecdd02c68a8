/**
 * The trace window: only the stretch every actor kept whole, then cut at tick boundaries to the
 * cap, around the first violation when there is one.
 */
import { describe, expect, test } from 'vitest';
import { selectTraceWindow } from '../../src/report/trace/trace-window.js';
import { type ActorTrace, R, RECORD_FIELDS } from '../../src/runtime/trace-recorder.js';

function trace(nows: number[], droppedBefore = 0, droppedAfter = 0): ActorTrace {
  const records = new Float64Array(nows.length * RECORD_FIELDS);
  nows.forEach((n, i) => {
    records[i * RECORD_FIELDS + R.now] = n;
  });
  return {
    records,
    recorded: nows.length + droppedBefore + droppedAfter,
    droppedBefore,
    droppedAfter,
    anchorTick: undefined,
    leadIn: new Float64Array(0),
    levelKey: undefined,
    initialLevel: Number.NaN,
    sampleColumns: [],
    samples: new Float64Array(0),
    sampleCount: 0,
    samplesTaken: 0,
  };
}

const range = (from: number, to: number, step = 1): number[] =>
  Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

describe('trace window', () => {
  test('starts after the newest tick any ring dropped, ends where a closed ring stopped', () => {
    const busy = trace(range(100, 200), 500); // dropped records before tick 100
    const closed = trace(range(0, 150, 10), 0, 7); // stopped recording at 150
    const quiet = trace(range(0, 290, 10));
    const w = selectTraceWindow([busy, closed, quiet], { capEvents: 1e9, reachedTick: 300 });
    expect([w.startTick, w.endTick]).toEqual([101, 150]);
    // Tick 100 is out: busy may have dropped some of its records at 100.
    expect(w.records.map((r) => r.length / RECORD_FIELDS)).toEqual([49, 4, 4]);
    expect(w.stats).toEqual({
      capEvents: 1e9,
      recorded: 101 + 500 + 16 + 7 + 30,
      kept: 57,
      dropped: 101 + 500 + 16 + 7 + 30 - 57,
      droppedByRings: 507,
      droppedByWindow: 101 + 16 + 30 - 57,
    });
  });

  test('the cap cuts at tick boundaries around the anchor, never past it', () => {
    // Two actors, two records per tick each: 4 per tick over ticks 0..99.
    const a = trace(range(0, 99).flatMap((t) => [t, t]));
    const b = trace(range(0, 99).flatMap((t) => [t, t]));
    const w = selectTraceWindow([a, b], { capEvents: 41, reachedTick: 100, anchorTick: 30 });
    expect(w.startTick).toBeLessThanOrEqual(30);
    expect(w.endTick).toBeGreaterThan(30);
    expect(w.stats.kept).toBeLessThanOrEqual(41);
    expect(w.stats.kept % 4).toBe(0); // whole ticks only
    expect(w.stats.kept).toBeGreaterThanOrEqual(36);
    // Without an anchor: the end of the run.
    const end = selectTraceWindow([a, b], { capEvents: 40, reachedTick: 100 });
    expect([end.startTick, end.endTick]).toEqual([90, 100]);
    // An anchor near the start keeps the start.
    const early = selectTraceWindow([a, b], { capEvents: 40, reachedTick: 100, anchorTick: 1 });
    expect(early.startTick).toBe(0);
    expect(early.endTick).toBe(10);
  });
});

import { describe, expect, test } from 'vitest';
import type { Chooser } from '../../../src/model/choice/chooser.js';
import { type EdgeSpec, LinkTiming } from '../../../src/model/platform/link-timing.js';

const edge: EdgeSpec = {
  index: 3,
  from: 0,
  to: 1,
  kind: 'xbus',
  label: 'chip0->chip1 xbus',
  latencyTicks: 150_000,
  bytesPerSecond: 1e12, // one byte a picosecond
  jitterTicks: 0,
};
const noChoices: Chooser = {
  choose: () => {
    throw new Error('no jitter on this edge: nothing to choose');
  },
};

describe('LinkTiming', () => {
  test('serialises messages behind each other and keeps the link FIFO, past 2^31 ticks too', () => {
    const link = new LinkTiming(edge);
    const t0 = 2 ** 31 - 100;
    expect(link.arrival(t0, 200, noChoices)).toBe(t0 + 200 + 150_000);
    // Sent at the same time: queued behind the first for its 200 ticks.
    expect(link.arrival(t0, 100, noChoices)).toBe(t0 + 300 + 150_000);
    const f = link.figures(t0 + 1000);
    expect(f).toEqual({
      edge: 3,
      busyTicks: 300,
      queueDelayTicksTotal: 200,
      queueDelayTicksMax: 200,
      messages: 2,
      bytes: 300,
      backlogBytes: 0,
      tick: t0 + 1000,
    });
    expect(link.busyBy(t0 + 1000)).toBe(300);
  });

  test('a saturated link counts only what crossed by the end; the rest is its backlog', () => {
    const link = new LinkTiming(edge);
    // Ten 1000-byte messages at tick 0 book 10 000 ticks of serialisation; the run ends at 2500.
    for (let i = 0; i < 10; i++) link.arrival(0, 1000, noChoices);
    const f = link.figures(2500);
    expect(f.busyTicks).toBe(2500);
    expect(f.bytes).toBe(2500);
    expect(f.backlogBytes).toBe(7500);
    expect(f.messages).toBe(10);
    // Booked busy time beyond the end never counts: at most the whole run.
    expect(link.busyBy(2500)).toBeLessThanOrEqual(2500);
  });

  test('idle gaps are not busy, and a slow link counts every byte once its serialisation ends', () => {
    // 3 bytes per 10 ticks (psPerByte 3.33...): each message's serialisation is rounded up.
    const slow = new LinkTiming({ ...edge, bytesPerSecond: 3e11 });
    expect(slow.arrival(0, 7, noChoices)).toBe(24 + 150_000); // ceil(7 * 3.33) = 24 ticks
    slow.arrival(100, 7, noChoices); // 100..124, after an idle gap
    expect(slow.busyBy(50)).toBe(24);
    expect(slow.bytesBy(50)).toBe(7);
    expect(slow.busyBy(110)).toBe(34);
    expect(slow.bytesBy(110)).toBe(7 + 3);
    expect(slow.figures(124)).toMatchObject({ busyTicks: 48, bytes: 14, backlogBytes: 0 });
  });

  test('busy time and bytes by a time match a replay of every booked interval', () => {
    // A seeded walk of sends, some delayed by up to 30 us (an ATS response leaves after its nest
    // MMU walk), so several runs of serialisation lie past a query, checked at times not before
    // the last send's clock against the intervals themselves.
    let seed = 12345;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const link = new LinkTiming(edge);
    const booked: { start: number; end: number; opensRun: boolean }[] = [];
    let now = 0;
    let busyUntil = 0;
    let checked = 0;
    // Queries with more than one run of serialisation booked past them: the hard case.
    let runsPast = 0;
    for (let i = 0; i < 2000; i++) {
      now += next(400);
      const bytes = 1 + next(300);
      const delay = next(4) === 0 ? next(30_000) : 0;
      const start = Math.max(now + delay, busyUntil);
      booked.push({ start, end: start + bytes, opensRun: start > busyUntil });
      busyUntil = start + bytes;
      link.arrival(now, bytes, noChoices, delay);
      for (const t of [now, now + next(300), now + 1000]) {
        const inRuns = booked.filter((b) => b.start < t);
        if (booked.filter((b) => b.opensRun && b.start > t).length > 1) runsPast++;
        const busy = inRuns.reduce((s, b) => s + Math.min(t, b.end) - b.start, 0);
        expect(link.busyBy(t), `send ${i} at ${now}, queried at ${t}`).toBe(busy);
        expect(link.bytesBy(t), `send ${i} at ${now}, queried at ${t}`).toBe(busy);
        checked++;
      }
    }
    expect(checked).toBe(6000);
    expect(runsPast).toBeGreaterThan(500);
  });

  test('an unused link reports zeros, each exactly +0 (its totals start as -0, a double)', () => {
    const link = new LinkTiming(edge);
    // Every figure but the link's index and the tick they were taken at.
    expect(link.figures(1000).tick).toBe(1000);
    const figures = Object.entries(link.figures(1000)).filter(([name]) => name !== 'edge' && name !== 'tick');
    expect(figures.map(([name]) => name)).toEqual(
      expect.arrayContaining(['queueDelayTicksTotal', 'queueDelayTicksMax']),
    );
    for (const [name, v] of figures) expect(Object.is(v, 0), name).toBe(true);
    expect(Object.is(link.busyBy(1000), 0)).toBe(true);
    // A message that never queues leaves the queue figures at +0 too.
    link.arrival(10, 0, noChoices);
    expect(Object.is(link.figures(1000).queueDelayTicksTotal, 0)).toBe(true);
    expect(Object.is(link.figures(1000).queueDelayTicksMax, 0)).toBe(true);
  });
});

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
    const f = link.figures();
    expect(f).toEqual({
      edge: 3,
      busyTicks: 300,
      queueDelayTicksTotal: 200,
      queueDelayTicksMax: 200,
      messages: 2,
      bytes: 300,
    });
    expect(link.busyTicks).toBe(300);
  });

  test('an unused link reports zeros, each exactly +0 (its totals start as -0, a double)', () => {
    const link = new LinkTiming(edge);
    for (const [name, v] of Object.entries(link.figures())) {
      if (name !== 'edge') expect(Object.is(v, 0), name).toBe(true);
    }
    expect(Object.is(link.busyTicks, 0)).toBe(true);
    // A message that never queues leaves the queue figures at +0 too.
    link.arrival(10, 0, noChoices);
    expect(Object.is(link.figures().queueDelayTicksTotal, 0)).toBe(true);
    expect(Object.is(link.figures().queueDelayTicksMax, 0)).toBe(true);
  });
});

import { describe, expect, test } from 'vitest';
import { newMessage } from '../../src/model/protocol/sim-message.js';
import { SafeTimes } from '../../src/runtime/safe-times.js';
import type { Outbound } from '../../src/runtime/worker-edges.js';

/** An outbound edge whose producer only remembers the safe times published on it. */
function edge(latencyTicks: number, stagedTimes: number[] = [], silent = false) {
  const published: number[] = [];
  let last = 0;
  const producer = {
    publishedSafeTime: () => last,
    publishSafeTime: (t: number) => {
      last = t;
      published.push(t);
    },
  };
  const staged = stagedTimes.map((t) => Object.assign(newMessage(), { timeTicks: t }));
  const out = { edge: 0, toWorker: 1, latencyTicks, silent, producer, staged, stagedHead: 0 };
  return { out: out as unknown as Outbound, published, raw: out };
}

function safeTimes(outbound: Outbound[]): SafeTimes {
  return new SafeTimes(new BigInt64Array(new SharedArrayBuffer(16)), 0, [], outbound);
}

describe('safe times published on the outbound rings (conservative loop)', () => {
  test('lower bound plus the edge latency, never lowered', () => {
    const e = edge(1000);
    const safe = safeTimes([e.out]);
    safe.publishSafeTimes(2000);
    safe.publishSafeTimes(1500);
    expect(e.published).toEqual([3000]);
    expect(safe.publishes).toBe(2);
  });

  test('never past a record still staged for the ring (it is published later)', () => {
    const e = edge(1000, [1500, 2600]);
    const safe = safeTimes([e.out]);
    safe.publishSafeTimes(2000);
    expect(e.published).toEqual([1500]);
    // The first staged record reached the ring: the next one bounds the safe time.
    e.raw.stagedHead = 1;
    safe.publishSafeTimes(2000);
    expect(e.published).toEqual([1500, 2600]);
    e.raw.stagedHead = 2;
    safe.publishSafeTimes(2000);
    expect(e.published).toEqual([1500, 2600, 3000]);
  });

  test('a silent edge gets +Infinity at once, and the end publishes +Infinity', () => {
    const silent = edge(1000, [], true);
    const busy = edge(500);
    const safe = safeTimes([silent.out, busy.out]);
    safe.publishSafeTimes(10);
    expect(silent.published).toEqual([Number.POSITIVE_INFINITY]);
    expect(busy.published).toEqual([510]);
    safe.publishSafeTimes(Number.POSITIVE_INFINITY);
    expect(busy.published).toEqual([510, Number.POSITIVE_INFINITY]);
  });
});

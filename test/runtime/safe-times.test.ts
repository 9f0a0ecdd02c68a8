import { describe, expect, test } from 'vitest';
import { newMessage } from '../../src/model/protocol/sim-message.js';
import { SafeTimes } from '../../src/runtime/safe-times.js';
import { HORIZON_INFINITE } from '../../src/runtime/thread-status.js';
import type { Outbound } from '../../src/runtime/worker-edges.js';
import { Doorbell } from '../../src/transport/doorbell.js';
import { BELL_NOTIFIED, BELL_PARKED, BELL_RUNNING, BELL_STATE } from '../../src/transport/layout.js';
import { createRingBuffer, RingConsumer, RingProducer } from '../../src/transport/ring.js';

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
    consumerParked: () => false,
    ringConsumer: () => {},
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

/**
 * Worker 0 produces on a real ring to each of workers 1 and 2, whose doorbells the test marks
 * parked by hand (as their owners' park() would), so what a publication rings is read off the bell.
 */
function wakeRig() {
  const horizons = new BigInt64Array(new SharedArrayBuffer(3 * 8));
  const bells = [Doorbell.create(), Doorbell.create(), Doorbell.create()];
  const state = bells.map((b) => new Int32Array(b.buffer));
  const rings = [1, 2].map((to) => {
    const buffer = createRingBuffer({ capacityRecords: 16 });
    const producer = new RingProducer(buffer, bells[to]!, bells[0]!);
    const consumer = new RingConsumer(buffer, bells[to]!, bells[0]!);
    const out = {
      edge: to,
      toWorker: to,
      latencyTicks: 100,
      silent: false,
      producer,
      staged: [],
      stagedHead: 0,
    };
    return { out: out as Outbound, consumer };
  });
  const safe = new SafeTimes(
    horizons,
    0,
    [],
    rings.map((r) => r.out),
  );
  const park = (w: number) => Atomics.store(state[w]!, BELL_STATE, BELL_PARKED);
  const bellOf = (w: number) => Atomics.load(state[w]!, BELL_STATE);
  return { horizons, rings, safe, park, bellOf, bells };
}

describe('which safe-time publications wake a parked consumer', () => {
  test('only the ring that held the consumer horizon rings; the others store silently', () => {
    const { horizons, rings, safe, park, bellOf, bells } = wakeRig();
    // Ring to worker 1 at 100, ring to worker 2 at 300 (nobody parked yet: no rings).
    rings[0]!.out.producer.publishSafeTime(100);
    rings[1]!.out.producer.publishSafeTime(300);
    // Both consumers wait on horizon 100: worker 1's ring is its min, worker 2's is not.
    horizons[1] = 100n;
    horizons[2] = 100n;
    park(1);
    park(2);
    safe.publishSafeTimes(400);
    expect(bellOf(1)).toBe(BELL_NOTIFIED);
    expect(bellOf(2)).toBe(BELL_PARKED);
    expect(bells[1]!.stats().notifies).toBe(1);
    expect(bells[2]!.stats().notifies).toBe(0);
    // The silent store still happened: a consumer that looks (its park's ready()) sees it.
    expect(rings[1]!.consumer.hasNews()).toBe(true);
    expect(rings[1]!.consumer.safeTime()).toBe(500);
    expect(rings[0]!.consumer.safeTime()).toBe(500);
  });

  test('a ring at the horizon rings; a consumer draining at the end (+Infinity) hears every ring', () => {
    const { horizons, rings, safe, park, bellOf } = wakeRig();
    rings[1]!.out.producer.publishSafeTime(300);
    horizons[2] = 300n;
    park(2);
    safe.publishSafeTimes(250); // 350 on worker 2's ring, whose 300 was its horizon
    expect(bellOf(2)).toBe(BELL_NOTIFIED);
    horizons[2] = HORIZON_INFINITE;
    park(2);
    safe.publishSafeTimes(1000);
    expect(bellOf(2)).toBe(BELL_NOTIFIED);
  });

  test('a running consumer is never notified, whatever its horizon', () => {
    const { horizons, rings, safe, bellOf, bells } = wakeRig();
    horizons[1] = 1_000_000n;
    safe.publishSafeTimes(10);
    expect(bellOf(1)).toBe(BELL_RUNNING);
    expect(rings[0]!.out.producer.publishedSafeTime()).toBe(110);
    expect(bells[1]!.stats().notifies).toBe(0);
  });
});

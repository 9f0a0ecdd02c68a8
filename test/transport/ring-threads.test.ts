/**
 * The ring under real concurrency: worker threads (bench/peers/ring-*.ts, run from source through
 * tsx) pushing millions of records, a side held still while the other fills or drains the ring,
 * closes and abandons while the other side is parked, and a ping-pong that makes every hand-off a
 * park. Every hand-off is explicit: a held side waits on a word the test sets (ring-traffic.ts
 * `hold`), and the test waits, with a deadline, on Atomics.waitAsync for a word another thread
 * stores and notifies: a hold reached, ring-park-once.ts word 0, or a doorbell's park count, which
 * the doorbell notifies as it parks (doorbell.ts); a condition that comes with a park (records
 * released, a ring full) is looked at again after each. The main thread holds no core while it
 * waits. Nothing asserts how often the scheduler let a thread park or wake: only what the
 * hand-off makes certain, and the invariants that hold whatever the timing (every successful ring
 * ends exactly one park).
 */

import { describe, expect, test } from 'vitest';
import {
  CHECKSUM_SEED,
  checksumMessage,
  createHold,
  HOLD_ARRIVED,
  releaseHold,
  type TrafficPacing,
  trafficMessage,
} from '../../bench/peers/ring-traffic.js';
import { startWorkerGroup, type WorkerSpec } from '../../bench/worker-group.js';
import { emptyMessage, readMessage, writeMessage } from '../../src/transport/codec.js';
import { Doorbell, type DoorbellStats } from '../../src/transport/doorbell.js';
import { BELL_PARKS, I32_HEAD, I32_TAIL } from '../../src/transport/layout.js';
import {
  createRingBuffer,
  RingClosedError,
  RingConsumer,
  RingProducer,
  type RingStats,
  readRingStats,
} from '../../src/transport/ring.js';

interface Done {
  records: number;
  checksum: number;
  stats: RingStats;
  bell: DoorbellStats;
}

const GROUP_TIMEOUT_MS = 40_000;

interface PairOptions {
  capacityRecords: number;
  count: number;
  producerBatch: number;
  consumerBatch: number;
  firstIndex?: number;
  producerPacing?: TrafficPacing;
  consumerPacing?: TrafficPacing;
  /** Both free-running positions' first value (a fresh ring's is 0). */
  startPosition?: number;
}

function pairSpecs(o: PairOptions): WorkerSpec[] {
  const ring = createRingBuffer({ capacityRecords: o.capacityRecords });
  if (o.startPosition !== undefined) {
    // Before the buffer is shared, as createRingBuffer writes its header.
    const words = new Int32Array(ring);
    words[I32_TAIL] = o.startPosition;
    words[I32_HEAD] = o.startPosition;
  }
  const common = {
    ring,
    consumerBell: Doorbell.create().buffer,
    producerBell: Doorbell.create().buffer,
    firstIndex: o.firstIndex ?? 0,
    stallLimitMs: 15_000,
  };
  return [
    {
      name: 'ring-producer',
      data: { ...common, ...o.producerPacing, count: o.count, batch: o.producerBatch },
    },
    { name: 'ring-consumer', data: { ...common, ...o.consumerPacing, batch: o.consumerBatch, verify: true } },
  ];
}

function expectIntact(sent: Done, got: Done, count: number): void {
  expect(sent.records).toBe(count);
  expect(got.records).toBe(count);
  expect(got.checksum).toBe(sent.checksum);
  expect(got.stats.records).toBe(count);
  expect(got.stats.releasedRecords).toBe(count);
}

/** Atomics.waitAsync (Node 16+; not in the ES2022 lib this project compiles against). */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      words: Int32Array,
      index: number,
      value: number,
      timeoutMs: number,
    ): { async: boolean; value: 'not-equal' | 'timed-out' | Promise<'ok' | 'timed-out'> };
  }
).waitAsync;

/**
 * Wait until word `index` of `words` is no longer `from`: its writer stores, then notifies it
 * (ring-traffic.ts waitAtHold, ring-park-once.ts word 0). Atomics.waitAsync returns at that notify,
 * or at once ('not-equal') if the store came first; the main thread holds no core meanwhile.
 * Throws naming what it waited for after limitMs.
 */
async function untilStored(words: Int32Array, index: number, from: number, limitMs: number, what: string) {
  const deadline = performance.now() + limitMs;
  while (Atomics.load(words, index) === from) {
    const leftMs = deadline - performance.now();
    if (leftMs <= 0) throw new Error(`timed out after ${limitMs} ms waiting until ${what}`);
    await waitAsync(words, index, from, leftMs).value;
  }
}

/** Until the held side of `hold` (ring-traffic.ts) has stored and notified HOLD_ARRIVED. */
function untilHeld(hold: SharedArrayBuffer, limitMs: number, who: string): Promise<void> {
  return untilStored(new Int32Array(hold), HOLD_ARRIVED, 0, limitMs, `the ${who} reaches its hold`);
}

/**
 * Wait until `bell` has parked past `parks` (its owner is in, or has been in, a park begun after
 * the count was `parks`): the doorbell notifies its park count as it bumps it, just before
 * Atomics.wait (doorbell.ts).
 */
function untilParkedPast(bell: Doorbell, parks: number, limitMs: number, what: string): Promise<void> {
  return untilStored(new Int32Array(bell.buffer), BELL_PARKS, parks, limitMs, what);
}

/**
 * Wait until `holds`, a condition that becomes true only with a park of `bell`'s owner to follow
 * (it parks once it has nothing left to do: records released, a ring full), looking again after
 * each park it makes; the owner parks again after each time-out, so none is missed for good.
 */
async function untilWithParks(bell: Doorbell, holds: () => boolean, limitMs: number, what: string) {
  const deadline = performance.now() + limitMs;
  for (let parks = bell.stats().parks; !holds(); parks = bell.stats().parks) {
    const leftMs = deadline - performance.now();
    if (leftMs <= 0) throw new Error(`timed out after ${limitMs} ms waiting until ${what}`);
    await untilParkedPast(bell, parks, leftMs, what);
  }
}

/**
 * Doorbell accounting that holds whatever the timing (doorbell.ts): a park ends woken only by a
 * ring, so wake-ups never exceed rings; a ring may also land while its owner is still checking
 * its condition, find it true and never sleep, so rings may exceed wake-ups.
 */
function expectWakeupsFromRings(bell: DoorbellStats): void {
  expect(bell.wakeups).toBeLessThanOrEqual(bell.notifies);
  expect(bell.wakeups).toBeLessThanOrEqual(bell.parks);
}

describe('ring: real worker threads', () => {
  // 4 million: some 3900 laps of the ring (10 million took 6 to 8 s of the suite's 2 cores).
  test('4 million records through one ring arrive once each, in order, with a matching checksum', async () => {
    const count = 4_000_000;
    const [sent, got] = await startWorkerGroup<Done>(
      pairSpecs({ capacityRecords: 1024, count, producerBatch: 64, consumerBatch: 100 }),
      GROUP_TIMEOUT_MS,
    ).done;
    expectIntact(sent!, got!, count);
    expect(got!.stats.batches).toBeGreaterThanOrEqual(count / 64);
  });

  test('positions that cross 2^31 and 2^32 between two threads: every record arrives once, in order, and the positions end where they should', async () => {
    const count = 200_000;
    for (const [capacityRecords, startPosition] of [
      [4, 0x7fff_ffff - 1000],
      [16, -1500],
    ] as const) {
      const specs = pairSpecs({ capacityRecords, count, producerBatch: 3, consumerBatch: 2, startPosition });
      const [sent, got] = await startWorkerGroup<Done>(specs, GROUP_TIMEOUT_MS).done;
      expectIntact(sent!, got!, count);
      const words = new Int32Array(specs[0]!.data.ring as SharedArrayBuffer);
      expect(words[I32_TAIL]).toBe((startPosition + count) | 0);
      expect(words[I32_HEAD]).toBe((startPosition + count) | 0);
    }
  });

  test('8 rings at once (16 threads on 2 cores) carry 4 million records with nothing lost, duplicated or reordered', async () => {
    const perRing = 500_000;
    const batches = [1, 3, 16, 17, 64, 100, 255, 256];
    const specs = batches.flatMap((batch, r) =>
      pairSpecs({
        capacityRecords: 256 << (r % 4),
        count: perRing,
        producerBatch: batch,
        consumerBatch: batches[7 - r]!,
        firstIndex: r * perRing,
      }),
    );
    const done = await startWorkerGroup<Done>(specs, GROUP_TIMEOUT_MS).done;
    for (let r = 0; r < batches.length; r++) expectIntact(done[2 * r]!, done[2 * r + 1]!, perRing);
  });

  test('a full ring parks the producer until the consumer releases; every wake-up came from a release', async () => {
    const count = 40_000;
    const hold = createHold();
    const specs = pairSpecs({
      capacityRecords: 64,
      count,
      producerBatch: 16,
      consumerBatch: 16,
      consumerPacing: { hold: { atRecord: 0, word: hold } },
    });
    const producerBell = Doorbell.attach(specs[0]!.data.producerBell as SharedArrayBuffer);
    const group = startWorkerGroup<Done>(specs, GROUP_TIMEOUT_MS);
    await group.ready;
    // Hand-off: the consumer holds before its first record, so the producer fills the ring and
    // parks; its doorbell counts the park just before Atomics.wait.
    await untilHeld(hold, 10_000, 'consumer');
    await untilParkedPast(producerBell, 0, 10_000, 'the producer parks');
    releaseHold(hold);
    const [sent, got] = await group.done;
    expectIntact(sent!, got!, count);
    expect(sent!.stats.fullStalls).toBeGreaterThan(0);
    expect(sent!.stats.producerParks).toBeGreaterThanOrEqual(1);
    // The consumer's first look found the ring full: the producer was parked on it.
    expect(got!.stats.highWaterRecords).toBe(64);
    expectWakeupsFromRings(sent!.bell);
    expect(sent!.stats.producerWakeups).toBe(sent!.bell.wakeups);
  });

  test('an empty ring parks the consumer until the producer publishes; every wake-up came from a publish', async () => {
    const count = 40_000;
    const heldAt = 1000;
    const hold = createHold();
    const specs = pairSpecs({
      capacityRecords: 1024,
      count,
      producerBatch: 8,
      consumerBatch: 64,
      producerPacing: { hold: { atRecord: heldAt, word: hold } },
    });
    const ring = specs[0]!.data.ring as SharedArrayBuffer;
    const consumerBell = Doorbell.attach(specs[0]!.data.consumerBell as SharedArrayBuffer);
    const group = startWorkerGroup<Done>(specs, GROUP_TIMEOUT_MS);
    await group.ready;
    // Hand-off: the producer holds after `heldAt` records; once the consumer has released them
    // all, its next park can only be waiting for the producer.
    await untilHeld(hold, 10_000, 'producer');
    await untilWithParks(
      consumerBell,
      () => readRingStats(ring).releasedRecords === heldAt,
      10_000,
      `the consumer has released the first ${heldAt} records`,
    );
    await untilParkedPast(
      consumerBell,
      consumerBell.stats().parks,
      10_000,
      'the consumer parks on the empty ring',
    );
    releaseHold(hold);
    const [sent, got] = await group.done;
    expectIntact(sent!, got!, count);
    expect(got!.stats.consumerParks).toBeGreaterThanOrEqual(1);
    expectWakeupsFromRings(got!.bell);
    expect(got!.stats.consumerWakeups).toBe(got!.bell.wakeups);
  });

  test('a close while the consumer is parked rings it: that park ends woken, after it drained everything', async () => {
    const ring = createRingBuffer({ capacityRecords: 64 });
    const ownBell = Doorbell.create();
    const consumerBell = Doorbell.create();
    const parkWord = new SharedArrayBuffer(8);
    // The records go in before the consumer thread exists, so the publish's ring cannot reach
    // any park of it: the only ring its final park can get is the close's.
    const producer = new RingProducer(ring, consumerBell, ownBell);
    const m = emptyMessage();
    let checksum = CHECKSUM_SEED;
    const n = producer.reserve(40, 40, 5_000);
    for (let i = 0; i < n; i++) {
      writeMessage(producer.words, producer.offsetOf(i), trafficMessage(i, m));
      checksum = checksumMessage(checksum, m);
    }
    producer.publish(n);
    expect(producer.stats().notifies).toBe(0);
    const group = startWorkerGroup<{
      records: number;
      checksum: number;
      park: string;
      ended: boolean;
      bell: DoorbellStats;
    }>(
      [
        {
          name: 'ring-park-once',
          data: {
            ring,
            consumerBell: consumerBell.buffer,
            producerBell: ownBell.buffer,
            parkWord,
            expect: 40,
            parkTimeoutMs: 20_000,
          },
        },
      ],
      GROUP_TIMEOUT_MS,
    );
    await group.ready;
    // Hand-off (ring-park-once.ts): word 0 says the final park is next, word 1 holds the park count
    // before it; a park count past word 1 means the consumer is in Atomics.wait for 20 s.
    const word = new Int32Array(parkWord);
    await untilStored(word, 0, 0, 10_000, 'the consumer has drained the ring and is about to park');
    await untilParkedPast(consumerBell, Atomics.load(word, 1), 10_000, 'the consumer is in its final park');
    producer.close();
    expect(producer.stats().notifies).toBe(1);
    const [got] = await group.done;
    expect(got!.park).toBe('woken');
    expect(got!.ended).toBe(true);
    expect(got!.records).toBe(40);
    expect(got!.checksum).toBe(checksum);
    expectWakeupsFromRings(got!.bell);
  });

  test('an abandon while the producer is parked on a full ring wakes it with RingClosedError', async () => {
    const ring = createRingBuffer({ capacityRecords: 16 });
    const ownBell = Doorbell.create();
    const producerBell = Doorbell.create();
    const group = startWorkerGroup<Done>(
      [
        {
          name: 'ring-producer',
          data: {
            ring,
            consumerBell: ownBell.buffer,
            producerBell: producerBell.buffer,
            count: 1000,
            batch: 4,
          },
        },
      ],
      GROUP_TIMEOUT_MS,
    );
    await group.ready;
    const consumer = new RingConsumer(ring, ownBell, producerBell);
    // Hand-off: the ring is full and the producer's doorbell has counted a park. (refresh, not
    // available: available keeps returning a partial count it saw until those are released.)
    await untilWithParks(
      producerBell,
      () => consumer.refresh() === 16 && producerBell.stats().parks >= 1,
      10_000,
      'the producer parks on a full ring',
    );
    const m = emptyMessage();
    for (let i = 0; i < 16; i++) expect(readMessage(consumer.words, consumer.offsetOf(i), m).seq).toBe(i);
    consumer.abandon();
    await expect(group.done).rejects.toThrow(/abandoned this ring while the producer waited/);
    expect(RingClosedError.name).toBe('RingClosedError');
  });

  test('no wake-up is lost: 3000 ping-pongs where every hand-off parks never time out', async () => {
    const count = 3000;
    const ping = createRingBuffer({ capacityRecords: 4, recordBytes: 8 });
    const pong = createRingBuffer({ capacityRecords: 4, recordBytes: 8 });
    const ownBell = Doorbell.create();
    const echoBell = Doorbell.create();
    const parkTimeoutMs = 5_000;
    const group = startWorkerGroup<{ records: number; timeouts: number; bell: DoorbellStats }>(
      [
        {
          name: 'ring-echo',
          data: { ping, pong, echoBell: echoBell.buffer, pingBell: ownBell.buffer, count, parkTimeoutMs },
        },
      ],
      GROUP_TIMEOUT_MS,
    );
    await group.ready;
    const out = new RingProducer(ping, echoBell, ownBell);
    const back = new RingConsumer(pong, ownBell, echoBell);
    const backReady = (): boolean => back.hasNews();
    let timeouts = 0;
    for (let i = 0; i < count; i++) {
      expect(out.reserve(1, 1, parkTimeoutMs, 0)).toBe(1);
      out.view.setUint32(out.offsetOf(0), i, true);
      out.publish(1);
      while (back.available() === 0) {
        if (ownBell.park(backReady, parkTimeoutMs, 0) === 'timed-out' && ++timeouts > 3) break;
      }
      expect(timeouts).toBe(0);
      expect(back.view.getUint32(back.offsetOf(0), true)).toBe(i);
      back.release(1);
    }
    out.close();
    const [echo] = await group.done;
    expect(echo!.records).toBe(count);
    expect(echo!.timeouts).toBe(0);
    // No park timed out (a lost wake-up would have: 5 s with nobody ringing), so every park, on
    // both sides, was ended by a ring.
    expect(echo!.bell.wakeups).toBe(echo!.bell.parks);
    expect(ownBell.stats().wakeups).toBe(ownBell.stats().parks);
    expectWakeupsFromRings(echo!.bell);
    expectWakeupsFromRings(ownBell.stats());
  });

  test('a worker that throws fails the group with its message instead of hanging', async () => {
    const specs = pairSpecs({ capacityRecords: 64, count: 10, producerBatch: 1, consumerBatch: 1 });
    specs[0]!.data.batch = 0;
    await expect(startWorkerGroup(specs, GROUP_TIMEOUT_MS).done).rejects.toThrow(
      /worker 0 \(ring-producer\) threw: Expected workerData `batch` to be an integer from 1, got `0`/,
    );
  });
});

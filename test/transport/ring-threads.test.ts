/**
 * The ring under real concurrency: worker threads (workers/ring-*.ts, run from source through tsx)
 * pushing millions of records, slow sides that force parks, closes and abandons while the other
 * side is parked, and a ping-pong that makes every hand-off a park. Hand-offs use Atomics with
 * time-outs; nothing sleeps, and every group has a deadline so a failing thread fails the test.
 */
import { describe, expect, test } from 'vitest';
import {
  CHECKSUM_SEED,
  checksumMessage,
  type TrafficPacing,
  trafficMessage,
} from '../../bench/peers/ring-traffic.js';
import { startWorkerGroup, type WorkerSpec } from '../../bench/worker-group.js';
import { emptyMessage, readMessage, writeMessage } from '../../src/transport/codec.js';
import { Doorbell, type DoorbellStats } from '../../src/transport/doorbell.js';
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
}

function pairSpecs(o: PairOptions): WorkerSpec[] {
  const ring = createRingBuffer({ capacityRecords: o.capacityRecords });
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

/** Wait (Atomics.wait on a private word, bounded) until `condition` holds; throws after limitMs. */
function waitUntil(condition: () => boolean, limitMs: number, what: string): void {
  const privateWord = new Int32Array(new SharedArrayBuffer(4));
  const deadline = performance.now() + limitMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${limitMs} ms waiting until ${what}`);
    Atomics.wait(privateWord, 0, 0, 2);
  }
}

describe('ring: real worker threads', () => {
  test('10 million records through one ring arrive once each, in order, with a matching checksum', async () => {
    const count = 10_000_000;
    const [sent, got] = await startWorkerGroup<Done>(
      pairSpecs({ capacityRecords: 1024, count, producerBatch: 64, consumerBatch: 100 }),
      GROUP_TIMEOUT_MS,
    ).done;
    expectIntact(sent!, got!, count);
    expect(got!.stats.batches).toBeGreaterThanOrEqual(count / 64);
  });

  test('8 rings at once (16 threads on 2 cores) carry 10 million records with nothing lost, duplicated or reordered', async () => {
    const perRing = 1_250_000;
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

  test('a slow consumer fills the ring: the producer stalls, parks, and is woken by releases', async () => {
    const count = 40_000;
    const [sent, got] = await startWorkerGroup<Done>(
      pairSpecs({
        capacityRecords: 64,
        count,
        producerBatch: 16,
        consumerBatch: 16,
        consumerPacing: { slowEveryRecords: 512, slowWaitMs: 1 },
      }),
      GROUP_TIMEOUT_MS,
    ).done;
    expectIntact(sent!, got!, count);
    expect(sent!.stats.fullStalls).toBeGreaterThan(0);
    expect(sent!.stats.producerParks).toBeGreaterThan(0);
    expect(sent!.stats.producerWakeups).toBeGreaterThan(0);
    expect(sent!.bell.parks).toBeGreaterThanOrEqual(sent!.stats.producerParks);
    expect(sent!.stats.highWaterRecords).toBe(64);
  });

  test('a slow producer empties the ring: the consumer parks and is woken by publishes', async () => {
    const count = 40_000;
    const [sent, got] = await startWorkerGroup<Done>(
      pairSpecs({
        capacityRecords: 1024,
        count,
        producerBatch: 8,
        consumerBatch: 64,
        producerPacing: { slowEveryRecords: 512, slowWaitMs: 1, extraWorkRounds: 4 },
      }),
      GROUP_TIMEOUT_MS,
    ).done;
    expectIntact(sent!, got!, count);
    expect(got!.stats.consumerParks).toBeGreaterThan(0);
    expect(got!.stats.consumerWakeups).toBeGreaterThan(0);
    expect(got!.bell.wakeups).toBeGreaterThanOrEqual(got!.stats.consumerWakeups);
  });

  test('a close while the consumer is parked wakes it, and it drains everything first', async () => {
    const ring = createRingBuffer({ capacityRecords: 64 });
    const ownBell = Doorbell.create();
    const consumerBell = Doorbell.create();
    const group = startWorkerGroup<Done>(
      [
        {
          name: 'ring-consumer',
          data: {
            ring,
            consumerBell: consumerBell.buffer,
            producerBell: ownBell.buffer,
            batch: 8,
            verify: true,
          },
        },
      ],
      GROUP_TIMEOUT_MS,
    );
    await group.ready;
    const producer = new RingProducer(ring, consumerBell, ownBell);
    const m = emptyMessage();
    let checksum = CHECKSUM_SEED;
    const n = producer.reserve(40, 40, 5_000);
    for (let i = 0; i < n; i++) {
      writeMessage(producer.words, producer.offsetOf(i), trafficMessage(i, m));
      checksum = checksumMessage(checksum, m);
    }
    producer.publish(n);
    waitUntil(
      () => readRingStats(ring).releasedRecords === 40 && consumerBell.isParked(),
      10_000,
      'the consumer parks',
    );
    const notifiesBefore = producer.stats().notifies;
    producer.close();
    const rangTheParkedConsumer = producer.stats().notifies > notifiesBefore;
    const [got] = await group.done;
    expect(got!.records).toBe(40);
    expect(got!.checksum).toBe(checksum);
    expect(got!.stats.consumerParks).toBeGreaterThan(0);
    // The close's ring found it parked (all but a microseconds-wide window at a park slice's end).
    if (rangTheParkedConsumer) expect(got!.stats.consumerWakeups).toBeGreaterThan(0);
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
    waitUntil(
      () => consumer.available() === 16 && producerBell.isParked(),
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
    // Most hand-offs really went through a park and a notify (the test is about those).
    expect(echo!.bell.parks).toBeGreaterThan(count / 2);
    expect(echo!.bell.wakeups).toBe(echo!.bell.parks);
    expect(ownBell.stats().wakeups).toBe(ownBell.stats().parks);
  });

  test('a worker that throws fails the group with its message instead of hanging', async () => {
    const specs = pairSpecs({ capacityRecords: 64, count: 10, producerBatch: 1, consumerBatch: 1 });
    specs[0]!.data.batch = 0;
    await expect(startWorkerGroup(specs, GROUP_TIMEOUT_MS).done).rejects.toThrow(
      /worker 0 \(ring-producer\) threw: Expected workerData `batch` to be an integer from 1, got `0`/,
    );
  });
});

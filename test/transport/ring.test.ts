import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Doorbell } from '../../src/transport/doorbell.js';
import { I32_HEAD, I32_TAIL, RECORDS_OFFSET_BYTES, ringBufferBytes } from '../../src/transport/layout.js';
import {
  createRingBuffer,
  RingClosedError,
  RingConsumer,
  RingProducer,
  readRingStats,
} from '../../src/transport/ring.js';

/** Both ends in one thread, each with its own doorbell, as two threads would hold them. */
function makeRing(capacityRecords: number, recordBytes = 8) {
  const buffer = createRingBuffer({ capacityRecords, recordBytes });
  const producerBell = Doorbell.create();
  const consumerBell = Doorbell.create();
  const producer = new RingProducer(buffer, Doorbell.attach(consumerBell.buffer), producerBell);
  const consumer = new RingConsumer(buffer, consumerBell, Doorbell.attach(producerBell.buffer));
  return { buffer, producer, consumer, producerBell, consumerBell };
}

/** Publish values from `next` in one batch of exactly n records (the caller knows they fit). */
function send(producer: RingProducer, n: number, next: { value: number }): void {
  expect(producer.tryReserve(n)).toBe(n);
  for (let i = 0; i < n; i++) {
    const off = producer.offsetOf(i);
    producer.view.setUint32(off, next.value);
    producer.view.setUint32(off + producer.recordBytes - 4, ~next.value);
    next.value++;
  }
  producer.publish(n);
}

/** Take up to max records, check they continue the sequence, release them; returns the count. */
function take(consumer: RingConsumer, max: number, expected: { value: number }): number {
  const n = Math.min(consumer.available(), max);
  for (let i = 0; i < n; i++) {
    const off = consumer.offsetOf(i);
    expect(consumer.view.getUint32(off)).toBe(expected.value);
    expect(consumer.view.getUint32(off + consumer.recordBytes - 4)).toBe(~expected.value >>> 0);
    expected.value++;
  }
  if (n > 0) consumer.release(n);
  return n;
}

describe('ring: single-thread behaviour', () => {
  test('a batch that straddles the end wraps, from every starting offset', () => {
    for (const recordBytes of [8, 32, 48]) {
      const capacity = 8;
      for (let start = 0; start < capacity; start++) {
        const { producer, consumer } = makeRing(capacity, recordBytes);
        const sent = { value: 0 };
        const got = { value: 0 };
        if (start > 0) {
          send(producer, start, sent);
          expect(take(consumer, start, got)).toBe(start);
        }
        // A full-capacity batch from slot `start`: wraps unless start is 0.
        send(producer, capacity, sent);
        const offsets = Array.from({ length: capacity }, (_, i) => consumer.offsetOf(i));
        expect(new Set(offsets).size).toBe(capacity);
        for (const off of offsets) {
          expect(off).toBeGreaterThanOrEqual(RECORDS_OFFSET_BYTES);
          expect(off + recordBytes).toBeLessThanOrEqual(ringBufferBytes(capacity, recordBytes));
          expect((off - RECORDS_OFFSET_BYTES) % recordBytes).toBe(0);
        }
        expect(offsets[0]).toBe(RECORDS_OFFSET_BYTES + start * recordBytes);
        expect(producer.tryReserve(1)).toBe(0);
        expect(take(consumer, capacity, got)).toBe(capacity);
        expect(got.value).toBe(start + capacity);
        expect(consumer.available()).toBe(0);
      }
    }
  });

  test('random batch sizes on both sides keep every record, once, in order (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(2, 4, 8, 16, 64),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 1, max: 80 })), {
          minLength: 1,
          maxLength: 60,
        }),
        (capacity, steps) => {
          const { producer, consumer } = makeRing(capacity, 16);
          const sent = { value: 0 };
          const got = { value: 0 };
          for (const [produce, consume] of steps) {
            const n = producer.tryReserve(produce);
            expect(n).toBe(Math.min(produce, capacity - (sent.value - got.value)));
            if (n > 0) {
              producer.tryReserve(n);
              send(producer, n, sent);
            }
            // available() may answer from its last load of tail (a lower bound); refresh() loads it.
            expect(consumer.available()).toBeLessThanOrEqual(sent.value - got.value);
            expect(consumer.refresh()).toBe(sent.value - got.value);
            take(consumer, consume, got);
          }
          while (take(consumer, capacity, got) > 0);
          expect(got.value).toBe(sent.value);
          const stats = producer.stats();
          expect(stats.records).toBe(sent.value);
          expect(stats.releasedRecords).toBe(got.value);
          expect(stats.highWaterRecords).toBeLessThanOrEqual(capacity);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('positions that cross 2^31 and 2^32 keep the exact occupancy (counters wrap, occupancy does not)', () => {
    for (const startPosition of [0x7fff_fffd, -3]) {
      const buffer = createRingBuffer({ capacityRecords: 4, recordBytes: 8 });
      // Start both free-running counters just below the int32 sign flip / the 2^32 wrap.
      const words = new Int32Array(buffer);
      words[I32_TAIL] = startPosition;
      words[I32_HEAD] = startPosition;
      const bell = Doorbell.create();
      const producer = new RingProducer(buffer, bell, bell);
      const consumer = new RingConsumer(buffer, bell, bell);
      const sent = { value: 0 };
      const got = { value: 0 };
      for (let i = 0; i < 6; i++) {
        send(producer, 3, sent);
        expect(producer.tryReserve(4)).toBe(1);
        expect(consumer.available()).toBe(3);
        take(consumer, 3, got);
      }
      expect(got.value).toBe(18);
      expect(consumer.stats().highWaterRecords).toBe(3);
    }
  });

  test('publish covers exactly what was reserved; offsets past the reservation are refused', () => {
    const { producer } = makeRing(8);
    expect(producer.tryReserve(3)).toBe(3);
    expect(() => producer.publish(4)).toThrow(
      'Expected `n` to be an integer from 1 to 3 (the records reserved), got `4` (number)',
    );
    producer.publish(2);
    expect(producer.reservedRecords()).toBe(1);
    producer.publish(1);
    expect(() => producer.publish(1)).toThrow(RangeError);
    expect(() => producer.tryReserve(0)).toThrow(
      'Expected `max` to be an integer from 1 up, got `0` (number)',
    );
  });

  test('available() answers from its last load of tail until those records are released', () => {
    const { producer, consumer } = makeRing(8);
    const sent = { value: 0 };
    send(producer, 2, sent);
    expect(consumer.available()).toBe(2);
    send(producer, 3, sent);
    expect(consumer.available()).toBe(2); // no new load while 2 seen records remain
    expect(consumer.refresh()).toBe(5);
    expect(take(consumer, 5, { value: 0 })).toBe(5);
    expect(consumer.available()).toBe(0); // all released: loads tail again
    send(producer, 1, sent);
    expect(consumer.available()).toBe(1);
  });

  test('release covers only what available() showed', () => {
    const { producer, consumer } = makeRing(8);
    send(producer, 2, { value: 0 });
    expect(() => consumer.release(1)).toThrow(RangeError); // available() not called yet
    expect(consumer.available()).toBe(2);
    expect(() => consumer.release(3)).toThrow('Expected `n` to be an integer from 1 to 2');
    consumer.release(2);
  });

  test('a full ring refuses more (never drops or overwrites) and counts the stall', () => {
    const { producer, consumer } = makeRing(4);
    const sent = { value: 0 };
    send(producer, 4, sent);
    expect(producer.tryReserve(1)).toBe(0);
    expect(producer.reserve(1, 4, 0)).toBe(0);
    expect(producer.reserve(2, 4, 1)).toBe(0);
    expect(producer.stats().fullStalls).toBe(3);
    expect(producer.stats().producerParks).toBe(1);
    expect(take(consumer, 1, { value: 0 })).toBe(1);
    expect(producer.reserve(1, 4, 0)).toBe(1);
    expect(consumer.stats().highWaterRecords).toBe(4);
  });

  test('close: the consumer drains what remains, then sees the end', () => {
    const { producer, consumer } = makeRing(8);
    const sent = { value: 0 };
    const got = { value: 0 };
    send(producer, 5, sent);
    producer.close();
    producer.close(); // idempotent
    expect(consumer.closed()).toBe(true);
    expect(consumer.ended()).toBe(false);
    expect(take(consumer, 2, got)).toBe(2);
    expect(consumer.ended()).toBe(false);
    expect(take(consumer, 8, got)).toBe(3);
    expect(consumer.ended()).toBe(true);
    expect(consumer.waitAvailable(10_000)).toBe(0);
    expect(() => producer.tryReserve(1)).toThrow(RingClosedError);
    expect(() => producer.publish(1)).toThrow(RingClosedError);
  });

  test('abandon: a producer on a full ring throws instead of waiting', () => {
    const { producer, consumer } = makeRing(2);
    send(producer, 2, { value: 0 });
    consumer.abandon();
    expect(() => producer.reserve(1, 1, 10_000)).toThrow(/abandoned/);
    expect(() => producer.tryReserve(1)).toThrow(RingClosedError);
  });

  test('abandon: a reserve that fits the space the producer last saw does not look; the first short one throws', () => {
    const { producer, consumer } = makeRing(2);
    consumer.abandon();
    // As ring.ts "Close" says: the abandoned flag is loaded only when the cached space runs short.
    send(producer, 2, { value: 0 });
    expect(() => producer.reserve(1, 1, 10_000)).toThrow(/abandoned/);
  });

  test('safe time: starts at 0, never decreases, is exact to 2^53, and encodes Infinity', () => {
    const { producer, consumer } = makeRing(2);
    expect(consumer.safeTime()).toBe(0);
    producer.publishSafeTime(1234);
    expect(consumer.safeTime()).toBe(1234);
    producer.publishSafeTime(2 ** 53 - 1);
    expect(consumer.safeTime()).toBe(2 ** 53 - 1);
    producer.publishSafeTime(2 ** 53);
    expect(consumer.safeTime()).toBe(2 ** 53);
    expect(() => producer.publishSafeTime(5)).toThrow('a safe time of at least 9007199254740992');
    expect(() => producer.publishSafeTime(2 ** 53 + 2)).toThrow(RangeError);
    expect(() => producer.publishSafeTime(Number.NaN)).toThrow(RangeError);
    producer.publishSafeTime(Number.POSITIVE_INFINITY);
    expect(consumer.safeTime()).toBe(Number.POSITIVE_INFINITY);
    expect(producer.publishedSafeTime()).toBe(Number.POSITIVE_INFINITY);
    const second = makeRing(2);
    expect(() => second.producer.publishSafeTime(1.5)).toThrow(
      'Expected `t` to be an integer tick from 0 to 2^53, or Infinity, got `1.5` (number)',
    );
    expect(() => second.producer.publishSafeTime(-1)).toThrow(RangeError);
  });

  test('hasNews reports records, an unread safe time and a close', () => {
    const { producer, consumer } = makeRing(4);
    expect(consumer.hasNews()).toBe(false);
    producer.publishSafeTime(10);
    expect(consumer.hasNews()).toBe(true);
    consumer.safeTime();
    expect(consumer.hasNews()).toBe(false);
    send(producer, 1, { value: 0 });
    expect(consumer.hasNews()).toBe(true);
    take(consumer, 1, { value: 0 });
    expect(consumer.hasNews()).toBe(false);
    producer.close();
    expect(consumer.hasNews()).toBe(true);
  });

  // The lost-wake-up window, made deterministic: the other side acts inside ready(), after the
  // parking side marked itself parked and after its own check missed the change.
  test('a publish, a safe time or a close that lands after the consumer marked itself parked wakes it', () => {
    for (const act of ['publish', 'safeTime', 'close'] as const) {
      const { producer, consumer, consumerBell } = makeRing(4);
      let acted = false;
      const result = consumerBell.park(() => {
        const news = consumer.hasNews();
        if (!acted) {
          acted = true;
          if (act === 'publish') send(producer, 1, { value: 0 });
          else if (act === 'safeTime') producer.publishSafeTime(99);
          else producer.close();
        }
        return news;
      }, 10_000);
      expect(result).toBe('woken');
      expect(consumer.hasNews()).toBe(true);
      expect(producer.stats().notifies).toBe(1);
    }
  });

  test('a release that lands after the producer parked on a full ring wakes it; one that lands before is seen', () => {
    const { producer, consumer, producerBell } = makeRing(2);
    send(producer, 2, { value: 0 });
    expect(consumer.available()).toBe(2);
    producer.armSpaceWake();
    let released = false;
    const result = producerBell.park(() => {
      const free = producer.free() > 0;
      if (!released) {
        released = true;
        consumer.release(1);
      }
      return free;
    }, 10_000);
    expect(result).toBe('woken');
    expect(producer.free()).toBe(1);
    // Not armed: the release does not ring (the producer's own check will see the space).
    consumer.release(1);
    expect(consumer.stats().notifies).toBe(1);
  });

  test('a producer armed for a refill is rung by the release that reaches it, not by smaller ones', () => {
    const { producer, consumer, producerBell } = makeRing(4);
    send(producer, 4, { value: 0 });
    expect(consumer.available()).toBe(4);
    producer.armSpaceWake(2);
    // First release frees 1 of the 2 wanted: no ring, so the park times out.
    let step = 0;
    const first = producerBell.park(() => {
      if (step++ === 0) consumer.release(1);
      return false;
    }, 1);
    expect(first).toBe('timed-out');
    expect(consumer.stats().notifies).toBe(0);
    // The second release reaches 2 free: it rings.
    step = 0;
    const second = producerBell.park(() => {
      if (step++ === 0) consumer.release(1);
      return producer.free() >= 2 && step > 1;
    }, 10_000);
    expect(second).toBe('woken');
    expect(consumer.stats().notifies).toBe(1);
    expect(() => producer.armSpaceWake(5)).toThrow(
      'Expected `minFree` to be an integer from 1 to 4, got `5` (number)',
    );
  });

  test('stats count records, batches and high water, readable without an endpoint', () => {
    const { buffer, producer, consumer } = makeRing(16);
    const sent = { value: 0 };
    send(producer, 3, sent);
    send(producer, 5, sent);
    take(consumer, 16, { value: 0 });
    const stats = readRingStats(buffer);
    expect(stats).toMatchObject({
      records: 8,
      batches: 2,
      releasedRecords: 8,
      releasedBatches: 1,
      highWaterRecords: 8,
      capacityRecords: 16,
      fullStalls: 0,
      parks: 0,
      wakeups: 0,
    });
    expect(consumer.stats()).toEqual(stats);
  });
});

describe('ring: bad arguments say what was expected and what arrived', () => {
  test('capacity must be a power of two from 2 to 2^24', () => {
    expect(() => createRingBuffer({ capacityRecords: 100 })).toThrow(
      'Expected `capacityRecords` to be a power of two from 2 to 2^24, got `100` (number)',
    );
    for (const bad of [0, 1, 2 ** 25, 3.5, -4, Number.NaN, '8']) {
      expect(() => createRingBuffer({ capacityRecords: bad as number })).toThrow(RangeError);
    }
    expect(createRingBuffer({ capacityRecords: 2 }).byteLength).toBe(ringBufferBytes(2, 32));
  });

  test('record size must be a multiple of 8 from 8 to 4096', () => {
    expect(() => createRingBuffer({ capacityRecords: 8, recordBytes: 12 })).toThrow(
      'Expected `recordBytes` to be a multiple of 8 from 8 to 4096, got `12` (number)',
    );
    for (const bad of [0, 4, 4104, 16.5]) {
      expect(() => createRingBuffer({ capacityRecords: 8, recordBytes: bad })).toThrow(RangeError);
    }
  });

  test('a buffer that is not a ring, or too small for its layout, is refused', () => {
    const bell = Doorbell.create();
    expect(() => new RingProducer(new SharedArrayBuffer(1024), bell, bell)).toThrow(/layout version 1/);
    expect(() => new RingConsumer(new SharedArrayBuffer(64), bell, bell)).toThrow(
      'Expected `buffer` to be at least 384 bytes (the ring header), got `SharedArrayBuffer(64)` (object)',
    );
    const ring = createRingBuffer({ capacityRecords: 64 });
    const short = new SharedArrayBuffer(ring.byteLength - 32);
    new Uint8Array(short).set(new Uint8Array(ring, 0, short.byteLength));
    expect(() => new RingProducer(short, bell, bell)).toThrow(
      `Expected \`buffer\` to be 2432 bytes for 64 records of 32 bytes plus the header, got \`SharedArrayBuffer(${short.byteLength})\` (object)`,
    );
    expect(() => createRingBuffer(null as never)).toThrow(RangeError);
  });

  test('blocking calls check their counts and time-outs', () => {
    const { producer, consumer } = makeRing(8);
    expect(() => producer.reserve(0, 4, 10)).toThrow(
      'Expected `min` to be an integer from 1 to 8, got `0` (number)',
    );
    expect(() => producer.reserve(9, 9, 10)).toThrow(RangeError);
    expect(() => producer.reserve(4, 2, 10)).toThrow('Expected `max` to be an integer from 4');
    expect(() => producer.reserve(1, 2, -1)).toThrow(/timeoutMs/);
    expect(() => consumer.waitAvailable(Number.NaN)).toThrow(/timeoutMs/);
    // Every wait is bounded, so a peer that never moves ends it in an error, not a hang.
    const endless =
      'Expected `timeoutMs` to be a finite number of milliseconds from 0, got `Infinity` (number)';
    expect(() => producer.reserve(1, 2, Number.POSITIVE_INFINITY)).toThrow(endless);
    expect(() => consumer.waitAvailable(Number.POSITIVE_INFINITY)).toThrow(endless);
  });
});

describe('ring: writeRecords copies a private batch into the reserved slots', () => {
  /** Words of record `r` in a batch: distinct per record and per word. */
  const wordOf = (r: number, j: number): number => (r * 1000 + j + 1) >>> 0;

  test('records land in order across the wrap, for every start slot, record size and offset', () => {
    for (const recordBytes of [8, 32, 48]) {
      const words = recordBytes / 4;
      const capacity = 8;
      for (let start = 0; start < capacity; start++) {
        for (const at of [0, 2]) {
          const { producer, consumer } = makeRing(capacity, recordBytes);
          if (start > 0) {
            expect(producer.tryReserve(start)).toBe(start);
            producer.publish(start);
            expect(consumer.available()).toBe(start);
            consumer.release(start);
          }
          expect(producer.tryReserve(capacity)).toBe(capacity);
          const n = capacity - at;
          const src = new Uint32Array(n * words);
          for (let r = 0; r < n; r++) for (let j = 0; j < words; j++) src[r * words + j] = wordOf(r, j);
          producer.writeRecords(src, n, at);
          producer.publish(capacity);
          expect(consumer.available()).toBe(capacity);
          for (let r = 0; r < n; r++) {
            const w = consumer.offsetOf(at + r) / 4;
            const got = Array.from(consumer.words.subarray(w, w + words));
            expect(got).toEqual(Array.from({ length: words }, (_, j) => wordOf(r, j)));
          }
          consumer.release(capacity);
        }
      }
    }
  });

  test('writes nothing outside its n slots', () => {
    const { producer, consumer } = makeRing(8, 32);
    expect(producer.tryReserve(4)).toBe(4);
    producer.writeRecords(new Uint32Array(8).fill(0xffff_ffff), 1, 2);
    producer.publish(4);
    expect(consumer.available()).toBe(4);
    const seen = [0, 1, 2, 3].map((r) => consumer.words[consumer.offsetOf(r) / 4]);
    expect(seen).toEqual([0, 0, 0xffff_ffff, 0]);
  });

  test('bad counts, offsets and short sources say what was expected', () => {
    const { producer } = makeRing(8, 32);
    expect(producer.tryReserve(4)).toBe(4);
    const src = new Uint32Array(8 * 8);
    expect(() => producer.writeRecords(src, 5)).toThrow(
      'Expected `n` to be an integer from 1 to 4 (the records reserved), got `5` (number)',
    );
    for (const n of [0, -1, 1.5, Number.NaN]) expect(() => producer.writeRecords(src, n)).toThrow(RangeError);
    expect(() => producer.writeRecords(src, 2, 3)).toThrow(
      'Expected `at` to be an integer from 0 to 2 (2 records from it, of 4 reserved), got `3` (number)',
    );
    for (const at of [-1, 0.5]) expect(() => producer.writeRecords(src, 1, at)).toThrow(RangeError);
    expect(() => producer.writeRecords(new Uint32Array(15), 2)).toThrow(
      'Expected `src` to be at least 16 words (2 records), got `15 words` (string)',
    );
  });
});

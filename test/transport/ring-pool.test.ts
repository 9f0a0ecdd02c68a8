import { describe, expect, test } from 'vitest';
import { Doorbell } from '../../src/transport/doorbell.js';
import { RECORDS_OFFSET_BYTES } from '../../src/transport/layout.js';
import {
  createRingBuffer,
  RingConsumer,
  RingPool,
  RingProducer,
  readRingStats,
} from '../../src/transport/ring.js';

/** Both ends of `buffer` in this thread, each with its own doorbell. */
function ends(buffer: SharedArrayBuffer) {
  const producerBell = Doorbell.create();
  const consumerBell = Doorbell.create();
  return {
    producer: new RingProducer(buffer, Doorbell.attach(consumerBell.buffer), producerBell),
    consumer: new RingConsumer(buffer, consumerBell, Doorbell.attach(producerBell.buffer)),
  };
}

/** Leave `buffer` as a run leaves its rings: records moved and some in flight, a safe time, closed, abandoned. */
function wear(buffer: SharedArrayBuffer): void {
  const { producer, consumer } = ends(buffer);
  let sent = 0;
  for (let round = 0; round < 3; round++) {
    const n = producer.tryReserve(5);
    sent += n;
    for (let i = 0; i < n; i++) producer.view.setUint32(producer.offsetOf(i), 0xdead_0000 + i);
    producer.publish(n);
    consumer.release(Math.min(consumer.available(), 4));
  }
  producer.publishSafeTime(12_345);
  expect(consumer.safeTime()).toBe(12_345);
  producer.close();
  consumer.abandon();
  expect(sent).toBeGreaterThan(8); // the positions wrapped
  expect(readRingStats(buffer).records).toBe(sent);
}

describe('ring pool: ring buffers reused from one run to the next', () => {
  test('a buffer given back comes back with the header createRingBuffer makes, and works as a new ring', () => {
    const pool = new RingPool();
    const fresh = createRingBuffer({ capacityRecords: 8 });
    const first = pool.take({ capacityRecords: 8 });
    wear(first);
    pool.giveBack([first, undefined]);
    expect(pool.figures()).toMatchObject({ created: 1, reused: 0, held: 1 });

    const again = pool.take({ capacityRecords: 8 });
    expect(again).toBe(first);
    expect(pool.figures()).toMatchObject({ created: 1, reused: 1, held: 0, heldBytes: 0 });
    // Every header byte as a new ring's: positions, flags, safe time, waiter words, counters.
    expect(new Uint8Array(again, 0, RECORDS_OFFSET_BYTES)).toEqual(
      new Uint8Array(fresh, 0, RECORDS_OFFSET_BYTES),
    );
    const { producer, consumer } = ends(again);
    expect(consumer.available()).toBe(0);
    expect(consumer.ended()).toBe(false);
    expect(producer.tryReserve(8)).toBe(8);
    for (let i = 0; i < 8; i++) producer.view.setUint32(producer.offsetOf(i), i);
    producer.publish(8);
    expect(consumer.available()).toBe(8);
    expect(Array.from({ length: 8 }, (_, i) => consumer.view.getUint32(consumer.offsetOf(i)))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7,
    ]);
  });

  test('buffers are served only to requests of their geometry, each to one taker', () => {
    const pool = new RingPool();
    const small = pool.take({ capacityRecords: 8 });
    const wide = pool.take({ capacityRecords: 8, recordBytes: 64 });
    pool.giveBack([small, wide]);
    const other = pool.take({ capacityRecords: 16 });
    expect(other).not.toBe(small);
    expect(pool.take({ capacityRecords: 8, recordBytes: 64 })).toBe(wide);
    expect(pool.take({ capacityRecords: 8, recordBytes: 32 })).toBe(small);
    expect(pool.take({ capacityRecords: 8 })).not.toBe(small);
    expect(pool.figures()).toMatchObject({ created: 4, reused: 2, held: 0 });
  });

  test('it holds no more than its byte bound; the rest is left to the garbage collector', () => {
    const one = createRingBuffer({ capacityRecords: 8 }).byteLength;
    const pool = new RingPool(2 * one);
    const buffers = [1, 2, 3].map(() => pool.take({ capacityRecords: 8 }));
    pool.giveBack(buffers);
    expect(pool.figures()).toMatchObject({ held: 2, heldBytes: 2 * one });
    expect(new RingPool(0).figures().held).toBe(0);
  });

  test('bad input is refused with the expected thing named: not a ring, the same buffer twice, a bad bound or geometry', () => {
    const pool = new RingPool();
    expect(() => pool.giveBack([new SharedArrayBuffer(1024)])).toThrow(
      /Expected `buffer` to be a ring buffer/,
    );
    const ring = pool.take({ capacityRecords: 8 });
    pool.giveBack([ring]);
    expect(() => pool.giveBack([ring])).toThrow(/Expected `buffers` to be buffers not already in the pool/);
    expect(() => new RingPool(-1)).toThrow(/Expected `maxBytes` to be a whole number of bytes/);
    expect(() => pool.take({ capacityRecords: 100 })).toThrow(
      /Expected `capacityRecords` to be a power of two/,
    );
    expect(() => pool.take(null as never)).toThrow(/Expected `opts`/);
  });
});

import { describe, expect, test } from 'vitest';
import { newMessage, type SimMessage } from '../../src/model/protocol/sim-message.js';
import { MessagePool } from '../../src/runtime/message-pool.js';
import { flushStaged, type StagedEdge, stagedCount } from '../../src/runtime/staged-edge.js';
import { emptyMessage, readMessage } from '../../src/transport/codec.js';
import { Doorbell } from '../../src/transport/doorbell.js';
import { BELL_NOTIFIED, BELL_PARKED, BELL_RUNNING, BELL_STATE } from '../../src/transport/layout.js';
import { createRingBuffer, RingConsumer, RingProducer } from '../../src/transport/ring.js';

/** Message i of a test stream: every field the codec carries differs from its neighbours'. */
function message(i: number): SimMessage {
  const m = newMessage();
  m.timeTicks = 1_000_000 + i * 7;
  m.kind = (i % 200) + 1;
  m.flags = i & 0xff;
  m.source = i % 9;
  m.destination = (i + 1) % 9;
  m.link = 3;
  m.seq = i;
  m.address = 0x1_0000_0000 + i * 4096;
  m.lengthBytes = 128 + i;
  m.lpid = i & 0xfff;
  m.pid = i * 3;
  m.tag = i * 5;
  return m;
}

function edge(capacityRecords: number) {
  const buffer = createRingBuffer({ capacityRecords });
  const producerBell = Doorbell.create();
  const consumerBell = Doorbell.create();
  const out: StagedEdge = {
    edge: 3,
    producer: new RingProducer(buffer, Doorbell.attach(consumerBell.buffer), producerBell),
    staged: [],
    stagedHead: 0,
  };
  const consumer = new RingConsumer(buffer, consumerBell, Doorbell.attach(producerBell.buffer));
  return { out, consumer, consumerBell, producerBell };
}

/** Read n records from the consumer, check them against the stream from `first`, release them. */
function expectStream(consumer: RingConsumer, first: number, n: number): void {
  expect(consumer.available()).toBe(n);
  const got = emptyMessage();
  for (let i = 0; i < n; i++) {
    readMessage(consumer.words, consumer.offsetOf(i), got);
    const want = message(first + i);
    expect({ ...got }).toEqual({
      timeTicks: want.timeTicks,
      kind: want.kind,
      flags: want.flags,
      source: want.source,
      destination: want.destination,
      link: want.link,
      seq: want.seq,
      address: want.address,
      lengthBytes: want.lengthBytes,
      lpid: want.lpid,
      pid: want.pid,
      tag: want.tag,
    });
  }
  consumer.release(n);
}

describe('staged edge: the flush encodes in chunks and copies them into the ring', () => {
  test('150 staged records (three chunks) reach the ring whole and in order, across its wrap', () => {
    const { out, consumer } = edge(256);
    // 200 records (four chunks) move the ring's tail near its end, so the next flush wraps.
    for (let i = 0; i < 200; i++) out.staged.push(message(i));
    const pool = new MessagePool();
    const published: { n: number; earliest: number }[] = [];
    const publish = (e: StagedEdge, n: number, earliest: number): void => {
      e.producer.publish(n);
      published.push({ n, earliest });
    };
    expect(flushStaged([out], () => pool, publish)).toBe(200);
    expectStream(consumer, 0, 200);
    for (let i = 200; i < 350; i++) out.staged.push(message(i));
    expect(flushStaged([out], () => pool, publish)).toBe(150);
    expect(published).toEqual([
      { n: 200, earliest: message(0).timeTicks },
      { n: 150, earliest: message(200).timeTicks },
    ]);
    expect(stagedCount(out)).toBe(0);
    expectStream(consumer, 200, 150);
    // Every message object went back to the pool: the next 350 takes are those objects (a new
    // one would have seq 0), each once.
    const seqs = Array.from({ length: 350 }, () => pool.take().seq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 350 }, (_, i) => i));
  });

  test('a ring with room for fewer than are staged takes what fits and keeps the rest, in order', () => {
    const { out, consumer } = edge(128);
    for (let i = 0; i < 300; i++) out.staged.push(message(i));
    const pool = new MessagePool();
    const publish = (e: StagedEdge, n: number): void => e.producer.publish(n);
    expect(flushStaged([out], () => pool, publish)).toBe(128);
    expect(stagedCount(out)).toBe(172);
    expectStream(consumer, 0, 128);
    expect(flushStaged([out], () => pool, publish)).toBe(128);
    expectStream(consumer, 128, 128);
    expect(flushStaged([out], () => pool, publish)).toBe(44);
    expectStream(consumer, 256, 44);
    expect(stagedCount(out)).toBe(0);
  });
});

describe('staged edge: a full ring with records behind it wakes its consumer', () => {
  /**
   * The consumer saw an empty ring and marked itself parked (set by hand, as its park() would); the
   * loops publish flushed batches without a notify (records it cannot handle yet). Once the ring
   * is full and records wait behind it, only the consumer's drain frees space: unless the flush
   * rings it, both threads wait for each other until a park runs out.
   */
  function parkedConsumerEdge() {
    const { out, consumer, consumerBell, producerBell } = edge(2);
    const consumerState = new Int32Array(consumerBell.buffer);
    const producerState = new Int32Array(producerBell.buffer);
    return { out, consumer, consumerState, producerState };
  }
  const quiet = (e: StagedEdge, n: number): void => e.producer.publish(n, false);

  test('a flush that fills the ring and leaves records staged rings the parked consumer', () => {
    const { out, consumer, consumerState, producerState } = parkedConsumerEdge();
    expect(consumer.hasNews()).toBe(false);
    Atomics.store(consumerState, BELL_STATE, BELL_PARKED);
    for (let i = 0; i < 3; i++) out.staged.push(message(i));
    expect(flushStaged([out], () => new MessagePool(), quiet)).toBe(2);
    expect(stagedCount(out)).toBe(1);
    expect(Atomics.load(consumerState, BELL_STATE)).toBe(BELL_NOTIFIED);
    // The consumer wakes, drains, and its release rings the producer (parked for space).
    Atomics.store(consumerState, BELL_STATE, BELL_RUNNING);
    Atomics.store(producerState, BELL_STATE, BELL_PARKED);
    expectStream(consumer, 0, 2);
    expect(Atomics.load(producerState, BELL_STATE)).toBe(BELL_NOTIFIED);
  });

  test('a flush that finds the ring already full rings the parked consumer too', () => {
    const { out, consumerState } = parkedConsumerEdge();
    for (let i = 0; i < 2; i++) out.staged.push(message(i));
    expect(flushStaged([out], () => new MessagePool(), quiet)).toBe(2);
    // Everything went: the consumer need not be told (it cannot handle these records yet).
    expect(Atomics.load(consumerState, BELL_STATE)).toBe(BELL_RUNNING);
    Atomics.store(consumerState, BELL_STATE, BELL_PARKED);
    out.staged.push(message(2));
    expect(flushStaged([out], () => new MessagePool(), quiet)).toBe(0);
    expect(Atomics.load(consumerState, BELL_STATE)).toBe(BELL_NOTIFIED);
  });
});

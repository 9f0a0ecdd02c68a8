/**
 * Thin host for the thread test "a close wakes a parked consumer": a consumer that drains
 * `expect` records, then parks ONCE on its doorbell with a long time-out (no slicing, unlike
 * RingConsumer.waitAvailable, whose 50 ms slices leave a moment between two parks when a ring
 * finds it not parked), and reports how that one park ended.
 *
 * Hand-off to the test, through `parkWord` (Int32Array): before the final park it stores its
 * doorbell's park count in word 1, then 1 in word 0 (and notifies word 0). The test waits for
 * word 0, then for the doorbell's park count to pass word 1: from then on the consumer is inside
 * Atomics.wait, and only a ring (or the time-out, a failure) can end the park.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { emptyMessage, readMessage } from '../../src/transport/codec.js';
import { Doorbell, type ParkResult } from '../../src/transport/doorbell.js';
import { RingConsumer } from '../../src/transport/ring.js';
import { CHECKSUM_SEED, checksumMessage } from './ring-traffic.js';
import { waitStartGate } from './start-gate.js';

interface ParkOnceData {
  ring: SharedArrayBuffer;
  consumerBell: SharedArrayBuffer;
  producerBell: SharedArrayBuffer;
  gate: SharedArrayBuffer;
  parkWord: SharedArrayBuffer;
  expect: number;
  parkTimeoutMs: number;
}

const data = workerData as ParkOnceData;
const bell = Doorbell.attach(data.consumerBell);
const consumer = new RingConsumer(data.ring, bell, Doorbell.attach(data.producerBell));
const word = new Int32Array(data.parkWord);
parentPort!.postMessage({ type: 'ready' });
waitStartGate(data.gate, 60_000);

const m = emptyMessage();
let checksum = CHECKSUM_SEED;
let records = 0;
while (records < data.expect) {
  const n = consumer.waitAvailable(data.parkTimeoutMs);
  if (n === 0) throw new Error(`ring-park-once: no record for ${data.parkTimeoutMs} ms after ${records}`);
  for (let i = 0; i < n; i++)
    checksum = checksumMessage(checksum, readMessage(consumer.words, consumer.offsetOf(i), m));
  consumer.release(n);
  records += n;
}
Atomics.store(word, 1, bell.stats().parks);
Atomics.store(word, 0, 1);
Atomics.notify(word, 0);
const park: ParkResult = bell.park(() => consumer.hasNews(), data.parkTimeoutMs);
parentPort!.postMessage({
  type: 'done',
  records,
  checksum,
  park,
  ended: consumer.ended(),
  bell: bell.stats(),
});

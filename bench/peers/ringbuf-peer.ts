/**
 * Thin host: one side of the ringbuf.js comparison in the ring benchmark. Attaches the channel and
 * both doorbells from workerData, says 'ready', waits at the start gate, runs produceRingbuf or
 * consumeRingbuf (ringbuf-traffic.ts) and replies with the result and its counters.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Doorbell } from '../../src/transport/doorbell.js';
import { consumeRingbuf, produceRingbuf, type RingbufChannel } from './ringbuf-traffic.js';
import { waitStartGate } from './start-gate.js';

interface RingbufPeerData extends RingbufChannel {
  role: 'produce' | 'consume';
  consumerBell: SharedArrayBuffer;
  producerBell: SharedArrayBuffer;
  gate: SharedArrayBuffer;
  batch: number;
  count?: number;
  firstIndex?: number;
  raw?: boolean;
}

const data = workerData as RingbufPeerData;
if (data.role !== 'produce' && data.role !== 'consume') {
  throw new RangeError(`Expected workerData \`role\` to be 'produce' or 'consume', got \`${data.role}\``);
}
if (!Number.isInteger(data.batch) || data.batch < 1) {
  throw new RangeError(`Expected workerData \`batch\` to be an integer from 1, got \`${data.batch}\``);
}
const count = data.count ?? 0;
if (data.role === 'produce' && (!Number.isSafeInteger(count) || count < 0)) {
  throw new RangeError(`Expected workerData \`count\` to be an integer from 0, got \`${data.count}\``);
}
const consumerBell = Doorbell.attach(data.consumerBell);
const producerBell = Doorbell.attach(data.producerBell);
parentPort!.postMessage({ type: 'ready' });
waitStartGate(data.gate, 60_000);
const result =
  data.role === 'produce'
    ? produceRingbuf(data, consumerBell, producerBell, { ...data, count })
    : consumeRingbuf(data, consumerBell, producerBell, data);
parentPort!.postMessage({ type: 'done', ...result });

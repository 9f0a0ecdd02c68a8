/**
 * Thin host: one ring producer thread for the thread tests and the benchmark. Attaches the ring and
 * both doorbells from workerData, says 'ready', waits at the start gate, runs produceTraffic
 * (src/transport/ring-traffic.ts) and replies with the result and the counters. Any throw becomes
 * the worker's 'error' event, which the starter turns into a failure with this message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Doorbell } from '../../src/transport/doorbell.js';
import { RingProducer } from '../../src/transport/ring.js';
import { produceTraffic, type TrafficPacing } from './ring-traffic.js';
import { waitStartGate } from './start-gate.js';

interface ProducerData extends TrafficPacing {
  ring: SharedArrayBuffer;
  consumerBell: SharedArrayBuffer;
  producerBell: SharedArrayBuffer;
  gate: SharedArrayBuffer;
  count: number;
  batch: number;
  firstIndex?: number;
  /** Raw records instead of codec messages (raw-records.ts). */
  raw?: boolean;
}

const data = workerData as ProducerData;
if (!Number.isSafeInteger(data.count) || data.count < 0) {
  throw new RangeError(`Expected workerData \`count\` to be an integer from 0, got \`${data.count}\``);
}
if (!Number.isInteger(data.batch) || data.batch < 1) {
  throw new RangeError(`Expected workerData \`batch\` to be an integer from 1, got \`${data.batch}\``);
}
const ownBell = Doorbell.attach(data.producerBell);
const producer = new RingProducer(data.ring, Doorbell.attach(data.consumerBell), ownBell);
parentPort!.postMessage({ type: 'ready' });
waitStartGate(data.gate, 60_000);
const result = produceTraffic(producer, data);
parentPort!.postMessage({ type: 'done', ...result, stats: producer.stats(), bell: ownBell.stats() });

/**
 * Thin host: one ring consumer thread for the thread tests and the benchmark. Attaches the ring and
 * both doorbells from workerData, says 'ready', waits at the start gate, runs consumeTraffic
 * (src/transport/ring-traffic.ts) until the producer closed, and replies with the result and the
 * counters. Any throw (a verification failure included) becomes the worker's 'error' event.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Doorbell } from '../../src/transport/doorbell.js';
import { RingConsumer } from '../../src/transport/ring.js';
import { consumeTraffic, type TrafficPacing } from './ring-traffic.js';
import { waitStartGate } from './start-gate.js';

interface ConsumerData extends TrafficPacing {
  ring: SharedArrayBuffer;
  consumerBell: SharedArrayBuffer;
  producerBell: SharedArrayBuffer;
  gate: SharedArrayBuffer;
  batch: number;
  verify?: boolean;
  firstIndex?: number;
  /** Raw records instead of codec messages (raw-records.ts). */
  raw?: boolean;
}

const data = workerData as ConsumerData;
if (!Number.isInteger(data.batch) || data.batch < 1) {
  throw new RangeError(`Expected workerData \`batch\` to be an integer from 1, got \`${data.batch}\``);
}
const ownBell = Doorbell.attach(data.consumerBell);
const consumer = new RingConsumer(data.ring, ownBell, Doorbell.attach(data.producerBell));
parentPort!.postMessage({ type: 'ready' });
waitStartGate(data.gate, 60_000);
const result = consumeTraffic(consumer, data);
parentPort!.postMessage({ type: 'done', ...result, stats: consumer.stats(), bell: ownBell.stats() });

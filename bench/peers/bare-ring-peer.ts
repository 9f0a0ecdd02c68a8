/**
 * Thin host: one side of the bare reference ring in the ring benchmark (bare-ring.ts). Checks
 * workerData, says 'ready', waits at the start gate, runs produceBare or consumeBare and replies
 * with the result and its counters.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type BareRingData, consumeBare, produceBare } from './bare-ring.js';
import { waitStartGate } from './start-gate.js';

const nowMs = (): number => performance.timeOrigin + performance.now();

const data = workerData as BareRingData & { role: 'produce' | 'consume'; gate: SharedArrayBuffer };
if (data.role !== 'produce' && data.role !== 'consume') {
  throw new RangeError(`Expected workerData \`role\` to be 'produce' or 'consume', got \`${data.role}\``);
}
for (const [key, min] of [
  ['batch', 1],
  ['count', 0],
  ['capacityRecords', 2],
] as const) {
  if (!Number.isSafeInteger(data[key]) || data[key] < min) {
    throw new RangeError(`Expected workerData \`${key}\` to be an integer from ${min}, got \`${data[key]}\``);
  }
}
if ((data.capacityRecords & (data.capacityRecords - 1)) !== 0) {
  throw new RangeError(
    `Expected workerData \`capacityRecords\` to be a power of two, got \`${data.capacityRecords}\``,
  );
}
parentPort!.postMessage({ type: 'ready' });
waitStartGate(data.gate, 60_000);
const startMs = nowMs();
if (data.role === 'produce') {
  const { records, fullStalls, parks } = produceBare(data);
  const endMs = nowMs();
  parentPort!.postMessage({
    type: 'done',
    records,
    checksum: 0,
    startMs,
    endMs,
    stats: { fullStalls, parks },
  });
} else {
  const { records, raw, parks } = consumeBare(data);
  const endMs = nowMs();
  const stats = { fullStalls: 0, parks };
  parentPort!.postMessage({ type: 'done', records, checksum: 0, startMs, endMs, raw, stats });
}

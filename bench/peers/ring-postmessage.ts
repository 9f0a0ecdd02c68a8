/**
 * Thin host: the postMessage baseline of the ring benchmark. role 'send' encodes message i of the
 * traffic stream into a 32-byte record with the real codec and posts it (one structured clone per
 * record) on a MessagePort; role 'receive' decodes and checksums each one, and replies once
 * `count` arrived. Same stream and checksum as the ring, so the two are comparable.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { emptyMessage, readMessage, writeMessage } from '../../src/transport/codec.js';
import { CHECKSUM_SEED, checksumMessage, trafficMessage } from './ring-traffic.js';
import { waitStartGate } from './start-gate.js';

interface PostData {
  role: 'send' | 'receive';
  port: MessagePort;
  gate: SharedArrayBuffer;
  count: number;
}

const data = workerData as PostData;
if (!Number.isSafeInteger(data.count) || data.count < 1) {
  throw new RangeError(`Expected workerData \`count\` to be an integer from 1, got \`${data.count}\``);
}
const nowMs = (): number => performance.timeOrigin + performance.now();
const m = emptyMessage();
let h = CHECKSUM_SEED;

if (data.role === 'send') {
  parentPort!.postMessage({ type: 'ready' });
  waitStartGate(data.gate, 60_000);
  const startMs = nowMs();
  const record = new Uint32Array(8);
  for (let i = 0; i < data.count; i++) {
    trafficMessage(i, m);
    writeMessage(record, 0, m);
    h = checksumMessage(h, m);
    data.port.postMessage(record);
  }
  parentPort!.postMessage({ type: 'done', records: data.count, checksum: h, startMs, endMs: nowMs() });
  data.port.close();
} else {
  let received = 0;
  let startMs = 0;
  data.port.on('message', (record: Uint32Array) => {
    if (received === 0) startMs = nowMs();
    readMessage(record, 0, m);
    h = checksumMessage(h, m);
    if (++received === data.count) {
      parentPort!.postMessage({ type: 'done', records: received, checksum: h, startMs, endMs: nowMs() });
      data.port.close();
    }
  });
  parentPort!.postMessage({ type: 'ready' });
}

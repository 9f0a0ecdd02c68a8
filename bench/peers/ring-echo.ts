/**
 * Thin host: the far end of the doorbell stress test. Reads records from the `ping` ring and copies
 * each batch to the `pong` ring, parking on its ONE doorbell (consumer of ping, producer of pong)
 * with no spinning, so every hand-off goes through park/ring. Counts parks that timed out: with no
 * lost wake-ups there are none. Replies with the count, the time-outs and its doorbell's counters.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Doorbell } from '../../src/transport/doorbell.js';
import { RingConsumer, RingProducer } from '../../src/transport/ring.js';
import { waitStartGate } from './start-gate.js';

interface EchoData {
  ping: SharedArrayBuffer;
  pong: SharedArrayBuffer;
  echoBell: SharedArrayBuffer;
  pingBell: SharedArrayBuffer;
  gate: SharedArrayBuffer;
  count: number;
  parkTimeoutMs: number;
}

const data = workerData as EchoData;
const bell = Doorbell.attach(data.echoBell);
const peer = Doorbell.attach(data.pingBell);
const inbound = new RingConsumer(data.ping, bell, peer);
const outbound = new RingProducer(data.pong, peer, bell);
const inboundReady = (): boolean => inbound.hasNews();
parentPort!.postMessage({ type: 'ready' });
waitStartGate(data.gate, 60_000);

let echoed = 0;
let timeouts = 0;
while (echoed < data.count) {
  const n = inbound.available();
  if (n === 0) {
    if (bell.park(inboundReady, data.parkTimeoutMs, 0) === 'timed-out' && ++timeouts > 3) {
      throw new Error(`ring-echo: ${timeouts} parks timed out after ${echoed} records: a wake-up was lost`);
    }
    continue;
  }
  const room = outbound.reserve(n, n, data.parkTimeoutMs, 0);
  if (room === 0)
    throw new Error(`ring-echo: no room for ${n} records in pong after ${data.parkTimeoutMs} ms`);
  for (let i = 0; i < n; i++) {
    const from = inbound.offsetOf(i) >> 2;
    const to = outbound.offsetOf(i) >> 2;
    for (let w = 0; w < inbound.recordBytes >> 2; w++) outbound.words[to + w] = inbound.words[from + w]!;
  }
  outbound.publish(n);
  inbound.release(n);
  echoed += n;
}
outbound.close();
parentPort!.postMessage({ type: 'done', records: echoed, timeouts, bell: bell.stats() });

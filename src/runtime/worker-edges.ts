/**
 * The ring edges of one worker of the conservative loop (worker-loop.ts): the outbound edges it
 * produces on and the inbound edges it consumes, wired from the plan and the placement (an edge
 * inside the worker has no ring), and the wake conditions of the loop's shutdown over them.
 *
 * Shared memory: only through the ring endpoints (src/transport/ring.ts has the protocol). Each
 * edge's fields here (staging, `silent`, `settled`) belong to this worker's thread alone.
 */
import { assert } from '../core/errors.js';
import type { Doorbell } from '../transport/doorbell.js';
import { RingConsumer, RingProducer } from '../transport/ring.js';
import { hasFlushable, type StagedEdge } from './staged-edge.js';
import type { WorkerInit } from './worker-init.js';

export interface Outbound extends StagedEdge {
  /** The consuming worker. */
  toWorker: number;
  latencyTicks: number;
  /** Its sender promised never to send on it. */
  silent: boolean;
}

export interface Inbound {
  edge: number;
  consumer: RingConsumer;
  /**
   * True once SafeTimes.readHorizon() (safe-times.ts) read this ring's safe time after seeing it closed: its producer
   * publishes no record and no safe time after its close, so once the ring has also ended it can
   * never again give this worker work, and `hasNews()` (which stays true on a closed ring) must not
   * keep the thread from parking. Written and read by this thread only.
   */
  settled: boolean;
}

/** This worker's edges to and from other workers, with a ring endpoint each. */
export function wireEdges(
  init: WorkerInit,
  bells: readonly Doorbell[],
): { outbound: Outbound[]; inbound: Inbound[]; outByEdge: (Outbound | undefined)[] } {
  const { plan, worker, workerOf } = init;
  const bell = bells[worker]!;
  const outbound: Outbound[] = [];
  const inbound: Inbound[] = [];
  const outByEdge: (Outbound | undefined)[] = plan.edges.map(() => undefined);
  for (const e of plan.edges) {
    const from = workerOf[e.from]!;
    const to = workerOf[e.to]!;
    if (from === to) continue;
    if (from === worker) {
      assert(e.latencyTicks > 0, `edge ${e.label} has zero latency between two threads`);
      const out: Outbound = {
        edge: e.index,
        toWorker: to,
        producer: new RingProducer(init.rings[e.index]!, bells[to]!, bell),
        latencyTicks: e.latencyTicks,
        staged: [],
        stagedHead: 0,
        silent: false,
      };
      outbound.push(out);
      outByEdge[e.index] = out;
    } else if (to === worker) {
      inbound.push({
        edge: e.index,
        consumer: new RingConsumer(init.rings[e.index]!, bell, bells[from]!),
        settled: false,
      });
    }
  }
  return { outbound, inbound, outByEdge };
}

/**
 * The wake conditions of WorkerLoop.shutDown(), which no longer reads safe times: the loop's
 * `hasWork` would see an unread safe time, or a close, as news forever, and the thread would spin
 * instead of parking while it waits for a slower producer (taking the core that producer needs). Each reads only
 * what a producer stores before it rings this thread's bell (tail, close), what a consumer
 * stores before it rings (head, with the space waiter armed), so the doorbell's no-lost-wake-up
 * argument holds for them; the command (`stop`) changes only while the thread is out of its park,
 * between slices (thread-loop.ts), and a park's PARK_MS bound gives it that chance.
 */
export function canFlushOrDrain(
  stop: boolean,
  inbound: readonly Inbound[],
  outbound: readonly Outbound[],
): boolean {
  if (stop) return true;
  for (const { consumer } of inbound) if (consumer.available() > 0) return true;
  return hasFlushable(outbound);
}

/**
 * WorkerLoop.shutDown()'s last loop can move on: a record to drain, every ring ended, or a stop
 * and every ring closed.
 */
export function canEndDrain(stop: boolean, inbound: readonly Inbound[]): boolean {
  let ended = true;
  let closed = true;
  for (const { consumer } of inbound) {
    if (consumer.available() > 0) return true;
    if (!consumer.ended()) ended = false;
    if (!consumer.closed()) closed = false;
  }
  return ended || (stop && closed);
}

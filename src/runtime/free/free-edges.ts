/**
 * The ring edges of one free-mode worker (free-loop.ts): one actor per worker, so an edge from or
 * to its actor is a ring, produced or consumed here. Shared memory only through the ring endpoints
 * (src/transport/ring.ts); each edge's staging belongs to this worker's thread alone.
 */
import type { Doorbell } from '../../transport/doorbell.js';
import { RingConsumer, RingProducer } from '../../transport/ring.js';
import type { StagedEdge } from '../staged-edge.js';
import type { WorkerInit } from '../worker-init.js';

export interface Outbound extends StagedEdge {
  /** The consuming actor (and worker). */
  to: number;
}

export interface Inbound {
  edge: number;
  consumer: RingConsumer;
}

/** The edges of actor `self` (this worker's one actor), with a ring endpoint each. */
export function wireFreeEdges(
  init: WorkerInit,
  self: number,
  bells: readonly Doorbell[],
): { outbound: Outbound[]; inbound: Inbound[]; outByEdge: (Outbound | undefined)[] } {
  const { plan } = init;
  const bell = bells[init.worker]!;
  const outbound: Outbound[] = [];
  const inbound: Inbound[] = [];
  const outByEdge: (Outbound | undefined)[] = plan.edges.map(() => undefined);
  for (const e of plan.edges) {
    if (e.from === self) {
      const out: Outbound = {
        edge: e.index,
        to: e.to,
        producer: new RingProducer(init.rings[e.index]!, bells[e.to]!, bell),
        staged: [],
        stagedHead: 0,
      };
      outbound.push(out);
      outByEdge[e.index] = out;
    } else if (e.to === self) {
      inbound.push({
        edge: e.index,
        consumer: new RingConsumer(init.rings[e.index]!, bell, bells[e.from]!),
      });
    }
  }
  return { outbound, inbound, outByEdge };
}

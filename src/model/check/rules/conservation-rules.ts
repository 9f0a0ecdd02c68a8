/**
 * Conservation (docs/theory-of-operation.md#5-checking-the-oracle-as-distributed-checks): nothing
 * is dropped.
 * - conservation.message: every message sent on an edge was received or is still in flight at
 *   the end. Judged per edge, so two edges' errors cannot cancel in the totals; the counts come
 *   from both ends of every edge (the sender's sends, the receiver's handled events, what is still
 *   in the rings or the heap).
 * - conservation.dma: every DMA and peer write a GPU issued completed, faulted with a reported
 *   reason, or is still in flight; judged from the GPU's own counters at the end.
 * Both are judged once, on the run's result, by whichever host ran it.
 */
import type { Violation } from '../violation.js';

export interface EdgeCounts {
  label: string;
  /** The sending and receiving actors' names. */
  actors: string[];
  sent: number;
  received: number;
  inFlight: number;
}

export function judgeMessageConservation(edges: readonly EdgeCounts[], tick: number): Violation[] {
  const out: Violation[] = [];
  edges.forEach((e, i) => {
    if (e.sent === e.received + e.inFlight) return;
    const diff = e.sent - e.received - e.inFlight;
    out.push({
      rule: 'conservation.message',
      message:
        `edge ${i} (${e.label}): expected sent = received + in flight, got sent ${e.sent}, received ${e.received}, ` +
        `in flight ${e.inFlight} (${diff > 0 ? `${diff} lost` : `${-diff} extra`})`,
      tick,
      actors: e.actors,
      addresses: [],
      history: [],
    });
  });
  return out;
}

/** A GPU's DMA accounting at the end of a run (its counters). */
export interface DmaCounts {
  gpu: string;
  issued: number;
  completed: number;
  faulted: number;
  /** Faults by reason (`dma.fault.<reason>` counters): each fault must name one. */
  faultsWithReason: number;
  inFlight: number;
  peerIssued: number;
  peerCompleted: number;
  peerRefused: number;
  peerInFlight: number;
}

export function judgeDmaConservation(gpus: readonly DmaCounts[], tick: number): Violation[] {
  const out: Violation[] = [];
  const v = (gpu: string, message: string): Violation => ({
    rule: 'conservation.dma',
    message,
    tick,
    actors: [gpu],
    addresses: [],
    history: [],
  });
  for (const g of gpus) {
    if (g.issued !== g.completed + g.faulted + g.inFlight) {
      out.push(
        v(
          g.gpu,
          `${g.gpu}: expected every DMA issued to complete, fault or be in flight, got issued ${g.issued}, completed ${g.completed}, faulted ${g.faulted}, in flight ${g.inFlight}`,
        ),
      );
    }
    if (g.faultsWithReason !== g.faulted) {
      out.push(
        v(
          g.gpu,
          `${g.gpu}: expected every DMA fault to report a reason, got ${g.faulted} faults and ${g.faultsWithReason} reasons`,
        ),
      );
    }
    if (g.peerIssued !== g.peerCompleted + g.peerRefused + g.peerInFlight) {
      out.push(
        v(
          g.gpu,
          `${g.gpu}: expected every peer write to complete, be refused or be in flight, got issued ${g.peerIssued}, completed ${g.peerCompleted}, refused ${g.peerRefused}, in flight ${g.peerInFlight}`,
        ),
      );
    }
  }
  return out;
}

/**
 * The counters every DMA of a GPU's engines (dma-engines.ts) bumps, as slots (counters.ts): taken
 * once at construction, bumped by index on the hot path.
 */
import type { Counters } from '../counters.js';
import { C } from '../metric-names.js';

export interface DmaCounterSlots {
  readonly issued: number;
  readonly ut0: number;
  readonly ut1: number;
  readonly atsHits: number;
  readonly atsMisses: number;
  readonly completed: number;
  readonly bytes: number;
  readonly faulted: number;
  readonly peerIssued: number;
  readonly peerCompleted: number;
  readonly peerRefused: number;
  readonly stalls: number;
}

export function dmaCounterSlots(c: Counters): DmaCounterSlots {
  return {
    issued: c.slot(C.dmaIssued),
    ut0: c.slot(C.dmaUt0),
    ut1: c.slot(C.dmaUt1),
    atsHits: c.slot(C.atsHits),
    atsMisses: c.slot(C.atsMisses),
    completed: c.slot(C.dmaCompleted),
    bytes: c.slot('dma.bytes'),
    faulted: c.slot(C.dmaFaulted),
    peerIssued: c.slot(C.peerIssued),
    peerCompleted: c.slot(C.peerCompleted),
    peerRefused: c.slot(C.peerRefused),
    stalls: c.slot('dma.stalls'),
  };
}

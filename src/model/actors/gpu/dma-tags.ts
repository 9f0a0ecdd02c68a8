/**
 * The tags of a GPU's DMAs, peer writes and ATS requests in flight (dma-engines.ts): tags are
 * issued in order and wrap at TAG_SPAN, so "issued before" is judged modulo the span, which works
 * because far fewer than TAG_SPAN / 2 are ever in flight. A flush's ack waits on that order (the
 * membar rule). Together they hold the engines' outstanding slots.
 */
import { TAG_SPAN } from '../../protocol/wire.js';
import { TagTable } from '../../tag-table.js';

/** A UT=0 DMA waiting for the NPU's answer to its ATS request. */
export interface PendingAts {
  dma: number;
  lpid: number;
  pid: number;
  va: number;
  write: boolean;
}

export class DmaTags {
  private next = 0;
  private nextAts = 0;
  /** DMA tag -> issue tick, for every DMA and peer write in flight (tag-table.ts says why not a Map). */
  readonly inFlight: TagTable;
  /** The subset of inFlight that are peer writes. */
  readonly peer = new Set<number>();
  /** The subset of peer that are the collective's writes. */
  readonly collective = new Set<number>();
  /** ATS request tag -> the DMA waiting for its answer. */
  readonly pendingAts = new Map<number, PendingAts>();

  /** `outstanding`: the engines' slots (maxOutstanding), what the in-flight table is sized for. */
  constructor(outstanding: number) {
    this.inFlight = new TagTable(outstanding);
  }

  /** The tag the next DMA will get: every DMA issued before a flush has a tag "below" it. */
  get nextTag(): number {
    return this.next;
  }

  /** Outstanding slots in use: DMAs and peer writes in flight, and ATS requests waiting. */
  get outstanding(): number {
    return this.inFlight.size + this.pendingAts.size;
  }

  newTag(): number {
    const tag = this.next;
    this.next = (this.next + 1) % TAG_SPAN;
    return tag;
  }

  newAtsRequest(): number {
    const request = this.nextAts;
    this.nextAts = (this.nextAts + 1) % TAG_SPAN;
    return request;
  }

  /** Is any DMA issued before tag `before` still in flight? (Tags wrap at TAG_SPAN; in-flight is small.) */
  olderInFlight(before: number): boolean {
    return this.inFlight.some((tag) => {
      const age = (before - tag + TAG_SPAN) % TAG_SPAN;
      return age > 0 && age < TAG_SPAN / 2;
    });
  }
}

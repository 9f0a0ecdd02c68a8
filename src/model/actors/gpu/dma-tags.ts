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
  /** No tag from here up to `next` (exclusive) that is passed over is in flight (olderInFlight). */
  private oldest = 0;
  /** DMA tag -> issue tick, for every DMA and peer write in flight (tag-table.ts says why not a Map). */
  readonly inFlight: TagTable;
  /**
   * The peer writes of inFlight, tag -> issue tick: the end of the run samples the DMAs and the
   * peer writes still in flight into histograms of their own (finish in dma-engines.ts). A
   * TagTable, not a Set: a Set with an insert and a delete per peer write reallocates its table as
   * often as a Map would (tag-table.ts).
   */
  readonly peers: TagTable;
  /** The tags of the peer writes in flight that are the collective's (ring-allreduce.ts). */
  readonly collective = new Set<number>();
  /** ATS request tag -> the DMA waiting for its answer. */
  readonly pendingAts = new Map<number, PendingAts>();

  /**
   * `outstanding`: the engines' slots (maxOutstanding), what the in-flight table is sized for.
   * `firstTag`: the first DMA tag (0; a test starts near the wrap).
   */
  constructor(outstanding: number, firstTag = 0) {
    this.inFlight = new TagTable(outstanding);
    this.peers = new TagTable(outstanding);
    this.next = firstTag;
    this.oldest = firstTag;
  }

  /** The tag the next DMA will get: every DMA issued before a flush has a tag "below" it. */
  get nextTag(): number {
    return this.next;
  }

  /** How many of inFlight are peer writes. */
  get peerCount(): number {
    return this.peers.size;
  }

  /**
   * Outstanding slots in use: DMAs and peer writes in flight. A DMA waiting for its ATS answer is
   * one of them (in `inFlight` from its issue), so its request takes no slot of its own.
   */
  get outstanding(): number {
    return this.inFlight.size;
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

  /**
   * Is any DMA issued before tag `before` still in flight? Tags are issued in order, so that is
   * whether the oldest one in flight was issued before `before`. `oldest` only moves forward, past
   * tags no longer in flight (a tag is put in flight as it is issued and never again), so each tag
   * is passed once in a run: a flush ack waiting on many completions asks this after each of them,
   * and a scan of every tag in flight each time was a per cent of the inline engine's time.
   */
  olderInFlight(before: number): boolean {
    while (this.oldest !== this.next && !this.inFlight.has(this.oldest)) {
      this.oldest = (this.oldest + 1) % TAG_SPAN;
    }
    if (this.oldest === this.next) return false;
    const age = (before - this.oldest + TAG_SPAN) % TAG_SPAN;
    return age > 0 && age < TAG_SPAN / 2;
  }
}

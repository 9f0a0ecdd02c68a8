/**
 * The links in the trace (build-timeline.ts has the table of every track): on the sender, one
 * track per outbound edge with each message's serialisation on the link, and a counter of the
 * messages in flight on it (left and not yet handled: what the edge's ring and the receiver's
 * queue hold, threaded).
 */
import { messageTypeOf } from '../../model/protocol/catalogue.js';
import type { MachinePlan } from '../../runtime/machine-module.js';
import { counterTrack, pushCounterPoint } from './timeline.js';
import type { TimelineDraft } from './timeline-draft.js';
import type { TraceRec } from './trace-records.js';

const PS_PER_S = 1e12;

export class LinkTracks {
  /** Per edge: its sends that left (a finite edgeCount), to draw in the order they left. */
  private readonly leftOn: TraceRec[][];

  constructor(
    private readonly draft: TimelineDraft,
    private readonly plan: MachinePlan,
  ) {
    this.leftOn = plan.edges.map(() => []);
  }

  /**
   * A send (a record its sender made when it sent it). One sent with a delay leaves later, maybe
   * after sends made after it (the link carries messages in the order they leave): the link's
   * slices and counts are drawn in that order (`finish`), its running count on the edge. One that
   * had not left by the end of the run (no count) was never on the link.
   */
  sent(r: TraceRec): void {
    if (this.plan.edges[r.edge] === undefined || Number.isNaN(r.edgeCount)) return;
    this.leftOn[r.edge]!.push(r);
  }

  /** The links' slices and the messages in flight per edge, once every record was taken. */
  finish(recs: readonly TraceRec[]): void {
    for (const list of this.leftOn) list.sort((a, b) => a.edgeCount - b.edgeCount);
    this.leftOn.forEach((list, e) => {
      let busyUntil = 0;
      for (const r of list) busyUntil = this.onLink(r, e, busyUntil);
    });
    this.inFlightCounters(recs);
  }

  /** A message on its link: from when the link starts sending it to when its last byte left. */
  private onLink(r: TraceRec, e: number, busyUntil: number): number {
    const edge = this.plan.edges[e]!;
    const start = Math.max(r.depart, busyUntil);
    const end = start + Math.ceil((r.wireBytes * PS_PER_S) / edge.bytesPerSecond);
    // Cut to the window as every other slice is (timeline-draft.ts): a message queued behind the
    // link's backlog may leave only after the window's end, and is left out; one still leaving at
    // the end is cut there, marked.
    const windowEnd = this.draft.endTick;
    if (start >= windowEnd) return end;
    const name = messageTypeOf(r.kind)?.name ?? `kind 0x${r.kind.toString(16)}`;
    this.draft.fixedTrack(r.actor, `link ${edge.label}`).slices.push({
      startTick: start,
      endTick: Math.min(end, windowEnd),
      name,
      args: { bytes: r.wireBytes, arrives: r.arrival, ...(end > windowEnd ? { unfinished: true } : {}) },
    });
    return end;
  }

  /**
   * Messages in flight per edge (on the link or the receiver's queue: left, not yet handled), from
   * the running counts both ends wrote into their records, each at its time: a send's when it
   * left, a handling's when handled. An edge shows once it has records at both ends in the window.
   * A message sent before the window and leaving in it has no record here: the level counts it
   * from the window's start (never below the true level, and equal once it left).
   */
  private inFlightCounters(recs: readonly TraceRec[]): void {
    const handledOn = this.plan.edges.map((): TraceRec[] => []);
    for (const r of recs) if (!r.sent) handledOn[r.edge]?.push(r);
    const windowEnd = this.draft.endTick;
    this.plan.edges.forEach((edge, e) => {
      // A send that left after the window's end is not drawn (the handlings all fall in it).
      const sends = this.leftOn[e]!.filter((r) => r.depart < windowEnd);
      const handlings = handledOn[e]!;
      if (sends.length === 0 || handlings.length === 0) return;
      // Before the first record of each end: one less than that record's running count.
      let sent = sends[0]!.edgeCount - 1;
      let handled = handlings[0]!.edgeCount - 1;
      const list: [number, number][] = [[this.draft.startTick, Math.max(0, sent - handled)]];
      // Both lists are in time order (sends by the order they left); merged, a send first at a tie.
      let i = 0;
      let j = 0;
      while (i < sends.length || j < handlings.length) {
        const s = sends[i];
        const h = handlings[j];
        if (s !== undefined && (h === undefined || s.depart <= h.now)) {
          sent = s.edgeCount;
          i++;
          pushCounterPoint(list, s.depart, sent - handled);
        } else {
          handled = h!.edgeCount;
          j++;
          pushCounterPoint(list, h!.now, sent - handled);
        }
      }
      this.draft.setFixedTrack(edge.from, counterTrack(`in flight ${edge.label}`, list, 'messages'));
    });
  }
}

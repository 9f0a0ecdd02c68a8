/**
 * The links in the trace (build-timeline.ts has the table of every track): on the sender, one
 * track per outbound edge with each message's serialisation on the link, and a counter of the
 * messages in flight on it (left and not yet handled: what the edge's ring and the receiver's
 * queue hold, threaded).
 *
 * Each send's record says when its link began serialising it (trace-recorder.ts `onLink`, by the
 * link's own rule, followed from every departure of the run), so its slice is exact without the
 * messages queued ahead of it. The records before the window (its lead-in included: the sends a
 * ring dropped while their link still held them) are taken too: a message sent before the window
 * and leaving, or still leaving, in it is drawn there as a trace of the whole run draws it (QA: a
 * capped window lacked them), from the window's start, marked `begunBefore`, if it began before.
 */

import { linkTicks } from '../../model/platform/link-timing.js';
import { messageTypeOf } from '../../model/protocol/catalogue.js';
import type { MachinePlan } from '../../runtime/machine-module.js';
import { counterTrack, pushCounterPoint } from './timeline.js';
import type { TimelineDraft } from './timeline-draft.js';
import type { TraceRec } from './trace-records.js';

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
   * A send (a record its sender made when it sent it), in the window or before it. One sent with a
   * delay leaves later, maybe after sends made after it (the link carries messages in the order
   * they leave): the links' counts are drawn in that order (`finish`). One that had not left by
   * the end of the run (no count) was never on the link.
   */
  sent(r: TraceRec): void {
    if (this.plan.edges[r.edge] === undefined || Number.isNaN(r.edgeCount)) return;
    this.leftOn[r.edge]!.push(r);
  }

  /** The links' slices and the messages in flight per edge, once every record was taken. */
  finish(recs: readonly TraceRec[]): void {
    for (const list of this.leftOn) list.sort((a, b) => a.edgeCount - b.edgeCount);
    this.leftOn.forEach((list, e) => {
      for (const r of list) this.onLink(r, e);
    });
    this.inFlightCounters(recs);
  }

  /** A message on its link: from when the link starts sending it to when its last byte left. */
  private onLink(r: TraceRec, e: number): void {
    const edge = this.plan.edges[e]!;
    const start = r.onLink;
    const end = start + linkTicks(r.wireBytes, edge.bytesPerSecond);
    // Cut to the window as every other slice is (timeline-draft.ts): a message queued behind the
    // link's backlog may leave only after the window's end, and is left out; one still leaving at
    // the end is cut there, marked; one done before the start is not drawn, one still leaving at
    // the start begins there, marked.
    const { startTick, endTick } = this.draft;
    if (start >= endTick || end < startTick || (end === startTick && start < startTick)) return;
    const name = messageTypeOf(r.kind)?.name ?? `kind 0x${r.kind.toString(16)}`;
    this.draft.fixedTrack(r.actor, `link ${edge.label}`).slices.push({
      startTick: Math.max(start, startTick),
      endTick: Math.min(end, endTick),
      name,
      args: {
        bytes: r.wireBytes,
        arrives: r.arrival,
        ...(start < startTick ? { begunBefore: true } : {}),
        ...(end > endTick ? { unfinished: true } : {}),
      },
    });
  }

  /**
   * Messages in flight per edge (on the link or the receiver's queue: left, not yet handled), from
   * the running counts both ends wrote into their records, each at its time: a send's when it
   * left, a handling's when handled. The level at the window's start is what left before it less
   * what was handled before it: the first of each in the window (or after it: a send leaves at its
   * departure, which may come after its record) less one, else the last before it. An edge shows
   * once the records say both (a sender and a receiver each with a record on it).
   */
  private inFlightCounters(recs: readonly TraceRec[]): void {
    const handledOn = this.plan.edges.map((): TraceRec[] => []);
    for (const r of recs) if (!r.sent) handledOn[r.edge]?.push(r);
    const { startTick, endTick } = this.draft;
    this.plan.edges.forEach((edge, e) => {
      const all = this.leftOn[e]!;
      const handlings = handledOn[e]!;
      const sentBefore = countBefore(all, (r) => r.depart, startTick);
      const handledBefore = countBefore(handlings, (r) => r.now, startTick);
      if (sentBefore === undefined || handledBefore === undefined) return;
      // In the window: sends by the order they left (a send that left after its end is not drawn),
      // handlings in time order; merged, a send first at a tie.
      const sends = all.filter((r) => r.depart >= startTick && r.depart < endTick);
      const inside = handlings.filter((r) => r.now >= startTick);
      let sent = sentBefore;
      let handled = handledBefore;
      const list: [number, number][] = [[startTick, Math.max(0, sent - handled)]];
      let i = 0;
      let j = 0;
      while (i < sends.length || j < inside.length) {
        const s = sends[i];
        const h = inside[j];
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

/**
 * How many of an edge's messages `list` (in edge order, each with its running count) had passed
 * before `start` at `time`: the first at or after it less one, else the last one's count; unknown
 * without any.
 */
function countBefore(
  list: readonly TraceRec[],
  time: (r: TraceRec) => number,
  start: number,
): number | undefined {
  const first = list.find((r) => time(r) >= start);
  if (first !== undefined) return first.edgeCount - 1;
  return list.at(-1)?.edgeCount;
}

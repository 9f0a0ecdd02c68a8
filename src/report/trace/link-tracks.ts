/**
 * The links in the trace (build-timeline.ts has the table of every track): on the sender, one
 * track per outbound edge with each message's serialisation on the link, and a counter of the
 * messages in flight on it (sent and not yet handled: what the edge's ring and the receiver's
 * queue hold, threaded).
 */
import { messageTypeOf } from '../../model/protocol/catalogue.js';
import type { MachinePlan } from '../../runtime/machine-module.js';
import { counterTrack, pushCounterPoint } from './timeline.js';
import type { TimelineDraft } from './timeline-draft.js';
import type { TraceRec } from './trace-records.js';

const PS_PER_S = 1e12;

export class LinkTracks {
  /** Per edge: link busy-until, to place each message's serialisation. */
  private readonly busyUntil: number[];

  constructor(
    private readonly draft: TimelineDraft,
    private readonly plan: MachinePlan,
  ) {
    this.busyUntil = plan.edges.map(() => 0);
  }

  /** A message on its link (a record its sender made): from when the link starts sending it to when its last byte left. */
  sent(r: TraceRec): void {
    const edge = this.plan.edges[r.edge];
    if (edge === undefined) return;
    const start = Math.max(r.depart, this.busyUntil[r.edge]!);
    const end = start + Math.ceil((r.wireBytes * PS_PER_S) / edge.bytesPerSecond);
    this.busyUntil[r.edge] = end;
    // Cut to the window as every other slice is (timeline-draft.ts): a message queued behind the
    // link's backlog may leave only after the window's end, and is left out; one still leaving at
    // the end is cut there, marked.
    const windowEnd = this.draft.endTick;
    if (start >= windowEnd) return;
    const name = messageTypeOf(r.kind)?.name ?? `kind 0x${r.kind.toString(16)}`;
    this.draft.fixedTrack(r.actor, `link ${edge.label}`).slices.push({
      startTick: start,
      endTick: Math.min(end, windowEnd),
      name,
      args: { bytes: r.wireBytes, arrives: r.arrival, ...(end > windowEnd ? { unfinished: true } : {}) },
    });
  }

  /**
   * Messages in flight per edge (sent, not yet handled), from the running counts both ends wrote
   * into their records; an edge shows once it has records at both ends in the window.
   */
  inFlightCounters(recs: readonly TraceRec[]): void {
    // `recs` are in clock order (mergeTraceRecords), which is each sender's handing-over order:
    // the counts are taken in it (a message sent with a delay may leave after one sent later).
    const edges = this.plan.edges.length;
    const sent = new Array<number>(edges).fill(Number.NaN);
    const handled = new Array<number>(edges).fill(Number.NaN);
    const onEdge = (r: TraceRec): boolean => r.edge >= 0 && r.edge < edges;
    // Before the first record of each end: one less than that record's running count.
    for (const r of recs) {
      if (!onEdge(r)) continue;
      const counts = r.sent ? sent : handled;
      if (Number.isNaN(counts[r.edge]!)) counts[r.edge] = r.edgeCount - 1;
    }
    const points = this.plan.edges.map((_, e): [number, number][] | undefined =>
      Number.isNaN(sent[e]!) || Number.isNaN(handled[e]!)
        ? undefined
        : [[this.draft.startTick, Math.max(0, sent[e]! - handled[e]!)]],
    );
    for (const r of recs) {
      const list = onEdge(r) ? points[r.edge] : undefined;
      if (list === undefined) continue;
      if (r.sent) sent[r.edge] = r.edgeCount;
      else handled[r.edge] = r.edgeCount;
      pushCounterPoint(list, r.now, sent[r.edge]! - handled[r.edge]!);
    }
    this.plan.edges.forEach((edge, e) => {
      const list = points[e];
      // An edge shows once it has records at both ends in the window.
      if (list !== undefined) {
        this.draft.setFixedTrack(edge.from, counterTrack(`in flight ${edge.label}`, list, 'messages'));
      }
    });
  }
}

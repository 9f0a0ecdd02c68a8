/**
 * A trace window's records (trace-window.ts), decoded enough to pair them into a timeline: each
 * record of src/runtime/trace-recorder.ts becomes a `TraceRec` holding its times, its edge and that
 * edge's running count, and the record as a `SimMessage`, so the protocol's own decoders read its
 * fields. All actors' records are merged into one list in clock order: a request is met before its
 * response, whichever actor made either. The records before the window (TraceWindow.before) are
 * merged in too, first, so the pairing knows what was open at its start.
 */
import { newMessage, type SimMessage } from '../../model/protocol/sim-message.js';
import type { MachinePlan } from '../../runtime/machine-module.js';
import { R, RECORD_FIELDS, WIRE_BYTES_SHIFT } from '../../runtime/trace-recorder.js';

/** One record, decoded enough to pair it (trace-recorder.ts `R` says what each field holds). */
export interface TraceRec {
  /** The actor (plan index) that made the record. */
  actor: number;
  /** Its clock then (ticks). */
  now: number;
  /** Sent: when the message left; handled: `now`. */
  depart: number;
  /** Sent: when it reaches the receiver; handled: `now`. */
  arrival: number;
  /** The message kind (protocol/kinds.ts K). */
  kind: number;
  /** Sent by the actor, or handled by it. */
  sent: boolean;
  /** plan.edges index: outbound when sent, inbound when handled. */
  edge: number;
  /** Messages sent (or handled) on the edge so far, this one included. */
  edgeCount: number;
  /** What the link serialised (a send only). */
  wireBytes: number;
  /** A send: when its link began serialising it (NaN if it never left); handled: NaN. */
  onLink: number;
  /** The actor's counter level at the end of this tick (trace-recorder.ts `level`; NaN: none). */
  level: number;
  /** The record as a message, for the protocol's own decoders. */
  m: SimMessage;
}

/** What an actor's tracks do with a record of each kind: one handler for a send, one for a handling. */
export type RecordHandlers = Readonly<
  Record<number, { sent?: (r: TraceRec) => void; handled?: (r: TraceRec) => void }>
>;

/** Hand `r` to its handler in `table`, if there is one for its kind and direction. */
export function dispatchRecord(table: RecordHandlers, r: TraceRec): void {
  const h = table[r.kind];
  (r.sent ? h?.sent : h?.handled)?.(r);
}

/** Every actor's records, in clock order (ties: actor, then the actor's own order). */
export function mergeTraceRecords(records: readonly Float64Array[], plan: MachinePlan): TraceRec[] {
  const lists = records.map((list, actor) => {
    const own: TraceRec[] = [];
    for (let at = 0; at < list.length; at += RECORD_FIELDS) own.push(decodeRecord(list, at, actor, plan));
    return own;
  });
  // An actor's clock never goes back, so its own records are in clock order already and a merge
  // of the lists is the whole order: a sort of every record (a million objects for the largest
  // trace) was the slowest step of building a timeline. Should a list ever be out of order, the
  // stable sort below gives the same order the merge would.
  if (!lists.every(inClockOrder)) {
    return lists.flat().sort((a, b) => a.now - b.now || a.actor - b.actor);
  }
  const out: TraceRec[] = [];
  const next = lists.map(() => 0);
  for (;;) {
    let pick = -1;
    let now = Number.POSITIVE_INFINITY;
    // Lists in actor order and a strict `<`: at one clock the lowest actor goes first.
    for (let a = 0; a < lists.length; a++) {
      const r = lists[a]![next[a]!];
      if (r !== undefined && r.now < now) {
        now = r.now;
        pick = a;
      }
    }
    if (pick < 0) return out;
    out.push(lists[pick]![next[pick]!++]!);
  }
}

function inClockOrder(list: readonly TraceRec[]): boolean {
  for (let i = 1; i < list.length; i++) if (list[i]!.now < list[i - 1]!.now) return false;
  return true;
}

function decodeRecord(records: Float64Array, at: number, actor: number, plan: MachinePlan): TraceRec {
  const m = newMessage();
  m.kind = records[at + R.kind]!;
  m.tag = records[at + R.tag]!;
  m.flags = records[at + R.flags]!;
  m.address = records[at + R.address]!;
  const bytes = records[at + R.bytes]!;
  m.lengthBytes = bytes % WIRE_BYTES_SHIFT;
  const edge = records[at + R.edge]!;
  const e = plan.edges[edge];
  m.link = edge;
  m.source = e?.from ?? actor;
  m.destination = e?.to ?? actor;
  return {
    actor,
    now: records[at + R.now]!,
    depart: records[at + R.depart]!,
    arrival: records[at + R.arrival]!,
    kind: m.kind,
    sent: records[at + R.sent] === 1,
    edge,
    edgeCount: records[at + R.edgeCount]!,
    wireBytes: Math.floor(bytes / WIRE_BYTES_SHIFT),
    onLink: records[at + R.onLink]!,
    level: records[at + R.level]!,
    m,
  };
}

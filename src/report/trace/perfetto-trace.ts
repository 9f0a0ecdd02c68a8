/**
 * A timeline (timeline.ts) as a Perfetto trace file: protobuf TrackEvent, which ui.perfetto.dev
 * and trace_processor read natively (the format decision is in docs/theory-of-operation.md, §11.2).
 *
 * Layout of the file, in order:
 * 1. One TrackDescriptor per process (pid = actor index + 1, named like the actor), then one per
 *    track under it (parent_uuid = the process's). Tracks of one process with the same name are
 *    drawn as one by the UI (its default merge, by name): that is how lanes show.
 * 2. Every event, sorted by timestamp, on one packet sequence. A track's own events keep the
 *    order they were made in (a stable sort), which is what makes nesting exact: at one
 *    timestamp a slice's END comes before the next slice's BEGIN.
 *
 * Time: Perfetto counts nanoseconds and a clock cannot be finer (a ClockSnapshot unit is a whole
 * number of nanoseconds), so ticks (picoseconds) are floored to nanoseconds. Flooring keeps order
 * and nesting (a <= b implies floor(a) <= floor(b)); a sub-nanosecond slice shows with no width.
 * Names of events and of arguments are interned (sent once, then referred to by number).
 */
import protobuf from 'protobufjs';
import {
  COUNTER_UNIT_COUNT,
  PERFETTO_TRACE_PROTO,
  SEQ_INCREMENTAL_STATE_CLEARED,
  SEQ_NEEDS_INCREMENTAL_STATE,
  TRACK_EVENT_TYPE,
} from './perfetto-schema.js';
import type { ArgValue, Timeline, TimelineSlice, TimelineTrack } from './timeline.js';

/** The one packet sequence of the file (any non-zero number). */
const SEQUENCE_ID = 1;
const PS_PER_NS = 1000;
/** Packets encoded by one protobufjs writer before it is finished into bytes (writePackets). */
const PACKETS_PER_CHUNK = 4096;

let root: protobuf.Root | undefined;

/** The parsed schema (parsed once per process). */
export function perfettoRoot(): protobuf.Root {
  root ??= protobuf.parse(PERFETTO_TRACE_PROTO, { keepCase: true }).root;
  return root;
}

/**
 * Every event of the file, before it is sorted and written: one entry of parallel arrays per
 * event, in the order the tracks made them (the index is that order). A packet object per event
 * held until the end made encoding the slowest and largest step of `--trace` (800k events: 2.17
 * GB peak resident, 1.60 GB without); the packet is built only when it is written, then dropped.
 */
class EventList {
  readonly ts: number[] = [];
  readonly type: number[] = [];
  readonly track: number[] = [];
  /** The slice of a begin or instant; the value of a counter; 0 for an end. */
  readonly what: (TimelineSlice | number)[] = [];

  push(ts: number, type: number, track: number, what: TimelineSlice | number): void {
    this.ts.push(ts);
    this.type.push(type);
    this.track.push(track);
    this.what.push(what);
  }

  get length(): number {
    return this.ts.length;
  }

  /** Indices in timestamp order, ties in the order made (what makes nesting exact, header). */
  sortedOrder(): Uint32Array {
    const ts = Float64Array.from(this.ts);
    const order = new Uint32Array(ts.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    return order.sort((a, b) => ts[a]! - ts[b]! || a - b);
  }
}

export interface EncodeStats {
  packets: number;
  /** Child slices cut to fit inside their parent (should be none). */
  clipped: number;
}

/** Encode a timeline; returns the file's bytes. */
export function encodePerfettoTrace(timeline: Timeline): { bytes: Uint8Array; stats: EncodeStats } {
  const { descriptors, events, clipped } = trackPackets(timeline);
  const bytes = writePackets(descriptors, events);
  return { bytes, stats: { packets: 1 + descriptors.length + events.length, clipped } };
}

/** A descriptor per process and per track, and every track's events in the order made. */
function trackPackets(timeline: Timeline): {
  descriptors: Record<string, unknown>[];
  events: EventList;
  clipped: number;
} {
  const descriptors: Record<string, unknown>[] = [];
  const events = new EventList();
  let uuid = 1;
  let clipped = 0;

  for (const proc of timeline.processes) {
    const procUuid = uuid++;
    descriptors.push({
      track_descriptor: {
        uuid: procUuid,
        process: { pid: proc.pid, process_name: proc.name },
      },
    });
    for (const track of proc.tracks) {
      const trackUuid = uuid++;
      descriptors.push({
        track_descriptor: {
          uuid: trackUuid,
          parent_uuid: procUuid,
          name: track.name,
          ...(track.kind === 'counter' ? { counter: { unit: COUNTER_UNIT_COUNT } } : {}),
        },
      });
      if (track.kind === 'counter') {
        for (const [tick, value] of track.points)
          events.push(ns(tick), TRACK_EVENT_TYPE.counter, trackUuid, value);
      } else clipped += sliceEvents(track, trackUuid, events);
    }
  }
  return { descriptors, events, clipped };
}

/**
 * The file: the sequence's first packet, the descriptors, then the events in timestamp order,
 * names interned.
 */
function writePackets(descriptors: Record<string, unknown>[], events: EventList): Uint8Array {
  const Packet = perfettoRoot().lookupType('perfetto.protos.TracePacket');
  // protobufjs's Writer keeps an operation object per field until finish(): a writer per chunk of
  // packets, finished into bytes at once, keeps only the bytes (a Trace is its packets in a row).
  const chunks: Uint8Array[] = [];
  let writer = protobuf.Writer.create();
  let inChunk = 0;
  const eventNames = new Map<string, number>();
  const argNames = new Map<string, number>();
  const write = (packet: Record<string, unknown>): void => {
    writer.uint32((1 << 3) | 2); // Trace.packet, length-delimited
    Packet.encodeDelimited(packet, writer);
    if (++inChunk === PACKETS_PER_CHUNK) {
      chunks.push(writer.finish());
      writer = protobuf.Writer.create();
      inChunk = 0;
    }
  };
  write({
    trusted_packet_sequence_id: SEQUENCE_ID,
    sequence_flags: SEQ_INCREMENTAL_STATE_CLEARED,
    first_packet_on_sequence: true,
  });
  for (const d of descriptors) write(d);
  const { ts, type, track, what } = events;
  for (const i of events.sortedOrder()) {
    const te: Record<string, unknown> = { type: type[i], track_uuid: track[i] };
    const packet: Record<string, unknown> = {
      timestamp: ts[i],
      trusted_packet_sequence_id: SEQUENCE_ID,
      sequence_flags: SEQ_NEEDS_INCREMENTAL_STATE,
      track_event: te,
    };
    const w = what[i]!;
    if (typeof w === 'number') {
      if (type[i] === TRACK_EVENT_TYPE.counter) {
        if (Number.isSafeInteger(w)) te.counter_value = w;
        else te.double_counter_value = w;
      }
    } else {
      const newNames: { iid: number; name: string }[] = [];
      const newArgs: { iid: number; name: string }[] = [];
      te.name_iid = intern(eventNames, w.name, newNames);
      if (w.args !== undefined) {
        te.debug_annotations = Object.entries(w.args).map(([k, v]) => ({
          name_iid: intern(argNames, k, newArgs),
          ...annotationValue(v),
        }));
      }
      if (w.flows !== undefined) te.flow_ids = w.flows;
      if (w.terminatingFlows !== undefined) te.terminating_flow_ids = w.terminatingFlows;
      if (newNames.length > 0 || newArgs.length > 0) {
        packet.interned_data = {
          ...(newNames.length > 0 ? { event_names: newNames } : {}),
          ...(newArgs.length > 0 ? { debug_annotation_names: newArgs } : {}),
        };
      }
    }
    write(packet);
  }
  chunks.push(writer.finish());
  return concatBytes(chunks);
}

function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const c of chunks) length += c.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function intern(table: Map<string, number>, name: string, fresh: { iid: number; name: string }[]): number {
  let iid = table.get(name);
  if (iid === undefined) {
    iid = table.size + 1; // iid 0 is not valid
    table.set(name, iid);
    fresh.push({ iid, name });
  }
  return iid;
}

function annotationValue(v: ArgValue): Record<string, unknown> {
  if (typeof v === 'boolean') return { bool_value: v };
  if (typeof v === 'number') return Number.isSafeInteger(v) ? { int_value: v } : { double_value: v };
  return { string_value: v };
}

function ns(tick: number): number {
  return Math.floor(tick / PS_PER_NS);
}

interface Item {
  a: number;
  b: number;
  depth: number;
  slice: TimelineSlice;
  parent: Item | undefined;
}

/**
 * BEGIN/END/INSTANT events of one slice track, nested with a stack. Returns how many children had
 * to be cut to fit inside their parent (the timeline promises none).
 */
function sliceEvents(track: TimelineTrack, trackUuid: number, events: EventList): number {
  const items: Item[] = [];
  let clipped = 0;
  const flatten = (s: TimelineSlice, parent: Item | undefined): void => {
    const a = Math.max(ns(s.startTick), parent?.a ?? 0);
    const wanted = Math.max(a, ns(s.endTick));
    const b = Math.min(wanted, parent?.b ?? Number.POSITIVE_INFINITY);
    if (b < wanted) clipped++;
    const it: Item = { a, b, depth: (parent?.depth ?? -1) + 1, slice: s, parent };
    items.push(it);
    for (const c of s.children ?? []) flatten(c, it);
  };
  for (const s of track.slices) flatten(s, undefined);
  // At one nanosecond, a child whose parent is already open goes first: a child that starts as its
  // parent ends (a sub-nanosecond slice floored there) must close inside its parent before a
  // sibling that starts at that nanosecond opens, or it is drawn inside the sibling (QA).
  const continues = (x: Item): number => (x.parent !== undefined && x.parent.a < x.a ? 0 : 1);
  items.sort((x, y) => x.a - y.a || continues(x) - continues(y) || y.b - x.b || x.depth - y.depth);
  const stack: Item[] = [];
  const end = (it: Item): void => {
    events.push(it.b, TRACK_EVENT_TYPE.sliceEnd, trackUuid, 0);
  };
  for (const it of items) {
    // Close what ended by now, but never the item's own parent (a child may start as it ends).
    while (stack.length > 0 && stack[stack.length - 1] !== it.parent && stack[stack.length - 1]!.b <= it.a) {
      end(stack.pop()!);
    }
    const top = stack[stack.length - 1];
    if (top !== undefined && it.b > top.b) {
      it.b = top.b;
      clipped++;
    }
    const s = it.slice;
    events.push(
      it.a,
      s.instant === true ? TRACK_EVENT_TYPE.instant : TRACK_EVENT_TYPE.sliceBegin,
      trackUuid,
      s,
    );
    if (s.instant !== true) stack.push(it);
  }
  while (stack.length > 0) end(stack.pop()!);
  return clipped;
}

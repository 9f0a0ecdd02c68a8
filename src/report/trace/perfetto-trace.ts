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

let root: protobuf.Root | undefined;

/** The parsed schema (parsed once per process). */
export function perfettoRoot(): protobuf.Root {
  root ??= protobuf.parse(PERFETTO_TRACE_PROTO, { keepCase: true }).root;
  return root;
}

interface Pending {
  ts: number;
  order: number;
  packet: Record<string, unknown>;
  /** Names to intern when the packet is written. */
  name?: string;
  args?: Record<string, ArgValue>;
}

export interface EncodeStats {
  packets: number;
  /** Child slices cut to fit inside their parent (should be none). */
  clipped: number;
}

/** Encode a timeline; returns the file's bytes. */
export function encodePerfettoTrace(timeline: Timeline): { bytes: Uint8Array; stats: EncodeStats } {
  const { descriptors, events, clipped } = trackPackets(timeline);
  // Stable: equal timestamps keep the order each track made them in.
  events.sort((a, b) => a.ts - b.ts || a.order - b.order);
  const bytes = writePackets(descriptors, events);
  return { bytes, stats: { packets: 1 + descriptors.length + events.length, clipped } };
}

/** A descriptor per process and per track, and every track's events in the order made. */
function trackPackets(timeline: Timeline): {
  descriptors: Record<string, unknown>[];
  events: Pending[];
  clipped: number;
} {
  const descriptors: Record<string, unknown>[] = [];
  const events: Pending[] = [];
  let uuid = 1;
  let order = 0;
  let clipped = 0;
  const push = (p: Omit<Pending, 'order'>): void => {
    events.push({ ...p, order: order++ });
  };

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
      if (track.kind === 'counter') counterEvents(track, trackUuid, push);
      else clipped += sliceEvents(track, trackUuid, push);
    }
  }
  return { descriptors, events, clipped };
}

/** The file: the sequence's first packet, the descriptors, then the (sorted) events, names interned. */
function writePackets(descriptors: Record<string, unknown>[], events: Pending[]): Uint8Array {
  const Packet = perfettoRoot().lookupType('perfetto.protos.TracePacket');
  const writer = protobuf.Writer.create();
  const eventNames = new Map<string, number>();
  const argNames = new Map<string, number>();
  const write = (packet: Record<string, unknown>): void => {
    writer.uint32((1 << 3) | 2); // Trace.packet, length-delimited
    Packet.encodeDelimited(packet, writer);
  };
  write({
    trusted_packet_sequence_id: SEQUENCE_ID,
    sequence_flags: SEQ_INCREMENTAL_STATE_CLEARED,
    first_packet_on_sequence: true,
  });
  for (const d of descriptors) write(d);
  for (const e of events) {
    const newNames: { iid: number; name: string }[] = [];
    const newArgs: { iid: number; name: string }[] = [];
    const te = e.packet.track_event as Record<string, unknown>;
    if (e.name !== undefined) te.name_iid = intern(eventNames, e.name, newNames);
    if (e.args !== undefined) {
      te.debug_annotations = Object.entries(e.args).map(([k, v]) => ({
        name_iid: intern(argNames, k, newArgs),
        ...annotationValue(v),
      }));
    }
    if (newNames.length > 0 || newArgs.length > 0) {
      e.packet.interned_data = {
        ...(newNames.length > 0 ? { event_names: newNames } : {}),
        ...(newArgs.length > 0 ? { debug_annotation_names: newArgs } : {}),
      };
    }
    e.packet.timestamp = e.ts;
    e.packet.trusted_packet_sequence_id = SEQUENCE_ID;
    e.packet.sequence_flags = SEQ_NEEDS_INCREMENTAL_STATE;
    write(e.packet);
  }
  return writer.finish();
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

function counterEvents(
  track: TimelineTrack,
  trackUuid: number,
  push: (p: Omit<Pending, 'order'>) => void,
): void {
  for (const [tick, value] of track.points) {
    push({
      ts: ns(tick),
      packet: {
        track_event: {
          type: TRACK_EVENT_TYPE.counter,
          track_uuid: trackUuid,
          ...(Number.isSafeInteger(value) ? { counter_value: value } : { double_counter_value: value }),
        },
      },
    });
  }
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
function sliceEvents(
  track: TimelineTrack,
  trackUuid: number,
  push: (p: Omit<Pending, 'order'>) => void,
): number {
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
  items.sort((x, y) => x.a - y.a || y.b - x.b || x.depth - y.depth);
  const stack: Item[] = [];
  const end = (it: Item): void => {
    push({ ts: it.b, packet: { track_event: { type: TRACK_EVENT_TYPE.sliceEnd, track_uuid: trackUuid } } });
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
    push({
      ts: it.a,
      name: s.name,
      ...(s.args === undefined ? {} : { args: s.args }),
      packet: {
        track_event: {
          type: s.instant === true ? TRACK_EVENT_TYPE.instant : TRACK_EVENT_TYPE.sliceBegin,
          track_uuid: trackUuid,
          ...(s.flows === undefined ? {} : { flow_ids: s.flows }),
          ...(s.terminatingFlows === undefined ? {} : { terminating_flow_ids: s.terminatingFlows }),
        },
      },
    });
    if (s.instant !== true) stack.push(it);
  }
  while (stack.length > 0) end(stack.pop()!);
  return clipped;
}

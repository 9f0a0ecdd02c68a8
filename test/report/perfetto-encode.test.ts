/**
 * The Perfetto encoder on a timeline made by hand: the exact order of BEGIN, END and INSTANT on a
 * track (an END before a BEGIN at the same nanosecond, children inside parents, a child that
 * overran its parent cut and counted), flows and counters, and ticks floored to nanoseconds.
 */
import { describe, expect, test } from 'vitest';
import { encodePerfettoTrace, perfettoRoot } from '../../src/report/trace/perfetto-trace.js';
import { counterTrack, laneTracks, sliceTrack, type Timeline } from '../../src/report/trace/timeline.js';

interface Ev {
  ts: number;
  type: number;
  track: number;
  name?: number;
  flows?: number[];
  ends?: number[];
  value?: number;
}

function decode(bytes: Uint8Array): {
  events: Ev[];
  names: Map<number, string>;
  tracks: Map<string, number>;
} {
  const Trace = perfettoRoot().lookupType('perfetto.protos.Trace');
  const t = Trace.toObject(Trace.decode(bytes), { longs: Number, arrays: true }) as {
    packet: {
      timestamp?: number;
      track_descriptor?: { uuid: number; name?: string };
      track_event?: {
        type: number;
        track_uuid: number;
        name_iid?: number;
        flow_ids: number[];
        terminating_flow_ids: number[];
        counter_value?: number;
      };
      interned_data?: { event_names: { iid: number; name: string }[] };
    }[];
  };
  const names = new Map<number, string>();
  const tracks = new Map<string, number>();
  const events: Ev[] = [];
  for (const p of t.packet) {
    if (p.track_descriptor?.name !== undefined) tracks.set(p.track_descriptor.name, p.track_descriptor.uuid);
    for (const n of p.interned_data?.event_names ?? []) names.set(n.iid, n.name);
    const e = p.track_event;
    if (e === undefined) continue;
    events.push({
      ts: p.timestamp!,
      type: e.type,
      track: e.track_uuid,
      name: e.name_iid,
      ...(e.flow_ids.length > 0 ? { flows: e.flow_ids } : {}),
      ...(e.terminating_flow_ids.length > 0 ? { ends: e.terminating_flow_ids } : {}),
      ...(e.counter_value === undefined ? {} : { value: e.counter_value }),
    });
  }
  return { events, names, tracks };
}

describe('Perfetto encoder', () => {
  test('slices nest, an END precedes a BEGIN at the same time, an overrunning child is cut', () => {
    const t = sliceTrack('T', [
      {
        startTick: 1000,
        endTick: 5000,
        name: 'A',
        children: [
          { startTick: 1000, endTick: 2000, name: 'C1' },
          { startTick: 2000, endTick: 2400, name: 'C2' },
          { startTick: 4000, endTick: 6000, name: 'C3' },
        ],
      },
      { startTick: 3100, endTick: 3100, name: 'I', instant: true, flows: [7] },
      { startTick: 5000, endTick: 7999, name: 'B' },
    ]);
    const u = sliceTrack('U', [
      { startTick: 8000, endTick: 8000, name: 'done', instant: true, terminatingFlows: [7] },
    ]);
    const k = counterTrack(
      'K',
      [
        [0, 1],
        [2000, 3],
      ],
      'things',
    );
    const timeline: Timeline = {
      processes: [{ pid: 1, name: 'chip0', tracks: [t, u, k] }],
      startTick: 0,
      endTick: 9000,
    };
    const { bytes, stats } = encodePerfettoTrace(timeline);
    expect(stats.clipped).toBe(1);
    const { events, names, tracks } = decode(bytes);
    const on = (name: string) =>
      events
        .filter((e) => e.track === tracks.get(name))
        .map(
          (e) => `${['', 'B', 'E', 'I', 'C'][e.type]}${e.ts}${e.name === undefined ? '' : names.get(e.name)}`,
        );
    // C2 ends at 2.4 ns, floored to 2: a zero-width slice, still after C1's END.
    expect(on('T')).toEqual(['B1A', 'B1C1', 'E2', 'B2C2', 'E2', 'I3I', 'B4C3', 'E5', 'E5', 'B5B', 'E7']);
    expect(on('U')).toEqual(['I8done']);
    expect(events.filter((e) => e.track === tracks.get('K')).map((e) => [e.ts, e.value])).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(events.find((e) => e.flows !== undefined)?.flows).toEqual([7]);
    expect(events.find((e) => e.ends !== undefined)?.ends).toEqual([7]);
    // The file is time-ordered across tracks.
    expect(events.map((e) => e.ts)).toEqual([...events.map((e) => e.ts)].sort((a, b) => a - b));
  });

  test('a child that starts as its parent ends closes inside it, before a sibling starting then opens', () => {
    // It was drawn inside the sibling: B3A E5 B5B B5C E5 E7.
    const t = sliceTrack('T', [
      {
        startTick: 3000,
        endTick: 5000,
        name: 'A',
        children: [{ startTick: 5000, endTick: 5400, name: 'C' }],
      },
      { startTick: 5000, endTick: 7000, name: 'B' },
    ]);
    const timeline: Timeline = {
      processes: [{ pid: 1, name: 'chip0', tracks: [t] }],
      startTick: 0,
      endTick: 9000,
    };
    const { events, names } = decode(encodePerfettoTrace(timeline).bytes);
    expect(
      events.map((e) => `${['', 'B', 'E'][e.type]}${e.ts}${e.name === undefined ? '' : names.get(e.name)}`),
    ).toEqual(['B3A', 'B5C', 'E5', 'E5', 'B5B', 'E7']);
  });

  test('lanes: overlapping slices spread over tracks of one name, each lane free of overlap', () => {
    const slices = [
      { startTick: 0, endTick: 10, name: 'a' },
      { startTick: 5, endTick: 15, name: 'b' },
      { startTick: 10, endTick: 20, name: 'c' },
      { startTick: 12, endTick: 13, name: 'd' },
    ];
    const lanes = laneTracks('DMA', slices);
    expect(lanes.map((l) => l.name)).toEqual(['DMA', 'DMA', 'DMA']);
    expect(lanes.map((l) => l.slices.map((s) => s.name))).toEqual([['a', 'c'], ['b'], ['d']]);
  });
});

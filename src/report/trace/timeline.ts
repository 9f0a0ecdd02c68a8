/**
 * A timeline, independent of any file format: processes (one per actor), their tracks, and on
 * each track slices (with children and flows), instants or counter values. `build-timeline.ts`
 * makes one from a run's trace records; `perfetto-trace.ts` writes it as a Perfetto trace.
 *
 * Times are ticks (picoseconds). On a slice track the top-level slices never overlap (work that
 * overlaps is spread over lanes: several tracks of the same name, which Perfetto's UI draws as
 * one); children nest inside their parent.
 */

export type ArgValue = string | number | boolean;

export interface TimelineSlice {
  startTick: number;
  /** Equal to startTick for an instant. */
  endTick: number;
  name: string;
  /** An instant event (no duration) rather than a slice. */
  instant?: boolean;
  args?: Record<string, ArgValue>;
  /** Flows passing through (or starting at) this slice. */
  flows?: number[];
  /** Flows ending at this slice. */
  terminatingFlows?: number[];
  children?: TimelineSlice[];
}

export interface TimelineTrack {
  name: string;
  kind: 'slices' | 'counter';
  /** kind 'slices': top-level slices and instants, in start order, never overlapping. */
  slices: TimelineSlice[];
  /** kind 'counter': [tick, value], in tick order. */
  points: [number, number][];
  /** kind 'counter': what the value counts (shown by the UI). */
  unit?: string;
}

export interface TimelineProcess {
  /** 1.. (0 is not a valid pid in Perfetto's model). */
  pid: number;
  name: string;
  tracks: TimelineTrack[];
}

export interface Timeline {
  processes: TimelineProcess[];
  /** Window shown, [startTick, endTick). */
  startTick: number;
  endTick: number;
}

export function sliceTrack(name: string, slices: TimelineSlice[] = []): TimelineTrack {
  return { name, kind: 'slices', slices, points: [] };
}

export function counterTrack(name: string, points: [number, number][], unit: string): TimelineTrack {
  return { name, kind: 'counter', slices: [], points, unit };
}

/**
 * Spread overlapping slices over lanes: each goes on the first lane free at its start (a lane is
 * free once its last slice ended, at or before the start). Returns one track per lane, all named
 * `name`, in lane order. Deterministic: slices are taken in (start, end) order.
 */
export function laneTracks(name: string, slices: readonly TimelineSlice[]): TimelineTrack[] {
  const sorted = [...slices].sort((a, b) => a.startTick - b.startTick || a.endTick - b.endTick);
  const lanes: { freeAt: number; track: TimelineTrack }[] = [];
  for (const s of sorted) {
    let lane = lanes.find((l) => l.freeAt <= s.startTick);
    if (lane === undefined) {
      lane = { freeAt: 0, track: sliceTrack(name) };
      lanes.push(lane);
    }
    lane.track.slices.push(s);
    lane.freeAt = s.endTick;
  }
  return lanes.map((l) => l.track);
}

/** Append a counter point, keeping one point per tick (the last value at that tick). */
export function pushCounterPoint(points: [number, number][], t: number, v: number): void {
  const last = points[points.length - 1];
  if (last !== undefined && last[0] === t) last[1] = v;
  else if (last === undefined || last[1] !== v) points.push([t, v]);
}

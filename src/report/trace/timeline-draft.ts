/**
 * A timeline being built (timeline.ts is the finished shape): per actor, its lane groups (slices
 * that may overlap, spread over lanes at the end), its fixed tracks (one slice at a time: an ATSD
 * register, a link, the findings) and its level counter (the model's own figure, read from the
 * records: trace-recorder.ts `level`); the slices still open, each under a key its closing message
 * will name; the flows that link a request's slices across actors. The message pairing
 * (gpu-tracks.ts, chip-tracks.ts, shootdown-tracks.ts, link-tracks.ts) says what opens and closes;
 * this says where it goes, and cuts everything to the window [startTick, endTick).
 *
 * The records before the window (TraceWindow.before) are paired too, first, but draw nothing
 * before the start: a slice they open is built like any other, and at the end one that closed
 * before the start is left out, while one still open at the start (a register held, a shootdown
 * begun, a DMA in flight) starts at the window's start, marked `begunBefore`, children and flows
 * included: even one open across the whole window shows. A slice whose opening message was not
 * kept at all (the actor's ring dropped it) is drawn from the window's start when the message
 * that ends it is in the window (closeOrBegunBefore, marked `begunBefore` too). One still open at
 * the window's end, or closed after it, ends there, marked `unfinished`. An instant is drawn when
 * its tick is in the window; one that ends a flow begun before anything kept is drawn without
 * the arrow. A counter starts from the actor's level at the window's start (TraceWindow
 * levelsAtStart) and takes the level each of its records in the window ended its tick with: the
 * model's own count, exact at every point, holds begun before the window included (its +1/-1
 * steps started from "the least level that never goes below zero" and read too low: QA).
 */
import type { MachinePlan } from '../../runtime/machine-module.js';
import {
  type ArgValue,
  counterTrack,
  laneTracks,
  pushCounterPoint,
  sliceTrack,
  type TimelineProcess,
  type TimelineSlice,
  type TimelineTrack,
} from './timeline.js';

export type Args = Record<string, ArgValue>;

/** Where a top-level slice goes: a lane group, or a fixed track, of an actor. */
type Where = { actor: number; group: string } | { actor: number; track: string };

/** A slice being built: open until its closing message. */
interface Open {
  slice: TimelineSlice;
  /** The flow key it carries, if any. */
  flowKey?: string;
  /**
   * Opened before the window (header): placed here only once it is known to be open at the
   * window's start (closed at or after it, or never), so what closed before it costs nothing.
   */
  unplaced?: Where;
}

export class TimelineDraft {
  readonly startTick: number;
  readonly endTick: number;
  /** Per actor: lane groups (name -> top-level slices). */
  private readonly lanes: Map<string, TimelineSlice[]>[];
  /** Per actor: fixed tracks by name. */
  private readonly fixed: Map<string, TimelineTrack>[];
  /** Per actor: its level counter, if it has one (levelCounter), as the points in the window. */
  private readonly levels: ({ name: string; unit: string; points: [number, number][] } | undefined)[];
  /** Per actor: its level at the window's start (NaN: unknown). */
  private readonly levelsAtStart: readonly number[];
  /** Per actor: whether its records go back to the run's start (TraceWindow.keptFromStart). */
  private readonly keptFromStart: readonly boolean[];
  private readonly open = new Map<string, Open>();
  /** Flow key -> flow id, from the flow's first slice to the instant that ends it. */
  private readonly flows = new Map<string, number>();
  private nextFlow = 1;

  constructor(
    private readonly plan: MachinePlan,
    window: {
      startTick: number;
      endTick: number;
      levelsAtStart?: readonly number[];
      keptFromStart?: readonly boolean[];
    },
  ) {
    this.startTick = window.startTick;
    this.endTick = window.endTick;
    this.lanes = plan.actors.map(() => new Map());
    this.fixed = plan.actors.map(() => new Map());
    this.levels = plan.actors.map(() => undefined);
    this.levelsAtStart = window.levelsAtStart ?? [];
    this.keptFromStart = window.keptFromStart ?? [];
  }

  /**
   * Whether something of `actor` may have begun before anything it kept: false when its records
   * go back to the run's start, so that a message closing what it never opened (a release of a
   * register bit already clear, under the stale index of `release-between-flushes`) draws nothing
   * (in a trace of the whole run it drew a hold from tick 0).
   */
  mayHaveBegunUnseen(actor: number): boolean {
    return this.keptFromStart[actor] !== true;
  }

  inWindow(tick: number): boolean {
    return tick >= this.startTick && tick < this.endTick;
  }

  actorName(index: number): string {
    return this.plan.actors[index]?.name ?? `actor ${index}`;
  }

  /**
   * `actor`'s counter `name`, drawn from its records' levels (`level`): it shows even when nothing
   * moves it in the window.
   */
  levelCounter(actor: number, name: string, unit: string): void {
    this.levels[actor] = { name, unit, points: [] };
  }

  /** `actor`'s level at the end of `tick` (a record's): a point of its counter, in the window. */
  level(actor: number, tick: number, value: number): void {
    const c = this.levels[actor];
    if (c === undefined || !this.inWindow(tick) || Number.isNaN(value)) return;
    pushCounterPoint(c.points, tick, value);
  }

  isOpen(key: string): boolean {
    return this.open.has(key);
  }

  /**
   * Open a slice on a lane group; undefined if it starts at or after the window's end. One that
   * starts before the window is built too (header): it shows only if still open at the start.
   */
  openSlice(
    key: string,
    actor: number,
    group: string,
    tick: number,
    name: string,
    args: Args,
  ): TimelineSlice | undefined {
    if (tick >= this.endTick) return undefined;
    const slice: TimelineSlice = { startTick: tick, endTick: tick, name, args };
    this.opened(key, slice, { actor, group });
    return slice;
  }

  /** Open a slice on a fixed track (an ATSD register): slices there never overlap. */
  openFixed(
    key: string,
    actor: number,
    track: string,
    tick: number,
    name: string,
    args: Args,
  ): TimelineSlice | undefined {
    if (tick >= this.endTick) return undefined;
    // A register taken again before its release was seen (a release outside the window): end it.
    this.closeSlice(key, tick);
    const slice: TimelineSlice = { startTick: tick, endTick: tick, name, args };
    this.opened(key, slice, { actor, track });
    return slice;
  }

  /** A top-level slice opened: placed now, or, opened before the window, once open at its start. */
  private opened(key: string, slice: TimelineSlice, where: Where): void {
    if (slice.startTick >= this.startTick) {
      this.place(slice, where);
      this.open.set(key, { slice });
    } else {
      this.open.set(key, { slice, unplaced: where });
    }
  }

  private place(slice: TimelineSlice, where: Where): void {
    if ('track' in where) {
      this.fixedTrack(where.actor, where.track).slices.push(slice);
      return;
    }
    const list = this.lanes[where.actor]!.get(where.group) ?? [];
    list.push(slice);
    this.lanes[where.actor]!.set(where.group, list);
  }

  /** Open a child inside the open slice `parentKey` (nothing if that one is not open). */
  openChild(key: string, parentKey: string, tick: number, name: string, args: Args): void {
    const parent = this.open.get(parentKey);
    if (parent === undefined) return;
    this.closeSlice(key, tick);
    const child: TimelineSlice = { startTick: tick, endTick: tick, name, args };
    parent.slice.children = [...(parent.slice.children ?? []), child];
    this.open.set(key, { slice: child });
  }

  /**
   * The open slice `key`, known by `to` from now on (a UT=0 DMA's slice opens at its ATS request
   * and learns its dma id only when its DMA request leaves); undefined when none is open.
   */
  rekey(key: string, to: string): TimelineSlice | undefined {
    const o = this.open.get(key);
    if (o === undefined) return undefined;
    this.open.delete(key);
    this.open.set(to, o);
    return o.slice;
  }

  /**
   * Close an open slice (or child); false when none was open (it started before the window). A
   * close past the window's end (a response sent before it that departs after it: a nest MMU
   * walk's latency is its send delay) ends there, marked `unfinished` as closeUnfinished marks the
   * rest: cut silently, it read as a finished walk shorter than any real one.
   */
  closeSlice(key: string, tick: number, args?: Args): boolean {
    const o = this.open.get(key);
    if (o === undefined) return false;
    o.slice.endTick = Math.max(o.slice.startTick, Math.min(tick, this.endTick));
    if (args !== undefined) o.slice.args = { ...o.slice.args, ...args };
    if (tick > this.endTick) o.slice.args = { ...o.slice.args, unfinished: true };
    this.open.delete(key);
    for (const c of o.slice.children ?? []) c.endTick = Math.min(c.endTick, o.slice.endTick);
    if (o.unplaced !== undefined && o.slice.endTick >= this.startTick) this.place(o.slice, o.unplaced);
    return true;
  }

  /**
   * Close the slice `key`; when none is open and `tick` is in the window, the slice began before
   * anything its actor kept (its opening message was dropped; never when the actor's records go
   * back to the run's start: mayHaveBegunUnseen): it is drawn from the window's start to `tick`
   * on `where` (a lane group, or a fixed track), named `name`, marked `begunBefore`. Without this
   * a capped trace hid the very register hold its first finding was about.
   */
  closeOrBegunBefore(key: string, tick: number, where: Where, name: string, args: Args = {}): void {
    if (this.closeSlice(key, tick, args) || !this.inWindow(tick) || !this.mayHaveBegunUnseen(where.actor))
      return;
    this.place(
      { startTick: this.startTick, endTick: tick, name, args: { ...args, begunBefore: true } },
      where,
    );
  }

  /** Whatever is still open ran past the window: it ends there, marked. */
  closeUnfinished(): void {
    for (const [key, o] of this.open) {
      o.slice.endTick = Math.max(o.slice.startTick, this.endTick);
      o.slice.args = { ...o.slice.args, unfinished: true };
      if (o.unplaced !== undefined) this.place(o.slice, o.unplaced);
      if (o.flowKey !== undefined) this.flows.delete(o.flowKey);
      this.open.delete(key);
    }
  }

  /** A new flow, starting at `slice`, known by `key` from now on. */
  flowStart(slice: TimelineSlice, key: string): void {
    const id = this.nextFlow++;
    this.flows.set(key, id);
    slice.flows = [...(slice.flows ?? []), id];
  }

  /** `slice` lies on the flow `key` (which starts here if nobody met the request first). */
  flowThrough(slice: TimelineSlice, key: string): void {
    let id = this.flows.get(key);
    if (id === undefined) {
      id = this.nextFlow++;
      this.flows.set(key, id);
    }
    slice.flows = [...(slice.flows ?? []), id];
  }

  /**
   * An instant on a flow, on a track of its own beside the lane group (so it never splits a
   * lane's slices): `through` the flow goes on after it (a peer write landing), `ends` the
   * response reached the requester and the flow ends here. When the flow was never met (it began
   * before anything kept) the instant is drawn on no flow: it happened in the window all the same
   * (QA: a capped trace left out the `DMA complete` of every DMA issued before what it kept).
   */
  flowInstant(
    actor: number,
    group: string,
    tick: number,
    name: string,
    flow: { through: string } | { ends: string },
    args: Args,
  ): void {
    const key = 'ends' in flow ? flow.ends : flow.through;
    const id = this.flows.get(key);
    if ('ends' in flow) this.flows.delete(key);
    this.instant(
      actor,
      group,
      tick,
      name,
      args,
      id === undefined ? {} : 'ends' in flow ? { terminatingFlows: [id] } : { flows: [id] },
    );
  }

  /**
   * An instant on the track beside the lane group, on the flows `flows` names (flowInstant's) or
   * on none: where something ended that no arrow led to (a DMA that faulted in translation sent no
   * DMA request). Drawn when its tick is in the window, as the slice it ends is (closeOrBegunBefore).
   */
  instant(
    actor: number,
    group: string,
    tick: number,
    name: string,
    args: Args,
    flows: Pick<TimelineSlice, 'flows' | 'terminatingFlows'> = {},
  ): void {
    if (!this.inWindow(tick)) return;
    this.fixedTrack(actor, `${group} events`).slices.push({
      startTick: tick,
      endTick: tick,
      name,
      instant: true,
      args,
      ...flows,
    });
  }

  /** The fixed track `name` of `actor`, made empty when it is not there yet. */
  fixedTrack(actor: number, name: string): TimelineTrack {
    const m = this.fixed[actor]!;
    let t = m.get(name);
    if (t === undefined) {
      t = sliceTrack(name);
      m.set(name, t);
    }
    return t;
  }

  /** Put a finished track (an edge's in-flight counter) among `actor`'s fixed tracks. */
  setFixedTrack(actor: number, track: TimelineTrack): void {
    this.fixed[actor]!.set(track.name, track);
  }

  /**
   * `slices` cut to the window's start (header): one that ended before it is left out, one that
   * began before it and was still open then starts there, marked `begunBefore`; so are children.
   */
  private fromStart(slices: TimelineSlice[]): TimelineSlice[] {
    const start = this.startTick;
    if (!slices.some((s) => s.startTick < start)) return slices;
    const out: TimelineSlice[] = [];
    for (const s of slices) {
      if (s.startTick >= start) out.push(s);
      else if (s.endTick >= start) {
        s.startTick = start;
        s.args = { ...s.args, begunBefore: true };
        if (s.children !== undefined) s.children = this.fromStart(s.children);
        out.push(s);
      }
    }
    return out;
  }

  /**
   * Each actor's tracks, in the order the UI shows them: findings, the tracks `pinned` names
   * (every one, used or not: an idle ATSD register is a figure too), each lane group with its
   * instants, each outbound link with its in-flight counter, then the actor's other tracks and
   * its level counter. Here the slices the records before the window built are cut to it (header).
   */
  processes(pinned: (actor: number) => readonly string[]): TimelineProcess[] {
    return this.plan.actors.map((info, a) => {
      const fixed = this.fixed[a]!;
      for (const t of fixed.values()) t.slices = this.fromStart(t.slices);
      for (const [group, slices] of this.lanes[a]!) this.lanes[a]!.set(group, this.fromStart(slices));
      const tracks: TimelineTrack[] = [];
      const take = (name: string): void => {
        const t = fixed.get(name);
        if (t === undefined) return;
        tracks.push(t);
        fixed.delete(name);
      };
      take('findings');
      for (const name of pinned(a)) {
        tracks.push(this.fixedTrack(a, name));
        fixed.delete(name);
      }
      for (const [group, slices] of [...this.lanes[a]!].sort(byName)) {
        tracks.push(...laneTracks(group, slices));
        take(`${group} events`);
      }
      for (const e of this.plan.edges) {
        if (e.from !== a) continue;
        take(`link ${e.label}`);
        take(`in flight ${e.label}`);
      }
      for (const [, t] of [...fixed].sort(byName)) tracks.push(t);
      const c = this.levels[a];
      if (c !== undefined) {
        const points: [number, number][] = [];
        const first = this.levelsAtStart[a];
        if (first !== undefined && !Number.isNaN(first)) points.push([this.startTick, first]);
        for (const [t, v] of c.points) pushCounterPoint(points, t, v);
        tracks.push(counterTrack(c.name, points, c.unit));
      }
      for (const t of tracks) t.slices.sort((x, y) => x.startTick - y.startTick || y.endTick - x.endTick);
      return { pid: a + 1, name: info.name, tracks };
    });
  }
}

function byName(x: [string, unknown], y: [string, unknown]): number {
  return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0;
}

/**
 * A timeline being built (timeline.ts is the finished shape): per actor, its lane groups (slices
 * that may overlap, spread over lanes at the end), its fixed tracks (one slice at a time: an ATSD
 * register, a link, the findings) and its counters kept as +1/-1 steps; the slices still open,
 * each under a key its closing message will name; the flows that link a request's slices across
 * actors. The message pairing (gpu-tracks.ts, chip-tracks.ts, shootdown-tracks.ts, link-tracks.ts)
 * says what opens and closes; this says where it goes, and cuts everything to the window
 * [startTick, endTick): a slice that started before it and ends in it starts at the window's
 * start, marked `begunBefore` (closeOrBegunBefore: the message that ends it says where it goes),
 * one still open at its end, or closed after it, ends there, marked `unfinished`. A slice that began before the window
 * and ends after it leaves no record in it: it is not drawn, and a counter starts from the level
 * its steps in the window imply (levels), which leaves it out too.
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

/** A slice being built: open until its closing message. */
interface Open {
  slice: TimelineSlice;
  /** The flow key it carries, if any. */
  flowKey?: string;
}

export class TimelineDraft {
  readonly startTick: number;
  readonly endTick: number;
  /** Per actor: lane groups (name -> top-level slices). */
  private readonly lanes: Map<string, TimelineSlice[]>[];
  /** Per actor: fixed tracks by name. */
  private readonly fixed: Map<string, TimelineTrack>[];
  /** Per actor: counters by name, as (tick, +1/-1) steps. */
  private readonly counters: Map<string, { deltas: [number, number][]; unit: string }>[];
  private readonly open = new Map<string, Open>();
  /** Flow key -> flow id, from the flow's first slice to the instant that ends it. */
  private readonly flows = new Map<string, number>();
  private nextFlow = 1;

  constructor(
    private readonly plan: MachinePlan,
    window: { startTick: number; endTick: number },
  ) {
    this.startTick = window.startTick;
    this.endTick = window.endTick;
    this.lanes = plan.actors.map(() => new Map());
    this.fixed = plan.actors.map(() => new Map());
    this.counters = plan.actors.map(() => new Map());
  }

  inWindow(tick: number): boolean {
    return tick >= this.startTick && tick < this.endTick;
  }

  actorName(index: number): string {
    return this.plan.actors[index]?.name ?? `actor ${index}`;
  }

  /** A counter that shows even when nothing moves it in the window. */
  declareCounter(actor: number, name: string, unit: string): void {
    this.counters[actor]!.set(name, { deltas: [], unit });
  }

  isOpen(key: string): boolean {
    return this.open.has(key);
  }

  /** Open a slice on a lane group; undefined if it started outside the window. */
  openSlice(
    key: string,
    actor: number,
    group: string,
    tick: number,
    name: string,
    args: Args,
  ): TimelineSlice | undefined {
    if (!this.inWindow(tick)) return undefined;
    const slice: TimelineSlice = { startTick: tick, endTick: tick, name, args };
    const list = this.lanes[actor]!.get(group) ?? [];
    list.push(slice);
    this.lanes[actor]!.set(group, list);
    this.open.set(key, { slice });
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
    if (!this.inWindow(tick)) return undefined;
    // A register taken again before its release was seen (a release outside the window): end it.
    this.closeSlice(key, tick);
    const slice: TimelineSlice = { startTick: tick, endTick: tick, name, args };
    this.fixedTrack(actor, track).slices.push(slice);
    this.open.set(key, { slice });
    return slice;
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
    return true;
  }

  /**
   * Close the slice `key`; when none is open and `tick` is in the window, the slice began before
   * the window (its opening message was not kept): it is drawn from the window's start to `tick`
   * on `where` (a lane group, or a fixed track), named `name`, marked `begunBefore`. Without this
   * a capped trace hid the very register hold its first finding was about.
   */
  closeOrBegunBefore(
    key: string,
    tick: number,
    where: { actor: number; group: string } | { actor: number; track: string },
    name: string,
    args: Args = {},
  ): void {
    if (this.closeSlice(key, tick, args) || !this.inWindow(tick)) return;
    const slice: TimelineSlice = {
      startTick: this.startTick,
      endTick: tick,
      name,
      args: { ...args, begunBefore: true },
    };
    if ('track' in where) {
      this.fixedTrack(where.actor, where.track).slices.push(slice);
      return;
    }
    const list = this.lanes[where.actor]!.get(where.group) ?? [];
    list.push(slice);
    this.lanes[where.actor]!.set(where.group, list);
  }

  /** Whatever is still open ran past the window: it ends there, marked. */
  closeUnfinished(): void {
    for (const [key, o] of this.open) {
      o.slice.endTick = Math.max(o.slice.startTick, this.endTick);
      o.slice.args = { ...o.slice.args, unfinished: true };
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
   * response reached the requester and the flow ends here. Nothing when the flow was never met.
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
    if (id === undefined) return;
    this.instant(
      actor,
      group,
      tick,
      name,
      args,
      'ends' in flow ? { terminatingFlows: [id] } : { flows: [id] },
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

  /** A +1 or -1 step of a counter of `actor`. */
  count(actor: number, name: string, tick: number, delta: number, unit: string): void {
    if (!this.inWindow(tick)) return;
    const c = this.counters[actor]!.get(name) ?? { deltas: [], unit };
    c.deltas.push([tick, delta]);
    this.counters[actor]!.set(name, c);
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
   * Each actor's tracks, in the order the UI shows them: findings, the tracks `pinned` names
   * (every one, used or not: an idle ATSD register is a figure too), each lane group with its
   * instants, each outbound link with its in-flight counter, then the actor's other tracks and
   * its counters.
   */
  processes(pinned: (actor: number) => readonly string[]): TimelineProcess[] {
    return this.plan.actors.map((info, a) => {
      const fixed = this.fixed[a]!;
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
      for (const [name, c] of [...this.counters[a]!].sort(byName)) {
        tracks.push(counterTrack(name, levels(c.deltas, this.startTick), c.unit));
      }
      for (const t of tracks) t.slices.sort((x, y) => x.startTick - y.startTick || y.endTick - x.endTick);
      return { pid: a + 1, name: info.name, tracks };
    });
  }
}

function byName(x: [string, unknown], y: [string, unknown]): number {
  return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0;
}

/** Running level of +1/-1 steps, starting from the least level that never goes below zero. */
function levels(deltas: readonly [number, number][], start: number): [number, number][] {
  let level = 0;
  let min = 0;
  for (const [, d] of deltas) {
    level += d;
    min = Math.min(min, level);
  }
  level = -min;
  const points: [number, number][] = [[start, level]];
  for (const [t, d] of deltas) {
    level += d;
    pushCounterPoint(points, t, level);
  }
  return points;
}

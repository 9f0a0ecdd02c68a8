/**
 * A capped trace shows a window of the run; inside it, it must show what a trace of the whole run
 * shows there: every slice that begins or ends, every instant, every counter point, at the same
 * tick, on the same track, by the same name (QA: with `--trace-events 1000`, flush-race's window
 * lacked 143 events the uncapped trace drew in it: the link slices of messages sent just before
 * it, the `DMA complete` of DMAs issued before it, and more). And its counters must read what the
 * model held at every point of it, what was open at its start included (QA: `DMA outstanding`
 * ended at 1, 0, 0, 7, 3, 1 against `dma.inFlightAtEnd` 163, `registers held` at 1 against 2).
 */
import { describe, expect, test } from 'vitest';
import { recordRun } from '../../src/api/record-run.js';
import type { BugName } from '../../src/model/scenario/bugs.js';
import type { RunConfig } from '../../src/model/scenario/run-config.js';
import { parseParams } from '../../src/model/scenario/workload-params.js';
import { buildTimeline } from '../../src/report/trace/build-timeline.js';
import type { Timeline, TimelineSlice } from '../../src/report/trace/timeline.js';
import { firstFindingTick } from '../../src/report/trace/trace-file.js';
import { selectTraceWindow, type TraceWindow } from '../../src/report/trace/trace-window.js';
import type { Host } from '../../src/runtime/engine.js';
import { workloads } from '../../workloads/index.js';

function config(name: string, seed: number, durationTicks: number, bugs: BugName[] = []): RunConfig {
  const w = workloads.find((x) => x.name === name)!;
  return { workload: name, seed, bugs, params: parseParams({ ...w.params, durationTicks }, name) };
}

/**
 * The timeline `npusim run --trace --trace-events CAP` draws (trace-file.ts buildTraceFile, before
 * it is encoded: in ticks, not the file's nanoseconds), with its window and the run's result.
 */
async function traced(c: RunConfig, cap: number, host: Host = 'inline') {
  const run = await recordRun(c, { traceEvents: cap, host });
  const raw = run.traceRaw ?? run.raw;
  const first = firstFindingTick(run.result);
  const window = selectTraceWindow(raw.traces!, {
    capEvents: cap,
    reachedTick: raw.reachedTick,
    ...(first === undefined ? {} : { anchorTick: first }),
  });
  const timeline = buildTimeline({ plan: run.plan, config: c, result: run.result, window });
  return { run, window, timeline };
}

/**
 * Every event of a timeline as the file has it, one line each: a slice's begin (with its name) and
 * its end, children too; an instant; a counter's point (with its value). Lanes of a group are
 * tracks of one name, as the UI shows them; arguments and flow ids are left out (a flow that began
 * before the window has no arrow there).
 */
function events(t: Timeline): { tick: number; line: string; slice?: TimelineSlice }[] {
  const out: { tick: number; line: string; slice?: TimelineSlice }[] = [];
  for (const p of t.processes) {
    for (const track of p.tracks) {
      const at = `${p.name}/${track.name}`;
      for (const [tick, value] of track.points) out.push({ tick, line: `${tick} ${at} = ${value}` });
      const walk = (s: TimelineSlice): void => {
        if (s.instant === true) {
          out.push({ tick: s.startTick, line: `${s.startTick} ${at} instant ${s.name}`, slice: s });
          return;
        }
        out.push({ tick: s.startTick, line: `${s.startTick} ${at} begin ${s.name}`, slice: s });
        for (const c of s.children ?? []) walk(c);
        out.push({ tick: s.endTick, line: `${s.endTick} ${at} end` });
      };
      for (const s of track.slices) walk(s);
    }
  }
  return out;
}

/** The events strictly inside `w` (its bounds are where the cut draws its own marks), sorted. */
function inside(t: Timeline, w: Pick<TraceWindow, 'startTick' | 'endTick'>) {
  return events(t)
    .filter((e) => e.tick > w.startTick && e.tick < w.endTick)
    .sort((x, y) => (x.line < y.line ? -1 : x.line > y.line ? 1 : 0));
}

/** Lines of `a` missing from `b`, as multisets. */
function minus(a: readonly string[], b: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const x of b) left.set(x, (left.get(x) ?? 0) + 1);
  const out: string[] = [];
  for (const x of a) {
    const n = left.get(x) ?? 0;
    if (n > 0) left.set(x, n - 1);
    else out.push(x);
  }
  return out;
}

/** A counter's value at `tick`: its last point at or before it (undefined before its first). */
function valueAt(points: readonly [number, number][], tick: number): number | undefined {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid]![0] <= tick) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? undefined : points[lo - 1]![1];
}

/** Each counter track's value at `tick`. */
function counterAt(t: Timeline, tick: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of t.processes) {
    for (const track of p.tracks) {
      if (track.kind !== 'counter') continue;
      const v = valueAt(track.points, tick);
      if (v !== undefined) out.set(`${p.name}/${track.name}`, v);
    }
  }
  return out;
}

/**
 * Where `actor`'s counter `counter` and its slices on the tracks `sliceTracks` disagree: at every
 * tick a slice begins or ends or the counter moves, the counter against the slices open then
 * (begun at or before it, ended after it). The model's count and the messages that open and close
 * the slices must say the same (a DMA from its issue, a UT=0 DMA's translation included, to its
 * completion or fault; a register from the acquire answered to its release).
 */
function disagreements(t: Timeline, actor: string, sliceTracks: RegExp, counter: string): string[] {
  const p = t.processes.find((x) => x.name === actor)!;
  const slices = p.tracks
    .filter((x) => sliceTracks.test(x.name))
    .flatMap((x) => x.slices)
    .filter((s) => s.instant !== true);
  const points = p.tracks.find((x) => x.name === counter)!.points;
  // +1 at each begin, -1 at each end; at one tick every step taken before the level is read.
  const steps = new Map<number, number>();
  for (const s of slices) {
    steps.set(s.startTick, (steps.get(s.startTick) ?? 0) + 1);
    steps.set(s.endTick, (steps.get(s.endTick) ?? 0) - 1);
  }
  for (const [at] of points) steps.set(at, steps.get(at) ?? 0);
  const out: string[] = [];
  let open = 0;
  for (const tick of [...steps.keys()].sort((x, y) => x - y)) {
    open += steps.get(tick)!;
    if (tick >= t.endTick) continue;
    const level = valueAt(points, tick);
    if (level !== open) out.push(`${actor} ${tick}: ${counter} ${level}, slices open ${open}`);
  }
  return out.slice(0, 10);
}

const CASES = [
  {
    // The QA case: a failing run, its trace anchored around the first violation (npu0's register
    // 0 released early at 16.66 us), cut to 1000 events; the chips' rings set its start.
    what: 'flush-race --bug single-flush, anchored at its first violation',
    config: config('flush-race', 1, 200_000_000, ['single-flush']),
    cap: 1000,
    anchored: true,
  },
  {
    // A clean run: the window keeps the end of the run, from where the busiest ring starts.
    what: 'mixed, the end of the run',
    config: config('mixed', 42, 60_000_000),
    cap: 20_000,
    anchored: false,
  },
] as const;

describe('a capped trace: its window as the whole run draws it', () => {
  for (const k of CASES) {
    test(`${k.what}: every event inside the window, and every counter level in it, as the uncapped trace has them`, async () => {
      const capped = await traced(k.config, k.cap);
      const whole = await traced(k.config, 1_000_000);
      // One run: the same events either way (the cap only sets what the rings keep).
      expect(capped.run.result.digest).toBe(whole.run.result.digest);
      expect(whole.window.startTick).toBe(0);
      expect(whole.window.stats.dropped).toBe(0);
      // The window the cap kept starts after rings dropped records, mid-run.
      const w = capped.window;
      expect(w.startTick).toBeGreaterThan(0);
      expect(w.stats.droppedByRings).toBeGreaterThan(0);
      expect(w.stats.kept).toBeLessThanOrEqual(k.cap);
      expect(w.anchorTick !== undefined).toBe(k.anchored);
      if (k.anchored) expect(capped.run.traceRaw).toBeDefined();
      else expect(w.endTick).toBe(k.config.params.durationTicks);

      // In the whole run's trace (nothing begun before it), each counter is what its slices say.
      const held = disagreements(whole.timeline, 'chip0', /^npu0 ATSD reg\d$/, 'npu0 ATSD registers held');
      const dmas = disagreements(whole.timeline, 'gpu0', /^DMA$/, 'DMA outstanding');
      expect({ held, dmas }).toEqual({ held: [], dmas: [] });

      const a = inside(capped.timeline, w);
      const b = inside(whole.timeline, w);
      expect(b.length).toBeGreaterThan(2000);
      const missing = minus(
        b.map((e) => e.line),
        a.map((e) => e.line),
      );
      const extra = minus(
        a.map((e) => e.line),
        b.map((e) => e.line),
      );
      // The one difference let through: a UT=0 DMA's slice is named by its direction only once
      // its DMA request leaves (the ATS request that opens it says nothing of it), so one whose
      // translation was still out at the capped window's end is `DMA ut0` there, runs to that end
      // (unfinished), and is named later in the whole run's trace.
      const renamed = missing.filter((x) => / gpu\d+\/DMA begin DMA ut0 (read|write)$/.test(x));
      const unnamed = renamed.map((x) => x.replace(/ (read|write)$/, ''));
      expect({ missing: minus(missing, renamed), extra: minus(extra, unnamed) }).toEqual({
        missing: [],
        extra: [],
      });
      expect(extra.length).toBe(renamed.length);
      const extraSlices = a.filter((e) => unnamed.includes(e.line)).map((e) => e.slice!);
      expect(extraSlices.filter((x) => x.args?.unfinished !== true)).toEqual([]);

      // Counters: at the window's start and at every point in it, the level the whole run's
      // trace reads there: what was open at the start (held registers, DMAs issued before it,
      // messages on a link) counts from the start.
      const ticks = new Set([w.startTick]);
      for (const e of events(whole.timeline))
        if (e.tick > w.startTick && e.tick < w.endTick) ticks.add(e.tick);
      const wrong: string[] = [];
      let compared = 0;
      for (const tick of ticks) {
        const got = counterAt(capped.timeline, tick);
        for (const [track, value] of counterAt(whole.timeline, tick)) {
          if (!/ (DMA outstanding|ATSD registers held|in flight .*)$/.test(track)) continue;
          compared++;
          if (got.get(track) !== value) wrong.push(`${tick} ${track}: ${got.get(track)} for ${value}`);
        }
      }
      expect(compared).toBeGreaterThan(1000);
      expect(wrong.slice(0, 20)).toEqual([]);
      const atStart = counterAt(capped.timeline, w.startTick);
      expect(
        [...atStart].filter(([t, v]) => / (DMA outstanding|ATSD registers held)$/.test(t) && v > 0).length,
      ).toBeGreaterThan(0);
    }, 180_000);
  }

  test('the counters end at what the run counts at its end, holds begun before the window included', async () => {
    // A window that ends where the run ends: the last level of each GPU's `DMA outstanding` is its
    // DMAs still in flight (dma.inFlightAtEnd sums them), of each chip's `registers held` the
    // registers its NPU still holds.
    const { run, window, timeline } = await traced(config('mixed', 42, 60_000_000), 20_000);
    expect(window.startTick).toBeGreaterThan(0);
    expect(window.endTick).toBe(run.config.params.durationTicks);
    const last = counterAt(timeline, window.endTick);
    const sum = (re: RegExp) => [...last].filter(([t]) => re.test(t)).reduce((s, [, v]) => s + v, 0);
    expect(sum(/^gpu\d+\/DMA outstanding$/)).toBe(run.result.counts['dma.inFlightAtEnd']);
    expect(run.result.counts['dma.inFlightAtEnd']).toBeGreaterThan(10);
    const chips = Object.entries(run.result.contention.perActor).filter(([name]) => name.startsWith('chip'));
    expect(chips.length).toBeGreaterThan(0);
    for (const [name, figures] of chips) {
      expect(last.get(`${name}/npu${name.slice(4)} ATSD registers held`)).toBe(figures.atsdRegistersLocked);
    }
  }, 120_000);

  test('a threaded run draws the same capped window as an inline one', async () => {
    const k = CASES[0];
    const inline = await traced(k.config, k.cap, 'inline');
    const threaded = await traced(k.config, k.cap, 'threaded');
    expect(threaded.window.startTick).toBe(inline.window.startTick);
    expect(JSON.stringify(threaded.timeline)).toBe(JSON.stringify(inline.timeline));
  }, 120_000);
});

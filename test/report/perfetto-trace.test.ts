/**
 * `--trace`: the Perfetto file, decoded with the same schema and library that wrote it
 * (protobufjs), checked for the structure ui.perfetto.dev reads: a process per actor named like
 * the actor, tracks for links and ATSD registers, balanced and nested slices, flows from request
 * to response, counters on counter tracks, interned names defined before use, and the cap.
 */
import { describe, expect, test } from 'vitest';
import { planMachine } from '../../src/model/actors/machine.js';
import type { BugName } from '../../src/model/scenario/bugs.js';
import type { RunConfig } from '../../src/model/scenario/run-config.js';
import { parseParams } from '../../src/model/scenario/workload-params.js';
import { assembleResult } from '../../src/report/assemble-result.js';
import { buildTimeline } from '../../src/report/trace/build-timeline.js';
import { TRACK_EVENT_TYPE } from '../../src/report/trace/perfetto-schema.js';
import { perfettoRoot } from '../../src/report/trace/perfetto-trace.js';
import { buildTraceFile } from '../../src/report/trace/trace-file.js';
import { traceCapacityPerActor } from '../../src/report/trace/trace-recording.js';
import { selectTraceWindow } from '../../src/report/trace/trace-window.js';
import { runRaw } from '../../src/runtime/engine.js';
import { workloads } from '../../workloads/index.js';

function config(name: string, seed: number, durationTicks: number, bugs: BugName[] = []): RunConfig {
  const w = workloads.find((x) => x.name === name)!;
  return { workload: name, seed, bugs, params: parseParams({ ...w.params, durationTicks }, name) };
}

interface Packet {
  timestamp?: number;
  trusted_packet_sequence_id?: number;
  sequence_flags?: number;
  track_descriptor?: {
    uuid: number;
    parent_uuid?: number;
    name?: string;
    process?: { pid: number; process_name: string };
    counter?: object;
  };
  track_event?: {
    type: number;
    track_uuid: number;
    name_iid?: number;
    counter_value?: number;
    flow_ids?: number[];
    terminating_flow_ids?: number[];
    debug_annotations?: {
      name_iid: number;
      int_value?: number;
      string_value?: string;
      bool_value?: boolean;
    }[];
  };
  interned_data?: {
    event_names?: { iid: number; name: string }[];
    debug_annotation_names?: { iid: number; name: string }[];
  };
}

function decodeTrace(bytes: Uint8Array): Packet[] {
  const Trace = perfettoRoot().lookupType('perfetto.protos.Trace');
  const obj = Trace.toObject(Trace.decode(bytes), { longs: Number, arrays: true }) as { packet: Packet[] };
  return obj.packet;
}

/** The decoded trace, indexed: processes, tracks by uuid, names by iid, events per track. */
function index(packets: Packet[]) {
  const processes = new Map<number, string>(); // uuid -> process name
  const tracks = new Map<number, { name: string; process: string; counter: boolean }>();
  const names = new Map<number, string>();
  const argNames = new Map<number, string>();
  const events: {
    ts: number;
    track: number;
    type: number;
    name?: string;
    e: NonNullable<Packet['track_event']>;
  }[] = [];
  const undefinedNames: number[] = [];
  for (const p of packets) {
    const d = p.track_descriptor;
    if (d?.process !== undefined) processes.set(d.uuid, d.process.process_name);
    else if (d !== undefined) {
      tracks.set(d.uuid, {
        name: d.name!,
        process: processes.get(d.parent_uuid!)!,
        counter: d.counter !== undefined,
      });
    }
    for (const n of p.interned_data?.event_names ?? []) names.set(n.iid, n.name);
    for (const n of p.interned_data?.debug_annotation_names ?? []) argNames.set(n.iid, n.name);
    const e = p.track_event;
    if (e !== undefined) {
      // Interned data must come in or before the first packet that uses it.
      if (e.name_iid !== undefined && !names.has(e.name_iid)) undefinedNames.push(e.name_iid);
      for (const a of e.debug_annotations ?? [])
        if (!argNames.has(a.name_iid)) undefinedNames.push(a.name_iid);
      events.push({
        ts: p.timestamp!,
        track: e.track_uuid,
        type: e.type,
        name: names.get(e.name_iid ?? 0),
        e,
      });
    }
  }
  const args = (e: NonNullable<Packet['track_event']>): Record<string, unknown> =>
    Object.fromEntries(
      (e.debug_annotations ?? []).map((a) => [
        argNames.get(a.name_iid)!,
        a.int_value ?? a.string_value ?? a.bool_value,
      ]),
    );
  expect(undefinedNames).toEqual([]);
  return { processes, tracks, events, args };
}

async function traceOf(c: RunConfig, capEvents: number, host: 'inline' | 'threaded' = 'inline') {
  const plan = planMachine(c);
  const raw = await runRaw(c, {
    host,
    ...(host === 'threaded' ? { placement: { kind: 'workers', count: 2 } as const } : {}),
    trace: {
      capacityRecords: traceCapacityPerActor(capEvents, plan.actors.length),
      sampleCount: 0,
      endTick: c.params.durationTicks,
    },
  });
  const result = assembleResult(c, plan, raw);
  return { plan, result, file: buildTraceFile(plan, c, result, raw, capEvents) };
}

describe('--trace: a Perfetto trace', () => {
  test('inline and threaded runs of one seed write the same trace but for how it was hosted', async () => {
    // A run's events are the same on either host (its digest says so), and so is what the rings
    // kept: only the `npusim` process's `host` and `reproduce` arguments name the host (QA: two
    // files of one seed compared unequal byte for byte and no doc said why).
    const c = config('shootdown-storm', 5, 10_000_000);
    const [inline, threaded] = [
      (await traceOf(c, 10_000, 'inline')).file.bytes,
      (await traceOf(c, 10_000, 'threaded')).file.bytes,
    ];
    const hosted = (bytes: Uint8Array) => {
      const packets = decodeTrace(bytes);
      const { events, args } = index(packets);
      const kept = events.find((e) => e.name === 'kept window')!;
      const { host, reproduce } = args(kept.e);
      // Drop the two arguments; everything else, interned names included, must be equal.
      const names = new Map(
        packets.flatMap((p) => p.interned_data?.debug_annotation_names ?? []).map((n) => [n.iid, n.name]),
      );
      kept.e.debug_annotations = kept.e.debug_annotations!.filter(
        (a) => !['host', 'reproduce'].includes(names.get(a.name_iid)!),
      );
      return { host, reproduce, packets: JSON.stringify(packets) };
    };
    const a = hosted(inline);
    const b = hosted(threaded);
    expect([a.host, b.host]).toEqual(['inline', 'threaded']);
    expect(a.reproduce).toMatch(/ --inline$/);
    expect(b.reproduce).toMatch(/ --workers 2$/);
    expect(b.packets).toBe(a.packets);
  });

  test('a process per actor, tracks named after the machine, slices that nest, flows, counters, the cap', async () => {
    const cap = 10_000;
    // Seed 5: the window this cap keeps (the run's last ~10 us) holds a shootdown, which the checks
    // of registers held and launches below need. A model change that moves every shootdown out of
    // it fails them (seed 3 did so when read data took the return direction): pick another seed.
    const { plan, file } = await traceOf(config('shootdown-storm', 5, 40_000_000), cap);
    const packets = decodeTrace(file.bytes);
    const { processes, tracks, events, args } = index(packets);

    // One sequence, reset on its first packet.
    expect(packets[0]!.sequence_flags).toBe(1);
    expect(new Set(packets.map((p) => p.trusted_packet_sequence_id).filter((x) => x !== undefined))).toEqual(
      new Set([1]),
    );

    expect([...processes.values()]).toEqual([...plan.actors.map((a) => a.name), 'npusim']);
    const trackNames = (proc: string) =>
      [...tracks.values()].filter((t) => t.process === proc).map((t) => t.name);
    for (let r = 0; r < 8; r++) expect(trackNames('chip0')).toContain(`npu0 ATSD reg${r}`);
    expect(trackNames('chip1')).toContain('npu1 ATSD registers held');
    expect(trackNames('chip0')).toContain('link chip0->gpu0 nvlink x2');
    expect(trackNames('chip0')).toContain('in flight chip0->chip1 xbus');
    expect(trackNames('gpu0')).toEqual(
      expect.arrayContaining(['DMA', 'ATS translations', 'DMA outstanding', 'link gpu0->chip0 nvlink x2']),
    );
    expect(trackNames('chip0')).toEqual(expect.arrayContaining(['DMA landing', 'nest MMU walks']));

    // Time never goes back in the file; counters only on counter tracks, slices only elsewhere.
    const backwards = events.filter((e, i) => i > 0 && e.ts < events[i - 1]!.ts);
    expect(backwards).toEqual([]);
    const misplaced = events.filter(
      (e) => tracks.get(e.track)?.counter !== (e.type === TRACK_EVENT_TYPE.counter),
    );
    expect(misplaced).toEqual([]);

    // Per track, every END closes the latest open BEGIN, and nothing is left open.
    const open = new Map<number, number[]>();
    const badEnds: unknown[] = [];
    for (const ev of events) {
      const stack = open.get(ev.track) ?? [];
      if (ev.type === TRACK_EVENT_TYPE.sliceBegin) stack.push(ev.ts);
      if (ev.type === TRACK_EVENT_TYPE.sliceEnd) {
        const began = stack.pop();
        if (began === undefined || ev.ts < began) badEnds.push(ev);
      }
      open.set(ev.track, stack);
    }
    expect(badEnds).toEqual([]);
    expect([...open.values()].filter((s) => s.length > 0)).toEqual([]);

    const begins = events.filter((e) => e.type === TRACK_EVENT_TYPE.sliceBegin);
    const named = (name: RegExp) => begins.filter((e) => name.test(e.name ?? ''));
    expect(named(/^DMA ut[01] (read|write)$/).length).toBeGreaterThan(100);
    expect(named(/^ATS translate$/).length).toBeGreaterThan(10);
    expect(named(/^nest MMU walk$/).length).toBeGreaterThan(10);
    expect(named(/^launch( flush)?$/).length).toBeGreaterThan(0);
    // Every ATSD makes the GPU flush (bit 39 clear): its slice on the GPU is the membar's wait for
    // the DMAs issued before it, and is named so, not a bare `invalidate range`.
    const gpuAtsds = named(/^(invalidate (range|PID)|flush)/).filter((e) =>
      tracks.get(e.track)?.process.startsWith('gpu'),
    );
    expect(gpuAtsds.length).toBeGreaterThan(0);
    for (const e of gpuAtsds) {
      expect(e.name).toMatch(/, membar wait$/);
      expect(args(e.e)).toMatchObject({ membar: expect.stringContaining('every DMA') });
    }
    const dma = named(/^DMA ut[01] (read|write)$/)[0]!;
    expect(args(dma.e)).toMatchObject({ dma: expect.any(Number), bytes: expect.any(Number) });

    // Flows: each one starts, passes through at least one other actor, and ends once.
    const flowEvents = new Map<number, { process: string; terminating: boolean }[]>();
    for (const ev of events) {
      for (const [ids, terminating] of [
        [ev.e.flow_ids ?? [], false],
        [ev.e.terminating_flow_ids ?? [], true],
      ] as const) {
        for (const id of ids) {
          const list = flowEvents.get(id) ?? [];
          list.push({ process: tracks.get(ev.track)!.process, terminating });
          flowEvents.set(id, list);
        }
      }
    }
    expect(flowEvents.size).toBeGreaterThan(100);
    const complete = [...flowEvents.values()].filter((l) => l.some((x) => x.terminating));
    expect(complete.length).toBeGreaterThan(50);
    const malformed = complete.filter(
      (l) => l.filter((x) => x.terminating).length !== 1 || !l.at(-1)!.terminating || l.length < 2,
    );
    expect(malformed).toEqual([]);
    // A DMA's flow: from the GPU to the chip and back.
    expect(
      complete.some((l) => l[0]!.process.startsWith('gpu') && l.some((x) => x.process.startsWith('chip'))),
    ).toBe(true);

    // Counters: levels, never negative.
    const counters = events.filter((e) => e.type === TRACK_EVENT_TYPE.counter);
    expect(counters.length).toBeGreaterThan(100);
    expect(
      counters.filter((c) => (c.e.counter_value ?? 0) < 0).map((c) => tracks.get(c.track)!.name),
    ).toEqual([]);
    const heldTracks = new Set(
      [...tracks].filter(([, t]) => / ATSD registers held$/.test(t.name)).map(([u]) => u),
    );
    expect(heldTracks.size).toBe(2);
    expect(
      Math.max(...counters.filter((c) => heldTracks.has(c.track)).map((c) => c.e.counter_value ?? 0)),
    ).toBeGreaterThan(0);

    // The cap, and what was dropped, said in the trace itself.
    const meta = begins.find((e) => e.name === 'kept window')!;
    const m = args(meta.e);
    expect(m.capEvents).toBe(cap);
    expect(m.keptEvents).toBeLessThanOrEqual(cap);
    expect(m.keptEvents).toBe(file.window.stats.kept);
    expect((m.recordedEvents as number) - (m.keptEvents as number)).toBe(m.droppedEvents);
    expect(m.droppedEvents).toBeGreaterThan(0);
    expect(file.note).toMatch(/^trace: \d+ of \d+ recorded simulation events \(cap 10000\)/);
  });

  test("a GPU's DMA slices and its DMA outstanding run from issue, as the result counts them: one slice per DMA issued, the ok ones its latency samples", async () => {
    // QA: the slice and the count began at the DMA request's departure, after a UT=0 DMA's
    // translation: `mixed` seed 3 over 30 us drew 1179 slices for 1221 DMAs issued, p50 2.29 us
    // against the latency's 3.82 us, and ended at 106 outstanding against dma.inFlightAtEnd 138.
    // The whole run is kept (the cap above its events), so every DMA issued is in the window.
    const { result, file } = await traceOf(config('mixed', 3, 30_000_000), 1_000_000);
    expect(file.window.stats.dropped).toBe(0);
    const { tracks, events, args } = index(decodeTrace(file.bytes));
    const counts = result.counts;
    const latency = result.contention.latencies['dma.latencyTicks']!;

    // Each DMA slice from its BEGIN (which carries its arguments, the status its end added too) to
    // its END: a lane is a track of its own, and its slices never overlap.
    const slices: { ns: number; args: Record<string, unknown> }[] = [];
    const open = new Map<number, { ts: number; args: Record<string, unknown> }>();
    for (const e of events) {
      if (tracks.get(e.track)!.name !== 'DMA') continue;
      if (e.type === TRACK_EVENT_TYPE.sliceBegin) open.set(e.track, { ts: e.ts, args: args(e.e) });
      if (e.type === TRACK_EVENT_TYPE.sliceEnd) {
        const b = open.get(e.track)!;
        open.delete(e.track);
        slices.push({ ns: e.ts - b.ts, args: b.args });
      }
    }
    expect(slices.length).toBe(counts['dma.issued']);
    const status = (s: string) => slices.filter((x) => x.args.status === s);
    const ok = status('ok');
    expect(ok.length).toBe(latency.count);
    expect(status('translation fault').length).toBe(counts['dma.fault.translation']);
    expect(status('translation fault').length).toBeGreaterThan(0);
    expect(slices.filter((x) => x.args.unfinished === true).length).toBe(counts['dma.inFlightAtEnd']);
    // Every DMA that ended has a `DMA complete` instant saying how: one that faulted in translation
    // too, on no arrow (no DMA request left to start one). It had no end marker at all before.
    const ends = events.filter(
      (e) =>
        e.type === TRACK_EVENT_TYPE.instant &&
        tracks.get(e.track)!.name === 'DMA events' &&
        e.name === 'DMA complete',
    );
    expect(ends.length).toBe(counts['dma.issued']! - counts['dma.inFlightAtEnd']!);
    const faulted = ends.filter((e) => args(e.e).status === 'translation fault');
    expect(faulted.length).toBe(counts['dma.fault.translation']);
    expect(faulted.filter((e) => (e.e.terminating_flow_ids ?? []).length > 0)).toEqual([]);
    expect(ends.filter((e) => args(e.e).status === 'ok').length).toBe(ok.length);
    // Perfetto's nanoseconds are floored ticks (1 ns either way); HDR keeps 3 significant figures.
    const maxTicks = Math.max(...ok.map((x) => x.ns)) * 1000;
    expect(Math.abs(maxTicks - latency.max)).toBeLessThanOrEqual(latency.max / 1000 + 1000);

    // The counter, summed over the GPUs, ends at the DMAs the result says were still in flight.
    const last = new Map<number, number>();
    for (const e of events) {
      if (e.type === TRACK_EVENT_TYPE.counter && tracks.get(e.track)!.name === 'DMA outstanding') {
        last.set(e.track, e.e.counter_value ?? 0);
      }
    }
    expect(last.size).toBeGreaterThan(0);
    expect([...last.values()].reduce((x, y) => x + y, 0)).toBe(counts['dma.inFlightAtEnd']);
  });

  test('the coordinator shows each shootdown over what shootdown.latencyTicks counts: from its PTE clear (a `clear PTEs` child) to its last release', async () => {
    // The whole run kept (the cap above all its events), so every shootdown starts in the window.
    // QA: the slices ran from the first acquire, ~0.4 us short of the summary's latency each.
    // 60 us: since a UT=0 DMA waiting for its ATS answer takes one DMA slot, not two, no shootdown
    // request of seed 3 completes within 40 us (each of seeds 1 to 6 alike); by 60 us 2 do, in 30k
    // events.
    const { result, file } = await traceOf(config('shootdown-storm', 3, 60_000_000), 1_000_000);
    // One slice per request (its munmap's two mmio_invalidates, or a migration's one a page, inside).
    const done = result.counts['shootdown.requests'] ?? 0;
    expect(done).toBeGreaterThan(0);
    expect(result.counts['shootdown.completed']).toBeGreaterThan(done);
    const { tracks, events, args } = index(decodeTrace(file.bytes));
    const onCoordinator = events.filter((e) => {
      const t = tracks.get(e.track)!;
      // Its slices on `shootdowns`, the instants where each finished on `shootdowns events`.
      return t.process === 'coordinator' && t.name.startsWith('shootdowns');
    });
    const slices = onCoordinator.filter(
      (e) => e.type === TRACK_EVENT_TYPE.sliceBegin && /^shootdown \d+$/.test(e.name ?? ''),
    );
    const finished = onCoordinator.filter((e) => e.name === 'shootdown done');
    expect(finished.length).toBe(done);
    expect(slices.length).toBeGreaterThanOrEqual(done);
    // Pair begins and ends per track (slices nest): each shootdown's length, its first child's name.
    const spans: { name: string; ns: number; unfinished: boolean; firstChild?: string }[] = [];
    const stacks = new Map<
      number,
      { name: string; ts: number; unfinished: boolean; firstChild?: string }[]
    >();
    for (const e of onCoordinator) {
      const stack = stacks.get(e.track) ?? [];
      stacks.set(e.track, stack);
      if (e.type === TRACK_EVENT_TYPE.sliceBegin) {
        const parent = stack[stack.length - 1];
        if (parent !== undefined && parent.firstChild === undefined) parent.firstChild = e.name;
        stack.push({ name: e.name ?? '', ts: e.ts, unfinished: args(e.e).unfinished === true });
      } else if (e.type === TRACK_EVENT_TYPE.sliceEnd) {
        const b = stack.pop()!;
        if (/^shootdown \d+$/.test(b.name)) spans.push({ ...b, ns: e.ts - b.ts });
      }
    }
    const whole = spans.filter((x) => !x.unfinished);
    expect(whole.length).toBe(done);
    for (const x of spans) expect(x.firstChild).toBe('clear PTEs');
    // The longest and shortest equal the histogram's, to its resolution (0.1 %) and the ns floor.
    const h = result.contention.latencies['shootdown.latencyTicks']!;
    const longestNs = Math.max(...whole.map((x) => x.ns));
    const shortestNs = Math.min(...whole.map((x) => x.ns));
    expect(Math.abs(longestNs * 1000 - h.max)).toBeLessThanOrEqual(h.max / 1000 + 1000);
    expect(Math.abs(shortestNs * 1000 - h.min)).toBeLessThanOrEqual(h.min / 1000 + 1000);
    // Each register a shootdown held is a slice named after it on that register's track.
    const held = events.filter(
      (e) =>
        e.type === TRACK_EVENT_TYPE.sliceBegin &&
        /^shootdown \d+$/.test(e.name ?? '') &&
        /ATSD reg/.test(tracks.get(e.track)!.name),
    );
    expect(held.length).toBeGreaterThanOrEqual(done);
  });

  test('link slices end within the window: a message still leaving at its end is cut there, marked unfinished', async () => {
    // dma-storm keeps every link busy, so at the end of the run messages are still queued to leave.
    const c = config('dma-storm', 1, 3_000_000);
    const plan = planMachine(c);
    const raw = await runRaw(c, {
      host: 'inline',
      trace: { capacityRecords: 1 << 16, sampleCount: 0, endTick: c.params.durationTicks },
    });
    const result = assembleResult(c, plan, raw);
    const window = selectTraceWindow(raw.traces!, { capEvents: 1 << 20, reachedTick: raw.reachedTick });
    const timeline = buildTimeline({ plan, config: c, result, window });
    const linkSlices = timeline.processes.flatMap((p) =>
      p.tracks.filter((t) => t.name.startsWith('link ')).flatMap((t) => t.slices),
    );
    expect(linkSlices.length).toBeGreaterThan(100);
    expect(linkSlices.filter((x) => x.startTick >= timeline.endTick || x.endTick > timeline.endTick)).toEqual(
      [],
    );
    expect(linkSlices.filter((x) => x.args?.unfinished === true).length).toBeGreaterThan(0);
  });

  test('a walk or DMA landing whose response departs after the window end ends there, marked unfinished, never drawn as a short finished one', async () => {
    // QA: stress seed 3, 100 us: 67 nest MMU walks and 6 DMA landings ended at exactly 100 us
    // without `unfinished`, some 242 ns long where no walk finishes under 399.9 ns.
    const c = config('stress', 3, 100_000_000);
    const plan = planMachine(c);
    const raw = await runRaw(c, {
      host: 'inline',
      trace: { capacityRecords: 1 << 17, sampleCount: 0, endTick: c.params.durationTicks },
    });
    const result = assembleResult(c, plan, raw);
    const window = selectTraceWindow(raw.traces!, { capEvents: 1 << 20, reachedTick: raw.reachedTick });
    expect(window.startTick).toBe(0);
    const timeline = buildTimeline({ plan, config: c, result, window });
    const onChips = timeline.processes
      .filter((p) => p.name.startsWith('chip'))
      .flatMap((p) => p.tracks.filter((t) => /^(nest MMU walks|DMA landing)/.test(t.name)))
      .flatMap((t) => t.slices.filter((s) => s.instant !== true));
    const atEnd = onChips.filter((s) => s.endTick === timeline.endTick);
    expect(atEnd.length).toBeGreaterThan(0);
    expect(atEnd.filter((s) => s.args?.unfinished !== true)).toEqual([]);
    // Every walk the trace shows as finished is no shorter than the summary's shortest translation.
    const minWalk = result.contention.latencies['nmmu.translateTicks']!.min;
    const finishedWalks = onChips.filter((s) => s.name === 'nest MMU walk' && s.args?.unfinished !== true);
    expect(finishedWalks.length).toBeGreaterThan(100);
    expect(Math.min(...finishedWalks.map((s) => s.endTick - s.startTick))).toBeGreaterThanOrEqual(minWalk);
  });

  test('a run with a violation: the window is cut around the first one, which shows on its actor', async () => {
    // flush-race with one flush: shootdown 1 releases npu0's register 0 after one flush at
    // 16.66 us (order.atsd-released-early, naming only a shootdown and a register: shown on the
    // coordinator, which runs the shootdowns); the run goes on to 40 us.
    const cap = 6_000;
    const c = config('flush-race', 1, 40_000_000, ['single-flush']);
    const plan = planMachine(c);
    const first = (r: { violations: { tick: number }[] }) => Math.min(...r.violations.map((v) => v.tick));
    const anchorless = await runRaw(c, {
      host: 'inline',
      trace: {
        capacityRecords: traceCapacityPerActor(cap, plan.actors.length),
        sampleCount: 0,
        endTick: c.params.durationTicks,
      },
    });
    const result = assembleResult(c, plan, anchorless);
    const tick = first(result);
    expect(tick).toBeGreaterThan(0);
    // The end of the run the rings kept lies after the violation: an anchored run is needed.
    const { needsAnchoredRun } = await import('../../src/report/trace/trace-file.js');
    expect(needsAnchoredRun(anchorless, result)?.anchorTick).toBe(tick);
    const anchored = await runRaw(c, {
      host: 'inline',
      trace: {
        capacityRecords: traceCapacityPerActor(cap, plan.actors.length),
        sampleCount: 0,
        endTick: c.params.durationTicks,
        anchorTick: tick,
      },
    });
    expect(anchored.actorDigests).toEqual(anchorless.actorDigests);
    const file = buildTraceFile(plan, c, result, anchored, cap);
    expect(file.window.startTick).toBeLessThanOrEqual(tick);
    expect(file.window.endTick).toBeGreaterThan(tick);
    expect(file.window.stats.kept).toBeLessThanOrEqual(cap);
    expect(file.note).toMatch(/the first finding at .* is in it/);
    const { tracks, events } = index(decodeTrace(file.bytes));
    const findings = events.filter(
      (e) => e.type === TRACK_EVENT_TYPE.instant && tracks.get(e.track)!.name === 'findings',
    );
    const firstRule = result.violations.find((v) => v.tick === tick)!;
    expect(firstRule.rule).toBe('order.atsd-released-early');
    expect(firstRule.actors).toEqual(['shootdown 1', 'npu0.reg0']);
    expect(
      findings
        .filter((e) => e.name === 'order.atsd-released-early' && e.ts === Math.floor(tick / 1000))
        .map((e) => tracks.get(e.track)!.process),
    ).toEqual(['coordinator']);
  });

  test('a capped window: what began before it and ends in it starts at the window start, marked begunBefore; counters start from the level the model held there', async () => {
    // QA: with a cap of 1000 events the window kept 15.48 us to 16.48 us of flush-race's run, whose
    // first finding is about npu0's register 0, held from 2 us to 16.2 us: the window showed no
    // hold on it and "registers held" at 0, and gpu2's DMAs outstanding at 1 where 40 were.
    const cap = 1000;
    const c = config('flush-race', 1, 200_000_000, ['single-flush']);
    const plan = planMachine(c);
    const trace = (anchorTick?: number) => ({
      capacityRecords: traceCapacityPerActor(cap, plan.actors.length),
      sampleCount: 0,
      endTick: c.params.durationTicks,
      ...(anchorTick === undefined ? {} : { anchorTick }),
    });
    const anchorless = await runRaw(c, { host: 'inline', trace: trace() });
    const result = assembleResult(c, plan, anchorless);
    const tick = Math.min(...result.violations.map((v) => v.tick));
    const file = buildTraceFile(
      plan,
      c,
      result,
      await runRaw(c, { host: 'inline', trace: trace(tick) }),
      cap,
    );
    const startNs = Math.floor(file.window.startTick / 1000);
    const { tracks, events, args } = index(decodeTrace(file.bytes));
    const begunBefore = events.filter(
      (e) => e.type === TRACK_EVENT_TYPE.sliceBegin && args(e.e).begunBefore === true,
    );
    for (const e of begunBefore) expect(e.ts).toBe(startNs);
    const onRegister = begunBefore.filter((e) => / ATSD reg\d+$/.test(tracks.get(e.track)!.name));
    expect(onRegister.map((e) => e.name)).toContain('shootdown 1');
    expect(begunBefore.some((e) => tracks.get(e.track)!.name.startsWith('DMA'))).toBe(true);
    // Each register held from before the window counts in its chip's "registers held" from the start.
    for (const e of onRegister) {
      const process = tracks.get(e.track)!.process;
      const held = [...tracks].find(
        ([, t]) => t.process === process && / ATSD registers held$/.test(t.name),
      )!;
      const first = events.find((x) => x.track === held[0] && x.type === TRACK_EVENT_TYPE.counter)!;
      expect(first.ts).toBe(startNs);
      expect(first.e.counter_value).toBeGreaterThanOrEqual(1);
    }
  });
});

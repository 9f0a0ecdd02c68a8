/**
 * What each trace record carries besides its message (src/runtime/trace-recorder.ts): the actor's
 * counter level at the end of its tick, from the model's own figures; when its link took a send;
 * and the lead-in, the sends a ring dropped while their link still held them.
 */
import { describe, expect, test } from 'vitest';
import { planMachine } from '../../src/model/actors/machine.js';
import { linkTicks } from '../../src/model/platform/link-timing.js';
import type { RunConfig } from '../../src/model/scenario/run-config.js';
import { parseParams } from '../../src/model/scenario/workload-params.js';
import { runRaw } from '../../src/runtime/engine.js';
import type { RawRun } from '../../src/runtime/raw-run.js';
import {
  type ActorTrace,
  R,
  RECORD_FIELDS,
  sampleTick,
  WIRE_BYTES_SHIFT,
} from '../../src/runtime/trace-recorder.js';
import { workloads } from '../../workloads/index.js';

const END = 20_000_000; // 20 us
const SAMPLES = 40;

function config(name: string, seed: number): RunConfig {
  const w = workloads.find((x) => x.name === name)!;
  return { workload: name, seed, bugs: [], params: parseParams({ ...w.params, durationTicks: END }, name) };
}

async function run(c: RunConfig, capacityRecords: number): Promise<RawRun> {
  return runRaw(c, { host: 'inline', trace: { capacityRecords, sampleCount: SAMPLES, endTick: END } });
}

/** Record `i` of a list of records, by field. */
const field = (records: Float64Array, i: number, f: number): number => records[i * RECORD_FIELDS + f]!;
const count = (records: Float64Array): number => records.length / RECORD_FIELDS;

describe('trace records: levels, links, lead-in', () => {
  test("each record's level is the model's figure at the end of its tick: what the sample rows after it read", async () => {
    // A row at tick t is the state after every event before t; the last record before t has the
    // level its tick ended with. They agree only if no level moves between two records unseen
    // (every change in an event that makes a record) and the level is read when the tick is over.
    const c = config('shootdown-storm', 5);
    const raw = await run(c, 1_000_000);
    const plan = planMachine(c);
    const checked = { gpu: 0, chip: 0, moved: 0 };
    raw.traces!.forEach((t, a) => {
      const kind = plan.actors[a]!.kind;
      expect(t.levelKey).toBe(
        kind === 'gpu' ? 'dmaOutstanding' : kind === 'chip' ? 'atsdRegistersLocked' : undefined,
      );
      if (t.levelKey === undefined) {
        for (let i = 0; i < count(t.records); i++) expect(field(t.records, i, R.level)).toBeNaN();
        return;
      }
      expect(t.initialLevel).toBe(0);
      const col = t.sampleColumns.indexOf(`state.${t.levelKey}`);
      expect(col).toBeGreaterThanOrEqual(0);
      let i = -1;
      for (let row = 0; row < t.samplesTaken; row++) {
        const tick = sampleTick(row, END, SAMPLES);
        while (i + 1 < count(t.records) && field(t.records, i + 1, R.now) < tick) i++;
        const sampled = t.samples[row * t.sampleColumns.length + col]!;
        expect(i < 0 ? t.initialLevel : field(t.records, i, R.level)).toBe(sampled);
        checked[kind as 'gpu' | 'chip']++;
        if (sampled > 0) checked.moved++;
      }
    });
    expect(checked.gpu).toBeGreaterThan(SAMPLES);
    expect(checked.chip).toBeGreaterThan(SAMPLES);
    expect(checked.moved).toBeGreaterThan(SAMPLES);
  });

  test("a send's link time is the link's own: the busy time its sends add up to by each row is the link's", async () => {
    const c = config('dma-storm', 1);
    const raw = await run(c, 1_000_000);
    const plan = planMachine(c);
    let edges = 0;
    raw.traces!.forEach((t) => {
      const byEdge = new Map<number, [number, number][]>();
      for (let i = 0; i < count(t.records); i++) {
        if (field(t.records, i, R.sent) !== 1) continue;
        const start = field(t.records, i, R.onLink);
        if (Number.isNaN(start)) continue; // not left by the end
        const e = field(t.records, i, R.edge);
        const bytes = Math.floor(field(t.records, i, R.bytes) / WIRE_BYTES_SHIFT);
        const list = byEdge.get(e) ?? [];
        list.push([start, start + linkTicks(bytes, plan.edges[e]!.bytesPerSecond)]);
        byEdge.set(e, list);
      }
      for (const [e, spans] of byEdge) {
        const col = t.sampleColumns.indexOf(`busy.${e}`);
        expect(col).toBeGreaterThanOrEqual(0);
        for (let row = 0; row < t.samplesTaken; row++) {
          const tick = sampleTick(row, END, SAMPLES);
          const busy = spans.reduce((s, [a, b]) => s + Math.max(0, Math.min(b, tick) - a), 0);
          expect(busy).toBe(t.samples[row * t.sampleColumns.length + col]);
        }
        edges++;
      }
    });
    expect(edges).toBeGreaterThan(10);
  });

  test("a small ring's lead-in holds every send it dropped that had not left, or was still on its link, after its oldest record", async () => {
    const c = config('dma-storm', 1);
    const whole = await run(c, 1_000_000);
    const small = await run(c, 300);
    let leads = 0;
    small.traces!.forEach((t: ActorTrace, a) => {
      const all = whole.traces![a]!.records;
      if (t.droppedBefore === 0) {
        expect(t.leadIn.length).toBe(0);
        return;
      }
      const oldest = field(t.records, 0, R.now);
      const line = (r: Float64Array, i: number) =>
        [R.now, R.kind, R.tag, R.edge, R.edgeCount, R.onLink].map((f) => field(r, i, f)).join(' ');
      const expected: string[] = [];
      for (let i = 0; i < count(all) - count(t.records); i++) {
        if (field(all, i, R.sent) !== 1) continue;
        const start = field(all, i, R.onLink);
        const bytes = Math.floor(field(all, i, R.bytes) / WIRE_BYTES_SHIFT);
        const edge = field(all, i, R.edge);
        const reach = Number.isNaN(start)
          ? Number.POSITIVE_INFINITY
          : start + linkTicks(bytes, planMachine(c).edges[edge]!.bytesPerSecond);
        if (reach > oldest) expected.push(line(all, i));
      }
      const got = Array.from({ length: count(t.leadIn) }, (_, i) => line(t.leadIn, i));
      expect(got).toEqual(expected);
      leads += got.length;
    });
    expect(leads).toBeGreaterThan(10);
  });
});

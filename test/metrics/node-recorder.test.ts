/**
 * The runtime's histograms (src/metrics/node-recorder.ts): ranged to the run's end tick, widened
 * on a value above it, and giving, either way, exactly the figures Node's full-range histogram
 * gives for the same samples; merged (src/metrics/histogram.ts) without losing a sample.
 */
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, test } from 'vitest';
import { boundedReader, mergeHistogramsByName, summariseHistogram } from '../../src/metrics/histogram.js';
import {
  type BoundedHistogram,
  nodeRecorder,
  RangedHistogram,
  withNodeHistograms,
} from '../../src/metrics/node-recorder.js';
import type { ActorReport } from '../../src/model/actors/actor.js';

/** Every figure a result or `compare` reads from a histogram. */
function figures(h: RecordableHistogram) {
  return { ...summariseHistogram(h, 'ticks'), stddev: h.stddev, p90: h.percentile(90) };
}

/** A full-range Node histogram of the same samples: what the figures must equal. */
function fullRange(values: readonly number[]): RecordableHistogram {
  const h = createHistogram();
  for (const v of values) h.record(v);
  return h;
}

/** Samples spread over 1..max, with repeats, in a fixed order. */
function samples(n: number, max: number): number[] {
  const out: number[] = [];
  let x = 12_345;
  for (let i = 0; i < n; i++) {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    out.push(1 + (x % max));
  }
  return out;
}

describe('node-recorder', () => {
  test('node-recorder: a ranged histogram gives the full range figures for values within its range', () => {
    const endTick = 2_000_000;
    const values = [...samples(5000, endTick), 1, endTick];
    const h = nodeRecorder(endTick).histogram() as RangedHistogram;
    for (const v of values) h.record(v);
    expect(h.count).toBe(values.length);
    expect(figures(h.node)).toEqual(figures(fullRange(values)));
  });

  test('node-recorder: a value above the range widens the histogram, and no sample is lost', () => {
    const endTick = 1_000;
    const h = nodeRecorder(endTick).histogram() as RangedHistogram;
    const values = samples(300, endTick);
    for (const v of values) h.record(v);
    const narrow = h.node;
    h.record(endTick);
    expect(h.node).toBe(narrow); // the end tick itself is in range
    // A nest MMU walk queued past the end of the run, say: far above the range.
    const late = [endTick + 1, 5_000_000_000, 2 ** 52];
    for (const v of late) h.record(v);
    expect(h.node).not.toBe(narrow);
    const all = [...values, endTick, ...late];
    expect(h.count).toBe(all.length);
    expect(figures(h.node)).toEqual(figures(fullRange(all)));
  });

  test('node-recorder: a histogram of one value, recorded a few times, has exactly that min and max', () => {
    const h = nodeRecorder(2_000_000).histogram() as RangedHistogram;
    for (let i = 0; i < 5; i++) h.record(1_000_000);
    // HDR's own bounds are its bucket's edges, not the samples (what a result read before, QA).
    expect([h.node.min, h.node.max]).toEqual([999_936, 1_000_447]);
    const b = h.bounded();
    expect([b.min, b.max]).toEqual([1_000_000, 1_000_000]);
    const s = summariseHistogram(boundedReader(b), 'ticks');
    expect([s.count, s.min, s.max]).toEqual([5, 1_000_000, 1_000_000]);
    // Widened by a later sample past the range, the bounds still are the samples.
    h.record(3_000_001);
    expect([h.bounded().min, h.bounded().max]).toEqual([1_000_000, 3_000_001]);
    const empty = (nodeRecorder(100).histogram() as RangedHistogram).bounded();
    expect([empty.hdr.count, empty.min, empty.max]).toEqual([0, 0, 0]);
  });

  test('node-recorder: a value the histogram refuses counts for neither the samples nor the bounds', () => {
    const h = nodeRecorder(100).histogram() as RangedHistogram;
    h.record(40);
    expect(() => h.record(0)).toThrow();
    expect(h.bounded()).toMatchObject({ min: 40, max: 40 });
    expect(h.count).toBe(1);
  });

  test('node-recorder: a report carries Node histograms and exact bounds, which cross threads with every sample', async () => {
    const h = nodeRecorder(10_000).histogram();
    const values = samples(200, 10_000);
    for (const v of values) h.record(v);
    const report = { name: 'gpu0', histograms: { 'dma.latencyTicks': h } } as unknown as ActorReport;
    const sent = withNodeHistograms(report).histograms['dma.latencyTicks'] as unknown as BoundedHistogram;
    expect(sent).not.toBeInstanceOf(RangedHistogram);
    const { port1, port2 } = new MessageChannel();
    try {
      const received = new Promise<BoundedHistogram>((resolve) => port2.once('message', resolve));
      port1.postMessage(sent);
      const back = await received;
      expect(figures(back.hdr)).toEqual(figures(fullRange(values)));
      expect([back.min, back.max]).toEqual([Math.min(...values), Math.max(...values)]);
    } finally {
      port1.close();
      port2.close();
    }
  });

  test('node-recorder: merging by name keeps every sample of narrow and widened histograms alike', () => {
    const a = nodeRecorder(1_000).histogram() as RangedHistogram;
    const b = nodeRecorder(1_000).histogram() as RangedHistogram;
    const c = nodeRecorder(50).histogram() as RangedHistogram;
    const va = samples(100, 1_000);
    const vb = [...samples(100, 1_000), 7_000_000]; // b widens
    const vc = samples(40, 50);
    for (const v of va) a.record(v);
    for (const v of vb) b.record(v);
    for (const v of vc) c.record(v);
    const merged = mergeHistogramsByName([
      { x: a.bounded() },
      { x: b.bounded(), y: c.bounded() },
      { y: a.bounded() },
    ]);
    expect(figures(merged.get('x')!.hdr)).toEqual(figures(fullRange([...va, ...vb])));
    expect(figures(merged.get('y')!.hdr)).toEqual(figures(fullRange([...vc, ...va])));
    const empty = mergeHistogramsByName([
      { z: (nodeRecorder(100).histogram() as RangedHistogram).bounded() },
    ]);
    expect(empty.get('z')!).toMatchObject({ min: 0, max: 0 });
    expect(empty.get('z')!.hdr.count).toBe(0);
  });

  test('node-recorder: merging two actors histograms gives the exact least and greatest sample of both', () => {
    const a = nodeRecorder(10_000_000).histogram() as RangedHistogram;
    const b = nodeRecorder(10_000_000).histogram() as RangedHistogram;
    const none = nodeRecorder(10_000_000).histogram() as RangedHistogram;
    for (const v of [1_000_003, 2_000_000, 1_500_000]) a.record(v);
    for (const v of [1_000_007, 5_432_101]) b.record(v);
    const x = mergeHistogramsByName([{ x: a.bounded() }, { x: none.bounded() }, { x: b.bounded() }]).get(
      'x',
    )!;
    expect([x.hdr.count, x.min, x.max]).toEqual([5, 1_000_003, 5_432_101]);
    // HDR's would have been bucket edges: neither sample.
    expect(x.hdr.min).not.toBe(1_000_003);
    expect(x.hdr.max).not.toBe(5_432_101);
    const s = summariseHistogram(boundedReader(x), 'ticks');
    expect([s.min, s.max]).toEqual([1_000_003, 5_432_101]);
  });
});

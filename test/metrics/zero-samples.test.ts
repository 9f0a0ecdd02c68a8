/**
 * Samples of 0 that a counter holds beside an HDR histogram (which cannot hold 0): every figure
 * read through withZeroSamples is the figure of all the samples, zeros too, as if one list held
 * them. Checked against that list, with HDR's own rank rule (the sample at rank round(q N)).
 */
import { createHistogram } from 'node:perf_hooks';
import { describe, expect, test } from 'vitest';
import { latencyNoise, summariseHistogram, withZeroSamples } from '../../src/metrics/histogram.js';

/** HDR's percentile of a sorted list: the sample at rank round(q N), at least 1. */
function percentileOf(sorted: readonly number[], q: number): number {
  const rank = Math.max(1, Math.floor((q / 100) * sorted.length + 0.5));
  return sorted[rank - 1]!;
}

describe('withZeroSamples', () => {
  // Values below 2048 are exact in a 3-significant-figure HDR histogram.
  const values = [3, 7, 7, 20, 150, 151, 900, 1500, 2000, 40];
  const h = createHistogram({ lowest: 1, highest: 1e6, figures: 3 });
  for (const v of values) h.record(v);

  test.each([0, 1, 5, 10, 90, 1000])(
    '%i zeros: count, min, max, mean, stddev and percentiles are those of all the samples',
    (zeros) => {
      const all = [...values, ...Array<number>(zeros).fill(0)].sort((a, b) => a - b);
      const r = withZeroSamples(h, zeros);
      expect(r.count).toBe(all.length);
      expect(r.min).toBe(all[0]);
      expect(r.max).toBe(all[all.length - 1]);
      const mean = all.reduce((a, b) => a + b, 0) / all.length;
      expect(r.mean).toBeCloseTo(mean, 9);
      const variance = all.reduce((a, b) => a + (b - mean) ** 2, 0) / all.length;
      expect(r.stddev).toBeCloseTo(Math.sqrt(variance), 6);
      for (const q of [1, 10, 25, 50, 75, 90, 95, 99, 99.9, 100]) {
        expect([q, r.percentile(q)]).toEqual([q, percentileOf(all, q)]);
      }
    },
  );

  test('the summary and the noise of a wait every sample of which was 0 are zeros over a count, not empty', () => {
    const empty = createHistogram({ lowest: 1, highest: 1e6, figures: 3 });
    const s = summariseHistogram(withZeroSamples(empty, 12), 'ticks');
    expect(s).toEqual({ count: 12, min: 0, mean: 0, p50: 0, p99: 0, p999: 0, max: 0, unit: 'ticks' });
    expect(latencyNoise(withZeroSamples(empty, 12))).toEqual({
      meanSe: 0,
      p50: [0, 0],
      p99: [0, 0],
      p999: [0, 0],
    });
    // No zeros: the histogram itself, as before.
    expect(withZeroSamples(h, 0)).toBe(h);
  });
});

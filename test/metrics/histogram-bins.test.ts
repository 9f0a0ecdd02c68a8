/**
 * The HTML report's histogram charts (histogramBins, src/metrics/histogram.ts): the bars add up to
 * the histogram's count, the count its tables and the chart's title give, and the largest and the
 * smallest sample are on the chart. Found by QA: a ring all-reduce of 6 samples drew 5 bars' worth
 * and left its maximum (51.94 us) out; the DMA chart summed to one more than its count.
 */
import { createHistogram } from 'node:perf_hooks';
import { describe, expect, test } from 'vitest';
import { histogramBins } from '../../src/metrics/histogram.js';
import { Rng } from '../../src/model/choice/rng.js';

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

function histogramOf(values: readonly number[]) {
  const h = createHistogram();
  for (const v of values) h.record(v);
  return h;
}

describe('histogramBins', () => {
  test('a few samples: every one is a bar, the max in the last bin, the min in the first', () => {
    const values = [26_000_000, 30_000_000, 31_500_000, 40_000_000, 45_000_000, 51_940_000];
    const { upper, count } = histogramBins(histogramOf(values));
    expect(sum(count)).toBe(6);
    expect(count[0]).toBe(1);
    expect(count.at(-1)).toBe(1);
    expect(upper.at(-1)).toBeGreaterThanOrEqual(51_940_000);
    for (const c of count) expect(Number.isInteger(c)).toBe(true);
  });

  test('up to 4096 samples each lands in the bin its value lies in (edges at the HDR resolution)', () => {
    const rng = new Rng(7);
    const values = Array.from({ length: 3000 }, () => 1000 + rng.below(5_000_000));
    const { upper, count } = histogramBins(histogramOf(values));
    expect(sum(count)).toBe(values.length);
    // The same values placed by hand: a bin's count may differ only by samples within the
    // histogram's rounding (1 part in 1000) of an edge.
    const byHand = upper.map(() => 0);
    for (const v of values)
      byHand[
        Math.max(
          0,
          upper.findIndex((u) => v <= u),
        )
      ]! += 1;
    const nearEdge = values.filter((v) => upper.some((u) => Math.abs(v - u) <= u * 2e-3)).length;
    const moved = sum(count.map((c, i) => Math.abs(c - byHand[i]!))) / 2;
    expect(moved).toBeLessThanOrEqual(nearEdge);
  });

  test('one outlier among a hundred thousand is one sample in the top bin, the rest in the first', () => {
    // QA: placed by 4096 evenly spaced ranks, the outlier's rank step drew 24 samples at its value.
    const values = [...Array.from({ length: 100_000 }, () => 1000), 1e12];
    const { count } = histogramBins(histogramOf(values));
    expect(count[0]).toBe(100_000);
    expect(count.at(-1)).toBe(1);
    expect(sum(count)).toBe(100_001);
  });

  test('many samples: whole counts that add up to the count exactly, max and min on the chart', () => {
    const rng = new Rng(11);
    const values = Array.from({ length: 200_001 }, () => 500 + rng.below(1 << 20) * (1 + rng.below(64)));
    const h = histogramOf(values);
    const { count } = histogramBins(h);
    expect(sum(count)).toBe(h.count);
    expect(count[0]).toBeGreaterThan(0);
    expect(count.at(-1)).toBeGreaterThan(0);
    for (const c of count) expect(Number.isInteger(c)).toBe(true);
  });
});

/**
 * The latency histograms' x axis: the page's own tick code (LATENCY_AXIS_JS, run here as the page
 * runs it) puts at least three labelled ticks inside any range, narrow or wide, and the title
 * names the unit the labels are in. At seed 3 (200 us) peer access latency ran 1.006 to 1.257 us
 * and its chart had no tick at all; ATSD register hold and shootdown latency had one (QA).
 */
import { createHistogram } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { histogramBins } from '../../src/metrics/histogram.js';
import { timeUnit } from '../../src/report/html-charts.js';
import { LATENCY_AXIS_JS, latencyAxisTitle, latencyExtentTicks } from '../../src/report/latency-axis.js';

const page = new Function(`${LATENCY_AXIS_JS}\nreturn { latencySplits, tickText };`)() as {
  latencySplits(min: number, max: number): number[];
  tickText(v: number | null): string;
};

function labels(min: number, max: number): string[] {
  return page.latencySplits(min, max).map(page.tickText);
}

describe('latency axis ticks', () => {
  it('a narrow range (peer access latency, 1.006 to 1.257 us) gets round, evenly spaced ticks inside it', () => {
    const ticks = page.latencySplits(1.006, 1.257);
    expect(ticks).toEqual([1.05, 1.1, 1.15, 1.2, 1.25]);
    expect(labels(1.006, 1.257)).toEqual(['1.05', '1.1', '1.15', '1.2', '1.25']);
  });

  it('ATSD register hold (11.35 to 27.56 us) reads at 15, 20 and 25, not 20 alone', () => {
    expect(page.latencySplits(11.35, 27.56)).toEqual([15, 20, 25]);
  });

  it('a range over a decade or more keeps 1, 2 and 5 of each decade', () => {
    expect(page.latencySplits(0.3999, 4.317)).toEqual([0.5, 1, 2]);
    expect(page.latencySplits(1.112, 60)).toEqual([2, 5, 10, 20, 50]);
  });

  it('past three decades, powers of ten alone; past eight, every other one', () => {
    expect(page.latencySplits(0.001, 900)).toEqual([0.001, 0.01, 0.1, 1, 10, 100]);
    expect(page.latencySplits(1e-3, 5e7)).toEqual([0.01, 1, 100, 1e4, 1e6]);
  });

  it('every range, however narrow or wide, has at least three ticks inside it, each labelled apart', () => {
    const ranges: [number, number][] = [
      [1.006, 1.257],
      [0.9999, 1],
      [1, 1.001],
      [2.1, 9.9],
      [3, 15],
      [1.5, 4.9],
      [5.01, 5.02],
      [999.4, 1000.6],
      [0.12, 0.29],
      [48.2, 52.53],
      [1e-3, 1e6],
    ];
    // And a sweep of ranges from a thousandth of a decade wide to six decades.
    for (let lo = 0.0013; lo < 1000; lo *= 3.7)
      for (const ratio of [1.0007, 1.013, 1.2, 1.9, 3.1, 4.99, 7.3, 12, 310, 9e5])
        ranges.push([lo, lo * ratio]);
    for (const [min, max] of ranges) {
      const ticks = page.latencySplits(min, max);
      const where = `${min} to ${max}: ${ticks.join(', ')}`;
      expect(ticks.length, where).toBeGreaterThanOrEqual(3);
      expect(ticks.length, where).toBeLessThanOrEqual(9);
      expect(
        ticks.filter((t) => t < min || t > max),
        where,
      ).toEqual([]);
      const text = ticks.map(page.tickText);
      expect(new Set(text).size, where).toBe(text.length);
      // A label is the tick's value as written, not float noise (0.15000000000000002).
      for (const t of text)
        expect(t.replace('.', '').replace(/^0+|0+$/g, '').length, where).toBeLessThanOrEqual(7);
    }
  });

  it('a histogram whose samples are all one value (exactly 1 us) spans round ticks around it, in us', () => {
    // QA: its bins' edges are one HDR bucket apart (999936 to 1000447 ps), and the axis read
    // 1, 1.0002, 1.0004: digits the histogram cannot resolve.
    const h = createHistogram();
    for (let i = 0; i < 100; i++) h.record(1_000_000);
    const bins = histogramBins(h);
    const [from, to] = latencyExtentTicks(bins.lower, bins.upper.at(-1)!);
    expect([from, to]).toEqual([960_000, 1_040_000]);
    const unit = timeUnit(to);
    expect(unit.name).toBe('µs');
    expect(labels(from / unit.ticks, to / unit.ticks)).toEqual(['0.96', '0.98', '1', '1.02', '1.04']);
  });

  it('one value anywhere from 1 ps to 2 s: an extent holding its bins, ticks of three digits at most', () => {
    const values = [1, 2, 3, 10, 47, 999, 1000, 1234, 123_456, 5_000_000, 99_999_999, 2e9, 2e12];
    for (const v of values) {
      const h = createHistogram();
      h.record(v);
      h.record(v);
      const bins = histogramBins(h);
      const top = bins.upper.at(-1)!;
      const [from, to] = latencyExtentTicks(bins.lower, top);
      const unit = timeUnit(to);
      const ticks = page.latencySplits(from / unit.ticks, to / unit.ticks);
      const where = `${v} ps: ${from} to ${to} ps, ticks ${ticks.join(', ')} ${unit.name}`;
      expect(from, where).toBeGreaterThan(0);
      expect(from, where).toBeLessThanOrEqual(bins.lower);
      expect(to, where).toBeGreaterThanOrEqual(top);
      expect(ticks.length, where).toBeGreaterThanOrEqual(3);
      for (const t of ticks.map(page.tickText))
        expect(t.replace('.', '').replace(/^0+|0+$/g, '').length, where).toBeLessThanOrEqual(3);
    }
  });

  it('samples that differ by more than the histogram resolves keep their own extent', () => {
    expect(latencyExtentTicks(1_006_000, 1_257_000)).toEqual([1_006_000, 1_257_000]);
    expect(latencyExtentTicks(5_010_000, 5_020_000)).toEqual([5_010_000, 5_020_000]);
  });

  it('a tick uPlot leaves unlabelled reads empty', () => {
    expect(page.tickText(null)).toBe('');
  });

  it('the axis title names the unit its labels are in', () => {
    expect(latencyAxisTitle('µs')).toBe('latency (µs, log scale)');
  });
});

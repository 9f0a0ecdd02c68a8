/**
 * Latency histogram helpers for the result assembler: merge actors' HDR histograms by name and
 * summarise one into plain numbers (HistogramSummary) for the JSON result and the terminal.
 *
 * Actors record into node:perf_hooks RecordableHistograms (HdrHistogram underneath, 3 significant
 * figures); those cross threads by structured clone and merge exactly with `add`, so a merged
 * percentile is the percentile of all samples, not an average of per-actor percentiles. Beside
 * each goes the exact smallest and largest sample (node-recorder.ts BoundedHistogram says why): a
 * merge keeps the least and greatest of them, and a summary's min and max are those samples.
 */
import type { RecordableHistogram } from 'node:perf_hooks';
import { assert } from '../core/errors.js';
import type { HistogramSummary } from '../model/actors/actor.js';
import { ZERO_SAMPLES } from '../model/actors/metric-names.js';
import { type BoundedHistogram, rangedNodeHistogram } from './node-recorder.js';

/** The unit a metric name declares by its suffix (metric-names.ts: units last). */
export function unitOfMetric(name: string): string {
  if (name.endsWith('Ticks')) return 'ticks';
  if (name.endsWith('Ns')) return 'ns';
  if (name.endsWith('Bytes')) return 'bytes';
  return 'count';
}

/** What the summaries read of a histogram: Node's own, or one with its zero samples folded in. */
export type HistogramReader = Pick<
  RecordableHistogram,
  'count' | 'min' | 'max' | 'mean' | 'stddev' | 'percentile'
>;

/**
 * A histogram read with its exact bounds: count, stddev and the rest are HDR's, min and max the
 * samples. HDR's mean and percentiles are a bucket's representative value, which can lie just
 * outside the samples (1 us each read p50 1000447 ps); they are read within [min, max], where the
 * true ones lie, so no percentile reads above the max the same row gives.
 */
export function boundedReader(h: BoundedHistogram): HistogramReader {
  const within = (v: number) => Math.min(h.max, Math.max(h.min, v));
  return {
    count: h.hdr.count,
    min: h.min,
    max: h.max,
    mean: within(h.hdr.mean),
    stddev: h.hdr.stddev,
    percentile: (q: number) => within(h.hdr.percentile(q)),
  };
}

/**
 * `h` with `zeros` samples of 0 added: an HDR histogram cannot hold 0, so an actor counts those
 * apart (metric-names.ts ZERO_SAMPLES: an ATSD register won at once waited 0 ticks), and every
 * figure read from the result (percentiles, mean, count, noise) is over all samples, zeros too.
 * A percentile is read as HDR reads one (the sample at rank round(q N), at least 1): a rank among
 * the zeros is 0, a later one the histogram's sample at that rank less the zeros.
 */
export function withZeroSamples(h: HistogramReader, zeros: number): HistogramReader {
  if (zeros === 0) return h;
  const n = h.count;
  const total = n + zeros;
  const mean = n === 0 ? 0 : (h.mean * n) / total;
  // E[x^2] over the samples h holds (population variance), spread over all of them.
  const squares = n === 0 ? 0 : ((h.stddev ** 2 + h.mean ** 2) * n) / total;
  return {
    count: total,
    min: 0,
    max: n === 0 ? 0 : h.max,
    mean,
    stddev: Math.sqrt(Math.max(0, squares - mean * mean)),
    // As Node's: q from above 0 to 100 (a q of 0 or less is the smallest sample, here a zero).
    percentile: (q: number) => {
      const rank = Math.max(1, Math.floor((q / 100) * total + 0.5));
      return rank <= zeros ? 0 : h.percentile((100 * (rank - zeros)) / n);
    },
  };
}

/** Histogram `name` with the zero samples its counter holds (ZERO_SAMPLES) folded in, if any. */
export function withZeroSamplesOf(
  name: string,
  h: HistogramReader,
  counters: Readonly<Record<string, number>>,
): HistogramReader {
  const zero = ZERO_SAMPLES[name as keyof typeof ZERO_SAMPLES];
  return zero === undefined ? h : withZeroSamples(h, counters[zero.counter] ?? 0);
}

/**
 * Summarise `h`. An empty histogram reports zeros everywhere (Node reports min as 2^63 and mean
 * as NaN for it, neither of which survives JSON or reads well).
 */
export function summariseHistogram(h: HistogramReader, unit: string): HistogramSummary {
  const count = h.count;
  if (count === 0) return { count: 0, min: 0, mean: 0, p50: 0, p99: 0, p999: 0, max: 0, unit };
  return {
    count,
    min: h.min,
    mean: h.mean,
    p50: h.percentile(50),
    p99: h.percentile(99),
    p999: h.percentile(99.9),
    max: h.max,
    unit,
  };
}

/**
 * Merge histograms of the same name across actors. The inputs are not modified: each name gets a
 * fresh histogram that every actor's histogram of that name is added into, ranged up to the
 * largest value among them (node-recorder.ts says why a range), with the least min and greatest
 * max of theirs. `add` drops, without a word, a value above the range it adds into: so the merged
 * count is checked against the inputs'.
 */
export function mergeHistogramsByName(
  perActor: readonly Readonly<Record<string, BoundedHistogram>>[],
): Map<string, BoundedHistogram> {
  const byName = new Map<string, BoundedHistogram[]>();
  for (const histograms of perActor) {
    for (const [name, h] of Object.entries(histograms)) {
      const list = byName.get(name);
      if (list === undefined) byName.set(name, [h]);
      else list.push(h);
    }
  }
  const merged = new Map<string, BoundedHistogram>();
  for (const [name, list] of byName) {
    const into = rangedNodeHistogram(Math.max(...list.map((h) => h.hdr.max)));
    let count = 0;
    // The bounds of the histograms with samples (an empty one's 0 and 0 bound nothing).
    let min = Number.POSITIVE_INFINITY;
    let max = 0;
    for (const h of list) {
      into.add(h.hdr);
      count += h.hdr.count;
      if (h.hdr.count === 0) continue;
      min = Math.min(min, h.min);
      max = Math.max(max, h.max);
    }
    assert(into.count === count, `histogram ${name}: merged ${into.count} samples of ${count}`);
    merged.set(name, { hdr: into, min: count === 0 ? 0 : min, max });
  }
  return merged;
}

/**
 * How far a latency figure of one run could move from seed to seed, for `npusim compare`: the
 * standard error of the mean, and 95 % confidence intervals of p50, p99 and p99.9.
 *
 * A percentile's interval is the order-statistic one: with N samples, the sample p-quantile lies
 * between the values at ranks N p -/+ 1.96 sqrt(N p (1 - p)) (the normal approximation of the
 * binomial count of samples below the true quantile), read back from the histogram; widened by
 * the histogram's own resolution (3 significant figures: 0.1 % of the value). It assumes samples
 * independent of each other; latencies of one run are not quite (a burst makes neighbours alike),
 * which is why `compare` asks three standard errors of a change, not two.
 */
export interface LatencyNoise {
  /** Standard error of the mean: stddev / sqrt(N). */
  meanSe: number;
  p50: [number, number];
  p99: [number, number];
  p999: [number, number];
}

const Z_95 = 1.959964;
/** HDR histograms with 3 significant figures resolve values to 1 part in 1000. */
const HDR_RESOLUTION = 1e-3;

export function latencyNoise(h: HistogramReader): LatencyNoise {
  const n = h.count;
  if (n === 0) return { meanSe: 0, p50: [0, 0], p99: [0, 0], p999: [0, 0] };
  return {
    meanSe: n > 1 ? h.stddev / Math.sqrt(n) : 0,
    p50: percentileInterval(h, 0.5),
    p99: percentileInterval(h, 0.99),
    p999: percentileInterval(h, 0.999),
  };
}

/**
 * The order-statistic confidence interval of `h`'s p-quantile (p from 0 to 1) at `z` standard
 * normal deviates (1.96: 95 %), as latencyNoise describes; [0, 0] for an empty histogram. A
 * socket's p99 in the result keeps one at the confidence `npusim compare` judges by
 * (assemble-result.ts socketFigures).
 */
export function percentileInterval(h: HistogramReader, p: number, z = Z_95): [number, number] {
  const n = h.count;
  if (n === 0) return [0, 0];
  const half = z * Math.sqrt(n * p * (1 - p));
  const lowRank = Math.max(1, Math.floor(n * p - half));
  const highRank = Math.min(n, Math.ceil(n * p + half));
  const lo = h.percentile((100 * lowRank) / n);
  const hi = h.percentile((100 * highRank) / n);
  return [lo * (1 - HDR_RESOLUTION), hi * (1 + HDR_RESOLUTION)];
}

/**
 * The distribution of a histogram over `bins` log-spaced bins from its min to its max, for the
 * HTML report's charts: the first bin's lower edge, each bin's upper edge and the samples in it, whole numbers that add up to
 * the histogram's count (the report's tables and the chart's title give that count; bars that
 * summed to one less or one more contradicted them). Node's histogram answers percentiles, not
 * counts, but its percentile at 100 r / N is the value of the sample of rank r, which grows with
 * r: so the samples at or below an edge are the largest rank whose value is at or below it, found
 * by bisection (a few dozen percentile queries per edge, whatever N), and a bin holds the ranks
 * between its two edges. Every sample lands in the bin its value (to the histogram's resolution)
 * lies in: one outlier among a hundred thousand is one sample in the top bin, not a step's worth.
 */
export function histogramBins(
  h: RecordableHistogram,
  bins = 40,
): { lower: number; upper: number[]; count: number[] } {
  const n = h.count;
  if (n === 0) return { lower: 0, upper: [], count: [] };
  const min = Math.max(1, h.min);
  const max = Math.max(min + 1, h.max);
  const ratio = (max / min) ** (1 / bins);
  const upper = Array.from({ length: bins }, (_, i) => (i === bins - 1 ? max : min * ratio ** (i + 1)));
  const rankValue = (rank: number): number => h.percentile((100 * rank) / n);
  /** The number of samples at or below `edge`: the largest rank whose value is at or below it. */
  const atOrBelow = (edge: number, from: number): number => {
    let lo = from; // known at or below (rank 0: no sample)
    let hi = n + 1; // known above
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (rankValue(mid) <= edge) lo = mid;
      else hi = mid;
    }
    return lo;
  };
  const count: number[] = [];
  let below = 0;
  for (let i = 0; i < bins; i++) {
    // The last edge holds every sample, the max's bucket rounding notwithstanding.
    const upTo = i === bins - 1 ? n : atOrBelow(upper[i]!, below);
    count.push(upTo - below);
    below = upTo;
  }
  return { lower: min, upper, count };
}

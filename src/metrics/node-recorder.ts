/**
 * The Recorder the runtimes hand every actor (src/model/actors/recorder.ts): Node's HDR histograms
 * (perf_hooks, 3 significant figures). They cross threads by structured clone and merge exactly
 * with `add`, so the result's percentiles are over every sample of every actor.
 *
 * Why a range. Node's default histogram covers 1 to 2^53: 44 buckets of 1024 counts, about 360 KB
 * that every histogram allocates and every percentile, mean and stddev walks. A run makes about
 * 24 of them, and a sweep makes a run per seed: a profile of 24 `tenant-isolation` seeds in one
 * thread spent about a tenth of its time creating and reading them (bench/README.md "Exploration
 * and sweep benchmarks" has what the range bought). So each histogram covers 1 to the run's end
 * tick, which bounds every elapsed time an actor records (a difference of two simulated times of
 * the run). A value above
 * the range (a nest MMU walk queued past the end, say) widens that histogram to Node's full range
 * first: `add` moves every count into the same bucket of the wider one (the same lowest value and
 * figures give the same buckets), so no sample is ever lost and every figure stays the one the
 * full range would give.
 *
 * Why exact bounds beside it. HDR answers its min and max as the edges of the buckets those
 * samples fell in, not the samples: every TCE unmap takes exactly 1 us, yet Node's histogram read
 * min 999936 and max 1000447 ps, and a min of 999.9 ns for a constant step read like a modelling
 * error (QA). So each histogram keeps its smallest and largest sample itself (two compares a
 * record) and hands them on beside Node's histogram (BoundedHistogram): the result's min and max
 * are those samples; its percentiles and mean stay HDR's (src/metrics/histogram.ts).
 */
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { assert } from '../core/errors.js';
import type { ActorReport } from '../model/actors/actor.js';
import type { LatencyHistogram, Recorder } from '../model/actors/recorder.js';

/** Node's own bounds (createHistogram's defaults): 1 to 2^53 - 1 at 3 significant figures. */
const LOWEST = 1;
const FULL_RANGE = Number.MAX_SAFE_INTEGER;
const FIGURES = 3;

/**
 * Node's histogram and the exact smallest and largest sample recorded into it: what an actor's
 * report carries (withNodeHistograms), across threads too (structured clone copies the plain
 * numbers and Node's histogram alike), and what a merge gives (mergeHistogramsByName). With no
 * sample, min and max are 0, as a summary of an empty histogram reads.
 */
export interface BoundedHistogram {
  readonly hdr: RecordableHistogram;
  readonly min: number;
  readonly max: number;
}

/** A histogram over 1..highest, widened to the full range the first time a value exceeds it. */
export class RangedHistogram implements LatencyHistogram {
  private h: RecordableHistogram;
  /** The smallest and largest sample recorded (Infinity and 0 before the first). */
  private minSample = Number.POSITIVE_INFINITY;
  private maxSample = 0;

  constructor(private highest: number) {
    this.h = createHistogram({ lowest: LOWEST, highest, figures: FIGURES });
  }

  record(value: number): void {
    if (value > this.highest) this.widen();
    // Node's record checks the value (a positive integer) first: a bad one throws before it counts.
    this.h.record(value);
    if (value < this.minSample) this.minSample = value;
    if (value > this.maxSample) this.maxSample = value;
  }

  get count(): number {
    return this.h.count;
  }

  /** Node's histogram, to merge, summarise or send to another thread. */
  get node(): RecordableHistogram {
    return this.h;
  }

  /** Node's histogram with the exact bounds of its samples (what a report carries). */
  bounded(): BoundedHistogram {
    const none = this.h.count === 0;
    return { hdr: this.h, min: none ? 0 : this.minSample, max: none ? 0 : this.maxSample };
  }

  private widen(): void {
    const wide = createHistogram({ lowest: LOWEST, highest: FULL_RANGE, figures: FIGURES });
    wide.add(this.h);
    this.h = wide;
    this.highest = FULL_RANGE;
  }
}

/** Node's histograms over 1..max(2, endTick) (a histogram's range must hold at least 2). */
export function nodeRecorder(endTick: number): Recorder {
  const highest = Math.min(FULL_RANGE, Math.max(2, Math.ceil(endTick)));
  return { histogram: () => new RangedHistogram(highest) };
}

/**
 * The report with each histogram as Node's own and its exact bounds (what crosses threads and
 * merges). The model's report type names the recorder's histograms (LatencyHistogram); what it
 * holds from here on is read back with asNodeHistograms.
 */
export function withNodeHistograms(report: ActorReport): ActorReport {
  const histograms: Record<string, LatencyHistogram> = {};
  for (const [name, h] of Object.entries(report.histograms)) {
    assert(
      h instanceof RangedHistogram,
      `actor ${report.name}: histogram ${name}: expected one nodeRecorder made, got ${h.constructor.name}`,
    );
    histograms[name] = h.bounded() as unknown as LatencyHistogram;
  }
  return { ...report, histograms };
}

/** The histograms of actor reports, as the runtime made them (withNodeHistograms). */
export function asNodeHistograms(h: Readonly<Record<string, unknown>>): Record<string, BoundedHistogram> {
  return h as Record<string, BoundedHistogram>;
}

/**
 * A fresh histogram over 1..highest, for a merge of histograms whose largest value is `highest`
 * (src/metrics/histogram.ts).
 */
export function rangedNodeHistogram(highest: number): RecordableHistogram {
  return createHistogram({
    lowest: LOWEST,
    highest: Math.min(FULL_RANGE, Math.max(2, highest)),
    figures: FIGURES,
  });
}

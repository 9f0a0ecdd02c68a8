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
 */
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import type { ActorReport } from '../model/actors/actor.js';
import type { LatencyHistogram, Recorder } from '../model/actors/recorder.js';

/** Node's own bounds (createHistogram's defaults): 1 to 2^53 - 1 at 3 significant figures. */
const LOWEST = 1;
const FULL_RANGE = Number.MAX_SAFE_INTEGER;
const FIGURES = 3;

/** A histogram over 1..highest, widened to the full range the first time a value exceeds it. */
export class RangedHistogram implements LatencyHistogram {
  private h: RecordableHistogram;

  constructor(private highest: number) {
    this.h = createHistogram({ lowest: LOWEST, highest, figures: FIGURES });
  }

  record(value: number): void {
    if (value > this.highest) this.widen();
    this.h.record(value);
  }

  get count(): number {
    return this.h.count;
  }

  /** Node's histogram, to merge, summarise or send to another thread. */
  get node(): RecordableHistogram {
    return this.h;
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

/** The report with each histogram as Node's own (what crosses threads and merges). */
export function withNodeHistograms(report: ActorReport): ActorReport {
  const histograms: Record<string, LatencyHistogram> = {};
  for (const [name, h] of Object.entries(report.histograms))
    histograms[name] = h instanceof RangedHistogram ? h.node : h;
  return { ...report, histograms };
}

/** The histograms of actor reports, as the runtime made them (withNodeHistograms). */
export function asNodeHistograms(h: Readonly<Record<string, unknown>>): Record<string, RecordableHistogram> {
  return h as Record<string, RecordableHistogram>;
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

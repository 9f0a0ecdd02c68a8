/**
 * Latency histogram helpers for the result assembler: merge actors' HDR histograms by name and
 * summarise one into plain numbers (HistogramSummary) for the JSON result and the terminal.
 *
 * Actors record into node:perf_hooks RecordableHistograms (HdrHistogram underneath, 3 significant
 * figures); those cross threads by structured clone and merge exactly with `add`, so a merged
 * percentile is the percentile of all samples, not an average of per-actor percentiles.
 */
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import type { HistogramSummary } from '../model/actors/actor.js';

/** The unit a metric name declares by its suffix (metric-names.ts: units last). */
export function unitOfMetric(name: string): string {
  if (name.endsWith('Ticks')) return 'ticks';
  if (name.endsWith('Ns')) return 'ns';
  if (name.endsWith('Bytes')) return 'bytes';
  return 'count';
}

/**
 * Summarise `h`. An empty histogram reports zeros everywhere (Node reports min as 2^63 and mean
 * as NaN for it, neither of which survives JSON or reads well).
 */
export function summariseHistogram(h: RecordableHistogram, unit: string): HistogramSummary {
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
 * fresh histogram that every actor's histogram of that name is added into.
 */
export function mergeHistogramsByName(
  perActor: readonly Readonly<Record<string, RecordableHistogram>>[],
): Map<string, RecordableHistogram> {
  const merged = new Map<string, RecordableHistogram>();
  for (const histograms of perActor) {
    for (const [name, h] of Object.entries(histograms)) {
      let into = merged.get(name);
      if (into === undefined) {
        into = createHistogram();
        merged.set(name, into);
      }
      into.add(h);
    }
  }
  return merged;
}

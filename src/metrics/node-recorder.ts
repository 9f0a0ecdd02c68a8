/**
 * The Recorder the runtimes hand every actor (src/model/actors/recorder.ts): Node's HDR histograms
 * (perf_hooks, 3 significant figures). They cross threads by structured clone and merge exactly
 * with `add`, so the result's percentiles are over every sample of every actor.
 */
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import type { Recorder } from '../model/actors/recorder.js';

export const nodeRecorder: Recorder = { histogram: () => createHistogram() };

/** The histograms of actor reports, as the runtime made them. */
export function asNodeHistograms(h: Readonly<Record<string, unknown>>): Record<string, RecordableHistogram> {
  return h as Record<string, RecordableHistogram>;
}

/**
 * What the recorders keep for a trace file and an HTML report, and the run they kept it in: one
 * place for `npusim run --trace/--report` (cli/trace-outputs.ts), `npusim replay` and the
 * library's `recordRun` (api/record-run.ts), so that the same run gives the same files either way.
 * Types only from the layers below, so the command line's option table can read the limits
 * without loading the trace builder.
 */
import type { RunConfig } from '../../model/scenario/run-config.js';
import type { MachinePlan } from '../../runtime/machine-module.js';
import type { RawRun } from '../../runtime/raw-run.js';
import type { TraceOptions } from '../../runtime/trace-recorder.js';
import type { RunResult } from '../run-result.js';

/**
 * The fewest and most recorded simulation events (messages sent or handled) a trace file may be
 * asked to show; each is drawn as several events in the file (slice begins and ends, instants,
 * counter steps). The most is set by memory, not by the file: the timeline is built whole before
 * it is encoded, at about 2 KB of memory per recorded event
 * (`/usr/bin/time npusim run mixed --seed 1 --duration 1ms --inline --trace F --trace-events
 * 800000` peaked at 1.60 GB resident; 2.17 GB before perfetto-trace.ts kept its events as arrays),
 * and 4000000 ran out of V8's heap with nothing written.
 */
export const TRACE_EVENTS_RANGE = { min: 1000, max: 1_000_000 } as const;

/** Records in a trace unless --trace-events (or `traceEvents`) says otherwise: a file of about 10 MB. */
export const DEFAULT_TRACE_EVENTS = 200_000;

/** Sample rows per run for the time series of the HTML report (one every 0.25 % of the run). */
const REPORT_SAMPLES = 400;

/**
 * Records each actor's ring keeps for a cap of `capEvents` in the trace: twice a fair share, so
 * the busiest actors (whose rings set the whole window) still leave the window near the cap.
 */
export function traceCapacityPerActor(capEvents: number, actors: number): number {
  return Math.max(2, Math.ceil((2 * capEvents) / Math.max(1, actors)));
}

/**
 * The recorders' options for a run of `config` on `actors` actors: the report's samples always,
 * and the trace's records when `traceEvents` is given (undefined: a report alone, whose ring of
 * two records costs nothing).
 */
export function traceRecordingOptions(
  config: RunConfig,
  actors: number,
  traceEvents: number | undefined,
): TraceOptions {
  return {
    capacityRecords: traceEvents === undefined ? 2 : traceCapacityPerActor(traceEvents, actors),
    // No more samples than ticks: a 1 ps run took 400 samples at fractions of a picosecond (QA).
    sampleCount: Math.max(1, Math.min(REPORT_SAMPLES, config.params.durationTicks)),
    endTick: config.params.durationTicks,
  };
}

/** The runs and result a trace file and an HTML report are built from. */
export interface RecordedRun {
  plan: MachinePlan;
  config: RunConfig;
  result: RunResult;
  /** The run's raw figures and records (the report's histograms and samples). */
  raw: RawRun;
  /**
   * The second run anchored at the first finding, when the first one's records had not kept it
   * (the trace shows this one; trace-file.ts needsAnchoredRun); undefined: `raw` serves.
   */
  traceRaw: RawRun | undefined;
}

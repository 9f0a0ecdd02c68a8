/**
 * A run recorded for its trace file and HTML report, from a library: what `npusim run --trace FILE
 * --report FILE` writes, without a command line. The recorders are set as the command sets them
 * (report/trace/trace-recording.ts), a run whose rings kept the end of the run but not its first
 * finding is made again anchored there, as the command makes it (trace-file.ts needsAnchoredRun: a
 * run is deterministic, so the second is the first again), and the files are built by the
 * command's own builders (trace-file.ts buildTraceFile, html-report.ts buildHtmlReport): the same
 * run gives the same bytes either way.
 *
 * What it does not do that the command does: print (the trace's note, what the file kept, comes
 * back as text), or run free (a free run races anew, so it cannot be run again to anchor its trace).
 */

import { didYouMean } from '../core/edit-distance.js';
import { ConfigError } from '../core/errors.js';
import { gotText } from '../core/shown-text.js';
import * as machine from '../model/actors/machine.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import { assembleResult } from '../report/assemble-result.js';
import { buildHtmlReport } from '../report/html-report.js';
import { buildTraceFile, needsAnchoredRun } from '../report/trace/trace-file.js';
import {
  DEFAULT_TRACE_EVENTS,
  type RecordedRun,
  TRACE_EVENTS_RANGE,
  traceRecordingOptions,
} from '../report/trace/trace-recording.js';
import { type EngineOptions, type Host, runRaw } from '../runtime/engine.js';
import {
  checkCrashActor,
  checkEngineOptions,
  checkOptionsObject,
  checkRunConfig,
  ENGINE_OPTION_KEYS,
  shown,
} from './check-run-input.js';
import { checkFilePath, writeChecked } from './file-path-check.js';

/** runSimulation's options but `trace` (set here) and `free`, and the trace's cap. */
export interface RecordRunOptions extends Omit<EngineOptions, 'trace' | 'free' | 'host'> {
  /** `inline` (default, in this thread) or `threaded`. */
  host?: Host;
  /**
   * Recorded simulation events the trace file shows at most, as `--trace-events`: a whole number
   * from 1000 to 1,000,000 (each costs about 2 KB while the file is built); default 200,000.
   */
  traceEvents?: number;
}

/** Every option recordRun takes: runSimulation's, less the two refused below, and the cap. */
const OPTION_KEYS: readonly string[] = [
  ...ENGINE_OPTION_KEYS.filter((k) => k !== 'trace' && k !== 'free'),
  'traceEvents',
];

/** A recorded run: its result, and what its trace file and report are built from. */
export interface RecordedRunOutcome extends RecordedRun {
  /** The cap the trace file keeps to (`traceEvents`). */
  traceEvents: number;
}

/**
 * Runs `config` (a `RunConfig`: `workloadConfig(workload, options)` gives a workload's) with the
 * recorders on and resolves with its result and records, for `traceFile`/`writeTraceFile` and
 * `htmlReport`/`writeHtmlReport`. Checked as runSimulation checks its input (a ConfigError naming
 * the field, before anything runs); `trace` and `free` are refused. `host` defaults to `inline`.
 */
export async function recordRun(
  config: RunConfig,
  options: RecordRunOptions = {},
): Promise<RecordedRunOutcome> {
  checkOptionsObject(options, "{ host: 'inline' } and the like, or none");
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key) && key !== 'trace' && key !== 'free') {
      throw new ConfigError(
        key,
        `Expected an option recordRun takes (${OPTION_KEYS.join(', ')}), got ${gotText(key)}${didYouMean(key, OPTION_KEYS)}`,
      );
    }
  }
  const { traceEvents = DEFAULT_TRACE_EVENTS, ...rest } = options;
  for (const [key, why] of [
    ['trace', 'recordRun sets the recorders itself, from `traceEvents`'],
    ['free', 'a free run races anew, so it cannot be run again to keep its first finding in the trace'],
  ] as const) {
    if (key in rest) {
      throw new ConfigError(
        key,
        `Expected no \`${key}\` option (${why}), got ${shown((rest as Record<string, unknown>)[key])}`,
      );
    }
  }
  const { min, max } = TRACE_EVENTS_RANGE;
  if (
    !(
      typeof traceEvents === 'number' &&
      Number.isSafeInteger(traceEvents) &&
      traceEvents >= min &&
      traceEvents <= max
    )
  ) {
    throw new ConfigError(
      'traceEvents',
      `Expected a whole number of events from ${min} to ${max}, got ${shown(traceEvents)}`,
    );
  }
  const engine: EngineOptions = { ...rest, host: rest.host ?? 'inline' };
  checkRunConfig(config);
  checkEngineOptions(engine, 'recordRun');
  const plan = machine.planMachine(config);
  checkCrashActor(config, plan.actors);
  const trace = traceRecordingOptions(config, plan.actors.length, traceEvents);
  const raw = await runRaw(config, { ...engine, trace });
  const result = assembleResult(config, plan, raw);
  const need = raw.stopped === 'interrupted' ? undefined : needsAnchoredRun(raw, result);
  const traceRaw =
    need === undefined
      ? undefined
      : await runRaw(config, { ...engine, trace: { ...trace, anchorTick: need.anchorTick } });
  return { plan, config, result, raw, traceRaw, traceEvents };
}

/** The trace file's bytes (Perfetto; opens in ui.perfetto.dev) and one line on what it kept. */
export function traceFile(run: RecordedRunOutcome): { bytes: Uint8Array; note: string } {
  checkRecorded(run, 'traceFile');
  const { bytes, note } = buildTraceFile(
    run.plan,
    run.config,
    run.result,
    run.traceRaw ?? run.raw,
    run.traceEvents,
  );
  return { bytes, note };
}

/** Writes the trace file to `path` (whole, or not at all) and returns its note. */
export function writeTraceFile(run: RecordedRunOutcome, path: string): string {
  checkFilePath('path', path);
  const { bytes, note } = traceFile(run);
  writeChecked('path', path, bytes);
  return note;
}

/** The HTML report's text: one page, charts drawn by its own script, no network needed. */
export function htmlReport(run: RecordedRunOutcome): string {
  checkRecorded(run, 'htmlReport');
  return buildHtmlReport({ plan: run.plan, config: run.config, result: run.result, raw: run.raw });
}

/** Writes the HTML report to `path` (whole, or not at all). */
export function writeHtmlReport(run: RecordedRunOutcome, path: string): void {
  checkFilePath('path', path);
  writeChecked('path', path, htmlReport(run));
}

/** A run from recordRun: its records are there (a RunResult alone has none to build from). */
function checkRecorded(run: RecordedRunOutcome, who: string): void {
  if (typeof run !== 'object' || run === null || run.raw?.traces === undefined || run.plan === undefined) {
    throw new ConfigError(
      'run',
      `Expected what recordRun resolves with (a run and its records), got ${run !== null && typeof run === 'object' && 'digest' in run ? 'a RunResult, which keeps no records: record the run with recordRun' : shown(run)} (${who})`,
    );
  }
}

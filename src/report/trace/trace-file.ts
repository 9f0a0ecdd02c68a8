/**
 * `npusim run --trace FILE`: the run's trace records, cut to a window (trace-window.ts), made into
 * a timeline (build-timeline.ts) with a process of its own that says what the file holds, and
 * written as a Perfetto trace (perfetto-trace.ts).
 */
import type { RunConfig } from '../../model/scenario/run-config.js';
import type { MachinePlan } from '../../runtime/machine-module.js';
import type { RawRun } from '../../runtime/raw-run.js';
import { formatTime } from '../duration.js';
import { hostText } from '../host-text.js';
import type { RunResult } from '../run-result.js';
import { buildTimeline } from './build-timeline.js';
import { encodePerfettoTrace } from './perfetto-trace.js';
import { sliceTrack, type Timeline } from './timeline.js';
import { selectTraceWindow, type TraceWindow, wholeWindow } from './trace-window.js';

/** The tick of the run's first violation or liveness failure, or of its crash, if any. */
export function firstFindingTick(result: RunResult): number | undefined {
  const ticks = [...result.violations, ...result.liveness].map((v) => v.tick);
  if (result.crash !== undefined) ticks.push(result.crash.tick);
  return ticks.length === 0 ? undefined : Math.min(...ticks);
}

/**
 * What a trace is made of: every actor's records, and the tick the run reached (exclusive: a
 * crashed run's is the tick after its crash, so the crashing event is in the window).
 */
export type TraceRecords = Pick<RawRun, 'traces' | 'reachedTick'>;

/**
 * Whether the records of this run miss the window around its first finding (they kept the end of
 * the run, and the finding came earlier): then the run is made again, deterministically, with the
 * recorders anchored at that tick.
 */
export function needsAnchoredRun(
  raw: RawRun,
  result: RunResult,
): { anchorTick: number; keptFrom: number; keptTo: number } | undefined {
  const first = firstFindingTick(result);
  if (first === undefined || raw.traces === undefined) return undefined;
  if (raw.traces.some((t) => t.anchorTick !== undefined)) return undefined;
  const w = wholeWindow(raw.traces, raw.reachedTick);
  if (first >= w.startTick && first < w.endTick) return undefined;
  return { anchorTick: first, keptFrom: w.startTick, keptTo: w.endTick };
}

export interface TraceFile {
  bytes: Uint8Array;
  window: TraceWindow;
  /** One line for stderr: what the file holds and what was dropped. */
  note: string;
}

export function buildTraceFile(
  plan: MachinePlan,
  config: RunConfig,
  result: RunResult,
  raw: TraceRecords,
  capEvents: number,
): TraceFile {
  if (raw.traces === undefined)
    throw new Error('buildTraceFile: the run recorded no trace (RunRecording.trace)');
  const first = firstFindingTick(result);
  const window = selectTraceWindow(raw.traces, {
    capEvents,
    reachedTick: raw.reachedTick,
    ...(first === undefined ? {} : { anchorTick: first }),
  });
  const timeline = buildTimeline({ plan, config, result, window });
  timeline.processes.push(metadataProcess(plan.actors.length + 1, window, result, first));
  const { bytes } = encodePerfettoTrace(timeline);
  const s = window.stats;
  const shown = `${formatTime(window.startTick)} to ${formatTime(window.endTick)} of simulated time`;
  const what = result.crash === undefined ? 'the first finding' : `the crash of ${result.crash.actor}`;
  const firstNote =
    first === undefined
      ? ''
      : first >= window.startTick && first < window.endTick
        ? `; ${what} at ${formatTime(first)} is in it`
        : `; ${what} at ${formatTime(first)} is NOT in it`;
  const note =
    `trace: ${s.kept} of ${s.recorded} recorded simulation events (cap ${s.capEvents}), ${shown}${firstNote}` +
    (s.dropped > 0
      ? `; ${s.dropped} dropped (${s.droppedByRings} by the rings, ${s.droppedByWindow} outside the window)`
      : '');
  return { bytes, window, note };
}

/** A process of its own, "npusim", whose one slice spans the window and says what was kept. */
function metadataProcess(
  pid: number,
  window: TraceWindow,
  result: RunResult,
  first: number | undefined,
): Timeline['processes'][number] {
  const s = window.stats;
  const track = sliceTrack('trace window');
  track.slices.push({
    startTick: window.startTick,
    endTick: Math.max(window.startTick, window.endTick),
    name: 'kept window',
    args: {
      capEvents: s.capEvents,
      recordedEvents: s.recorded,
      keptEvents: s.kept,
      droppedEvents: s.dropped,
      droppedByRings: s.droppedByRings,
      droppedOutsideWindow: s.droppedByWindow,
      windowStartTick: window.startTick,
      windowEndTick: window.endTick,
      ...(first === undefined ? {} : { firstFindingTick: first }),
      workload: result.workload,
      seed: result.seed,
      // As the summary and report name it (a free run's result says threaded: QA).
      host: hostText(result),
      status: result.status,
      digest: result.digest,
      reproduce: result.reproduce,
      timeUnit: 'ns (simulated ticks are ps, floored)',
    },
  });
  return { pid, name: 'npusim', tracks: [track] };
}

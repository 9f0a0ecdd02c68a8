/**
 * `npusim replay FILE`: run a failure file's run again, exactly, and show what led to its finding.
 *
 * How it works:
 *   1. read and check the file (failure-file.ts): its version, its fields, and that the workload
 *      it names is still the one it ran (a user's workload file loaded again: recorded-workload.ts);
 *   2. run the same configuration (seed, strategy and choice log, options, topology) on the host
 *      asked for, inline or threaded; a free run (options.host `free`) from its take log instead,
 *      in this thread (src/runtime/free/free-replay.ts); recording for --trace and --report when
 *      the caller asks (`ReplayRecording`: it is told the file's first finding to anchor at);
 *   3. compare: the same first finding (rule and tick) and the same digest (for a crash: the same
 *      actor at the same tick; for a recording of a clean run, a clean run) - anything else is
 *      named as a mismatch. A recording of a run Ctrl-C stopped is compared only where the replay
 *      can stop exactly where it did (`interruptedReplay` below); elsewhere it is not compared;
 *   4. the history: the run once more, inline, up to the end of the finding's tick, keeping each
 *      actor's last events whole; the events of the actors the finding names, merged in causal
 *      order, with kinds and fields by name (history.ts). Those runs are history-runs.ts's, hosted
 *      as the replayed run is (replay-runs.ts).
 */

import { ConfigError } from '../core/errors.js';
import { EXIT } from '../core/exit-codes.js';
import { shellWord } from '../core/shell-word.js';
import * as machine from '../model/actors/machine.js';
import type { Violation } from '../model/check/violation.js';
import { matchedVariant, overridesText } from '../model/scenario/matched-variant.js';
import { OPTION_OF_PARAM, type ParamWithOption, type RunConfig } from '../model/scenario/run-config.js';
import type { ParamOverride } from '../model/scenario/variant-overrides.js';
import type { Variant, Workload } from '../model/scenario/workload.js';
import { failedRunResult } from '../report/assemble-result.js';
import { asItsVariant, describedResult } from '../report/described-result.js';
import { configDigestOf } from '../report/outcome-digest.js';
import type { RunResult } from '../report/run-result.js';
import { statusOf } from '../report/run-status.js';
import { checkFreeRunLog, type Host, runRaw } from '../runtime/engine.js';
import { parsePlacement } from '../runtime/placement.js';
import type { RawRun } from '../runtime/raw-run.js';
import { ActorCrashError, type CrashInfo } from '../runtime/run-errors.js';
import type { ActorTrace, TraceOptions } from '../runtime/trace-recorder.js';
import {
  type FailureFile,
  type FirstFinding,
  recordedStop,
  recordsInterruptedRun,
  type ShrinkMark,
} from './failure-file.js';
import { checkTakeLogsEnd, readFailureFile } from './failure-file-read.js';
import { crashFinding, findingMismatches, firstFinding } from './first-finding.js';
import type { HistoryLine } from './history.js';
import { historyFor, stuckHistoryFor } from './history-runs.js';
import type { LivenessFinding } from './liveness-text.js';
import { loadRecordedFile } from './recorded-workload.js';
import {
  type FreeReplayRunner,
  freeRunHere,
  type ReplayProgress,
  type ReplayRunner,
  type ReplayStop,
  type Runners,
  takeLogEvents,
} from './replay-runs.js';

/** Events of each involved actor a history shows. */
export const HISTORY_EVENTS_PER_ACTOR = 40;

export interface ReplayOutcome {
  file: FailureFile;
  config: RunConfig;
  /** The file's workload as loaded: what its run (and a crash's result) is judged by. */
  workload: Workload;
  /**
   * The variant the file's run is by its options rather than by `--variant` (`--bug single-flush`
   * alone is flush-race's `single-flush`: fileMatchedVariant), judged and named as it, as `npusim
   * run` judged that run; undefined when it is none.
   */
  sameAs: { variant: Variant; by: string } | undefined;
  /**
   * The configuration the file gives is not the one its run wrote (its configDigest differs): the
   * file was edited, which exit 5's last line says rather than suspect npusim (QA).
   */
  configEdited: boolean;
  host: ReplayHost;
  /** The replayed run's result (undefined when it crashed). */
  result: RunResult | undefined;
  /** The replayed run as the engine gave it (undefined when it crashed): its records, if asked. */
  raw: RawRun | undefined;
  crash: CrashInfo | undefined;
  /** A crashed replay's records up to the crash, when it recorded and ran inline (inline-runtime.ts). */
  crashTraces: ActorTrace[] | undefined;
  /** What the replay found first. */
  found: FirstFinding | undefined;
  /**
   * The replayed run's earliest liveness failure, when it ended as one: often not its first
   * finding (a deadlock that starts from a violation), so said on a line of its own.
   */
  liveness: LivenessFinding | undefined;
  /** Every way the replay differs from the file (empty: reproduced exactly, or not compared). */
  mismatches: string[];
  /** Why the replay could not be compared with the file; undefined when it was compared. */
  notCompared: string | undefined;
  /** The file records a run Ctrl-C stopped: where it stopped, and how the replay followed it. */
  interrupted: InterruptedReplay | undefined;
  /**
   * The code the replay exits with: 5 when it did not reproduce the file, else its own run's code
   * (a replay that stopped where an interrupted run stopped was not interrupted: its findings
   * decide, 0 when none).
   */
  exitCode: number;
  history: HistoryLine[];
  /**
   * The first finding as the history's run recorded it, with every actor's evidence of it taken
   * at the end of its tick (history-runs.ts FindingHistory.record); undefined without a history.
   */
  findingRecord?: Violation;
  /**
   * For a `liveness.shootdown` finding, the stuck shootdown's events from its start (its acquire,
   * its LAUNCH, the ACKs on its register): the history's last events are the watchdog's and later
   * shootdowns', long after what explains the hang (QA). Undefined when none was made.
   */
  stuckHistory?: { id: number; lines: HistoryLine[] };
  /**
   * The replay itself was stopped by a signal (`ReplayHooks.stopped`): in its run (`run`: it is
   * not compared, exits 130, and has no history), or while its history was made (`history`: the
   * replay was judged, but its history is not shown, and it exits 130).
   */
  signalled?: 'run' | 'history';
}

/** How a file is replayed: on the deterministic engine (inline or threaded), or from a free run's log. */
export type ReplayHost = Host | 'free-log';

/**
 * A recorded run that Ctrl-C stopped, and how its replay stops. Ctrl-C is seen between two
 * events, at a different place each time, so the replay must stop at the same place to compare:
 *   - `same-events`: recorded inline, replayed inline: the inline host handles events one at a
 *     time in one global order, so the interrupted run was exactly its first `events` events; the
 *     replay stops after as many and gives the same digest;
 *   - `take-log`: a free run: its take log has each actor's events up to the stop, and the replay
 *     follows it;
 *   - `to-tick`: recorded on threads (or replayed on another host than inline): each worker stops
 *     at its own event, so no run stops where it did; the replay runs the same configuration up to
 *     the tick the recorded run reached, and is not compared.
 */
export interface InterruptedReplay {
  /** The tick the recorded run reached, and the events it handled, before Ctrl-C. */
  tick: number;
  events: number;
  /** The recorded run's duration (the replay's own is the tick when it runs `to-tick`). */
  durationTicks: number;
  how: 'same-events' | 'take-log' | 'to-tick';
}

async function runOnce(
  { run, runFree }: Runners,
  config: RunConfig,
  judged: { workload: Workload; sameAs: ReplayOutcome['sameAs'] },
  host: ReplayHost,
  file: FailureFile,
  where: string,
  stopAfterEvents: number | undefined,
  trace: TraceOptions | undefined,
  progress: ReplayProgress | undefined,
): Promise<{ result?: RunResult; raw?: RawRun; crash?: CrashInfo; crashTraces?: ActorTrace[] }> {
  try {
    const raw =
      host === 'free-log'
        ? await runFree(config, file.free!, `${where}: free`, {
            ...(trace === undefined ? {} : { trace }),
            ...(progress === undefined ? {} : { onProgress: (t, e, f) => progress.update(t, e, f) }),
          })
        : await run(config, {
            host,
            ...(progress === undefined ? {} : { onProgress: (t, e, f) => progress.update(t, e, f) }),
            ...(trace === undefined ? {} : { trace }),
            ...(stopAfterEvents === undefined ? {} : { stopAfterEvents }),
            // On threads, the actors placed as the recorded run placed them.
            ...(host === 'threaded' && file.options.workers !== undefined
              ? { placement: parsePlacement(file.options.workers, `${where}: options.workers`) }
              : {}),
          });
    // With the workload's question and headline, as the run's result has them (QA: the replay's
    // result and report left them out, its report had no Answer section), and judged as the
    // variant its options made the run, as `npusim run` judged it.
    const described = describedResult(config, machine.planMachine(config), raw, judged.workload);
    return { result: asItsVariant(described, config, judged.workload, judged.sameAs), raw };
  } catch (e) {
    if (e instanceof ActorCrashError)
      return { crash: e.crash, ...(e.traces === undefined ? {} : { crashTraces: e.traces }) };
    throw e;
  }
}

/**
 * What the replay records for --trace and --report, given the configuration it runs and the tick
 * of the file's first finding (undefined when it has none, or a crash, whose records end at the
 * crash anyway): the caller anchors its trace there, since the finding is what a replay is for.
 */
export type ReplayRecording = (
  config: RunConfig,
  findingTick: number | undefined,
) => Promise<TraceOptions | undefined>;

/** What the caller sees of a replay as it goes, and what it records. */
export interface ReplayHooks {
  recording?: ReplayRecording;
  run?: ReplayRunner;
  runFree?: FreeReplayRunner;
  /**
   * True once the caller stopped the replay's runs (Ctrl-C): a run it stopped is not the file's
   * run, so it is not compared, and the history is not made.
   */
  stopped?: () => boolean;
  /**
   * The file was read and checked and the host chosen; nothing has run yet. The command prints
   * its header here: a long replay printed nothing at all until it ended (QA). `stop`: where the
   * replay will stop short of its duration, as the recorded run did. `workload`: the file's
   * workload as loaded (its own parameters say which topology is its default).
   */
  onStart?: (file: FailureFile, host: ReplayHost, stop: ReplayStop | undefined, workload: Workload) => void;
  /**
   * A progress display for a run of `config` (`label` undefined: the replayed run; `history`:
   * the history's run up to the finding), fed by the runtime's onProgress, which an inline run
   * and a free run's replay from its take log call from this thread as they go (no timer could:
   * the run holds the thread), and stopped when the run ends. `stop`: the replayed run stops
   * there, short of the configuration's duration. A free run's history replays its whole log
   * again (keeping events up to the finding): its display is the replayed run's, labelled.
   */
  progress?: (config: RunConfig, label?: string, stop?: ReplayStop) => ReplayProgress;
}

/**
 * Replay `text` (a failure file, or a recording of a clean run). `host` undefined: the file's own
 * (a free run always replays from its log, in this thread; asking for another host is refused).
 * `historyEvents`: events of each involved actor the history keeps; 0, no history (nor its run).
 */
export async function replayFailure(
  text: string,
  where: string,
  workloads: ReadonlyMap<string, Workload>,
  asked: Host | undefined,
  historyEvents = HISTORY_EVENTS_PER_ACTOR,
  hooks: ReplayHooks = {},
): Promise<ReplayOutcome> {
  const {
    file,
    config: recorded,
    workload,
  } = readFailureFile(text, where, workloads, await loadRecordedFile(text, where));
  // A free run replays from its take log in one thread: --inline asks for just that; threads
  // cannot replay it (their timing is what the log replaces).
  if (file.free !== null && asked === 'threaded') {
    throw new ConfigError(
      '--threads',
      `Expected no host or --inline for ${where}: it records a free run, which replays from its take log in one thread`,
    );
  }
  const host: ReplayHost =
    file.free !== null ? 'free-log' : (asked ?? (file.options.host === 'threaded' ? 'threaded' : 'inline'));
  const runners: Runners = { run: hooks.run ?? runRaw, runFree: hooks.runFree ?? freeRunHere };
  const interrupted = interruptedReplay(file, host, recorded.params.durationTicks);
  // Not compared: the same run up to the tick the recorded run reached (a duration of 0 is none).
  const config =
    interrupted?.how === 'to-tick'
      ? { ...recorded, params: { ...recorded.params, durationTicks: Math.max(1, interrupted.tick) } }
      : recorded;
  const stopAfter = interrupted?.how === 'same-events' ? interrupted.events : undefined;
  const findingTick =
    file.first === null || file.first.rule === 'crash' || file.first.tick > config.params.durationTicks
      ? undefined
      : file.first.tick;
  // A take log that does not decode is refused before the header (QA: a header, then exit 2,
  // read as a replay begun); a deterministic file's fields were all checked when read.
  if (file.free !== null) {
    checkFreeRunLog(config, file.free, `${where}: free`);
    checkTakeLogsEnd(file, where, recorded.params.durationTicks);
  }
  const trace = await hooks.recording?.(config, findingTick);
  const stop = replayStop(file, interrupted);
  hooks.onStart?.(file, host, stop, workload);
  const progress = hooks.progress?.(config, undefined, stop);
  const sameAs = fileMatchedVariant(recorded, workload);
  let ran: Awaited<ReturnType<typeof runOnce>>;
  try {
    ran = await runOnce(runners, config, { workload, sameAs }, host, file, where, stopAfter, trace, progress);
  } finally {
    progress?.stop();
  }
  const { result, raw, crash, crashTraces } = ran;
  // Stopped by the caller, not where the recorded run stopped (a signal just after that stop
  // does not count: the replay had run as far as it was to).
  // A free run's replay ends `interrupted` where its log does too: stopped short of the log's events.
  const stopsAfter = stopAfter ?? (file.free === null ? undefined : takeLogEvents(file.free));
  const signalled =
    hooks.stopped?.() === true &&
    result?.status === 'interrupted' &&
    (stopsAfter === undefined || result.engine.events < stopsAfter);
  const notCompared = signalled
    ? 'the replay was interrupted (Ctrl-C, SIGTERM or SIGHUP) before it finished, so it cannot be compared with the file'
    : interrupted?.how === 'to-tick'
      ? notComparedReason(file, host)
      : undefined;
  const found =
    crash !== undefined ? crashFinding(crash) : result === undefined ? undefined : firstFinding(result);
  const live = result === undefined ? undefined : firstFinding({ liveness: result.liveness, violations: [] });
  const configEdited = file.configDigest !== undefined && configDigestOf(recorded) !== file.configDigest;
  const mismatches =
    notCompared !== undefined
      ? []
      : [
          // A recording from before the class `interrupted` kept no finding: its digest covers them.
          ...(file.exit.class === 'clean' && interrupted !== undefined
            ? []
            : findingMismatches(file.first, found, interrupted !== undefined)),
          ...(result !== undefined && file.first?.rule !== 'crash' && result.digest !== file.digest
            ? [`expected digest ${file.digest}, got ${result.digest}`]
            : []),
          // The class is not in the digest either: a file whose class was edited (liveness for a
          // violation) was reported as reproduced, and the replay exited with its own class (QA).
          ...(result !== undefined &&
          interrupted === undefined &&
          file.first?.rule !== 'crash' &&
          result.status !== file.exit.class
            ? [
                `expected the exit class ${file.exit.class} (exit.class, exit ${file.exit.code}), got ${result.status} (exit ${result.exitCode})`,
              ]
            : []),
          // The configuration the file gives is the one the run wrote: the run's digest holds an
          // edit of it, but a crash's file has no digest (QA: an edited one was reproduced).
          ...(configEdited
            ? [
                `expected the configuration the run wrote (configDigest ${file.configDigest}), got one of digest ${configDigestOf(recorded)}: the file was edited`,
              ]
            : []),
          // Stopped after the same events, or ended before them: a file that says the run handled
          // more events than it has is not this run.
          ...(stopAfter !== undefined && result !== undefined && result.engine.events !== stopAfter
            ? [
                `expected the run to stop after ${stopAfter} events, got its end after ${result.engine.events}`,
              ]
            : []),
          // The file's figures are not in its digest: a replay that reproduced the digest must
          // still have handled the events and reached the tick the file says (an edited figure
          // was reported as reproduced, its stop printed as the file had it).
          // A crash's file counts no events (the run had no end to count them at): a replay of it
          // that did not crash is said so by its finding alone (QA: `expected 0 events`).
          ...(result !== undefined &&
          stopAfter === undefined &&
          file.first?.rule !== 'crash' &&
          result.engine.events !== file.figures.events
            ? [`expected ${file.figures.events} events (figures.events), got ${result.engine.events}`]
            : []),
          ...(result !== undefined &&
          file.first?.rule !== 'crash' &&
          result.simulatedTicks !== file.figures.simulatedTicks
            ? [
                `expected the run to reach tick ${file.figures.simulatedTicks} (figures.simulatedTicks), got ${result.simulatedTicks}`,
              ]
            : []),
        ];
  // None asked (historyEvents 0), or the replay stopped: the history's second run is not made.
  const made =
    found === undefined || historyEvents === 0 || signalled
      ? { lines: [] }
      : await historyFor(runners, config, found, historyEvents, {
          freeFile: host === 'free-log' ? file : undefined,
          where,
          showProgress: hooks.progress,
          stop,
          stopped: hooks.stopped,
        });
  const stuck =
    made === undefined || made.lines.length === 0 || found === undefined || host === 'free-log' || signalled
      ? undefined
      : await stuckHistoryFor(runners, config, found, historyEvents, hooks.progress, hooks.stopped);
  // A history whose run a signal stopped may not reach the finding: not shown.
  const historyCut = made === undefined || stuck === null;
  const history = made?.lines ?? [];
  const exitCode =
    signalled || historyCut
      ? EXIT.interrupted
      : mismatches.length > 0
        ? EXIT.notReproduced
        : ownExitCode(result);
  return {
    file,
    config,
    workload,
    sameAs,
    configEdited,
    host,
    result,
    raw,
    crash,
    crashTraces,
    found,
    liveness: live && { rule: live.rule, tick: live.tick, message: live.message },
    mismatches,
    notCompared,
    interrupted,
    exitCode,
    history,
    ...(made?.record === undefined ? {} : { findingRecord: made.record }),
    ...(stuck === undefined || stuck === null ? {} : { stuckHistory: stuck }),
    ...(signalled ? { signalled: 'run' as const } : historyCut ? { signalled: 'history' as const } : {}),
  };
}

/** What `npusim replay --json` adds to the run's result as `replay` (less `file`), and the library's replay gives. */
export interface ReplayVerdict {
  host: ReplayHost;
  /** null: not compared (a recording of an interrupted run no replay can stop where it did). */
  reproduced: boolean | null;
  mismatches: string[];
  /**
   * What the replay exits with, which is not always the run's own `exitCode` (the replay of a
   * recording Ctrl-C stopped was itself not interrupted: 0, not the recorded run's 130).
   */
  exitCode: number;
  notCompared?: string;
  recorded: {
    first: FirstFinding | null;
    /** A crash has no digest (its file holds a placeholder of zeros): null, as the text says. */
    digest: string | null;
    interrupted?: { tick: number; events: number };
    /** A shrink's result: the run it was shrunk from and the shrink's runs (FailureFile `shrink`). */
    shrink?: ShrinkMark;
  };
}

export function replayVerdict(r: ReplayOutcome): ReplayVerdict {
  const want = r.file.first;
  return {
    host: r.host,
    reproduced: r.notCompared !== undefined ? null : r.mismatches.length === 0,
    mismatches: r.mismatches,
    exitCode: r.exitCode,
    ...(r.notCompared === undefined ? {} : { notCompared: r.notCompared }),
    recorded: {
      first: want,
      digest: want?.rule === 'crash' ? null : r.file.digest,
      ...(r.interrupted === undefined
        ? {}
        : { interrupted: { tick: r.interrupted.tick, events: r.interrupted.events } }),
      ...(r.file.shrink === undefined ? {} : { shrink: r.file.shrink }),
    },
  };
}

/**
 * The replay's reproduce line: `npusim replay FILE`, with the host when one was asked. Not a `run`
 * line: a `run` line re-measures a PCT run's steps, which a shrunk file's (kept from the run it was
 * shrunk from) are not, has no option for a recorded choice log, and races anew for a free run (QA:
 * a shrunk PCT file's `run` line was another run).
 */
export function replayReproduceLine(path: string, asked: Host | undefined): string {
  return `npusim replay ${shellWord(path)}${asked === undefined ? '' : asked === 'inline' ? ' --inline' : ' --threads'}`;
}

/**
 * The replayed run's result (`npusim replay --json`, --out, --trace and --report alike, and the
 * library's replay), its reproduce line `reproduce` (undefined: the run's own). A replay whose run crashed has the result
 * `npusim run --json` gives a crash (status `crash`, the crash, no figures, `wallMs` its time), so
 * a script reads `.status` and `.crash` either way.
 */
export function replayedResult(
  r: ReplayOutcome,
  reproduce: string | undefined,
  wallMs: number,
): RunResult | undefined {
  const result =
    r.result ??
    (r.crash === undefined
      ? undefined
      : failedRunResult(
          r.config,
          machine.planMachine(r.config),
          r.host === 'free-log' ? 'free' : r.host,
          { kind: 'crash', crash: r.crash },
          wallMs,
        ));
  if (result !== undefined && reproduce !== undefined) result.reproduce = reproduce;
  // A crash judged as `npusim run` judges one (cli/run-failure-report.ts): by the variant its
  // options made it or it ran alone, else by what the workload expects.
  if (r.result === undefined && result !== undefined) asItsVariant(result, r.config, r.workload, r.sameAs);
  return result;
}

/**
 * The variant the file's run is by its options, as `npusim run` matched it
 * (model/scenario/matched-variant.ts, which run, sweep and runWorkload ask): `--bug single-flush`
 * alone is flush-race's `single-flush`, judged by what that variant expects, where the replay
 * judged it by the workload's own declaration (QA: run said `variant single-flush`, its replay
 * `as declared`). The file keeps no record of which options were typed, so they are those of its
 * reproduce line (report/reproduce-line.ts), the command that gives this run: every `--set`, and
 * each option that is a parameter (`--duration`, `--topology`, `--policy`) not set by one, then
 * its `--bug`s and `--profile`. Those options set each parameter to the run's own value, so the
 * same variants match as for the line typed. None for a `--variant` run: it is judged as the
 * variant it names (described-result.ts asItsVariant), as run judges it.
 */
export function fileMatchedVariant(config: RunConfig, workload: Workload): ReplayOutcome['sameAs'] {
  if (config.variant !== undefined) return undefined;
  const setPaths = new Set((config.set ?? []).map((s) => s.path));
  const overrides: ParamOverride[] = [
    ...(config.set ?? []).map((s) => ({ path: s.path, value: s.value, by: `--set ${s.path}` })),
    ...(Object.keys(OPTION_OF_PARAM) as ParamWithOption[])
      .filter((param) => !setPaths.has(param))
      .map((param) => ({ path: param, value: config.params[param], by: OPTION_OF_PARAM[param] })),
  ];
  const profile = config.profile === undefined ? undefined : { name: config.profile, by: '--profile' };
  const match = matchedVariant(workload, overrides, profile, { names: config.bugs, by: '--bug' });
  return match === undefined ? undefined : { variant: match.variant, by: overridesText(match.by) };
}

/** How the replay of a recorded interrupted run stops; undefined for a run that was not stopped. */
function interruptedReplay(
  file: FailureFile,
  host: ReplayHost,
  durationTicks: number,
): InterruptedReplay | undefined {
  if (!recordsInterruptedRun(file)) return undefined;
  const where = { tick: file.figures.simulatedTicks, events: file.figures.events, durationTicks };
  if (host === 'free-log') return { ...where, how: 'take-log' };
  if (host === 'inline' && file.options.host === 'inline') return { ...where, how: 'same-events' };
  return { ...where, how: 'to-tick' };
}

/**
 * Where the replay stops short of its configuration's duration: where the recorded run was
 * interrupted (after the same events, or run to that tick), or, with --stop-on-first, where the
 * recorded run stopped at its first finding (the tick after it: checkReach in failure-file.ts),
 * where a replay that reproduces it stops too. Undefined when it runs to its duration.
 */
function replayStop(file: FailureFile, interrupted: InterruptedReplay | undefined): ReplayStop | undefined {
  const tick = file.figures.simulatedTicks;
  // A run stopped before its first tick has no progress to show out of it.
  if (tick <= 0) return undefined;
  if (interrupted !== undefined) return { tick, why: 'interrupted' };
  if (recordedStop(file) !== 'first-finding' || file.exit.class === 'crash') return undefined;
  return { tick, why: 'first-finding' };
}

function notComparedReason(file: FailureFile, host: ReplayHost): string {
  return file.options.host === 'threaded'
    ? 'the recorded run was interrupted on threads, where each worker stops at its own event, so no replay can stop where it did and its digest cannot be compared'
    : `the recorded run was interrupted inline, and only an inline replay stops after the same events (this one ran ${host}), so its digest cannot be compared`;
}

/**
 * The replayed run's own exit code: a crash 4, else its status's. A replay stopped where a recorded
 * interrupted run stopped was not itself interrupted: what it found decides (0 when nothing).
 */
function ownExitCode(result: RunResult | undefined): number {
  if (result === undefined) return EXIT.crash;
  if (result.status !== 'interrupted') return result.exitCode;
  return statusOf('end', result.violations.length, result.liveness.length).exitCode;
}

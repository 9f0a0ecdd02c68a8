/**
 * A failure file replayed from a library: what `npusim replay FILE --json` does, without a command
 * line. The file is read as the command reads it (bounded: io/failure-file-text.ts) and checked
 * and replayed by the command's own code (repro/replay.ts): the same refusals, as ConfigErrors
 * with the same messages, the same run, the same verdict.
 *
 * What it does not do that the command does: print (no header, progress or history text: the
 * history comes back as lines, `formatHistory`'s to print), write --out, --trace or --report
 * files, or default to the file's own host (a library's runs default to `inline`, as
 * runWorkload's do). A free run's file replays from its take log in this thread, as the command
 * replays it.
 */

import { ConfigError } from '../core/errors.js';
import type { Violation } from '../model/check/violation.js';
import type { Workload } from '../model/scenario/workload.js';
import type { RunResult } from '../report/run-result.js';
import type { FirstFinding } from '../repro/failure-file.js';
import type { HistoryLine } from '../repro/history.js';
import {
  HISTORY_EVENTS_PER_ACTOR,
  type ReplayOutcome,
  type ReplayVerdict,
  replayedResult,
  replayFailure,
  replayReproduceLine,
  replayVerdict,
} from '../repro/replay.js';
import type { Host } from '../runtime/engine.js';
import { loadWorkloads } from '../runtime/workload-registry.js';
import { shown } from './check-run-input.js';
import { checkedWorkloads, checkFailureFileOptions, failureFileInput } from './failure-file-input.js';

export interface ReplayFailureFileOptions {
  /**
   * `inline` (default, in this thread) or `threaded`, as `npusim replay --inline` and
   * `--threads`. A free run's file replays from its take log in this thread whatever is asked
   * (`threaded` is refused for it, as `--threads` is).
   */
  host?: Host;
  /**
   * Events of each actor the finding names that the history keeps (default 40, the command's);
   * 0: no history, and no second run to make it. Whole number from 0 to 1000.
   */
  historyEvents?: number;
  /**
   * What `pathOrText` is called when it is the file's text: messages name it, and the result's
   * reproduce line is `npusim replay NAME`. Default: messages say `failure file`, and the
   * reproduce line stays the run's own `npusim run` line (which, for a shrunk or a free run's file,
   * is not this run: name the file to have a line that is).
   */
  name?: string;
  /**
   * The workloads a file may name, by name: default the built-ins (loadWorkloads()). A file of a
   * workload file (`workload.file`) loads that file, as the command does.
   */
  workloads?: ReadonlyMap<string, Workload>;
}

/** A replay's outcome: `npusim replay --json`'s `replay` object, its run's result, and the history. */
export interface FailureReplay extends ReplayVerdict {
  /** The path the file was read from; undefined when its text was given. */
  file: string | undefined;
  /**
   * The replayed run's result, as `npusim replay --json` gives it: for a replay that crashed, the
   * result `npusim run --json` gives a crash (status `crash`, `crash` set, no figures).
   */
  result: RunResult;
  /** What the replay found first (null: nothing); `recorded.first` is what the file says. */
  found: FirstFinding | null;
  /**
   * Whether the replay's first finding is the file's (rule and tick; a crash's actor too); null
   * when not compared (`notCompared`), or a recording of an interrupted clean run (none kept).
   */
  findingMatched: boolean | null;
  /** Whether the replay's digest is the file's; null when not compared, or a crash (no digest). */
  digestMatched: boolean | null;
  /** The last events of the actors the finding names, in causal order (empty: none, or not asked). */
  history: HistoryLine[];
  /**
   * The first finding as the history's run recorded it, with every actor's evidence of it taken at
   * the end of its tick (what `npusim replay` prints as "the oracle's record of it"): the result's
   * own violations carry the evidence left at the end of the run, which may have lost it.
   * Undefined without a history (none asked, a crash, a clean replay).
   */
  findingRecord?: Violation;
  /**
   * For a `liveness.shootdown` finding, the stuck shootdown's own events from its start (its
   * acquire, its LAUNCH, the ACKs on its register), as `npusim replay` prints them.
   */
  stuckHistory?: { id: number; lines: HistoryLine[] };
}

/** Every option replayFailureFile takes: another key is a misspelling, refused rather than dropped. */
const OPTION_KEYS: readonly string[] = ['host', 'historyEvents', 'name', 'workloads'];

/** The most history events per actor a caller may ask for (each is kept in memory for the run). */
const MAX_HISTORY_EVENTS = 1000;

/**
 * Replays a failure file (its path, or its JSON text: a string whose first non-blank character is
 * `{`) and resolves with whether it reproduced: the same first finding at the same tick and the
 * same digest (`reproduced`, `mismatches`, `findingMatched`, `digestMatched`), the replayed run's
 * result and the history up to the finding. `exitCode` is the command's (5 when not reproduced).
 * A file the command refuses (unreadable, not JSON, another npusim's, a field out of range, a
 * workload that changed) is a ConfigError with the command's message, before anything runs; a
 * replay that crashes resolves (status `crash`), since a crash is what such a file records.
 */
export async function replayFailureFile(
  pathOrText: string,
  options: ReplayFailureFileOptions = {},
): Promise<FailureReplay> {
  checkOptions(options);
  const input = failureFileInput(pathOrText, options.name);
  const { path, where } = input;
  const text = input.text();
  const workloads =
    options.workloads === undefined ? await loadWorkloads() : checkedWorkloads(options.workloads);
  const host = options.host === undefined ? 'inline' : options.host;
  const started = performance.now();
  let r: ReplayOutcome;
  try {
    r = await replayFailure(text, where, workloads, host, options.historyEvents ?? HISTORY_EVENTS_PER_ACTOR);
  } catch (e) {
    // The command's refusal names its option; here the option is `host`.
    if (e instanceof ConfigError && e.field === '--threads') {
      throw new ConfigError(
        'host',
        `Expected host \`inline\` (or none) for ${where}: it records a free run, which replays from its take log in one thread, got \`threaded\``,
      );
    }
    throw e;
  }
  const named = path ?? options.name;
  const result = replayedResult(
    r,
    named === undefined ? undefined : replayReproduceLine(named, host),
    performance.now() - started,
  );
  // runOnce gives a result or a crash, and a crash is made a result: never neither.
  if (result === undefined)
    throw new Error(`replayFailureFile: ${where}: expected a result or a crash, got neither`);
  const verdict = replayVerdict(r);
  const compared = r.notCompared === undefined;
  const want = r.file.first;
  return {
    file: path,
    ...verdict,
    result,
    found: r.found ?? null,
    findingMatched:
      !compared || (r.file.exit.class === 'clean' && r.interrupted !== undefined)
        ? null
        : sameFinding(want, r.found),
    digestMatched:
      !compared || verdict.recorded.digest === null ? null : result.digest === verdict.recorded.digest,
    history: r.history,
    ...(r.findingRecord === undefined ? {} : { findingRecord: r.findingRecord }),
    ...(r.stuckHistory === undefined ? {} : { stuckHistory: r.stuckHistory }),
  };
}

/** The replay's first finding is the file's: rule and tick, and for a crash the actor. */
function sameFinding(want: FirstFinding | null, found: FirstFinding | undefined): boolean {
  if (want === null || found === undefined) return want === null && found === undefined;
  if (want.rule !== found.rule || want.tick !== found.tick) return false;
  return want.rule !== 'crash' || want.actors[0] === found.actors[0];
}

function checkOptions(options: ReplayFailureFileOptions): void {
  checkFailureFileOptions('replayFailureFile', OPTION_KEYS, options);
  if (options.host !== undefined && options.host !== 'inline' && options.host !== 'threaded') {
    throw new ConfigError('host', `Expected \`inline\` or \`threaded\`, got ${shown(options.host)}`);
  }
  const h = options.historyEvents;
  if (
    h !== undefined &&
    !(typeof h === 'number' && Number.isSafeInteger(h) && h >= 0 && h <= MAX_HISTORY_EVENTS)
  ) {
    throw new ConfigError(
      'historyEvents',
      `Expected a whole number of events from 0 to ${MAX_HISTORY_EVENTS}, got ${shown(h)}`,
    );
  }
}

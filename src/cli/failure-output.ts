/**
 * A failing run's failure file (src/repro/failure-file.ts), written into the failures directory
 * (made if missing), and the one line to paste: `npusim replay FILE`. The same file, for any run,
 * clean or not, at the path `--record` names. A file that cannot be written is said on stderr; a
 * failure file's leaves the run's own exit code standing, a `--record` file's makes the caller
 * exit 2 at least (an output the user asked for was lost, as with `--out`).
 *
 * A failure file is evidence: one is never replaced by another failure's file; where it goes is
 * repro/keep-failure-file.ts's rule (the same for `npusim sweep`), a new name said on stderr. A
 * `--record` path is the user's to overwrite.
 */

import { shellWord } from '../core/shell-word.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import type { Workload } from '../model/scenario/workload.js';
import { workersWords } from '../report/reproduce-line.js';
import type { RunResult } from '../report/run-result.js';
import {
  buildFailureFile,
  type ExitClass,
  type FailureFile,
  type FirstFinding,
  NO_DIGEST,
} from '../repro/failure-file.js';
import { crashFinding, exitClassOf, firstFinding } from '../repro/first-finding.js';
import { keepFailureFile } from '../repro/keep-failure-file.js';
import { writeWholeFile } from '../repro/write-whole-file.js';
import type { FreeLog } from '../runtime/free/free-log.js';
import { type CliIo, sayText } from './cli-io.js';
import { describeErrno, errnoOf } from './output-path.js';

/**
 * The replay file of a run: its first finding (null when clean) and, for a free run, its log. A run
 * Ctrl-C stopped is recorded as `interrupted`, with what it had found by then and (in `figures`)
 * the tick it reached and the events it handled: where a replay must stop to compare with it.
 */
function replayFileOf(
  result: RunResult,
  config: RunConfig,
  workload: Workload,
  free: FreeLog | undefined,
): FailureFile {
  let first: FirstFinding | undefined;
  let exitClass: ExitClass | 'interrupted' | undefined;
  if (result.status === 'crash' && result.crash !== undefined) {
    first = crashFinding(result.crash);
    exitClass = 'crash';
  } else if (result.status === 'violation' || result.status === 'liveness') {
    first = firstFinding(result);
    exitClass = exitClassOf(result);
  } else if (result.status === 'interrupted') {
    first = firstFinding(result);
    exitClass = 'interrupted';
  }
  const failed = first !== undefined && exitClass !== undefined;
  return buildFailureFile({
    config,
    workload,
    host: free !== undefined ? 'free' : result.host,
    // The placement the reproduce line names (`--workers P`), none for one worker per actor.
    ...(workersWords(result.engine.placement).length > 0 ? { workers: result.engine.placement } : {}),
    digest: result.digest === '' ? NO_DIGEST : result.digest,
    exitClass: exitClass === 'interrupted' ? exitClass : failed ? exitClass! : 'clean',
    exitCode: result.exitCode,
    first: first ?? null,
    simulatedTicks: result.simulatedTicks,
    events: result.engine.events,
    ...(free === undefined ? {} : { free }),
  });
}

/**
 * Write the failure file of a failing run into `dir`; returns its path (undefined: none). With
 * `announce` false the caller says it (`replayFileLines`) where it chooses: `npusim run` says it
 * last, after its summary, where it does not scroll off.
 */
export function writeFailureFile(
  result: RunResult,
  config: RunConfig,
  workload: Workload,
  dir: string | undefined,
  io: CliIo,
  free?: FreeLog,
  announce = true,
): string | undefined {
  if (dir === undefined) return undefined;
  const file = replayFileOf(result, config, workload, free);
  if (file.first === null) return undefined;
  // A run stopped by Ctrl-C after a finding keeps it too: the finding happened, in events that
  // were handled, and a free run's race is in no seed, only in its take log up to the stop (QA: a
  // free run stopped after 840 violations left no file, and the race was gone). Its file is
  // marked interrupted, so its replay runs to the same stop (docs: "Failure files").
  const path = keepFailureFile(dir, file, (line) => io.stderr.write(sayText(line)));
  if (path === undefined) return undefined;
  if (announce)
    io.stderr.write(replayFileLines({ failureFile: path, interrupted: result.status === 'interrupted' }));
  return path;
}

/**
 * The closing lines of a run that wrote a replay file: for each file written, the line that says
 * so and the command that replays it alone on the next; the failure file's last (it is what
 * failed; a --record file is the user's copy of any run). Said after the summary, where it does
 * not scroll off (QA): the command to copy is the last thing printed.
 */
export function replayFileLines(files: {
  failureFile?: string | undefined;
  recordFile?: string | undefined;
  interrupted: boolean;
}): string {
  const recorded =
    files.recordFile === undefined
      ? ''
      : `npusim: run recorded; replay it with:\nnpusim replay ${shellWord(files.recordFile)}\n`;
  return files.failureFile === undefined
    ? recorded
    : `${recorded}${failureFileLines(files.failureFile, files.interrupted)}`;
}

/** The two lines that say a failure file was written and how to replay it, the command alone on the last. */
function failureFileLines(path: string, interrupted: boolean): string {
  const what = interrupted ? 'failure file of the interrupted run' : 'failure file';
  return `npusim: ${what} written; replay it with:\nnpusim replay ${shellWord(path)}\n`;
}

/**
 * --record FILE: the replay file of any run, clean or not; false when it could not be written
 * (said on stderr). The caller says it was written, with its replay command, among the run's
 * closing lines (replayFileLines).
 */
export function writeRecording(
  path: string,
  result: RunResult,
  config: RunConfig,
  workload: Workload,
  io: CliIo,
  free?: FreeLog,
): boolean {
  const file = replayFileOf(result, config, workload, free);
  try {
    writeWholeFile(path, `${JSON.stringify(file, null, 2)}\n`);
  } catch (e) {
    // Said before the summary (which follows): in the words of every output that could not be
    // written (output-path.ts describeErrno); the caller exits 2 and says so after the summary.
    io.stderr.write(
      `npusim: --record: could not write \`${path}\`: ${describeErrno(errnoOf(e), path)}; no replay file was written\n`,
    );
    return false;
  }
  return true;
}

/**
 * A failing run's failure file (src/repro/failure-file.ts), written into the failures directory
 * (made if missing), and the one line to paste: `npusim replay FILE`. The same file, for any run,
 * clean or not, at the path `--record` names. A file that cannot be written is said on stderr;
 * the run's own exit code stands.
 *
 * A failure file is evidence: one is never replaced by another failure's file. Its name carries
 * the failure's identity, so the same failure run again lands on its own file and rewrites it; a
 * name already taken by another failure (an identity that agrees in the 8 digits a name shows, a
 * file edited by hand) sends the new file to the next free name, `NAME-2.json` and on, said on
 * stderr. A `--record` path is the user's to overwrite.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../model/scenario/run-config.js';
import type { Workload } from '../model/scenario/workload.js';
import type { RunResult } from '../report/run-result.js';
import {
  buildFailureFile,
  type ExitClass,
  type FailureFile,
  type FirstFinding,
  failureFileName,
  failureIdentity,
  NO_DIGEST,
} from '../repro/failure-file.js';
import { crashFinding, exitClassOf, firstFinding } from '../repro/first-finding.js';
import type { FreeLog } from '../runtime/free/free-log.js';
import type { CliIo } from './cli-io.js';

/** The replay file of a run: its first finding (null when clean) and, for a free run, its log. */
function replayFileOf(
  result: RunResult,
  config: RunConfig,
  workload: Workload,
  free: FreeLog | undefined,
): FailureFile {
  let first: FirstFinding | undefined;
  let exitClass: ExitClass | undefined;
  if (result.status === 'crash' && result.crash !== undefined) {
    first = crashFinding(result.crash);
    exitClass = 'crash';
  } else if (result.status === 'violation' || result.status === 'liveness') {
    first = firstFinding(result);
    exitClass = exitClassOf(result);
  }
  const failed = first !== undefined && exitClass !== undefined;
  return buildFailureFile({
    config,
    workload,
    host: free !== undefined ? 'free' : result.host,
    digest: result.digest === '' ? NO_DIGEST : result.digest,
    exitClass: failed ? exitClass! : 'clean',
    exitCode: result.exitCode,
    first: failed ? first! : null,
    simulatedTicks: result.simulatedTicks,
    events: result.engine.events,
    ...(free === undefined ? {} : { free }),
  });
}

function write(path: string, file: FailureFile, what: string, io: CliIo): boolean {
  try {
    writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
    return true;
  } catch (e) {
    io.stderr.write(`npusim: the ${what} ${path} was not written: ${(e as Error).message}\n`);
    return false;
  }
}

/** Names tried for one failure file before giving up: far more than any directory will need. */
const MAX_NAME_TRIES = 100;

/**
 * Where `file` goes in `dir`: its own name, unless that holds another failure; then the first of
 * `NAME-2.json`, `NAME-3.json`, ... that is free or holds this same failure. Undefined: none of
 * them is (said on stderr).
 */
function failurePath(dir: string, file: FailureFile, io: CliIo): string | undefined {
  const name = failureFileName(file);
  const first = join(dir, name);
  for (let n = 1; n <= MAX_NAME_TRIES; n++) {
    const path = n === 1 ? first : join(dir, name.replace(/\.json$/, `-${n}.json`));
    if (existsSync(path) && !holdsFailure(path, file)) continue;
    if (n > 1) {
      io.stderr.write(
        `npusim: ${first} holds another failure with the same name; this one goes to ${path}\n`,
      );
    }
    return path;
  }
  io.stderr.write(
    `npusim: the failure file was not written: ${first} and the ${MAX_NAME_TRIES - 1} names after it all hold other failures\n`,
  );
  return undefined;
}

/** Whether the file at `path` is a failure file of the same failure as `file` (same identity). */
function holdsFailure(path: string, file: FailureFile): boolean {
  try {
    const there = JSON.parse(readFileSync(path, 'utf8')) as FailureFile;
    return failureIdentity(there) === failureIdentity(file);
  } catch {
    // Unreadable, not JSON, or not a failure file's shape: not this failure, so it is kept.
    return false;
  }
}

/** Write the failure file of a failing run into `dir`; returns its path (undefined: none). */
export function writeFailureFile(
  result: RunResult,
  config: RunConfig,
  workload: Workload,
  dir: string | undefined,
  io: CliIo,
  free?: FreeLog,
): string | undefined {
  if (dir === undefined) return undefined;
  const file = replayFileOf(result, config, workload, free);
  if (file.first === null) return undefined;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    const path = join(dir, failureFileName(file));
    io.stderr.write(`npusim: the failure file ${path} was not written: ${(e as Error).message}\n`);
    return undefined;
  }
  const path = failurePath(dir, file, io);
  if (path === undefined || !write(path, file, 'failure file', io)) return undefined;
  io.stderr.write(`npusim: failure file written; replay it with:\nnpusim replay ${path}\n`);
  return path;
}

/** --record FILE: the replay file of any run, clean or not. */
export function writeRecording(
  path: string,
  result: RunResult,
  config: RunConfig,
  workload: Workload,
  io: CliIo,
  free?: FreeLog,
): boolean {
  const ok = write(path, replayFileOf(result, config, workload, free), 'recording', io);
  if (ok) io.stderr.write(`npusim: run recorded; replay it with:\nnpusim replay ${path}\n`);
  return ok;
}

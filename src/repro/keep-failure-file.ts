/**
 * A failure file written into a failures directory (made with its parents if missing), the one
 * rule `npusim run` and `npusim sweep` both follow.
 *
 * A failure file is evidence: one is never replaced by another failure's file. Its name carries
 * the failure's identity (failure-file.ts `failureFileName`), so the same failure run again lands
 * on its own file and rewrites it; a name already taken by another failure (an identity that
 * agrees in the 8 digits a name shows, a file edited by hand) sends the new file to the next free
 * name, `NAME-2.json` and on. Whatever the caller should tell the user (the new name, a file that
 * could not be written) goes to `say`, one line each; the run's own outcome stands either way.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAILURE_FORMAT } from '../core/npusim-files.js';
import { withoutBom } from '../core/parse-json.js';
import { makeDirectory } from '../io/make-directory.js';
import { describeErrno } from '../io/output-check.js';
import { type FailureFile, failureFileName, failureIdentity } from './failure-file.js';
import { writeWholeFile } from './write-whole-file.js';

/** Names tried for one failure file before giving up: far more than any directory will need. */
const MAX_NAME_TRIES = 100;

/** Write `file` into `dir` under its own name or the next free one; returns its path (undefined: none). */
export function keepFailureFile(
  dir: string,
  file: FailureFile,
  say: (line: string) => void,
): string | undefined {
  const first = join(dir, failureFileName(file));
  try {
    makeDirectory(dir);
  } catch (e) {
    // In words, as --out's and --report's are (QA: `EEXIST: file already exists, mkdir ...`).
    say(`the failure file ${first} was not written: ${whyNotWritten(e, first)}`);
    return undefined;
  }
  const path = failurePath(first, file, say);
  if (path === undefined) return undefined;
  const before = placementThere(path);
  try {
    writeWholeFile(path, `${JSON.stringify(file, null, 2)}\n`);
  } catch (e) {
    say(`the failure file ${path} was not written: ${whyNotWritten(e, path)}`);
    return undefined;
  }
  // The same failure on another host: the file is replaced (its digest and finding are the same),
  // but `replay FILE` now runs on this run's host, which the file keeps because a race may belong
  // to one cut of the machine: said, not silent (QA).
  // A crash has no digest (its file's name hashes the crash): "the same crash" (QA).
  const now = placementText(file.options);
  const same = file.first?.rule === 'crash' ? 'the same crash' : 'same digest';
  if (before !== undefined && before !== now)
    say(`replaced ${path}: it recorded ${before}; this run's ${now} is kept instead (${same})`);
  return path;
}

/** How a failure file's run was hosted, in the run's options: `--inline`, `--workers 2`, `--free`. */
function placementText(options: Pick<FailureFile['options'], 'host' | 'workers'>): string {
  if (options.host === 'threaded') return `--workers ${options.workers ?? 'per-actor'}`;
  return `--${options.host}`;
}

/** The placement of the failure file at `path`; undefined when there is none, or it is unreadable. */
function placementThere(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const there = JSON.parse(readFileSync(path, 'utf8')) as FailureFile;
    return there.options === undefined ? undefined : placementText(there.options);
  } catch {
    return undefined;
  }
}

/**
 * Where `file` goes: `first`, unless that holds another failure; then the first of `NAME-2.json`,
 * `NAME-3.json`, ... that is free or holds this same failure. Undefined: none of them is.
 */
function failurePath(first: string, file: FailureFile, say: (line: string) => void): string | undefined {
  const path = freeFailurePath(first, file);
  if (path === undefined) {
    say(
      `the failure file was not written: ${first} and the ${MAX_NAME_TRIES - 1} names after it all hold other failures or files`,
    );
  } else if (path !== first) {
    // A file there that is no failure file (notes saved under that name) is said as what it is.
    const what = failureFileAt(first)
      ? 'another failure with the same name'
      : 'a file that is no failure file';
    say(`${first} holds ${what}; this one goes to ${path}`);
  }
  return path;
}

/**
 * `first`, or the first of `NAME-2.json`, `NAME-3.json`, ... after it, that is free or holds this
 * same failure (its identity): the name rule of failure files, which `npusim shrink` follows for
 * its default `.shrunk.json` too. `usable` skips a name (shrink's: a directory, or its input under
 * a link). Undefined when all of them hold others.
 */
export function freeFailurePath(
  first: string,
  file: FailureFile,
  usable: (path: string) => boolean = () => true,
): string | undefined {
  for (let n = 1; n <= MAX_NAME_TRIES; n++) {
    const path = n === 1 ? first : first.replace(/(\.json)?$/, `-${n}.json`);
    if (usable(path) && (!existsSync(path) || holdsFailure(path, file))) return path;
  }
  return undefined;
}

/** Whether `path` holds an npusim failure file (of any failure), by its format. */
function failureFileAt(path: string): boolean {
  try {
    const there = JSON.parse(withoutBom(readFileSync(path, 'utf8'))) as { format?: unknown } | null;
    return there?.format === FAILURE_FORMAT;
  } catch {
    return false;
  }
}

/** Whether the file at `path` is a failure file of the same failure as `file` (same identity). */
function holdsFailure(path: string, file: FailureFile): boolean {
  try {
    const there = JSON.parse(withoutBom(readFileSync(path, 'utf8'))) as FailureFile;
    return failureIdentity(there) === failureIdentity(file);
  } catch {
    // Unreadable, not JSON, or not a failure file's shape: not this failure, so it is kept.
    return false;
  }
}

/**
 * Why `path` was not written, in words: an errno code as --out's and --report's are said, else the
 * error's own; a failure file's and a sweep's run result's alike (QA: the latter said Node's raw
 * `EISDIR: illegal operation on a directory, open '...'`).
 */
export function whyNotWritten(e: unknown, path: string): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === undefined ? (e as Error).message : describeErrno(code, path);
}

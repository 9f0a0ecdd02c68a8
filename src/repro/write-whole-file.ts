/**
 * Every file a command writes (a result, report, trace, failure file, recording, shrunk file, sweep
 * summary) is written whole or not at all: into a temporary file beside it, then renamed over it.
 * A write that fails part-way (the disk filled during the run) then leaves the file that was there
 * before, untouched, and no fragment of the new one: "the file was not written" stays true, and a
 * failure file kept as evidence is never replaced by half of another.
 *
 * Where a rename cannot stand for the write, the file is written in place as before: a target
 * that is not a regular file (/dev/stdout, a FIFO: renaming over a device node would replace it;
 * a pipe through src/io/pipe-write.ts, which waits for a reader and for room, bounded),
 * and a directory in which no temporary file can be made (a writable file in a read-only
 * directory: the check before the run refuses it, io/output-check.ts, so only a write that had no
 * such check comes here, and a write that fails part-way there cuts the file). A symbolic link is followed, so the file it names is replaced (or made, for a link
 * to a file not there yet) and the link kept. An existing file's permission bits carry over to its
 * replacement. A new file's missing directories, with their parents, are made just before it is
 * written (`--out results/r.json` on a fresh workspace, as `--failures` makes its directory): the
 * check before the run made none, so a run refused or stopped before its write leaves no folder.
 */

import { chmodSync, renameSync, type Stats, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { NAME_MAX } from '../core/name-max.js';
import { makeDirectory } from '../io/make-directory.js';
import { writeToPipe } from '../io/pipe-write.js';
import { writeTarget } from '../io/write-target.js';

/** The writes this module makes; the tests give one that fails part-way, as a full disk does. */
export interface WholeFileFs {
  writeFileSync: (path: string, data: string | Uint8Array, options: { flag: string; mode?: number }) => void;
}

const REAL_FS: WholeFileFs = { writeFileSync };

/** Errors on making the temporary file that mean "write in place instead", not "failed". */
const NO_TEMP_HERE = new Set(['EACCES', 'EPERM', 'EROFS']);

let serial = 0;

/** Write `data` to `path` whole: the old file stays as it was if this throws. */
export function writeWholeFile(path: string, data: string | Uint8Array, fs: WholeFileFs = REAL_FS): void {
  // Through symbolic links: the file a link names is replaced (or made, for a link to a file not
  // there yet) and the link kept (io/write-target.ts).
  const target = writeTarget(path);
  const existing = statOrUndefined(target);
  if (existing !== undefined && !existing.isFile()) {
    // A pipe's open and writes could block for ever (no reader, or one that reads nothing).
    if (existing.isFIFO()) writeToPipe(target, data);
    else fs.writeFileSync(target, data, { flag: 'w' });
    return;
  }
  // `mkdir -p` that always ends (Node's recursive mkdir spins for ever under /proc); a refusal
  // (ENOTDIR under a file, EACCES) is thrown as the system gave it, as a failed write is.
  if (existing === undefined) makeDirectory(dirname(target));
  // Unique to this process, thread and write: a sweep's pool threads write failure files at once.
  // A name whose temporary twin would pass the file system's 255 bytes gets a short one (QA: a
  // 250-byte name, legal, was refused as too long after the run).
  const unique = `${process.pid}-${threadId}-${serial++}.tmp`;
  const twin = `.${basename(target)}.${unique}`;
  const temp = join(dirname(target), Buffer.byteLength(twin) <= NAME_MAX ? twin : `.npusim-${unique}`);
  try {
    fs.writeFileSync(temp, data, { flag: 'wx', mode: 0o666 });
  } catch (e) {
    removeQuietly(temp);
    if (NO_TEMP_HERE.has((e as NodeJS.ErrnoException).code ?? '')) {
      fs.writeFileSync(target, data, { flag: 'w' });
      return;
    }
    throw namingTarget(e, temp, path);
  }
  try {
    if (existing !== undefined) chmodSync(temp, existing.mode & 0o7777);
    renameSync(temp, target);
  } catch (e) {
    removeQuietly(temp);
    throw namingTarget(e, temp, path);
  }
}

/**
 * Node's error names the file it failed on: the temporary one, which the user never asked for and
 * which is gone by now. Named as the file asked for instead (QA: a sweep on a full device said
 * `ENOSPC: ..., open '.../.flush-race-seed3-....json.4242-1-7.tmp'` in its note).
 */
function namingTarget(e: unknown, temp: string, path: string): unknown {
  if (!(e instanceof Error)) return e;
  e.message = e.message.replaceAll(temp, path);
  const errno = e as NodeJS.ErrnoException;
  if (errno.path === temp) errno.path = path;
  return e;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Never made, or already gone: nothing is left behind either way.
  }
}

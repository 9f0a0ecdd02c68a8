/**
 * The paths a library call writes (`writeTraceFile`, `writeHtmlReport`, `shrinkFailureFile`'s
 * `out`, `sweepWorkload`'s `failuresDir`), checked before the work that fills them as the command
 * line checks its outputs, by the same check (io/output-check.ts): the directory exists (or can be
 * made, for a directory), is one, and takes a new file; there is space on its device. QA: the
 * library checked only that the directory existed, so a read-only directory or /proc surfaced after
 * the whole shrink as a raw EACCES, or ENOENT naming the temporary file beside the target, and a
 * sweep's failures directory that took no file lost every failure file with no word.
 *
 * A write that still fails afterwards (the device filled during the run) is a ConfigError too,
 * naming the option and the path the caller gave (`writeChecked`), never the temporary file.
 */
import { ConfigError } from '../core/errors.js';
import { gotText } from '../core/shown-text.js';
import {
  checkOutputDir,
  checkOutputPath,
  describeErrno,
  errnoOf,
  type OutputFs,
} from '../io/output-check.js';
import { writeWholeFile } from '../repro/write-whole-file.js';
import { shown } from './check-run-input.js';

/** A file `field` names for the call to write: a non-empty string, a path the caller may write. */
export function checkFilePath(field: string, path: unknown, fs?: OutputFs): asserts path is string {
  if (typeof path !== 'string' || path === '') {
    throw new ConfigError(field, `Expected a file's path, got ${shown(path)}`);
  }
  checkOutputPath(path, field, fs);
}

/** A directory `field` names for the call to write files into (made later, with its parents). */
export function checkDirPath(field: string, path: string, fs?: OutputFs): void {
  checkOutputDir(path, field, fs);
}

/**
 * Writes `data` to `path` whole (repro/write-whole-file.ts); a failure is a ConfigError naming
 * `field` and `path`, in the words the check before the work uses.
 */
export function writeChecked(field: string, path: string, data: string | Uint8Array): void {
  try {
    writeWholeFile(path, data);
  } catch (e) {
    throw new ConfigError(
      field,
      `Expected a writable file path, got ${gotText(path)}: ${describeErrno(errnoOf(e), path)}; the file was not written`,
    );
  }
}

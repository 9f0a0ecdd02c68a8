/**
 * A path a library call will write a file to (`writeTraceFile`, `writeHtmlReport`,
 * `shrinkFailureFile`'s `out`), checked before the work that fills it: a non-empty string, not a
 * directory, in a directory that exists. Written once for all of them: the trace and report writers
 * checked only the string, and a missing directory surfaced after the work as ENOENT naming the
 * temporary file beside the target (QA Q9). The command line checks its outputs its own way, more
 * fully (cli/output-path.ts: writable, space on the device), before a run starts.
 */
import { existsSync, lstatSync, readlinkSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { shown } from './check-run-input.js';

export function checkFilePath(field: string, path: unknown, what: string): asserts path is string {
  if (typeof path !== 'string' || path === '') {
    throw new ConfigError(field, `Expected a file's path, got ${shown(path)}`);
  }
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new ConfigError(field, `Expected a file to write ${what} to, got a directory: ${path}`);
  }
  const dir = dirname(resolve(path));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ConfigError(
      field,
      `Expected a file in an existing directory, got ${path} (no directory ${dir})`,
    );
  }
}

/**
 * A directory a library call will write files into (`sweepWorkload`'s `failuresDir`), checked
 * before the work: one that exists, or one that can be made under its nearest existing ancestor,
 * a directory. QA: a path that was a file was met, as EEXIST from mkdir, only once the sweep was
 * under way; the command line refuses it before it starts (cli/output-path.ts checkOutputDir).
 */
export function checkDirPath(field: string, path: string): void {
  let at = resolve(path);
  for (;;) {
    // A symbolic link to nothing: no directory can be made through it (EEXIST, ENOENT).
    if (!existsSync(at) && isSymbolicLink(at)) {
      throw new ConfigError(
        field,
        `Expected a directory to write files into, got ${path}: ${at} is a symbolic link to ${readlinkSync(at)}, which does not exist`,
      );
    }
    if (existsSync(at)) {
      if (statSync(at).isDirectory()) return;
      throw new ConfigError(
        field,
        `Expected a directory to write files into, got ${path}: ${at === resolve(path) ? 'it is a file, not a directory' : `${at} is a file, not a directory`}`,
      );
    }
    const up = dirname(at);
    if (up === at) return;
    at = up;
  }
}

function isSymbolicLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

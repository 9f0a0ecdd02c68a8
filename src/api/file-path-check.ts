/**
 * A path a library call will write a file to (`writeTraceFile`, `writeHtmlReport`,
 * `shrinkFailureFile`'s `out`), checked before the work that fills it: a non-empty string, not a
 * directory, in a directory that exists. Written once for all of them: the trace and report writers
 * checked only the string, and a missing directory surfaced after the work as ENOENT naming the
 * temporary file beside the target (QA Q9). The command line checks its outputs its own way, more
 * fully (cli/output-path.ts: writable, space on the device), before a run starts.
 */
import { existsSync, statSync } from 'node:fs';
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

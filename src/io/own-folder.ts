/**
 * Whether a path is a regular file in a folder files can be written beside: what a default output
 * named after its input needs (`npusim shrink FILE` writes `FILE.shrunk.json`). Apart from the
 * commands' modules, so the argument parser can ask it without loading them (`npusim --help`
 * loads none of the simulator: test/cli/lazy-load.test.ts).
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Not a pipe or a device (`<(...)`, /dev/fd/N), nor a file reached through /dev or /proc
 * (`/dev/stdin < failure.json` is a regular file there): a shrink of /dev/stdin wrote
 * `/dev/stdin.shrunk.json` into /dev (QA).
 */
export function hasOwnFolder(path: string): boolean {
  if (/^\/(dev|proc)\//.test(resolve(path))) return false;
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Where a write to a path lands: through every symbolic link on it, as the shell's `>` and `cp`
 * write, a dangling link included. A link to a file not made yet (`ln -s reports/today.html
 * latest.html`, then `--report latest.html`) is a user saying where the file goes: the file is
 * made there and the link kept. npusim used to replace such a link by the file, and left the
 * target unmade, where a link to an existing file was written through (QA).
 */
import { lstatSync, readlinkSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Links followed before giving up: Linux's own limit (ELOOP past it). */
const MAX_LINK_HOPS = 40;

/**
 * The path a write to `path` opens: `path` resolved, then each symbolic link's target in turn
 * (relative to the link's folder) until a path that is no link, or one where nothing is. A loop of
 * links returns a link: the write then fails with ELOOP, as the output check says before the run.
 */
export function writeTarget(path: string): string {
  let at = resolve(path);
  for (let hop = 0; hop < MAX_LINK_HOPS; hop++) {
    try {
      if (!lstatSync(at).isSymbolicLink()) return at;
    } catch {
      return at;
    }
    at = resolve(dirname(at), readlinkSync(at));
  }
  return at;
}

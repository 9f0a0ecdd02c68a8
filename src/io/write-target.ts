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
 * The text of a /proc/PID/fd link to an open file that has no path: `pipe:[123]`, `socket:[45]`,
 * `anon_inode:[eventfd]`. `/dev/stdout` and `>(jq .)`'s `/dev/fd/63` end in one; followed as a
 * path it named `/proc/PID/fd/pipe:[123]`, which is nothing, so `--out /dev/stdout | jq .` wrote
 * nowhere. The kernel opens such a link itself, so the write goes to the link.
 */
const NO_PATH = /^[a-z_]+:\[.*\]$/;

/**
 * The path a write to `path` opens: `path` resolved, then each symbolic link's target in turn
 * (relative to the link's folder) until a path that is no link, or one where nothing is, or a link
 * to an open file with no path (NO_PATH: a pipe's). A loop of links returns a link: the write then
 * fails with ELOOP, as the output check says before the run.
 */
export function writeTarget(path: string): string {
  let at = resolve(path);
  for (let hop = 0; hop < MAX_LINK_HOPS; hop++) {
    try {
      if (!lstatSync(at).isSymbolicLink()) return at;
    } catch {
      return at;
    }
    const text = readlinkSync(at);
    if (NO_PATH.test(text)) return at;
    at = resolve(dirname(at), text);
  }
  return at;
}

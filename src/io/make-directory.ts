/**
 * `mkdir -p` that always ends. Node's `mkdirSync(path, { recursive: true })` (and the async
 * `mkdir`) spin for ever where a directory that exists answers ENOENT for a new child: procfs does
 * (`/proc/x`), and Node's walk takes ENOENT to mean a missing parent, makes the parent (EEXIST),
 * and tries the child again (QA: `sweepWorkload(w, { failuresDir: '/proc/x' })` held a core with
 * no word; the same walk in other runtimes: oven-sh/bun#36162). Here the missing directories are
 * found first, walking up to the nearest path that exists, and each is made once, top down,
 * without `recursive`: any refusal (ENOENT under /proc, ENOTDIR under a file, EEXIST for a
 * dangling symbolic link, EACCES) is thrown as the system gave it.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Make directory `path` and every missing parent; a directory already there is left as it is. */
export function makeDirectory(path: string): void {
  const missing: string[] = [];
  let at = resolve(path);
  for (;;) {
    try {
      statSync(at);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      missing.push(at);
      const up = dirname(at);
      // The root always exists; this only guards a path that never resolves.
      if (up === at) break;
      at = up;
    }
  }
  // `path` itself exists: a directory is done; anything else is refused as mkdir refuses it (EEXIST).
  if (missing.length === 0) {
    if (!statSync(at).isDirectory()) mkdirSync(at);
    return;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (e) {
      // Made meanwhile by another writer (a sweep's pool threads keep files side by side).
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && statSync(dir).isDirectory()) continue;
      throw e;
    }
  }
}

/**
 * tsx keeps the JavaScript it compiles from a `.ts` workload in a cache directory under the
 * system's temporary directory (`os.tmpdir()/tsx-UID`), and it makes that directory with a
 * `mkdirSync` that throws: with TMPDIR unwritable or missing (a read-only container, a batch
 * system's TMPDIR that was never made, another user's /tmp/tsx-UID), every `.ts` workload was
 * refused (QA: `npusim: ./my-workload.ts: Expected a module that loads, got an error: EACCES:
 * permission denied, mkdir '/tmp/ro/tsx-65534'`, exit 2), though nothing needs the cache: it only
 * saves compiling the file again in a later process. Where the directory cannot be made or written,
 * tsx is told to keep its cache in memory (`TSX_DISABLE_CACHE`, read once, when tsx's module is
 * first evaluated, so this runs before the first import of tsx).
 */
import { accessSync, constants } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { makeDirectory } from '../io/make-directory.js';

/** tsx's cache directory, named as tsx names it (its `temporary-directory` module). */
export function tsxCacheDir(): string {
  const user = process.geteuid?.() ?? userInfo().username;
  return join(tmpdir(), `tsx-${user}`);
}

/**
 * Turn tsx's disk cache off unless its directory can be made and written. `env` is the
 * environment tsx will read (process.env); true when the cache was turned off here.
 */
export function keepTsxCacheInMemoryIfUnwritable(
  env: NodeJS.ProcessEnv = process.env,
  dir: string = tsxCacheDir(),
): boolean {
  if (env.TSX_DISABLE_CACHE) return false;
  try {
    makeDirectory(dir);
    accessSync(dir, constants.W_OK);
    return false;
  } catch {
    env.TSX_DISABLE_CACHE = '1';
    return true;
  }
}

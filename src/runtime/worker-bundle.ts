/**
 * The shape of a bundled worker (bench/README.md "Start-up"): the files `npm run build` writes for it
 * (scripts/bundle-workers.ts), how its bundle is wrapped into a script, and whether this process's
 * V8 accepts its code cache. One place for the names and the wrapper, which the build, the
 * generated boot file, worker-url.ts and the start-up bench must agree on byte for byte: a code
 * cache only fits the exact source it was made from.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';

/** The wrapper of Node's CommonJS loader, around a bundle's text: `(function (exports, ...) {`. */
export const WRAP_HEAD = '(function (exports, require, module, __filename, __dirname) {';
export const WRAP_TAIL = '\n})';

/** The worker's entry: compiles the bundle with its code cache and runs it. */
export const bootFileName = (name: string): string => `${name}.boot.cjs`;
/** The worker and every module it imports, in one CommonJS file. */
export const bundleFileName = (name: string): string => `${name}.bundle.cjs`;
/** V8's code cache of the bundle whose text hashes to `hash` (hex). */
export const cacheFileName = (name: string, hash: string): string => `${name}.${hash}.v8cache`;
const isCacheOf = (name: string, file: string): boolean =>
  file.startsWith(`${name}.`) && file.endsWith('.v8cache') && !file.slice(name.length + 1, -8).includes('.');

/** Every code cache file of worker `name` in `dir` (a build leaves one). */
export function cacheFilesOf(dir: string, name: string): string[] {
  return readdirSync(dir).filter((f) => isCacheOf(name, f));
}

/**
 * Whether V8 in this process accepts the code cache of bundled worker `name` in `dir` (workers
 * share the process's V8 flags, so they decide the same): 'none' without a bundle or a cache.
 */
export function codeCacheState(dir: string, name: string): 'accepted' | 'rejected' | 'none' {
  const bundle = join(dir, bundleFileName(name));
  const caches = existsSync(dir) ? cacheFilesOf(dir, name) : [];
  if (!existsSync(bundle) || caches.length !== 1) return 'none';
  const script = new Script(WRAP_HEAD + readFileSync(bundle, 'utf8') + WRAP_TAIL, {
    cachedData: readFileSync(join(dir, caches[0]!)),
  });
  return script.cachedDataRejected === true ? 'rejected' : 'accepted';
}

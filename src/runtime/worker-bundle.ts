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

/**
 * The script a bundle file holds: esbuild's CommonJS output inside the loader's wrapper, every
 * character ASCII. Nine workers each read the file and hand it to V8, so the file is kept in the
 * shape V8 wants: a one-byte string (read as latin1, no UTF-8 decoding; one comment's `≤` had made
 * the whole 400 KB source a two-byte string) in one piece (no wrapper added at run time, which V8
 * flattened into a fresh copy before it could look the script up). bench/README.md "Start-up"
 * says what that bought.
 * esbuild already escapes non-ASCII in code (its default `charset`); what it leaves is in the
 * comments it keeps, where `\uXXXX` is as good as the character. Escaping each UTF-16 unit is
 * also right in a string, template, regular expression or identifier, should one ever get through.
 */
export function bundleScript(esbuildOutput: string): string {
  const ascii = esbuildOutput.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return WRAP_HEAD + ascii + WRAP_TAIL;
}

/** A bundle file's script (see bundleScript), read as the boot file reads it. */
export function readBundleScript(path: string): string {
  return readFileSync(path, 'latin1');
}

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
  const script = new Script(readBundleScript(bundle), {
    cachedData: readFileSync(join(dir, caches[0]!)),
  });
  return script.cachedDataRejected === true ? 'rejected' : 'accepted';
}

/**
 * Starting a worker thread on the project's own code, from source or from the build.
 *
 * From the build (`npm start`, the published package, benchmarks) this module is
 * dist/src/runtime/worker-url.js and a worker is the plain file dist/workers/NAME.js.
 * From source (vitest, tsx) this module is src/runtime/worker-url.ts; the worker is then
 * workers/NAME.ts, started through a two-line bootstrap that registers tsx's ESM loader inside the
 * new thread first (Node 20 does not apply `--import tsx` from execArgv to a worker's entry
 * module). Tests therefore always run the current sources, never a build left from an earlier run.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

const fromSource = import.meta.url.endsWith('.ts');

/** The entry file of worker `name` (a .ts file when running from source). */
export function workerEntryUrl(name: string): URL {
  if (!/^[a-z0-9-]+$/.test(name)) {
    throw new RangeError(`Expected a worker name in kebab-case, got \`${name}\``);
  }
  return new URL(`../../workers/${name}.${fromSource ? 'ts' : 'js'}`, import.meta.url);
}

/** Start worker `name` with the given options (workerData, resourceLimits, ...). */
export function createWorker(name: string, options: WorkerOptions = {}): Worker {
  return createWorkerAt(workerEntryUrl(name), options);
}

/**
 * Start a worker on any entry file: a .ts entry goes through tsx's loader (from source), a .js
 * entry starts as is. Benchmark and test peers (bench/peers/) start through here.
 */
export function createWorkerAt(entry: URL, options: WorkerOptions = {}): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  const tsxApi = tsxEsmApiUrl();
  const bootstrap =
    `import(${JSON.stringify(tsxApi)})` +
    `.then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/**
 * The ESM build of tsx's API. `require.resolve('tsx/esm/api')` would give the CommonJS build,
 * whose relative import breaks when loaded as ESM, so read the package's export map instead.
 */
export function tsxEsmApiUrl(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('tsx/package.json');
  const pkg = require(pkgPath) as { exports: Record<string, { import: { default: string } }> };
  const rel = pkg.exports['./esm/api']?.import.default;
  if (rel === undefined)
    throw new Error(`tsx at ${pkgPath} has no ./esm/api export; reinstall npusim's dependencies`);
  return new URL(rel, pathToFileURL(pkgPath)).href;
}

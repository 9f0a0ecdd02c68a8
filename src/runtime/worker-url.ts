/**
 * Starting a worker thread on the project's own code, from source or from the build.
 *
 * From the build (`npm start`, the published package, benchmarks) this module is
 * dist/src/runtime/worker-url.js and a worker is the plain file dist/workers/NAME.js, or its
 * bundle (below).
 * From source (vitest, tsx) this module is src/runtime/worker-url.ts; the worker is then
 * workers/NAME.ts, started through a two-line bootstrap that registers tsx's ESM loader inside the
 * new thread first (Node 20 does not apply `--import tsx` from execArgv to a worker's entry
 * module). Tests therefore always run the current sources, never a build left from an earlier run.
 *
 * Bundles. `npm run build` also bundles the workers a command starts many of, or on every run
 * (scripts/bundle-workers.ts): dist/workers/NAME.boot.cjs compiles NAME.bundle.cjs, that worker
 * and every module it imports in one file, with a V8 code cache, for the machine's worker host
 * (a threaded run starts nine) and a sweep's pool task (each pool thread loads one); and `run
 * --inline`'s host and the machine it imports become two ES-module bundles (INLINE_HOST_BUNDLE,
 * MACHINE_BUNDLE). A threaded run starts nine workers on two cores here, and each one resolving,
 * reading and compiling about a hundred modules was most of the run's start-up; a sweep's pool
 * thread loaded about 280, the inline host about 120 (bench/README.md "Start-up" has the
 * figures). From the build, a worker starts on its bundle when there is one and it is not older
 * than the tsc output it was made from (a `tsc` without the bundling step must not leave workers
 * running yesterday's code); otherwise on the unbundled tsc output (dist/workers/NAME.js,
 * dist/src/cli/inline-host.js). An installed package has no sources beside its build (no src/
 * next to dist/), so nothing there recompiles one without the other: its bundles are always
 * taken. The times cannot say so there: npm gives each file the time it unpacked it, and the boot
 * file, first in the tarball, came out older than NAME.js (found by QA: installed packages ran
 * unbundled). `builtBundleTaken` is that rule, for every bundle.
 */
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { ConfigError } from '../core/errors.js';
import { bootFileName } from './worker-bundle.js';

const fromSource = import.meta.url.endsWith('.ts');

/**
 * From source, the directory of bundles made from the current sources, if any. The test suite
 * makes one when it starts (test/support/source-bundles.ts: workers/machine-host.ts and
 * workers/sweep-worker.ts with the build's own bundler, and `run --inline`'s host with the real
 * machine, below) and names it here: through tsx, each of a threaded run's nine workers
 * transformed and resolved about a hundred modules, and the suite took about twice as long
 * (README "Layout"); each thread of a sweep's pool and each inline host loaded the machine the
 * same way. A worker with no bundle there still starts through tsx.
 */
export const SOURCE_BUNDLES_ENV = 'NPUSIM_SOURCE_BUNDLES';

/**
 * The directory SOURCE_BUNDLES_ENV names, when running from source and it is set (the build never
 * reads it). A directory that is not there is a mistake in the setting, not a worker without a
 * bundle: refused as a ConfigError (exit 2), which the CLI checks before any run starts.
 */
export function sourceBundlesDir(): string | undefined {
  if (!fromSource) return undefined;
  const bundles = process.env[SOURCE_BUNDLES_ENV];
  if (bundles === undefined || bundles === '') return undefined;
  if (!statSync(bundles, { throwIfNoEntry: false })?.isDirectory()) {
    throw new ConfigError(
      '',
      `Expected ${SOURCE_BUNDLES_ENV} to name a directory of worker bundles, got \`${bundles}\` (no such directory)`,
    );
  }
  return bundles;
}

/**
 * From source, the boot file of bundle `name` in the directory SOURCE_BUNDLES_ENV names, if it is
 * set and holds one (a worker of workers/, or the sweep's pool task: sweep.ts sweepWorkerFile), or
 * else its ES-module bundle there (esmBundleFileName: the tests' fixture host, actor-host, which
 * imports its machine by URL, so a machine it is handed must then be JavaScript, as the suite's
 * bundle of the mesh fixture is: test/support/fixture-machine.ts); otherwise, and always from the
 * build, undefined.
 */
export function sourceBundleBoot(name: string): URL | undefined {
  if (!fromSource) return undefined;
  const bundles = sourceBundlesDir();
  if (bundles === undefined) return undefined;
  const boot = join(bundles, bootFileName(name));
  if (existsSync(boot)) return pathToFileURL(boot);
  const esm = join(bundles, esmBundleFileName(name));
  return existsSync(esm) ? pathToFileURL(esm) : undefined;
}

/**
 * The ES-module bundle of `name` (NAME.bundle.mjs) that a test run may make in the directory
 * SOURCE_BUNDLES_ENV names (test/support/source-bundles.ts) for a worker that imports by URL, which
 * a boot file cannot (INLINE_HOST_BUNDLE says why); the build makes none.
 */
export function esmBundleFileName(name: string): string {
  return `${name}.bundle.mjs`;
}

/**
 * The ES-module bundles of `run --inline`'s host worker (src/cli/inline-host.ts) and of the real
 * machine it imports by URL (src/model/actors/machine.ts), in dist/workers/ (the build) or the
 * directory SOURCE_BUNDLES_ENV names (the tests); the modules both import lie in one chunk beside
 * them (scripts/bundle-workers.ts bundleInlineHost). ES modules, not a boot file: the host imports
 * its machine with a dynamic `import()`, which a script compiled by `vm.Script` (a boot file's
 * way) cannot make in Node 20.
 */
export const INLINE_HOST_BUNDLE = 'inline-host.bundle.mjs';
export const MACHINE_BUNDLE = 'machine.bundle.mjs';

/**
 * From source, the two bundles an inline run of the real machine starts on (above), when the
 * directory SOURCE_BUNDLES_ENV names holds both; otherwise, and always from the build, undefined.
 */
export function inlineSourceBundles(): { host: URL; machine: URL } | undefined {
  if (!fromSource) return undefined;
  const bundles = sourceBundlesDir();
  if (bundles === undefined) return undefined;
  const host = join(bundles, INLINE_HOST_BUNDLE);
  const machine = join(bundles, MACHINE_BUNDLE);
  if (!existsSync(host) || !existsSync(machine)) return undefined;
  return { host: pathToFileURL(host), machine: pathToFileURL(machine) };
}

/**
 * The two bundles a `run --inline` of the real machine starts on: from source those in the
 * directory SOURCE_BUNDLES_ENV names (inlineSourceBundles), from the build those in dist/workers/
 * when taken (builtInlineBundles); otherwise undefined, and the host starts unbundled.
 */
export function inlineBundles(): { host: URL; machine: URL } | undefined {
  if (fromSource) return inlineSourceBundles();
  if (builtInline === undefined) {
    builtInline = builtInlineBundles(new URL('../../workers/', import.meta.url)) ?? null;
  }
  return builtInline ?? undefined;
}

/** The build's inline bundles, decided once per process (null: none taken). */
let builtInline: { host: URL; machine: URL } | null | undefined;

/**
 * The build's inline bundles in `workersDir` (ROOT/dist/workers/), when both are taken
 * (builtBundleTaken) against the tsc output they were made from: dist/src/cli/inline-host.js and
 * dist/src/model/actors/machine.js; otherwise undefined.
 */
export function builtInlineBundles(workersDir: URL): { host: URL; machine: URL } | undefined {
  const host = new URL(INLINE_HOST_BUNDLE, workersDir);
  const machine = new URL(MACHINE_BUNDLE, workersDir);
  const taken =
    builtBundleTaken(host, new URL('../src/cli/inline-host.js', workersDir), workersDir) &&
    builtBundleTaken(machine, new URL('../src/model/actors/machine.js', workersDir), workersDir);
  return taken ? { host, machine } : undefined;
}

/**
 * The entry of worker `name`: from source workers/NAME.ts (or its boot file in the directory
 * SOURCE_BUNDLES_ENV names); from the build its boot file if fresh.
 */
export function workerEntryUrl(name: string): URL {
  if (!/^[a-z0-9-]+$/.test(name)) {
    throw new RangeError(`Expected a worker name in kebab-case, got \`${name}\``);
  }
  if (fromSource) return sourceBundleBoot(name) ?? new URL(`../../workers/${name}.ts`, import.meta.url);
  let entry = builtEntries.get(name);
  if (entry === undefined) {
    entry = builtWorkerEntry(new URL('../../workers/', import.meta.url), name);
    builtEntries.set(name, entry);
  }
  return entry;
}

/** Worker name -> its entry in the build, decided once per process (two stats, not nine). */
const builtEntries = new Map<string, URL>();

/**
 * The entry of built worker `name` in `workersDir` (ROOT/dist/workers/): its boot file
 * NAME.boot.cjs (the bundle, from `npm run build`) if builtBundleTaken against tsc's NAME.js;
 * else NAME.js.
 */
export function builtWorkerEntry(workersDir: URL, name: string): URL {
  const boot = new URL(bootFileName(name), workersDir);
  const plain = new URL(`${name}.js`, workersDir);
  return builtBundleTaken(boot, plain, workersDir) ? boot : plain;
}

/**
 * Whether the build's `bundle` file is taken over the tsc output `plain` it was made from
 * (header): it is there, and either it is at least as new as `plain` (or `plain` is missing) or
 * ROOT has no src/ (an installed package, whatever times npm gave the files). `workersDir` is
 * ROOT/dist/workers/.
 */
export function builtBundleTaken(bundle: URL, plain: URL, workersDir: URL): boolean {
  const bundleMs = statSync(bundle, { throwIfNoEntry: false })?.mtimeMs;
  if (bundleMs === undefined) return false;
  const plainMs = statSync(plain, { throwIfNoEntry: false })?.mtimeMs;
  if (plainMs === undefined || bundleMs >= plainMs) return true;
  const sources = statSync(new URL('../../src/', workersDir), { throwIfNoEntry: false });
  return sources?.isDirectory() !== true;
}

/**
 * The address space V8 reserves for one worker's compiled code, in MB. By default an isolate
 * reserves hundreds of MB for it (QA measured about 530 MB of virtual size per worker): under
 * `ulimit -v` (login nodes, batch systems' memory limits) a run of nine workers needed about
 * 7 GB of address space, and below that V8 aborted at start-up ("Failed to reserve virtual
 * memory for CodeRange", exit 133, nothing said or written). npusim's compiled code is a few MB.
 */
export const WORKER_CODE_RANGE_MB = 32;

/** Start worker `name` with the given options (workerData, resourceLimits, ...). */
export function createWorker(name: string, options: WorkerOptions = {}): Worker {
  return createWorkerAt(workerEntryUrl(name), options);
}

/**
 * Start a worker on any entry file: a .ts entry goes through tsx's loader (from source), a .js
 * entry starts as is. Benchmark and test peers (bench/peers/) start through here.
 */
export function createWorkerAt(entry: URL, given: WorkerOptions = {}): Worker {
  const options: WorkerOptions = {
    ...given,
    resourceLimits: { codeRangeSizeMb: WORKER_CODE_RANGE_MB, ...given.resourceLimits },
  };
  try {
    if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
    const tsxApi = tsxEsmApiUrl();
    const bootstrap =
      `import(${JSON.stringify(tsxApi)})` +
      `.then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
    return new Worker(bootstrap, { ...options, eval: true });
  } catch (e) {
    if (threadRefused(e)) throw new ThreadLimitError();
    throw e;
  }
}

/** Whether `e` is Node's Worker constructor's refusal of a thread by the system (`Error: EAGAIN`). */
export function threadRefused(e: unknown): boolean {
  return e instanceof Error && (e.message === 'EAGAIN' || (e as NodeJS.ErrnoException).code === 'EAGAIN');
}

/**
 * The system refused a thread (Node's Worker throws a bare `Error: EAGAIN`): the user's `ulimit
 * -u` or a container's pids limit is reached. It was `unexpected error (exit 4)` and a stack trace
 * (QA); it is the machine's configuration, said as such (exit 2), and a caller that knows how many
 * threads it wanted says so (threaded-runtime.ts).
 */
export class ThreadLimitError extends ConfigError {
  static readonly WHY =
    "no more threads may be started here (the user's `ulimit -u`, or a container's pids limit)";
  constructor(
    message = `Expected to start a worker thread, got EAGAIN from the system: ${ThreadLimitError.WHY}`,
  ) {
    super('', message);
  }
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

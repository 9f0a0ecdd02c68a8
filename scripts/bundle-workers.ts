/**
 * The second step of `npm run build`, after tsc: bundle the workers a command starts many of, or
 * starts on every run, so each loads one file instead of a hundred-odd modules (bench/README.md
 * "Start-up"; esbuild: README "Dependencies"): the machine's worker host, a sweep's pool task and
 * `run --inline`'s host.
 *
 * Why. A threaded run starts one worker per actor (nine on a Witherspoon) on the two cores of this
 * project's machine, and each worker resolved, read and compiled the hundred-odd modules of the
 * machine and the runtime on its own, then ran its construction code cold; each thread of a
 * sweep's pool loaded about 280 (the machine, the judge, the report), and the inline host about
 * 120. Three files per worker NAME (machine-host, sweep-worker), in dist/workers/, change that:
 *
 * - NAME.bundle.cjs: tsc's output for the worker and everything it imports (comlink included; node:
 *   modules stay requires), joined by esbuild into one CommonJS file: one read, no resolution.
 *   It bundles dist/, not the TypeScript sources, so it runs exactly the JavaScript the unbundled
 *   build runs; esbuild only joins modules (no minifying; names kept, so stack traces still name
 *   functions). CommonJS, not ESM, because Node 20 can give V8 a code cache only for a script
 *   (`vm.Script`), and a CommonJS worker starts faster than an ESM one; "use strict" keeps the
 *   semantics of the ES modules it came from. The file holds the script exactly as V8 compiles it:
 *   inside the CommonJS loader's wrapper, in ASCII (src/runtime/worker-bundle.ts bundleScript).
 *   Each module's `import.meta.url` (by which the runtime finds its files: worker-url.ts,
 *   engine.ts) becomes its own file's URL, reckoned from where the bundle lies when it runs
 *   (`bundleImportMetaUrl`), so a copied or installed build finds its own files.
 * - NAME.HASH.v8cache: V8's code cache of that script (bytecode of every function compiled so far),
 *   taken after the bundle has run every built-in workload in this process (machine-host's
 *   `warmUp` export builds every actor; the sweep's task runs a 1 us seed of each), so a worker
 *   compiles almost none of its construction code. The
 *   file is named after a hash of the bundle, so a cache can only ever meet the bundle it was made
 *   from. V8 itself refuses a cache from another V8 version or other V8 flags; the worker then
 *   compiles as usual (slower, never wrong). Made here, checked here: a child `node` must accept it.
 * - NAME.boot.cjs: the worker's entry: reads the bundle (as latin1: one byte a character) and the
 *   cache, compiles the bundle with the cache and runs it, as Node's own CommonJS loader would.
 *
 * `run --inline`'s host (src/cli/inline-host.ts) imports its machine by URL with a dynamic
 * `import()`, which a `vm.Script` cannot make in Node 20: it and the real machine become two ES
 * modules, inline-host.bundle.mjs and machine.bundle.mjs, with the modules both import in one
 * shared chunk (`bundleInlineHost`), and no code cache (Node 20 has none for ES modules).
 *
 * src/runtime/worker-url.ts starts a worker on NAME.boot.cjs (the inline host on its bundles) when
 * it is at least as new as the worker's tsc output, and on the unbundled tsc output otherwise.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { build, type Plugin } from 'esbuild';
import {
  bootFileName,
  bundleFileName,
  bundleScript,
  cacheFileName,
  cacheFilesOf,
} from '../src/runtime/worker-bundle.js';
import { INLINE_HOST_BUNDLE, MACHINE_BUNDLE } from '../src/runtime/worker-url.js';

export interface BundledWorker {
  bundle: string;
  cache: string;
  boot: string;
}

/**
 * Bundle `entry` (a built worker, .js) into `outDir`/NAME.bundle.cjs, run `warm` on its exports in
 * this thread (and wait for it, if it returns a promise), then write its code cache and its boot
 * file. Returns the three paths. `plugins`
 * join esbuild's (the test suite's bundles of the sources give each module its own
 * `import.meta.url`: test/support/source-bundles.ts).
 */
export async function bundleWorker(
  name: string,
  entry: string,
  outDir: string,
  warm: (exports: Record<string, unknown>) => void | Promise<void>,
  plugins: Plugin[] = [],
): Promise<BundledWorker> {
  const bundle = join(outDir, bundleFileName(name));
  const result = await build({
    entryPoints: [entry],
    plugins,
    outfile: bundle,
    write: false,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '"use strict";' },
    logLevel: 'silent',
  });
  // A warning here (a dynamic import esbuild cannot follow, say) would be a worker that still
  // loads modules at run time: refuse it.
  const problems = [...result.errors, ...result.warnings];
  if (problems.length > 0) {
    throw new Error(
      `bundle-workers: expected no esbuild warnings for ${name}, got ${problems.length}: ` +
        problems.map((p) => `${p.location?.file ?? '?'}:${p.location?.line ?? '?'} ${p.text}`).join('; '),
    );
  }
  const text = bundleScript(result.outputFiles[0]!.text);
  writeFileSync(bundle, text, 'latin1');
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const cache = join(outDir, cacheFileName(name, hash));
  for (const f of cacheFilesOf(outDir, name)) rmSync(join(outDir, f));
  // The script's name goes into the cache, and V8 keeps the cache's name over the one a worker
  // passes (Node 20): an absolute path here would name this build directory in the stack of every
  // worker that ever loads the cache, wherever the build was copied or installed. So both name it
  // by its file name alone.
  const script = new Script(text, { filename: basename(bundle) });
  const host = { exports: {} as Record<string, unknown> };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run(host.exports, createRequire(bundle), host, bundle, outDir);
  await warm(host.exports);
  writeFileSync(cache, script.createCachedData());
  const boot = join(outDir, bootFileName(name));
  writeFileSync(boot, bootSource(basename(bundle), basename(cache)));
  checkCacheAccepted(bundle, cache);
  return { bundle, cache, boot };
}

/** The entry file of a bundled worker (see the module comment). */
function bootSource(bundleFile: string, cacheFile: string): string {
  return `'use strict';
// Generated by scripts/bundle-workers.ts (npm run build): the entry of a bundled worker. It
// compiles the bundle with V8's code cache (made from that very bundle) and runs it as Node's
// CommonJS loader would. A cache V8 refuses (another Node version, other V8 flags) only costs
// compile time.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');
const bundle = join(__dirname, ${JSON.stringify(bundleFile)});
let cachedData;
try {
  cachedData = readFileSync(join(__dirname, ${JSON.stringify(cacheFile)}));
} catch (e) {
  if (e.code !== 'ENOENT') throw e;
}
const host = { exports: {} };
// The bundle is ASCII, already wrapped (src/runtime/worker-bundle.ts bundleScript): latin1 is V8's
// one-byte string, and the script goes to V8 as one piece.
// Named as the cache was made (scripts/bundle-workers.ts): by the file name alone.
new Script(readFileSync(bundle, 'latin1'), { filename: ${JSON.stringify(bundleFile)}, cachedData }).runInThisContext()(host.exports, require, host, bundle, __dirname);
// The worker's exports are this file's: a piscina pool's task file (the tests' sweep-worker)
// is required for its default export.
module.exports = host.exports;
`;
}

/**
 * Bundle `run --inline`'s host (`hostEntry`) and the machine it imports by URL (`machineEntry`)
 * into two ES modules in `outDir`, INLINE_HOST_BUNDLE and MACHINE_BUNDLE, with the modules both
 * import (core/errors.js among them) in one chunk beside them. One chunk, not a copy in each: the
 * host tells a ConfigError the machine throws (exit 2) from any other error by `instanceof`, which
 * two copies of the class would fail. Returns the files written. No esbuild warning is taken.
 */
export async function bundleInlineHost(
  hostEntry: string,
  machineEntry: string,
  outDir: string,
  plugins: Plugin[] = [],
): Promise<string[]> {
  // A chunk's name carries a hash of its text: one build's chunk would stay beside the next's.
  for (const f of readdirSync(outDir)) if (f.startsWith(INLINE_CHUNK_PREFIX)) rmSync(join(outDir, f));
  const result = await build({
    entryPoints: {
      [INLINE_HOST_BUNDLE.replace(/\.mjs$/, '')]: hostEntry,
      [MACHINE_BUNDLE.replace(/\.mjs$/, '')]: machineEntry,
    },
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    chunkNames: `${INLINE_CHUNK_PREFIX}[hash]`,
    splitting: true,
    plugins,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
    metafile: true,
  });
  const problems = [...result.errors, ...result.warnings];
  if (problems.length > 0) {
    throw new Error(
      `bundle-workers: expected no esbuild warnings for the inline host, got ${problems.length}: ` +
        problems.map((p) => `${p.location?.file ?? '?'}:${p.location?.line ?? '?'} ${p.text}`).join('; '),
    );
  }
  return Object.keys(result.metafile.outputs);
}

/** The shared chunk of the inline host's bundles (bundleInlineHost): `inline-shared.HASH.mjs`. */
export const INLINE_CHUNK_PREFIX = 'inline-shared.';

/**
 * In the build's bundles, each module's `import.meta.url` is its own tsc output's URL, reckoned at
 * run time from where the bundle lies (`outDir` when built): a CommonJS bundle from its
 * `__filename` (the boot file passes the bundle's path), an ES-module bundle from its own
 * `import.meta.url`. A constant URL would name the build directory in every installed copy.
 * Dependencies (node_modules) are left alone: one using `import.meta` would make esbuild warn,
 * and the build refuse it.
 */
export function bundleImportMetaUrl(outDir: string, format: 'cjs' | 'esm'): Plugin {
  const bundleUrl = format === 'cjs' ? 'require("node:url").pathToFileURL(__filename)' : 'import.meta.url';
  return {
    name: 'bundle-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, (args) => {
        if (args.path.split(sep).includes('node_modules')) return undefined;
        const rel = relative(outDir, args.path).split(sep).join('/');
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        return {
          contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, ${bundleUrl}).href`),
          loader: 'js',
        };
      });
    },
  };
}

/** A plain `node` (not this tsx-run process) must accept the cache, or workers would compile anyway. */
function checkCacheAccepted(bundle: string, cache: string): void {
  const probe = `const { readFileSync } = require('node:fs');
const { Script } = require('node:vm');
const s = new Script(readFileSync(process.argv[1], 'latin1'), { filename: process.argv[1], cachedData: readFileSync(process.argv[2]) });
process.stdout.write(s.cachedDataRejected ? 'rejected' : 'accepted');`;
  const r = spawnSync(process.execPath, ['-e', probe, bundle, cache], { encoding: 'utf8' });
  if (r.stdout !== 'accepted') {
    throw new Error(
      `bundle-workers: expected node ${process.version} to accept the code cache ${cache}, got ` +
        `\`${r.stdout}\` (stderr: ${r.stderr.trim() || 'none'})`,
    );
  }
}

/** How long each workload's warm-up seed of the sweep's task runs: 1 us, in ticks (ps). */
const SWEEP_WARM_UP_TICKS = 1_000_000;

/** The built workers to bundle, and how to warm each one up before its cache is taken. */
async function main(): Promise<void> {
  const root = fileURLToPath(new URL('../', import.meta.url));
  const workersDir = join(root, 'dist', 'workers');
  const built = (rel: string): string => {
    const file = join(root, 'dist', rel);
    if (!statSync(file, { throwIfNoEntry: false })?.isFile()) {
      throw new Error(`bundle-workers: expected tsc's output ${file}; run tsc -p tsconfig.build.json first`);
    }
    return file;
  };
  const registry = (await import(pathToFileURL(built('src/runtime/workload-registry.js')).href)) as {
    loadWorkloads: () => Promise<Map<string, { name: string; params: { durationTicks: number } }>>;
  };
  const workloads = [...(await registry.loadWorkloads()).values()];
  const kb = (f: string) => `${Math.round(statSync(f).size / 1024)} KB`;
  const say = (out: BundledWorker, started: number, warmed: string) =>
    process.stdout.write(
      `bundle-workers: ${basename(out.bundle)} (${kb(out.bundle)}), ${basename(out.cache)} (${kb(out.cache)}, ` +
        `${warmed}), ${basename(out.boot)} in ${dirname(out.boot)} ` +
        `(${Math.round(performance.now() - started)} ms)\n`,
    );
  const cjs = [bundleImportMetaUrl(workersDir, 'cjs')];

  let started = performance.now();
  const host = await bundleWorker(
    'machine-host',
    built('workers/machine-host.js'),
    workersDir,
    (exports) => {
      const warmUp = exports.warmUp as (config: unknown) => void;
      for (const w of workloads) warmUp({ workload: w.name, seed: 1, bugs: [], params: w.params });
    },
    cjs,
  );
  say(host, started, `warmed on ${workloads.length} workloads`);

  started = performance.now();
  const sweep = await bundleWorker(
    'sweep-worker',
    built('workers/sweep-worker.js'),
    workersDir,
    async (exports) => {
      // The pool's task itself (its default export), as a sweep runs it: one short seed of each
      // workload, so the cache holds the run, the judge and the report, not only the top level.
      const task = exports.default as (t: unknown) => Promise<{ status: string }>;
      for (const w of workloads) {
        const params = { ...w.params, durationTicks: Math.min(w.params.durationTicks, SWEEP_WARM_UP_TICKS) };
        const o = await task({
          config: { workload: w.name, seed: 1, bugs: [], params },
          workload: w,
          seed: 1,
        });
        // Every built-in workload runs clean with no bug switch on: anything else here is a
        // bundle that does not run as tsc's output does.
        if (o.status !== 'clean') {
          throw new Error(
            `bundle-workers: expected the sweep task's 1 us warm-up seed of ${w.name} to run clean, got \`${o.status}\``,
          );
        }
      }
    },
    cjs,
  );
  say(sweep, started, `warmed on a 1 us seed of ${workloads.length} workloads`);

  started = performance.now();
  const inline = await bundleInlineHost(
    built('src/cli/inline-host.js'),
    built('src/model/actors/machine.js'),
    workersDir,
    [bundleImportMetaUrl(workersDir, 'esm')],
  );
  process.stdout.write(
    `bundle-workers: ${inline.map((f) => `${basename(f)} (${kb(f)})`).join(', ')} in ${workersDir} ` +
      `(${Math.round(performance.now() - started)} ms)\n`,
  );
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();

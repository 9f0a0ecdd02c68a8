/**
 * The second step of `npm run build`, after tsc: give the worker a run starts many of a bundle and
 * a V8 code cache (bench/README.md "Start-up"; esbuild: README "Dependencies").
 *
 * Why. A threaded run starts one worker per actor (nine on a Witherspoon) on the two cores of this
 * project's machine, and each worker resolved, read and compiled the hundred-odd modules of the
 * machine and the runtime on its own, then ran its construction code cold. Three files per worker
 * NAME, in dist/workers/, change that:
 *
 * - NAME.bundle.cjs: tsc's output for the worker and everything it imports (comlink included; node:
 *   modules stay requires), joined by esbuild into one CommonJS file: one read, no resolution.
 *   It bundles dist/, not the TypeScript sources, so it runs exactly the JavaScript the unbundled
 *   build runs; esbuild only joins modules (no minifying; names kept, so stack traces still name
 *   functions). CommonJS, not ESM, because Node 20 can give V8 a code cache only for a script
 *   (`vm.Script`), and a CommonJS worker starts faster than an ESM one; "use strict" keeps the
 *   semantics of the ES modules it came from. The file holds the script exactly as V8 compiles it:
 *   inside the CommonJS loader's wrapper, in ASCII (src/runtime/worker-bundle.ts bundleScript).
 * - NAME.HASH.v8cache: V8's code cache of that script (bytecode of every function compiled so far),
 *   taken after the bundle has built every actor of every built-in workload in this process
 *   (the worker's `warmUp` export), so a worker compiles almost none of its construction code. The
 *   file is named after a hash of the bundle, so a cache can only ever meet the bundle it was made
 *   from. V8 itself refuses a cache from another V8 version or other V8 flags; the worker then
 *   compiles as usual (slower, never wrong). Made here, checked here: a child `node` must accept it.
 * - NAME.boot.cjs: the worker's entry: reads the bundle (as latin1: one byte a character) and the
 *   cache, compiles the bundle with the cache and runs it, as Node's own CommonJS loader would.
 *
 * src/runtime/worker-url.ts starts a worker on NAME.boot.cjs when it is at least as new as the
 * worker's tsc output, and on dist/workers/NAME.js otherwise.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
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

export interface BundledWorker {
  bundle: string;
  cache: string;
  boot: string;
}

/**
 * Bundle `entry` (a built worker, .js) into `outDir`/NAME.bundle.cjs, run `warm` on its exports in
 * this thread, then write its code cache and its boot file. Returns the three paths. `plugins`
 * join esbuild's (the test suite's bundles of the sources give each module its own
 * `import.meta.url`: test/support/source-bundles.ts).
 */
export async function bundleWorker(
  name: string,
  entry: string,
  outDir: string,
  warm: (exports: Record<string, unknown>) => void,
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
  warm(host.exports);
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

/** The built workers to bundle, and how to warm each one up before its cache is taken. */
async function main(): Promise<void> {
  const root = fileURLToPath(new URL('../', import.meta.url));
  const workersDir = join(root, 'dist', 'workers');
  const entry = join(workersDir, 'machine-host.js');
  if (!statSync(entry, { throwIfNoEntry: false })?.isFile()) {
    throw new Error(`bundle-workers: expected tsc's output ${entry}; run tsc -p tsconfig.build.json first`);
  }
  const registry = (await import(
    pathToFileURL(join(root, 'dist', 'src', 'runtime', 'workload-registry.js')).href
  )) as { loadWorkloads: () => Promise<Map<string, { name: string; params: unknown }>> };
  const workloads = [...(await registry.loadWorkloads()).values()];
  const started = performance.now();
  const out = await bundleWorker('machine-host', entry, workersDir, (exports) => {
    const warmUp = exports.warmUp as (config: unknown) => void;
    for (const w of workloads) warmUp({ workload: w.name, seed: 1, bugs: [], params: w.params });
  });
  const kb = (f: string) => `${Math.round(statSync(f).size / 1024)} KB`;
  process.stdout.write(
    `bundle-workers: ${basename(out.bundle)} (${kb(out.bundle)}), ${basename(out.cache)} (${kb(out.cache)}, ` +
      `warmed on ${workloads.length} workloads), ${basename(out.boot)} in ${dirname(out.boot)} ` +
      `(${Math.round(performance.now() - started)} ms)\n`,
  );
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();

/**
 * Vitest global setup: bundle, from the current sources, once per test run, the workers a test
 * starts many of, and name the directory in NPUSIM_SOURCE_BUNDLES, where src/runtime/worker-url.ts
 * looks for them. Each then loads one file instead of about a hundred modules or more through tsx
 * (worker-url.ts says what that cost):
 *
 * - workers/machine-host.ts, the real machine's worker host: a threaded run starts nine;
 * - workers/sweep-worker.ts, a sweep's pool task: each pool thread loads it (src/sweep/sweep.ts
 *   sweepWorkerFile);
 * both with the build's own bundler (scripts/bundle-workers.ts `bundleWorker`: esbuild, one
 * CommonJS file, a boot file);
 * - src/cli/inline-host.ts and src/model/actors/machine.ts, which `run --inline` starts and which
 *   imports the machine by URL: two ES-module files and their shared chunk, as the build makes them
 *   (`bundleInlineHost`; worker-url.ts INLINE_HOST_BUNDLE says why not a boot file);
 * - workers/actor-host.ts, the tests' host of any machine by URL, and the mesh fixture machine
 *   (test/fixtures/mesh-machine.ts) the threaded runtime's tests give it (fixture-machine.ts): an
 *   ES module each (`esmBundle`);
 * - src/cli/main.ts, the command the end-to-end tests start as child processes (cli-child.ts),
 *   with the built-in workloads and the machine, named in NPUSIM_SOURCE_CLI
 *   (source-cli-bundle.ts says how and why).
 *
 * A bundle has no module of its own, so `import.meta.url`, by which the runtime finds its files
 * (worker-url.ts, engine.ts, ...), would be empty in it (esbuild warns, and bundleWorker refuses
 * warnings): each source file's is written into it as that file's own URL (own-import-meta-url.ts), so
 * the bundled code finds the files the sources would. The tests still run the current sources:
 * the bundles are made from them when the run starts (and again before each rerun in watch mode),
 * never left from an earlier run, and removed at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { TestProject } from 'vitest/node';
import { bundleInlineHost, bundleWorker } from '../../scripts/bundle-workers.js';
import { esmBundleFileName, SOURCE_BUNDLES_ENV } from '../../src/runtime/worker-url.js';
import { SOURCE_CLI_ENV } from './cli-child.js';
import { MESH_MACHINE } from './fixture-machine.js';
import { ownImportMetaUrl } from './own-import-meta-url.js';
import { bundleSourceCli, sourceCliDir, sourceCliFile } from './source-cli-bundle.js';

const source = (rel: string): string => fileURLToPath(new URL(`../../${rel}`, import.meta.url));

/**
 * The bundles of this test run, made by whichever project's setup came first: vitest.config.ts has
 * two projects, each running this setup in the one main process, perhaps as separate module
 * instances, so the promise is kept on the realm's global object, not in a module variable.
 */
const MADE = Symbol.for('npusim.test.sourceBundles');
type Made = {
  dir: string;
  /** The bundled command's directory (source-cli-bundle.ts), under node_modules/.cache. */
  cliDir: string;
  bundle: () => Promise<unknown>;
  done: Promise<unknown>;
  /** A rebundling under way (watch mode), which both projects' reruns share. */
  again?: Promise<unknown>;
};
const realm = globalThis as typeof globalThis & { [MADE]?: Made };

/**
 * `entry` as one ES module, NAME.bundle.mjs in `dir` (src/runtime/worker-url.ts esmBundleFileName):
 * the fixtures' worker host (workers/actor-host.ts), which imports its machine by URL with a
 * dynamic `import()` (so no boot file: worker-url.ts INLINE_HOST_BUNDLE says why), and the mesh
 * fixture machine it imports (fixture-machine.ts). Started through tsx, each such worker cost about
 * half a second of CPU registering the loader and transforming its modules, and the threaded
 * runtime's tests start about a hundred of them. No esbuild warning is taken.
 */
async function esmBundle(name: string, entry: string, dir: string): Promise<void> {
  const result = await build({
    entryPoints: [entry],
    outfile: join(dir, esmBundleFileName(name)),
    plugins: [ownImportMetaUrl()],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
  });
  const problems = [...result.errors, ...result.warnings];
  if (problems.length > 0) {
    throw new Error(
      `source-bundles: expected no esbuild warnings for ${name}, got: ${problems.map((p) => p.text).join('; ')}`,
    );
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const first = realm[MADE] === undefined;
  if (first) {
    const dir = mkdtempSync(join(tmpdir(), 'npusim-source-bundles-'));
    const cliDir = sourceCliDir();
    // No warm-up: the code cache then holds only the top level (the build warms it on every
    // workload; a test run would spend more on that than its workers save).
    const none = () => undefined;
    const bundle = (): Promise<unknown> =>
      Promise.all([
        bundleSourceCli(cliDir),
        bundleWorker('machine-host', source('workers/machine-host.ts'), dir, none, [ownImportMetaUrl()]),
        bundleWorker('sweep-worker', source('workers/sweep-worker.ts'), dir, none, [ownImportMetaUrl()]),
        bundleInlineHost(source('src/cli/inline-host.ts'), source('src/model/actors/machine.ts'), dir, [
          ownImportMetaUrl(),
        ]),
        esmBundle('actor-host', source('workers/actor-host.ts'), dir),
        esmBundle(MESH_MACHINE, source('test/fixtures/mesh-machine.ts'), dir),
      ]);
    realm[MADE] = { dir, cliDir, bundle, done: bundle() };
  }
  const made = realm[MADE]!;
  await made.done;
  process.env[SOURCE_BUNDLES_ENV] = made.dir;
  process.env[SOURCE_CLI_ENV] = sourceCliFile(made.cliDir);
  // In watch mode the sources change between reruns: bundle them again before each one (once,
  // when both projects rerun).
  project.onTestsRerun(async () => {
    made.again ??= made.bundle().finally(() => {
      made.again = undefined;
    });
    await made.again;
  });
  if (!first) return () => undefined;
  return () => {
    rmSync(made.dir, { recursive: true, force: true });
    rmSync(made.cliDir, { recursive: true, force: true });
    delete realm[MADE];
  };
}

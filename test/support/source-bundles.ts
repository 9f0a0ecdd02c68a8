/**
 * Vitest global setup: bundle the real machine's worker host (workers/machine-host.ts) from the
 * current sources, once per test run, with the build's own bundler (scripts/bundle-workers.ts
 * `bundleWorker`: esbuild, one CommonJS file, a boot file), and name the directory in
 * NPUSIM_SOURCE_BUNDLES, where src/runtime/worker-url.ts looks for it. A threaded run in a test
 * then starts its nine workers on one file instead of each loading about a hundred modules through
 * tsx (worker-url.ts says what that cost). The tests still run the current sources: the bundle is
 * made from them when the run starts (and again before each rerun in watch mode), never left from
 * an earlier run, and removed at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { bundleWorker } from '../../scripts/bundle-workers.js';
import { SOURCE_BUNDLES_ENV } from '../../src/runtime/worker-url.js';

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'npusim-source-bundles-'));
  const entry = fileURLToPath(new URL('../../workers/machine-host.ts', import.meta.url));
  // No warm-up: the code cache then holds only the top level (the build warms it on every
  // workload; a test run would spend more on that than its workers save).
  const bundle = () => bundleWorker('machine-host', entry, dir, () => undefined);
  await bundle();
  process.env[SOURCE_BUNDLES_ENV] = dir;
  // In watch mode the sources change between reruns: bundle them again before each one.
  project.onTestsRerun(async () => {
    await bundle();
  });
  return () => rmSync(dir, { recursive: true, force: true });
}

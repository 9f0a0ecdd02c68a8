import { defineConfig } from 'vitest/config';
import { ISOLATED_TEST_FILES } from './test/isolated-files.js';

/**
 * `npusim-source` is the export condition under which the package's own name resolves to its
 * TypeScript sources (package.json "exports"), so `import ... from 'npusim'` works in the tests and
 * in examples/ without a build: vite resolves test imports with it, and Node (a user's workload file
 * loaded through tsx by `npusim run`, in the test's own process) with `--conditions`.
 */
const SOURCE_CONDITION = 'npusim-source';
/** Vite's own default server conditions (vite's `defaultServerConditions`), kept after ours. */
const CONDITIONS = [SOURCE_CONDITION, 'module', 'node', 'development|production'];

// Thread tests spawn real worker_threads that run the TypeScript sources: the real machine's
// worker, a sweep's pool threads, `run --inline`'s host and the fixtures' host with the mesh
// machine from bundles made from them when the test run starts (test/support/source-bundles.ts),
// any other worker through tsx (src/runtime/worker-url.ts); no build output from an earlier run is
// ever used.

// The same options for every file; the files of ISOLATED_TEST_FILES each in a fresh process, the
// rest sharing theirs (test/isolated-files.ts says why and which).
const everyFile = {
  include: ['test/**/*.test.ts'],
  // Threaded runs start their workers on a bundle of the current sources (the file says why).
  globalSetup: ['test/support/source-bundles.ts'],
  // Hooks a shared module would otherwise register for the first file only (the file says which).
  setupFiles: ['test/support/per-file-setup.ts'],
  testTimeout: 60_000,
  hookTimeout: 60_000,
  pool: 'forks' as const,
  execArgv: [`--conditions=${SOURCE_CONDITION}`],
};

export default defineConfig({
  resolve: { conditions: CONDITIONS },
  ssr: { resolve: { conditions: CONDITIONS } },
  test: {
    // Two cores: the threaded tests already oversubscribe them; run files one or two at a time.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { ...everyFile, name: 'isolated', include: [...ISOLATED_TEST_FILES], isolate: true },
      },
      {
        extends: true,
        test: { ...everyFile, name: 'shared', exclude: [...ISOLATED_TEST_FILES], isolate: false },
      },
    ],
  },
});

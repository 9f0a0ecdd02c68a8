import { defineConfig } from 'vitest/config';

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
// worker, a sweep's pool threads and `run --inline`'s host from bundles made from them when the
// test run starts (test/support/source-bundles.ts), every other worker (the tests' fixture
// machines) through tsx (src/runtime/worker-url.ts); no build output from an earlier run is ever
// used.
export default defineConfig({
  resolve: { conditions: CONDITIONS },
  ssr: { resolve: { conditions: CONDITIONS } },
  test: {
    include: ['test/**/*.test.ts'],
    // Threaded runs start their workers on a bundle of the current sources (the file says why).
    globalSetup: ['test/support/source-bundles.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: the threaded tests already oversubscribe them; run files one or two at a time.
    maxWorkers: 2,
    pool: 'forks',
    execArgv: [`--conditions=${SOURCE_CONDITION}`],
  },
});

/**
 * The test files that run each in a process of its own (vitest's `isolate`, vitest.config.ts);
 * every other file shares its worker process, and the modules it imports, with the files that
 * worker ran before it.
 *
 * Why most files share. A fresh process per file cost about 0.6 s a file (the fork, then the
 * whole source tree imported and compiled again), a seventh of the suite's time on two cores, and
 * each file's runs began on cold code. Sharing is safe where a file leaves nothing behind that
 * another file reads: the runtime's module state (the ring pool, the workload modules' guard) is
 * built to outlive a run, as it does in a sweep's pool thread.
 *
 * Why these do not. A file that replaces a module (`vi.mock`) needs that module fresh: in a shared
 * process it was imported, unmocked, by a file before it, and the mock never takes. A file that
 * spies (`vi.fn`, `vi.spyOn`) or stubs (`vi.stubEnv`, `vi.stubGlobal`) changes what later files
 * would see. A file that asserts the process's own live worker threads or ring pool
 * (`liveWorkerCount`, `ringPoolFigures`) counts what its process did, so it needs a process that
 * did nothing else. test/lint/isolated-files.test.ts holds this list to those rules.
 */
export const ISOLATED_TEST_FILES: readonly string[] = [
  'test/bench/engine-lengths.test.ts',
  'test/bench/paired-ratio.test.ts',
  'test/cli/check-hosts-placement.test.ts',
  'test/cli/check-hosts.test.ts',
  'test/cli/descriptor-limit.test.ts',
  'test/cli/interrupt.test.ts',
  'test/cli/sweep-results.test.ts',
  'test/cli/sweep-summary-unwritten.test.ts',
  'test/runtime/engine.test.ts',
  'test/runtime/largest-topology.test.ts',
  'test/runtime/stop-and-replay.test.ts',
  'test/runtime/thread-limit.test.ts',
  'test/runtime/threaded-runtime.test.ts',
  'test/runtime/threaded-watchdog.test.ts',
  'test/runtime/worker-set.test.ts',
];

/** What in a test file's text needs a process of its own (header). */
export const NEEDS_ISOLATION =
  /\bvi\.(mock|doMock|unmock|doUnmock|fn|spyOn|stubEnv|stubGlobal|resetModules)\b|\b(liveWorkerCount|ringPoolFigures)\b/;

import { defineConfig } from 'vitest/config';

// Thread tests spawn real worker_threads that run the TypeScript sources through tsx
// (see src/runtime/worker-url.ts), so no build output from an earlier run is ever used.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: the threaded tests already oversubscribe them; run files one or two at a time.
    maxWorkers: 2,
    pool: 'forks',
  },
});

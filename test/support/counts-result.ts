/**
 * A run result with the given counters and nothing else of a run: what `npusim compare` reads of
 * one (test/report/compare-results.test.ts, compare-sets.test.ts), without running anything.
 */
import type { RunConfig } from '../../src/model/scenario/run-config.js';
import type { RunResult } from '../../src/report/run-result.js';

const US = 1_000_000; // ticks

export function countsResult(
  counts: Record<string, number>,
  o: { seed?: number; simulatedTicks?: number; params?: Record<string, unknown> } = {},
): RunResult {
  const seed = o.seed ?? 1;
  const config = { workload: 'stress', seed, bugs: [], params: o.params ?? { topology: 'witherspoon-6' } };
  return {
    schemaVersion: 1,
    workload: 'stress',
    seed,
    host: 'inline',
    config: config as unknown as RunConfig,
    status: 'clean',
    digest: '',
    eventDigest: '',
    simulatedTicks: o.simulatedTicks ?? 200 * US,
    wallMs: 1,
    counts,
    contention: { latencies: {}, atsHitRate: 0, tceHitRate: 0, links: [] },
    engine: { events: 1, eventsPerSecond: 1, simulatedNsPerWallSecond: 1 },
    violations: [],
    liveness: [],
  } as unknown as RunResult;
}

/**
 * A shard summary as `npusim sweep --shard K/N` leaves it (src/sweep/summary.ts), clean unless
 * told otherwise, for the tests of merging shards.
 */
import { npusimVersion } from '../../src/repro/version.js';
import { type SeedRange, seedsInShard } from '../../src/sweep/seeds.js';
import type { SweepSummary } from '../../src/sweep/summary.js';

export function shardSummary(
  k: number,
  count: number,
  seeds: SeedRange,
  over: Partial<SweepSummary> = {},
): SweepSummary {
  const ran = seedsInShard(seeds, k, count);
  return {
    format: 'npusim-sweep-summary',
    version: 2,
    sweep: {
      npusim: npusimVersion(),
      workload: 'stress',
      params: { durationTicks: 1_000_000, topology: 'witherspoon-6', policy: 'per-socket' },
      bugs: [],
      profile: 'fixed',
      strategy: 'random',
      stopOnFirst: false,
    },
    seeds,
    shards: { count, covered: [k] },
    ran,
    clean: ran,
    failed: 0,
    byClass: { clean: ran },
    byRule: {},
    failures: [],
    worstExitCode: 0,
    stoppedEarly: false,
    wallMs: 1000,
    ...over,
  };
}

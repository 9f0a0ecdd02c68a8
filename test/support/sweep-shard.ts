/**
 * A shard summary as `npusim sweep --shard K/N` leaves it (src/sweep/summary.ts), clean unless
 * told otherwise, for the tests of merging shards.
 */

import { npusimVersion } from '../../src/io/version.js';
import { parseParams, type WorkloadParams } from '../../src/model/scenario/workload-params.js';
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
      params: sweepParams(1_000_000),
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

/**
 * A workload's parameters as a sweep writes them into its summary's identity (every default
 * filled in: sweep.ts sweepIdentity), which a merge checks as a workload file's (summary-read.ts).
 */
export function sweepParams(durationTicks: number): WorkloadParams {
  return parseParams({ durationTicks, tenants: [{ name: 'host', lpid: 0, groups: 'all' }] }, 'sweepParams');
}

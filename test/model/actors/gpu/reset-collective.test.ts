/**
 * GPU resets while the tenant runs a ring all-reduce (`gpu-reset` with `gpu.collective`). Two
 * defects made the run read clean while nothing moved:
 * - the reset's quiesce did not stop the collective, whose writes kept the GPU from draining: every
 *   reset stuck at quiesce (`gpu.resets` 0, no `gpu.sbr`);
 * - a collective write refused by a reset's dropped links ended its part only at its sender: the
 *   receiver waited for it for ever, and the ring stopped at the first one.
 */
import { describe, expect, test } from 'vitest';
import { runSimulation } from '../../../../src/api/run-simulation.js';
import type { RunConfig } from '../../../../src/model/scenario/run-config.js';
import { parseParams } from '../../../../src/model/scenario/workload-params.js';
import { workloads } from '../../../../workloads/index.js';

/** gpu-reset with a small all-reduce (64 KiB: many rounds per reset interval) for `durationTicks`. */
function config(seed: number, durationTicks: number): RunConfig {
  const w = workloads.find((x) => x.name === 'gpu-reset')!;
  const params = {
    ...w.params,
    durationTicks,
    gpu: { ...w.params.gpu, collective: 'ring-allreduce', collectiveBytes: 65536 },
  };
  return { workload: 'gpu-reset', seed, bugs: [], params: parseParams(params, 'gpu-reset') };
}

describe('gpu-reset with a ring all-reduce', () => {
  test.each([1, 2])('seed %i: resets are done, and all-reduces go on completing after them', async (seed) => {
    const short = await runSimulation(config(seed, 300_000_000), { host: 'inline' });
    const long = await runSimulation(config(seed, 600_000_000), { host: 'inline' });
    for (const r of [short, long]) {
      expect(r.status).toBe('clean');
      const done = r.counts['gpu.resets'] ?? 0;
      // train owns three GPUs: at most three of its resets are still running when the run ends.
      expect(done).toBeGreaterThan(1);
      expect(done).toBeGreaterThanOrEqual((r.counts['gpu.resetRequested'] ?? 0) - 3);
      expect(r.counts['gpu.sbr'] ?? 0).toBeGreaterThanOrEqual(done);
      expect(r.counts['allreduce.refused'] ?? 0).toBeGreaterThan(0);
    }
    // The second 300 us, with resets throughout, completes all-reduces too.
    expect(long.counts['allreduce.completed'] ?? 0).toBeGreaterThan(short.counts['allreduce.completed'] ?? 0);
  });
});

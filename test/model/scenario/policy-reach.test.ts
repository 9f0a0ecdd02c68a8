import { describe, expect, test } from 'vitest';
import { runSimulation } from '../../../src/api/run-simulation.js';
import { policyWithoutEffect } from '../../../src/model/scenario/policy-reach.js';
import type { RunConfig } from '../../../src/model/scenario/run-config.js';
import { parseParams } from '../../../src/model/scenario/workload-params.js';
import { workloads } from '../../../workloads/index.js';

const config = (name: string, policy: string): RunConfig => {
  const w = workloads.find((x) => x.name === name)!;
  return {
    workload: name,
    seed: 1,
    bugs: [],
    params: parseParams({ ...w.params, policy, durationTicks: 10_000_000 }, name),
  };
};

describe('policy reach', () => {
  test('one tenant over every group: per-socket and per-gpu are said to make the same run, and do', async () => {
    expect(policyWithoutEffect(config('stress', 'per-gpu').params)).toContain(
      'one tenant (host) takes every group',
    );
    const digests = await Promise.all(
      ['per-socket', 'per-gpu'].map(
        async (p) => (await runSimulation(config('stress', p), { host: 'inline' })).eventDigest,
      ),
    );
    expect(digests[0]).toBe(digests[1]);
  });

  test('per-gpu-isolated disables links even between one tenant’s GPUs, and several tenants split the GPUs: never said', async () => {
    expect(policyWithoutEffect(config('stress', 'per-gpu-isolated').params)).toBeUndefined();
    const isolated = await runSimulation(config('stress', 'per-gpu-isolated'), { host: 'inline' });
    const socket = await runSimulation(config('stress', 'per-socket'), { host: 'inline' });
    expect(isolated.eventDigest).not.toBe(socket.eventDigest);
    expect(policyWithoutEffect(config('multi-tenant', 'per-gpu').params)).toBeUndefined();
    expect(policyWithoutEffect(config('firmware-update', 'per-socket').params)).toBeUndefined();
  });
});

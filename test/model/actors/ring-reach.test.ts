/**
 * The GPUs said before a run to form no ring (actors/ring-reach.ts) are exactly those that count
 * `allreduce.noRing` when it runs, and a run where every GPU of a tenant is said so completes no
 * all-reduce. QA: `p2p-allreduce` on a topology file of one GPU a socket, and on witherspoon-6
 * under per-gpu-isolated, answered `clean: as expected` with 0 all-reduces and not a word.
 */
import { describe, expect, test } from 'vitest';
import { runSimulation } from '../../../src/api/run-simulation.js';
import { worldOf } from '../../../src/model/actors/machine.js';
import { gpusWithoutRing, ringlessGpus } from '../../../src/model/actors/ring-reach.js';
import { TOPOLOGY_PRESETS, type TopologySpec } from '../../../src/model/platform/topology.js';
import { validateTopologySpec } from '../../../src/model/platform/validate-topology.js';
import type { RunConfig } from '../../../src/model/scenario/run-config.js';
import { parseParams } from '../../../src/model/scenario/workload-params.js';
import { workloads } from '../../../workloads/index.js';

const allBricks = (id: string, socket: number) => ({
  id,
  socket,
  links: [0, 1, 2, 3, 4, 5].map((brick) => ({ brick })),
});
const W6 = TOPOLOGY_PRESETS['witherspoon-6'];
/** witherspoon-6's two sockets with one GPU each, its six links all to the NPU. */
const SOLO2 = validateTopologySpec({
  ...W6,
  name: 'solo2',
  gpus: [allBricks('gpu0', 0), allBricks('gpu3', 1)],
});
/** Socket 0 as witherspoon-6's, socket 1 one GPU alone: a ring on socket 0 only. */
const SEQUOIA_AND_ONE = validateTopologySpec({
  ...W6,
  name: 'sequoia-and-one',
  gpus: [...W6.gpus.filter((g) => g.socket === 0), allBricks('gpu3', 1)],
});

function config(overrides: Record<string, unknown>, spec?: TopologySpec): RunConfig {
  const w = workloads.find((x) => x.name === 'p2p-allreduce')!;
  const params = parseParams(
    { ...w.params, durationTicks: 40_000_000, ...overrides, ...(spec ? { topology: spec.name } : {}) },
    w.name,
  );
  return {
    workload: w.name,
    seed: 1,
    bugs: [],
    params,
    ...(spec ? { customTopology: { file: `${spec.name}.json`, spec } } : {}),
  };
}

describe('GPUs said to form no ring before the run', () => {
  test.each([
    { name: 'witherspoon-6, its own run', c: () => config({}), ringless: [] as number[] },
    { name: 'one GPU a socket', c: () => config({}, SOLO2), ringless: [0, 1] },
    {
      name: 'witherspoon-6 under per-gpu-isolated',
      c: () => config({ policy: 'per-gpu-isolated' }),
      ringless: [0, 1, 2, 3, 4, 5],
    },
    { name: 'a lone GPU on the second socket', c: () => config({}, SEQUOIA_AND_ONE), ringless: [3] },
  ])('$name: the GPUs named are those that count allreduce.noRing', async ({ c, ringless }) => {
    const cfg = c();
    const w = worldOf(cfg);
    expect(ringlessGpus(w)).toEqual(ringless);
    const r = await runSimulation(cfg, { host: 'inline' });
    expect(r.counts['allreduce.noRing'] ?? 0).toBe(ringless.length);
    const owned = w.gpuOwner.filter((o) => o >= 0).length;
    if (ringless.length === owned) expect(r.counts['allreduce.completed'] ?? 0).toBe(0);
    else expect(r.counts['allreduce.completed'] ?? 0).toBeGreaterThan(0);
    expect(gpusWithoutRing(w) === undefined).toBe(ringless.length === 0);
  });

  test('each reason is said in words', () => {
    const solo = gpusWithoutRing(worldOf(config({}, SOLO2)))!;
    expect(solo.head).toBe(
      'gpu.collective ring-allreduce forms no ring on gpu0 and gpu1 (gpu3 in the topology)',
    );
    expect(solo.why).toBe('so no all-reduce runs at all (counted as allreduce.noRing in --json)');
    expect(solo.detail).toContain(
      "gpu0 is tenant host's only GPU on socket 0; gpu1 (gpu3 in the topology) is tenant host's only GPU on socket 1",
    );
    const isolated = gpusWithoutRing(worldOf(config({ policy: 'per-gpu-isolated' })))!;
    expect(isolated.head).toBe('gpu.collective ring-allreduce forms no ring on any GPU (gpu0 to gpu5)');
    expect(isolated.detail).toContain(
      "per-gpu-isolated disabled the NVLinks between tenant host's gpu0 to gpu2 on socket 0 and between tenant host's gpu3 to gpu5 on socket 1 at start",
    );
    const lone = gpusWithoutRing(worldOf(config({}, SEQUOIA_AND_ONE)))!;
    expect(lone.head).toBe('gpu.collective ring-allreduce forms no ring on gpu3');
    expect(lone.why).toBe('so this GPU runs none (counted as allreduce.noRing in --json)');
  });

  test('nothing is said where no ring all-reduce is asked for', () => {
    const none = config(
      { gpu: { ...workloads.find((x) => x.name === 'p2p-allreduce')!.params.gpu, collective: 'none' } },
      SOLO2,
    );
    expect(ringlessGpus(worldOf(none))).toEqual([]);
    expect(gpusWithoutRing(worldOf(none))).toBeUndefined();
  });
});

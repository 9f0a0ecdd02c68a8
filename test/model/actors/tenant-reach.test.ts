/**
 * The GPUs said before a run to have no tenant (actors/tenant-reach.ts). QA: `multi-tenant` names
 * its guests for witherspoon-6; on a three-socket file its per-socket variant's two guests took two
 * sockets of three and left gpu4 and gpu5 idle beside its other runs, which drew on all six, and
 * nothing said so. Every shipped workload and variant on its own machine covers its GPUs (the GPU
 * atsd-hang leaves untrained, without a tenant on purpose, is not named), so none says it there.
 */
import { describe, expect, test } from 'vitest';
import { runSimulation } from '../../../src/api/run-simulation.js';
import { gpuListText } from '../../../src/model/actors/gpu-list-text.js';
import { worldOf } from '../../../src/model/actors/machine.js';
import { gpusWithoutTenant, tenantlessGpus } from '../../../src/model/actors/tenant-reach.js';
import { buildTopology, TOPOLOGY_PRESETS } from '../../../src/model/platform/topology.js';
import { validateTopologySpec } from '../../../src/model/platform/validate-topology.js';
import type { RunConfig } from '../../../src/model/scenario/run-config.js';
import type { Workload } from '../../../src/model/scenario/workload.js';
import { applySets, parseParams } from '../../../src/model/scenario/workload-params.js';
import { workloads } from '../../../workloads/index.js';

const W6 = TOPOLOGY_PRESETS['witherspoon-6'];
const W4 = TOPOLOGY_PRESETS['witherspoon-4'];
const rename = (m: Record<string, string>) => (g: (typeof W4.gpus)[number]) => ({
  ...g,
  id: m[g.id]!,
  socket: 2,
  links: g.links.map((l) => ('gpu' in l ? { gpu: m[l.gpu]! } : l)),
});
/** Three sockets: witherspoon-6's socket 0, one GPU alone, witherspoon-4's socket 1 as gpu4 and gpu5. */
const TRI = validateTopologySpec({
  ...W6,
  name: 'tri',
  sockets: [...W6.sockets, { chipId: 16, npuPciDomain: 8, gpuPciDomain: 54, gpuFirstBus: 5 }],
  gpus: [
    ...W6.gpus.filter((g) => g.socket === 0),
    { id: 'gpu3', socket: 1, links: [0, 1, 2, 3, 4, 5].map((brick) => ({ brick })) },
    ...W4.gpus.filter((g) => g.socket === 1).map(rename({ gpu2: 'gpu4', gpu3: 'gpu5' })),
  ],
});

/** The workload's own run (variant undefined) or one of its variants, on its machine or `spec`'s. */
function config(w: Workload, variant?: string, spec = undefined as typeof TRI | undefined): RunConfig {
  const v = w.variants.find((x) => x.name === variant);
  const own = parseParams({ ...w.params, ...(spec ? { topology: spec.name } : {}) }, w.name);
  return {
    workload: w.name,
    seed: 1,
    bugs: [],
    params: v === undefined ? own : parseParams(applySets(own, v.set), w.name),
    ...(v?.profile === undefined ? {} : { profile: v.profile }),
    ...(spec ? { customTopology: { file: 'tri.json', spec } } : {}),
  };
}

const multiTenant = workloads.find((w) => w.name === 'multi-tenant')!;

describe('GPUs said to have no tenant before the run', () => {
  test.each(workloads.flatMap((w) => [undefined, ...w.variants.map((v) => v.name)].map((v) => ({ w, v }))))(
    '$w.name $v on its own machine: none',
    ({ w, v }) => {
      const world = worldOf(config(w, v));
      expect(gpusWithoutTenant(world)).toEqual([]);
      expect(tenantlessGpus(world)).toBeUndefined();
    },
  );

  test("atsd-hang's untrained GPU has no tenant on purpose, and is not named", () => {
    const w = worldOf(config(workloads.find((x) => x.name === 'atsd-hang')!));
    expect(w.gpuOwner[2]).toBe(-1);
    expect(gpusWithoutTenant(w)).toEqual([]);
  });

  test('multi-tenant on three sockets: its per-socket variant leaves gpu4 and gpu5 idle, said so; its own run covers the machine', async () => {
    expect(gpusWithoutTenant(worldOf(config(multiTenant, undefined, TRI)))).toEqual([]);
    const perSocket = config(multiTenant, 'per-socket', TRI);
    const note = tenantlessGpus(worldOf(perSocket))!;
    expect(note).toEqual({
      head: 'no tenant owns gpu4 and gpu5 (2 of the 6 GPUs of tri)',
      why: 'so they draw no traffic and run nothing',
      detail: 'the 2 tenants take 2 of the 3 IOMMU groups per-socket makes',
    });
    // The run agrees: the GPUs named draw no DMA of their own, the others do.
    const r = await runSimulation(
      { ...perSocket, params: { ...perSocket.params, durationTicks: 20_000_000 } },
      {
        host: 'inline',
      },
    );
    const events = Object.fromEntries(r.actors.map((a) => [a.name, a.events]));
    for (const g of ['gpu0', 'gpu1', 'gpu2', 'gpu3']) expect(events[g]).toBeGreaterThan(100);
    for (const g of ['gpu4', 'gpu5']) expect(events[g]).toBeLessThan(10);
  });

  test('GPU lists: spans of three or more, ids of a topology file beside the names', () => {
    const t = buildTopology(TRI);
    expect(gpuListText(t, [4])).toBe('gpu4');
    expect(gpuListText(t, [5, 4])).toBe('gpu4 and gpu5');
    expect(gpuListText(t, [0, 1, 2, 4])).toBe('gpu0 to gpu2 and gpu4');
    const solo = buildTopology(
      validateTopologySpec({
        ...W6,
        name: 'solo2',
        gpus: [0, 3].map((i) => ({
          id: `gpu${i}`,
          socket: i === 0 ? 0 : 1,
          links: [0, 1, 2, 3, 4, 5].map((brick) => ({ brick })),
        })),
      }),
    );
    expect(gpuListText(solo, [0, 1])).toBe('gpu0 and gpu1 (gpu3 in the topology)');
  });
});

import { describe, expect, test } from 'vitest';
import { ModelRefusal } from '../../../src/core/errors.js';
import { applyLinkDisable, GpuBar0 } from '../../../src/model/platform/gpu-bar0.js';
import {
  computeGroups,
  isolationMask,
  linkUsable,
  nvlinkGroupOf,
  Ownership,
  peerAllowed,
  type Tenant,
} from '../../../src/model/platform/iommu-groups.js';
import { buildTopology } from '../../../src/model/platform/topology.js';
import { lpid, type Tick } from '../../../src/model/types.js';
import { thrownBy } from '../../support/thrown.js';

const t0 = 0 as Tick;
const guestA: Tenant = { id: 'A', lpid: lpid(1), kind: 'guest' };
const guestB: Tenant = { id: 'B', lpid: lpid(2), kind: 'guest' };

const refusalOf = (fn: () => unknown) => thrownBy(ModelRefusal, fn);

describe('iommu groups: policies', () => {
  test('per-socket on witherspoon-6 gives 2 groups of 3 GPUs and 6 bridges', () => {
    const groups = computeGroups(buildTopology('witherspoon-6'), 'per-socket');
    expect(groups.map((g) => [g.gpus.length, g.bridges.length])).toEqual([
      [3, 6],
      [3, 6],
    ]);
  });

  test('per-socket on witherspoon-4 gives 2 groups of 2 GPUs and 6 bridges', () => {
    const groups = computeGroups(buildTopology('witherspoon-4'), 'per-socket');
    expect(groups.map((g) => [g.gpus.length, g.bridges.length])).toEqual([
      [2, 6],
      [2, 6],
    ]);
  });

  test('per-gpu gives one group per GPU with its own bridges (the 2018 RFC)', () => {
    const t = buildTopology('witherspoon-6');
    const groups = computeGroups(t, 'per-gpu');
    expect(groups).toHaveLength(6);
    expect(groups[0]!.bridges.map((b) => t.bridges[b]!.bdf)).toEqual(['0006:00:00.0', '0006:00:00.1']);
  });

  test('the isolation mask covers exactly the links to GPUs outside the group', () => {
    const t = buildTopology('witherspoon-6');
    // GPU0 = {G1,b0,G2,G2,G1,b1}: GPU links 0,2,3,4.
    expect(isolationMask(t, [0], 0)).toBe(0b011101);
    expect(isolationMask(t, [0, 1, 2], 0)).toBe(0);
  });
});

describe('iommu groups: ownership', () => {
  const setup = (policy: 'per-socket' | 'per-gpu' | 'per-gpu-isolated') => {
    const t = buildTopology('witherspoon-6');
    const bar0 = t.gpus.map((g) => new GpuBar0(g.index));
    return { t, bar0, own: new Ownership(t, computeGroups(t, policy), bar0) };
  };

  test('a tenant takes whole groups; taking part of a group is refused', () => {
    const { own } = setup('per-socket');
    const e = refusalOf(() => own.assignDevices(guestA, { gpus: [0] }));
    expect(e.code).toBe('GROUP_SPLIT');
    expect(e.message).toMatch(/0004:05:00.0/);
    expect(own.ownerOfGpu(0)).toBeUndefined();
    expect(own.assignDevices(guestA, { gpus: [0, 1, 2], bridges: [0, 1, 2, 3, 4, 5] })).toEqual([0]);
    expect(own.ownerOfGpu(2)?.id).toBe('A');
    expect(own.ownerOfBridge(5)?.id).toBe('A');
  });

  test('a group already owned is refused; release frees it', () => {
    const { own } = setup('per-gpu');
    own.assign(guestA, [0]);
    expect(refusalOf(() => own.assign(guestB, [0])).code).toBe('EBUSY');
    expect(own.release('A')).toEqual([0]);
    own.assign(guestB, [0]);
    expect(own.ownerOfGpu(0)?.id).toBe('B');
  });

  test('per-gpu-isolated is refused before the link-disable sequence, accepted after', () => {
    const { t, bar0, own } = setup('per-gpu-isolated');
    const e = refusalOf(() => own.assign(guestA, [0]));
    expect(e.code).toBe('NOT_ISOLATED');
    applyLinkDisable(bar0[0]!, isolationMask(t, [0], 0), t0);
    own.assign(guestA, [0]);
    expect(own.gpusOf('A')).toEqual([0]);
    expect(own.isolationBroken()).toEqual([]);
  });

  test('an SBR clears the mask, and the owned isolated group is reported broken', () => {
    const { t, bar0, own } = setup('per-gpu-isolated');
    applyLinkDisable(bar0[0]!, isolationMask(t, [0], 0), t0);
    own.assign(guestA, [0]);
    bar0[0]!.secondaryBusReset(t0);
    expect(own.isolationBroken()).toEqual([{ groupId: 0, tenant: 'A', gpu: 0, links: 0b011101 }]);
  });
});

describe('iommu groups: NVLink peer reachability ignores ownership', () => {
  test('per-gpu without link disable: two tenants GPUs can reach each other (the 2018 fear)', () => {
    const t = buildTopology('witherspoon-6');
    const bar0 = t.gpus.map((g) => new GpuBar0(g.index));
    const own = new Ownership(t, computeGroups(t, 'per-gpu'), bar0);
    own.assign(guestA, [0]);
    own.assign(guestB, [1]);
    expect(peerAllowed(t, bar0, 0, 1)).toMatchObject({ allowed: true, links: [0, 4], usableLinks: [0, 4] });
    expect(own.ownerOfGpu(0)?.id).toBe(guestA.id);
    expect(own.ownerOfGpu(1)?.id).toBe(guestB.id);
    expect(guestA.id).not.toBe(guestB.id);
  });

  test('link disable on one side is enough to cut a peer link, and it stays cut until SBR', () => {
    const t = buildTopology('witherspoon-6');
    const bar0 = t.gpus.map((g) => new GpuBar0(g.index));
    applyLinkDisable(bar0[0]!, isolationMask(t, [0], 0), t0);
    expect(peerAllowed(t, bar0, 0, 1).allowed).toBe(false);
    expect(peerAllowed(t, bar0, 1, 0).allowed).toBe(false);
    expect(peerAllowed(t, bar0, 1, 2).allowed).toBe(true);
    // CPU bricks stay usable.
    expect(linkUsable(t, bar0, 0, 1)).toBe(true);
    // Writing the mask back to 0 does not re-enable anything.
    bar0[0]!.write(0xa0_0148, 0, t0);
    expect(peerAllowed(t, bar0, 0, 1).allowed).toBe(false);
    bar0[0]!.secondaryBusReset(t0);
    // Links were dropped by the reset until the NPU hot-reset hook retrains them.
    expect(peerAllowed(t, bar0, 0, 1).allowed).toBe(false);
    bar0[0]!.resetNpuLinks(t0);
    expect(peerAllowed(t, bar0, 0, 1).allowed).toBe(true);
  });
});

describe('iommu groups: the NVLink group of a GPU ("nvidia-smi -r")', () => {
  test('nvlink group: every GPU of a socket is linked to the others; none crosses sockets', () => {
    const t6 = buildTopology('witherspoon-6');
    const none = t6.gpus.map(() => 0);
    expect(nvlinkGroupOf(t6, none, 0)).toEqual([0, 1, 2]);
    expect(nvlinkGroupOf(t6, none, 4)).toEqual([3, 4, 5]);
    const t4 = buildTopology('witherspoon-4');
    expect(
      nvlinkGroupOf(
        t4,
        t4.gpus.map(() => 0),
        3,
      ),
    ).toEqual([2, 3]);
  });

  test('nvlink group: with the isolation masks of per-gpu-isolated every GPU is its own group', () => {
    const t6 = buildTopology('witherspoon-6');
    const masks = t6.gpus.map((g) => isolationMask(t6, [g.index], g.index));
    for (const g of t6.gpus) expect(nvlinkGroupOf(t6, masks, g.index)).toEqual([g.index]);
  });

  test('nvlink group: a link disabled on one end only is down; a group can be cut in two', () => {
    const t6 = buildTopology('witherspoon-6');
    const masks = t6.gpus.map(() => 0);
    // GPU 2 disables every link to GPUs 0 and 1 on its own side only.
    masks[2] = isolationMask(t6, [2], 2);
    expect(nvlinkGroupOf(t6, masks, 0)).toEqual([0, 1]);
    expect(nvlinkGroupOf(t6, masks, 2)).toEqual([2]);
  });
});

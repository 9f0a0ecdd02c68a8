/**
 * IOMMU groups, tenants and ownership, and which NVLinks can physically carry peer traffic
 * (docs/theory/topology-groups-tce.md#2-iommu-groups-and-ownership-iommu-groupsts).
 *
 * Policies:
 * - `per-socket`: Linux v5.0 0bd971676e68 "Add compound IOMMU groups": one group per NPU holding
 *   every GPU on it and every NVLink bridge ("there will be up to 3 GPUs in such group").
 * - `per-gpu`: the June 2018 RFC: a GPU and its bridges form a group, ignoring the GPU-GPU NVLinks.
 *   Nothing stops two tenants' GPUs reaching each other over NVLink: the case the 2018 thread feared.
 * - `per-gpu-isolated`: the never-merged `isolate_nvlink` boot option ("Isolate NVLinks between
 *   GV100GL on Witherspoon", Apr 2019): per-GPU groups that are valid only once the link-disable
 *   mask (gpu-bar0.ts) covers every link that goes to neither the NPU nor a GPU of the same group.
 *   The mask persists until a secondary bus reset; after one the group is no longer isolated and
 *   `isolationBroken()` says so.
 *
 * Physical reachability (`linkUsable`, `peerAllowed`) deliberately ignores ownership: the oracle
 * decides whether a reachable peer belongs to another tenant. That is how the model shows that
 * under `per-gpu` without link disable two tenants' GPUs can reach each other.
 */

import { ConfigError, ModelRefusal } from '../../core/errors.js';
import { gotText } from '../../core/shown-text.js';
import type { Lpid } from '../types.js';
import type { GpuBar0 } from './gpu-bar0.js';
import type { Topology } from './topology.js';

export type GroupPolicy = 'per-socket' | 'per-gpu' | 'per-gpu-isolated';
export const GROUP_POLICIES: readonly GroupPolicy[] = ['per-socket', 'per-gpu', 'per-gpu-isolated'];

/**
 * What each policy stands for: `origin` in a few words (`--help`, README's `--policy` row), and a
 * line for `npusim list` (QA: list named the policies without meaning). The one source of both.
 */
export const GROUP_POLICY_TEXT: Record<GroupPolicy, { origin: string; line: string }> = {
  'per-socket': {
    origin: 'Linux v5.0',
    line: 'one group per socket: every GPU and NVLink bridge of an NPU together (v5.0 0bd971676e68 compound groups, as v5.12 still formed), so a guest takes a whole socket',
  },
  'per-gpu': {
    origin: '2018 RFC',
    line: 'one group per GPU, the NVLinks between groups left up (the June 2018 RFC, never merged)',
  },
  'per-gpu-isolated': {
    origin: 'links disabled between groups',
    line: 'one group per GPU, the NVLinks between groups disabled through BAR0 before assignment (the 2019 isolate_nvlink series, never merged)',
  },
};

/** The policies with their origins, as `--help` names them. */
export const GROUP_POLICIES_TEXT = GROUP_POLICIES.map((p) => `${p} (${GROUP_POLICY_TEXT[p].origin})`).join(
  ', ',
);

export interface IommuGroup {
  /** Dense id, 0-based, in socket then GPU order. */
  id: number;
  policy: GroupPolicy;
  socket: number;
  /** Global GPU indices. */
  gpus: number[];
  /** Indices into Topology.bridges. */
  bridges: number[];
  /** Only `per-gpu-isolated`: the group is valid only with these links disabled, per GPU. */
  requiredDisableMask: Map<number, number>;
}

/** A guest (KVM LPID) or the host (LPID 0) taking devices through VFIO. */
export interface Tenant {
  id: string;
  lpid: Lpid;
  kind: 'host' | 'guest';
}

/**
 * Links of `gpu` that must be disabled for its group to be isolated: those going to a GPU outside
 * the group (links to the NPU and to GPUs of the same group stay up), as the isolation patch did.
 */
export function isolationMask(topology: Topology, group: readonly number[], gpu: number): number {
  const g = topology.gpus[gpu];
  if (g === undefined)
    throw new ConfigError('gpu', `Expected a GPU index below ${topology.gpus.length}, got ${gpu}`);
  let mask = 0;
  for (const l of g.links) if (l.kind === 'gpu' && !group.includes(l.peer)) mask |= 1 << l.link;
  return mask;
}

export function computeGroups(topology: Topology, policy: GroupPolicy): IommuGroup[] {
  if (!GROUP_POLICIES.includes(policy)) {
    throw new ConfigError(
      'policy',
      `Expected one of ${GROUP_POLICIES.join(', ')}, got ${gotText(String(policy))}`,
    );
  }
  const groups: IommuGroup[] = [];
  if (policy === 'per-socket') {
    for (const sk of topology.sockets) {
      if (sk.gpus.length === 0) continue;
      groups.push({
        id: groups.length,
        policy,
        socket: sk.socket,
        gpus: [...sk.gpus],
        bridges: [...sk.bridges],
        requiredDisableMask: new Map(),
      });
    }
    return groups;
  }
  for (const g of topology.gpus) {
    const required = new Map<number, number>();
    if (policy === 'per-gpu-isolated') required.set(g.index, isolationMask(topology, [g.index], g.index));
    groups.push({
      id: groups.length,
      policy,
      socket: g.socket,
      gpus: [g.index],
      bridges: [...g.bridges],
      requiredDisableMask: required,
    });
  }
  return groups;
}

/** Whether NVLink `link` of `gpu` carries traffic: it exists and is enabled on both ends. */
export function linkUsable(topology: Topology, bar0: readonly GpuBar0[], gpu: number, link: number): boolean {
  const g = topology.gpus[gpu];
  const l = g?.links[link];
  if (l === undefined) return false;
  const mine = bar0[gpu];
  if (mine === undefined || !mine.isLinkEnabled(link)) return false;
  if (l.kind === 'cpu') return true;
  const theirs = bar0[l.peer];
  return theirs?.isLinkEnabled(l.peerLink) === true;
}

/**
 * The NVLink group of `gpu`: every GPU it reaches over GPU-GPU NVLinks enabled on both ends
 * (`linkDisableMask[g]`, bit i = NVLink i disabled), directly or through others; the GPU itself
 * included. Ascending. Resetting a GPU drops its NVLinks under its peers, so the model's reset
 * policy (ASSUMED, not a kernel check: actors/coordinator/reset-traffic.ts) lets only a caller who
 * owns the whole group reset it: with per-socket groups that is the
 * socket's group, with `per-gpu` (links up between tenants) it spans tenants, and with
 * `per-gpu-isolated` (links to other groups disabled) it is the GPU alone.
 */
export function nvlinkGroupOf(topology: Topology, linkDisableMask: readonly number[], gpu: number): number[] {
  if (topology.gpus[gpu] === undefined)
    throw new ConfigError('gpu', `Expected a GPU index below ${topology.gpus.length}, got ${gpu}`);
  const enabled = (g: number, link: number) => ((linkDisableMask[g] ?? 0) & (1 << link)) === 0;
  const seen = new Set<number>([gpu]);
  const todo = [gpu];
  // Bounded: every GPU enters `todo` at most once.
  while (todo.length > 0) {
    const g = todo.pop()!;
    for (const l of topology.gpus[g]!.links) {
      if (l.kind !== 'gpu' || seen.has(l.peer)) continue;
      if (!enabled(g, l.link) || !enabled(l.peer, l.peerLink)) continue;
      seen.add(l.peer);
      todo.push(l.peer);
    }
  }
  return [...seen].sort((a, b) => a - b);
}

export interface PeerReach {
  allowed: boolean;
  /** Links of gpuA to gpuB that are usable now. */
  usableLinks: number[];
  /** Links of gpuA to gpuB that exist. */
  links: number[];
}

/** Can gpuA reach gpuB directly over NVLink right now? Independent of ownership (see header). */
export function peerAllowed(
  topology: Topology,
  bar0: readonly GpuBar0[],
  gpuA: number,
  gpuB: number,
): PeerReach {
  const g = topology.gpus[gpuA];
  const links =
    g === undefined ? [] : g.links.filter((l) => l.kind === 'gpu' && l.peer === gpuB).map((l) => l.link);
  const usableLinks = links.filter((l) => linkUsable(topology, bar0, gpuA, l));
  return { allowed: usableLinks.length > 0, usableLinks, links };
}

export interface OwnershipStats {
  assigns: number;
  refusals: number;
  releases: number;
}

/**
 * Who owns which group. A tenant takes whole groups (VFIO: a group is viable only when every
 * device in it is bound to vfio-pci and attached to the same container); partial, double or
 * non-isolated takes are refused with a ModelRefusal.
 */
export class Ownership {
  private readonly ownerByGroup = new Map<number, Tenant>();
  private readonly groupOfGpuIndex = new Map<number, number>();
  private readonly groupOfBridgeIndex = new Map<number, number>();
  readonly stats: OwnershipStats = { assigns: 0, refusals: 0, releases: 0 };

  constructor(
    readonly topology: Topology,
    readonly groups: readonly IommuGroup[],
    private readonly bar0: readonly GpuBar0[],
  ) {
    for (const g of groups) {
      for (const i of g.gpus) this.groupOfGpuIndex.set(i, g.id);
      for (const b of g.bridges) this.groupOfBridgeIndex.set(b, g.id);
    }
  }

  private refuse(code: string, message: string): never {
    this.stats.refusals++;
    throw new ModelRefusal(code, message);
  }

  groupOfGpu(gpu: number): number | undefined {
    return this.groupOfGpuIndex.get(gpu);
  }

  groupOfBridge(bridge: number): number | undefined {
    return this.groupOfBridgeIndex.get(bridge);
  }

  /** GPU links of `groupId` still enabled although the group requires them disabled. */
  private missingDisable(groupId: number): { gpu: number; links: number }[] {
    const g = this.groups[groupId]!;
    const out: { gpu: number; links: number }[] = [];
    for (const [gpu, required] of g.requiredDisableMask) {
      const have = this.bar0[gpu]?.disabledLinkMask ?? 0;
      const missing = required & ~have;
      if (missing !== 0) out.push({ gpu, links: missing });
    }
    return out;
  }

  /** Give whole groups to a tenant. All-or-nothing: on refusal nothing changes. */
  assign(tenant: Tenant, groupIds: readonly number[]): void {
    for (const id of groupIds) {
      const g = this.groups[id];
      if (g === undefined)
        this.refuse(
          'ENOENT',
          `Tenant ${tenant.id}: no IOMMU group ${id} (have 0..${this.groups.length - 1})`,
        );
      const owner = this.ownerByGroup.get(id);
      if (owner !== undefined) {
        this.refuse('EBUSY', `Tenant ${tenant.id}: IOMMU group ${id} is already owned by tenant ${owner.id}`);
      }
      const missing = this.missingDisable(id);
      if (missing.length > 0) {
        const what = missing
          .map((m) => `GPU${m.gpu} links 0b${m.links.toString(2).padStart(6, '0')}`)
          .join(', ');
        this.refuse(
          'NOT_ISOLATED',
          `Tenant ${tenant.id}: per-gpu-isolated group ${id} needs its peer NVLinks disabled first (link-disable sequence), still enabled: ${what}`,
        );
      }
    }
    for (const id of groupIds) this.ownerByGroup.set(id, tenant);
    this.stats.assigns++;
  }

  /**
   * Give devices to a tenant, the way a user names PCI devices: refused with GROUP_SPLIT unless the
   * devices make up whole groups.
   */
  assignDevices(
    tenant: Tenant,
    devices: { gpus?: readonly number[]; bridges?: readonly number[] },
  ): number[] {
    const gpus = new Set(devices.gpus ?? []);
    const bridges = new Set(devices.bridges ?? []);
    const ids = new Set<number>();
    for (const i of gpus) {
      const id = this.groupOfGpuIndex.get(i);
      if (id === undefined) this.refuse('ENOENT', `Tenant ${tenant.id}: GPU${i} is in no IOMMU group`);
      ids.add(id);
    }
    for (const b of bridges) {
      const id = this.groupOfBridgeIndex.get(b);
      if (id === undefined) this.refuse('ENOENT', `Tenant ${tenant.id}: bridge ${b} is in no IOMMU group`);
      ids.add(id);
    }
    for (const id of ids) {
      const g = this.groups[id]!;
      const missingGpus = g.gpus.filter((i) => !gpus.has(i));
      const missingBridges = g.bridges.filter((b) => !bridges.has(b));
      if (missingGpus.length > 0 || missingBridges.length > 0) {
        const names = [
          ...missingGpus.map((i) => this.topology.gpus[i]!.bdf),
          ...missingBridges.map((b) => this.topology.bridges[b]!.bdf),
        ];
        this.refuse(
          'GROUP_SPLIT',
          `Tenant ${tenant.id}: expected whole IOMMU group ${id} (${g.policy}), got part of it; missing ${names.join(', ')}`,
        );
      }
    }
    const sorted = [...ids].sort((a, b) => a - b);
    this.assign(tenant, sorted);
    return sorted;
  }

  /** Release every group of a tenant; returns the group ids released. */
  release(tenantId: string): number[] {
    const released: number[] = [];
    for (const [id, t] of this.ownerByGroup) if (t.id === tenantId) released.push(id);
    for (const id of released) this.ownerByGroup.delete(id);
    if (released.length > 0) this.stats.releases++;
    return released.sort((a, b) => a - b);
  }

  ownerOfGroup(groupId: number): Tenant | undefined {
    return this.ownerByGroup.get(groupId);
  }

  ownerOfGpu(gpu: number): Tenant | undefined {
    const id = this.groupOfGpuIndex.get(gpu);
    return id === undefined ? undefined : this.ownerByGroup.get(id);
  }

  ownerOfBridge(bridge: number): Tenant | undefined {
    const id = this.groupOfBridgeIndex.get(bridge);
    return id === undefined ? undefined : this.ownerByGroup.get(id);
  }

  /** Groups (ids, ascending) a tenant owns. */
  groupsOf(tenantId: string): number[] {
    const out: number[] = [];
    for (const [id, t] of this.ownerByGroup) if (t.id === tenantId) out.push(id);
    return out.sort((a, b) => a - b);
  }

  /** GPUs (ascending) a tenant owns. */
  gpusOf(tenantId: string): number[] {
    return this.groupsOf(tenantId)
      .flatMap((id) => this.groups[id]!.gpus)
      .sort((a, b) => a - b);
  }

  /**
   * Owned isolated groups whose required links are enabled again (e.g. after an SBR cleared the
   * mask): the engine should report these; the oracle then sees the reachable peers.
   */
  isolationBroken(): { groupId: number; tenant: string; gpu: number; links: number }[] {
    const out: { groupId: number; tenant: string; gpu: number; links: number }[] = [];
    for (const [id, t] of [...this.ownerByGroup].sort((a, b) => a[0] - b[0])) {
      for (const m of this.missingDisable(id))
        out.push({ groupId: id, tenant: t.id, gpu: m.gpu, links: m.links });
    }
    return out;
  }
}

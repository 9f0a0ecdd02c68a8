/**
 * The world a run starts from, derived purely from its RunConfig: topology, IOMMU groups and who
 * owns them, the processes (mm) and their initial page mappings, the TCE pages, the actors and the
 * directed edges between them.
 *
 * Every actor sees the same World for the same config (shared inline; threaded, a structured clone
 * of the main thread's, machine.ts), so nothing about the initial state has to travel as messages:
 * it is a pure function of the config, and plain data. Actors treat it as read-only.
 *
 * Actor numbering: chips first (one per socket), then GPUs, then the coordinator. Edges: every
 * topology edge (NVLink bundles GPU-GPU and GPU-CPU, PCIe GPU-chip, X-bus chip-chip) plus a control
 * edge each way between the coordinator and every chip and GPU (the host kernel's MMIO and
 * interrupt paths; ASSUMED 200 ns, 16 GB/s).
 */

import { countText } from '../../core/count-text.js';
import { didYouMean } from '../../core/edit-distance.js';
import { ConfigError, ModelRefusal } from '../../core/errors.js';
import { shellWord } from '../../core/shell-word.js';
import { gotText } from '../../core/shown-text.js';
import { HOST_RAM_PER_SOCKET_BYTES, hostRam } from '../host/host-ram.js';
import { PAGE_64K, type PhysPages, pageSizeName } from '../host/page-table.js';
import { buildProcesses, type ProcessInfo } from '../host/process.js';
import { applyLinkDisable, GpuBar0 } from '../platform/gpu-bar0.js';
import {
  computeGroups,
  type IommuGroup,
  isolationMask,
  Ownership,
  type Tenant,
} from '../platform/iommu-groups.js';
import type { EdgeSpec } from '../platform/link-timing.js';
import { buildPeerEdges, type PeerEdge } from '../platform/peer-edges.js';
import { buildTopology, type Endpoint, TOPOLOGY_PRESETS, type Topology } from '../platform/topology.js';
import { isPresetName } from '../platform/topology-presets.js';
import type { BugName } from '../scenario/bugs.js';
import { dmaBytesProblem } from '../scenario/dma-bytes.js';
import { checkGuestAtsdRegisters } from '../scenario/guest-atsd-registers.js';
import { PAGE_SIZE_BYTES } from '../scenario/page-sizes.js';
import { type FirmwareKnobs, type KernelKnobs, resolveProfile } from '../scenario/profiles.js';
import { checkPagesAtStart } from '../scenario/start-pages.js';
import { checkTceContainers } from '../scenario/tce-container.js';
import type { RunConfig, TenantSpec } from '../scenario/workload.js';
import { GiB, KiB, type Lpid, MiB, ns, type PhysAddr, TiB, type Tick } from '../types.js';

export type { ProcessInfo } from '../host/process.js';
export type { PeerEdge } from '../platform/peer-edges.js';

export interface ActorSlot {
  index: number;
  name: string;
  kind: 'chip' | 'gpu' | 'coordinator';
  socket?: number;
  gpu?: number;
}

export interface TenantInfo {
  index: number;
  spec: TenantSpec;
  id: string;
  lpid: Lpid;
  gpus: number[];
  tenant: Tenant;
}

/**
 * Whether the admin lets `t` update its GPUs' firmware: the host is the admin; a guest only with
 * `allowFirmwareUpdate`. The oracle judges updates by it (isolation.firmware), the GPU counts the
 * others (firmware.updatesUnallowed).
 */
export function mayUpdateFirmware(t: TenantInfo): boolean {
  return t.tenant.kind === 'host' || t.spec.allowFirmwareUpdate;
}

/** ASSUMED control-path latency (coordinator <-> chip/GPU). */
export const CONTROL_LATENCY_TICKS = ns(200);
const CONTROL_BYTES_PER_SECOND = 16e9;

export interface World {
  config: RunConfig;
  /** The run's bug switches and those of its profile. */
  bugs: ReadonlySet<BugName>;
  /** The profile's firmware behaviours (scenario/profiles.ts), for the chips' TCE systems. */
  firmware: FirmwareKnobs;
  /** The profile's kernel behaviours (scenario/profiles.ts), for the GPUs' BAR0 filter. */
  kernel: KernelKnobs;
  topology: Topology;
  groups: IommuGroup[];
  tenants: TenantInfo[];
  /** Tenant index owning each GPU, or -1. */
  gpuOwner: number[];
  /** Disabled-link mask of each GPU at start (per-gpu-isolated). */
  linkDisableMask: number[];
  processes: ProcessInfo[];
  /** Per process, the physical address of each initial page, of its page size (in va order). */
  processPages: PhysAddr[][];
  /** Per GPU, the physical pages its TCE window maps at start (bus page i -> tcePages[g][i]). */
  tcePages: PhysAddr[][];
  actors: ActorSlot[];
  edges: EdgeSpec[];
  chipActor: number[];
  gpuActor: number[];
  coordinator: number;
  /** edgeIndex.get(`${from}>${to}>${kind}`) */
  edgeIndex: Map<string, number>;
  peerEdges: PeerEdge[][];
}

export function buildWorld(config: RunConfig): World {
  const profile = resolveProfile(config.profile);
  const bugs = new Set<BugName>([...profile.bugs, ...config.bugs]);
  const topology = topologyOf(config);
  const { groups, tenants, gpuOwner, linkDisableMask } = assignTenants(config, topology, bugs);
  // Before anything is allocated: too many pages at start would take minutes to build.
  checkPagesAtStart(config.params, topology);
  checkGuestAtsdRegisters(config.params, topology, tenants);
  checkTceContainers(config.params.tenants);
  // The workload schema refuses these too; the library's runSimulation takes a RunConfig as it is.
  const dmaBytes = dmaBytesProblem(config.params.gpu.dmaBytes);
  if (dmaBytes !== undefined) throw new ConfigError('gpu.dmaBytes', dmaBytes);
  const processes = buildProcesses(
    topology,
    tenants.map((t) => ({
      index: t.index,
      lpid: t.lpid,
      gpus: t.gpus,
      processesPerGpu: t.spec.processesPerGpu,
      pagesPerProcess: t.spec.pagesPerProcess,
      pageSizes: t.spec.pageSizes.map((s) => PAGE_SIZE_BYTES[s]),
    })),
  );
  checkHostRamFits(config, topology, processes, tenants, gpuOwner);
  const ram = hostRam(topology);
  // Process pages first, then TCE pages: the order the host RAM allocator hands them out.
  const processPages = allocateProcessPages(ram, processes, tenants);
  const tcePages = allocateTcePages(topology, ram, gpuOwner, tenants);
  const wiring = wire(topology);
  return {
    config,
    bugs,
    firmware: profile.firmware,
    kernel: profile.kernel,
    topology,
    groups,
    tenants,
    gpuOwner,
    linkDisableMask,
    processes,
    processPages,
    tcePages,
    ...wiring,
    peerEdges: buildPeerEdges(topology, (a, b) =>
      wiring.edgeIndex.get(`${wiring.gpuActor[a]}>${wiring.gpuActor[b]}>nvlink`),
    ),
  };
}

/** The run's topology: a preset by name, or the custom topology file's. */
function topologyOf(config: RunConfig): Topology {
  const p = config.params;
  const custom = config.customTopology;
  // isPresetName, not `in`: `toString` is in every object.
  if (custom === undefined && !isPresetName(p.topology)) {
    const presets = Object.keys(TOPOLOGY_PRESETS);
    throw new ConfigError(
      'topology',
      `Expected a preset, one of ${presets.join(', ')}, got ${gotText(p.topology)}${didYouMean(p.topology, presets)} (a topology file is given by \`--topology FILE\`, not by this parameter)`,
    );
  }
  return buildTopology(custom?.spec ?? (p.topology as keyof typeof TOPOLOGY_PRESETS));
}

/**
 * Each process's initial pages, of its page size, from its home socket's RAM (in va order). They
 * fit (checkHostRamFits): a refusal here is a bug of npusim.
 */
function allocateProcessPages(
  ram: readonly PhysPages[],
  processes: readonly ProcessInfo[],
  tenants: readonly TenantInfo[],
): PhysAddr[][] {
  return processes.map((pr) =>
    Array.from(
      { length: pr.pages },
      () => ram[pr.homeSocket]!.allocate(pr.pageSizeBytes, tenants[pr.tenant]!.id).base,
    ),
  );
}

/** What takes a socket's host RAM at start: one tenant's pages of one kind and size. */
interface RamUse {
  tenant: number;
  /** The tenant parameter that sets how many pages each process or GPU maps. */
  field: 'pagesPerProcess' | 'tcePagesPerGpu';
  /** Processes (pagesPerProcess) or GPUs (tcePagesPerGpu) mapping them. */
  count: number;
  pages: number;
  pageSizeBytes: number;
}

/**
 * The pages a run maps at start must fit in each socket's host RAM (HOST_RAM_PER_SOCKET_BYTES),
 * checked before any is allocated and said in the workload's terms: the parameter of the largest
 * share of the socket that overflows, its value, and what takes the socket. (Allocated first, a
 * million pages per process takes seconds before it is refused, and the TCE pages' refusal named
 * no parameter at all.) The sum follows the allocator (PhysPages): every process's pages in
 * process order, then every GPU's TCE pages, each run of pages aligned to its page size from the
 * socket's 1G-aligned base.
 */
function checkHostRamFits(
  config: RunConfig,
  topology: Topology,
  processes: readonly ProcessInfo[],
  tenants: readonly TenantInfo[],
  gpuOwner: readonly number[],
): void {
  for (const { socket } of topology.sockets) {
    const uses: RamUse[] = [];
    let endBytes = 0;
    const take = (use: Omit<RamUse, 'count'>): void => {
      endBytes = Math.ceil(endBytes / use.pageSizeBytes) * use.pageSizeBytes + use.pages * use.pageSizeBytes;
      const same = uses.find(
        (u) => u.tenant === use.tenant && u.field === use.field && u.pageSizeBytes === use.pageSizeBytes,
      );
      if (same === undefined) uses.push({ ...use, count: 1 });
      else same.count++;
    };
    for (const pr of processes) {
      if (pr.homeSocket !== socket) continue;
      take({ tenant: pr.tenant, field: 'pagesPerProcess', pages: pr.pages, pageSizeBytes: pr.pageSizeBytes });
    }
    for (const g of topology.gpus) {
      const owner = gpuOwner[g.index]!;
      if (g.socket !== socket || owner < 0) continue;
      const pages = tenants[owner]!.spec.tcePagesPerGpu;
      if (pages > 0) take({ tenant: owner, field: 'tcePagesPerGpu', pages, pageSizeBytes: PAGE_64K });
    }
    if (endBytes <= HOST_RAM_PER_SOCKET_BYTES) continue;
    const bytesOf = (u: RamUse) => u.count * u.pages * u.pageSizeBytes;
    const largest = uses.reduce((a, b) => (bytesOf(b) > bytesOf(a) ? b : a));
    const value = config.params.tenants[largest.tenant]![largest.field];
    const useText = (u: RamUse): string => {
      const who = `\`${tenants[u.tenant]!.id}\``;
      const what =
        u.field === 'pagesPerProcess'
          ? `${countText(u.count, 'process', 'processes')} of ${who} x ${u.pages} ${pageSizeName(u.pageSizeBytes)} pages`
          : `the TCE windows of ${countText(u.count, 'GPU')} of ${who} x ${u.pages} 64K pages`;
      return `${what} (${bytesText(bytesOf(u))})`;
    };
    throw new ConfigError(
      `tenants[${largest.tenant}].${largest.field}`,
      `Expected the pages workload \`${config.workload}\` maps at start to fit in the host RAM of socket ${socket} ` +
        `(${bytesText(HOST_RAM_PER_SOCKET_BYTES)}), got ${value} ${largest.field === 'pagesPerProcess' ? 'pages per process' : 'TCE pages per GPU'}: ` +
        `${uses.map(useText).join(', ')}${paddingText(endBytes - uses.reduce((n, u) => n + bytesOf(u), 0))}: ${bytesText(endBytes)} in all, ${bytesText(endBytes - HOST_RAM_PER_SOCKET_BYTES)} more than it holds`,
    );
  }
}

/**
 * The bytes between runs of pages (each run starts at a multiple of its page size, so 1G pages after
 * 2M ones skip to the next 1G), which the listed uses leave out: without it their sum falls short.
 */
function paddingText(bytes: number): string {
  return bytes > 0 ? `, and ${bytesText(bytes)} skipped to align runs of pages to their size` : '';
}

/** Bytes in binary units, to 6 significant digits (`256.031 GiB` is not `256 GiB`): `32 MiB`. */
function bytesText(bytes: number): string {
  const units: [number, string][] = [
    [TiB, 'TiB'],
    [GiB, 'GiB'],
    [MiB, 'MiB'],
    [KiB, 'KiB'],
  ];
  // The largest unit that holds it whole in four digits (1080 GiB, not 1.05469 TiB); else the
  // largest it fills (256.031 GiB, not 262176 MiB).
  const whole = units.find(([u]) => bytes >= u && bytes % u === 0 && bytes / u < 10_000);
  const [size, unit] = whole ?? units.find(([u]) => bytes >= u) ?? [1, 'B'];
  return `${Number((bytes / size).toPrecision(6))} ${unit}`;
}

/**
 * Per GPU, the 64K pages its owner's TCE window maps at start, from the GPU's socket's RAM. They
 * fit (checkHostRamFits): a refusal here is a bug of npusim.
 */
function allocateTcePages(
  topology: Topology,
  ram: readonly PhysPages[],
  gpuOwner: readonly number[],
  tenants: readonly TenantInfo[],
): PhysAddr[][] {
  return topology.gpus.map((g) => {
    const owner = gpuOwner[g.index]!;
    const n = owner < 0 ? 0 : tenants[owner]!.spec.tcePagesPerGpu;
    return Array.from({ length: n }, () => ram[g.socket]!.allocate(PAGE_64K, tenants[owner]!.id).base);
  });
}

/**
 * The IOMMU groups of the policy, and which tenant takes which (VFIO: a guest takes whole groups).
 * The bug "links left enabled with per-GPU groups" gives per-GPU groups with no link disable.
 */
function assignTenants(config: RunConfig, topology: Topology, bugs: ReadonlySet<BugName>) {
  const p = config.params;
  const policy = bugs.has('links-enabled-per-gpu') && p.policy === 'per-gpu-isolated' ? 'per-gpu' : p.policy;
  const groups = computeGroups(topology, policy);
  const bar0s = topology.gpus.map((g) => new GpuBar0(g.index));
  const linkDisableMask = topology.gpus.map(() => 0);
  if (policy === 'per-gpu-isolated') disableCrossGroupLinks(topology, groups, bar0s, linkDisableMask);
  const ownership = new Ownership(topology, groups, bar0s);
  checkEnoughGroups(config, topology, policy, groups.length);
  const gpuOwner = topology.gpus.map(() => -1);
  const taken = new Set<number>();
  const tenants: TenantInfo[] = p.tenants.map((spec, index) => {
    const ids =
      spec.groups === 'all'
        ? groups.map((g) => g.id)
        : spec.groups === 'rest'
          ? groups.map((g) => g.id).filter((id) => !taken.has(id))
          : spec.groups;
    const tenant: Tenant = {
      id: spec.name,
      lpid: spec.lpid as Lpid,
      kind: spec.lpid === 0 ? 'host' : 'guest',
    };
    try {
      ownership.assign(tenant, ids);
    } catch (e) {
      if (e instanceof ModelRefusal) throw new ConfigError(`tenants[${index}].groups`, e.message);
      throw e;
    }
    for (const id of ids) taken.add(id);
    const gpus = ids.flatMap((id) => groups[id]!.gpus).sort((a, b) => a - b);
    for (const g of gpus) gpuOwner[g] = index;
    return { index, spec, id: spec.name, lpid: spec.lpid as Lpid, gpus, tenant };
  });
  checkEveryTenantHasGpu(config, topology, policy, groups.length, tenants);
  checkUntrainedGpus(config, topology, tenants);
  return { groups, tenants, gpuOwner, linkDisableMask };
}

/**
 * `gpu.untrained` names GPUs of this topology, once each, that no tenant owns: a GPU whose
 * NVLinks never trained carries no DMA, so a tenant given one could not run.
 */
function checkUntrainedGpus(config: RunConfig, topology: Topology, tenants: readonly TenantInfo[]): void {
  // Absent from a RunConfig the library was handed as it is (the schema defaults it to none).
  const untrained = config.params.gpu.untrained ?? [];
  const seen = new Set<number>();
  for (const [i, g] of untrained.entries()) {
    const field = `gpu.untrained[${i}]`;
    if (!Number.isInteger(g) || g < 0 || g >= topology.gpus.length) {
      throw new ConfigError(
        field,
        `Expected a GPU of ${topology.name} (0 to ${topology.gpus.length - 1}), got \`${g}\``,
      );
    }
    if (seen.has(g)) throw new ConfigError(field, `Expected each GPU once, got GPU ${g} twice`);
    seen.add(g);
    const owner = tenants.find((t) => t.gpus.includes(g));
    if (owner !== undefined) {
      throw new ConfigError(
        field,
        `Expected a GPU no tenant owns (its NVLinks never trained, so it carries no DMA), got GPU ${g} of tenant \`${owner.id}\``,
      );
    }
  }
}

/** per-gpu-isolated: each GPU's BAR0 disables its links to GPUs outside its group (`mask` records it). */
function disableCrossGroupLinks(
  topology: Topology,
  groups: readonly IommuGroup[],
  bar0s: readonly GpuBar0[],
  mask: number[],
): void {
  for (const g of groups) {
    for (const gpu of g.gpus) {
      mask[gpu] = isolationMask(topology, g.gpus, gpu);
      applyLinkDisable(bar0s[gpu]!, mask[gpu]!, 0 as Tick);
    }
  }
}

/**
 * A workload written for a bigger machine: say so in the user's terms (workload, what it needs,
 * what this topology and policy have) rather than as one tenant's refused group.
 */
function checkEnoughGroups(config: RunConfig, topology: Topology, policy: string, groupCount: number): void {
  const p = config.params;
  const explicit = p.tenants.map((t) => (Array.isArray(t.groups) ? t.groups : []));
  const needed = Math.max(0, ...explicit.flat().map((id) => id + 1));
  if (needed > groupCount) {
    const i = explicit.findIndex((ids) => ids.some((id) => id >= groupCount));
    const onePerTenant = explicit.every((ids, k) => ids.length === 1 && ids[0] === k);
    if (onePerTenant)
      throw new ConfigError(
        `tenants[${i}].groups`,
        `Expected a topology and policy with ${needed} IOMMU groups or more (workload \`${config.workload}\` needs them: one per tenant), ` +
          `got ${machineName(config, topology)} under ${policy}, which has ${groupCount}`,
      );
    // One group out of range (`--set tenants[1].groups=[99]`) is the group's fault, not the
    // machine's: say the range (QA: "a topology with 100 IOMMU groups or more" sent the user
    // looking for a bigger machine). The hint names the run's machine: `npusim topo` alone lists
    // witherspoon-6's (QA: six groups shown for a five-group file's refusal).
    const group = explicit[i]!.find((id) => id >= groupCount)!;
    throw new ConfigError(
      `tenants[${i}].groups`,
      `Expected IOMMU groups from 0 to ${groupCount - 1} (${machineName(config, topology)} under ${policy} has ${groupCount}), ` +
        `got group ${group} for tenant \`${p.tenants[i]!.name}\` (\`npusim topo ${shellWord(config.customTopology?.file ?? topology.name)} --policy ${policy}\` lists the groups)`,
    );
  }
}

/**
 * The machine as the user named it: a topology file by its path beside the name inside it (a
 * refusal said `got solo-2 under per-gpu-isolated`, a name the command line never gave; QA).
 */
function machineName(config: RunConfig, topology: Topology): string {
  const file = config.customTopology?.file;
  return file === undefined ? topology.name : `${topology.name} (${file})`;
}

function checkEveryTenantHasGpu(
  config: RunConfig,
  topology: Topology,
  policy: string,
  groupCount: number,
  tenants: readonly TenantInfo[],
): void {
  tenants.forEach((t, i) => {
    if (t.gpus.length === 0) {
      throw new ConfigError(
        `tenants[${i}].groups`,
        `workload \`${config.workload}\` leaves no GPU for tenant \`${t.id}\`: ${machineName(config, topology)} under ${policy} has ${countText(groupCount, 'IOMMU group')}, all taken by the tenants before it`,
      );
    }
  });
}

/** The actors (chips, GPUs, coordinator) and every directed edge between them. */
function wire(topology: Topology) {
  const actors: ActorSlot[] = [];
  const chipActor = topology.sockets.map((s) => {
    actors.push({ index: actors.length, name: `chip${s.socket}`, kind: 'chip', socket: s.socket });
    return actors.length - 1;
  });
  const gpuActor = topology.gpus.map((g) => {
    actors.push({ index: actors.length, name: `gpu${g.index}`, kind: 'gpu', gpu: g.index, socket: g.socket });
    return actors.length - 1;
  });
  const coordinator = actors.length;
  actors.push({ index: coordinator, name: 'coordinator', kind: 'coordinator' });
  const actorOf = (e: Endpoint): number => (e.kind === 'gpu' ? gpuActor[e.index]! : chipActor[e.socket]!);
  const edges: EdgeSpec[] = [];
  const edgeIndex = new Map<string, number>();
  const addEdge = (
    from: number,
    to: number,
    kind: EdgeSpec['kind'],
    latencyTicks: number,
    bps: number,
    lanes: number,
  ) => {
    const index = edges.length;
    const label = `${actors[from]!.name}->${actors[to]!.name} ${kind}${lanes > 1 ? ` x${lanes}` : ''}`;
    edges.push({
      index,
      from,
      to,
      kind,
      label,
      latencyTicks,
      bytesPerSecond: bps,
      jitterTicks: Math.floor(latencyTicks / 10),
    });
    edgeIndex.set(`${from}>${to}>${kind}`, index);
  };
  for (const e of topology.edges) {
    addEdge(actorOf(e.from), actorOf(e.to), e.kind, e.latencyTicks, e.bytesPerSecond, e.lanes);
  }
  for (const a of actors) {
    if (a.index === coordinator) continue;
    addEdge(coordinator, a.index, 'control', CONTROL_LATENCY_TICKS, CONTROL_BYTES_PER_SECOND, 1);
    addEdge(a.index, coordinator, 'control', CONTROL_LATENCY_TICKS, CONTROL_BYTES_PER_SECOND, 1);
  }
  return { actors, edges, chipActor, gpuActor, coordinator, edgeIndex };
}

/** The edge from actor `from` to actor `to` of `kind`; throws when the topology has none. */
export function edgeOf(w: World, from: number, to: number, kind: EdgeSpec['kind']): number {
  const e = w.edgeIndex.get(`${from}>${to}>${kind}`);
  if (e === undefined) {
    throw new ConfigError(
      'topology',
      `Expected a ${kind} edge from ${w.actors[from]!.name} to ${w.actors[to]!.name}, got none`,
    );
  }
  return e;
}

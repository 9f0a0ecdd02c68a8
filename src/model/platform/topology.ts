/**
 * The machine's shape: sockets (P9 chip + NPU), GPUs, NVLink bridges and the edges the engine
 * wires rings from (docs/theory/topology-groups-tce.md#1-topology-topology-spects-topologyts).
 *
 * Built from a validated TopologySpec (topology-spec.ts, validate-topology.ts); the two Witherspoon
 * presets are specs too (topology-presets.ts), so presets and custom machines go through exactly
 * the same code. Addresses are address-map.ts, the engine's edges topology-edges.ts, actor names
 * actor-names.ts, and `npusim topo`'s text describe-topology.ts.
 *
 * Facts modelled:
 * - GPU RAM aperture: skiboot hw/phys-map.c GPU_MEM_4T_DOWN (index 0..5 from 0x3e0_0000_0000
 *   stepping down by 128 GiB) or GPU_MEM_4T_UP (from 0x400_0000_0000 stepping up), + chip_id << 42;
 *   the index is the GPU's index on its chip, as in npu2.c's phys_map_get(chip, GPU_MEM, index).
 * - "tgt" (ibm,device-tgt-addr, SSATGT cap): keep base bits 0-42, move 45-46 to 43-44 and 49-50 to
 *   45-46. Done with arithmetic, not `>>`/`&`, which truncate to 32 bits.
 * - Each CPU brick is an emulated PCI bridge 0x1014:0x04ea at npuDomain:00:<gpu index on NPU>.<n>,
 *   n = the brick's order among that GPU's CPU links (the RFC shows 0006:00:00.0/.1 for GPU 0).
 * - ATSD n of an NPU at regs + 0x800000 + n*0x10000 (skiboot MMIO_ATSD_ADDR, its "ibm,mmio-atsd",
 *   which npu-dma.c reads), 8 per NPU; bridge with link index L is pre-assigned ATSD L
 *   (vfio_pci_nvlink2.c), so ATSD 6 and 7 stay with the host.
 */
import { assert, ConfigError } from '../../core/errors.js';
import { shownText } from '../../core/shown-text.js';
import type { PhysAddr, Tick } from '../types.js';
import {
  ATSD_REGISTERS_PER_NPU,
  atsdRegisterAddress,
  checkAddressWindows,
  checkDistinctTgts,
  gpuApertureBase,
  gpuTgt,
  npuRegsBase,
} from './address-map.js';
import { SpecIssues } from './spec-issues.js';
import { buildEdges, checkEncodable } from './topology-edges.js';
import { isPresetName, type PresetName, TOPOLOGY_PRESETS } from './topology-presets.js';
import {
  applyOverrides,
  DEFAULT_GPU_RAM_BYTES,
  DEFAULT_NVLINK_SPEED,
  GPU_APERTURE_BYTES,
  type GpuMemMap,
  type LinkParams,
  NPU_LINKS_PER_CHIP,
  resolvedLinkParams,
  type TopologyOverrides,
  type TopologySpec,
} from './topology-spec.js';
import { validateTopologyOverrides, validateTopologySpec } from './validate-topology.js';

export type { PresetName } from './topology-presets.js';
export { TOPOLOGY_PRESETS } from './topology-presets.js';
export type { TopologyOverrides, TopologySpec } from './topology-spec.js';

export const NVLINK_BRIDGE_VENDOR_ID = 0x1014;
export const NVLINK_BRIDGE_DEVICE_ID = 0x04ea;
export const NVIDIA_VENDOR_ID = 0x10de;
/** "ibm,opal-num-pes" of an NPU PHB, and the PE firmware reserves. */
export const NPU_PES = 8;
export const NPU_RESERVED_PE = 7;

export interface PciAddress {
  domain: number;
  bus: number;
  device: number;
  fn: number;
}

/** One of a GPU's 6 NVLinks, resolved. */
export type GpuLink =
  | { link: number; kind: 'gpu'; peer: number; peerLink: number }
  | { link: number; kind: 'cpu'; brick: number; bridge: number };

export interface GpuInfo {
  /** Global index (order in the spec). */
  index: number;
  id: string;
  socket: number;
  chipId: number;
  /** Index among its socket's GPUs: the NPU PCI device number and the aperture index. */
  indexOnNpu: number;
  pci: PciAddress;
  bdf: string;
  apertureBase: PhysAddr;
  apertureBytes: number;
  ramBytes: number;
  /** ibm,device-tgt-addr: the compressed aperture base used for DMA routing and bridge pairing. */
  tgt: number;
  /** Fake chip-id NUMA node, counting down from 255 (skiboot). */
  numaNode: number;
  links: GpuLink[];
  /** Indices into Topology.bridges of this GPU's NVLink bridges, in link order. */
  bridges: number[];
}

export interface BridgeInfo {
  index: number;
  socket: number;
  gpu: number;
  /** "ibm,npu-link-index": the NPU brick, 0..5. */
  linkIndex: number;
  /** The GPU-side NVLink (position in its ibm,nvlink-peers). */
  gpuLink: number;
  pci: PciAddress;
  bdf: string;
  vendorId: number;
  deviceId: number;
  tgt: number;
  nvlinkSpeed: number;
  /** "memory-region": the GPU's aperture. */
  memoryBase: PhysAddr;
  memoryBytes: number;
  /** ibm,mmio-atsd[linkIndex]: the ATSD register VFIO pre-assigns to this bridge. */
  atsdRegister: PhysAddr;
}

export interface NpuInfo {
  socket: number;
  chipId: number;
  pciDomain: number;
  regsBase: PhysAddr;
  /** ibm,mmio-atsd: 8 register addresses. */
  atsdRegisters: PhysAddr[];
  bricks: number;
  pes: number;
  reservedPe: number;
}

export interface SocketInfo {
  socket: number;
  chipId: number;
  gpuPciDomain: number;
  npu: NpuInfo;
  gpus: number[];
  bridges: number[];
}

export type Endpoint = { kind: 'gpu'; index: number } | { kind: 'chip'; socket: number };
export type EdgeKind = 'nvlink' | 'pcie' | 'xbus';

/** One direction of a connection; the engine gives each directed edge its own ring. */
export interface Edge {
  from: Endpoint;
  to: Endpoint;
  kind: EdgeKind;
  /** NVLink links or bricks bundled into this edge (1 for pcie and xbus). */
  lanes: number;
  latencyTicks: Tick;
  bytesPerSecond: number;
}

export interface Topology {
  name: string;
  gpuMemMap: GpuMemMap;
  sockets: SocketInfo[];
  gpus: GpuInfo[];
  bridges: BridgeInfo[];
  edges: Edge[];
  linkParams: Record<'nvlinkBrick' | 'pcie' | 'xbus', LinkParams>;
}

export function formatBdf(a: PciAddress): string {
  const h = (n: number, w: number) => n.toString(16).padStart(w, '0');
  return `${h(a.domain, 4)}:${h(a.bus, 2)}:${h(a.device, 2)}.${a.fn}`;
}

/**
 * Build a topology from a preset name or a spec, with optional overrides (link parameters, memory
 * map, GPU RAM size). Throws ConfigError naming the field for any bad input (an override key it
 * does not take among them), every independent mistake in the one refusal.
 */
export function buildTopology(spec: TopologySpec | PresetName, overrides?: TopologyOverrides): Topology {
  const base = typeof spec === 'string' ? presetSpec(spec) : spec;
  // In turn, each check on what the one before it passed: the overrides before they are merged
  // (applyOverrides copies only the keys it knows: an unknown one would be dropped without a word),
  // then the merged spec (with an override wrong, its check would say that mistake again), then
  // the machine built from it.
  const s = validateTopologySpec(applyOverrides(base, validateTopologyOverrides(overrides)));
  const memMap = s.gpuMemMap ?? 'GPU_MEM_4T_DOWN';
  const ramBytes = s.gpuRamBytes ?? DEFAULT_GPU_RAM_BYTES;
  const speed = s.nvlinkSpeed ?? DEFAULT_NVLINK_SPEED;
  const linkParams = resolvedLinkParams(s);

  const sockets = buildSockets(s);
  const gpus = buildGpus(s, sockets, memMap, ramBytes);
  const bridges = resolveLinks(s, sockets, gpus, speed);
  const edges = buildEdges(gpus, sockets, linkParams);
  // The machine's limits, on the machine the checked spec builds (building it refuses nothing:
  // its sockets and links are the spec's, checked). They do not read each other, so each is said
  // with the others in one refusal: the actors and edges a ring record can name, the address
  // windows apart; in the order the spec has their fields, as the spec's own.
  const issues = new SpecIssues(s);
  checkEncodable(sockets.length, gpus.length, edges.length, issues);
  checkAddressWindows(sockets, gpus, issues);
  checkDistinctTgts(sockets, gpus, issues);
  issues.throwIfAny((field) => field);
  return { name: s.name, gpuMemMap: memMap, sockets, gpus, bridges, edges, linkParams };
}

/** Each socket: its P9 chip and NPU, with the NPU's register base and ATSD registers. */
function buildSockets(s: TopologySpec): SocketInfo[] {
  return s.sockets.map((sk, socket) => {
    const regsBase = sk.npuRegsBase ?? npuRegsBase(sk.chipId);
    return {
      socket,
      chipId: sk.chipId,
      gpuPciDomain: sk.gpuPciDomain,
      npu: {
        socket,
        chipId: sk.chipId,
        pciDomain: sk.npuPciDomain,
        regsBase: regsBase as PhysAddr,
        atsdRegisters: Array.from({ length: ATSD_REGISTERS_PER_NPU }, (_, n) =>
          atsdRegisterAddress(regsBase, n),
        ),
        bricks: NPU_LINKS_PER_CHIP,
        pes: NPU_PES,
        reservedPe: NPU_RESERVED_PE,
      },
      gpus: [],
      bridges: [],
    };
  });
}

/** Each GPU: its place on its NPU, PCI address, RAM aperture and tgt (links are resolved after). */
function buildGpus(s: TopologySpec, sockets: SocketInfo[], memMap: GpuMemMap, ramBytes: number): GpuInfo[] {
  return s.gpus.map((g, index) => {
    const sk = sockets[g.socket]!;
    const indexOnNpu = sk.gpus.length;
    sk.gpus.push(index);
    const skSpec = s.sockets[g.socket]!;
    const pci = { domain: skSpec.gpuPciDomain, bus: skSpec.gpuFirstBus + indexOnNpu, device: 0, fn: 0 };
    const apertureBase = gpuApertureBase(memMap, sk.chipId, indexOnNpu);
    return {
      index,
      id: g.id,
      socket: g.socket,
      chipId: sk.chipId,
      indexOnNpu,
      pci,
      bdf: formatBdf(pci),
      apertureBase,
      apertureBytes: GPU_APERTURE_BYTES,
      ramBytes,
      tgt: gpuTgt(apertureBase),
      numaNode: 255 - index,
      links: [],
      bridges: [],
    };
  });
}

/**
 * Each GPU's NVLinks: a CPU brick becomes an emulated bridge on its socket's NPU; the k-th link
 * from A to B pairs with the k-th link from B to A. Returns the bridges.
 */
function resolveLinks(s: TopologySpec, sockets: SocketInfo[], gpus: GpuInfo[], speed: number): BridgeInfo[] {
  const idToIndex = new Map(s.gpus.map((g, i) => [g.id, i]));
  const bridges: BridgeInfo[] = [];
  const pairSeen = new Map<string, number[]>();
  s.gpus.forEach((g, i) => {
    const gpu = gpus[i]!;
    g.links.forEach((l, link) => {
      if ('gpu' in l) {
        const peer = idToIndex.get(l.gpu)!;
        const key = `${i}>${peer}`;
        const seen = pairSeen.get(key) ?? [];
        seen.push(link);
        pairSeen.set(key, seen);
        gpu.links.push({ link, kind: 'gpu', peer, peerLink: -1 });
      } else {
        const sk = sockets[gpu.socket]!;
        const fn = gpu.bridges.length;
        const pci = { domain: sk.npu.pciDomain, bus: 0, device: gpu.indexOnNpu, fn };
        const bridge: BridgeInfo = {
          index: bridges.length,
          socket: gpu.socket,
          gpu: i,
          linkIndex: l.brick,
          gpuLink: link,
          pci,
          bdf: formatBdf(pci),
          vendorId: NVLINK_BRIDGE_VENDOR_ID,
          deviceId: NVLINK_BRIDGE_DEVICE_ID,
          tgt: gpu.tgt,
          nvlinkSpeed: speed,
          memoryBase: gpu.apertureBase,
          memoryBytes: gpu.apertureBytes,
          atsdRegister: sk.npu.atsdRegisters[l.brick]!,
        };
        bridges.push(bridge);
        sk.bridges.push(bridge.index);
        gpu.bridges.push(bridge.index);
        gpu.links.push({ link, kind: 'cpu', brick: l.brick, bridge: bridge.index });
      }
    });
  });
  for (const gpu of gpus) {
    for (const l of gpu.links) {
      if (l.kind !== 'gpu') continue;
      const mine = pairSeen.get(`${gpu.index}>${l.peer}`)!;
      const theirs = pairSeen.get(`${l.peer}>${gpu.index}`)!;
      const k = mine.indexOf(l.link);
      assert(
        theirs.length === mine.length && k >= 0,
        `peer tables of GPU ${gpu.index} and ${l.peer} validated`,
      );
      l.peerLink = theirs[k]!;
    }
  }

  return bridges;
}

function presetSpec(name: string): TopologySpec {
  if (!isPresetName(name)) {
    const known = Object.keys(TOPOLOGY_PRESETS).join(', ');
    throw new ConfigError(
      'topology',
      `Expected a preset name (${known}) or a spec, got \`${shownText(name)}\``,
    );
  }
  return TOPOLOGY_PRESETS[name];
}

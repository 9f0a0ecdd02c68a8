/**
 * The machine's shape: sockets (P9 chip + NPU), GPUs, NVLink bridges and the edges the engine
 * wires rings from (domain.md section 1 and the "Simulator model checklist").
 *
 * Built from a validated TopologySpec (topology-spec.ts); the two Witherspoon presets are specs
 * too, so presets and custom machines go through exactly the same code.
 *
 * Facts modelled:
 * - GPU RAM aperture: skiboot hw/phys-map.c GPU_MEM_4T_DOWN (index 0..5 from 0x3e0_0000_0000
 *   stepping down by 128 GiB) or GPU_MEM_4T_UP (from 0x400_0000_0000 stepping up), + chip_id << 42;
 *   the index is the GPU's index on its chip, as in npu2.c's phys_map_get(chip, GPU_MEM, index).
 * - "tgt" (ibm,device-tgt-addr, SSATGT cap): keep base bits 0-42, move 45-46 to 43-44 and 49-50 to
 *   45-46. Done with arithmetic, not `>>`/`&`, which truncate to 32 bits.
 * - Each CPU brick is an emulated PCI bridge 0x1014:0x04ea at npuDomain:00:<gpu index on NPU>.<n>,
 *   n = the brick's order among that GPU's CPU links (the RFC shows 0006:00:00.0/.1 for GPU 0).
 * - ATSD n of an NPU at regs + 0x800000 + n*0x10000 (npu-dma.c), 8 per NPU; bridge with link index
 *   L is pre-assigned ATSD L (vfio_pci_nvlink2.c), so ATSD 6 and 7 stay with the host.
 */
import { assert, ConfigError } from '../../core/errors.js';
import { SELF_LINK } from '../protocol/sim-message.js';
import { GiB, hex, type PhysAddr, type Tick } from '../types.js';
import {
  applyOverrides,
  DEFAULT_GPU_RAM_BYTES,
  DEFAULT_NVLINK_SPEED,
  GPU_APERTURE_BYTES,
  type GpuMemMap,
  isPresetName,
  type LinkParams,
  MAX_P9_CHIP_ID,
  NPU_LINKS_PER_CHIP,
  NPU_REGS_BASE_CHIP0,
  type PresetName,
  resolvedLinkParams,
  TOPOLOGY_PRESETS,
  type TopologyOverrides,
  type TopologySpec,
  validateTopologySpec,
} from './topology-spec.js';

export type { PresetName, TopologyOverrides, TopologySpec } from './topology-spec.js';
export { TOPOLOGY_PRESETS } from './topology-spec.js';

export const NVLINK_BRIDGE_VENDOR_ID = 0x1014;
export const NVLINK_BRIDGE_DEVICE_ID = 0x04ea;
export const NVIDIA_VENDOR_ID = 0x10de;
export const ATSD_REGISTERS_PER_NPU = 8;
export const ATSD_OFFSET = 0x80_0000;
export const ATSD_STRIDE = 0x1_0000;
/** "ibm,opal-num-pes" of an NPU PHB, and the PE firmware reserves. */
export const NPU_PES = 8;
export const NPU_RESERVED_PE = 7;

const GPU_MEM_4T_DOWN_BASE = 0x3e0_0000_0000;
const GPU_MEM_4T_UP_BASE = 0x400_0000_0000;
const CHIP_ID_SHIFT_MUL = 2 ** 42;
/** Host RAM per socket, from chipId << 42: world.ts HOST_RAM_PER_SOCKET_BYTES (a test checks). */
export const HOST_RAM_WINDOW_BYTES = 256 * GiB;

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

/** Apertures per chip in each map: the table entries of skiboot hw/phys-map.c (nimbus). */
export const GPU_MEM_APERTURES: Readonly<Record<GpuMemMap, number>> = {
  GPU_MEM_4T_DOWN: 6,
  GPU_MEM_4T_UP: 4,
};

/**
 * GPU RAM aperture base for GPU `index` on chip `chipId` (skiboot hw/phys-map.c). An index with
 * no table entry is refused, as phys_map_get asserts on it.
 */
export function gpuApertureBase(map: GpuMemMap, chipId: number, index: number): PhysAddr {
  if (!Number.isInteger(index) || index < 0 || index >= GPU_MEM_APERTURES[map]) {
    throw new ConfigError(
      'gpus',
      `Expected a GPU index 0..${GPU_MEM_APERTURES[map] - 1} on chip ${chipId} (${map} table), got ${index}`,
    );
  }
  if (!Number.isInteger(chipId) || chipId < 0 || chipId > MAX_P9_CHIP_ID) {
    throw new ConfigError('chipId', `Expected a P9 chip id 0..${MAX_P9_CHIP_ID}, got ${chipId}`);
  }
  const step = GPU_APERTURE_BYTES;
  const base =
    map === 'GPU_MEM_4T_DOWN' ? GPU_MEM_4T_DOWN_BASE - index * step : GPU_MEM_4T_UP_BASE + index * step;
  return (base + chipId * CHIP_ID_SHIFT_MUL) as PhysAddr;
}

/** The NPU register base of a chip: skiboot phys-map NPU_REGS (nimbus) + (chip_id << 42). */
export function npuRegsBase(chipId: number): PhysAddr {
  return (NPU_REGS_BASE_CHIP0 + chipId * CHIP_ID_SHIFT_MUL) as PhysAddr;
}

/** "ibm,mmio-atsd"[n]: MMIO_ATSD_ADDR(regs, n) = regs + NPU2_REG_OFFSET(NPU2_STACK_ATSD, n, 0). */
export function atsdRegisterAddress(regsBase: number, n: number): PhysAddr {
  return (regsBase + ATSD_OFFSET + n * ATSD_STRIDE) as PhysAddr;
}

/** Bits [lo, lo+width) of a non-negative safe integer, without 32-bit truncation. */
function bits(n: number, lo: number, width: number): number {
  return Math.floor(n / 2 ** lo) % 2 ** width;
}

/**
 * "Coral mode address compression" (npu2.c): keep bits 0-42, move 45-46 to 43-44 and 49-50 to
 * 45-46. Chip 8 GPU0 0x23e000000000 -> 0xbe000000000.
 */
export function gpuTgt(apertureBase: number): number {
  return (
    bits(apertureBase, 0, 43) + bits(apertureBase, 45, 2) * 2 ** 43 + bits(apertureBase, 49, 2) * 2 ** 45
  );
}

export function formatBdf(a: PciAddress): string {
  const h = (n: number, w: number) => n.toString(16).padStart(w, '0');
  return `${h(a.domain, 4)}:${h(a.bus, 2)}:${h(a.device, 2)}.${a.fn}`;
}

/**
 * Build a topology from a preset name or a spec, with optional overrides (link parameters, memory
 * map, GPU RAM size). Throws ConfigError naming the field for any bad input.
 */
export function buildTopology(spec: TopologySpec | PresetName, overrides?: TopologyOverrides): Topology {
  const base = typeof spec === 'string' ? presetSpec(spec) : spec;
  const s = validateTopologySpec(applyOverrides(base, overrides));
  const memMap = s.gpuMemMap ?? 'GPU_MEM_4T_DOWN';
  const ramBytes = s.gpuRamBytes ?? DEFAULT_GPU_RAM_BYTES;
  const speed = s.nvlinkSpeed ?? DEFAULT_NVLINK_SPEED;
  const linkParams = resolvedLinkParams(s);

  const sockets: SocketInfo[] = s.sockets.map((sk, socket) => {
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

  const idToIndex = new Map(s.gpus.map((g, i) => [g.id, i]));
  const gpus: GpuInfo[] = s.gpus.map((g, index) => {
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

  // Resolve links. The k-th link from A to B pairs with the k-th link from B to A.
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

  const edges = buildEdges(gpus, sockets, linkParams);
  checkEncodable(sockets.length, gpus.length, edges.length);
  checkAddressWindows(sockets, gpus);
  return { name: s.name, gpuMemMap: memMap, sockets, gpus, bridges, edges, linkParams };
}

/**
 * Control edges world.ts adds for every chip and GPU actor: one each way to the coordinator (the
 * host kernel's MMIO and interrupt paths). A test checks this against the world's plan.
 */
export const CONTROL_EDGES_PER_ACTOR = 2;
/**
 * A ring record (src/transport/codec.ts) names actors in 8-bit source and destination fields, and
 * the directed edge in an 8-bit link field whose 0xff means "self timer" (sim-message.ts SELF_LINK):
 * so at most 256 actors and 255 directed edges. The threaded runtime could not encode a larger
 * machine, and inline and threaded must run the same machines. Within today's other bounds (8
 * sockets, 16 GPUs: topology-spec.ts) no spec reaches these (25 actors, and about 240 edges with
 * every GPU pair of two 6-GPU sockets linked);
 * the check keeps that true if those bounds are ever raised.
 */
export const MAX_ACTORS = 256;
export const MAX_DIRECTED_EDGES = SELF_LINK;

export function checkEncodable(chips: number, gpus: number, topologyEdges: number): void {
  const actors = chips + gpus + 1;
  if (actors > MAX_ACTORS) {
    throw new ConfigError(
      'gpus',
      `Expected at most ${MAX_ACTORS} actors (8-bit actor numbers in a ring record), got ${actors}: ${chips} chips, ${gpus} GPUs and the coordinator`,
    );
  }
  const control = CONTROL_EDGES_PER_ACTOR * (chips + gpus);
  if (topologyEdges + control > MAX_DIRECTED_EDGES) {
    throw new ConfigError(
      'gpus',
      `Expected at most ${MAX_DIRECTED_EDGES} directed edges (a ring record's 8-bit link field, 0xff marks self timers), ` +
        `got ${topologyEdges + control}: ${topologyEdges} from the links and ${control} control edges (${CONTROL_EDGES_PER_ACTOR} per chip and GPU)`,
    );
  }
}

/**
 * Host RAM, GPU apertures and NPU registers of every socket must not overlap: the model finds the
 * owner of an address by its window (world.ts homeSocketOf), so an address in two windows would
 * belong to two things. Chip ids 0 and 8 (Witherspoon) keep them apart; close chip ids with the
 * GPU_MEM_4T_UP map, or an NPU register base inside a memory window, would not.
 */
function checkAddressWindows(sockets: SocketInfo[], gpus: GpuInfo[]): void {
  const windows: { base: number; end: number; what: string; field: string }[] = [];
  for (const sk of sockets) {
    const ram = sk.chipId * CHIP_ID_SHIFT_MUL;
    windows.push({
      base: ram,
      end: ram + HOST_RAM_WINDOW_BYTES,
      what: `host RAM of socket ${sk.socket} (chip id ${sk.chipId})`,
      field: `sockets[${sk.socket}].chipId`,
    });
    windows.push({
      base: sk.npu.regsBase,
      end: sk.npu.regsBase + ATSD_OFFSET + ATSD_REGISTERS_PER_NPU * ATSD_STRIDE,
      what: `NPU registers of socket ${sk.socket}`,
      field: `sockets[${sk.socket}].npuRegsBase`,
    });
  }
  for (const g of gpus) {
    windows.push({
      base: g.apertureBase,
      end: g.apertureBase + g.apertureBytes,
      what: `GPU RAM aperture of ${gpuActorName(g.index)}`,
      field: `gpus[${g.index}]`,
    });
  }
  windows.sort((a, b) => a.base - b.base);
  for (let i = 1; i < windows.length; i++) {
    const a = windows[i - 1]!;
    const b = windows[i]!;
    if (b.base < a.end) {
      throw new ConfigError(
        b.field,
        `Expected address windows that do not overlap, got the ${b.what} at ${hex(b.base)} inside the ${a.what} (${hex(a.base)}..${hex(a.end)})`,
      );
    }
  }
}

function buildEdges(
  gpus: GpuInfo[],
  sockets: SocketInfo[],
  p: Record<'nvlinkBrick' | 'pcie' | 'xbus', LinkParams>,
): Edge[] {
  const edges: Edge[] = [];
  const both = (
    a: Endpoint,
    b: Endpoint,
    kind: EdgeKind,
    lanes: number,
    params: LinkParams,
    perLane: boolean,
  ) => {
    const e = {
      kind,
      lanes,
      latencyTicks: params.latencyTicks as Tick,
      bytesPerSecond: params.bytesPerSecond * (perLane ? lanes : 1),
    };
    edges.push({ from: a, to: b, ...e }, { from: b, to: a, ...e });
  };
  for (const gpu of gpus) {
    const g: Endpoint = { kind: 'gpu', index: gpu.index };
    const chip: Endpoint = { kind: 'chip', socket: gpu.socket };
    const bricks = gpu.links.filter((l) => l.kind === 'cpu').length;
    if (bricks > 0) both(g, chip, 'nvlink', bricks, p.nvlinkBrick, true);
    both(g, chip, 'pcie', 1, p.pcie, false);
    const perPeer = new Map<number, number>();
    for (const l of gpu.links) if (l.kind === 'gpu') perPeer.set(l.peer, (perPeer.get(l.peer) ?? 0) + 1);
    for (const [peer, n] of [...perPeer].sort((a, b) => a[0] - b[0])) {
      if (peer > gpu.index) both(g, { kind: 'gpu', index: peer }, 'nvlink', n, p.nvlinkBrick, true);
    }
  }
  // X-bus: every pair of chips (2 on Witherspoon) is directly connected.
  for (let a = 0; a < sockets.length; a++) {
    for (let b = a + 1; b < sockets.length; b++) {
      both({ kind: 'chip', socket: a }, { kind: 'chip', socket: b }, 'xbus', 1, p.xbus, false);
    }
  }
  return edges;
}

function presetSpec(name: string): TopologySpec {
  if (!isPresetName(name)) {
    const known = Object.keys(TOPOLOGY_PRESETS).join(', ');
    throw new ConfigError('topology', `Expected a preset name (${known}) or a spec, got \`${name}\``);
  }
  return TOPOLOGY_PRESETS[name];
}

/**
 * Actor names, as runs use them (world.ts numbers and names the actors: chips by socket, then GPUs
 * by index, then the coordinator): `npusim topo`, `--crash-at` and the run summary all say these,
 * and a test checks that they equal the names of the world's plan.
 */
export function chipActorName(socket: number): string {
  return `chip${socket}`;
}
export function gpuActorName(index: number): string {
  return `gpu${index}`;
}
export const COORDINATOR_ACTOR_NAME = 'coordinator';

/** Every actor of a run on `t`, in actor-index order. */
export function actorNames(t: Topology): string[] {
  return [
    ...t.sockets.map((s) => chipActorName(s.socket)),
    ...t.gpus.map((g) => gpuActorName(g.index)),
    COORDINATOR_ACTOR_NAME,
  ];
}

function endpointName(e: Endpoint): string {
  return e.kind === 'gpu' ? gpuActorName(e.index) : chipActorName(e.socket);
}

/** Human-readable summary for `npusim topo`: sockets, GPUs, link map, bridges, edges. */
export function describeTopology(t: Topology): string {
  const out: string[] = [];
  out.push(`topology ${t.name} (${t.gpus.length} GPUs, ${t.sockets.length} sockets, ${t.gpuMemMap})`);
  for (const sk of t.sockets) {
    out.push(
      `socket ${sk.socket}: actor ${chipActorName(sk.socket)} (P9 chip id ${sk.chipId}), NPU PHB ${sk.npu.pciDomain.toString(16).padStart(4, '0')}, regs ${hex(sk.npu.regsBase)}, ATSD ${hex(sk.npu.atsdRegisters[0]!)}..${hex(sk.npu.atsdRegisters[7]!)}`,
    );
    for (const gi of sk.gpus) {
      const g = t.gpus[gi]!;
      const name = gpuActorName(g.index);
      out.push(
        `  ${name}${g.id === name ? '' : ` (spec id ${g.id})`} ${g.bdf} aperture ${hex(g.apertureBase)} (+${g.apertureBytes / GiB} GiB, RAM ${g.ramBytes / GiB} GiB) tgt ${hex(g.tgt)} numa ${g.numaNode}`,
      );
      const links = g.links.map((l) =>
        l.kind === 'gpu' ? `${gpuActorName(l.peer)}.${l.peerLink}` : `b${l.brick}`,
      );
      out.push(`    links: ${links.map((s, i) => `${i}=${s}`).join(' ')}`);
      for (const bi of g.bridges) {
        const b = t.bridges[bi]!;
        out.push(
          `    bridge ${b.bdf} [${b.vendorId.toString(16)}:${b.deviceId.toString(16).padStart(4, '0')}] link-index ${b.linkIndex} gpu-link ${b.gpuLink} speed ${b.nvlinkSpeed} ATSD ${hex(b.atsdRegister)}`,
        );
      }
    }
  }
  out.push('edges (each direction):');
  for (const e of t.edges) {
    if (e.from.kind === 'gpu' && e.to.kind === 'gpu' && e.from.index > e.to.index) continue;
    if (e.to.kind === 'gpu' && e.from.kind === 'chip') continue;
    if (e.kind === 'xbus' && e.from.kind === 'chip' && e.to.kind === 'chip' && e.from.socket > e.to.socket)
      continue;
    out.push(
      `  ${endpointName(e.from)} <-> ${endpointName(e.to)} ${e.kind} x${e.lanes} ${e.bytesPerSecond / 1e9} GB/s ${e.latencyTicks / 1000} ns`,
    );
  }
  return out.join('\n');
}

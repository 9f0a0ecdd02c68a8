/**
 * The plain-object description of a machine (`TopologySpec`), its fixed numbers and defaults, and
 * overrides on top of a spec
 * (docs/theory/topology-groups-tce.md#1-topology-topology-spects-topologyts). Its check is
 * validate-topology.ts; the two Witherspoon presets, as specs, are topology-presets.ts.
 *
 * A spec is what a user writes in a config file: sockets (P9 chips, each with one NPU) and GPUs,
 * each GPU listing its 6 NVLinks in link order exactly like skiboot's "ibm,nvlink-peers" table
 * (platforms/astbmc/witherspoon.c): an entry is either a peer GPU or a CPU brick (an NPU link,
 * whose number becomes the bridge's "ibm,npu-link-index"). `validateTopologySpec` (validate-topology.ts)
 * checks it and throws a ConfigError naming the field; `buildTopology` (topology.ts) turns it into a Topology.
 *
 * The NPU register base is skiboot's (hw/phys-map.c NPU_REGS 0x0006_0302_0000_0000, plus
 * chip_id << 42).
 *
 * Assumed numbers (not in the public sources; see docs/theory/topology-groups-tce.md):
 * - PCI numbering follows the AC922 `lspci` of the 2018 RFC: GPUs of socket 0 at 0004:04..06:00.0,
 *   GPUs of socket 1 at 0035:03..05:00.0, NPU PHBs at domains 0006 and 0007.
 * - Link defaults: NVLink2 brick 25 GB/s per direction, 500 ns; PCIe Gen3 x16 15.75 GB/s, 900 ns
 *   (the P9's PHB4 is Gen4, but a V100 is a PCIe 3.0 device, so its link trains at Gen3: 8 GT/s
 *   x 16 lanes x 128/130); X-bus 32 GB/s per direction, 150 ns.
 */
import { GiB } from '../types.js';

/** One of a GPU's 6 NVLink entries: a peer GPU (by id) or a CPU brick (NPU link 0..5). */
export type LinkEndSpec = { gpu: string } | { brick: number };

export interface GpuSpec {
  /** Unique id, used by peers' link tables (`gpu0`). */
  id: string;
  /** Index into `sockets`. */
  socket: number;
  /** Exactly 6 entries, in NVLink order (ibm,nvlink-peers). */
  links: LinkEndSpec[];
}

export interface SocketSpec {
  /** P9 chip id (0 and 8 on Witherspoon); GPU apertures add chipId << 42. */
  chipId: number;
  /** PCI domain of this chip's NPU PHB (the emulated NVLink bridges live there). */
  npuPciDomain: number;
  /** PCI domain of the PHB4 carrying this chip's GPUs. */
  gpuPciDomain: number;
  /** Bus number of this chip's first GPU; the next GPU is on the next bus. */
  gpuFirstBus: number;
  /** NPU register base (ATSD n at +0x800000 + n*0x10000); default NPU_REGS + (chipId << 42). */
  npuRegsBase?: number;
}

/** Latency and bandwidth of one direction of an edge (or of one NVLink brick). */
export interface LinkParams {
  latencyTicks: number;
  bytesPerSecond: number;
}

export type GpuMemMap = 'GPU_MEM_4T_DOWN' | 'GPU_MEM_4T_UP';

export interface LinkParamsSpec {
  /** One NVLink2 link or brick; a bundle of N has N times the bandwidth and the same latency. */
  nvlinkBrick?: Partial<LinkParams>;
  pcie?: Partial<LinkParams>;
  xbus?: Partial<LinkParams>;
}

export interface TopologySpec {
  name: string;
  sockets: SocketSpec[];
  gpus: GpuSpec[];
  /** skiboot hw/phys-map.c map for GPU RAM; default GPU_MEM_4T_DOWN. */
  gpuMemMap?: GpuMemMap;
  /** Real RAM per GPU: 16 or 32 GiB (default 16 GiB). */
  gpuRamBytes?: number;
  /**
   * "ibm,nvlink-speed" handed to VFIO's LNKSPD capability: default 8, the code skiboot's
   * hdata/spira.c gives a 25.78125 Gbps link (NVLink2's rate; 9 is 25 Gbps, 3 is 20 Gbps), as in its
   * test copy of an AC922's firmware data (hdata/test/op920.wsp.dts: nvidia,link-speed = <0x8>).
   * A label only: no part of the model reads it (the real value must match what the hardware
   * trained, or the guest's link stays silently dead; the model has no such failure), and a
   * link's rate is `links` (any u32 is taken, as the device tree would carry it).
   */
  nvlinkSpeed?: number;
  links?: LinkParamsSpec;
}

/** What may be changed on top of a preset or spec without rewriting it. */
export type TopologyOverrides = Partial<
  Pick<TopologySpec, 'gpuMemMap' | 'gpuRamBytes' | 'nvlinkSpeed' | 'links'>
>;

export const NPU_LINKS_PER_CHIP = 6;
/** Largest P9 chip id (GCID): 7 bits. */
export const MAX_P9_CHIP_ID = 127;
export const NVLINKS_PER_GPU = 6;
/**
 * The NPU PEs Linux gives GPUs, in the order it gives them. pnv_pci_init_ioda_phb reserves the
 * firmware's PE (7) and, that being the last, the one below it as the root PE (6); the NVLink
 * setup reserves PE 0 ("PE#0 is needed for error reporting"); then pnv_ioda_setup_npu_PE gives
 * each GPU's bridges one PE from pnv_ioda_alloc_pe, which scans from the top down: 5, 4, 3, 2, 1.
 * So at most five GPUs per NPU have one (validate-topology.ts). NPU_PES (8) and NPU_RESERVED_PE (7)
 * are topology.ts's.
 */
export const NPU_GPU_PES: readonly number[] = [5, 4, 3, 2, 1];
/**
 * NPUs Linux can drive: npu-dma.c's pnv_npu2_init (v4.12 to v5.2) increments its static index
 * before `if (WARN_ON(npu_index >= NV_MAX_NPUS)) return -ENOSPC`, so NPUs are numbered 1 to 7 and
 * an 8th (NV_MAX_NPUS is 8) has no contexts and no ATSD.
 */
export const MAX_SOCKETS = 7;
export const GPU_APERTURE_BYTES = 128 * GiB;
/** skiboot hw/phys-map.c NPU_REGS for chip 0 (`phys_map_table_nimbus`; chip_select_shift 42). */
export const NPU_REGS_BASE_CHIP0 = 0x0006_0302_0000_0000;

export const DEFAULT_LINK_PARAMS: Readonly<Record<'nvlinkBrick' | 'pcie' | 'xbus', LinkParams>> = {
  nvlinkBrick: { latencyTicks: 500_000, bytesPerSecond: 25_000_000_000 },
  pcie: { latencyTicks: 900_000, bytesPerSecond: 15_750_000_000 },
  xbus: { latencyTicks: 150_000, bytesPerSecond: 32_000_000_000 },
};
export const DEFAULT_NVLINK_SPEED = 8;
export const DEFAULT_GPU_RAM_BYTES = 16 * GiB;

/**
 * Merge overrides into a spec (shallow for scalars, per link kind for link params). Only the keys
 * TopologyOverrides has are copied: the overrides must be checked first
 * (validate-topology.ts validateTopologyOverrides, as buildTopology does), or a key misspelt
 * would be dropped without a word.
 */
export function applyOverrides(spec: TopologySpec, overrides: TopologyOverrides = {}): TopologySpec {
  const links: LinkParamsSpec = { ...spec.links };
  for (const kind of ['nvlinkBrick', 'pcie', 'xbus'] as const) {
    const o = overrides.links?.[kind];
    if (o !== undefined) links[kind] = { ...links[kind], ...o };
  }
  return {
    ...spec,
    ...(overrides.gpuMemMap !== undefined ? { gpuMemMap: overrides.gpuMemMap } : {}),
    ...(overrides.gpuRamBytes !== undefined ? { gpuRamBytes: overrides.gpuRamBytes } : {}),
    ...(overrides.nvlinkSpeed !== undefined ? { nvlinkSpeed: overrides.nvlinkSpeed } : {}),
    links,
  };
}

/**
 * The spec with every default written out (memory map, GPU RAM, link speed, link latency and
 * bandwidth): what `npusim topo --json` prints for editing, and what `npusim compare` compares
 * when a topology file is involved (a file may keep a preset's name and change any of these).
 */
export function specWithDefaults(spec: TopologySpec): TopologySpec {
  return {
    name: spec.name,
    gpuMemMap: spec.gpuMemMap ?? 'GPU_MEM_4T_DOWN',
    gpuRamBytes: spec.gpuRamBytes ?? DEFAULT_GPU_RAM_BYTES,
    nvlinkSpeed: spec.nvlinkSpeed ?? DEFAULT_NVLINK_SPEED,
    links: resolvedLinkParams(spec),
    sockets: spec.sockets,
    gpus: spec.gpus,
  };
}

/** Resolved link parameters of a spec (defaults filled in). */
export function resolvedLinkParams(spec: TopologySpec): Record<'nvlinkBrick' | 'pcie' | 'xbus', LinkParams> {
  const out = { ...DEFAULT_LINK_PARAMS };
  for (const kind of ['nvlinkBrick', 'pcie', 'xbus'] as const) {
    out[kind] = { ...DEFAULT_LINK_PARAMS[kind], ...spec.links?.[kind] };
  }
  return out;
}

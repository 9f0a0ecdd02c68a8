/**
 * The plain-object description of a machine (`TopologySpec`), its validation, and the two
 * Witherspoon presets expressed as specs (domain.md section 1).
 *
 * A spec is what a user writes in a config file: sockets (P9 chips, each with one NPU) and GPUs,
 * each GPU listing its 6 NVLinks in link order exactly like skiboot's "ibm,nvlink-peers" table
 * (platforms/astbmc/witherspoon.c): an entry is either a peer GPU or a CPU brick (an NPU link,
 * whose number becomes the bridge's "ibm,npu-link-index"). `validateTopologySpec` checks it and
 * throws a ConfigError naming the field; `buildTopology` (topology.ts) turns it into a Topology.
 *
 * Assumed numbers (not in the public sources; see docs/theory/topology-groups-tce.md):
 * - PCI numbering follows the AC922 `lspci` of the 2018 RFC: GPUs of socket 0 at 0004:04..06:00.0,
 *   GPUs of socket 1 at 0035:03..05:00.0, NPU PHBs at domains 0006 and 0007.
 * - NPU register base: skiboot phys-map NPU_REGS 0x0006_0302_0000_0000 + (chip_id << 42).
 * - Link defaults: NVLink2 brick 25 GB/s per direction, 500 ns; PCIe Gen4 x16 31.5 GB/s, 900 ns;
 *   X-bus 32 GB/s per direction, 150 ns.
 */
import { ConfigError } from '../../core/errors.js';
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
  /** "ibm,nvlink-speed" handed to VFIO's LNKSPD capability (assumed default 9). */
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
/** NV_MAX_NPUS in npu-dma.c. */
export const MAX_SOCKETS = 8;
export const GPU_APERTURE_BYTES = 128 * GiB;
/** skiboot phys-map NPU_REGS for chip 0 (assumed from memory of hw/phys-map.c). */
export const NPU_REGS_BASE_CHIP0 = 0x0006_0302_0000_0000;

export const DEFAULT_LINK_PARAMS: Readonly<Record<'nvlinkBrick' | 'pcie' | 'xbus', LinkParams>> = {
  nvlinkBrick: { latencyTicks: 500_000, bytesPerSecond: 25_000_000_000 },
  pcie: { latencyTicks: 900_000, bytesPerSecond: 31_500_000_000 },
  xbus: { latencyTicks: 150_000, bytesPerSecond: 32_000_000_000 },
};
export const DEFAULT_NVLINK_SPEED = 9;
export const DEFAULT_GPU_RAM_BYTES = 16 * GiB;

export type PresetName = 'witherspoon-6' | 'witherspoon-4';

const WITHERSPOON_SOCKETS: SocketSpec[] = [
  { chipId: 0, npuPciDomain: 0x0006, gpuPciDomain: 0x0004, gpuFirstBus: 0x04 },
  { chipId: 8, npuPciDomain: 0x0007, gpuPciDomain: 0x0035, gpuFirstBus: 0x03 },
];

type Entry = number | `b${number}`;
/** Turn a per-socket table (G index or bN) into GpuSpecs with global ids. */
function socketGpus(socket: number, table: Entry[][]): GpuSpec[] {
  const base = socket * table.length;
  return table.map((row, i) => ({
    id: `gpu${base + i}`,
    socket,
    links: row.map((e) =>
      typeof e === 'number' ? { gpu: `gpu${base + e}` } : { brick: Number(e.slice(1)) },
    ),
  }));
}

// ibm,nvlink-peers, design workbook figures 16 and 17 (domain.md section 1).
const SEQUOIA_TABLE: Entry[][] = [
  [1, 'b0', 2, 2, 1, 'b1'],
  [0, 'b2', 2, 2, 0, 'b3'],
  [1, 0, 1, 'b4', 0, 'b5'],
];
const REDBUD_TABLE: Entry[][] = [
  [1, 'b0', 1, 'b1', 1, 'b2'],
  [0, 'b3', 0, 'b4', 0, 'b5'],
];

/** The two Witherspoon variants, as plain specs run through the same builder as custom ones. */
export const TOPOLOGY_PRESETS: Readonly<Record<PresetName, TopologySpec>> = {
  'witherspoon-6': {
    name: 'witherspoon-6',
    sockets: WITHERSPOON_SOCKETS,
    gpus: [...socketGpus(0, SEQUOIA_TABLE), ...socketGpus(1, SEQUOIA_TABLE)],
  },
  'witherspoon-4': {
    name: 'witherspoon-4',
    sockets: WITHERSPOON_SOCKETS,
    gpus: [...socketGpus(0, REDBUD_TABLE), ...socketGpus(1, REDBUD_TABLE)],
  },
};

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(TOPOLOGY_PRESETS, name);
}

/** Merge overrides into a spec (shallow for scalars, per link kind for link params). */
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

function describe(v: unknown): string {
  if (typeof v === 'string') return `\`${v}\` (string)`;
  if (v === null) return '`null`';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  return `\`${String(v)}\` (${typeof v})`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function expectInt(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new ConfigError(field, `Expected an integer from ${min} to ${max}, got ${describe(v)}`);
  }
  return v;
}

function expectArray(v: unknown, field: string): unknown[] {
  if (!Array.isArray(v)) throw new ConfigError(field, `Expected an array, got ${describe(v)}`);
  return v;
}

function checkLinkParams(v: unknown, field: string): void {
  if (v === undefined) return;
  if (!isRecord(v)) throw new ConfigError(field, `Expected an object, got ${describe(v)}`);
  if (v.latencyTicks !== undefined) {
    const t = v.latencyTicks;
    // A zero-latency edge between two threads leaves no lookahead for conservative PDES
    // (design.md "Time and determinism"): it is a configuration error, not a fast link.
    if (typeof t !== 'number' || !Number.isSafeInteger(t) || t <= 0) {
      throw new ConfigError(
        `${field}.latencyTicks`,
        `Expected a positive integer latency in ticks (a zero-latency edge leaves no lookahead), got ${describe(t)}`,
      );
    }
  }
  if (v.bytesPerSecond !== undefined) {
    const b = v.bytesPerSecond;
    if (typeof b !== 'number' || !Number.isFinite(b) || b <= 0) {
      throw new ConfigError(`${field}.bytesPerSecond`, `Expected a positive bandwidth, got ${describe(b)}`);
    }
  }
}

/**
 * Check a spec (from a preset, a config file or a test) and return it typed. Every error is a
 * ConfigError whose `field` names the offending entry, e.g. `gpus[2].links[4]`.
 */
export function validateTopologySpec(input: unknown): TopologySpec {
  if (!isRecord(input)) throw new ConfigError('', `Expected a topology object, got ${describe(input)}`);
  if (typeof input.name !== 'string' || input.name === '') {
    throw new ConfigError('name', `Expected a non-empty string, got ${describe(input.name)}`);
  }
  const sockets = expectArray(input.sockets, 'sockets');
  if (sockets.length < 1 || sockets.length > MAX_SOCKETS) {
    throw new ConfigError(
      'sockets',
      `Expected 1 to ${MAX_SOCKETS} sockets (NV_MAX_NPUS), got ${sockets.length}`,
    );
  }
  const chipIds = new Map<number, number>();
  const domains = new Map<number, string>();
  sockets.forEach((s, i) => {
    const f = `sockets[${i}]`;
    if (!isRecord(s)) throw new ConfigError(f, `Expected an object, got ${describe(s)}`);
    // A P9 chip id (GCID) is 7 bits: 4 of group, 3 of chip (skiboot include/chip.h P9_PIR2GCID).
    const chipId = expectInt(s.chipId, `${f}.chipId`, 0, MAX_P9_CHIP_ID);
    const dup = chipIds.get(chipId);
    if (dup !== undefined)
      throw new ConfigError(`${f}.chipId`, `Duplicate chip id ${chipId}: sockets[${dup}] has it`);
    chipIds.set(chipId, i);
    for (const key of ['npuPciDomain', 'gpuPciDomain'] as const) {
      const d = expectInt(s[key], `${f}.${key}`, 0, 0xffff);
      const prev = domains.get(d);
      if (prev !== undefined) {
        throw new ConfigError(`${f}.${key}`, `Duplicate PCI domain ${d.toString(16)}: ${prev} has it`);
      }
      domains.set(d, `${f}.${key}`);
    }
    expectInt(s.gpuFirstBus, `${f}.gpuFirstBus`, 0, 0xff);
    if (s.npuRegsBase !== undefined) expectInt(s.npuRegsBase, `${f}.npuRegsBase`, 0, Number.MAX_SAFE_INTEGER);
  });

  const gpus = expectArray(input.gpus, 'gpus');
  if (gpus.length < 1) throw new ConfigError('gpus', 'Expected at least one GPU, got 0');
  const gpuIndex = new Map<string, number>();
  const gpuSocket: number[] = [];
  gpus.forEach((g, i) => {
    const f = `gpus[${i}]`;
    if (!isRecord(g)) throw new ConfigError(f, `Expected an object, got ${describe(g)}`);
    if (typeof g.id !== 'string' || g.id === '') {
      throw new ConfigError(`${f}.id`, `Expected a non-empty string, got ${describe(g.id)}`);
    }
    const dup = gpuIndex.get(g.id);
    if (dup !== undefined)
      throw new ConfigError(`${f}.id`, `Duplicate GPU id \`${g.id}\`: gpus[${dup}] has it`);
    gpuIndex.set(g.id, i);
    gpuSocket.push(expectInt(g.socket, `${f}.socket`, 0, sockets.length - 1));
  });

  // Per socket: bricks used once each; GPU count within the aperture map.
  const bricksUsed = new Map<string, string>();
  const peerCount = new Map<string, number>();
  gpus.forEach((g, i) => {
    const f = `gpus[${i}]`;
    const rec = g as Record<string, unknown>;
    const links = expectArray(rec.links, `${f}.links`);
    if (links.length !== NVLINKS_PER_GPU) {
      throw new ConfigError(
        `${f}.links`,
        `Expected ${NVLINKS_PER_GPU} NVLink entries (a V100 has 6 links), got ${links.length}`,
      );
    }
    const socket = gpuSocket[i]!;
    links.forEach((l, k) => {
      const lf = `${f}.links[${k}]`;
      if (!isRecord(l)) throw new ConfigError(lf, `Expected {gpu: id} or {brick: n}, got ${describe(l)}`);
      if ('gpu' in l && !('brick' in l)) {
        const peer = gpuIndex.get(String(l.gpu));
        if (typeof l.gpu !== 'string' || peer === undefined) {
          throw new ConfigError(`${lf}.gpu`, `Unknown peer GPU ${describe(l.gpu)}: no GPU has that id`);
        }
        if (peer === i)
          throw new ConfigError(`${lf}.gpu`, `Expected a peer GPU, got the GPU itself (\`${l.gpu}\`)`);
        if (gpuSocket[peer] !== socket) {
          throw new ConfigError(
            `${lf}.gpu`,
            `GPU link crosses sockets: \`${rec.id}\` is on socket ${socket}, peer \`${l.gpu}\` on socket ${gpuSocket[peer]} (no cross-socket GPU links on Witherspoon)`,
          );
        }
        const key = `${i}>${peer}`;
        peerCount.set(key, (peerCount.get(key) ?? 0) + 1);
      } else if ('brick' in l && !('gpu' in l)) {
        const brick = expectInt(l.brick, `${lf}.brick`, 0, NPU_LINKS_PER_CHIP - 1);
        const key = `${socket}:${brick}`;
        const prev = bricksUsed.get(key);
        if (prev !== undefined) {
          throw new ConfigError(
            `${lf}.brick`,
            `Duplicate brick ${brick} on socket ${socket}: ${prev} already uses it`,
          );
        }
        bricksUsed.set(key, lf);
      } else {
        throw new ConfigError(lf, 'Expected exactly one of `gpu` or `brick`');
      }
    });
  });
  // ibm,nvlink-peers must agree from both ends: A lists B as often as B lists A.
  for (const [key, n] of peerCount) {
    const [a, b] = key.split('>').map(Number) as [number, number];
    const back = peerCount.get(`${b}>${a}`) ?? 0;
    if (back !== n) {
      const ga = (gpus[a] as GpuSpec).id;
      const gb = (gpus[b] as GpuSpec).id;
      throw new ConfigError(
        `gpus[${b}].links`,
        `Asymmetric peer tables: \`${ga}\` lists \`${gb}\` ${n} time(s), \`${gb}\` lists \`${ga}\` ${back} time(s)`,
      );
    }
  }

  const memMap = input.gpuMemMap ?? 'GPU_MEM_4T_DOWN';
  if (memMap !== 'GPU_MEM_4T_DOWN' && memMap !== 'GPU_MEM_4T_UP') {
    throw new ConfigError('gpuMemMap', `Expected GPU_MEM_4T_DOWN or GPU_MEM_4T_UP, got ${describe(memMap)}`);
  }
  const perSocket = new Map<number, number>();
  for (const s of gpuSocket) perSocket.set(s, (perSocket.get(s) ?? 0) + 1);
  const maxPerSocket = Math.max(...perSocket.values());
  if (memMap === 'GPU_MEM_4T_DOWN' && maxPerSocket > 6) {
    throw new ConfigError(
      'gpus',
      `GPU_MEM_4T_DOWN has 6 apertures per chip, got ${maxPerSocket} GPUs on one socket`,
    );
  }
  // skiboot hw/phys-map.c has GPU_MEM_4T_UP entries for indices 0..3 only ("4 GPUs per socket"
  // in npu2.c); a fifth GPU on a chip would make phys_map_get assert.
  if (memMap === 'GPU_MEM_4T_UP' && maxPerSocket > 4) {
    throw new ConfigError(
      'gpuMemMap',
      `GPU_MEM_4T_UP (small memory map) has 4 apertures per chip, got ${maxPerSocket} GPUs on one socket`,
    );
  }
  if (input.gpuRamBytes !== undefined && input.gpuRamBytes !== 16 * GiB && input.gpuRamBytes !== 32 * GiB) {
    throw new ConfigError(
      'gpuRamBytes',
      `Expected 16 GiB or 32 GiB (V100 16/32 GB), got ${describe(input.gpuRamBytes)}`,
    );
  }
  if (input.nvlinkSpeed !== undefined) expectInt(input.nvlinkSpeed, 'nvlinkSpeed', 0, 0xffff_ffff);
  if (input.links !== undefined) {
    if (!isRecord(input.links))
      throw new ConfigError('links', `Expected an object, got ${describe(input.links)}`);
    for (const [k, v] of Object.entries(input.links)) {
      if (k !== 'nvlinkBrick' && k !== 'pcie' && k !== 'xbus') {
        throw new ConfigError(`links.${k}`, 'Expected one of nvlinkBrick, pcie, xbus');
      }
      checkLinkParams(v, `links.${k}`);
    }
  }
  return input as unknown as TopologySpec;
}

/** Resolved link parameters of a spec (defaults filled in). */
export function resolvedLinkParams(spec: TopologySpec): Record<'nvlinkBrick' | 'pcie' | 'xbus', LinkParams> {
  const out = { ...DEFAULT_LINK_PARAMS };
  for (const kind of ['nvlinkBrick', 'pcie', 'xbus'] as const) {
    out[kind] = { ...DEFAULT_LINK_PARAMS[kind], ...spec.links?.[kind] };
  }
  return out;
}

/**
 * Where things sit in the machine's physical address space (skiboot hw/phys-map.c, npu2.c,
 * npu-dma.c): each GPU's RAM aperture by memory map, chip and index; an NPU's register base and
 * its ATSD registers; the "tgt" address compression; host RAM per socket; and the check that no
 * two of these windows overlap (the model finds an address's owner by its window).
 */
import { ConfigError } from '../../core/errors.js';
import { GiB, hex, type PhysAddr } from '../types.js';
import { gpuActorName } from './actor-names.js';
import type { SpecIssues } from './spec-issues.js';
import type { GpuInfo, SocketInfo } from './topology.js';
import { GPU_APERTURE_BYTES, type GpuMemMap, MAX_P9_CHIP_ID, NPU_REGS_BASE_CHIP0 } from './topology-spec.js';

export const ATSD_REGISTERS_PER_NPU = 8;
export const ATSD_OFFSET = 0x80_0000;
export const ATSD_STRIDE = 0x1_0000;
const GPU_MEM_4T_DOWN_BASE = 0x3e0_0000_0000;
const GPU_MEM_4T_UP_BASE = 0x400_0000_0000;
const CHIP_ID_SHIFT_MUL = 2 ** 42;
/** Host RAM per socket, from chipId << 42: host/host-ram.ts HOST_RAM_PER_SOCKET_BYTES (a test checks). */
export const HOST_RAM_WINDOW_BYTES = 256 * GiB;

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

/**
 * Host RAM, GPU apertures and NPU registers of every socket must not overlap: the model finds the
 * owner of an address by its window (world.ts homeSocketOf), so an address in two windows would
 * belong to two things. Chip ids 0 and 8 (Witherspoon) keep them apart; close chip ids with the
 * GPU_MEM_4T_UP map, or an NPU register base inside a memory window, would not.
 */
export function checkAddressWindows(sockets: SocketInfo[], gpus: GpuInfo[], issues: SpecIssues): void {
  // `placed`: a window a spec puts where it likes (an NPU register base); the others follow from
  // chip ids and GPU indexes.
  const windows: { base: number; end: number; what: string; field: string; placed?: boolean }[] = [];
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
      placed: true,
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
  // Each window that starts inside an earlier one is said, against the one reaching furthest (the
  // one it starts inside): every overlap in one refusal, each window named once. It is said under
  // the field of the window a spec placed, when only the earlier one was: NPU registers set just
  // below a GPU aperture were refused under `gpus[0]`, a field the user never wrote (QA).
  let reaching = windows[0]!;
  for (const b of windows.slice(1)) {
    if (b.base < reaching.end && reaching.placed === true && b.placed !== true) {
      issues.add(
        reaching.field,
        `Expected address windows that do not overlap, got the ${reaching.what} (${hex(reaching.base)}..${hex(reaching.end)}) over the start of the ${b.what} at ${hex(b.base)}`,
      );
    } else if (b.base < reaching.end) {
      issues.add(
        b.field,
        `Expected address windows that do not overlap, got the ${b.what} at ${hex(b.base)} inside the ${reaching.what} (${hex(reaching.base)}..${hex(reaching.end)})`,
      );
    }
    if (b.end > reaching.end) reaching = b;
  }
}

/**
 * No two GPUs may have one tgt (ibm,device-tgt-addr): QEMU pairs each NVLink bridge with its GPU
 * by equal tgt (hw/ppc/spapr_pci_nvlink2.c, spapr_pci_collect_nvgpu finds a GPU's slot by it), and a
 * machine whose GPUs shared one could not be handed to a guest. The compression drops aperture bits 43-44 and 47-48, chip-id bits 1-2 and 5-6, so
 * chip ids 0 and 2 give their GPUs of one index the same tgt where their apertures differ; 0 and 8
 * (Witherspoon) do not. Said under the later socket's chip id, the field to change.
 */
export function checkDistinctTgts(sockets: SocketInfo[], gpus: GpuInfo[], issues: SpecIssues): void {
  const first = new Map<number, GpuInfo>();
  for (const g of gpus) {
    const other = first.get(g.tgt);
    if (other === undefined) {
      first.set(g.tgt, g);
      continue;
    }
    const chip = (x: GpuInfo) => sockets[x.socket]!.chipId;
    // Named as the file names them (QA: `gpu1` and `gpu0` of a file whose ids were h0 and g0).
    const named = (x: GpuInfo) => `gpus[${x.index}] (\`${x.id}\`)`;
    issues.add(
      `sockets[${g.socket}].chipId`,
      `Expected GPUs whose tgt addresses differ (QEMU pairs an NVLink bridge with its GPU by equal tgt; the tgt drops chip-id bits 1-2 and 5-6), got ${named(g)} (chip id ${chip(g)}, aperture ${hex(g.apertureBase)}) with the tgt ${hex(g.tgt)} of ${named(other)} (chip id ${chip(other)}, aperture ${hex(other.apertureBase)})`,
    );
  }
}

/**
 * A V100's BAR0 register file, as far as isolation and reset care
 * (docs/theory/topology-groups-tce.md#3-gpu-bar0-gpu-bar0ts).
 *
 * What it models:
 * - The NVLink link-disable sequence from NVIDIA's "Tesla P100 and V100 SXM2 NVLink Isolation on
 *   Multi-Tenant Systems", used by the never-merged "powerpc/powernv: Isolate NVLinks between
 *   GV100GL on Witherspoon" (v2/v3, Apr 2019): BAR0+0x12004C=4; BAR0+0x122204=2;
 *   BAR0+0x200 |= 0x02000000; BAR0+0xA00148 |= mask, mask bits 16-21 = one per link. The links so
 *   disabled "cannot be re-enabled until the secondary bus reset": the mask only ever gains bits
 *   and is cleared by `secondaryBusReset` alone. The register names are undocumented; the
 *   prerequisite rule (the mask write latches only after the three earlier steps, in order) is an
 *   assumption: what the GPU does out of order is not public, so here it ignores the write and
 *   counts it.
 * - A firmware-update region. No public offsets exist, so the window FIRMWARE_UPDATE_OFFSET
 *   (0x88_0000, 4 KiB: DATA at +0, COMMIT at +4) is ASSUMED. A COMMIT write sets the firmware
 *   version to the written value. Whether a guest may reach it is the MMIO filter's decision
 *   (mmio-filter.ts), not BAR0's: the hardware itself accepts any write that arrives.
 * - Reset and fencing: skiboot 68d11e446 / d4f2f7737 "GPU reset drops its NVLinks; NPU use then
 *   raises an HMI" (fix: reset the links and purge L2/L3, skiboot fca2b2b83 "npu2: Reset NVLinks on
 *   hot reset", which also fences GPU RAM). A GPU reset leaves `linksDropped` set until the engine
 *   calls `resetNpuLinks`; NPU use before that is an HMI. CPU access to GPU RAM during the reset or
 *   while fenced is an HMI (the Linux v5.0 "Call skiboot's hot reset hook when disabling NPU2" case:
 *   guests die without offlining GPU RAM). GPU RAM starts offline (DT usable-memory 0) until onlined.
 *
 * Pure state machine: time comes in as `now`, HMIs are returned and logged, never thrown.
 */
import { ModelRefusal } from '../../core/errors.js';
import { hex, MiB, type Tick } from '../types.js';

/** V100 BAR0 is 16 MiB. */
export const BAR0_BYTES = 16 * MiB;

/** Link-disable sequence (names undocumented; offsets from NVIDIA's isolation note). */
export const LINK_DISABLE_STEP1_OFFSET = 0x12_004c;
export const LINK_DISABLE_STEP1_VALUE = 4;
export const LINK_DISABLE_STEP2_OFFSET = 0x12_2204;
export const LINK_DISABLE_STEP2_VALUE = 2;
/** NV_PMC_ENABLE in nouveau; the sequence sets bit 25. */
export const PMC_ENABLE_OFFSET = 0x200;
export const PMC_ENABLE_NVLINK_BIT = 0x0200_0000;
export const LINK_DISABLE_MASK_OFFSET = 0xa0_0148;
/** The mask's bits 16-21: one per NVLink. */
export const LINK_DISABLE_MASK_SHIFT = 16;

/** ASSUMED firmware-update window (no public offsets). */
export const FIRMWARE_UPDATE_OFFSET = 0x88_0000;
export const FIRMWARE_UPDATE_BYTES = 0x1000;
export const FIRMWARE_UPDATE_DATA_OFFSET = FIRMWARE_UPDATE_OFFSET;
export const FIRMWARE_UPDATE_COMMIT_OFFSET = FIRMWARE_UPDATE_OFFSET + 4;

/** Registers the model knows by name (for the MMIO filter's collateral report). */
export interface KnownRegister {
  offset: number;
  name: string;
  why: string;
}
export const KNOWN_BAR0_REGISTERS: readonly KnownRegister[] = [
  { offset: 0x0, name: 'PMC_BOOT_0', why: 'chip id; every driver reads it first (nouveau NV_PMC_BOOT_0)' },
  { offset: 0x100, name: 'PMC_INTR_0', why: 'interrupt status (nouveau)' },
  { offset: 0x140, name: 'PMC_INTR_EN_0', why: 'interrupt enable (nouveau)' },
  { offset: PMC_ENABLE_OFFSET, name: 'PMC_ENABLE', why: 'engine enables; link-disable step 3' },
  {
    offset: LINK_DISABLE_STEP1_OFFSET,
    name: 'NVLINK_ISOLATE_STEP1',
    why: 'link-disable step 1 (undocumented)',
  },
  {
    offset: LINK_DISABLE_STEP2_OFFSET,
    name: 'NVLINK_ISOLATE_STEP2',
    why: 'link-disable step 2 (undocumented)',
  },
  { offset: LINK_DISABLE_MASK_OFFSET, name: 'NVLINK_DISABLE_MASK', why: 'link-disable mask, bits 16-21' },
  {
    offset: FIRMWARE_UPDATE_DATA_OFFSET,
    name: 'FW_UPDATE_DATA',
    why: 'firmware image data (assumed offset)',
  },
  {
    offset: FIRMWARE_UPDATE_COMMIT_OFFSET,
    name: 'FW_UPDATE_COMMIT',
    why: 'firmware commit (assumed offset)',
  },
];

export const NVLINKS = 6;
const ALL_LINKS_MASK = 0b11_1111;

export type HmiReason = 'npu-use-after-gpu-reset' | 'cpu-access-during-reset' | 'cpu-access-while-fenced';

export interface HmiEvent {
  at: Tick;
  gpu: number;
  reason: HmiReason;
  detail: string;
}

/** Result of a CPU or NPU access that the reset state may turn into an HMI. */
export type AccessResult =
  | { kind: 'ok' }
  | { kind: 'hmi'; event: HmiEvent }
  | { kind: 'offline'; detail: string };

export interface GpuBar0Stats {
  reads: number;
  writes: number;
  /** Mask writes ignored because the earlier sequence steps had not been done. */
  linkDisableIgnored: number;
  /**
   * Mask writes that asked to turn a disabled link back on, ignored: the mask only gains bits until
   * the secondary bus reset (the latch a hostile guest without the MMIO filter runs into).
   */
  linkReenableIgnored: number;
  firmwareCommits: number;
  secondaryBusResets: number;
  hmis: number;
}

/** Bound on the HMI log kept per GPU (the counter keeps counting past it). */
const HMI_LOG_CAPACITY = 256;

export class GpuBar0 {
  /** Sparse register file: offset -> u32. Unwritten registers read 0. */
  private readonly regs = new Map<number, number>();
  /** Sequence progress: 0 none, 1 step1 done, 2 step2 done, 3 PMC bit set (mask may latch). */
  private sequenceStep = 0;
  /** Disabled links, bit i = NVLink i; sticky until secondaryBusReset. */
  private disabledLinks = 0;
  private resetAsserted = false;
  private fenced = false;
  private linksDroppedFlag = false;
  private ramOnlineFlag = false;
  private firmwareVersionValue: number;
  readonly hmiLog: HmiEvent[] = [];
  readonly stats: GpuBar0Stats = {
    reads: 0,
    writes: 0,
    linkDisableIgnored: 0,
    linkReenableIgnored: 0,
    firmwareCommits: 0,
    secondaryBusResets: 0,
    hmis: 0,
  };

  constructor(
    readonly gpu: number,
    options: { firmwareVersion?: number } = {},
  ) {
    this.firmwareVersionValue = options.firmwareVersion ?? 1;
  }

  private checkOffset(offset: number, where: string): void {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset >= BAR0_BYTES || offset % 4 !== 0) {
      throw new ModelRefusal(
        'EINVAL',
        `GPU${this.gpu} BAR0 ${where}: expected a 4-byte aligned offset below ${hex(BAR0_BYTES)}, got ${hex(offset)}`,
      );
    }
  }

  /** MMIO read. During reset the device does not answer: all ones, as PCI reads of a dead device. */
  read(offset: number): number {
    this.checkOffset(offset, 'read');
    this.stats.reads++;
    if (this.resetAsserted) return 0xffff_ffff;
    if (offset === LINK_DISABLE_MASK_OFFSET) return this.maskRegister();
    return this.regs.get(offset) ?? 0;
  }

  /** MMIO write of a u32 (the raw hardware effect; policy lives in the MMIO filter). */
  write(offset: number, value: number, _now: Tick): void {
    this.checkOffset(offset, 'write');
    if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
      throw new ModelRefusal(
        'EINVAL',
        `GPU${this.gpu} BAR0 write at ${hex(offset)}: expected a u32, got ${value}`,
      );
    }
    this.stats.writes++;
    if (this.resetAsserted) return; // dropped, like any write to a device in reset
    switch (offset) {
      case LINK_DISABLE_STEP1_OFFSET:
        if (value === LINK_DISABLE_STEP1_VALUE) this.sequenceStep = 1;
        break;
      case LINK_DISABLE_STEP2_OFFSET:
        if (value === LINK_DISABLE_STEP2_VALUE && this.sequenceStep === 1) this.sequenceStep = 2;
        break;
      case PMC_ENABLE_OFFSET:
        if ((value & PMC_ENABLE_NVLINK_BIT) !== 0 && this.sequenceStep === 2) this.sequenceStep = 3;
        break;
      case LINK_DISABLE_MASK_OFFSET: {
        const requested = Math.floor(value / 2 ** LINK_DISABLE_MASK_SHIFT) & ALL_LINKS_MASK;
        if ((this.disabledLinks & ~requested) !== 0) this.stats.linkReenableIgnored++;
        if (this.sequenceStep === 3) this.disabledLinks |= requested;
        else if (requested !== 0) this.stats.linkDisableIgnored++;
        return; // the mask register reads back the latched state
      }
      case FIRMWARE_UPDATE_COMMIT_OFFSET:
        this.firmwareVersionValue = value;
        this.stats.firmwareCommits++;
        break;
    }
    this.regs.set(offset, value >>> 0);
  }

  private maskRegister(): number {
    return this.disabledLinks * 2 ** LINK_DISABLE_MASK_SHIFT;
  }

  /** Disabled NVLinks, bit i = link i. */
  get disabledLinkMask(): number {
    return this.disabledLinks;
  }

  /** Whether NVLink `link` can carry traffic on this GPU's side. */
  isLinkEnabled(link: number): boolean {
    if (!Number.isInteger(link) || link < 0 || link >= NVLINKS) {
      throw new ModelRefusal('EINVAL', `GPU${this.gpu}: expected an NVLink from 0 to 5, got ${link}`);
    }
    return !this.linksDroppedFlag && !this.resetAsserted && (this.disabledLinks & (1 << link)) === 0;
  }

  get firmwareVersion(): number {
    return this.firmwareVersionValue;
  }

  get inReset(): boolean {
    return this.resetAsserted;
  }

  get linksDropped(): boolean {
    return this.linksDroppedFlag;
  }

  get ramOnline(): boolean {
    return this.ramOnlineFlag;
  }

  get isFenced(): boolean {
    return this.fenced;
  }

  /** Start a GPU reset (SBR / "nvidia-smi -r"). The GPU's NVLinks drop (skiboot 68d11e446). */
  assertReset(_now: Tick): void {
    this.resetAsserted = true;
    this.linksDroppedFlag = true;
  }

  /**
   * End the reset: registers back to power-on values, the link-disable mask and sequence cleared
   * (the only way to re-enable a disabled link). The NVLinks stay dropped until resetNpuLinks.
   */
  deassertReset(_now: Tick): void {
    this.resetAsserted = false;
    this.regs.clear();
    this.sequenceStep = 0;
    this.disabledLinks = 0;
    this.stats.secondaryBusResets++;
  }

  /** A whole secondary bus reset at `now` (assert then deassert). */
  secondaryBusReset(now: Tick): void {
    this.assertReset(now);
    this.deassertReset(now);
  }

  /** Fence GPU RAM before a reset (skiboot fca2b2b83); offlines nothing by itself. */
  fence(_now: Tick): void {
    this.fenced = true;
  }

  /** skiboot's NPU hot-reset hook: retrain the links, purge L2/L3, lift the fence. */
  resetNpuLinks(_now: Tick): void {
    if (this.resetAsserted) {
      throw new ModelRefusal(
        'EBUSY',
        `GPU${this.gpu}: NVLinks cannot be reset while the GPU is held in reset`,
      );
    }
    this.linksDroppedFlag = false;
    this.fenced = false;
  }

  /** nvidia-persistenced onlines the coherent memory once the links are trained. */
  onlineRam(_now: Tick): void {
    if (this.resetAsserted || this.linksDroppedFlag || this.fenced) {
      throw new ModelRefusal(
        'EBUSY',
        `GPU${this.gpu}: expected trained NVLinks to online GPU RAM, got ${this.resetAsserted ? 'reset asserted' : this.fenced ? 'fenced' : 'links dropped'}`,
      );
    }
    this.ramOnlineFlag = true;
  }

  offlineRam(_now: Tick): void {
    this.ramOnlineFlag = false;
  }

  private hmi(now: Tick, reason: HmiReason, detail: string): AccessResult {
    const event: HmiEvent = { at: now, gpu: this.gpu, reason, detail };
    this.stats.hmis++;
    if (this.hmiLog.length < HMI_LOG_CAPACITY) this.hmiLog.push(event);
    return { kind: 'hmi', event };
  }

  /** A CPU load/store (or prefetch) to this GPU's RAM through the NPU. */
  cpuAccessRam(now: Tick): AccessResult {
    if (this.resetAsserted)
      return this.hmi(now, 'cpu-access-during-reset', `GPU${this.gpu} RAM touched during reset`);
    if (this.fenced)
      return this.hmi(now, 'cpu-access-while-fenced', `GPU${this.gpu} RAM touched while fenced`);
    if (this.linksDroppedFlag) {
      return this.hmi(
        now,
        'npu-use-after-gpu-reset',
        `GPU${this.gpu} RAM touched after a GPU reset before the NPU links were reset`,
      );
    }
    if (!this.ramOnlineFlag) return { kind: 'offline', detail: `GPU${this.gpu} RAM is offline` };
    return { kind: 'ok' };
  }

  /** Any other NPU use of this GPU's links (DMA, ATSD, translation requests). */
  npuUse(now: Tick, what: string): AccessResult {
    if (this.linksDroppedFlag || this.resetAsserted) {
      return this.hmi(
        now,
        'npu-use-after-gpu-reset',
        `GPU${this.gpu}: ${what} on NVLinks dropped by a GPU reset`,
      );
    }
    return { kind: 'ok' };
  }
}

/**
 * Perform the four-step link-disable sequence on `bar0` for the links in `linkMask` (bit i =
 * NVLink i), as the isolation patch's SBR handler did.
 */
export function applyLinkDisable(bar0: GpuBar0, linkMask: number, now: Tick): void {
  if (!Number.isInteger(linkMask) || linkMask < 0 || linkMask > ALL_LINKS_MASK) {
    throw new ModelRefusal('EINVAL', `Expected a 6-bit link mask, got ${linkMask}`);
  }
  bar0.write(LINK_DISABLE_STEP1_OFFSET, LINK_DISABLE_STEP1_VALUE, now);
  bar0.write(LINK_DISABLE_STEP2_OFFSET, LINK_DISABLE_STEP2_VALUE, now);
  bar0.write(PMC_ENABLE_OFFSET, (bar0.read(PMC_ENABLE_OFFSET) | PMC_ENABLE_NVLINK_BIT) >>> 0, now);
  bar0.write(
    LINK_DISABLE_MASK_OFFSET,
    (bar0.read(LINK_DISABLE_MASK_OFFSET) | (linkMask << LINK_DISABLE_MASK_SHIFT)) >>> 0,
    now,
  );
}

/**
 * The MMIO filter over a passed-through GPU's BAR0
 * (docs/theory/topology-groups-tce.md#4-mmio-filter-mmio-filterts).
 *
 * VFIO can only refuse a guest access to BAR0 at the granularity it maps BAR0 into the guest:
 * the host page size, 64 KiB on POWER (4 KiB configurable for comparison). Blocking one register
 * therefore blocks its whole page, and every other register in that page becomes unreachable
 * (or, if trapped instead of mapped, slow): the "PAGE_SIZE joys" of the 2018 kvm-ppc thread.
 * `collateral()` lists the known registers (gpu-bar0.ts KNOWN_BAR0_REGISTERS) that are blocked
 * only because they share a page with a filtered range.
 *
 * Default blocked ranges: the link-disable registers (a guest must not touch the isolation
 * state) and the ASSUMED firmware-update window. Firmware update is refused by default and
 * allowed per tenant only by an explicit admin option (`firmwareUpdateTenants`). No merged or
 * posted kernel mechanism filtered either (none found for the firmware window, unverified; the
 * never-merged isolation series re-applied the link mask at each reset and filtered nothing), so
 * both ranges are the model's policy: what such a filter would hold and what else it would block.
 *
 * The host (LPID 0, kind 'host') does not go through the filter.
 */
import { ConfigError, ModelRefusal } from '../../core/errors.js';
import { alignDown, hex, KiB, type Tick } from '../types.js';
import {
  FIRMWARE_UPDATE_BYTES,
  FIRMWARE_UPDATE_OFFSET,
  type GpuBar0,
  KNOWN_BAR0_REGISTERS,
  type KnownRegister,
  LINK_DISABLE_MASK_OFFSET,
  LINK_DISABLE_STEP1_OFFSET,
  LINK_DISABLE_STEP2_OFFSET,
} from './gpu-bar0.js';
import type { Tenant } from './iommu-groups.js';

export type HostPageBytes = 4096 | 65536;

export interface BlockedRange {
  offset: number;
  bytes: number;
  reason: string;
  /** Ranges marked firmware are opened for tenants named in `firmwareUpdateTenants`. */
  firmware?: boolean;
}

export interface MmioFilterOptions {
  /** Host page size: 64 KiB on POWER (default), 4 KiB for comparison. */
  pageBytes?: HostPageBytes;
  /** Ranges to block; default DEFAULT_BLOCKED_RANGES. */
  blockedRanges?: readonly BlockedRange[];
  /** Admin option: tenants allowed to reach the firmware-update window. Default none. */
  firmwareUpdateTenants?: readonly string[];
}

export const DEFAULT_BLOCKED_RANGES: readonly BlockedRange[] = [
  { offset: LINK_DISABLE_STEP1_OFFSET, bytes: 4, reason: 'link-disable step 1' },
  { offset: LINK_DISABLE_STEP2_OFFSET, bytes: 4, reason: 'link-disable step 2' },
  { offset: LINK_DISABLE_MASK_OFFSET, bytes: 4, reason: 'link-disable mask' },
  { offset: FIRMWARE_UPDATE_OFFSET, bytes: FIRMWARE_UPDATE_BYTES, reason: 'firmware update', firmware: true },
];

export type MmioDecision =
  | { kind: 'allowed' }
  | {
      kind: 'blocked';
      /** True when the register itself is not filtered but shares a page with one that is. */
      collateral: boolean;
      page: number;
      reason: string;
    };

export interface CollateralRegister extends KnownRegister {
  page: number;
  /** The filtered ranges that block its page. */
  blockedBy: string[];
}

export interface MmioFilterStats {
  allowed: number;
  blocked: number;
  /** Of `blocked`: accesses to registers that are not themselves filtered. */
  blockedCollateral: number;
  firmwareAllowed: number;
}

export class MmioFilter {
  readonly pageBytes: HostPageBytes;
  private readonly ranges: readonly BlockedRange[];
  private readonly firmwareTenants: ReadonlySet<string>;
  readonly stats: MmioFilterStats = { allowed: 0, blocked: 0, blockedCollateral: 0, firmwareAllowed: 0 };

  constructor(options: MmioFilterOptions = {}) {
    const pageBytes = options.pageBytes ?? 64 * KiB;
    if (pageBytes !== 4 * KiB && pageBytes !== 64 * KiB) {
      throw new ConfigError('mmioFilter.pageBytes', `Expected 4096 or 65536, got ${String(pageBytes)}`);
    }
    this.pageBytes = pageBytes as HostPageBytes;
    this.ranges = options.blockedRanges ?? DEFAULT_BLOCKED_RANGES;
    this.ranges.forEach((r, i) => {
      if (!Number.isSafeInteger(r.offset) || r.offset < 0 || !Number.isSafeInteger(r.bytes) || r.bytes <= 0) {
        throw new ConfigError(
          `mmioFilter.blockedRanges[${i}]`,
          `Expected a non-negative offset and a positive size, got offset ${r.offset} size ${r.bytes}`,
        );
      }
    });
    this.firmwareTenants = new Set(options.firmwareUpdateTenants ?? []);
  }

  /** Ranges in force for `tenantId` (firmware ranges dropped for admin-allowed tenants). */
  private rangesFor(tenantId: string | undefined): BlockedRange[] {
    return this.ranges.filter(
      (r) => !(r.firmware === true && tenantId !== undefined && this.firmwareTenants.has(tenantId)),
    );
  }

  private pagesOf(r: BlockedRange): { first: number; last: number } {
    return {
      first: alignDown(r.offset, this.pageBytes),
      last: alignDown(r.offset + r.bytes - 1, this.pageBytes),
    };
  }

  /** Start offsets of every blocked page (for tenant `tenantId`, or for any guest). */
  blockedPages(tenantId?: string): number[] {
    const pages = new Set<number>();
    for (const r of this.rangesFor(tenantId)) {
      const { first, last } = this.pagesOf(r);
      for (let p = first; p <= last; p += this.pageBytes) pages.add(p);
    }
    return [...pages].sort((a, b) => a - b);
  }

  /** The filter's verdict on one offset, without counting it. */
  check(offset: number, tenantId?: string): MmioDecision {
    const page = alignDown(offset, this.pageBytes);
    const ranges = this.rangesFor(tenantId);
    const direct = ranges.find((r) => offset >= r.offset && offset < r.offset + r.bytes);
    if (direct !== undefined) return { kind: 'blocked', collateral: false, page, reason: direct.reason };
    const sharing = ranges.filter((r) => {
      const { first, last } = this.pagesOf(r);
      return page >= first && page <= last;
    });
    if (sharing.length > 0) {
      return {
        kind: 'blocked',
        collateral: true,
        page,
        reason: `shares page ${hex(page)} (${this.pageBytes / KiB} KiB) with ${sharing.map((r) => r.reason).join(', ')}`,
      };
    }
    return { kind: 'allowed' };
  }

  /** A tenant's BAR0 access through the filter: counted; the host bypasses it. */
  access(tenant: Tenant, offset: number): MmioDecision {
    if (tenant.kind === 'host') {
      this.stats.allowed++;
      return { kind: 'allowed' };
    }
    const d = this.check(offset, tenant.id);
    if (d.kind === 'blocked') {
      this.stats.blocked++;
      if (d.collateral) this.stats.blockedCollateral++;
    } else {
      this.stats.allowed++;
      if (this.ranges.some((r) => r.firmware === true && offset >= r.offset && offset < r.offset + r.bytes)) {
        this.stats.firmwareAllowed++;
      }
    }
    return d;
  }

  /** Known registers blocked only because they share a page with a filtered range (any guest). */
  collateral(registers: readonly KnownRegister[] = KNOWN_BAR0_REGISTERS): CollateralRegister[] {
    const out: CollateralRegister[] = [];
    for (const reg of registers) {
      const d = this.check(reg.offset);
      if (d.kind === 'blocked' && d.collateral) {
        const blockedBy = this.ranges
          .filter((r) => {
            const { first, last } = this.pagesOf(r);
            return d.page >= first && d.page <= last;
          })
          .map((r) => r.reason);
        out.push({ ...reg, page: d.page, blockedBy });
      }
    }
    return out;
  }
}

/** A guest write through the filter to a GPU's BAR0: refused with EPERM when blocked. */
export function filteredWrite(
  filter: MmioFilter,
  bar0: GpuBar0,
  tenant: Tenant,
  offset: number,
  value: number,
  now: Tick,
): void {
  const d = filter.access(tenant, offset);
  if (d.kind === 'blocked') {
    throw new ModelRefusal(
      'EPERM',
      `Tenant ${tenant.id}: BAR0 write at ${hex(offset)} of GPU${bar0.gpu} blocked by the MMIO filter (${d.reason})`,
    );
  }
  bar0.write(offset, value, now);
}

/** A guest read through the filter: refused with EPERM when blocked. */
export function filteredRead(filter: MmioFilter, bar0: GpuBar0, tenant: Tenant, offset: number): number {
  const d = filter.access(tenant, offset);
  if (d.kind === 'blocked') {
    throw new ModelRefusal(
      'EPERM',
      `Tenant ${tenant.id}: BAR0 read at ${hex(offset)} of GPU${bar0.gpu} blocked by the MMIO filter (${d.reason})`,
    );
  }
  return bar0.read(offset);
}

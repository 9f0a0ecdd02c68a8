import { describe, expect, test } from 'vitest';
import { ModelRefusal } from '../../../src/core/errors.js';
import {
  FIRMWARE_UPDATE_COMMIT_OFFSET,
  GpuBar0,
  LINK_DISABLE_MASK_OFFSET,
  PMC_ENABLE_OFFSET,
} from '../../../src/model/platform/gpu-bar0.js';
import type { Tenant } from '../../../src/model/platform/iommu-groups.js';
import {
  DEFAULT_BLOCKED_RANGES,
  filteredRead,
  filteredWrite,
  MmioFilter,
} from '../../../src/model/platform/mmio-filter.js';
import { HOST_LPID, lpid, type Tick } from '../../../src/model/types.js';

const guest: Tenant = { id: 'guest1', lpid: lpid(5), kind: 'guest' };
const host: Tenant = { id: 'host', lpid: HOST_LPID, kind: 'host' };
const now = 0 as Tick;

describe('mmio-filter: page-granular blocking', () => {
  test('blocking PMC_ENABLE at 64 KiB also blocks PMC_BOOT_0 and the interrupt registers (collateral)', () => {
    const filter = new MmioFilter({
      blockedRanges: [{ offset: PMC_ENABLE_OFFSET, bytes: 4, reason: 'PMC_ENABLE' }],
    });
    const names = filter.collateral().map((r) => r.name);
    expect(names).toEqual(['PMC_BOOT_0', 'PMC_INTR_0', 'PMC_INTR_EN_0']);
    expect(names).not.toContain('PMC_ENABLE');
    expect(filter.collateral()[0]!.blockedBy).toEqual(['PMC_ENABLE']);
  });

  test('a register 8 KiB away is collateral at 64 KiB pages but reachable at 4 KiB pages', () => {
    const regs = [{ offset: 0x12_2000, name: 'NEIGHBOUR', why: 'test register' }];
    const big = new MmioFilter({ pageBytes: 65536 });
    const small = new MmioFilter({ pageBytes: 4096 });
    expect(big.collateral(regs).map((r) => r.name)).toEqual(['NEIGHBOUR']);
    // 0x122000 shares its 4 KiB page with step 2 (0x122204): pick one on a page of its own.
    const regs4k = [{ offset: 0x12_1000, name: 'NEIGHBOUR', why: 'test register' }];
    expect(small.collateral(regs4k)).toEqual([]);
    expect(big.collateral(regs4k).map((r) => r.name)).toEqual(['NEIGHBOUR']);
  });

  test('a guest access to a blocked register is refused and counted; the host bypasses the filter', () => {
    const filter = new MmioFilter();
    const bar0 = new GpuBar0(0);
    expect(() => filteredWrite(filter, bar0, guest, LINK_DISABLE_MASK_OFFSET, 1 << 16, now)).toThrow(
      ModelRefusal,
    );
    expect(() => filteredRead(filter, bar0, guest, 0x12_0100)).toThrow(/shares page/);
    expect(filter.stats).toMatchObject({ blocked: 2, blockedCollateral: 1 });
    expect(filteredRead(filter, bar0, host, LINK_DISABLE_MASK_OFFSET)).toBe(0);
    expect(filteredRead(filter, bar0, guest, 0x0)).toBe(0);
    expect(filter.stats.allowed).toBe(2);
  });

  test('default blocked pages are the link-disable and firmware pages', () => {
    const filter = new MmioFilter();
    expect(filter.blockedPages()).toEqual([0x12_0000, 0x88_0000, 0xa0_0000]);
    expect(DEFAULT_BLOCKED_RANGES.some((r) => r.firmware === true)).toBe(true);
  });
});

describe('mmio-filter: firmware update', () => {
  test('blocked by default: the version does not change', () => {
    const filter = new MmioFilter();
    const bar0 = new GpuBar0(0, { firmwareVersion: 1 });
    const e = (() => {
      try {
        filteredWrite(filter, bar0, guest, FIRMWARE_UPDATE_COMMIT_OFFSET, 2, now);
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(ModelRefusal);
    expect((e as ModelRefusal).code).toBe('EPERM');
    expect(bar0.firmwareVersion).toBe(1);
  });

  test('allowed for a tenant named by the admin option, still blocked for others', () => {
    const filter = new MmioFilter({ firmwareUpdateTenants: ['guest1'] });
    const bar0 = new GpuBar0(0, { firmwareVersion: 1 });
    filteredWrite(filter, bar0, guest, FIRMWARE_UPDATE_COMMIT_OFFSET, 2, now);
    expect(bar0.firmwareVersion).toBe(2);
    expect(filter.stats.firmwareAllowed).toBe(1);
    const other: Tenant = { id: 'guest2', lpid: lpid(6), kind: 'guest' };
    expect(() => filteredWrite(filter, bar0, other, FIRMWARE_UPDATE_COMMIT_OFFSET, 3, now)).toThrow(
      /firmware update/,
    );
    expect(bar0.firmwareVersion).toBe(2);
  });
});

import { describe, expect, test } from 'vitest';
import {
  applyLinkDisable,
  FIRMWARE_UPDATE_COMMIT_OFFSET,
  GpuBar0,
  LINK_DISABLE_MASK_OFFSET,
} from '../../../src/model/platform/gpu-bar0.js';
import type { Tick } from '../../../src/model/types.js';

const at = (n: number) => n as Tick;

describe('gpu-bar0: link disable', () => {
  test('the four-step sequence disables exactly the masked links', () => {
    const bar0 = new GpuBar0(0);
    applyLinkDisable(bar0, 0b100101, at(1));
    expect(bar0.disabledLinkMask).toBe(0b100101);
    expect([0, 1, 2, 3, 4, 5].map((l) => bar0.isLinkEnabled(l))).toEqual([
      false,
      true,
      false,
      true,
      true,
      false,
    ]);
    expect(bar0.read(LINK_DISABLE_MASK_OFFSET)).toBe(0b100101 << 16);
  });

  test('a mask write without the earlier steps is ignored and counted', () => {
    const bar0 = new GpuBar0(0);
    bar0.write(LINK_DISABLE_MASK_OFFSET, 0b1 << 16, at(1));
    expect(bar0.disabledLinkMask).toBe(0);
    expect(bar0.stats.linkDisableIgnored).toBe(1);
    // Nothing was disabled, so nothing was asked back on.
    expect(bar0.stats.linkReenableIgnored).toBe(0);
  });

  test('disabled links only accumulate; SBR alone clears them', () => {
    const bar0 = new GpuBar0(0);
    applyLinkDisable(bar0, 0b1, at(1));
    applyLinkDisable(bar0, 0b10, at(2));
    bar0.write(LINK_DISABLE_MASK_OFFSET, 0, at(3));
    expect(bar0.disabledLinkMask).toBe(0b11);
    // The write asked to turn both back on: the latch ignored it, and says so.
    expect(bar0.stats.linkReenableIgnored).toBe(1);
    bar0.secondaryBusReset(at(4));
    expect(bar0.disabledLinkMask).toBe(0);
    expect(bar0.stats.secondaryBusResets).toBe(1);
  });
});

describe('gpu-bar0: reset, fence and HMI', () => {
  test('NPU use after a GPU reset raises an HMI unless the links were reset first', () => {
    const bad = new GpuBar0(3);
    bad.secondaryBusReset(at(10));
    const r = bad.npuUse(at(11), 'ATSD launch');
    expect(r.kind).toBe('hmi');
    expect(bad.hmiLog[0]).toMatchObject({ at: 11, gpu: 3, reason: 'npu-use-after-gpu-reset' });

    const good = new GpuBar0(3);
    good.secondaryBusReset(at(10));
    good.resetNpuLinks(at(11));
    expect(good.npuUse(at(12), 'ATSD launch').kind).toBe('ok');
    expect(good.stats.hmis).toBe(0);
  });

  test('CPU access to GPU RAM: offline until onlined, HMI during reset or fence', () => {
    const bar0 = new GpuBar0(1);
    expect(bar0.cpuAccessRam(at(1)).kind).toBe('offline');
    bar0.onlineRam(at(2));
    expect(bar0.cpuAccessRam(at(3)).kind).toBe('ok');
    bar0.fence(at(4));
    expect(bar0.cpuAccessRam(at(5))).toMatchObject({
      kind: 'hmi',
      event: { reason: 'cpu-access-while-fenced' },
    });
    bar0.assertReset(at(6));
    expect(bar0.cpuAccessRam(at(7))).toMatchObject({
      kind: 'hmi',
      event: { reason: 'cpu-access-during-reset' },
    });
    expect(bar0.read(0)).toBe(0xffff_ffff);
    expect(() => bar0.onlineRam(at(8))).toThrow(/reset asserted/);
    bar0.deassertReset(at(9));
    bar0.resetNpuLinks(at(10));
    expect(bar0.cpuAccessRam(at(11)).kind).toBe('ok');
  });

  test('a firmware commit sets the version (policy is the MMIO filter s job)', () => {
    const bar0 = new GpuBar0(0, { firmwareVersion: 7 });
    bar0.write(FIRMWARE_UPDATE_COMMIT_OFFSET, 8, at(1));
    expect(bar0.firmwareVersion).toBe(8);
  });

  test('misaligned or out-of-BAR offsets are refused', () => {
    const bar0 = new GpuBar0(0);
    expect(() => bar0.read(3)).toThrow(/4-byte aligned/);
    expect(() => bar0.write(16 * 1024 * 1024, 0, at(0))).toThrow(/below 0x1000000/);
  });
});

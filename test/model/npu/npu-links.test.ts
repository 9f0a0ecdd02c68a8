/**
 * A GPU reset as the NPU sees it (npu/npu-links.ts) and what it does to ATSDs (npu/atsd-unit.ts):
 * skiboot 68d11e446 "npu2: Reset NVLinks when resetting a GPU".
 */
import { describe, expect, test } from 'vitest';
import { PageTables, PhysPages } from '../../../src/model/host/page-table.js';
import { AtsdUnit } from '../../../src/model/npu/atsd-unit.js';
import { MSR_HOST, NestMmu } from '../../../src/model/npu/nest-mmu.js';
import { NpuLinks } from '../../../src/model/npu/npu-links.js';
import { GiB, type Lpid, type Pid, type Tick } from '../../../src/model/types.js';

const T = (n: number) => n as Tick;

/** An NPU with two GPUs, one brick each (bricks 0 and 1), both VALID. */
function npu() {
  const mmu = new NestMmu(new PageTables(new PhysPages({ baseAddr: 0, sizeBytes: GiB })), { npuIndex: 0 });
  for (const brick of [0, 1]) {
    mmu.mapLpar(0x100 + brick, 0 as Lpid, 0, brick);
    mmu.initContext(0x100 + brick, MSR_HOST);
  }
  const links = new NpuLinks([0, 1]);
  const unit = new AtsdUnit({
    npuIndex: 0,
    xts: mmu,
    bricks: [
      { gpu: 0, brick: 0 },
      { gpu: 1, brick: 1 },
    ],
    links,
  });
  const launch = (now: number) => {
    const reg = unit.tryAcquire(1, T(now))!;
    const d = unit.launch(
      reg,
      1,
      { target: { kind: 'pid' }, pid: 3 as Pid, flush: true, flushOnly: false },
      T(now),
    );
    return { reg, gpus: d.map((x) => x.gpu) };
  };
  return { links, unit, launch };
}

describe('npu links: a GPU reset and the NPU', () => {
  test('links: the fixed order fences first, so no ATSD goes to the GPU and no HMI is raised', () => {
    const { links, unit, launch } = npu();
    links.fence(1);
    links.gpuReset(1);
    const a = launch(10);
    expect(a.gpus).toEqual([0]);
    unit.ack(a.reg, 0);
    expect(unit.stat(a.reg)).toBe(0); // the fenced GPU owes no ack
    unit.release(a.reg, 1, T(11));
    links.linkReset(1);
    expect(launch(12).gpus).toEqual([0]); // still fenced until the GPU's side is up
    links.unfence(1);
    expect(links.stats.hmis).toBe(0);
    expect(links.drainHmis()).toEqual([]);
  });

  test('links: without the fence an ATSD on the dropped links is an HMI until the bricks are reset', () => {
    const { links, unit, launch } = npu();
    links.gpuReset(1);
    const a = launch(20);
    expect(a.gpus).toEqual([0]);
    unit.ack(a.reg, 0);
    expect(unit.stat(a.reg)).toBe(0);
    unit.release(a.reg, 1, T(21));
    const hmis = links.drainHmis();
    expect(hmis.map((h) => [h.gpu, h.reason, h.at])).toEqual([[1, 'npu-use-after-gpu-reset', 20]]);
    links.linkReset(1);
    expect(launch(30).gpus).toEqual([0, 1]);
    expect(links.stats.hmis).toBe(1);
  });

  test('links: a GPU not behind this NPU is an assertion for the reset steps, and ok for a use', () => {
    const links = new NpuLinks([0]);
    expect(() => links.gpuReset(4)).toThrow(/not behind this NPU/);
    expect(links.use(4, T(0), 'ATSD').kind).toBe('ok');
  });
});

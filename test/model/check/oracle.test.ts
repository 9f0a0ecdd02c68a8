import { describe, expect, test } from 'vitest';
import { Oracle } from '../../../src/model/check/oracle.js';
import type { OracleEvent } from '../../../src/model/check/oracle-events.js';
import { PAGE_64K } from '../../../src/model/host/page-table.js';
import type { Lpid, PhysAddr, Pid, Tick, VirtAddr } from '../../../src/model/types.js';

const L = 0 as Lpid;
const P = 9 as Pid;
const PA = 0x50000 as PhysAddr;
const VA = 0x10000 as VirtAddr;
const T = (n: number) => n as Tick;

/** A translated page, unmapped at tick 3, then a shootdown on NPUs 0 and 1 with `flushes` flushes. */
function shootdownEvents(flushes: number, freeAfterStep: number | null): OracleEvent[] {
  const ev: OracleEvent[] = [
    { kind: 'page.owner', tick: T(0), pa: PA, lpid: L },
    {
      kind: 'translation.made',
      tick: T(2),
      gpu: 0,
      lpid: L,
      pid: P,
      va: VA,
      pa: PA,
      sizeBytes: PAGE_64K,
    },
    { kind: 'page.unmap', tick: T(3), lpid: L, pid: P, va: VA, pa: PA, sizeBytes: PAGE_64K },
    {
      kind: 'shootdown.start',
      tick: T(4),
      shootdown: 1,
      lpid: L,
      pid: P,
      start: VA,
      sizeBytes: PAGE_64K,
      npus: [0, 1],
    },
  ];
  let t = 5;
  const steps: OracleEvent[] = [];
  for (const npu of [0, 1]) steps.push({ kind: 'atsd.acquire', tick: T(t++), shootdown: 1, npu, reg: 0 });
  for (const npu of [0, 1])
    steps.push({
      kind: 'atsd.launch',
      tick: T(t++),
      shootdown: 1,
      npu,
      reg: 0,
      flushOnly: false,
      noFlush: false,
    });
  for (const npu of [0, 1])
    steps.push({ kind: 'atsd.complete', tick: T(t++), shootdown: 1, npu, reg: 0, flushOnly: false });
  for (let f = 0; f < flushes; f++) {
    for (const npu of [0, 1])
      steps.push({ kind: 'atsd.complete', tick: T(t++), shootdown: 1, npu, reg: 0, flushOnly: true });
  }
  for (const npu of [0, 1]) steps.push({ kind: 'atsd.release', tick: T(t++), shootdown: 1, npu, reg: 0 });
  steps.push({ kind: 'shootdown.complete', tick: T(t++), shootdown: 1 });
  const free: OracleEvent = { kind: 'page.free', tick: T(100), pa: PA, sizeBytes: PAGE_64K, epoch: 1 };
  if (freeAfterStep === null) return [...ev, ...steps, free];
  return [...ev, ...steps.slice(0, freeAfterStep), free, ...steps.slice(freeAfterStep)];
}

function rules(events: OracleEvent[], oracle = new Oracle({ gpuNpus: new Map([[0, [0, 1]]]) })): string[] {
  for (const e of events) oracle.observe(e);
  return oracle.violations.map((v) => v.rule);
}

describe('oracle: protocol order', () => {
  test('oracle: the correct unmap, shootdown, two flushes, free sequence passes', () => {
    expect(rules(shootdownEvents(2, null))).toEqual([]);
  });

  test('oracle: a page freed before the second flush is order.free-before-flushes', () => {
    // After acquire(2), launch(2), complete(2), first flush on both NPUs (2): step 8.
    expect(rules(shootdownEvents(2, 8))).toContain('order.free-before-flushes');
  });

  test('oracle: a page freed before the invalidates completed is order.free-before-shootdown', () => {
    expect(rules(shootdownEvents(2, 3))).toContain('order.free-before-shootdown');
  });

  test('oracle: a shootdown with one flush leaves the free reported, and the early release too', () => {
    const r = rules(shootdownEvents(1, null));
    expect(r).toContain('order.free-before-flushes');
    expect(r).toContain('order.atsd-released-early');
  });

  test('oracle: a munmap page (two shootdowns) freed after the first only is order.free-before-shootdown', () => {
    // The kernel runs mmio_invalidate twice per munmap (range_end, then tlb_flush_mmu_tlbonly) and
    // frees after the second: the same page, freed after one complete shootdown, is early.
    const twice = (events: OracleEvent[]) =>
      events.map((e) => (e.kind === 'page.unmap' ? { ...e, shootdowns: 2 } : e));
    const once = twice(shootdownEvents(2, null));
    const r = rules(once);
    expect(r).toEqual(['order.free-before-shootdown']);
    // The second shootdown, the same steps again (a new start after the first completed), licenses it.
    const steps = once.filter((e) => e.kind.startsWith('atsd.') || e.kind.startsWith('shootdown.'));
    const free = once[once.length - 1]!;
    const again = steps.map((e) => ({ ...e, tick: T(e.tick + 50) }));
    expect(rules([...once.slice(0, -1), ...again, free])).toEqual([]);
  });

  test('oracle: registers taken in descending NPU order are order.atsd-descending', () => {
    const ev: OracleEvent[] = [
      {
        kind: 'shootdown.start',
        tick: T(0),
        shootdown: 4,
        lpid: L,
        pid: P,
        start: 0,
        sizeBytes: null,
        npus: [1, 0],
      },
      { kind: 'atsd.acquire', tick: T(1), shootdown: 4, npu: 1, reg: 2 },
      { kind: 'atsd.acquire', tick: T(2), shootdown: 4, npu: 0, reg: 0 },
    ];
    const o = new Oracle();
    expect(rules(ev, o)).toEqual(['order.atsd-descending']);
    expect(o.violations[0]!.history.length).toBeGreaterThan(0);
    // The shootdown and both registers by name (QA: `got npu0 while holding npu1`).
    expect(o.violations[0]!.message).toBe(
      'Expected ATSD registers taken in ascending NPU order, got shootdown 4 taking npu0.reg0 while it held npu1.reg2',
    );
  });

  test('oracle: a shootdown that missed an NPU behind the translating GPU does not license the free', () => {
    const ev = shootdownEvents(2, null)
      .map((e) => (e.kind === 'shootdown.start' ? { ...e, npus: [0] } : e))
      .filter((e) => !('npu' in e) || e.npu === 0);
    expect(rules(ev)).toContain('order.free-before-shootdown');
  });

  test('oracle: the free-before-shootdown message names the NPU the shootdown missed and the GPU behind it (QA: "an NPU behind a GPU")', () => {
    const o = new Oracle({
      gpuNpus: new Map([
        [0, [0]],
        [1, [1]],
      ]),
    });
    const ev = shootdownEvents(2, null)
      .flatMap((e): OracleEvent[] =>
        e.kind === 'translation.made' ? [0, 1].map((gpu) => ({ ...e, gpu })) : [e],
      )
      .map((e) => (e.kind === 'shootdown.start' ? { ...e, npus: [0] } : e))
      .filter((e) => !('npu' in e) || e.npu === 0);
    expect(rules(ev, o)).toContain('order.free-before-shootdown');
    const v = o.violations.find((x) => x.rule === 'order.free-before-shootdown')!;
    expect(v.message).toMatch(
      /, got a free first \(shootdown \d+ invalidated on npu0 only, not on npu1, behind gpu1, which translated it\)$/,
    );
  });

  test('oracle: every GPU that translated a page counts, the first and a later one alike', () => {
    // GPU 0 sits behind NPU 0 and GPU 1 behind NPU 1; a shootdown on NPU 0 alone covers GPU 0 only.
    const twoGpus = () =>
      new Oracle({
        gpuNpus: new Map([
          [0, [0]],
          [1, [1]],
        ]),
      });
    const translated = (order: number[]) =>
      shootdownEvents(2, null)
        .flatMap((e): OracleEvent[] =>
          e.kind === 'translation.made' ? order.map((gpu) => ({ ...e, gpu })) : [e],
        )
        .map((e) => (e.kind === 'shootdown.start' ? { ...e, npus: [0] } : e))
        .filter((e) => !('npu' in e) || e.npu === 0);
    expect(rules(translated([0, 0]), twoGpus())).toEqual([]);
    expect(rules(translated([0, 1]), twoGpus())).toContain('order.free-before-shootdown');
    expect(rules(translated([1, 0, 1]), twoGpus())).toContain('order.free-before-shootdown');
  });
});

describe('oracle: translation safety', () => {
  const land = (tick: number, epoch: number | undefined, lpid = 0): OracleEvent => ({
    kind: 'dma.land',
    tick: T(tick),
    gpu: 0,
    lpid,
    pa: PA,
    lengthBytes: 8,
    write: true,
    epoch,
  });

  test("oracle: a UT=0 access through a translation older than the page's last free is translation.stale-ats", () => {
    const o = new Oracle();
    expect(rules([land(1, 0)], o)).toEqual([]);
    o.observe({ kind: 'page.free', tick: T(2), pa: PA, sizeBytes: PAGE_64K, epoch: 1 });
    expect(rules([land(3, 0)], o)).toEqual(['translation.stale-ats']);
    expect(o.violations[0]!.history.join('\n')).toMatch(/page\.free/);
  });

  test('oracle: a UT=0 access through a translation made after the free passes; UT=1 and forwarded DMA carry no epoch', () => {
    const o = new Oracle();
    o.observe({ kind: 'page.free', tick: T(2), pa: PA, sizeBytes: PAGE_64K, epoch: 1 });
    expect(rules([land(3, 1), land(4, undefined)], o)).toEqual([]);
  });

  test('oracle: a DMA anywhere inside a 2M page is judged against that page, its owner and its epoch', () => {
    const BIG = 0x4000_0000 as PhysAddr; // 2M-aligned
    const inside = (tick: number, epoch: number, lpid = 1): OracleEvent => ({
      kind: 'dma.land',
      tick: T(tick),
      gpu: 0,
      lpid,
      pa: (BIG + 0x13_0000) as PhysAddr, // a 64K-aligned address 1.2 MiB into the page
      lengthBytes: 8,
      write: true,
      epoch,
    });
    const o = new Oracle();
    o.observe({ kind: 'page.owner', tick: T(0), pa: BIG, lpid: 1, sizeBytes: 2 * 1024 * 1024 });
    expect(rules([inside(1, 0)], o)).toEqual([]);
    expect(rules([inside(2, 0, 2)], o)).toEqual(['isolation.dma']);
    o.observe({ kind: 'page.free', tick: T(3), pa: BIG, sizeBytes: 2 * 1024 * 1024, epoch: 1 });
    expect(rules([inside(4, 0)], o)).toEqual(['isolation.dma', 'translation.stale-ats']);
    expect(o.violations.at(-1)!.message).toContain(`page 0x${BIG.toString(16)}`);
    // Without the 2M page announced, the same address is a 64K page of its own: nothing to judge.
    expect(rules([inside(4, 0, 2)])).toEqual([]);
  });

  const tceAccess = (tick: number, stale: boolean): OracleEvent => ({
    kind: 'tce.access',
    tick: T(tick),
    gpu: 2,
    index: 5,
    busAddr: 5 * PAGE_64K,
    pa: PA,
    stale,
    generation: 1,
    currentGeneration: stale ? 2 : 1,
  });

  test('oracle: a stale TCE hit while the cleared page is still pinned is the accepted window; after its unpin it is translation.stale-tce', () => {
    const o = new Oracle();
    o.observe({ kind: 'tce.clear', tick: T(1), gpu: 2, index: 5, pa: PA });
    expect(rules([tceAccess(2, true), tceAccess(2, false)], o)).toEqual([]);
    o.observe({ kind: 'tce.unpin', tick: T(3), pa: PA });
    expect(rules([tceAccess(4, true)], o)).toEqual(['translation.stale-tce']);
  });

  test('oracle: a stale TCE hit to a page its cleared TCE never pointed at is translation.stale-tce', () => {
    expect(rules([tceAccess(2, true)])).toEqual(['translation.stale-tce']);
  });
});

describe('oracle: isolation', () => {
  test("oracle: a DMA into another tenant's memory is isolation.dma; into its own passes; a freed page belongs to nobody", () => {
    const o = new Oracle();
    const land = (lpid: number): OracleEvent => ({
      kind: 'dma.land',
      tick: T(2),
      gpu: 1,
      lpid,
      pa: PA,
      lengthBytes: 8,
      write: true,
      epoch: undefined,
    });
    o.observe({ kind: 'page.owner', tick: T(1), pa: PA, lpid: 3 });
    expect(rules([land(3)], o)).toEqual([]);
    expect(rules([land(4)], o)).toEqual(['isolation.dma']);
    o.observe({ kind: 'page.free', tick: T(3), pa: PA, sizeBytes: PAGE_64K, epoch: 1 });
    expect(rules([land(4)], o)).toEqual(['isolation.dma']);
  });

  const tenants = (o: Oracle) => {
    o.observe({ kind: 'tenant.gpu', tick: T(0), gpu: 0, tenant: 'vm1', lpid: 1, mayUpdateFirmware: true });
    o.observe({ kind: 'tenant.gpu', tick: T(0), gpu: 1, tenant: 'vm2', lpid: 2, mayUpdateFirmware: false });
    o.observe({ kind: 'tenant.gpu', tick: T(0), gpu: 2, tenant: 'vm1', lpid: 1, mayUpdateFirmware: true });
    o.observe({
      kind: 'tenant.gpu',
      tick: T(0),
      gpu: 3,
      tenant: undefined,
      lpid: undefined,
      mayUpdateFirmware: false,
    });
  };
  const peer = (srcGpu: number, dstGpu: number, write = true): OracleEvent => ({
    kind: 'peer.access',
    tick: T(1),
    srcGpu,
    dstGpu,
    link: 0,
    address: 0x1000,
    lengthBytes: 256,
    write,
  });

  test('oracle: a peer access across tenants is isolation.peer; within one tenant passes', () => {
    const o = new Oracle();
    tenants(o);
    expect(rules([peer(0, 2)], o)).toEqual([]);
    expect(rules([peer(1, 0)], o)).toEqual(['isolation.peer']);
    expect(o.violations[0]!.message).toMatch(/gpu1 \(vm2\) writing 256 bytes into gpu0 RAM \(vm1\)/);
    // A read is said as one (it was said as a write whatever its direction).
    const reads = new Oracle();
    tenants(reads);
    expect(rules([peer(1, 0, false)], reads)).toEqual(['isolation.peer']);
    expect(reads.violations[0]!.message).toMatch(/gpu1 \(vm2\) reading 256 bytes from gpu0 RAM \(vm1\)/);
  });

  test("oracle: an MMIO access that reached another tenant's GPU is isolation.mmio; a filtered one and the host's unowned GPU pass", () => {
    const o = new Oracle();
    tenants(o);
    const mmio = (gpu: number, lpid: number, allowed: boolean): OracleEvent => ({
      kind: 'mmio.access',
      tick: T(1),
      gpu,
      lpid,
      offset: 0x88_0004,
      allowed,
      firmwareUpdated: false,
    });
    expect(rules([mmio(0, 1, true), mmio(0, 2, false), mmio(3, 0, true)], o)).toEqual([]);
    expect(rules([mmio(0, 2, true)], o)).toEqual(['isolation.mmio']);
  });

  test('oracle: a firmware update by a tenant the admin did not allow is isolation.firmware, on its own GPU too; an allowed one and a blocked commit pass', () => {
    const o = new Oracle();
    tenants(o);
    const commit = (gpu: number, lpid: number, firmwareUpdated: boolean): OracleEvent => ({
      kind: 'mmio.access',
      tick: T(1),
      gpu,
      lpid,
      offset: 0x88_0004,
      allowed: firmwareUpdated,
      firmwareUpdated,
    });
    // vm1 (LPID 1) is allowed; vm2's commit the filter blocked changed nothing.
    expect(rules([commit(0, 1, true), commit(2, 1, true), commit(1, 2, false)], o)).toEqual([]);
    // vm2 flashing its own GPU: no other tenant's register was touched, but the premise is gone.
    expect(rules([commit(1, 2, true)], o)).toEqual(['isolation.firmware']);
    expect(o.violations[0]!.message).toMatch(/LPID 2 committing a firmware update to gpu1 \(vm2\)/);
    // An LPID that no GPU's tenant has is not allowed.
    expect(rules([commit(3, 7, true)], o)).toEqual(['isolation.firmware', 'isolation.firmware']);
  });
});

describe('oracle: bounds', () => {
  /** A DMA by gpu0 for LPID 2: a violation on a page LPID 1 owns. */
  const foreignDma = (tick: number, pa: PhysAddr): OracleEvent => ({
    kind: 'dma.land',
    tick: T(tick),
    gpu: 0,
    lpid: 2,
    pa,
    lengthBytes: 8,
    write: false,
    epoch: undefined,
  });

  test('oracle: violations past the kept ones are counted, not stored; histories stay bounded', () => {
    const o = new Oracle({ keepViolations: 5, historyDepth: 3, historyKeys: 16 });
    for (let i = 0; i < 200; i++) {
      const pa = (i * PAGE_64K) as PhysAddr;
      o.observe({ kind: 'page.owner', tick: T(i), pa, lpid: 1 });
      o.observe({ kind: 'page.owner', tick: T(i), pa, lpid: 1 });
      o.observe(foreignDma(i, pa));
    }
    expect(o.violations.length).toBe(5);
    expect(o.violationCount).toBe(200);
    expect(o.notKept).toBe(195);
    for (const v of o.violations) expect(v.history.length).toBeLessThanOrEqual(2 * 3);
  });

  test('oracle: every rule broken is tallied, one whose violations all came after the kept ones too', () => {
    const o = new Oracle({ keepViolations: 3 });
    const pa = 0x40_0000 as PhysAddr;
    o.observe({ kind: 'page.owner', tick: T(0), pa, lpid: 1 });
    for (let i = 1; i <= 10; i++) o.observe(foreignDma(i, pa));
    o.observe({ kind: 'tenant.gpu', tick: T(11), gpu: 0, tenant: 'vm1', lpid: 1, mayUpdateFirmware: true });
    o.observe({ kind: 'tenant.gpu', tick: T(11), gpu: 1, tenant: 'vm2', lpid: 2, mayUpdateFirmware: false });
    for (let i = 12; i <= 15; i++) {
      o.observe({
        kind: 'peer.access',
        tick: T(i),
        srcGpu: 1,
        dstGpu: 0,
        link: 0,
        address: 0x1000,
        lengthBytes: 64,
        write: true,
      });
    }
    expect(o.violations.map((v) => v.rule)).toEqual(['isolation.dma', 'isolation.dma', 'isolation.dma']);
    expect(o.notKept).toBe(11);
    expect(o.ruleTallies()).toEqual({
      'isolation.dma': { count: 10, tick: 1 },
      'isolation.peer': { count: 4, tick: 12 },
    });
  });
});

import { describe, expect, test } from 'vitest';
import { Oracle } from '../../../src/model/check/oracle.js';
import type { OracleEvent } from '../../../src/model/check/oracle-events.js';
import { PAGE_64K } from '../../../src/model/host/page-table.js';
import type { BusAddr, Lpid, PhysAddr, Pid, Tick, VirtAddr } from '../../../src/model/types.js';

const L = 0 as Lpid;
const P = 9 as Pid;
const PA = 0x50000 as PhysAddr;
const VA = 0x10000 as VirtAddr;
const T = (n: number) => n as Tick;

/** A translated page, unmapped at tick 3, then a shootdown on NPUs 0 and 1 with `flushes` flushes. */
function shootdownEvents(flushes: number, freeAfterStep: number | null): OracleEvent[] {
  const ev: OracleEvent[] = [
    { kind: 'page.alloc', tick: T(0), pa: PA, sizeBytes: PAGE_64K, epoch: 0, owner: 'host' },
    {
      kind: 'page.map',
      tick: T(1),
      lpid: L,
      pid: P,
      va: VA,
      pa: PA,
      sizeBytes: PAGE_64K,
      epoch: 0,
      owner: 'host',
    },
    {
      kind: 'translation.made',
      tick: T(2),
      gpu: 0,
      lpid: L,
      pid: P,
      va: VA,
      pa: PA,
      sizeBytes: PAGE_64K,
      epoch: 0,
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
    steps.push({ kind: 'atsd.launch', tick: T(t++), shootdown: 1, npu, reg: 0, flush: false });
  for (const npu of [0, 1])
    steps.push({ kind: 'atsd.complete', tick: T(t++), shootdown: 1, npu, reg: 0, flush: false });
  for (let f = 0; f < flushes; f++) {
    for (const npu of [0, 1])
      steps.push({ kind: 'atsd.complete', tick: T(t++), shootdown: 1, npu, reg: 0, flush: true });
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
      { kind: 'atsd.acquire', tick: T(1), shootdown: 4, npu: 1, reg: 0 },
      { kind: 'atsd.acquire', tick: T(2), shootdown: 4, npu: 0, reg: 0 },
    ];
    const o = new Oracle();
    expect(rules(ev, o)).toEqual(['order.atsd-descending']);
    expect(o.violations[0]!.history.length).toBeGreaterThan(0);
  });

  test('oracle: a shootdown that missed an NPU behind the translating GPU does not license the free', () => {
    const ev = shootdownEvents(2, null)
      .map((e) => (e.kind === 'shootdown.start' ? { ...e, npus: [0] } : e))
      .filter((e) => !('npu' in e) || e.npu === 0);
    expect(rules(ev)).toContain('order.free-before-shootdown');
  });
});

describe('oracle: translation safety', () => {
  const access = (tick: number, epoch: number, madeAt: number): OracleEvent => ({
    kind: 'dma.access',
    tick: T(tick),
    dma: 1,
    gpu: 0,
    tenant: 'host',
    pa: PA,
    sizeBytes: 8,
    write: true,
    via: { ut: 0, lpid: L, pid: P, va: VA, epoch, madeAt: T(madeAt) },
  });

  test('oracle: a UT=0 access with a stale epoch is translation.freed-page', () => {
    const ev: OracleEvent[] = [
      ...shootdownEvents(2, null),
      { kind: 'page.alloc', tick: T(101), pa: PA, sizeBytes: PAGE_64K, epoch: 1, owner: 'host' },
      access(102, 0, 2),
    ];
    const r = rules(ev);
    expect(r).toContain('translation.freed-page');
    expect(r).toContain('translation.stale-ats');
  });

  test('oracle: a UT=0 access through a fresh translation passes', () => {
    const ev: OracleEvent[] = [
      { kind: 'page.alloc', tick: T(0), pa: PA, sizeBytes: PAGE_64K, epoch: 3, owner: 'host' },
      access(5, 3, 4),
    ];
    expect(rules(ev)).toEqual([]);
  });

  test('oracle: a UT=1 access through a TCE generation older than the last kill is translation.stale-tce', () => {
    const via = (generation: number) => ({
      ut: 1 as const,
      table: 'pe0',
      busAddr: 0x1000 as BusAddr,
      generation,
      epoch: 0,
    });
    const base: OracleEvent[] = [
      { kind: 'page.alloc', tick: T(0), pa: PA, sizeBytes: PAGE_64K, epoch: 0, owner: 'host' },
      { kind: 'tce.write', tick: T(1), table: 'pe0', busAddr: 0x1000 as BusAddr, pa: PA, generation: 1 },
      { kind: 'tce.clear', tick: T(2), table: 'pe0', busAddr: 0x1000 as BusAddr, generation: 2 },
    ];
    const dma = (g: number): OracleEvent => ({
      kind: 'dma.access',
      tick: T(5),
      dma: 2,
      gpu: 0,
      tenant: 'host',
      pa: PA,
      sizeBytes: 8,
      write: false,
      via: via(g),
    });
    // Before the kill the cached generation 1 is still legal (the window the kill closes).
    expect(rules([...base, dma(1)])).toEqual([]);
    expect(
      rules([...base, { kind: 'tce.kill', tick: T(3), table: 'pe0', busAddrs: [0x1000 as BusAddr] }, dma(1)]),
    ).toEqual(['translation.stale-tce']);
    // Unpinned before the kill (the VFIO tce_iommu_clear window).
    expect(rules([...base, { kind: 'tce.unpin', tick: T(3), pa: PA }, dma(1)])).toEqual([
      'translation.stale-tce',
    ]);
  });
});

describe('oracle: isolation', () => {
  const tenants: OracleEvent[] = [
    { kind: 'tenant.gpu', tick: T(0), gpu: 0, tenant: 'vm1' },
    { kind: 'tenant.gpu', tick: T(0), gpu: 1, tenant: 'vm2' },
    { kind: 'tenant.gpu', tick: T(0), gpu: 2, tenant: 'vm1' },
    {
      kind: 'tenant.memory',
      tick: T(0),
      tenant: 'vm2',
      start: 0x4000_0000 as PhysAddr,
      sizeBytes: 0x1000_0000,
    },
  ];

  test("oracle: a DMA into another tenant's memory is isolation.dma; into its own passes", () => {
    const dma = (tenant: string, pa: number): OracleEvent => ({
      kind: 'dma.access',
      tick: T(1),
      dma: 1,
      gpu: 0,
      tenant,
      pa: pa as PhysAddr,
      sizeBytes: 64,
      write: true,
      via: { ut: 1, table: 't', busAddr: 0 as BusAddr, generation: 0, epoch: 0 },
    });
    expect(rules([...tenants, dma('vm1', 0x4000_1000)])).toEqual(['isolation.dma']);
    expect(rules([...tenants, dma('vm2', 0x4000_1000)])).toEqual([]);
  });

  test('oracle: a peer access across tenants is isolation.peer; within one tenant passes', () => {
    expect(rules([...tenants, { kind: 'peer.access', tick: T(1), srcGpu: 0, dstGpu: 1, link: 3 }])).toEqual([
      'isolation.peer',
    ]);
    expect(rules([...tenants, { kind: 'peer.access', tick: T(1), srcGpu: 0, dstGpu: 2, link: 3 }])).toEqual(
      [],
    );
  });

  test("oracle: an MMIO access that reached another tenant's GPU is isolation.mmio; a filtered one passes", () => {
    const mmio = (allowed: boolean): OracleEvent => ({
      kind: 'mmio.access',
      tick: T(1),
      tenant: 'vm1',
      gpu: 1,
      offset: 0xa00148,
      allowed,
    });
    expect(rules([...tenants, mmio(true)])).toEqual(['isolation.mmio']);
    expect(rules([...tenants, mmio(false)])).toEqual([]);
  });
});

describe('oracle: conservation', () => {
  test('oracle: a dropped message is conservation.message at finish; one in flight is not', () => {
    const o = new Oracle();
    o.observe({ kind: 'message.send', tick: T(0), msg: 1, from: 'gpu0', to: 'npu0' });
    o.observe({ kind: 'message.send', tick: T(0), msg: 2, from: 'gpu0', to: 'npu0' });
    o.observe({ kind: 'message.send', tick: T(0), msg: 3, from: 'gpu0', to: 'npu0' });
    o.observe({ kind: 'message.receive', tick: T(1), msg: 1 });
    const v = o.finish(T(10), { messages: [3] });
    expect(v.map((x) => x.rule)).toEqual(['conservation.message']);
    expect(v[0]!.message).toMatch(/message 2/);
  });

  test('oracle: a DMA that neither completed nor faulted is conservation.dma; a fault needs a reason', () => {
    const o = new Oracle();
    o.observe({ kind: 'dma.issue', tick: T(0), dma: 1, gpu: 0, tenant: 'host' });
    o.observe({ kind: 'dma.issue', tick: T(0), dma: 2, gpu: 0, tenant: 'host' });
    o.observe({ kind: 'dma.issue', tick: T(0), dma: 3, gpu: 0, tenant: 'host' });
    o.observe({ kind: 'dma.complete', tick: T(1), dma: 1 });
    expect(o.observe({ kind: 'dma.fault', tick: T(1), dma: 3, reason: '' }).map((x) => x.rule)).toEqual([
      'conservation.dma',
    ]);
    const v = o.finish(T(10));
    expect(v.map((x) => x.rule)).toEqual(['conservation.dma']);
    expect(v[0]!.message).toMatch(/DMA 2/);
  });

  test('oracle: histories and violations stay bounded', () => {
    const o = new Oracle({ historyDepth: 4, maxViolations: 3 });
    for (let i = 0; i < 10; i++) o.observe({ kind: 'message.receive', tick: T(i), msg: 1000 + i });
    expect(o.violationCount).toBe(10);
    expect(o.violations).toHaveLength(3);
  });
});

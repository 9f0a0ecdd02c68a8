/**
 * The isolation and translation rules (check/rules/isolation-rules.ts, translation-rules.ts) at
 * their conditions: every way a page stops being owned, every event that moves a page's epoch, the
 * per-GPU keys of the TCE rules, and the addresses each violation names.
 */
import { describe, expect, test } from 'vitest';
import { Oracle } from '../../../src/model/check/oracle.js';
import type { OracleEvent } from '../../../src/model/check/oracle-events.js';
import { PAGE_64K } from '../../../src/model/host/page-table.js';
import type { PhysAddr, Tick } from '../../../src/model/types.js';

const PA = 0x50000 as PhysAddr;
const BIG = 0x4000_0000 as PhysAddr; // 2M-aligned
const INSIDE = (BIG + 0x13_0000) as PhysAddr; // 64K-aligned, 1.2 MiB into the 2M page
const T = (n: number) => n as Tick;

function judge(events: readonly OracleEvent[]): Oracle {
  const o = new Oracle();
  for (const e of events) o.observe(e);
  return o;
}
const rules = (events: readonly OracleEvent[]) => judge(events).violations.map((v) => v.rule);

const land = (tick: number, lpid: number, epoch: number | undefined, pa: PhysAddr = PA): OracleEvent => ({
  kind: 'dma.land',
  tick: T(tick),
  gpu: 1,
  lpid,
  pa,
  lengthBytes: 8,
  write: true,
  epoch,
});
const owner = (lpid: number): OracleEvent => ({ kind: 'page.owner', tick: T(1), pa: PA, lpid });

describe('isolation rules', () => {
  test('isolation.dma: a page stops being owned at its unpin and at a free a chip heard of, as at the free itself', () => {
    expect(rules([owner(3), land(2, 4, undefined)])).toEqual(['isolation.dma']);
    expect(rules([owner(3), { kind: 'tce.unpin', tick: T(2), pa: PA }, land(3, 4, undefined)])).toEqual([]);
    expect(
      rules([owner(3), { kind: 'page.free.seen', tick: T(2), pa: PA, epoch: 1 }, land(3, 4, 1)]),
    ).toEqual([]);
  });

  test('isolation.dma: names the address the DMA reached (inside a 2M page), its tick and its GPU', () => {
    const o = judge([
      { kind: 'page.owner', tick: T(0), pa: BIG, lpid: 1, sizeBytes: 2 * 1024 * 1024 },
      land(5, 2, undefined, INSIDE),
    ]);
    expect(o.violations.map((v) => [v.rule, v.tick, v.actors, v.addresses])).toEqual([
      ['isolation.dma', 5, ['gpu1'], [INSIDE]],
    ]);
  });

  const tenants: OracleEvent[] = [
    { kind: 'tenant.gpu', tick: T(0), gpu: 0, tenant: 'vm1', lpid: 1, mayUpdateFirmware: false },
    { kind: 'tenant.gpu', tick: T(0), gpu: 1, tenant: 'vm2', lpid: 2, mayUpdateFirmware: false },
    { kind: 'tenant.gpu', tick: T(0), gpu: 3, tenant: undefined, lpid: undefined, mayUpdateFirmware: false },
  ];
  const peer = (tick: number, srcGpu: number, dstGpu: number): OracleEvent => ({
    kind: 'peer.access',
    tick: T(tick),
    srcGpu,
    dstGpu,
    link: 2,
    address: 0x7_0000,
    lengthBytes: 64,
    write: true,
  });

  test("isolation.peer: a tenant's GPU reaching the host's unowned GPU (or the reverse) crosses tenants; two unowned GPUs do not", () => {
    const o = judge([...tenants, peer(1, 0, 3), peer(2, 3, 0), peer(3, 3, 4), peer(4, 0, 1)]);
    expect(o.violations.map((v) => [v.rule, v.tick, v.actors, v.addresses])).toEqual([
      ['isolation.peer', 1, ['gpu0', 'gpu3'], [0x7_0000]],
      ['isolation.peer', 2, ['gpu3', 'gpu0'], [0x7_0000]],
      ['isolation.peer', 4, ['gpu0', 'gpu1'], [0x7_0000]],
    ]);
    // The unowned GPU is named the host's, not `(none)` between `two tenants` (QA).
    expect(o.violations[0]!.message).toMatch(
      /gpu0 \(vm1\) writing 64 bytes into gpu3 RAM \(the host's: no tenant holds it\) over NVLink \(link 2 of gpu0, enabled between a tenant's GPU and the host's\)$/,
    );
    expect(o.violations[1]!.message).toMatch(
      /got gpu3 \(the host's: no tenant holds it\) writing 64 bytes into gpu0 RAM \(vm1\)/,
    );
    // The link it crossed was up, whatever left it so: said, so a `--policy per-gpu` finding does
    // not read as a link-disable that failed.
    expect(o.violations[2]!.message).toMatch(
      /gpu0 \(vm1\) writing 64 bytes into gpu1 RAM \(vm2\) over NVLink \(link 2 of gpu0, enabled between GPUs of two tenants\)$/,
    );
  });

  test('isolation.mmio: names the BAR0 offset reached and the LPID that reached it', () => {
    const o = judge([
      ...tenants,
      {
        kind: 'mmio.access',
        tick: T(4),
        gpu: 0,
        lpid: 2,
        offset: 0x88_0004,
        allowed: true,
        firmwareUpdated: false,
      },
    ]);
    expect(o.violations.map((v) => [v.rule, v.tick, v.actors, v.addresses])).toEqual([
      ['isolation.mmio', 4, ['gpu0', 'lpid 2'], [0x88_0004]],
    ]);
  });
});

describe('translation rules', () => {
  test("translation.stale-ats: an unpin moves the page's epoch too: a UT=0 translation made before it is stale", () => {
    const unpin: OracleEvent = { kind: 'tce.unpin', tick: T(2), pa: PA };
    expect(rules([unpin, land(3, 0, 0)])).toEqual(['translation.stale-ats']);
    expect(rules([unpin, land(3, 0, 1)])).toEqual([]);
  });

  test("translation.stale-ats: names the address the DMA landed on, inside a 2M page, and the page's base, at its tick", () => {
    const o = judge([
      { kind: 'page.owner', tick: T(0), pa: BIG, lpid: 0, sizeBytes: 2 * 1024 * 1024 },
      { kind: 'page.free.seen', tick: T(1), pa: BIG, epoch: 1 },
      land(6, 0, 0, INSIDE),
    ]);
    expect(o.violations.map((v) => [v.rule, v.tick, v.addresses])).toEqual([
      ['translation.stale-ats', 6, [INSIDE, BIG]],
    ]);
  });

  const clear = (gpu: number, pa: PhysAddr): OracleEvent => ({
    kind: 'tce.clear',
    tick: T(1),
    gpu,
    index: 5,
    pa,
  });
  const stale = (tick: number, gpu: number): OracleEvent => ({
    kind: 'tce.access',
    tick: T(tick),
    gpu,
    index: 5,
    busAddr: 5 * PAGE_64K,
    pa: PA,
    stale: true,
    generation: 1,
    currentGeneration: 2,
  });

  test('translation.stale-tce: a stale hit to a page other than the one its TCE pointed at when cleared is reported', () => {
    expect(rules([clear(2, PA), stale(2, 2)])).toEqual([]);
    expect(rules([clear(2, 0x90000 as PhysAddr), stale(2, 2)])).toEqual(['translation.stale-tce']);
  });

  test("translation.stale-tce: each GPU's table is its own: another GPU's clear at the same index licenses nothing", () => {
    const o = judge([clear(3, PA), stale(4, 2)]);
    expect(o.violations.map((v) => [v.rule, v.tick, v.actors, v.addresses])).toEqual([
      ['translation.stale-tce', 4, ['gpu2'], [5 * PAGE_64K, PA]],
    ]);
  });

  const write = (gpu: number): OracleEvent => ({ kind: 'tce.write', tick: T(0), gpu, index: 4, pa: PA });
  const fault = (gpu: number): OracleEvent => ({ kind: 'tce.fault', tick: T(3), gpu, index: 4 });

  test("translation.lost-tce: another GPU's write at the same index does not make a fault a lost TCE; the page is named", () => {
    expect(rules([write(1), fault(2)])).toEqual([]);
    const o = judge([write(1), fault(1)]);
    expect(o.violations.map((v) => [v.rule, v.tick, v.actors, v.addresses])).toEqual([
      ['translation.lost-tce', 3, ['gpu1'], [PA]],
    ]);
  });

  describe('translation.stale-tce: the message says which condition fired and what the page is now', () => {
    // The first violation of `npusim run tce-storm --bug tce-kill-no-advance --seed 1 --duration 200us`:
    // index 5 cleared at 906652, its page unpinned at 1906652 and pinned again there as index 6 of
    // the same GPU, index 5 remapped to another page; a stale entry for index 5 reaches the old page.
    const P = 0x2000_0035_0000 as PhysAddr;
    const Q = 0x2000_0036_0000 as PhysAddr;
    const ev = {
      clear: (tick: number, gpu: number, index: number, pa: PhysAddr): OracleEvent => ({
        kind: 'tce.clear',
        tick: T(tick),
        gpu,
        index,
        pa,
      }),
      write: (tick: number, gpu: number, index: number, pa: PhysAddr): OracleEvent => ({
        kind: 'tce.write',
        tick: T(tick),
        gpu,
        index,
        pa,
      }),
      unpin: (tick: number, pa: PhysAddr): OracleEvent => ({ kind: 'tce.unpin', tick: T(tick), pa }),
      owner: (tick: number, pa: PhysAddr, lpid: number): OracleEvent => ({
        kind: 'page.owner',
        tick: T(tick),
        pa,
        lpid,
      }),
      stale: (tick: number, gpu: number, index: number, pa: PhysAddr): OracleEvent => ({
        kind: 'tce.access',
        tick: T(tick),
        gpu,
        index,
        busAddr: index * PAGE_64K + 0x2c00,
        pa: (pa + 0x2c00) as PhysAddr,
        stale: true,
        generation: 6,
        currentGeneration: 22,
      }),
    };
    const start = [ev.owner(0, P, 0), ev.write(0, 3, 5, P), ev.clear(906_652, 3, 5, P)];
    const messages = (events: readonly OracleEvent[]) => {
      const o = judge(events);
      expect(o.violations.map((v) => v.rule)).toEqual(['translation.stale-tce']);
      return o.violations[0]!.message;
    };

    test('unpinned since the clear and pinned again under another index of the same GPU: a misdirected access within its own pages', () => {
      const m = messages([
        ...start,
        ev.unpin(1_906_652, P),
        ev.owner(1_906_652, Q, 0),
        ev.write(1_906_652, 3, 5, Q),
        ev.owner(1_906_652, P, 0),
        ev.write(1_906_652, 3, 6, P),
        ev.stale(2_650_426, 3, 5, P),
      ]);
      expect(m).toMatch(
        /^Expected UT=1 DMA only through live TCEs, got gpu3 through a stale TCE cache entry/,
      );
      expect(m).toContain('the TCE now of 22, mapping 0x200000360000) to page 0x200000350000');
      expect(m).toContain("unpinned at 1.907 us after index 5's TCE to it was cleared at 906.7 ns");
      expect(m).toContain(
        "the page is now pinned as index 6 of gpu3's own table (LPID 0): a misdirected access",
      );
      expect(m).not.toContain('since that TCE was cleared');
    });

    test('unpinned since the clear and pinned by another GPU: names that GPU and the owner', () => {
      const m = messages([
        ...start,
        ev.unpin(1_906_652, P),
        ev.owner(2_000_000, P, 3),
        ev.write(2_000_000, 4, 9, P),
        ev.stale(2_650_426, 3, 5, P),
      ]);
      expect(m).toContain('the TCE now of 22, mapping nothing) to page 0x200000350000, unpinned at 1.907 us');
      expect(m).toMatch(/the page is now pinned as index 9 of gpu4's table \(LPID 3\)$/);
    });

    test('unpinned since the clear and not mapped again: unpinned and freed, owned by nobody', () => {
      const m = messages([...start, ev.unpin(1_906_652, P), ev.stale(2_650_426, 3, 5, P)]);
      expect(m).toContain('unpinned at 1.907 us');
      expect(m).toMatch(/the page is now unpinned and freed, mapped by no TCE and owned by nobody$/);
    });

    test("the index's last clear was of another page: says which, and that the entry's page is cleared elsewhere, still pinned", () => {
      const m = messages([
        ...start,
        ev.write(1_906_652, 3, 5, Q),
        ev.write(1_906_652, 3, 6, P),
        ev.clear(2_000_000, 3, 5, Q),
        ev.clear(2_000_000, 3, 6, P),
        ev.stale(2_650_426, 3, 5, P),
      ]);
      expect(m).toContain(
        "to page 0x200000350000, not the page of index 5's last clear (0x200000360000, cleared at 2 us): the entry outlived more than one mapping of its index",
      );
      expect(m).toMatch(
        /the page is now cleared from index 6 of gpu3's table at 2 us and not yet unpinned \(LPID 0\)$/,
      );
      expect(m).not.toContain('unpinned at');
    });

    test('no clear of the index on record: says so, and what the page is now', () => {
      const m = messages([ev.owner(0, P, 0), ev.write(0, 3, 5, P), ev.stale(2_650_426, 3, 5, P)]);
      expect(m).toContain(
        'to page 0x200000350000, with no clear of index 5 on record (its TCE changed without one)',
      );
      expect(m).toMatch(
        /the page is now mapped again by index 5 itself \(LPID 0\): the page its live TCE gives too$/,
      );
    });
  });
});

import { describe, expect, test } from 'vitest';
import { AssertionFailure, ModelRefusal } from '../../../src/core/errors.js';
import { buildTopology } from '../../../src/model/platform/topology.js';
import { PROFILES, resolveProfile } from '../../../src/model/scenario/profiles.js';
import {
  OPAL_PARAMETER,
  OPAL_PCI_TCE_KILL_PAGES,
  OPAL_SUCCESS,
  Phb,
  TceSystem,
  type TceSystemOptions,
} from '../../../src/model/tce/tce.js';
import { TceCache } from '../../../src/model/tce/tce-cache.js';
import { TceTable } from '../../../src/model/tce/tce-table.js';
import { type BusAddr, bus, type PhysAddr, phys } from '../../../src/model/types.js';
import { thrownBy } from '../../support/thrown.js';

const PAGE = 0x1_0000;
const pages = (first: number, n: number): PhysAddr[] =>
  Array.from({ length: n }, (_, i) => phys(first + i * PAGE));
const addr = (base: BusAddr, page: number): BusAddr => bus(base + page * PAGE);

function system(options: TceSystemOptions = {}) {
  const s = new TceSystem(buildTopology('witherspoon-6'), options);
  s.createWindow(0, { pageShift: 16, windowPages: 1024 });
  return s;
}

/** Map 4 pages, DMA through both paths so both caches hold them. */
function mapAndWarm(s: TceSystem): BusAddr {
  const b = s.map(0, pages(0x1000_0000, 4));
  for (let i = 0; i < 4; i++) {
    expect(s.dma(0, 'nvlink', addr(b, i), 'read').kind).toBe('ok');
    expect(s.dma(0, 'pcie', addr(b, i), 'read').kind).toBe('ok');
  }
  return b;
}

describe('tce: one table shared by the GPU PE and its NPU PE', () => {
  test('the table is on it_group_list of the PHB4 PE and the NPU PE; a kill reaches both caches', () => {
    const s = system();
    const t = s.table(0);
    // The NPU PE is Linux's: allocated from the top down after PEs 7, 6 and 0 are reserved.
    expect(t.groupList).toEqual([
      { phb: 'phb4:0004', pe: 0 },
      { phb: 'npu2:0006', pe: 5 },
    ]);
    expect([0, 1, 2, 3, 4, 5].map((g) => s.npuPe(g).pe)).toEqual([5, 4, 3, 5, 4, 3]);
    const b = mapAndWarm(s);
    expect(s.cachedAnywhere(0, t.indexOf(b)!)).toBe(true);
    s.unmap(0, b, 4);
    for (let i = 0; i < 4; i++) expect(s.cachedAnywhere(0, t.indexOf(b)! + i)).toBe(false);
  });

  test('only page sizes both PHB4 and NPU2 support are accepted (4K/64K)', () => {
    const s = new TceSystem(buildTopology('witherspoon-4'));
    expect(() => s.createWindow(0, { pageShift: 24 })).toThrow(/not supported by both/);
    expect(() => s.createWindow(0, { pageShift: 21 })).toThrow(ModelRefusal);
    expect(s.createWindow(0, { pageShift: 12, windowPages: 16 }).pageBytes).toBe(4096);
  });

  test('NPU PE 7 is reserved, and a PE has a window or bypass, never both', () => {
    const npu = new Phb({ name: 'npu2:0006', kind: 'npu2' });
    const table = new TceTable(1, { pageShift: 16, windowBase: bus(0), windowPages: 8 });
    expect(() => npu.setWindow(7, table)).toThrow(/reserved/);
    npu.setWindow(1, table);
    // The model's invariants (the kernel unsets the TVE first; skiboot would overwrite it), so
    // npusim's own bug if broken, not a refusal of the firmware's.
    expect(thrownBy(AssertionFailure, () => npu.setBypass(1)).message).toMatch(/window is set/);
    npu.unsetTve(1);
    npu.setBypass(1);
    expect(thrownBy(AssertionFailure, () => npu.setWindow(1, table)).message).toMatch(/never coexist/);
    expect(npu.translate(7, bus(0), 'read')).toMatchObject({ kind: 'fault', reason: 'reserved-pe' });
  });

  test('a window of a size the PHB lacks: the PHB4 refuses it (OPAL_PARAMETER), the NPU2 case is the model invariant', () => {
    // 2M pages: a PHB4 size, not an NPU2 one; 16M: an NPU2 size, not a PHB4 one.
    const twoMeg = new TceTable(1, { pageShift: 21, windowBase: bus(0), windowPages: 8 });
    const sixteenMeg = new TceTable(2, { pageShift: 24, windowBase: bus(0), windowPages: 8 });
    const phb4 = new Phb({ name: 'phb4:0004', kind: 'phb4' });
    const refusal = thrownBy(ModelRefusal, () => phb4.setWindow(1, sixteenMeg));
    expect(refusal.code).toBe('OPAL_PARAMETER');
    phb4.setWindow(1, twoMeg);
    // skiboot's npu2_map_pe_dma_window would program it as 4K; the kernel never asks, so it is
    // npusim's own bug, not the firmware's answer.
    const npu = new Phb({ name: 'npu2:0006', kind: 'npu2' });
    expect(() => npu.setWindow(1, twoMeg)).toThrow(AssertionFailure);
    npu.setWindow(1, sixteenMeg);
  });
});

describe('tce: DMA faults carry a reason', () => {
  test('invalid entry, missing permission and outside window fault; a mapped page translates', () => {
    const s = system();
    const ro = s.map(0, pages(0x2000_0000, 1), 'r');
    expect(s.dma(0, 'nvlink', bus(ro + 0x10), 'read')).toMatchObject({
      kind: 'ok',
      physAddr: 0x2000_0010,
      stale: false,
    });
    expect(s.dma(0, 'nvlink', ro, 'write')).toMatchObject({ kind: 'fault', reason: 'no-permission' });
    expect(s.dma(0, 'nvlink', bus(ro + 5 * PAGE), 'read')).toMatchObject({
      kind: 'fault',
      reason: 'invalid-entry',
    });
    expect(s.dma(0, 'pcie', bus(1024 * PAGE), 'read')).toMatchObject({
      kind: 'fault',
      reason: 'outside-window',
    });
    expect(s.dma(1, 'pcie', bus(0), 'read')).toMatchObject({ kind: 'fault', reason: 'no-tve' });
  });
});

describe('tce: kill ordering and the bug switches', () => {
  test('correct order: after unmap no DMA can use a killed page, even on reuse of the bus address', () => {
    const s = system();
    const b = mapAndWarm(s);
    s.unmap(0, b, 4);
    for (let i = 0; i < 4; i++) {
      expect(s.dma(0, 'nvlink', addr(b, i), 'read')).toMatchObject({
        kind: 'fault',
        reason: 'invalid-entry',
      });
    }
    const phbStale = [...s.phbs.values()].reduce((n, p) => n + p.stats.dmaStale, 0);
    expect(phbStale).toBe(0);
  });

  test('killLoopNoAdvance (skiboot cd5ddbe3b): pages after the first stay cached and a stale DMA is observable', () => {
    const s = system({ killLoopNoAdvance: true });
    const b = mapAndWarm(s);
    s.unmap(0, b, 4);
    expect(s.dma(0, 'nvlink', addr(b, 0), 'read').kind).toBe('fault');
    const r = s.dma(0, 'nvlink', addr(b, 2), 'read');
    expect(r).toMatchObject({ kind: 'ok', stale: true, cacheHit: true, physAddr: 0x1000_0000 + 2 * PAGE });
    // The PHB4 kill loop is not affected by this skiboot NPU2 bug.
    expect(s.dma(0, 'pcie', addr(b, 2), 'read').kind).toBe('fault');
  });

  test('entireKillIgnored (token 126, skiboot 8a2b6d51b): an ownership change leaves the NPU cache stale, the PHB4 PE kill still lands', () => {
    const good = system();
    const bg = mapAndWarm(good);
    // The PHB4 PE's KILL_PE and the NPU's invalidate_entire (a kill-all), both accepted.
    expect(good.changeOwnership(0)).toEqual([
      { rc: OPAL_SUCCESS, kills: [{ kind: 'pe', pe: 0 }] },
      { rc: OPAL_SUCCESS, kills: [{ kind: 'all' }] },
    ]);
    expect(good.dma(0, 'nvlink', bg, 'read').kind).toBe('fault');
    expect(good.dma(0, 'pcie', bg, 'read').kind).toBe('fault');

    const bad = system({ entireKillIgnored: true });
    const bb = mapAndWarm(bad);
    const [phb4, npu2] = bad.changeOwnership(0);
    // pnv_pci_ioda2_tce_invalidate_pe on the PHB4 is a KILL_PE and works; the NPU's
    // invalidate_entire passes the token 126, which skiboot rejects.
    expect(phb4).toMatchObject({ rc: OPAL_SUCCESS, kills: [{ kind: 'pe', pe: 0 }] });
    expect(npu2).toMatchObject({ rc: OPAL_PARAMETER, kills: [] });
    expect(bad.dma(0, 'nvlink', bb, 'read')).toMatchObject({ kind: 'ok', stale: true });
    expect(bad.dma(0, 'pcie', bb, 'read').kind).toBe('fault');
  });

  test('unpinBeforeKill (tce_iommu_clear): unpins come before the kill while the caches still translate', () => {
    const bad = system({ unpinBeforeKill: true });
    const events = bad.vfioClear(0, mapAndWarm(bad), 4);
    const killAt = events.findIndex((e) => e.kind === 'kill');
    const unpins = events.filter((e) => e.kind === 'unpin');
    expect(unpins).toHaveLength(4);
    expect(events.findIndex((e) => e.kind === 'unpin')).toBeLessThan(killAt);
    expect(unpins.every((e) => e.kind === 'unpin' && e.stillCached)).toBe(true);

    const good = system();
    const ev2 = good.vfioClear(0, mapAndWarm(good), 4);
    const kill2 = ev2.findIndex((e) => e.kind === 'kill');
    expect(ev2.findIndex((e) => e.kind === 'unpin')).toBeGreaterThan(kill2);
    expect(ev2.some((e) => e.kind === 'unpin' && e.stillCached)).toBe(false);
    expect(good.stats.unpinsWhileCached).toBe(0);
  });

  test('releasing bus pages before their kill is refused', () => {
    const s = system();
    const b = s.map(0, pages(0x3000_0000, 2));
    const index = s.table(0).indexOf(b)!;
    s.clearTces(0, index, 2);
    expect(() => s.releaseBusPages(0, index, 2)).toThrow(/before its TCE kill/);
    s.kill(0, index, 2);
    s.releaseBusPages(0, index, 2);
    expect(s.table(0).allocatedPages).toBe(0);
  });

  test('a DMA between clear and kill uses the stale cached entry, and says so', () => {
    const s = system();
    const b = mapAndWarm(s);
    const index = s.table(0).indexOf(b)!;
    s.clearTces(0, index, 4);
    expect(s.dma(0, 'nvlink', b, 'read')).toMatchObject({ kind: 'ok', stale: true });
    s.kill(0, index, 4);
    expect(s.dma(0, 'nvlink', b, 'read').kind).toBe('fault');
  });
});

describe('tce: NPU2 kill granularity and size check', () => {
  const setup = () => {
    const npu = new Phb({ name: 'npu2:0006', kind: 'npu2', cacheCapacityEntries: 512 });
    const table = new TceTable(1, { pageShift: 16, windowBase: bus(0), windowPages: 512 });
    npu.setWindow(0, table);
    for (let i = 0; i < 300; i++) {
      table.xchg(i, phys(0x4000_0000 + i * PAGE), 'rw');
      expect(npu.translate(0, bus(i * PAGE), 'read').kind).toBe('ok');
    }
    return { npu, table };
  };

  test('127 pages: single-entry kills, pages outside the range stay cached', () => {
    const { npu } = setup();
    expect(npu.tceKill(OPAL_PCI_TCE_KILL_PAGES, 0, PAGE, 0, 127).rc).toBe(OPAL_SUCCESS);
    expect(npu.cache.stats.killsSingle).toBe(127);
    expect(npu.cache.stats.killsAll).toBe(0);
    expect(npu.cache.size).toBe(300 - 127);
  });

  test('128 pages: one kill-all', () => {
    const { npu } = setup();
    expect(npu.tceKill(OPAL_PCI_TCE_KILL_PAGES, 0, PAGE, 0, 128).rc).toBe(OPAL_SUCCESS);
    expect(npu.cache.stats.killsSingle).toBe(0);
    expect(npu.cache.stats.killsAll).toBe(1);
    expect(npu.cache.size).toBe(0);
  });

  test('a kill whose TCE size differs from the TVE page size is refused: Unexpected TCE size', () => {
    const { npu } = setup();
    const r = npu.tceKill(OPAL_PCI_TCE_KILL_PAGES, 0, 4096, 0, 1);
    expect(r.rc).toBe(OPAL_PARAMETER);
    expect(r.message).toMatch(/Unexpected TCE size/);
    expect(npu.cache.size).toBe(300);
  });
});

describe('tce: cache and allocator bounds', () => {
  test('the cache evicts least recently used entries deterministically at capacity', () => {
    const c = new TceCache('x', 2);
    const e = (index: number) => ({
      table: 0,
      index,
      physAddr: phys(index * PAGE),
      read: true,
      write: true,
      generation: 1,
    });
    c.fill(0, 1, e(1));
    c.fill(0, 2, e(2));
    expect(c.lookup(0, 1)).toBeDefined();
    c.fill(0, 3, e(3));
    expect(c.peek(0, 2)).toBeUndefined();
    expect(c.peek(0, 1)).toBeDefined();
    expect(c.stats).toMatchObject({ evictions: 1, hits: 1 });
  });

  test('the bus allocator refuses double frees and reports a full window', () => {
    const t = new TceTable(0, { pageShift: 12, windowBase: bus(0), windowPages: 4 });
    expect(t.allocPages(3)).toBe(0);
    expect(t.allocPages(2)).toBeUndefined();
    t.freePages(0, 3);
    expect(() => t.freePages(0, 1)).toThrow(/not allocated/);
    expect(t.allocPages(4)).toBe(0);
  });

  test('each TCE write advances the generation so a stale use is detectable', () => {
    const t = new TceTable(0, { pageShift: 12, windowBase: bus(0), windowPages: 4 });
    t.xchg(1, phys(0x1000));
    const g1 = t.generationOf(1);
    t.xchg(1, null);
    t.xchg(1, phys(0x2000));
    expect(t.generationOf(1)).toBe(g1 + 2);
    expect(t.get(1)?.physAddr).toBe(0x2000);
  });
});

describe('tce: profiles choose the skiboot release of the PHB4 page kill', () => {
  test('as-shipped (skiboot v6.8) kills PHB4 pages one by one; fixed (v7.0, 2b0b6a1a0) kills the PE', () => {
    for (const [name, want] of [
      ['as-shipped', 'one'],
      ['fixed', 'pe'],
    ] as const) {
      const s = new TceSystem(buildTopology('witherspoon-6'), { firmware: resolveProfile(name).firmware });
      s.createWindow(0);
      const [phb4] = s.kill(0, 3, 2);
      expect(
        phb4!.kills.map((k) => k.kind),
        name,
      ).toEqual(want === 'one' ? ['one', 'one'] : ['pe']);
    }
  });

  test('HW560152: a PHB4 page kill arriving while the kill queue is backed up may be dropped, as the chooser says; escalated, none is', () => {
    // A chooser that says "drop" to every backed-up page kill, and counts what it was asked.
    const asked: string[] = [];
    const chooser = {
      choose: (site: string, n: number) => {
        asked.push(site);
        return n - 1;
      },
    };
    for (const name of ['as-shipped', 'fixed'] as const) {
      asked.length = 0;
      const s = new TceSystem(buildTopology('witherspoon-6'), { firmware: resolveProfile(name).firmware });
      s.createWindow(0, { pageShift: 16, windowPages: 1024 });
      const b = mapAndWarm(s);
      s.clearTces(0, 0, 4);
      // Four page kills at one tick: the first two find fewer than 2 in progress; the last two do.
      s.kill(0, 0, 4, { now: 1_000_000, chooser });
      const stale = [0, 1, 2, 3].map((i) => {
        const r = s.dma(0, 'pcie', addr(b, i), 'read');
        return r.kind === 'ok' && r.stale;
      });
      if (name === 'as-shipped') {
        expect(stale).toEqual([false, false, true, true]);
        expect(s.killsDropped()).toBe(2);
        expect(asked).toEqual(['phb4.kill.drop', 'phb4.kill.drop']);
      } else {
        expect(stale, name).toEqual([false, false, false, false]);
        expect(s.killsDropped()).toBe(0);
        expect(asked).toEqual([]);
      }
      // The NPU2 is not affected: its cache lost every entry.
      expect(s.dma(0, 'nvlink', addr(b, 3), 'read').kind).toBe('fault');
    }
  });

  test('HW560152: the PHB4 kill queue drains: a kill one service time per kill later finds room; without timing every kill lands', () => {
    const phb = new Phb({
      name: 'phb4:0004',
      kind: 'phb4',
      killServiceTicks: 100,
      killDropThresholdKills: 1,
    });
    const chooser = { choose: (_site: string, n: number) => n - 1 };
    phb.tceKill(OPAL_PCI_TCE_KILL_PAGES, 0, PAGE, 0, 1, { now: 0, chooser });
    phb.tceKill(OPAL_PCI_TCE_KILL_PAGES, 0, PAGE, PAGE, 1, { now: 50, chooser });
    expect(phb.stats.killsDropped).toBe(1);
    phb.tceKill(OPAL_PCI_TCE_KILL_PAGES, 0, PAGE, 2 * PAGE, 1, { now: 100, chooser });
    expect(phb.stats.killsDropped).toBe(1);
    phb.tceKill(OPAL_PCI_TCE_KILL_PAGES, 0, PAGE, 3 * PAGE, 8);
    expect(phb.stats.killsDropped).toBe(1);
  });

  test('a TCE cache miss reports the table levels it read (one, or two for an indirect table); a hit none', () => {
    for (const [levelEntries, levels] of [
      [undefined, 1],
      [256, 2],
    ] as const) {
      const s = new TceSystem(buildTopology('witherspoon-6'));
      s.createWindow(0, { pageShift: 16, windowPages: 1024, levelEntries });
      const b = s.map(0, pages(0x1000_0000, 1));
      const miss = s.dma(0, 'pcie', b, 'read');
      const hit = s.dma(0, 'pcie', b, 'read');
      expect(miss.kind === 'ok' && [miss.cacheHit, miss.fetchLevels]).toEqual([false, levels]);
      expect(hit.kind === 'ok' && [hit.cacheHit, hit.fetchLevels]).toEqual([true, 0]);
    }
  });

  test('a run config without a profile gets the fixed profile; as-shipped adds its bug switches to the run', () => {
    expect(resolveProfile().skiboot).toBe('v7.0');
    expect(PROFILES['as-shipped'].bugs).toContain('tce-entire-kill-ignored');
    expect(() => resolveProfile('nonsense')).toThrow(/Expected one of as-shipped, fixed/);
  });
});

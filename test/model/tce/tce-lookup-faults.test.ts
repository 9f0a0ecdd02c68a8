/**
 * A TCE cache lookup that ends in a fault is still a lookup: `invalid-entry` comes after a miss
 * that read the table (it is how the PHB found the entry invalid), `no-permission` after a hit or
 * a miss and fill, and both report `cacheHit` and `fetchLevels` as a translation does. A fault
 * found before any lookup (`outside-window`, `no-tve`) reports neither, and the cache counts
 * nothing for it. Before, a fault carried no lookup, so the chip counted no hit or miss for it and
 * charged no fetch (actors/chip/dma-landing.ts; test/model/actors/chip/dma-landing.test.ts).
 */
import { describe, expect, test } from 'vitest';
import { buildTopology } from '../../../src/model/platform/topology.js';
import { type DmaResult, TceSystem } from '../../../src/model/tce/tce.js';
import { bus, phys } from '../../../src/model/types.js';

const PAGE = 0x1_0000;

function system(levelEntries?: number) {
  const s = new TceSystem(buildTopology('witherspoon-6'));
  s.createWindow(0, { pageShift: 16, windowPages: 1024, levelEntries });
  return s;
}

/** The lookup a result reports: [cacheHit, fetchLevels], or 'none' when it made none. */
function lookup(r: DmaResult): [boolean, number] | 'none' {
  return 'cacheHit' in r ? [r.cacheHit, r.fetchLevels] : 'none';
}

/** The PCIe side's cache counts: [hits, misses]. */
function cacheCounts(s: TceSystem): [number, number] {
  const { hits, misses } = s.gpuPe(0).phb.cache.stats;
  return [hits, misses];
}

describe('tce: a lookup that faults reports its hit or miss and its table fetch', () => {
  test('invalid-entry: a miss that read every table level (one, or two for an indirect table)', () => {
    for (const [levelEntries, levels] of [
      [undefined, 1],
      [256, 2],
    ] as const) {
      const s = system(levelEntries);
      const b = s.map(0, [phys(0x1000_0000)]);
      const r = s.dma(0, 'pcie', bus(b + PAGE), 'read');
      expect(r).toMatchObject({ kind: 'fault', reason: 'invalid-entry' });
      expect(lookup(r)).toEqual([false, levels]);
      // Invalid entries are never cached: the same access misses and reads the table again.
      expect(lookup(s.dma(0, 'pcie', bus(b + PAGE), 'read'))).toEqual([false, levels]);
      expect(cacheCounts(s)).toEqual([0, 2]);
    }
  });

  test('no-permission after a hit reports the hit and no fetch; after a miss, the miss and its fetch', () => {
    const s = system();
    const ro = s.map(0, [phys(0x2000_0000), phys(0x2001_0000)], 'r');
    const read = s.dma(0, 'pcie', ro, 'read');
    expect(read).toMatchObject({ kind: 'ok', cacheHit: false, fetchLevels: 1 });
    const afterHit = s.dma(0, 'pcie', ro, 'write');
    expect(afterHit).toMatchObject({ kind: 'fault', reason: 'no-permission' });
    expect(lookup(afterHit)).toEqual([true, 0]);
    const afterMiss = s.dma(0, 'pcie', bus(ro + PAGE), 'write');
    expect(afterMiss).toMatchObject({ kind: 'fault', reason: 'no-permission' });
    expect(lookup(afterMiss)).toEqual([false, 1]);
    expect(cacheCounts(s)).toEqual([1, 2]);
  });

  test('outside-window and no-tve make no lookup: no hit, no miss, no fetch', () => {
    const s = system();
    const outside = s.dma(0, 'pcie', bus(1024 * PAGE), 'read');
    expect(outside).toMatchObject({ kind: 'fault', reason: 'outside-window' });
    expect(lookup(outside)).toBe('none');
    expect(cacheCounts(s)).toEqual([0, 0]);
    const noTve = s.dma(1, 'pcie', bus(0), 'read');
    expect(noTve).toMatchObject({ kind: 'fault', reason: 'no-tve' });
    expect(lookup(noTve)).toBe('none');
  });
});

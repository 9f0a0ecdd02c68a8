/**
 * Two-level TCE tables with levels allocated on demand (tce/tce-table.ts) and the level allocation
 * race of Linux 56090a3902c8 (tce/tce-level-write.ts).
 */
import { describe, expect, test } from 'vitest';
import { TceLevelWrite } from '../../../src/model/tce/tce-level-write.js';
import { TceTable } from '../../../src/model/tce/tce-table.js';
import { bus, type PhysAddr } from '../../../src/model/types.js';

const PAGE = 0x10000;
const pa = (n: number) => (n * PAGE) as PhysAddr;
const twoLevel = () =>
  new TceTable(1, { pageShift: 16, windowBase: bus(0), windowPages: 64, levelEntries: 16 });

describe('tce levels: two-level tables, levels on demand', () => {
  test('levels: a write allocates its level, a clear of a level never allocated does nothing', () => {
    const t = twoLevel();
    expect(t.levelCount).toBe(0);
    expect(t.xchg(3, null)).toBeUndefined();
    expect(t.levelCount).toBe(0);
    t.xchg(3, pa(7));
    t.xchg(17, pa(8));
    expect(t.levelCount).toBe(2);
    expect(t.get(3)?.physAddr).toBe(pa(7));
    expect(t.get(17)?.physAddr).toBe(pa(8));
    expect(t.get(4)).toBeUndefined();
    expect(t.validIndices()).toEqual([3, 17]);
    // Cleared entries stay in their level: levels are never freed while the table lives.
    t.xchg(3, null);
    expect(t.get(3)).toBeUndefined();
    expect(t.levelCount).toBe(2);
  });

  test('levels: a one-level table behaves as before (one pre-allocated level)', () => {
    const t = new TceTable(2, { pageShift: 16, windowBase: bus(0), windowPages: 64 });
    expect(t.levelCount).toBe(1);
    expect(t.xchg(5, pa(1))).toBeUndefined();
    expect(t.xchg(5, pa(2))?.physAddr).toBe(pa(1));
    expect(t.generationOf(5)).toBe(2);
    expect(t.levelStats.replaced).toBe(0);
  });
});

describe('tce levels: the level allocation race (56090a3902c8)', () => {
  /** Threads A and B write indices 0 and 1 of one fresh level, interleaved as the header's scenario. */
  function race(cmpxchg: boolean) {
    const t = twoLevel();
    const a = new TceLevelWrite(t, 0, pa(10), cmpxchg);
    const b = new TceLevelWrite(t, 1, pa(11), cmpxchg);
    expect([a.step(), a.step()]).toEqual(['read', 'alloc']); // 1. A: empty slot, allocates
    expect([b.step(), b.step()]).toEqual(['read', 'alloc']); // 2. B: still empty, allocates
    expect([a.step(), a.step()]).toEqual(['publish', 'write']); // 3. A publishes and writes
    expect(t.get(0)?.physAddr).toBe(pa(10));
    expect([b.step(), b.step()]).toEqual(['publish', 'write']); // 4. B publishes and writes
    expect(a.done && b.done).toBe(true);
    return t;
  }

  test('race: without the cmpxchg the second level replaces the first and A’s TCE is lost', () => {
    const t = race(false);
    expect(t.get(0)).toBeUndefined();
    expect(t.get(1)?.physAddr).toBe(pa(11));
    expect(t.levelStats).toEqual({ allocated: 2, freedOnRace: 0, replaced: 1, entriesLost: 1 });
  });

  test('race: with the cmpxchg B frees its level and writes into A’s: nothing is lost', () => {
    const t = race(true);
    expect(t.get(0)?.physAddr).toBe(pa(10));
    expect(t.get(1)?.physAddr).toBe(pa(11));
    expect(t.levelStats).toEqual({ allocated: 2, freedOnRace: 1, replaced: 0, entriesLost: 0 });
  });

  test('race: a write that finds its level published goes straight to the store', () => {
    const t = twoLevel();
    t.xchg(2, pa(1));
    const w = new TceLevelWrite(t, 3, pa(2), false);
    expect(w.runUntil('done')).toBe('done');
    expect(t.levelStats.allocated).toBe(1);
    expect(t.get(3)?.physAddr).toBe(pa(2));
  });
});

import { describe, expect, test } from 'vitest';
import { ModelRefusal } from '../../../src/core/errors.js';
import { PAGE_2M, PAGE_64K, PageTables, PhysPages } from '../../../src/model/host/page-table.js';
import { GiB, type Lpid, type PhysAddr, type Pid, tick, type VirtAddr } from '../../../src/model/types.js';

const L = 0 as Lpid;
const P = 5 as Pid;
const t0 = tick(0);

describe('page-table: sparse maps and page epochs', () => {
  test('every free bumps the epoch and the freed frame is reused first', () => {
    const phys = new PhysPages({ baseAddr: 0, sizeBytes: GiB });
    const a = phys.allocate(PAGE_64K, 'host');
    const e0 = a.epoch;
    phys.free(a.base);
    expect(phys.epochOf(a.base)).toBe(e0 + 1);
    const b = phys.allocate(PAGE_64K, 'vm1');
    expect(b.base).toBe(a.base);
    expect(b.epoch).toBe(e0 + 1);
  });

  test('a pinned page cannot be freed', () => {
    const phys = new PhysPages({ baseAddr: 0, sizeBytes: GiB });
    const a = phys.allocate(PAGE_64K, 'host');
    phys.pin(a.base);
    expect(() => phys.free(a.base)).toThrow(ModelRefusal);
    phys.unpin(a.base);
    expect(() => phys.free(a.base)).not.toThrow();
  });

  test('lookups find 64K and 2M leaves with the offset applied; overlaps are refused', () => {
    const phys = new PhysPages({ baseAddr: 0, sizeBytes: GiB });
    const pt = new PageTables(phys);
    const small = phys.allocate(PAGE_64K, 'host');
    const big = phys.allocate(PAGE_2M, 'host');
    pt.map(L, P, 0x10000 as VirtAddr, small.base, PAGE_64K, t0);
    pt.map(L, P, 0x400000 as VirtAddr, big.base, PAGE_2M, t0);
    expect(pt.lookup(L, P, 0x10010 as VirtAddr)?.pa).toBe(small.base + 0x10);
    expect(pt.lookup(L, P, (0x400000 + 0x12345) as VirtAddr)?.pa).toBe(big.base + 0x12345);
    expect(pt.lookup(L, P, 0x20000 as VirtAddr)).toBeUndefined();
    const other = phys.allocate(PAGE_64K, 'host');
    expect(() => pt.map(L, P, 0x410000 as VirtAddr, other.base, PAGE_64K, t0)).toThrow(/EEXIST|leaf/);
  });

  test('migrate moves the mapping to a fresh frame and hands back the old PTE', () => {
    const phys = new PhysPages({ baseAddr: 0, sizeBytes: GiB });
    const pt = new PageTables(phys);
    const a = phys.allocate(PAGE_64K, 'host');
    pt.map(L, P, 0x10000 as VirtAddr, a.base, PAGE_64K, t0);
    const old = pt.migrate(L, P, 0x10000 as VirtAddr, 'host', tick(5));
    expect(old.pa).toBe(a.base);
    expect(pt.lookup(L, P, 0x10000 as VirtAddr)?.pa).not.toBe(a.base);
  });

  test('a large machine stays sparse: state grows with mapped pages, not with memory', () => {
    const phys = new PhysPages({ baseAddr: 0, sizeBytes: 512 * GiB });
    const pt = new PageTables(phys);
    for (let i = 0; i < 1000; i++) {
      const p = phys.allocate(PAGE_64K, 'host');
      pt.map(L, P, (i * PAGE_64K) as VirtAddr, p.base as PhysAddr, PAGE_64K, t0);
    }
    expect(phys.trackedPages).toBe(1000);
    expect(pt.find(L, P)?.size).toBe(1000);
  });
});

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ModelRefusal } from '../../../src/core/errors.js';
import {
  PAGE_1G,
  PAGE_2M,
  PAGE_64K,
  type PageReservation,
  type PageSize,
  PageTables,
  PhysPages,
} from '../../../src/model/host/page-table.js';
import {
  GiB,
  type Lpid,
  MiB,
  type PhysAddr,
  type Pid,
  tick,
  type VirtAddr,
} from '../../../src/model/types.js';

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
    // Still mapped (a migration that dropped the mapping would read as "another frame" through ?.),
    // to a whole 64K frame of its own, at the same offset within it.
    const now = pt.lookup(L, P, 0x10010 as VirtAddr);
    expect(now).toBeDefined();
    expect(now!.pa).not.toBe(a.base + 0x10);
    expect(now!.pa % PAGE_64K).toBe(0x10);
  });

  test('a migration to a region with no free frame fails first and leaves the mapping', () => {
    const phys = new PhysPages({ baseAddr: 0, sizeBytes: GiB });
    const full = new PhysPages({ baseAddr: GiB, sizeBytes: 2 * PAGE_2M });
    full.allocate(PAGE_2M, 'host');
    full.allocate(PAGE_2M, 'host');
    const pt = new PageTables(phys);
    const a = phys.allocate(PAGE_2M, 'host');
    pt.map(L, P, 0x400000 as VirtAddr, a.base, PAGE_2M, t0);
    expect(() => pt.migrate(L, P, 0x400000 as VirtAddr, 'host', tick(5), full)).toThrow(/ENOMEM|free 2M/);
    expect(pt.lookup(L, P, 0x400000 as VirtAddr)?.pa).toBe(a.base);
    expect(pt.stats).toMatchObject({ unmaps: 0, migrations: 0 });
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

describe('page-table: reservations (the frames a migration secures before it unmaps)', () => {
  test('a reservation holds its frames against plain allocations, and take gives the frames they would have', () => {
    const phys = new PhysPages({ baseAddr: 0, sizeBytes: 4 * GiB });
    const twin = new PhysPages({ baseAddr: 0, sizeBytes: 4 * GiB });
    for (const p of [phys, twin]) p.allocate(PAGE_1G, 'host'); // 3 left
    const r = phys.reserve(PAGE_1G, 2)!;
    expect(r.pages).toBe(2);
    expect(phys.reservable(PAGE_1G)).toBe(1);
    expect(phys.allocate(PAGE_1G, 'vm1').base).toBe(twin.allocate(PAGE_1G, 'vm1').base);
    // The last two 1G frames are promised: none for anyone else, and no 64K page that would split one.
    expect(phys.reserve(PAGE_1G, 1)).toBeUndefined();
    expect(phys.tryAllocate(PAGE_1G, 'vm1')).toBeUndefined();
    expect(phys.tryAllocate(PAGE_64K, 'vm1')).toBeUndefined();
    expect(() => phys.allocate(PAGE_1G, 'vm1')).toThrow(/reservations open/);
    expect(phys.take(r, 'vm2').map((p) => p.base)).toEqual([
      twin.allocate(PAGE_1G, 'vm2').base,
      twin.allocate(PAGE_1G, 'vm2').base,
    ]);
    expect(() => phys.take(r, 'vm2')).toThrow(/taken twice/);
    expect(phys.reservable(PAGE_1G)).toBe(0);
  });

  test('a 1G frame is promised only at a 1G boundary, past the smaller pages before it', () => {
    const phys = new PhysPages({ baseAddr: 0, sizeBytes: 2 * GiB });
    phys.allocate(PAGE_64K, 'host'); // the first 1G frame is split
    expect(phys.reservable(PAGE_1G)).toBe(1);
    expect(phys.reserve(PAGE_1G, 2)).toBeUndefined();
    const r = phys.reserve(PAGE_1G, 1)!;
    expect(phys.tryAllocate(PAGE_64K, 'vm1')?.base).toBe(PAGE_64K); // below the promised frame
    expect(phys.take(r, 'vm1').map((p) => p.base)).toEqual([GiB]);
  });

  test('a freed frame counts for a reservation; a cancelled one is free again', () => {
    const phys = new PhysPages({ baseAddr: 0, sizeBytes: 2 * GiB });
    const a = phys.allocate(PAGE_1G, 'host');
    phys.allocate(PAGE_1G, 'host');
    expect(phys.reserve(PAGE_1G, 1)).toBeUndefined();
    phys.free(a.base);
    const r = phys.reserve(PAGE_1G, 1)!;
    expect(phys.tryAllocate(PAGE_1G, 'vm1')).toBeUndefined();
    phys.cancel(r);
    expect(phys.allocate(PAGE_1G, 'vm1').base).toBe(a.base);
  });

  test('whatever the order, every reservation is met, with the frames plain allocation gives', () => {
    const SIZES: PageSize[] = [PAGE_64K, PAGE_2M, PAGE_1G];
    const command = fc.oneof(
      fc.record({ op: fc.constant('reserve' as const), size: fc.constantFrom(...SIZES), n: fc.nat(3) }),
      fc.record({ op: fc.constant('alloc' as const), size: fc.constantFrom(...SIZES) }),
      fc.record({ op: fc.constant('take' as const), i: fc.nat() }),
      fc.record({ op: fc.constant('cancel' as const), i: fc.nat() }),
      fc.record({ op: fc.constant('free' as const), i: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(command, { maxLength: 80 }), (commands) => {
        // A small region (its end on no 2M boundary) with reservations, and its twin that only
        // ever allocates plainly.
        const phys = new PhysPages({ baseAddr: 0, sizeBytes: 3 * GiB + 3 * MiB });
        const twin = new PhysPages({ baseAddr: 0, sizeBytes: 3 * GiB + 3 * MiB });
        const open: PageReservation[] = [];
        const held: PhysAddr[] = [];
        for (const c of commands) {
          if (c.op === 'reserve') {
            const most = phys.reservable(c.size);
            const r = phys.reserve(c.size, c.n);
            if (c.n >= 1) expect(r !== undefined).toBe(c.n <= most);
            if (r !== undefined) open.push(r);
          } else if (c.op === 'alloc') {
            const p = phys.tryAllocate(c.size, 'x');
            if (p !== undefined) {
              expect(twin.allocate(c.size, 'x').base).toBe(p.base);
              held.push(p.base);
            }
          } else if (c.op === 'free') {
            if (held.length === 0) continue;
            const [pa] = held.splice(c.i % held.length, 1);
            phys.free(pa!);
            twin.free(pa!);
          } else {
            if (open.length === 0) continue;
            const [r] = open.splice(c.i % open.length, 1);
            if (c.op === 'cancel') {
              phys.cancel(r!);
              continue;
            }
            const n = r!.pages;
            const got = phys.take(r!, 'x').map((p) => p.base);
            expect(got).toEqual(Array.from({ length: n }, () => twin.allocate(r!.sizeBytes, 'x').base));
            held.push(...got);
          }
        }
        // And what is still promised is still there.
        for (const r of open) phys.take(r, 'x');
      }),
      { numRuns: 500 },
    );
  });
});

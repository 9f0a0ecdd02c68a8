import { describe, expect, test } from 'vitest';
import { ModelRefusal } from '../../../src/core/errors.js';
import { Oracle } from '../../../src/model/check/oracle.js';
import { SeededChooser } from '../../../src/model/choice/chooser.js';
import { AtsCache } from '../../../src/model/gpu/ats-cache.js';
import { PAGE_1G, PAGE_2M, PAGE_64K, PageTables, PhysPages } from '../../../src/model/host/page-table.js';
import type { AtsdBugs, ShootdownSpec } from '../../../src/model/host/shootdown.js';
import { atsdLegacyCalls, atsdSizeRule } from '../../../src/model/npu/atsd-size-rule.js';
import { AtsdUnit } from '../../../src/model/npu/atsd-unit.js';
import { MSR_GUEST, MSR_HOST, NestMmu } from '../../../src/model/npu/nest-mmu.js';
import {
  GiB,
  type Lpid,
  MiB,
  type PhysAddr,
  type Pid,
  type Tick,
  type VirtAddr,
} from '../../../src/model/types.js';
import { describeStuck, runShootdowns } from '../../support/shootdown-driver.js';

/**
 * `npuCount` NPUs, each with 2 GPUs on bricks 0 and 2, mapped and given contexts. `untrainedBrick`
 * names a brick of NPU 0 whose link never trained: mapped only (no context), and never answering
 * an ATSD; `validAtMapLpar` is the firmware before skiboot 4724d2c07.
 */
function machine(
  npuCount: number,
  registerCount: number,
  opts: { untrainedBrick?: number; validAtMapLpar?: boolean } = {},
) {
  const tables = new PageTables(new PhysPages({ baseAddr: 0, sizeBytes: GiB }));
  const units: AtsdUnit[] = [];
  const mmus: NestMmu[] = [];
  for (let n = 0; n < npuCount; n++) {
    const mmu = new NestMmu(tables, { npuIndex: n, validAtMapLpar: opts.validAtMapLpar });
    const untrained = (brick: number) => n === 0 && brick === opts.untrainedBrick;
    for (const brick of [0, 2]) {
      mmu.mapLpar(0x100 + brick, 0 as Lpid, 0, brick);
      if (!untrained(brick)) mmu.initContext(0x100 + brick, MSR_HOST);
    }
    mmus.push(mmu);
    units.push(
      new AtsdUnit({
        npuIndex: n,
        xts: mmu,
        bricks: [
          { gpu: n * 2, brick: 0, untrained: untrained(0) },
          { gpu: n * 2 + 1, brick: 2, untrained: untrained(2) },
        ],
        registerCount,
      }),
    );
  }
  return { units, mmus };
}

function specs(count: number, npus: number[]): ShootdownSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    lpid: 0 as Lpid,
    pid: (10 + i) as Pid,
    start: 0x10000 * (i + 1),
    sizeBytes: PAGE_64K,
    npus,
    localNpu: npus[i % npus.length]!,
  }));
}

function run(seed: number, bugs: AtsdBugs, registerCount = 1, count = 3, npus = [0, 1, 2]) {
  const { units } = machine(3, registerCount);
  return runShootdowns({
    units,
    shootdowns: specs(count, npus),
    bugs,
    chooser: new SeededChooser(seed),
    maxSteps: 5000,
  });
}

describe('atsd: size rules', () => {
  test('atsd size rule (v4.20+): 64K, 2M, 1G and whole-PID answers', () => {
    expect(atsdSizeRule(0x10000, PAGE_64K)).toEqual({ kind: 'range', start: 0x10000, sizeBytes: PAGE_64K });
    expect(atsdSizeRule(0x210000, 0x20000)).toEqual({ kind: 'range', start: 0x200000, sizeBytes: PAGE_2M });
    expect(atsdSizeRule(0x1f0000, 0x20000)).toEqual({ kind: 'range', start: 0, sizeBytes: PAGE_1G });
    expect(atsdSizeRule(GiB - 0x10000, 0x20000)).toEqual({ kind: 'pid' });
    expect(atsdSizeRule(0, null)).toEqual({ kind: 'pid' });
    // Size 0 picks a size like any other range (mmio_invalidate's end = start - 1): start 0 wraps.
    expect(atsdSizeRule(0x210000, 0)).toEqual({ kind: 'range', start: 0x200000, sizeBytes: PAGE_2M });
    expect(atsdSizeRule(0x200000, 0)).toEqual({ kind: 'range', start: 0, sizeBytes: PAGE_1G });
    expect(atsdSizeRule(0, 0)).toEqual({ kind: 'pid' });
    expect(() => atsdSizeRule(0, -1)).toThrow(ModelRefusal);
  });

  test('atsd legacy rule (v4.17-4.19): up to the 2M threshold one invalidate per 64K page without a flush, then one at the end with it; above it the whole PID', () => {
    const range = (start: number) => ({ kind: 'range', start, sizeBytes: PAGE_64K });
    expect(atsdLegacyCalls(0x10000, 3 * PAGE_64K)).toEqual([
      ...[0x10000, 0x20000, 0x30000].map((start) => ({ target: range(start), flush: false })),
      // "Do the flush only on the final addess == end": the page after the range.
      { target: range(0x40000), flush: true },
    ]);
    // An unaligned start steps from itself: 0x8000, then the end at 0x18000 (in page 0x10000).
    expect(atsdLegacyCalls(0x8000, PAGE_64K)).toEqual([
      { target: range(0), flush: false },
      { target: range(0x10000), flush: true },
    ]);
    expect(atsdLegacyCalls(0, PAGE_2M)).toHaveLength(33);
    expect(atsdLegacyCalls(0, 4 * MiB)).toEqual([{ target: { kind: 'pid' }, flush: true }]);
    expect(atsdLegacyCalls(0, null)).toEqual([{ target: { kind: 'pid' }, flush: true }]);
  });

  test('atsd legacy rule in a shootdown: each call takes and releases its registers, only the last flushes, and the oracle finds nothing', () => {
    const { units } = machine(2, 8);
    const spec = { ...specs(1, [0, 1])[0]!, sizeBytes: 2 * PAGE_64K, sizeRule: 'legacy' as const };
    const r = runShootdowns({ units, shootdowns: [spec], chooser: new SeededChooser(3), maxSteps: 5000 });
    expect(r.stuck).toBeNull();
    const launches = r.events.filter((e) => e.kind === 'atsd.launch');
    // Three calls (two pages and the end) on two NPUs, then two flush ATSDs on each after the last.
    expect(launches.filter((e) => !e.flushOnly).map((e) => e.noFlush)).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(launches.filter((e) => e.flushOnly)).toHaveLength(4);
    expect(r.events.filter((e) => e.kind === 'atsd.release')).toHaveLength(6);
    const oracle = new Oracle();
    for (const ev of r.events) oracle.observe(ev);
    expect(oracle.violations.map((v) => v.rule)).toEqual([]);
    // With one flush the last call's release is early.
    const one = runShootdowns({
      units: machine(2, 8).units,
      shootdowns: [spec],
      bugs: { singleFlush: true },
      chooser: new SeededChooser(3),
      maxSteps: 5000,
    });
    const checked = new Oracle();
    for (const ev of one.events) checked.observe(ev);
    expect(checked.violations.map((v) => v.rule)).toContain('order.atsd-released-early');
  });
});

describe('atsd: registers and shootdowns', () => {
  test('atsd: the correct protocol completes and never deadlocks, over 100 seeds', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const r = run(seed, {});
      expect(r.stuck === null ? 'ok' : `${seed}: ${describeStuck(r.stuck)}`).toBe('ok');
      expect(r.completed).toHaveLength(3);
      const oracle = new Oracle();
      for (const ev of r.events) oracle.observe(ev);
      expect(oracle.violations.map((v) => v.rule)).toEqual([]);
    }
  });

  test('atsd: a shootdown holds every register through both flushes', () => {
    const r = run(7, {}, 8, 2);
    for (const id of [1, 2]) {
      const mine = r.events.filter((e) => 'shootdown' in e && e.shootdown === id);
      const firstRelease = mine.findIndex((e) => e.kind === 'atsd.release');
      const flushesBefore = mine
        .slice(0, firstRelease)
        .filter((e) => e.kind === 'atsd.complete' && e.flushOnly).length;
      expect(flushesBefore).toBe(2 * 3);
      const acquires = mine.filter((e) => e.kind === 'atsd.acquire').map((e) => (e as { npu: number }).npu);
      expect(acquires).toEqual([0, 1, 2]);
    }
  });

  test('atsd bug releaseBetweenFlushes: the code before the fix, one flush per NPU made inside the wait, then a pass that waits and releases', () => {
    const r = run(7, { releaseBetweenFlushes: true }, 8, 1);
    const steps = r.events
      .filter((e) => 'shootdown' in e && e.shootdown === 1)
      .flatMap((e) => {
        const npu = (e as { npu?: number }).npu;
        if (e.kind === 'atsd.acquire') return [`acquire ${npu}`];
        if (e.kind === 'atsd.launch') return [`${e.flushOnly ? 'flush' : 'launch'} ${npu}`];
        if (e.kind === 'atsd.release') return [`release ${npu}`];
        if (e.kind === 'atsd.complete') return [`${e.flushOnly ? 'flushed' : 'invalidated'} ${npu}`];
        return [];
      });
    // Each register is launched as soon as it is taken (no acquire-all phase before the fix).
    expect(steps).toEqual([
      ...[0, 1, 2].flatMap((n) => [`acquire ${n}`, `launch ${n}`]),
      ...[0, 1, 2].flatMap((n) => [`invalidated ${n}`, `release ${n}`, `acquire ${n}`, `flush ${n}`]),
      ...[0, 1, 2].flatMap((n) => [`flushed ${n}`, `release ${n}`]),
    ]);
    expect(r.completed).toEqual([1]);
  });

  test('atsd bug releaseBetweenFlushes: deadlocks for a pinned seed, reported with holders and waiters', () => {
    const r = run(PINNED_DEADLOCK_SEED, { releaseBetweenFlushes: true });
    expect(r.stuck?.reason).toBe('deadlock');
    const held = r.stuck!.registers.filter((x) => x.holder !== null);
    expect(held.some((x) => x.waiters.length > 0)).toBe(true);
    expect(describeStuck(r.stuck!)).toMatch(/held by \d+, waited on by \[\d/);
  });

  test('atsd bug releaseBetweenFlushes: a search over seeds finds the deadlock, and the oracle flags the early release', () => {
    let first: number | null = null;
    for (let seed = 1; seed <= 200 && first === null; seed++) {
      if (run(seed, { releaseBetweenFlushes: true }).stuck?.reason === 'deadlock') first = seed;
    }
    expect(first).not.toBeNull();
    const oracle = new Oracle();
    for (const ev of run(first!, { releaseBetweenFlushes: true }).events) oracle.observe(ev);
    expect(oracle.violations.map((v) => v.rule)).toContain('order.atsd-released-early');
  });

  test('atsd bug descendingOrder: the oracle reports order.atsd-descending', () => {
    const r = run(3, { descendingOrder: true }, 8, 1);
    const oracle = new Oracle();
    for (const ev of r.events) oracle.observe(ev);
    expect(oracle.violations.map((v) => v.rule)).toContain('order.atsd-descending');
  });

  test('atsd: an ATSD goes only to VALID bricks; one sent to a brick whose link never trained never completes (skiboot 4724d2c07)', () => {
    const shootdown = (m: ReturnType<typeof machine>) =>
      runShootdowns({
        units: m.units,
        shootdowns: specs(1, [0]),
        chooser: new SeededChooser(1),
        maxSteps: 2000,
      });
    // Fixed firmware: the untrained brick has no context, so no VALID, and the ATSD passes it by.
    const fixed = machine(1, 8, { untrainedBrick: 2 });
    expect(fixed.mmus[0]!.isBrickValid(2)).toBe(false);
    const ok = shootdown(fixed);
    expect(ok.stuck).toBeNull();
    expect(ok.completed).toEqual([1]);
    expect(fixed.units[0]!.snapshot().some((x) => x.hung)).toBe(false);
    // Before 4724d2c07 map_lpar set VALID: the ATSD goes to the untrained brick and STAT stays busy.
    const bugged = machine(1, 8, { untrainedBrick: 2, validAtMapLpar: true });
    expect(bugged.mmus[0]!.isBrickValid(2)).toBe(true);
    const r = shootdown(bugged);
    expect(r.stuck?.reason).toBe('hang');
    expect(bugged.units[0]!.snapshot().some((x) => x.hung)).toBe(true);
    // Either firmware with every link trained: VALID everywhere, every GPU answers.
    for (const validAtMapLpar of [false, true]) {
      const trained = shootdown(machine(1, 8, { validAtMapLpar }));
      expect(trained.stuck).toBeNull();
      expect(trained.completed).toEqual([1]);
    }
  });

  test('atsd: a brick without VALID gets no delivery and owes no ack', () => {
    const m = machine(1, 8, { untrainedBrick: 0 });
    const unit = m.units[0]!;
    expect(unit.tryAcquire(1, 0 as Tick)).toBe(0);
    const params = { pid: 10 as Pid, target: { kind: 'pid' as const }, flush: true, flushOnly: false };
    const deliveries = unit.launch(0, 1, params, 0 as Tick);
    expect(deliveries.map((d) => d.gpu)).toEqual([1]);
    expect(unit.stat(0)).toBe(1);
    unit.ack(0, 1);
    expect(unit.stat(0)).toBe(0);
  });

  test('atsd bug localNpuOnly: only the local NPU is shot down', () => {
    const r = run(1, { localNpuOnly: true }, 8, 1);
    const npus = new Set(
      r.events.filter((e) => e.kind === 'atsd.launch').map((e) => (e as { npu: number }).npu),
    );
    expect([...npus]).toEqual([0]);
  });

  test('atsd guest: an ATSD through the guest register only touches its own LPID', () => {
    const tables = new PageTables(new PhysPages({ baseAddr: 0, sizeBytes: GiB }));
    const mmu = new NestMmu(tables, { npuIndex: 0 });
    mmu.mapLpar(0x102, 5 as Lpid, 0, 2);
    mmu.initContext(0x102, MSR_GUEST);
    const unit = new AtsdUnit({ npuIndex: 0, xts: mmu, bricks: [{ gpu: 0, brick: 2 }] });
    const cache = new AtsCache({ gpu: 0 });
    const fill = (lpid: number) =>
      cache.fill({
        lpid: lpid as Lpid,
        pid: 9 as Pid,
        va: 0x10000 as VirtAddr,
        pa: 0x50000 as PhysAddr,
        pageSizeBytes: PAGE_64K,
        epoch: 0,
        writable: true,
        madeAt: 0 as Tick,
      });
    fill(5);
    fill(7);
    // Guest LPID 5 may use register 2 (its link index), not 6 (host-only) nor one filtered to another LPID.
    expect(() => unit.tryAcquire(1, 0 as Tick, [6], 5 as Lpid)).toThrow(/host-only/);
    expect(() => unit.tryAcquire(1, 0 as Tick, [3], 5 as Lpid)).toThrow(/filtered to LPID 5/);
    expect(() => unit.tryAcquire(1, 0 as Tick, [2, 3], 5 as Lpid)).toThrow(
      /register 3 .* filtered to LPID 5/,
    );
    const reg = unit.tryAcquire(1, 0 as Tick, [2], 5 as Lpid);
    expect(reg).toBe(2);
    // The guest asks for PID 9 of all partitions: the filter makes it LPID 5 only.
    const deliveries = unit.launch(2, 1, {
      target: { kind: 'pid' },
      pid: 9 as Pid,
      flush: true,
      flushOnly: false,
    });
    expect(deliveries.map((d) => d.inv)).toEqual([{ kind: 'pid', lpid: 5, pid: 9 }]);
    for (const d of deliveries) {
      cache.apply(d.inv, d.flush);
      unit.ack(2, d.gpu);
    }
    expect(unit.stat(2)).toBe(0);
    expect(cache.entriesFor(5 as Lpid, 9 as Pid).l2).toHaveLength(0);
    expect(cache.entriesFor(7 as Lpid, 9 as Pid).l2).toHaveLength(1);
  });

  test('atsd guest: a guest spins over the registers of each of its links; the host leaves them to it and keeps 6 and 7', () => {
    const tables = new PageTables(new PhysPages({ baseAddr: 0, sizeBytes: GiB }));
    const mmu = new NestMmu(tables, { npuIndex: 0 });
    // The guest (LPID 5) has the GPU with bricks 0 and 1; the host keeps the GPU with bricks 2 and 3.
    for (const [bdf, brick, lpid] of [
      [0x100, 0, 5],
      [0x101, 1, 5],
      [0x108, 2, 0],
      [0x109, 3, 0],
    ] as const) {
      mmu.mapLpar(bdf, lpid as Lpid, 0, brick);
      mmu.initContext(bdf, lpid === 0 ? MSR_HOST : MSR_GUEST);
    }
    const unit = new AtsdUnit({
      npuIndex: 0,
      xts: mmu,
      bricks: [0, 1, 2, 3].map((brick) => ({ gpu: brick < 2 ? 0 : 1, brick })),
    });
    const guest = (owner: number) => unit.tryAcquire(owner, 0 as Tick, [0, 1], 5 as Lpid);
    expect(guest(1)).toBe(0);
    expect(guest(2)).toBe(1); // register 0 busy: test_bit moves on to the guest's other link
    expect(guest(3)).toBeNull(); // both of its registers busy: it spins, never on another's
    // The host takes every register whose filter is its own, in order: never the guest's 0 and 1.
    const host = [10, 11, 12, 13, 14, 15].map((owner) => unit.tryAcquire(owner, 0 as Tick));
    expect(host).toEqual([2, 3, 4, 5, 6, 7]);
    unit.release(0, 1, 1 as Tick);
    expect(unit.tryAcquire(16, 1 as Tick)).toBeNull(); // a freed guest register is not the host's
    expect(guest(3)).toBe(0);
  });

  test('atsd: register wait and hold times are recorded for contention statistics', () => {
    const { units } = machine(2, 1);
    const r = runShootdowns({
      units,
      shootdowns: specs(3, [0, 1]),
      chooser: new SeededChooser(11),
      maxSteps: 5000,
    });
    expect(r.completed).toHaveLength(3);
    expect(units[0]!.stats.holdTicks).toBeGreaterThan(0);
    expect(units.reduce((n, u) => n + u.stats.busySeen, 0)).toBeGreaterThan(0);
    expect(r.perShootdown.some((s) => s.registerWaitTicks > 0)).toBe(true);
  });
});

/** A seed for which releaseBetweenFlushes deadlocks (found by the search test above; pinned). */
const PINNED_DEADLOCK_SEED = 1;

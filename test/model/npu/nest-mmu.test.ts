import { describe, expect, test } from 'vitest';
import { PAGE_64K, PageTables, PhysPages } from '../../../src/model/host/page-table.js';
import {
  MSR_GUEST,
  MSR_HOST,
  NestMmu,
  OPAL_PARAMETER,
  OPAL_SUCCESS,
  OPAL_UNSUPPORTED,
} from '../../../src/model/npu/nest-mmu.js';
import { GiB, type Lpid, type Pid, tick, type VirtAddr } from '../../../src/model/types.js';

const BDF = 0x0001; // 00:00.1
const VA = 0x7f0000 as VirtAddr;

function setup() {
  const phys = new PhysPages({ baseAddr: 0, sizeBytes: GiB });
  const tables = new PageTables(phys);
  const mmu = new NestMmu(tables, { npuIndex: 0 });
  return { phys, tables, mmu };
}

describe('nest-mmu: XTS tables and translation (skiboot hw/npu2.c)', () => {
  test('xts: a host context translates once map_lpar and init_context are done', () => {
    const { phys, tables, mmu } = setup();
    const page = phys.allocate(PAGE_64K, 'host');
    tables.map(0 as Lpid, 7 as Pid, VA, page.base, PAGE_64K, tick(0));
    expect(mmu.mapLpar(BDF, 0 as Lpid, 0, 1).rc).toBe(OPAL_SUCCESS);
    expect(mmu.initContext(BDF, MSR_HOST).rc).toBe(OPAL_SUCCESS);
    const r = mmu.translate(
      { bdf: BDF, lpid: 0 as Lpid, pid: 7 as Pid, va: (VA + 8) as VirtAddr, msr: MSR_HOST },
      tick(0),
    );
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.pa).toBe(page.base + 8);
      expect(r.epoch).toBe(page.epoch);
      expect(r.latencyTicks).toBeGreaterThan(0);
    }
    expect(mmu.stats.walksBooked).toBe(1);
    expect(mmu.stats.translations).toBe(1);
    // The chip's order: a walker now, the table read when the walk is done (WALK_TIMER). A
    // translation counts then, not when it is booked (QA68: a rate above capacity).
    const req = { bdf: BDF, lpid: 0 as Lpid, pid: 7 as Pid, va: VA as VirtAddr, msr: MSR_HOST };
    const s = mmu.startWalk(req, tick(0));
    expect(s.ok).toBe(true);
    expect(mmu.stats.walksBooked).toBe(2);
    expect(mmu.stats.translations).toBe(1);
    expect(mmu.finishWalk(req, s.latencyTicks).ok).toBe(true);
    expect(mmu.stats.translations).toBe(2);
  });

  test('xts: the BDF is not VALID before init_context, so translation is refused', () => {
    const { mmu } = setup();
    mmu.mapLpar(BDF, 0 as Lpid, 0, 1);
    expect(mmu.bdfEntries().find((e) => e.used)?.valid).toBe(false);
    const r = mmu.translate({ bdf: BDF, lpid: 0 as Lpid, pid: 7 as Pid, va: VA, msr: MSR_HOST }, tick(0));
    expect(r.ok ? 'ok' : r.reason).toBe('bdf-not-valid');
    expect(mmu.stats.faults).toBe(1);
  });

  test('xts: PID 0, an LPID mismatch and an MSR mismatch are refused with their reason', () => {
    const { mmu } = setup();
    mmu.mapLpar(BDF, 3 as Lpid, 0, 2);
    mmu.initContext(BDF, MSR_GUEST);
    const ask = (lpid: number, pid: number, msr: number) => {
      const r = mmu.translate({ bdf: BDF, lpid: lpid as Lpid, pid: pid as Pid, va: VA, msr }, tick(0));
      return r.ok ? 'ok' : r.reason;
    };
    expect(ask(3, 0, MSR_GUEST)).toBe('pid-zero');
    expect(ask(4, 9, MSR_GUEST)).toBe('lpid-mismatch');
    expect(ask(3, 9, MSR_HOST)).toBe('msr-mismatch');
    expect(ask(3, 9, MSR_GUEST)).toBe('no-pte');
  });

  test('xts: init_context refuses stray MSR bits first, then an unmapped BDF, then an MSR unlike the wildcard', () => {
    const { mmu } = setup();
    // skiboot's order: the MSR is checked before the BDF is looked up.
    expect(mmu.initContext(BDF, 0x100).rc).toBe(OPAL_UNSUPPORTED);
    expect(mmu.initContext(BDF, MSR_HOST).rc).toBe(OPAL_PARAMETER);
    mmu.mapLpar(BDF, 0 as Lpid, 0, 1);
    expect(mmu.initContext(BDF, 0x100).rc).toBe(OPAL_UNSUPPORTED);
    expect(mmu.initContext(BDF, MSR_HOST).rc).toBe(OPAL_SUCCESS);
    expect(mmu.initContext(BDF, MSR_GUEST).rc).toBe(OPAL_PARAMETER);
    expect(mmu.mapLpar(BDF, 0 as Lpid, 1, 1).rc).toBe(OPAL_UNSUPPORTED);
  });

  test('xts: init_context succeeds with the LPARSHORT of the BDF entry, as skiboot returns it', () => {
    const { mmu } = setup();
    const other = BDF + 1;
    mmu.mapLpar(BDF, 0 as Lpid, 0, 1);
    mmu.mapLpar(other, 0 as Lpid, 0, 2);
    const shortOf = (bdf: number) => mmu.bdfEntries().find((e) => e.used && e.bdf === bdf)!.lparshort;
    expect(shortOf(other)).not.toBe(shortOf(BDF));
    expect(mmu.initContext(other, MSR_HOST).rc).toBe(shortOf(other));
    expect(mmu.initContext(BDF, MSR_HOST).rc).toBe(shortOf(BDF));
    // A second context of the same entry: the same LPARSHORT again.
    expect(mmu.initContext(other, MSR_HOST).rc).toBe(shortOf(other));
  });

  test('xts: destroy_context drops the wildcard refcount and clears the wildcard at zero', () => {
    const { mmu } = setup();
    mmu.mapLpar(BDF, 0 as Lpid, 0, 1);
    mmu.initContext(BDF, MSR_HOST);
    mmu.initContext(BDF, MSR_HOST);
    const short = mmu.bdfEntries().find((e) => e.used)!.lparshort;
    expect(mmu.contextRefs(short)).toBe(2);
    mmu.destroyContext(BDF);
    expect(mmu.contextRefs(short)).toBe(1);
    mmu.destroyContext(BDF);
    expect(mmu.contextRefs(short)).toBe(0);
    // The wildcard is gone, so a guest MSR is now accepted.
    expect(mmu.initContext(BDF, MSR_GUEST).rc).toBe(OPAL_SUCCESS);
  });

  test('xts: map_lpar writes the LPARID filter of the register with the brick link index', () => {
    const { mmu } = setup();
    mmu.mapLpar(BDF, 9 as Lpid, 0, 4);
    expect(mmu.atsdLparidOf(4)).toBe(9);
    expect(mmu.atsdLparidOf(6)).toBe(0);
    expect(mmu.isBrickValid(4)).toBe(false);
    mmu.initContext(BDF, MSR_GUEST);
    expect(mmu.isBrickValid(4)).toBe(true);
  });

  test('xts: the firmware before skiboot 4724d2c07 sets VALID at map_lpar, before any context', () => {
    const phys = new PhysPages({ baseAddr: 0, sizeBytes: GiB });
    const old = new NestMmu(new PageTables(phys), { npuIndex: 0, validAtMapLpar: true });
    old.mapLpar(BDF, 0 as Lpid, 0, 3);
    expect(old.isBrickValid(3)).toBe(true);
    // VALID without a context: the entry has no wildcard, so a translation is still refused.
    const r = old.translate({ bdf: BDF, lpid: 0 as Lpid, pid: 7 as Pid, va: VA, msr: MSR_HOST }, tick(0));
    expect(r.ok).toBe(false);
    const fixed = new NestMmu(new PageTables(phys), { npuIndex: 0 });
    fixed.mapLpar(BDF, 0 as Lpid, 0, 3);
    expect(fixed.isBrickValid(3)).toBe(false);
  });

  test('nmmu: walks queue behind busy walkers', () => {
    const phys = new PhysPages({ baseAddr: 0, sizeBytes: GiB });
    const mmu = new NestMmu(new PageTables(phys), { npuIndex: 0, walkers: 1 });
    mmu.mapLpar(BDF, 0 as Lpid, 0, 1);
    mmu.initContext(BDF, MSR_HOST);
    const a = mmu.translate({ bdf: BDF, lpid: 0 as Lpid, pid: 7 as Pid, va: VA, msr: MSR_HOST }, tick(0));
    const b = mmu.translate({ bdf: BDF, lpid: 0 as Lpid, pid: 7 as Pid, va: VA, msr: MSR_HOST }, tick(0));
    expect(b.latencyTicks).toBeGreaterThan(a.latencyTicks);
    expect(mmu.stats.walkQueueTicks).toBeGreaterThan(0);
  });

  /** A host-context nest MMU with `walkers` walkers of `walkTicks` each, and a walk asked at a tick. */
  function walkingMmu(walkers: number, walkTicks: number) {
    const phys = new PhysPages({ baseAddr: 0, sizeBytes: GiB });
    const tables = new PageTables(phys);
    tables.map(0 as Lpid, 7 as Pid, VA, phys.allocate(PAGE_64K, 'host').base, PAGE_64K, tick(0));
    const mmu = new NestMmu(tables, { npuIndex: 0, walkers, walkLatencyTicks: tick(walkTicks) });
    mmu.mapLpar(BDF, 0 as Lpid, 0, 1);
    mmu.initContext(BDF, MSR_HOST);
    const ask = (at: number) =>
      mmu.startWalk({ bdf: BDF, lpid: 0 as Lpid, pid: 7 as Pid, va: VA, msr: MSR_HOST }, tick(at));
    return { mmu, ask };
  }

  test('nmmu: walker busy time counts a walk straddling the end only up to it, and only walks done count', () => {
    const walkTicks = 400_000;
    const { mmu, ask } = walkingMmu(2, walkTicks);
    // Walker 0: [0, 400k) and [400k, 800k); walker 1: [100k, 500k). The run ends at 600k.
    ask(0);
    ask(100_000);
    ask(200_000);
    const done: number[] = [];
    mmu.settle(tick(600_000), (w) => done.push(w.latencyTicks));
    expect(done).toEqual([walkTicks, walkTicks]);
    expect(mmu.stats.walksBooked).toBe(3);
    // 400k + 400k done, and 200k of the third (400k..600k): 1.0M of 2 walkers x 600k.
    expect(mmu.busyTicksBy(tick(600_000))).toBe(1_000_000);
    // Booked walks past the end would read 1.2M: more than the walkers could do by 600k.
    expect(mmu.busyTicksBy(tick(600_000))).toBeLessThanOrEqual(mmu.walkers * 600_000);
  });

  test('nmmu: the walks still queued or walking at the end are handed on, each as long as it had lasted since its request', () => {
    const { mmu, ask } = walkingMmu(1, 400_000);
    // One walker: asked at 0, 100k, 200k and 700k; walks [0, 400k), [400k, 800k), [800k, 1.2M),
    // [1.2M, 1.6M). The run ends at 600k: the first done, the next two queued or walking since
    // their requests (500k and 400k), the last asked past the end (a chip that ran on past a stop).
    ask(0);
    ask(100_000);
    ask(200_000);
    ask(700_000);
    const done: number[] = [];
    mmu.settle(tick(600_000), (w) => done.push(w.latencyTicks));
    const open: number[] = [];
    mmu.unfinished(tick(600_000), (age) => open.push(age));
    expect(done).toEqual([400_000]);
    expect(open).toEqual([500_000, 400_000]);
    // Ended exactly at a walk's end: that walk is done, not in flight.
    const at800: number[] = [];
    mmu.settle(tick(800_000));
    mmu.unfinished(tick(800_000), (age) => at800.push(age));
    expect(at800).toEqual([600_000, 100_000]);
  });

  test('nmmu: a busy share asked for an end before walks already settled is over the time they fill, not a crash', () => {
    const { mmu, ask } = walkingMmu(1, 400_000);
    // One walker, back to back: [0, 400k) and [400k, 800k), both settled at 800k, as a chip that
    // ran on past a stop at 600k before it heard of it.
    ask(0);
    ask(0);
    mmu.settle(tick(800_000));
    mmu.settle(tick(600_000));
    // Over [0, 600k] the settled 800k of walking would exceed the walker; over [0, 800k] it is all of it.
    expect(mmu.walkerShare(tick(600_000))).toBe(1);
    expect(() => mmu.busyTicksBy(tick(600_000))).toThrow(
      /asked by tick 600000, after walks were settled to 800000/,
    );
    // Where the end is the later, the share is over it, as before.
    expect(mmu.walkerShare(tick(1_600_000))).toBe(0.5);
  });

  test('nmmu: at saturation the walks done never exceed the walkers x time / walk', () => {
    const phys = new PhysPages({ baseAddr: 0, sizeBytes: GiB });
    const tables = new PageTables(phys);
    tables.map(0 as Lpid, 7 as Pid, VA, phys.allocate(PAGE_64K, 'host').base, PAGE_64K, tick(0));
    const mmu = new NestMmu(tables, { npuIndex: 0 });
    mmu.mapLpar(BDF, 0 as Lpid, 0, 1);
    mmu.initContext(BDF, MSR_HOST);
    const end = 10 * mmu.walkLatencyTicks;
    // Ten requests at each walk time: far more than four walkers take.
    let done = 0;
    for (let t = 0; t < end; t += mmu.walkLatencyTicks) {
      for (let i = 0; i < 10; i++) {
        mmu.settle(tick(t), () => done++);
        mmu.startWalk({ bdf: BDF, lpid: 0 as Lpid, pid: 7 as Pid, va: VA, msr: MSR_HOST }, tick(t));
      }
    }
    mmu.settle(tick(end), () => done++);
    expect(mmu.stats.walksBooked).toBe(100);
    expect(done).toBe(mmu.walkers * 10);
    expect(mmu.busyTicksBy(tick(end))).toBe(mmu.walkers * end);
  });
});

describe('nest-mmu: boot through kexec (skiboot 7c977c734)', () => {
  /**
   * Petitboot's kernel gives the brick a host context and kexecs without destroy_context: skiboot's
   * ctx_ref and the XTS registers stay as they were (no reset). The host kernel then maps the BDF.
   */
  function kexecThenMap(staleXtsAfterKexec: boolean) {
    const phys = new PhysPages({ baseAddr: 0, sizeBytes: GiB });
    const tables = new PageTables(phys);
    const mmu = new NestMmu(tables, { npuIndex: 0, staleXtsAfterKexec });
    const page = phys.allocate(PAGE_64K, 'host');
    tables.map(0 as Lpid, 7 as Pid, VA, page.base, PAGE_64K, tick(0));
    mmu.mapLpar(BDF, 0 as Lpid, 0, 1);
    mmu.initContext(BDF, MSR_HOST);
    expect(mmu.isBrickValid(1)).toBe(true);
    const map = mmu.mapLpar(BDF, 0 as Lpid, 0, 1);
    const translate = () =>
      mmu.translate({ bdf: BDF, lpid: 0 as Lpid, pid: 7 as Pid, va: VA, msr: MSR_HOST }, tick(0));
    return { mmu, map, translate };
  }

  test('kexec: map_lpar rewrites the entry petitboot left, without VALID; only the fixed one resets ctx_ref', () => {
    for (const stale of [false, true]) {
      const { mmu, map } = kexecThenMap(stale);
      expect(map.rc).toBe(OPAL_SUCCESS);
      // The same entry (found by BDF), rewritten whole: VALID is init_context's (skiboot 4724d2c07).
      expect(mmu.bdfEntries().filter((e) => e.used)).toEqual([
        { used: true, valid: false, bdf: BDF, lparshort: 0, lparid: 0, brick: 1 },
      ]);
      expect(mmu.isBrickValid(1)).toBe(false);
      expect(mmu.contextRefs(0)).toBe(stale ? 1 : 0);
    }
  });

  test('kexec: the fixed map_lpar resets the stale refcount, so the host kernel’s init programs the entry', () => {
    const { mmu, translate } = kexecThenMap(false);
    expect(mmu.initContext(BDF, MSR_HOST).rc).toBe(OPAL_SUCCESS);
    expect(mmu.isBrickValid(1)).toBe(true);
    expect(mmu.contextRefs(0)).toBe(1);
    expect(mmu.stats.initSkippedProgramming).toBe(0);
    expect(translate().ok).toBe(true);
  });

  test('kexec: with the stale refcount init_context succeeds but programs nothing, and ATS is refused', () => {
    const { mmu, translate } = kexecThenMap(true);
    // The registers were not reset: the wildcard is petitboot's, and it matches the host's MSR.
    expect(mmu.initContext(BDF, MSR_HOST).rc).toBe(OPAL_SUCCESS);
    expect(mmu.contextRefs(0)).toBe(2);
    expect(mmu.stats.initSkippedProgramming).toBe(1);
    expect(mmu.isBrickValid(1)).toBe(false);
    const r = translate();
    expect(r.ok ? 'ok' : r.reason).toBe('bdf-not-valid');
    // Every init skips while a stale reference is held; the entry is programmed only once the
    // count reaches 0 (destroy_context of each reference), as skiboot's `if (!p->ctx_ref[id])`.
    expect(mmu.initContext(BDF, MSR_HOST).rc).toBe(OPAL_SUCCESS);
    expect(mmu.stats.initSkippedProgramming).toBe(2);
    for (let i = 0; i < 3; i++) expect(mmu.destroyContext(BDF).rc).toBe(OPAL_SUCCESS);
    expect(mmu.initContext(BDF, MSR_HOST).rc).toBe(OPAL_SUCCESS);
    expect(mmu.stats.initSkippedProgramming).toBe(2);
    expect(mmu.isBrickValid(1)).toBe(true);
    expect(translate().ok).toBe(true);
  });

  test('kexec: a guest’s init on petitboot’s stale host wildcard is refused (Unexpected MSR value); the fixed map_lpar lets it program', () => {
    for (const stale of [false, true]) {
      const { mmu } = kexecThenMap(stale);
      expect(mmu.mapLpar(BDF, 5 as Lpid, 0, 1).rc).toBe(OPAL_SUCCESS);
      const init = mmu.initContext(BDF, MSR_GUEST);
      expect(init.rc).toBe(stale ? OPAL_PARAMETER : OPAL_SUCCESS);
      expect(mmu.isBrickValid(1)).toBe(!stale);
      expect(mmu.contextRefs(0)).toBe(1);
      expect(mmu.stats.initSkippedProgramming).toBe(0);
    }
  });

  test('xts: a second init_context on a programmed entry only counts (the wildcard is not rewritten)', () => {
    const { mmu } = setup();
    mmu.mapLpar(BDF, 0 as Lpid, 0, 1);
    mmu.initContext(BDF, MSR_HOST);
    expect(mmu.initContext(BDF, MSR_HOST).rc).toBe(OPAL_SUCCESS);
    expect(mmu.initContext(BDF, MSR_GUEST).rc).toBe(OPAL_PARAMETER);
    expect(mmu.contextRefs(0)).toBe(2);
    expect(mmu.stats.initSkippedProgramming).toBe(0);
  });
});

/**
 * The rules a chip judges about its NPU's driver and firmware (check/rules/npu-rules.ts) and its
 * kernel's TCE writes (translation.lost-tce, check/rules/translation-rules.ts), fed with the events
 * a chip reports: each rule passes on the fixed sequence and reports the broken one.
 */
import { describe, expect, test } from 'vitest';
import { Oracle } from '../../../src/model/check/oracle.js';
import type { OracleEvent } from '../../../src/model/check/oracle-events.js';
import { AtsdUnit } from '../../../src/model/npu/atsd-unit.js';
import { MSR_HOST } from '../../../src/model/npu/nest-mmu.js';
import { NpuContextTable } from '../../../src/model/npu/npu-context.js';
import type { Lpid, Pid, Tick } from '../../../src/model/types.js';

const T = (n: number) => n as Tick;
const ref = (tick: number, op: 'alloc' | 'get' | 'put' | 'free', serial = 1): OracleEvent => ({
  kind: 'context.ref',
  tick: T(tick),
  npu: 0,
  op,
  serial,
  pid: 7,
});

function rules(events: OracleEvent[]): string[] {
  const o = new Oracle();
  for (const e of events) o.observe(e);
  return o.violations.map((v) => v.rule);
}

describe('npu rules: order.context-use-after-free', () => {
  test('context refs: get and put on a live context, then the last put and one free, is clean', () => {
    expect(rules([ref(0, 'alloc'), ref(1, 'get'), ref(2, 'put'), ref(3, 'put'), ref(4, 'free')])).toEqual([]);
  });

  test('context refs: a kref_get after the last put is reported, and so is the free while it is held', () => {
    const found = rules([ref(0, 'alloc'), ref(1, 'put'), ref(2, 'get'), ref(3, 'free')]);
    expect(found).toEqual(['order.context-use-after-free', 'order.context-use-after-free']);
  });

  test('context refs: a put or a second free after the free is reported', () => {
    expect(rules([ref(0, 'alloc'), ref(1, 'put'), ref(2, 'free'), ref(3, 'put')])).toEqual([
      'order.context-use-after-free',
    ]);
    expect(rules([ref(0, 'alloc'), ref(1, 'put'), ref(2, 'free'), ref(3, 'free')])).toEqual([
      'order.context-use-after-free',
    ]);
  });

  test('context refs: the pre-fix race, as the table logs it, is caught at the kref_get', () => {
    const t = new NpuContextTable({ contextRaceUnlocked: true, recordEvents: true });
    const mm = { id: 'vm1:7', contextId: 7 };
    const a = { npuIndex: 0, linkIndex: 0 };
    const b = { npuIndex: 0, linkIndex: 2 };
    const ctx = t.init(mm, a, MSR_HOST, 'vm1', 7);
    t.init(mm, b, MSR_HOST, 'vm1', 7);
    t.destroyNow(ctx, a); // A: 2 -> 1
    const init = t.beginInit(mm, a, MSR_HOST, 'vm1', 7);
    init.step(); // A inits again: it loads the pointer (B's context, alive)
    const d = t.destroy(ctx, b); // B: the last reference
    d.step(); // kref_put 1 -> 0, the pointer cleared
    init.step(); // A's plain kref_get: 0 -> 1
    d.step(); // kfree
    t.destroyNow(init.context!, a); // A's later destroy of the freed context
    expect(t.stats.useAfterFree).toBe(1);
    expect(t.stats.doubleFrees).toBe(1);
    const o = new Oracle();
    const events = t.drainEvents();
    expect(events.map((e) => e.op)).toEqual(['alloc', 'get', 'put', 'put', 'get', 'free', 'put', 'free']);
    const at = events.map((e, i) => o.observe({ ...ref(i, e.op, e.serial) }));
    // The first finding is the kref_get that brought the context back from 0 (event 4).
    expect(at.findIndex((n) => n > 0)).toBe(4);
    expect(o.violations[0]!.message).toMatch(/kref_get_unless_zero/);
  });

  test('context refs: each NPU counts its own contexts: the same serial on another NPU is another context', () => {
    const on = (tick: number, npu: number, op: 'alloc' | 'get' | 'put' | 'free'): OracleEvent => ({
      kind: 'context.ref',
      tick: T(tick),
      npu,
      op,
      serial: 1,
      pid: 7,
    });
    expect(
      rules([on(0, 0, 'alloc'), on(1, 1, 'alloc'), on(2, 0, 'put'), on(3, 0, 'free'), on(4, 1, 'get')]),
    ).toEqual([]);
  });
});

describe('npu rules: translation.ats-refused', () => {
  const xts = (tick: number, op: 'init' | 'destroy', rc = 0): OracleEvent => ({
    kind: 'xts.context',
    tick: T(tick),
    npu: 1,
    bdf: 9,
    op,
    rc,
  });
  const refused = (tick: number, reason: string): OracleEvent => ({
    kind: 'ats.refused',
    tick: T(tick),
    npu: 1,
    bdf: 9,
    gpu: 3,
    reason,
  });

  test('xts: a refusal for lack of a PTE, or on a brick without a context, is not judged', () => {
    expect(rules([xts(0, 'init'), refused(1, 'no-pte')])).toEqual([]);
    expect(rules([refused(1, 'bdf-not-valid')])).toEqual([]);
    expect(rules([xts(0, 'init', -1), refused(1, 'bdf-not-valid')])).toEqual([]);
    expect(rules([xts(0, 'init'), xts(1, 'destroy'), refused(2, 'msr-mismatch')])).toEqual([]);
  });

  test('xts: an XTS refusal on a brick whose init_context succeeded is reported', () => {
    expect(rules([xts(0, 'init'), refused(1, 'bdf-not-valid')])).toEqual(['translation.ats-refused']);
  });

  test('xts: init_context succeeds with its LPARSHORT (any rc of 0 or more), as skiboot returns it', () => {
    expect(rules([xts(0, 'init', 3), refused(1, 'bdf-not-valid')])).toEqual(['translation.ats-refused']);
    // Its destroy (rc 0) takes the context away again: the refusal is not judged.
    expect(rules([xts(0, 'init', 3), xts(1, 'destroy'), refused(2, 'bdf-not-valid')])).toEqual([]);
  });

  test('xts: every XTS reason is judged, on the brick that holds the context only', () => {
    const on = (tick: number, bdf: number, reason: string): OracleEvent => ({
      kind: 'ats.refused',
      tick: T(tick),
      npu: 1,
      bdf,
      gpu: 3,
      reason,
    });
    const init: OracleEvent = { kind: 'xts.context', tick: T(0), npu: 1, bdf: 9, op: 'init', rc: 0 };
    const reasons = ['bdf-not-mapped', 'bdf-not-valid', 'lpid-mismatch', 'msr-mismatch'];
    const o = new Oracle();
    o.observe(init);
    for (const [i, r] of reasons.entries()) o.observe(on(1 + i, 9, r));
    o.observe(on(9, 10, 'bdf-not-valid')); // another brick of the same NPU: no context there
    o.observe(on(10, 9, 'pid-zero'));
    expect(o.violations.map((v) => [v.rule, v.tick, v.addresses])).toEqual(
      reasons.map((_, i) => ['translation.ats-refused', 1 + i, [9]]),
    );
  });
});

describe('npu rules: order.npu-use-after-gpu-reset', () => {
  test('hmi: an HMI for NPU use after a GPU reset is reported with the reset steps in its history', () => {
    const o = new Oracle();
    o.observe({ kind: 'gpu.reset', tick: T(1), npu: 0, gpu: 2, step: 'sbr-assert' });
    o.observe({
      kind: 'npu.hmi',
      tick: T(2),
      npu: 0,
      gpu: 2,
      reason: 'npu-use-after-gpu-reset',
      detail: 'ATSD on dropped links',
    });
    expect(o.violations.map((v) => v.rule)).toEqual(['order.npu-use-after-gpu-reset']);
    expect(o.violations[0]!.history.join('\n')).toMatch(/gpu.reset .*sbr-assert/);
  });

  test("hmi: the reset steps stay in its history after more of the GPU's events than a key keeps", () => {
    const o = new Oracle();
    o.observe({ kind: 'gpu.reset', tick: T(1), npu: 0, gpu: 2, step: 'sbr-assert' });
    // Twenty MMIO accesses to the GPU, each kept under `gpu:2` (eight events a key): without a
    // key of their own the reset steps would be pushed out.
    for (let i = 0; i < 20; i++) {
      o.observe({
        kind: 'mmio.access',
        tick: T(2 + i),
        gpu: 2,
        lpid: 1,
        offset: 4 * i,
        allowed: true,
        firmwareUpdated: false,
      });
    }
    o.observe({
      kind: 'npu.hmi',
      tick: T(30),
      npu: 0,
      gpu: 2,
      reason: 'npu-use-after-gpu-reset',
      detail: 'x',
    });
    expect(o.violations.map((v) => v.rule)).toEqual(['order.npu-use-after-gpu-reset']);
    expect(o.violations[0]!.history.join('\n')).toMatch(/gpu.reset .*sbr-assert/);
  });

  test('hmi: an HMI for another reason (a CPU access during the reset) is not this rule', () => {
    const hmi = (reason: string): OracleEvent => ({
      kind: 'npu.hmi',
      tick: T(2),
      npu: 0,
      gpu: 2,
      reason,
      detail: 'x',
    });
    expect(rules([hmi('cpu-access-during-reset'), hmi('cpu-access-while-fenced')])).toEqual([]);
    expect(rules([hmi('npu-use-after-gpu-reset')])).toEqual(['order.npu-use-after-gpu-reset']);
  });
});

describe('translation rules: translation.lost-tce', () => {
  const write = (tick: number, index: number): OracleEvent => ({
    kind: 'tce.write',
    tick: T(tick),
    gpu: 1,
    index,
    pa: 0x70000 as never,
  });
  const fault = (tick: number, index: number): OracleEvent => ({
    kind: 'tce.fault',
    tick: T(tick),
    gpu: 1,
    index,
  });

  test('lost tce: a fault at a bus page never mapped, or cleared since, is not judged', () => {
    expect(rules([fault(1, 4)])).toEqual([]);
    expect(
      rules([
        write(0, 4),
        { kind: 'tce.clear', tick: T(1), gpu: 1, index: 4, pa: 0x70000 as never },
        fault(2, 4),
      ]),
    ).toEqual([]);
  });

  test('lost tce: a fault at a bus page the kernel mapped is reported', () => {
    expect(rules([write(0, 4), fault(1, 4)])).toEqual(['translation.lost-tce']);
  });
});

describe('npu rules: order.atsd-shared-register', () => {
  test('atsd unit (bitmapOnly, the pre-fix bitmap): a clear of a free bit is none; a clear of a held one and a LAUNCH while STAT != 0 are misuses, the LAUNCH with whose ATSD is in flight', () => {
    const xts = { atsdLparidOf: () => 0 as Lpid, isBrickValid: () => true };
    const unit = new AtsdUnit({
      npuIndex: 0,
      xts,
      bricks: [{ gpu: 0, brick: 0 }],
      registerCount: 2,
      bitmapOnly: true,
    });
    const flush = { target: { kind: 'pid' as const }, pid: 0 as Pid, flush: true, flushOnly: true };
    expect(unit.misuseOf(1, 7, 'release')).toBeNull(); // stale clear of a free bit: no change
    expect(unit.release(1, 7, T(0))).toBeNull();
    expect(unit.tryAcquire(2, T(1))).toBe(0);
    expect(unit.misuseOf(0, 2, 'launch')).toBeNull();
    expect(unit.launch(0, 2, flush, T(2))).toHaveLength(1);
    // Shootdown 1's stale clear frees shootdown 2's register; shootdown 3 takes it and launches.
    expect(unit.misuseOf(0, 1, 'release')).toEqual({ holder: 2, statBusy: false, launchedBy: null });
    expect(unit.release(0, 1, T(3))).toBe(2);
    expect(unit.tryAcquire(3, T(4))).toBe(0);
    // STAT != 0 is shootdown 2's ATSD, still in flight; shootdown 3 holds the register now.
    expect(unit.misuseOf(0, 3, 'launch')).toEqual({ holder: 3, statBusy: true, launchedBy: 2 });
    expect(unit.launch(0, 3, flush, T(5))).toEqual([]); // dropped (ASSUMPTION: atsd-unit.ts header)
    // The dropped LAUNCH is not the one in flight: shootdown 2's still is.
    expect(unit.misuseOf(0, 3, 'launch')).toEqual({ holder: 3, statBusy: true, launchedBy: 2 });
  });

  const shared = (
    tick: number,
    op: 'launch' | 'release',
    shootdown: number,
    holder: number | null,
    statBusy: boolean,
    launchedBy: number | null = null,
  ): OracleEvent => ({
    kind: 'atsd.shared',
    tick: T(tick),
    shootdown,
    npu: 0,
    reg: 0,
    op,
    holder,
    statBusy,
    launchedBy,
  });

  test('a clear of a register another shootdown holds names the holder', () => {
    const o = new Oracle();
    o.observe(shared(3, 'release', 1, 2, false));
    expect(o.violations.map((v) => v.message)).toEqual([
      'Expected shootdown 1 to clear only an ATSD register it holds, got a clear of npu0.reg0 held by shootdown 2',
    ]);
  });

  test('a LAUNCH while STAT != 0 names the shootdown whose ATSD is in flight, and the holder when another', () => {
    const o = new Oracle();
    o.observe(shared(5, 'launch', 3, 3, true, 2));
    o.observe(shared(6, 'launch', 4, 4, true, 4));
    o.observe(shared(7, 'launch', 5, null, true, 2));
    const messages = o.violations.map((v) => v.message);
    expect(o.violations.map((v) => [v.rule, v.tick])).toEqual([
      ['order.atsd-shared-register', 5],
      ['order.atsd-shared-register', 6],
      ['order.atsd-shared-register', 7],
    ]);
    expect(messages[0]).toMatch(
      /^Expected a LAUNCH on npu0\.reg0 only once its last ATSD completed, got one by shootdown 3 while STAT != 0: /,
    );
    expect(messages[0]).toContain('the ATSD shootdown 2 launched there is still in flight');
    expect(messages[0]).toContain('(the register now held by shootdown 3)');
    expect(messages[1]).toContain(
      'the ATSD shootdown 4 launched there is still in flight (shootdown 4 still holds the register)',
    );
    expect(messages[2]).toContain(
      'got one by shootdown 5 while STAT != 0: the ATSD shootdown 2 launched there is still in flight (the register now held by nobody)',
    );
  });
});

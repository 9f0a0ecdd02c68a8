/**
 * The coordinator's order rules (check/rules/order-rules.ts) at their boundaries: which shootdown
 * covers a freed page (its address space, its range, started after the unmap), when a free counts
 * as "after the invalidates", and what an ATSD register's acquire and release owe. Each case pins
 * one condition of a rule, fed with hand-built events as host/shootdown.ts emits them.
 */
import { describe, expect, test } from 'vitest';
import { Oracle } from '../../../src/model/check/oracle.js';
import type { OracleEvent } from '../../../src/model/check/oracle-events.js';
import { PAGE_64K } from '../../../src/model/host/page-table.js';
import type { Lpid, PhysAddr, Pid, Tick, VirtAddr } from '../../../src/model/types.js';

const L = 0 as Lpid;
const P = 9 as Pid;
const PA = 0x50000 as PhysAddr;
const VA = 0x10000 as VirtAddr;
const T = (n: number) => n as Tick;

interface Sd {
  /** Tick of shootdown.start (the page is unmapped at tick 3). */
  start?: number;
  lpid?: number;
  pid?: number;
  va?: number;
  sizeBytes?: number | null;
  /** Flush ATSDs completed on each NPU, by NPU (default 2 on each). */
  flushes?: readonly [number, number];
}

/** Page translated by GPU 0 (behind NPUs 0 and 1), unmapped at tick 3. */
const prelude = (): OracleEvent[] => [
  { kind: 'page.owner', tick: T(0), pa: PA, lpid: L },
  { kind: 'translation.made', tick: T(2), gpu: 0, lpid: L, pid: P, va: VA, pa: PA, sizeBytes: PAGE_64K },
  { kind: 'page.unmap', tick: T(3), lpid: L, pid: P, va: VA, pa: PA, sizeBytes: PAGE_64K },
];

/** One whole shootdown on NPUs 0 and 1 (acquire, invalidate, flushes, release, complete). */
function shootdown(sd: Sd = {}): OracleEvent[] {
  let t = sd.start ?? 4;
  const id = 1;
  const out: OracleEvent[] = [
    {
      kind: 'shootdown.start',
      tick: T(t++),
      shootdown: id,
      lpid: (sd.lpid ?? L) as Lpid,
      pid: (sd.pid ?? P) as Pid,
      start: sd.va ?? VA,
      sizeBytes: sd.sizeBytes === undefined ? PAGE_64K : sd.sizeBytes,
      npus: [0, 1],
    },
  ];
  for (const npu of [0, 1]) out.push({ kind: 'atsd.acquire', tick: T(t++), shootdown: id, npu, reg: 0 });
  for (const npu of [0, 1]) {
    out.push({
      kind: 'atsd.launch',
      tick: T(t++),
      shootdown: id,
      npu,
      reg: 0,
      flushOnly: false,
      noFlush: false,
    });
    out.push({ kind: 'atsd.complete', tick: T(t++), shootdown: id, npu, reg: 0, flushOnly: false });
  }
  const flushes = sd.flushes ?? [2, 2];
  for (const npu of [0, 1]) {
    for (let f = 0; f < flushes[npu]!; f++)
      out.push({ kind: 'atsd.complete', tick: T(t++), shootdown: id, npu, reg: 0, flushOnly: true });
  }
  for (const npu of [0, 1]) out.push({ kind: 'atsd.release', tick: T(t++), shootdown: id, npu, reg: 0 });
  out.push({ kind: 'shootdown.complete', tick: T(t++), shootdown: id });
  return out;
}

const free = (tick = 100): OracleEvent => ({
  kind: 'page.free',
  tick: T(tick),
  pa: PA,
  sizeBytes: PAGE_64K,
  epoch: 1,
});

function judge(events: readonly OracleEvent[]): Oracle {
  const o = new Oracle({ gpuNpus: new Map([[0, [0, 1]]]) });
  for (const e of events) o.observe(e);
  return o;
}
const rules = (events: readonly OracleEvent[]) => judge(events).violations.map((v) => v.rule);

describe('order.free-before-shootdown: which shootdown covers a page', () => {
  test('a shootdown started at the very tick of the unmap covers it; one started a tick before does not', () => {
    expect(rules([...prelude(), ...shootdown({ start: 3 }), free()])).toEqual([]);
    expect(rules([...prelude(), ...shootdown({ start: 2 }), free()])).toEqual([
      'order.free-before-shootdown',
    ]);
  });

  test('a shootdown of another process or another partition does not license the free', () => {
    expect(rules([...prelude(), ...shootdown({ pid: 10 }), free()])).toEqual(['order.free-before-shootdown']);
    expect(rules([...prelude(), ...shootdown({ lpid: 1 }), free()])).toEqual(['order.free-before-shootdown']);
    // A whole-PID shootdown (no range) of the same process covers it.
    expect(rules([...prelude(), ...shootdown({ sizeBytes: null, va: 0 }), free()])).toEqual([]);
  });

  test('a shootdown of the range just below or just above the page does not cover it', () => {
    const below = shootdown({ va: VA - PAGE_64K });
    const above = shootdown({ va: VA + PAGE_64K });
    expect(rules([...prelude(), ...below, free()])).toEqual(['order.free-before-shootdown']);
    expect(rules([...prelude(), ...above, free()])).toEqual(['order.free-before-shootdown']);
    // One byte of overlap is enough.
    expect(rules([...prelude(), ...shootdown({ va: VA + PAGE_64K - 1 }), free()])).toEqual([]);
  });

  test('its evidence names the freed physical page and the virtual address it was mapped at', () => {
    const v = judge([...prelude(), free()]).violations;
    expect(v.map((x) => [x.rule, x.tick, x.addresses])).toEqual([
      ['order.free-before-shootdown', 100, [PA, VA]],
    ]);
  });
});

describe('order.free-before-flushes: after the invalidates, before the flushes', () => {
  test('a free after one NPU of two invalidated is before the shootdown, not before the flushes', () => {
    const sd = shootdown();
    // start, acquire x2, launch+complete npu0: the free comes before npu1's invalidate.
    const at = 5;
    expect(sd[at - 1]).toMatchObject({ kind: 'atsd.complete', npu: 0, flushOnly: false });
    expect(rules([...prelude(), ...sd.slice(0, at), free(sd[at - 1]!.tick), ...sd.slice(at)])).toEqual([
      'order.free-before-shootdown',
    ]);
    // Once npu1 has invalidated too, the same free is before the flushes.
    expect(
      rules([...prelude(), ...sd.slice(0, at + 2), free(sd[at + 1]!.tick), ...sd.slice(at + 2)]),
    ).toEqual(['order.free-before-flushes']);
  });

  test('every NPU must see the required flushes: two on npu0 and one on npu1 leave the free early', () => {
    const r = rules([...prelude(), ...shootdown({ flushes: [2, 1] }), free()]);
    expect(r).toEqual(['order.atsd-released-early', 'order.free-before-flushes']);
    expect(rules([...prelude(), ...shootdown({ flushes: [1, 2] }), free()])).toEqual([
      'order.atsd-released-early',
      'order.free-before-flushes',
    ]);
  });
});

describe('order.atsd-descending and order.atsd-released-early: holding the registers', () => {
  const start: OracleEvent = {
    kind: 'shootdown.start',
    tick: T(0),
    shootdown: 4,
    lpid: L,
    pid: P,
    start: 0,
    sizeBytes: null,
    npus: [0, 1],
  };
  const acquire = (tick: number, npu: number, reg = 0): OracleEvent => ({
    kind: 'atsd.acquire',
    tick: T(tick),
    shootdown: 4,
    npu,
    reg,
  });
  const release = (tick: number, npu: number, reg = 0): OracleEvent => ({
    kind: 'atsd.release',
    tick: T(tick),
    shootdown: 4,
    npu,
    reg,
  });
  const launch = (tick: number, npu: number, flush: boolean, noFlush: boolean): OracleEvent => ({
    kind: 'atsd.launch',
    tick: T(tick),
    shootdown: 4,
    npu,
    reg: 0,
    flushOnly: flush,
    noFlush,
  });
  const complete = (tick: number, npu: number, flush: boolean): OracleEvent => ({
    kind: 'atsd.complete',
    tick: T(tick),
    shootdown: 4,
    npu,
    reg: 0,
    flushOnly: flush,
  });

  test('descending means strictly lower: a second register on the NPU it holds is not', () => {
    expect(rules([start, acquire(1, 0, 0), acquire(2, 0, 1)])).toEqual([]);
    const o = judge([start, acquire(1, 1), acquire(2, 0)]);
    expect(o.violations.map((v) => [v.rule, v.tick, v.actors])).toEqual([
      ['order.atsd-descending', 2, ['shootdown 4', 'npu0']],
    ]);
  });

  test('after its first release a shootdown may take a lower NPU again (per-page invalidates re-acquire)', () => {
    expect(rules([start, acquire(1, 0), acquire(2, 1), release(3, 0), acquire(4, 0)])).toEqual([]);
  });

  test('an invalidate with No-flush owes no flushes: its release at once is not early', () => {
    expect(
      rules([start, acquire(1, 0), launch(2, 0, false, true), complete(3, 0, false), release(4, 0)]),
    ).toEqual([]);
    // The same invalidate asking for the flush is released early.
    expect(
      rules([start, acquire(1, 0), launch(2, 0, false, false), complete(3, 0, false), release(4, 0)]),
    ).toEqual(['order.atsd-released-early']);
  });

  test('flushes on a register no invalidate asked for are owed nothing: a flush-only shootdown releases clean', () => {
    expect(
      rules([start, acquire(1, 0), launch(2, 0, true, false), complete(3, 0, true), release(4, 0)]),
    ).toEqual([]);
  });

  test('an early release is reported once a shootdown, at the first register released early', () => {
    const ev = [
      start,
      acquire(1, 0),
      acquire(2, 1),
      launch(3, 0, false, false),
      launch(4, 1, false, false),
      complete(5, 0, false),
      complete(6, 1, false),
      complete(7, 0, true),
      complete(8, 1, true),
      release(9, 0),
      release(10, 1),
    ];
    const o = judge(ev);
    expect(o.violations.map((v) => [v.rule, v.tick, v.actors])).toEqual([
      ['order.atsd-released-early', 9, ['shootdown 4', 'npu0.reg0']],
    ]);
    expect(o.violations[0]!.message).toBe('Expected npu0.reg0 held through 2 flushes, got a release after 1');
  });
});

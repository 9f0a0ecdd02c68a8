/**
 * Which liveness failures can never complete, whatever the deadline (src/repro/stuck-shootdown.ts):
 * what lets `npusim shrink` shorten a deadline. A wrong "yes" would let a shrink turn a merely slow
 * shootdown into a failure; each case here is one way that could happen.
 */
import { describe, expect, test } from 'vitest';
import {
  judgeShootdownDeadlines,
  overdueShootdown,
  statWaitOf,
} from '../../src/model/check/rules/liveness-rules.js';
import type { Violation } from '../../src/model/check/violation.js';
import { stuckAtLiveness } from '../../src/repro/stuck-shootdown.js';

/** The liveness violation the coordinator's watchdog reports for shootdown 1, with these in flight. */
function overdue(lines: string[], id = 1, now = 2_000_000): Violation {
  const inFlight = lines.map((describe) => {
    const sd = Number(/^shootdown (\d+)/.exec(describe)![1]);
    return { id: sd, lpid: 0, pid: 1, pages: 1, va: 0x7000_0000_0000, npus: [0], startedAt: 0, describe };
  });
  // Only shootdown `id` overdue; the history names every shootdown in flight, as the watchdog's does.
  const [v] = judgeShootdownDeadlines(
    inFlight.filter((s) => s.id === id),
    now,
    1_000_000,
    new Set(),
  );
  return { ...v!, history: lines };
}

const chip = (registers: { reg: number; owner: number | null; hung: boolean }[]) => ({ registers });

describe('stuckAtLiveness', () => {
  const waitsOnReg0 = 'shootdown 1: holds [npu0.reg0], waits for STAT on npu0.reg0';

  test('a shootdown waiting for the STAT of a hung register it holds: a hung register', () => {
    const result = {
      liveness: [overdue([waitsOnReg0])],
      actorStates: { chip0: chip([{ reg: 0, owner: 1, hung: true }]) },
    };
    expect(stuckAtLiveness(result)).toBe('hung register');
  });

  test('the register not hung (its acks merely late), or hung on another NPU, or held by another shootdown: nothing', () => {
    const notHung = { chip0: chip([{ reg: 0, owner: 1, hung: false }]) };
    expect(stuckAtLiveness({ liveness: [overdue([waitsOnReg0])], actorStates: notHung })).toBeUndefined();
    // The same register index hung on the other chip says nothing of npu0's.
    const otherChip = {
      chip0: chip([{ reg: 0, owner: 1, hung: false }]),
      chip1: chip([{ reg: 0, owner: 1, hung: true }]),
    };
    expect(stuckAtLiveness({ liveness: [overdue([waitsOnReg0])], actorStates: otherChip })).toBeUndefined();
    const otherOwner = { chip0: chip([{ reg: 0, owner: 2, hung: true }]) };
    expect(stuckAtLiveness({ liveness: [overdue([waitsOnReg0])], actorStates: otherOwner })).toBeUndefined();
  });

  test('a shootdown waiting to acquire (not for a STAT) is not stuck by a hung register elsewhere', () => {
    const lines = [
      'shootdown 1: holds [], waits to acquire on npu0',
      'shootdown 2: holds [npu0.reg0], waits for STAT on npu0.reg0',
    ];
    const result = {
      liveness: [overdue(lines, 1)],
      actorStates: { chip0: chip([{ reg: 0, owner: 2, hung: true }]) },
    };
    expect(stuckAtLiveness(result)).toBeUndefined();
  });

  test('a cycle of shootdowns waiting on each other: a deadlock', () => {
    const lines = [
      'shootdown 2: holds [npu1.reg0], waits to acquire on npu0',
      'shootdown 4: holds [npu0.reg0], waits to acquire on npu1',
    ];
    expect(stuckAtLiveness({ liveness: [overdue(lines, 2)], actorStates: {} })).toBe('deadlock');
  });

  test('the earliest liveness failure decides; none at all is nothing', () => {
    const hung = { chip0: chip([{ reg: 0, owner: 1, hung: true }]) };
    const early = { ...overdue(['shootdown 3: holds [npu0.reg1], waits for STAT on npu0.reg1'], 3), tick: 5 };
    const late = { ...overdue([waitsOnReg0]), tick: 9 };
    expect(stuckAtLiveness({ liveness: [late, early], actorStates: hung })).toBeUndefined();
    expect(stuckAtLiveness({ liveness: [late], actorStates: hung })).toBe('hung register');
    expect(stuckAtLiveness({ liveness: [], actorStates: hung })).toBeUndefined();
  });
});

test('overdueShootdown and statWaitOf read what judgeShootdownDeadlines and describe write', () => {
  const v = overdue(['shootdown 12: holds [npu1.reg3], waits for STAT on npu1.reg3'], 12);
  expect(overdueShootdown(v)).toBe(12);
  expect(overdueShootdown({ ...v, rule: 'order.atsd-released-early' })).toBeUndefined();
  expect(statWaitOf(v.history, 12)).toEqual({ npu: 1, reg: 3 });
  expect(statWaitOf(v.history, 1)).toBeUndefined();
  expect(statWaitOf(['shootdown 12: holds [], waits to acquire on npu1'], 12)).toBeUndefined();
});

/**
 * The liveness rule (check/rules/liveness-rules.ts `judgeShootdownDeadlines`) as the coordinator's
 * watchdog calls it: a shootdown is late only past its deadline, is reported once, at the tick the
 * watchdog looked, naming what it covers.
 */
import { describe, expect, test } from 'vitest';
import {
  findDeadlockCycle,
  isOverdue,
  judgeShootdownDeadlines,
  type ShootdownInFlight,
} from '../../../src/model/check/rules/liveness-rules.js';

const sd = (id: number, startedAt: number): ShootdownInFlight => ({
  id,
  lpid: 1,
  pid: 9,
  pages: 2,
  va: 0x10000,
  npus: [0, 1],
  startedAt,
  describe: `shootdown ${id}: holds [npu0.reg0], waits to acquire on npu1`,
});

describe('liveness rules: liveness.shootdown', () => {
  test('a shootdown exactly at its deadline is on time; one tick past it is reported, at the tick judged', () => {
    const reported = new Set<number>();
    expect(judgeShootdownDeadlines([sd(3, 100)], 1100, 1000, reported)).toEqual([]);
    const v = judgeShootdownDeadlines([sd(3, 100)], 1101, 1000, reported);
    expect(v.map((x) => [x.rule, x.tick, x.actors, x.addresses])).toEqual([
      ['liveness.shootdown', 1101, ['coordinator', 'npu0', 'npu1'], [0x10000]],
    ]);
    expect(v[0]!.message).toMatch(/^Expected shootdown 3 \(lpid 1 pid 9, 2 pages at 0x10000\)/);
    // Found at the watchdog's look (1101), it says when the deadline passed (100 + 1000 ticks).
    expect(v[0]!.message).toContain(
      'to complete within 1 ns of its request (by 1.1 ns), got none after 1.001 ns;',
    );
  });

  test("the coordinator's pre-check (isOverdue) and the judgement agree, tick for tick: the rule is written once", () => {
    for (const now of [1099, 1100, 1101, 1102])
      for (const done of [false, true]) {
        const reported = new Set<number>(done ? [3] : []);
        const pre = isOverdue(sd(3, 100), now, 1000, reported);
        expect(pre, `${now} ${done}`).toBe(
          judgeShootdownDeadlines([sd(3, 100)], now, 1000, reported).length > 0,
        );
      }
    expect(isOverdue(sd(3, 100), 1101, 1000, new Set())).toBe(true);
    expect(isOverdue(sd(3, 100), 1100, 1000, new Set())).toBe(false);
  });

  test('a late shootdown is reported once: later looks at it find nothing new, another late one is reported', () => {
    const reported = new Set<number>();
    expect(judgeShootdownDeadlines([sd(3, 0)], 2000, 1000, reported)).toHaveLength(1);
    expect(judgeShootdownDeadlines([sd(3, 0)], 3000, 1000, reported)).toEqual([]);
    const both = judgeShootdownDeadlines([sd(3, 0), sd(4, 500)], 4000, 1000, reported);
    expect(both.map((x) => x.message.slice(0, 20))).toEqual(['Expected shootdown 4']);
    expect([...reported]).toEqual([3, 4]);
  });
});

describe('liveness rules: the deadlock cycle a liveness failure names', () => {
  test('two shootdowns each holding the register the other waits for: the Feb 2018 deadlock', () => {
    expect(
      findDeadlockCycle([
        'shootdown 2: holds [npu1.reg0], waits to acquire on npu0',
        'shootdown 4: holds [npu0.reg0], waits to acquire on npu1',
      ]),
    ).toBe(
      'shootdown 2 holds npu1.reg0, waits for npu0 -> shootdown 4 holds npu0.reg0, waits for npu1 -> shootdown 2',
    );
  });

  test('a cycle through one holder is no deadlock while another holder of that NPU can still finish (QA Q51)', () => {
    // Shootdown 5 holds npu0.reg1 and waits for a STAT that will clear: when it releases, 2 takes
    // npu0.reg1, finishes, and frees npu1.reg0 for 4.
    const lines = [
      'shootdown 2: holds [npu1.reg0], waits to acquire on npu0',
      'shootdown 4: holds [npu0.reg0], waits to acquire on npu1',
      'shootdown 5: holds [npu0.reg1], waits for STAT on npu0.reg1',
    ];
    expect(findDeadlockCycle(lines)).toBeUndefined();
    // The same with 5 itself waiting on the knot: every holder of each NPU waited on is stuck.
    const knot = [...lines.slice(0, 2), 'shootdown 5: holds [npu0.reg1], waits to acquire on npu1'];
    expect(findDeadlockCycle(knot)).toBe(
      'shootdown 2 holds npu1.reg0, waits for npu0 -> shootdown 4 holds npu0.reg0, waits for npu1 -> shootdown 2',
    );
  });

  test('a holder waiting on an NPU where no shootdown in flight holds a register may still finish: no deadlock', () => {
    // 5's acquire on npu2 is answered (a register there is free, its answer in flight): 5 goes on,
    // releases npu0.reg1, 2 takes it and finishes, freeing npu1.reg0 for 4. A waiter with no
    // holder in flight waits on nothing the rule can see, so it is not counted deadlocked.
    expect(
      findDeadlockCycle([
        'shootdown 2: holds [npu1.reg0], waits to acquire on npu0',
        'shootdown 4: holds [npu0.reg0], waits to acquire on npu1',
        'shootdown 5: holds [npu0.reg1], waits to acquire on npu2',
      ]),
    ).toBeUndefined();
  });

  test('no waiter, or a waiter on registers no shootdown in flight holds: no cycle', () => {
    expect(
      findDeadlockCycle(['shootdown 1: holds [npu0.reg0], waits for STAT on npu0.reg0']),
    ).toBeUndefined();
    expect(findDeadlockCycle(['shootdown 1: holds [], waits to acquire on npu0'])).toBeUndefined();
  });
});

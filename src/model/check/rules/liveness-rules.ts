/**
 * Liveness (docs/theory-of-operation.md#5-checking-the-oracle-as-distributed-checks): a shootdown
 * that never completes, found by the coordinator's watchdog (it knows every shootdown in flight and
 * which registers each holds, so a deadlock reads as a cycle in the report: "shootdown 2: holds
 * [npu1.reg0], waits to acquire on npu0; ..."). An engine that stops moving altogether is the
 * runtime's watchdog's to report (EngineStallError).
 */
import { countText } from '../../../core/count-text.js';
import { formatTime } from '../../../core/time-text.js';
import { hex } from '../../types.js';
import type { Violation } from '../violation.js';

export interface ShootdownInFlight {
  id: number;
  lpid: number;
  pid: number;
  pages: number;
  va: number;
  npus: readonly number[];
  startedAt: number;
  /** One line: what it holds and what it waits for. */
  describe: string;
}

/**
 * The rule itself: a shootdown started at `startedAt` and not reported yet is overdue at `now` once
 * more than `deadlineTicks` have passed. Also the coordinator's cheap pre-check (page-lifecycle.ts
 * anyOverdue), which must never disagree with the judgement below (QA: it restated the rule).
 */
export function isOverdue(
  s: { id: number; startedAt: number },
  now: number,
  deadlineTicks: number,
  reported: ReadonlySet<number>,
): boolean {
  return !reported.has(s.id) && now - s.startedAt > deadlineTicks;
}

/**
 * The shootdowns older than `deadlineTicks` at `now` that were not reported yet (`reported` holds
 * their ids and is updated), each with the state of every shootdown in flight. A finding's tick is
 * the check that found it, up to a quarter deadline past the deadline (watchdog.ts), so its message
 * says when the deadline passed (QA: `at 625 us` read as the time of a 500 us deadline's miss).
 */
export function judgeShootdownDeadlines(
  inFlight: readonly ShootdownInFlight[],
  now: number,
  deadlineTicks: number,
  reported: Set<number>,
): Violation[] {
  const out: Violation[] = [];
  const cycle = findDeadlockCycle(inFlight.map((o) => o.describe));
  for (const s of inFlight) {
    if (!isOverdue(s, now, deadlineTicks, reported)) continue;
    reported.add(s.id);
    out.push({
      rule: 'liveness.shootdown',
      message: `Expected shootdown ${s.id} (lpid ${s.lpid} pid ${s.pid}, ${countText(s.pages, 'page')} at ${hex(s.va)}) to complete within ${formatTime(deadlineTicks)} of its request (by ${formatTime(s.startedAt + deadlineTicks)}), got none after ${formatTime(now - s.startedAt)}; ${inFlight.map((o) => o.describe).join('; ')}${cycle === undefined ? '' : `; deadlock cycle: ${cycle}`}`,
      tick: now,
      actors: ['coordinator', ...s.npus.map((n) => `npu${n}`)],
      addresses: [s.va],
      history: inFlight.map((o) => o.describe),
    });
  }
  return out;
}

/**
 * The shootdown a liveness violation of judgeShootdownDeadlines reports overdue (its message opens
 * "Expected shootdown N "), or undefined for any other violation.
 */
export function overdueShootdown(v: Violation): number | undefined {
  if (v.rule !== 'liveness.shootdown') return undefined;
  const m = /^Expected shootdown (\d+) /.exec(v.message);
  return m === null ? undefined : Number(m[1]);
}

/**
 * The register whose STAT shootdown `id` waits for, from the lines that describe the shootdowns in
 * flight ("shootdown 1: holds [npu0.reg0], waits for STAT on npu0.reg0"); undefined when it waits
 * for something else (to acquire, for the nest MMU) or is not among them.
 */
export function statWaitOf(lines: readonly string[], id: number): { npu: number; reg: number } | undefined {
  for (const line of lines) {
    const m = /^shootdown (\d+): holds \[[^\]]*\], waits for STAT on npu(\d+)\.reg(\d+)$/.exec(line);
    if (m !== null && Number(m[1]) === id) return { npu: Number(m[2]), reg: Number(m[3]) };
  }
  return undefined;
}

/**
 * The deadlock among shootdowns in flight, from the lines that describe them (shootdown-runner.ts
 * `describe`: "shootdown 2: holds [npu1.reg0], waits to acquire on npu0"): a shootdown waiting to
 * acquire on an NPU waits for the shootdowns holding a register there, and goes on once ANY of them
 * releases one (it takes the first free register), so it is deadlocked only when every one of them
 * is deadlocked too: the deadlocked shootdowns are the largest set of shootdowns waiting on holders
 * in flight each of whose holders is in the set (a knot, not merely a cycle: with several registers
 * per NPU a cycle through one holder is no deadlock while another holder there can still finish;
 * QA Q51; nor while a holder waits on an NPU where none in flight holds a register). A cycle
 * among them is the deadlock printed (the Feb 2018 mmio_invalidate one reads "shootdown 2 holds
 * npu1.reg0, waits for npu0 -> shootdown 4 holds npu0.reg0, waits for npu1 -> shootdown 2").
 * Undefined when there is none (a hang: a register whose STAT never clears; or a wait on
 * registers no shootdown in flight holds). A register held by none in flight may still be free to
 * another waiter's filter only; the rule does not count on such a register, so it may miss a
 * deadlock, never claim one that is not.
 */
export function findDeadlockCycle(lines: readonly string[]): string | undefined {
  const nodes = new Map<number, { holds: string[]; waitsOn: number | undefined }>();
  for (const line of lines) {
    const m = /^shootdown (\d+): holds \[([^\]]*)\], (.*)$/.exec(line);
    if (m === null) continue;
    const wait = /^waits to acquire on npu(\d+)$/.exec(m[3]!);
    nodes.set(Number(m[1]), {
      holds: m[2] === '' ? [] : m[2]!.split(', '),
      waitsOn: wait === null ? undefined : Number(wait[1]),
    });
  }
  const waitsFor = (id: number): number[] => {
    const npu = nodes.get(id)?.waitsOn;
    if (npu === undefined) return [];
    return [...nodes]
      .filter(([other, n]) => other !== id && n.holds.some((r) => r.startsWith(`npu${npu}.`)))
      .map(([other]) => other);
  };
  const ids = [...nodes.keys()].sort((a, b) => a - b);
  // The deadlocked: from every shootdown waiting on holders in flight, drop each that waits on a
  // holder not (or no longer) among them, until none is dropped. One waiting on an NPU where none
  // in flight holds a register waits on nothing seen here (its answer may be on its way), so it is
  // never among them, nor is any shootdown that waits on it.
  const stuck = new Set(ids.filter((id) => waitsFor(id).length > 0));
  for (let dropped = true; dropped; ) {
    dropped = false;
    for (const id of [...stuck]) {
      if (waitsFor(id).some((other) => !stuck.has(other))) {
        stuck.delete(id);
        dropped = true;
      }
    }
  }
  // Depth-first from each deadlocked shootdown in id order, among the deadlocked; bounded by the
  // shootdowns in flight.
  for (const start of ids) {
    if (!stuck.has(start)) continue;
    const path: number[] = [];
    const onPath = new Set<number>();
    const visit = (id: number): number[] | undefined => {
      if (onPath.has(id)) return path.slice(path.indexOf(id));
      path.push(id);
      onPath.add(id);
      for (const next of waitsFor(id)) {
        const found = visit(next);
        if (found !== undefined) return found;
      }
      path.pop();
      onPath.delete(id);
      return undefined;
    };
    const cycle = visit(start);
    if (cycle !== undefined) {
      const step = (id: number) => {
        const n = nodes.get(id)!;
        return `shootdown ${id} holds ${n.holds.join(' and ')}, waits for npu${n.waitsOn}`;
      };
      return `${cycle.map(step).join(' -> ')} -> shootdown ${cycle[0]}`;
    }
  }
  return undefined;
}

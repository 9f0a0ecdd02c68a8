/**
 * Liveness (design.md "Checking"): a shootdown that never completes, found by the coordinator's
 * watchdog (it knows every shootdown in flight and which registers each holds, so a deadlock reads
 * as a cycle in the report: "shootdown 2: holds [npu1.reg0], waits to acquire on npu0; ...").
 * An engine that stops moving altogether is the runtime's watchdog's to report (EngineStallError).
 */
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
 * The shootdowns older than `deadlineTicks` at `now` that were not reported yet (`reported` holds
 * their ids and is updated), each with the state of every shootdown in flight.
 */
export function judgeShootdownDeadlines(
  inFlight: readonly ShootdownInFlight[],
  now: number,
  deadlineTicks: number,
  reported: Set<number>,
): Violation[] {
  const out: Violation[] = [];
  for (const s of inFlight) {
    if (reported.has(s.id) || now - s.startedAt <= deadlineTicks) continue;
    reported.add(s.id);
    out.push({
      rule: 'liveness.shootdown',
      message: `Expected shootdown ${s.id} (lpid ${s.lpid} pid ${s.pid}, ${s.pages} page(s) at ${hex(s.va)}) to complete within ${deadlineTicks} ticks, got none after ${now - s.startedAt} ticks; ${inFlight.map((o) => o.describe).join('; ')}`,
      tick: now,
      actors: ['coordinator', ...s.npus.map((n) => `npu${n}`)],
      addresses: [s.va],
      history: inFlight.map((o) => o.describe),
    });
  }
  return out;
}

/**
 * Why a liveness failure's shootdown can never complete, whatever the deadline: what lets
 * `npusim shrink` shorten a deadline safely (scenario-passes.ts, "a shorter shootdown deadline").
 * For a shootdown that is merely slow a shorter deadline would make a failure of one that was none,
 * so the shrink offers it only when the original's liveness failure is one of these, and keeps a
 * candidate only when its own is the same kind:
 *   - a deadlock: the shootdowns in flight wait on each other's registers in a cycle (liveness-rules
 *     `findDeadlockCycle`, from the lines the failure records);
 *   - a hung register: the overdue shootdown waits for the STAT of a register that will never clear,
 *     as its chip reported at the end of the run (`hung`: its ATSD went over a link that never
 *     trained, and no answer ever comes: model/npu/atsd-unit.ts; nothing clears it). atsd-hang's
 *     failure (`atsd-no-valid-bdf`) is this one; before it was recognised its shrink kept the
 *     workload's whole 100 us deadline (30 events over 125 us; a `--stop-on-first` file of it, 1132
 *     events over 101 us).
 */
import { findDeadlockCycle, overdueShootdown, statWaitOf } from '../model/check/rules/liveness-rules.js';
import type { Violation } from '../model/check/violation.js';
import { chipActorName } from '../model/platform/actor-names.js';
import type { RunResult } from '../report/run-result.js';

export type Stuck = 'deadlock' | 'hung register';

/** A chip's ATSD register as its actor state reports it (model/actors/chip/atsd-port.ts `state`). */
interface RegisterState {
  reg: number;
  owner: number | null;
  hung: boolean;
}

/**
 * The kind of never-completing shootdown the run's earliest liveness failure shows (the one
 * firstFinding would name among them), or undefined when it shows none: a shootdown that might
 * still complete, or no liveness failure.
 */
export function stuckAtLiveness(result: Pick<RunResult, 'liveness' | 'actorStates'>): Stuck | undefined {
  let earliest: Violation | undefined;
  for (const v of result.liveness) if (earliest === undefined || v.tick < earliest.tick) earliest = v;
  if (earliest === undefined) return undefined;
  if (findDeadlockCycle(earliest.history) !== undefined) return 'deadlock';
  const id = overdueShootdown(earliest);
  const wait = id === undefined ? undefined : statWaitOf(earliest.history, id);
  if (wait === undefined) return undefined;
  const registers = result.actorStates?.[chipActorName(wait.npu)]?.registers as RegisterState[] | undefined;
  const register = registers?.find((r) => r.reg === wait.reg);
  return register?.hung === true && register.owner === id ? 'hung register' : undefined;
}

/**
 * A failing run's first finding and exit class, from its result (or from the crash that ended it):
 * the earliest violation or liveness failure by tick; at equal ticks a liveness failure goes first
 * (a hung machine explains the rest), then violations in the order the actors reported them.
 */
import type { Violation } from '../model/check/violation.js';
import type { RunResult } from '../report/run-result.js';
import type { CrashInfo } from '../runtime/run-errors.js';
import type { ExitClass, FirstFinding } from './failure-file.js';

export function firstFinding(result: Pick<RunResult, 'violations' | 'liveness'>): FirstFinding | undefined {
  const all: Violation[] = [...result.liveness, ...result.violations];
  let best: Violation | undefined;
  for (const v of all) if (best === undefined || v.tick < best.tick) best = v;
  if (best === undefined) return undefined;
  return {
    rule: best.rule,
    tick: best.tick,
    actors: [...best.actors],
    addresses: [...best.addresses],
    message: best.message,
  };
}

export function exitClassOf(result: Pick<RunResult, 'liveness' | 'violations'>): ExitClass | undefined {
  if (result.liveness.length > 0) return 'liveness';
  if (result.violations.length > 0) return 'violation';
  return undefined;
}

export function crashFinding(crash: CrashInfo): FirstFinding {
  return {
    rule: 'crash',
    tick: Math.max(0, crash.tick),
    actors: [crash.actor],
    addresses: [],
    message: crash.message,
  };
}

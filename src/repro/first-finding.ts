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

/**
 * The recorded first finding against a re-run's; `soFar`: both are what a stopped run had found.
 * Replay's verdict and shrink's check that the original reproduces ask this one function, so a
 * file whose finding was edited is refused by both (QA: shrink shrank a file whose recorded
 * actors were edited, where replay said it did not reproduce).
 */
export function findingMismatches(
  want: FirstFinding | null,
  found: FirstFinding | undefined,
  soFar: boolean,
): string[] {
  const clean = soFar ? 'a run clean up to its stop' : 'a clean run';
  if (want === null)
    return found === undefined ? [] : [`expected ${clean}, got ${found.rule} at tick ${found.tick}`];
  if (found === undefined) return [`expected ${want.rule} at tick ${want.tick}, got ${clean}`];
  const mismatches: string[] = [];
  if (found.rule !== want.rule) mismatches.push(`expected rule ${want.rule}, got ${found.rule}`);
  if (found.tick !== want.tick)
    mismatches.push(`expected the finding at tick ${want.tick}, got tick ${found.tick}`);
  return [...mismatches, ...partyMismatches(want, found)];
}

/**
 * Who and where, beyond the rule and tick: a crash's actor, or a finding's actors and addresses,
 * which are the run's as much as its rule and tick (the digest hashes them): a file whose recorded
 * ones were edited was said to reproduce (QA).
 */
export function partyMismatches(want: FirstFinding, found: FirstFinding): string[] {
  if (want.rule === 'crash')
    return found.actors[0] === want.actors[0]
      ? []
      : [`expected actor ${want.actors[0]} to crash, got ${found.actors[0]}`];
  const list = (xs: readonly (string | number)[], hex = false) =>
    xs.length === 0
      ? 'none'
      : xs.map((x) => (hex && typeof x === 'number' ? `0x${x.toString(16)}` : String(x))).join(', ');
  const mismatches: string[] = [];
  if (list(found.actors) !== list(want.actors))
    mismatches.push(`expected the finding's actors ${list(want.actors)}, got ${list(found.actors)}`);
  if (list(found.addresses, true) !== list(want.addresses, true))
    mismatches.push(
      `expected the finding's addresses ${list(want.addresses, true)}, got ${list(found.addresses, true)}`,
    );
  return mismatches;
}

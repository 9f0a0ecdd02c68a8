/**
 * Each rule a run broke, counted in full: how many times, and first when. A result's violations
 * list holds only the findings kept in full (each actor's oracle keeps its first 50 and counts the
 * rest, check/violation-log.ts), so counting that list under-counts a busy rule and can miss a
 * rule whose violations all came after an actor's first 50. The actors' tallies count every
 * violation their oracles found; the conservation rules (judged on the result, not by an actor)
 * and the liveness failures come from the result. One function, for every reader of "what did
 * this run find": the result (`RunResult.rules`), a workload's expectation (headline.ts) and a
 * sweep's table of rules (sweep/run-seed.ts).
 */
import type { Violation } from '../model/check/violation.js';
import type { RawRun } from '../runtime/raw-run.js';

export interface RuleCount {
  count: number;
  /** The earliest tick the rule broke at. */
  tick: number;
}

/**
 * The rules `raw` broke. `violations` and `liveness` are the result's (assemble-result.ts): the
 * actors' kept violations, the conservation rules' after them, and the liveness failures. A run
 * stopped at its first finding counts a rule only if it broke before the stop (a threaded actor
 * may have run past the stop before it heard of it).
 */
export function ruleCounts(
  raw: RawRun,
  violations: readonly Violation[],
  liveness: readonly Violation[],
): Record<string, RuleCount> {
  const rules: Record<string, RuleCount> = {};
  const add = (rule: string, count: number, tick: number): void => {
    const r = rules[rule];
    if (r === undefined) rules[rule] = { count, tick };
    else {
      r.count += count;
      r.tick = Math.min(r.tick, tick);
    }
  };
  const stop = raw.stopped === 'first-finding' ? raw.reachedTick : Number.POSITIVE_INFINITY;
  for (const report of raw.reports) {
    for (const [rule, t] of Object.entries(report.ruleTallies)) if (t.tick < stop) add(rule, t.count, t.tick);
  }
  const fromActors = new Set(raw.reports.flatMap((r) => r.violations));
  for (const v of violations) if (!fromActors.has(v)) add(v.rule, 1, v.tick);
  for (const v of liveness) add(v.rule, 1, v.tick);
  return rules;
}

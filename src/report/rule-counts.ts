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
import { byCodePoint } from '../core/code-point-order.js';
import type { Violation } from '../model/check/violation.js';
import type { RawRun } from '../runtime/raw-run.js';

export interface RuleCount {
  count: number;
  /** The earliest tick the rule broke at. */
  tick: number;
}

/**
 * The rules `raw` broke. `judged` are the violations of the rules judged on the result, not by an
 * actor (the conservation rules), and `liveness` the result's liveness failures
 * (assemble-result.ts). The actors' violations, kept or only counted, are in their tallies: they
 * are not passed again, since the result's copies of the kept ones are other objects (each with
 * what other actors saw of its pages, check/evidence.ts), which an identity test took for
 * violations no actor had counted, counting them twice (QA: flush-race's 114 stale-ats read 164).
 * A run stopped at its first finding counts a rule only if it broke before the stop (a threaded
 * actor may have run past the stop before it heard of it).
 */
export function ruleCounts(
  raw: RawRun,
  judged: readonly Violation[],
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
  for (const v of judged) add(v.rule, 1, v.tick);
  for (const v of liveness) add(v.rule, 1, v.tick);
  return rules;
}

/**
 * A result's rules in the order they first broke (then by name): how the summary's `by rule`
 * line and the HTML report's table list them. Empty for a result written before `rules` existed.
 */
export function rulesInOrder(rules: Record<string, RuleCount> | undefined): [string, RuleCount][] {
  return Object.entries(rules ?? {}).sort((a, b) => a[1].tick - b[1].tick || byCodePoint(a[0], b[0]));
}

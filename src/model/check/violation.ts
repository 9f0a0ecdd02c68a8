/**
 * A broken rule, as the oracle reports it
 * (docs/theory-of-operation.md#5-checking-the-oracle-as-distributed-checks): the rule's stable
 * name, the actors, the addresses, the tick, and a short history of what touched that address or
 * register. The seed is added by the runtime, which knows it. Plain data: violations cross threads.
 */
import type { RuleName } from './rule-names.js';

export interface Violation {
  rule: RuleName;
  message: string;
  tick: number;
  actors: string[];
  addresses: number[];
  history: string[];
}

/**
 * A bounded list of violations: the first `keep` in full (what a user reads and what a replay
 * pins), and a count of the rest (`notKept`, which the actors report as the counter
 * `violations.notKept` and the summary adds to its total), so a bug that fires a million times
 * neither floods the report nor eats memory, and is never silently under-reported.
 */
/** How often one rule broke, and first when (ViolationLog.byRule). */
export interface RuleTally {
  count: number;
  tick: number;
}

export class ViolationLog {
  readonly kept: Violation[] = [];
  total = 0;
  /**
   * Every rule broken, kept or only counted: how often and first when. A rule whose violations
   * all came after the log was full has none kept, and would otherwise go unnamed.
   */
  readonly byRule = new Map<RuleName, RuleTally>();
  constructor(private readonly keep = 50) {}

  push(v: Violation): void {
    this.total++;
    this.tally(v.rule, v.tick);
    if (this.kept.length < this.keep) this.kept.push(v);
  }

  /** Every further violation is only counted. */
  get full(): boolean {
    return this.kept.length >= this.keep;
  }

  /** Count a violation that would not be kept anyway (its details need not be built). */
  countOnly(rule: RuleName, tick: number): void {
    this.total++;
    this.tally(rule, tick);
  }

  private tally(rule: RuleName, tick: number): void {
    const t = this.byRule.get(rule);
    if (t === undefined) this.byRule.set(rule, { count: 1, tick });
    else {
      t.count++;
      if (tick < t.tick) t.tick = tick;
    }
  }

  /** The kept violations (the count of the rest is `notKept`, reported as a counter). */
  list(): Violation[] {
    return this.kept;
  }

  get notKept(): number {
    return this.total - this.kept.length;
  }
}

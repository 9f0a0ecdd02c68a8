/**
 * A broken rule, as every checker reports it (design.md "Checking"): the rule's stable name, the
 * actors, the addresses, the tick, and a short history of what touched that address or register.
 * The seed is added by the runtime, which knows it.
 */
export interface Violation {
  /** Stable rule name, e.g. 'translation.freed-page', 'order.free-before-flushes', 'liveness.shootdown'. */
  rule: string;
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
export class ViolationLog {
  readonly kept: Violation[] = [];
  total = 0;
  constructor(private readonly keep = 50) {}

  push(v: Violation): void {
    this.total++;
    if (this.kept.length < this.keep) this.kept.push(v);
  }

  /** The kept violations (the count of the rest is `notKept`, reported as a counter). */
  list(): Violation[] {
    return this.kept;
  }

  get notKept(): number {
    return this.total - this.kept.length;
  }
}

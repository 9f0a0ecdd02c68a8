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

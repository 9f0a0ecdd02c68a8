/**
 * The one shape every rule reports through: the oracle (../oracle.ts) turns a report into a
 * Violation with the history of the keys involved.
 */
import type { OracleEvent } from '../oracle-events.js';
import type { RuleName } from '../rule-names.js';

/** A history key: a page base address (a number) or a named thing ('sd:3', 'reg:0:2', 'gpu:1'). */
export type HistoryKey = number | string;

export type Report = (
  rule: RuleName,
  actors: string[],
  addresses: number[],
  message: string,
  extraKeys?: readonly HistoryKey[],
) => void;

/** A family of rules: it keeps what it needs from the events it is shown and reports what breaks. */
export interface RuleFamily {
  /**
   * Every kind `observe` does anything with: the oracle shows a family only these (most events are
   * DMA, which two of the four families ignore). A kind left out is never seen.
   */
  readonly kinds: readonly OracleEvent['kind'][];
  observe(ev: OracleEvent, report: Report): void;
}

/**
 * The one shape every rule reports through: the oracle (../oracle.ts) turns a report into a
 * Violation with the history of the keys involved.
 */
import type { OracleEventKind, OracleEventOf } from '../oracle-events.js';
import type { RuleName } from '../rule-names.js';

/**
 * A history key: a page, by its key (page-bases.ts `pageKey`: a small integer, so the oracle's map
 * of histories hashes no heap number), or a named thing ('sd:3', 'reg:0:2', 'gpu:1').
 */
export type HistoryKey = number | string;

/**
 * The history key of a GPU's window-reset kills (KILL_PE, KILL_ALL, token 126: `tce.kill` with no
 * range), which a stale TCE's history takes besides its index's own.
 */
export function tceWindowKey(gpu: number): HistoryKey {
  return `tcewin:${gpu}`;
}

/**
 * `message` is called only for a violation the oracle keeps in full: past the first
 * `keepViolations` (50 by default) a violation is only counted, and a run with a bug switched on
 * can break a rule thousands of times (a `tenant-isolation` seed with `links-enabled-per-gpu`,
 * about 9,400 peer writes), each of which would otherwise build its sentence for nothing.
 */
export type Report = (
  rule: RuleName,
  actors: string[],
  addresses: number[],
  message: () => string,
  extraKeys?: readonly HistoryKey[],
) => void;

/** What a family does with one kind of event. */
export type RuleHandler<K extends OracleEventKind> = (ev: OracleEventOf<K>, report: Report) => void;

/** A family's handlers, one per kind it judges. */
export type RuleHandlers = { readonly [K in OracleEventKind]?: RuleHandler<K> };

/**
 * A family of rules: it keeps what it needs from the events it is shown and reports what breaks.
 * The kinds it is shown are exactly the keys of `on` (most events are DMA, which two of the four
 * families ignore): one table says both what a family sees and what it does with it.
 */
export interface RuleFamily {
  readonly on: RuleHandlers;
}

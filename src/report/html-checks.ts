/**
 * The `--report` page's checks section, as the summary's (summary-checks.ts): every finding in a
 * table (the first 50), the rules counted in full, each finding's history folded under it, the
 * state dump liveness failures share printed once, on a liveness failure the ATSD registers at the
 * end, then the conservation line and the lines under it (a threaded run's figures past its stop,
 * `--check-hosts` that agreed, host memory that ran short). The findings are what a failing run's
 * page is read for, so they have a file of their own. Every line's words come from
 * summary-checks.ts, so the page cannot say less than the summary or say it otherwise (QA: the
 * registers, the hosts' verdict and the memory note were the summary's alone).
 */

import { countText } from '../core/count-text.js';
import { findDeadlockCycle } from '../model/check/rules/liveness-rules.js';
import type { Violation } from '../model/check/violation.js';
import { formatTime } from './duration.js';
import { esc, table } from './html-parts.js';
import { rulesInOrder } from './rule-counts.js';
import type { RunResult } from './run-result.js';
import {
  ATSD_AT_END,
  atsdStateAtEnd,
  checkNotes,
  findingCountsText,
  NO_CYCLE,
  NOT_JUDGED,
  shownFindings,
} from './summary-checks.js';

export function checksSection(result: RunResult): string {
  const problems = [
    ...result.liveness.map((v) => ['liveness', v] as const),
    ...result.violations.map((v) => ['violation', v] as const),
  ];
  const c = result.conservation;
  const conservation =
    atsdBlock(result) +
    (c.ok === null
      ? `<p>conservation: ${esc(NOT_JUDGED)}</p>`
      : `<p>conservation: ${c.sent} sent = ${c.received} received + ${c.inFlight} in flight ${c.ok ? '' : '<b class="bad">(BROKEN)</b>'}</p>`) +
    // Under conservation, as the summary's lines under it.
    checkNotes(result)
      .map((n) => `<p${n.warn ? ' class="note"' : ''}>${esc(`${n.label}: ${n.text}`)}</p>`)
      .join('');
  if (problems.length === 0) return `<h2>Checks</h2><p class="good">all checks passed</p>${conservation}`;
  const states = sharedLivenessStates(result.liveness);
  // The first of each rule among them, as the summary's (a rule whose findings came late is shown).
  const rows = shownFindings(problems, 50).map(([kind, v]) => [
    kind,
    v.rule,
    `${formatTime(v.tick)} (tick ${v.tick})`,
    v.actors.join(', '),
    kind === 'liveness' ? (states.rowText.get(v.message) ?? v.message) : v.message,
  ]);
  return (
    `<h2>Checks</h2><p class="bad">${esc(findingCountsText(result))}` +
    `${problems.length > 50 ? '; 50 shown: the first of each rule, then the earliest' : ''}</p>` +
    byRuleTable(result) +
    table(['', 'rule', 'at', 'actors', 'what'], rows) +
    historyBlocks(shownFindings(problems, MAX_HISTORIES)) +
    states.shared
      .map(
        (st, i) => `<p>state ${i + 1}, the same for ${st.count} liveness failures above: ${esc(st.text)}</p>`,
      )
      .join('') +
    conservation
  );
}

/**
 * On a liveness failure, every chip's ATSD registers and waiters at the end, a row per chip under
 * the summary's heading: for a hang, which register is HUNG and on which GPU is the diagnosis.
 */
function atsdBlock(result: RunResult): string {
  const chips = atsdStateAtEnd(result);
  if (chips === undefined || chips.length === 0) return '';
  return `<p>${esc(ATSD_AT_END)}:</p>${table(
    [],
    chips.map((c) => [c.actor, c.text]),
    'kv',
  )}`;
}

/**
 * Every rule the run broke, counted in full, when there are several (the summary's `by rule`
 * line): the table of findings below shows only the first 50, often all of one rule, so a rule
 * that broke later (flush-race's `translation.stale-ats` under `single-flush`) was not named.
 */
function byRuleTable(result: RunResult): string {
  const rules = rulesInOrder(result.rules);
  if (rules.length < 2) return '';
  return table(
    ['rule', 'count', 'first at'],
    rules.map(([rule, r]) => [rule, String(r.count), `${formatTime(r.tick)} (tick ${r.tick})`]),
  );
}

/**
 * Findings whose history the report shows (the first of each rule, then the earliest: shownFindings;
 * `--json` and the failure file have all).
 */
const MAX_HISTORIES = 10;

/**
 * Each finding's history, whole, folded under its rule and tick: the events up to it that the
 * summary cuts to four lines, which a reader of the report otherwise had to find in `--json`.
 */
function historyBlocks(problems: readonly (readonly [string, Violation])[]): string {
  return problems
    .filter(([, v]) => v.history.length > 0)
    .map(
      ([kind, v]) =>
        `<details><summary>${esc(`history of the ${kind} ${v.rule} at ${formatTime(v.tick)} (${countText(v.history.length, 'event')})`)}</summary>` +
        `<pre class="answer">${esc(v.history.join('\n'))}</pre></details>`,
    )
    .join('');
}

/**
 * Liveness failures whose messages end with one state dump: each names its late shootdown, then a
 * dump of holds, waits and the deadlock cycle that every failure seen at that moment shares,
 * which a table row per shootdown repeated whole (QA). A dump that two or more messages share is
 * printed once under the table, numbered; each of those rows keeps its own part and names it.
 * Such a stall's dump names its cycle when there is one; when there is none it says so, as the
 * summary says under the stall.
 */
function sharedLivenessStates(liveness: readonly Violation[]): {
  /** `text`: the dump as printed; `tail`: as the messages end with it. */
  shared: { text: string; tail: string; count: number }[];
  rowText: Map<string, string>;
} {
  const counts = new Map<string, { count: number; first: Violation }>();
  const tailOf = (m: string): string | undefined => {
    const at = m.indexOf('; ');
    return at < 0 ? undefined : m.slice(at + 2);
  };
  for (const v of liveness) {
    const t = tailOf(v.message);
    if (t === undefined) continue;
    const seen = counts.get(t);
    counts.set(t, { count: (seen?.count ?? 0) + 1, first: seen?.first ?? v });
  }
  const shared = [...counts]
    .filter(([, s]) => s.count >= 2)
    .map(([text, { count, first }]) => ({
      text:
        first.rule === 'liveness.shootdown' && findDeadlockCycle(first.history) === undefined
          ? `${text}; ${NO_CYCLE}`
          : text,
      tail: text,
      count,
    }));
  const messages = liveness.map((v) => v.message);
  const rowText = new Map<string, string>();
  for (const m of messages) {
    const i = shared.findIndex((st) => st.tail === tailOf(m));
    if (i >= 0) rowText.set(m, `${m.slice(0, m.indexOf('; '))}; then state ${i + 1} (below)`);
  }
  return { shared, rowText };
}

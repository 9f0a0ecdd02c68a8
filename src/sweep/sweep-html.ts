/**
 * `npusim sweep ... --report FILE` (and `sweep --merge DIRS --report FILE`): a sweep's summary as one
 * self-contained HTML page, to attach to a bug report or a review. It is drawn from the summary
 * alone (SweepSummary: what a shard leaves and a merge joins), so a merged page says what the
 * unsharded sweep's would. Above, the summary as the command printed it (header, totals, exit line);
 * then the rules that fired (in how many seeds, the share of the seeds run, the earliest), when
 * each failing seed's first finding came in the run (a histogram per rule over the run's length:
 * how long a run must be to catch each), and every failing seed with the command that replays it.
 * No script, nothing fetched: it opens offline.
 */

import { byCodePoint } from '../core/code-point-order.js';
import { shellWord } from '../core/shell-word.js';
import { formatTime } from '../report/duration.js';
import { esc, PAGE_CSS, table } from '../report/html-parts.js';
import type { SweepSummary } from './summary.js';

/** Failing seeds listed one per row at most; the summary file and `--json` list every one. */
export const MAX_FAILURE_ROWS = 1000;
/** Bins of each rule's histogram of first-finding ticks. */
const TIME_BINS = 40;

export interface SweepPage {
  summary: SweepSummary;
  /** The summary as the command printed it (sweep-summary-text.ts summaryText). */
  text: string;
  /** What the command exits with (its last line says it too). */
  exitCode: number;
  /** Stopped by Ctrl-C, or a `--merge --partial` of an incomplete set: the badge says so. */
  state?: 'complete' | 'interrupted' | 'incomplete';
  /** The summary file the sweep wrote, if any (a merge, or `--no-failure-file`, writes none). */
  summaryFile?: string;
}

export function buildSweepHtml(p: SweepPage): string {
  const s = p.summary;
  const workload = String((s.sweep as { workload?: unknown }).workload ?? 'sweep');
  const counts =
    s.failed === 0 ? `${s.ran} seed${s.ran === 1 ? '' : 's'} clean` : `${s.failed} of ${s.ran} seeds failing`;
  // Not green for a sweep that did not run all its seeds (QA: an interrupted clean sweep was).
  const badge =
    p.state === 'interrupted' || p.state === 'incomplete'
      ? `<span class="status interrupted">${p.state === 'interrupted' ? 'interrupted' : 'incomplete merge'}: ${counts}</span>`
      : `<span class="status ${s.failed === 0 ? 'clean' : 'violation'}">${counts}</span>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>npusim sweep ${esc(workload)}: ${s.failed} of ${s.ran} seeds failing</title>
<style>${PAGE_CSS}${SWEEP_CSS}</style>
</head>
<body>
<h1>npusim sweep ${esc(workload)} ${badge}</h1>
<pre class="answer">${esc(p.text.trimEnd())}</pre>
${rulesSection(s)}
${timingSection(s)}
${failuresSection(s, p.summaryFile)}
<p class="foot">exit ${p.exitCode}; npusim ${esc(String((s.sweep as { npusim?: unknown }).npusim ?? ''))}</p>
</body>
</html>
`;
}

function rulesSection(s: SweepSummary): string {
  const rules = Object.entries(s.byRule).sort((a, b) => b[1].seeds - a[1].seeds || byCodePoint(a[0], b[0]));
  if (rules.length === 0)
    return `<h2>Rules</h2>\n<p class="note">No rule fired in the ${s.ran} seeds run.</p>`;
  const rows = rules.map(([rule, t]) => [
    rule,
    String(t.seeds),
    s.ran > 0 ? `${((100 * t.seeds) / s.ran).toFixed(1)}%` : '-',
    String(t.firstSeed),
    `${formatTime(t.earliestTick)} (seed ${t.earliestSeed})`,
  ]);
  return `<h2>Rules</h2>
<p class="note">Every rule that fired, in how many of the ${s.ran} seeds run (a seed counts once per rule, whichever finding came first).</p>
${table(['rule', 'seeds', 'of the seeds run', 'first seed', 'earliest (seed)'], rows)}`;
}

/**
 * Per rule, the failing seeds whose first finding it was, by the tick of that finding: bars over
 * the run's length. A rule that fires only late asks for longer runs; one that fires at once, for
 * more seeds instead.
 */
function timingSection(s: SweepSummary): string {
  if (s.failures.length === 0) return '';
  const duration = (s.sweep as { params?: { durationTicks?: unknown } }).params?.durationTicks;
  // Not Math.max(...ticks): a sweep of millions of seeds can fail in more than a call takes.
  const latest = s.failures.reduce((m, f) => Math.max(m, f.tick), 0);
  const span = typeof duration === 'number' && duration >= latest ? duration : latest;
  const byRule = new Map<string, number[]>();
  for (const f of s.failures) {
    const ticks = byRule.get(f.rule) ?? [];
    ticks.push(f.tick);
    byRule.set(f.rule, ticks);
  }
  const rows = [...byRule.entries()]
    .sort((a, b) => b[1].length - a[1].length || byCodePoint(a[0], b[0]))
    .map(([rule, ticks]) => {
      const bins = new Array<number>(TIME_BINS).fill(0);
      for (const t of ticks)
        bins[span === 0 ? 0 : Math.min(TIME_BINS - 1, Math.floor((t / span) * TIME_BINS))]!++;
      const sorted = [...ticks].sort((a, b) => a - b);
      const [first, middle, last] = [
        sorted[0]!,
        sorted[(sorted.length - 1) >> 1]!,
        sorted[sorted.length - 1]!,
      ];
      const cells = [first, middle, last].map((t) => `<td>${esc(formatTime(t))}</td>`).join('');
      return `<tr><td>${esc(rule)}</td><td>${ticks.length}</td>${cells}<td class="left">${histogramSvg(bins)}</td></tr>`;
    })
    .join('\n');
  return `<h2>When the first finding came</h2>
<p class="note">Each failing seed's first finding, by its rule and its tick: ${TIME_BINS} bins from 0 to ${esc(formatTime(span))}${span === duration ? " (the run's length)" : ''}, each bar as tall as its seeds against the rule's fullest bin (the median: the lower middle seed of an even count).</p>
<div class="table"><table><thead><tr><th>first finding</th><th>seeds</th><th>earliest</th><th>median</th><th>latest</th><th class="left">0 to ${esc(formatTime(span))}</th></tr></thead><tbody>
${rows}
</tbody></table></div>`;
}

/** A row of bars, one per bin, each titled with its count. */
function histogramSvg(bins: readonly number[]): string {
  const w = 8;
  const h = 24;
  const most = Math.max(1, ...bins);
  const bars = bins
    .map((n, i) => {
      if (n === 0) return '';
      const bh = Math.max(2, Math.round((n / most) * h));
      return `<rect x="${i * w}" y="${h - bh}" width="${w - 1}" height="${bh}"><title>${n}</title></rect>`;
    })
    .join('');
  return `<svg class="bins" width="${bins.length * w}" height="${h}" viewBox="0 0 ${bins.length * w} ${h}" role="img" aria-label="first findings over the run">${bars}<line x1="0" y1="${h - 0.5}" x2="${bins.length * w}" y2="${h - 0.5}"/></svg>`;
}

function failuresSection(s: SweepSummary, summaryFile: string | undefined): string {
  if (s.failures.length === 0) return '';
  const sorted = [...s.failures].sort((a, b) => a.seed - b.seed);
  const shown = sorted.slice(0, MAX_FAILURE_ROWS);
  const rows = shown.map((f) => [
    String(f.seed),
    f.status,
    f.rule,
    formatTime(f.tick),
    f.file === null ? 'none written' : `npusim replay ${shellWord(f.file)}`,
  ]);
  const left = sorted.length - shown.length;
  const more =
    left > 0
      ? `<p class="note">${left} more failing ${left === 1 ? 'seed is' : 'seeds are'} not listed here: <code>--json</code>${summaryFile === undefined ? ' lists' : ` and the summary file, ${esc(summaryFile)}, list`} every one.</p>`
      : '';
  return `<h2>Failing seeds</h2>
${table(['seed', 'class', 'first finding', 'tick', 'replay'], rows, 'failures')}
${more}`;
}

const SWEEP_CSS = `
th.left, td.left { text-align: left; }
svg.bins rect { fill: #c0392b; } svg.bins line { stroke: #999; stroke-width: 1; }
table.failures th:last-child { text-align: left; }
table.failures td:last-child { text-align: left; font-family: ui-monospace, monospace; white-space: nowrap; }
`;

/**
 * `npusim run --report FILE.html`: one self-contained HTML file with the run's summary tables and
 * its charts: latency histograms, link utilisation, ATSD register occupancy, DMAs and peer writes,
 * and messages in flight over simulated time. It needs nothing at view time: no network, no font or script from
 * elsewhere. uPlot (a 50 KB chart library, MIT) and its stylesheet are read from the installed
 * package and written into the page; the data is one JSON block the page's own script draws.
 *
 * The page's script sets `window.npusimReport = { charts, drawn, ySplits, axisLabels }` once every
 * chart is made, so a headless browser can tell the page finished and read each axis's tick labels
 * (test/report/html-report-browser.test.ts).
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { countText } from '../core/count-text.js';
import { histogramBins, mergeHistogramsByName } from '../metrics/histogram.js';
import { asNodeHistograms } from '../metrics/node-recorder.js';
import type { Violation } from '../model/check/violation.js';
import { DEFAULT_PROFILE } from '../model/scenario/profiles.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import type { MachinePlan } from '../runtime/machine-module.js';
import type { RawRun } from '../runtime/raw-run.js';
import { WAIT_BUCKET_LABELS } from '../runtime/wait-histogram.js';
import { cacheLookups } from './cache-lookups.js';
import { formatTime } from './duration.js';
import { hostText } from './host-text.js';
import { esc, PAGE_CSS, table } from './html-parts.js';
import { LATENCY_AXIS_JS, latencyAxisTitle, latencyExtentTicks } from './latency-axis.js';
import { measuredAt } from './measured-at.js';
import { compact } from './number-text.js';
import { profileText } from './profile-text.js';
import { reproduceLabel } from './reproduce-line.js';
import { rulesInOrder } from './rule-counts.js';
import { exitText, livenessTotal, type RunResult, violationTotal } from './run-result.js';
import { type RunSeries, runSeries, type Series } from './run-series.js';
import { strategyText } from './strategy-text.js';
import { answerSection } from './summary-answer.js';
import { pastStopNote } from './summary-checks.js';
import { busiestLinks, FREE_CONTENTION_NOTE, LATENCY_ROWS, socketFigures } from './summary-contention.js';
import {
  freeModeLines,
  keptText,
  LAMBDA_LEGEND,
  lambdaText,
  placementHint,
  placementText,
  ringTable,
  variantEngineFigures,
  waitBucketTexts,
} from './summary-engine.js';
import { summaryStyle } from './summary-text.js';
import { topologyText } from './topology-text.js';
import { unfinishedText } from './unfinished-text.js';
import { variantsAlikeText } from './variants-alike.js';

export interface HtmlReportInput {
  plan: MachinePlan;
  config: RunConfig;
  result: RunResult;
  /** The run's raw figures: histograms for the distributions, trace samples for the time series. */
  raw: RawRun;
}

/** A chart as the page's script draws it. */
interface ChartSpec {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  /**
   * The y values are whole numbers (samples, registers, DMAs, messages): its ticks are too, or a
   * chart of one ATSD register read 0.5 registers between 0 and 1 (QA).
   */
  yWhole: boolean;
  /** 'histogram': steps over log-spaced bins (x = bin's upper edge); 'line': a time series. */
  kind: 'histogram' | 'line';
  xLog: boolean;
  /** The x scale's extent, where it is not the data's (a histogram of one value: latency-axis.ts). */
  xRange?: [number, number];
  x: number[];
  series: Series[];
}

/** Lines drawn on the busiest-links chart (a machine has up to ~50 edges). */
const LINKS_CHARTED = 8;

export function buildHtmlReport(input: HtmlReportInput): string {
  const { result, raw, plan, config } = input;
  const series =
    raw.traces === undefined ? undefined : runSeries(plan, raw.traces, config.params.durationTicks);
  const latency = latencyFigures(raw, result);
  const charts: ChartSpec[] = [...latency.filter(isChart), ...timeCharts(input, series)];
  const title = `npusim ${result.workload} seed ${result.seed}: ${result.status}`;
  const data = JSON.stringify({ charts }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${uplotCss()}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
<h1>npusim ${esc(result.workload)} <span class="status ${esc(result.status)}">${esc(result.status)} (${esc(exitText(result))})</span></h1>
${headerTable(result, config, plan)}
${answerBlock(result)}
${checksSection(result)}
<h2>Latencies</h2>
${result.free === undefined ? '' : `<p class="note">${esc(FREE_CONTENTION_NOTE)}: the latencies, sockets and links below</p>`}
${latencyTable(result)}
<div class="charts">${latency.map((f) => (isChart(f) ? chartDiv(f) : nothingDrawnDiv(f))).join('\n')}</div>
<h2>Over simulated time</h2>
${timeNote(raw, series, result, config)}
<div class="charts">${charts
    .filter((c) => c.kind === 'line')
    .map(chartDiv)
    .join('\n')}</div>
${socketSection(result)}
<h2>Links</h2>
${linksTable(result)}
<h2>Counters</h2>
${countersTable(result)}
<h2>Engine</h2>
${engineTable(result)}
${variantEngineTable(result)}
<p class="foot">${esc(reproduceLabel(result))}: <code>${esc(result.reproduce)}</code></p>
<script type="application/json" id="npusim-data">${data}</script>
<script>${uplotJs()}</script>
<script>${PAGE_JS}</script>
</body>
</html>
`;
}

// ---- charts ----

/**
 * A latency with samples none of which a log axis can draw: every one was 0 (ZERO_SAMPLES: each
 * ATSD register won at once). Its caption says so where its chart would be: it had no chart and no
 * word, beside a table row counting its samples (QA).
 */
interface NothingDrawn {
  kind: 'nothing-drawn';
  id: string;
  title: string;
}

function isChart(f: ChartSpec | NothingDrawn): f is ChartSpec {
  return f.kind !== 'nothing-drawn';
}

/** Each latency with samples, in the tables' order: its histogram, or why it has none. */
function latencyFigures(raw: RawRun, result: RunResult): (ChartSpec | NothingDrawn)[] {
  const merged = mergeHistogramsByName(raw.reports.map((r) => asNodeHistograms(r.histograms)));
  const figures: (ChartSpec | NothingDrawn)[] = [];
  for (const [name, label] of LATENCY_ROWS) {
    const h = merged.get(name);
    const drawn = h?.hdr.count ?? 0;
    // The chart's axis is logarithmic: samples of 0 (ZERO_SAMPLES) are counted in the title only.
    const zeros = (result.contention.latencies[name]?.count ?? drawn) - drawn;
    const at = measuredAt(name, result);
    const title = histogramTitle(at === undefined ? label : `${label}, ${at}`, drawn, zeros);
    if (h === undefined || drawn === 0) {
      if (zeros > 0) figures.push({ kind: 'nothing-drawn', id: `latency-${name}`, title });
      continue;
    }
    const bins = histogramBins(h.hdr);
    const [fromTicks, toTicks] = latencyExtentTicks(bins.lower, bins.upper[bins.upper.length - 1]!);
    // One unit for the whole axis, named in its title (its tick labels are bare numbers): the one
    // the top of the axis reads at least 1 in, so no label has more than three digits before the
    // point.
    const unit = timeUnit(toTicks);
    figures.push({
      id: `latency-${name}`,
      title,
      xLabel: latencyAxisTitle(unit.name),
      yLabel: 'samples',
      yWhole: true,
      kind: 'histogram',
      xLog: true,
      xRange: [fromTicks / unit.ticks, toTicks / unit.ticks],
      // Each count is drawn from the edge before it to its own (align -1): the lowest bin needs
      // its lower edge first, else it had no width and its samples did not show (QA).
      x: [bins.lower, ...bins.upper].map((t) => t / unit.ticks),
      series: [{ label: 'samples', values: [0, ...bins.count] }],
    });
  }
  return figures;
}

/**
 * A latency histogram's caption: the samples drawn, and those of 0 its log axis cannot draw. One
 * is `1 sample` (QA: a histogram of one read `(1 samples)`). The 0 is written as the tables write
 * it (formatTime: `0 ps`; QA: the title said `0 ns` beside tables saying `0 ps`).
 */
export function histogramTitle(label: string, drawn: number, zeros: number): string {
  const zero = formatTime(0);
  if (drawn === 0)
    return `${label} (${zeros === 1 ? `1 sample, ${zero}` : `${zeros} samples, all ${zero}`}: nothing to draw)`;
  const samples = `${drawn} sample${drawn === 1 ? '' : 's'}`;
  return `${label} (${samples}${zeros > 0 ? `; ${zeros} more of 0 not drawn` : ''})`;
}

/** The largest of ms, µs, ns and ps that a run of `ticks` (ps) lasts at least one of. */
export function timeUnit(ticks: number): { name: string; ticks: number } {
  if (ticks >= 1e9) return { name: 'ms', ticks: 1e9 };
  if (ticks >= 1e6) return { name: 'µs', ticks: 1e6 };
  if (ticks >= 1e3) return { name: 'ns', ticks: 1e3 };
  return { name: 'ps', ticks: 1 };
}

function timeCharts(input: HtmlReportInput, s: RunSeries | undefined): ChartSpec[] {
  const { result } = input;
  if (s === undefined || s.ticks.length < 2) return [];
  // The unit the run's length reads in: a run shorter than a microsecond had every tick read 0.
  const unit = timeUnit(input.config.params.durationTicks);
  const x = s.ticks.map((t) => t / unit.ticks);
  const line = (id: string, title: string, yLabel: string, series: Series[]): ChartSpec => ({
    id,
    title,
    xLabel: `simulated ${unit.name}`,
    yLabel,
    yWhole: yLabel !== '% busy',
    kind: 'line',
    xLog: false,
    x,
    series,
  });
  // The summary's busiest links (control edges left out there too).
  const busiest = busiestLinks(result, LINKS_CHARTED).map((l) => l.label);
  const links = busiest.flatMap((label) => s.linkUtilisation.filter((u) => u.label === label));
  const percent = links.map((l) => ({ label: l.label, values: l.values.map((v) => 100 * v) }));
  return [
    line('links', `Link utilisation, the ${links.length} busiest links`, '% busy', percent),
    line('atsd', 'ATSD register occupancy per NPU (registers locked; CPUs waiting)', 'registers', [
      ...s.atsdRegistersLocked,
      ...s.atsdWaiters,
    ]),
    // The engines' tags count peer writes too (dma-tags.ts): the result's figures split them
    // (dma.inFlightAtEnd, peer.inFlightAtEnd), so a title of DMAs alone read high by the peers' (QA).
    line('dma', 'DMAs and peer writes in flight per GPU', 'DMAs and peer writes', s.dmaAndPeerInFlight),
    line('rings', 'Messages in flight by kind of link (rings and queues)', 'messages', s.messagesInFlight),
  ].filter((c) => c.series.length > 0);
}

function chartDiv(c: ChartSpec): string {
  return `<figure class="chart" data-chart="${esc(c.id)}"><figcaption>${esc(c.title)}</figcaption><div class="plot" id="chart-${esc(c.id)}"></div></figure>`;
}

/** No `data-chart`: the page's script and its browser test count the charts drawn by that. */
function nothingDrawnDiv(f: NothingDrawn): string {
  return `<figure class="chart" data-nothing-drawn="${esc(f.id)}"><figcaption>${esc(f.title)}</figcaption></figure>`;
}

/**
 * What the charts above hold: the rows drawn (0, end/n, .. end: n + 1 of them for a run that
 * reached its end), and for a run that stopped early (Ctrl-C, --stop-on-first) how far they go.
 */
function timeNote(raw: RawRun, s: RunSeries | undefined, result: RunResult, config: RunConfig): string {
  if (raw.traces === undefined || s === undefined)
    return '<p>No time series: the run recorded no samples.</p>';
  const rows = s.ticks.length;
  const planned = (raw.traces[0]?.sampleCount ?? 0) + 1;
  const end = config.params.durationTicks;
  const last = rows === 0 ? 0 : s.ticks[rows - 1]!;
  const span =
    rows >= planned
      ? `${rows} samples over the run (0 to ${formatTime(end)})`
      : `${rows} of ${planned} samples, 0 to ${formatTime(last)}: the run stopped at ` +
        `${formatTime(result.simulatedTicks)} of ${formatTime(end)} (${result.status})`;
  return `<p class="note">${esc(span)}, each the machine's state at that simulated time; link utilisation is per interval between samples.</p>`;
}

/**
 * The summary's answer, as the terminal prints it (summary-answer.ts): the workload's question,
 * its headline figures and, with variants, each variant's verdict against what it expected.
 */
function answerBlock(result: RunResult): string {
  const lines = answerSection(result, summaryStyle(false));
  if (lines.length === 0) return '';
  return `<h2>Answer</h2>\n<pre class="answer">${esc(lines.join('\n'))}</pre>`;
}

// ---- tables ----

function headerTable(result: RunResult, config: RunConfig, plan: MachinePlan): string {
  const p = config.params;
  return table(
    [],
    [
      ['workload', result.workload],
      ['seed', String(result.seed)],
      ['host', hostText(result)],
      [
        'topology',
        `${topologyText(config)} (${plan.actors.filter((a) => a.kind === 'gpu').length} GPUs), ${p.policy}`,
      ],
      ['bug switches', config.bugs.length === 0 ? 'none' : config.bugs.join(', ')],
      // As the summary's header: a PCT run is another run, and a profile's switches make its findings.
      ['strategy', strategyText(result)],
      ['profile', profileText(config.profile ?? DEFAULT_PROFILE)],
      ['simulated', `${formatTime(result.simulatedTicks)} of ${formatTime(p.durationTicks)}`],
      ['wall time', `${(result.wallMs / 1000).toFixed(2)} s`],
      ['digest', result.digest],
      ['npusim', result.npusim ?? 'unknown'],
    ],
    'kv',
  );
}

function checksSection(result: RunResult): string {
  const problems = [
    ...result.liveness.map((v) => ['liveness', v] as const),
    ...result.violations.map((v) => ['violation', v] as const),
  ];
  const c = result.conservation;
  // Under conservation, as the summary: what a threaded run's figures count past its stop.
  const past = pastStopNote(result);
  const conservation =
    `<p>conservation: ${c.sent} sent = ${c.received} received + ${c.inFlight} in flight ${c.ok ? '' : '<b class="bad">(BROKEN)</b>'}</p>` +
    (past === undefined ? '' : `<p class="note">note: ${esc(past)}</p>`);
  if (problems.length === 0) return `<h2>Checks</h2><p class="good">all checks passed</p>${conservation}`;
  const states = sharedLivenessStates(result.liveness.map((v) => v.message));
  const rows = problems
    .slice(0, 50)
    .map(([kind, v]) => [
      kind,
      v.rule,
      `${formatTime(v.tick)} (tick ${v.tick})`,
      v.actors.join(', '),
      kind === 'liveness' ? (states.rowText.get(v.message) ?? v.message) : v.message,
    ]);
  return (
    `<h2>Checks</h2><p class="bad">${countText(violationTotal(result), 'violation')}, ${countText(livenessTotal(result), 'liveness failure')}` +
    `${problems.length > 50 ? `; the first 50 shown` : ''}</p>` +
    byRuleTable(result) +
    table(['', 'rule', 'at', 'actors', 'what'], rows) +
    historyBlocks(problems.slice(0, MAX_HISTORIES)) +
    states.shared
      .map(
        (st, i) => `<p>state ${i + 1}, the same for ${st.count} liveness failures above: ${esc(st.text)}</p>`,
      )
      .join('') +
    conservation
  );
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

/** Findings whose history the report shows (the first ones; `--json` and the failure file have all). */
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
 */
function sharedLivenessStates(messages: readonly string[]): {
  shared: { text: string; count: number }[];
  rowText: Map<string, string>;
} {
  const counts = new Map<string, number>();
  const tailOf = (m: string): string | undefined => {
    const at = m.indexOf('; ');
    return at < 0 ? undefined : m.slice(at + 2);
  };
  for (const m of messages) {
    const t = tailOf(m);
    if (t !== undefined) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  const shared = [...counts].filter(([, n]) => n >= 2).map(([text, count]) => ({ text, count }));
  const rowText = new Map<string, string>();
  for (const m of messages) {
    const i = shared.findIndex((st) => st.text === tailOf(m));
    if (i >= 0) rowText.set(m, `${m.slice(0, m.indexOf('; '))}; then state ${i + 1} (below)`);
  }
  return { shared, rowText };
}

function latencyTable(result: RunResult): string {
  const rows: string[][] = [];
  for (const [name, label] of LATENCY_ROWS) {
    const s = result.contention.latencies[name];
    if (s === undefined) continue;
    // No samples: `-`, as the summary prints it, not a measured `0 ps`.
    const t = (x: number): string => (s.count === 0 ? '-' : s.unit === 'ticks' ? formatTime(x) : String(x));
    // What the row leaves out, as the summary says it under the row (unfinished-text.ts).
    const unfinished = unfinishedText(result, name) ?? '';
    // The bound a DMA queued behind, as the headline and the summary say it (measured-at.ts).
    const at = measuredAt(name, result);
    rows.push([
      at === undefined ? label : `${label} (${at})`,
      String(s.count),
      t(s.min),
      t(s.mean),
      t(s.p50),
      t(s.p99),
      t(s.p999),
      t(s.max),
      unfinished,
    ]);
  }
  const c = result.contention;
  // The column only where some row leaves something out (a run that ended with nothing going on).
  const anyLeftOut = rows.some((r) => r[8] !== '');
  const head = ['', 'count', 'min', 'mean', 'p50', 'p99', 'p99.9', 'max'];
  return (
    (anyLeftOut
      ? table([...head, 'not in the row'], rows)
      : table(
          head,
          rows.map((r) => r.slice(0, 8)),
        )) +
    `<p>ATS cache hit rate ${rateCell(result, 'ats', c.atsHitRate)}, TCE cache hit rate ${rateCell(result, 'tce', c.tceHitRate)}, ATSD registers won at once ${result.counts['atsd.acquiredAtOnce'] ?? 0}</p>`
  );
}

function linksTable(result: RunResult): string {
  const rows = [...result.contention.links]
    .sort((a, b) => b.utilisation - a.utilisation)
    .map((l) => [
      l.label,
      l.kind,
      String(l.messages),
      compact(l.bytes),
      l.backlogBytes > 0 ? compact(l.backlogBytes) : '-',
      pct(l.utilisation),
      // A link nothing crossed has no queueing figure (`-`, as a histogram with no samples).
      l.messages === 0 ? '-' : formatTime(l.meanQueueDelayTicks),
      l.messages === 0 ? '-' : formatTime(l.maxQueueDelayTicks),
    ]);
  return table(
    ['link', 'kind', 'messages', 'bytes', 'backlog bytes', 'busy', 'queue mean', 'queue max'],
    rows,
  );
}

function countersTable(result: RunResult): string {
  return table(
    ['counter', 'value'],
    Object.entries(result.counts).map(([k, v]) => [k, String(v)]),
  );
}

function engineTable(result: RunResult): string {
  const e = result.engine;
  // The conservative loop's synchronisation figures (sync-figures.ts): threaded runs only.
  const sync = e.workers.some((w) => w.lambda !== undefined);
  // Each worker's waits by length, as the summary's `waits:` line (wait-histogram.ts).
  const waits = e.workers.some((w) => w.waits !== undefined);
  // Times each worker turned its spinning off (adaptive-spin.ts), as the summary's `spinning off N
  // times`: the column only where a worker did, which the result records only then (threaded-raw-run.ts).
  const spinOff = e.workers.some((w) => (w.spinTurnedOff ?? 0) > 0);
  const free = freeModeLines(result);
  const hint = placementHint(result);
  const rings = ringTable(e, e.rings.length);
  return (
    `<p>${e.events} events, ${compact(e.eventsPerSecond)} events/s, ${compact(e.simulatedNsPerWallSecond)} simulated ns per wall second (machine-dependent)</p>` +
    (free === undefined ? '' : `<p>${esc(free[0])}; ${esc(free[1])}</p>`) +
    // Every ring that carried records (the summary shows the first few), in the summary's order.
    (rings === undefined ? '' : `<p>${esc(rings.heading)}</p>${table(rings.header, rings.rows)}`) +
    (e.workers.length === 0
      ? ''
      : `<p>placement: ${esc(placementText(e.placement, e.workers.length, e.cores) + keptText(e))}</p>` +
        table(
          [
            'worker',
            'busy ms',
            'waited ms',
            'parks',
            'timed out',
            ...(spinOff ? ['spinning off'] : []),
            'events',
            ...(sync ? ['lookahead', 'events/window', 'parks/s', 'lambda'] : []),
            ...(waits ? WAIT_BUCKET_LABELS.map((l) => `waits ${l}`) : []),
          ],
          e.workers.map((w) => [
            w.actor,
            w.busyMs.toFixed(0),
            w.parkedMs.toFixed(0),
            String(w.parks),
            w.parksTimedOut === undefined
              ? ''
              : `${w.parksTimedOut}${w.parksTimedOut > 0 && w.parksTimedOutAtStart !== undefined ? ` (${w.parksTimedOutAtStart} at start)` : ''}`,
            ...(spinOff ? [String(w.spinTurnedOff ?? 0)] : []),
            String(w.events),
            ...(sync
              ? [
                  w.lookaheadTicks === undefined ? '' : formatTime(w.lookaheadTicks),
                  compact(w.eventsPerWindow ?? 0),
                  compact(w.parksPerSecond ?? w.handoffsPerSecond ?? 0),
                  w.lambda === undefined ? '' : lambdaText(w),
                ]
              : []),
            ...(waits
              ? w.waits === undefined
                ? WAIT_BUCKET_LABELS.map(() => '')
                : waitBucketTexts(w.waits)
              : []),
          ]),
        ) +
        (sync ? `<p>${esc(LAMBDA_LEGEND.map((l) => l.trim()).join(' '))}</p>` : '') +
        (hint === undefined ? '' : `<p>${esc(hint)}</p>`))
  );
}

/**
 * Each variant's engine figures, a row each, as the summary's `variants (same seed and options):`
 * (variants-alike.ts)
 * rows (summary-engine.ts variantEngineFigures): the page had the own run's engine only (QA). Their
 * verdicts are the answer's table above; a variant that handled no event (a crash) says its status.
 */
function variantEngineTable(result: RunResult): string {
  const figures = variantEngineFigures(result);
  if (figures.length === 0) return '';
  const rings = figures.some((f) => f.ringsStalled !== undefined);
  return (
    `<p>variants (${esc(variantsAlikeText(result))}):</p>` +
    table(
      [
        'variant',
        'status',
        'ran',
        'events',
        'events/s',
        'simulated ns per wall second',
        ...(rings ? ['rings stalled'] : []),
        'lambda or placement',
      ],
      figures.map((f) => [
        f.name,
        f.status,
        f.ran,
        f.events === undefined ? 'none' : String(f.events),
        f.eventsPerSecond,
        f.simulatedNsPerWallSecond,
        ...(rings ? [f.ringsStalled ?? ''] : []),
        f.threads,
      ]),
      'variants',
    )
  );
}

/** The summary's contention per socket (nest MMU, ATSD registers, TCE cache), cell for cell. */
function socketSection(result: RunResult): string {
  const t = socketFigures(result);
  if (t === undefined) return '';
  return `<h2>Contention per socket</h2>\n${table(['socket', ...t.header.slice(1)], t.rows)}`;
}

/** A cache's hit rate, or `-` when it had no lookups (null, or 0 lookups in an older result). */
function rateCell(result: RunResult, cache: 'ats' | 'tce', rate: number | null): string {
  return rate === null || cacheLookups(result, cache) === 0 ? '-' : pct(rate);
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

// ---- the page's own code ----

const require = createRequire(import.meta.url);
let uplot: { js: string; css: string } | undefined;

function uplotFiles(): { js: string; css: string } {
  uplot ??= {
    js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
  return uplot;
}

function uplotJs(): string {
  // `</script` cannot appear inside a script element; uPlot has none, and this keeps it so.
  return uplotFiles().js.replace(/<\/script/gi, '<\\/script');
}

function uplotCss(): string {
  return uplotFiles().css;
}

/**
 * Draws every chart of the JSON block with uPlot. Histograms: a stepped line over log-spaced
 * bins, each bin's count drawn from the previous edge to its own upper edge (align -1); time
 * series: lines. Sets window.npusimReport once every chart is made; an error leaves it unset and
 * is the browser console's (the browser test fails on either).
 */
const PAGE_JS = `
(function () {
  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22', '#393b79', '#637939'];
  var data = JSON.parse(document.getElementById('npusim-data').textContent);
  var made = [];
${LATENCY_AXIS_JS}
  // uPlot's own labels for a linear axis (its numAxisVals), for the axes left to its own ticks.
  var numberText = new Intl.NumberFormat(navigator.language).format;
  // Each axis's labels as last drawn, by chart id: [x labels, y labels] (the browser test reads them).
  var axisLabels = {};
  function labelled(id, axis, text) {
    return function (u, vals) {
      var out = vals.map(function (v) { return v === null || v === undefined ? '' : text(v); });
      (axisLabels[id] = axisLabels[id] || [[], []])[axis] = out;
      return out;
    };
  }
  // Whole-number ticks, about five of them, at steps of 1, 2 or 5 times a power of ten.
  var ySplits = {};
  function wholeSplits(id) {
    return function (u, axis, min, max) {
      var span = Math.max(1, max - min), step = 1;
      for (var p = 1; step * 6 < span; p *= 10) {
        step = [1, 2, 5, 10].map(function (m) { return m * p; }).filter(function (s) { return s * 6 >= span; })[0] || 10 * p;
      }
      var out = [];
      // v || 0: a range from just below 0 started at -0, which read \`-0\`.
      for (var v = Math.ceil(min / step) * step; v <= max; v += step) out.push(v || 0);
      ySplits[id] = out;
      return out;
    };
  }
  function longest(vals) {
    var n = 3;
    (vals || []).forEach(function (v) { n = Math.max(n, String(v).length); });
    return n;
  }
  data.charts.forEach(function (c) {
    var el = document.getElementById('chart-' + c.id);
    var series = [{ label: c.xLabel }];
    c.series.forEach(function (s, i) {
      var color = palette[i % palette.length];
      series.push(c.kind === 'histogram'
        ? { label: s.label, stroke: color, fill: color + '55', width: 1.5, paths: uPlot.paths.stepped({ align: -1 }) }
        : { label: s.label, stroke: color, width: 1.5 });
    });
    var opts = {
      width: el.clientWidth || 560,
      height: 260,
      // Log x: the data's own range (uPlot would widen it to whole decades), or the round one a
      // histogram of one value spans (latencyExtentTicks, latency-axis.ts). Whole-number y: a
      // count that stayed 0 (no register ever locked) reads 0 to 1, where uPlot made it 0 to 100
      // registers; any other range is uPlot's own (its snapNumY).
      scales: {
        x: c.xLog ? { time: false, distr: 3, range: function (u, min, max) { return c.xRange || [min, max]; } } : { time: false },
        y: c.yWhole ? { range: function (u, min, max) { return min === 0 && max === 0 ? [0, 1] : uPlot.rangeNum(min, max, 0.1, true); } } : {},
      },
      // Log x: latencySplits' ticks (latency-axis.ts), each labelled (uPlot's own gave one label,
      // at the data's odd minimum, and its log filter labels powers of ten only), in the unit the
      // axis title names. y: as wide as its longest tick label, so its title clears it.
      axes: [
        c.xLog
          ? { label: c.xLabel, splits: function (u, axis, min, max) { return latencySplits(min, max); }, filter: function (u, splits) { return splits; }, values: labelled(c.id, 0, tickText) }
          : { label: c.xLabel, values: labelled(c.id, 0, numberText) },
        c.yWhole
          ? { label: c.yLabel, splits: wholeSplits(c.id), values: labelled(c.id, 1, numberText), size: function (u, vals) { return 28 + 8 * longest(vals); } }
          : { label: c.yLabel, values: labelled(c.id, 1, numberText), size: function (u, vals) { return 28 + 8 * longest(vals); } },
      ],
      series: series,
      legend: { live: false },
    };
    var rows = [c.x].concat(c.series.map(function (s) { return s.values; }));
    made.push(new uPlot(opts, rows, el));
  });
  window.npusimReport = { charts: data.charts.length, drawn: made.length, ySplits: ySplits, axisLabels: axisLabels };
})();
`;

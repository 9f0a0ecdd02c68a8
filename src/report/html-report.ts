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
 *
 * This file assembles the page and holds its small sections (header, answer, counters). As the
 * terminal summary has a file per section, so has the page: html-checks.ts, html-contention.ts
 * and html-engine.ts; the charts' data is html-charts.ts, uPlot and the page's script
 * html-chart-script.ts.
 */

import { TEXT_COLUMNS } from '../core/wrap-text.js';
import { BUGS, isBugName } from '../model/scenario/bugs.js';
import { DEFAULT_PROFILE } from '../model/scenario/profiles.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import type { MachinePlan } from '../runtime/machine-module.js';
import type { RawRun } from '../runtime/raw-run.js';
import { formatTime } from './duration.js';
import { hostText } from './host-text.js';
import { PAGE_JS, uplotCss, uplotJs } from './html-chart-script.js';
import {
  type ChartSpec,
  chartDiv,
  isChart,
  latencyFigures,
  nothingDrawnDiv,
  timeCharts,
  timeNote,
} from './html-charts.js';
import { checksSection } from './html-checks.js';
import { latencyTable, linksTable, socketSection } from './html-contention.js';
import { engineTable, variantEngineTable } from './html-engine.js';
import { esc, PAGE_CSS, table } from './html-parts.js';
import { profileText } from './profile-text.js';
import { reproduceLabel } from './reproduce-line.js';
import { exitText, type RunResult } from './run-result.js';
import { runSeries } from './run-series.js';
import { strategyText } from './strategy-text.js';
import { answerSection } from './summary-answer.js';
import { FREE_CONTENTION_NOTE } from './summary-contention.js';
import { formatWall, summaryStyle } from './summary-text.js';
import { topologyText } from './topology-text.js';

export interface HtmlReportInput {
  plan: MachinePlan;
  config: RunConfig;
  result: RunResult;
  /** The run's raw figures: histograms for the distributions, trace samples for the time series. */
  raw: RawRun;
}

export function buildHtmlReport(input: HtmlReportInput): string {
  const { result, raw, plan, config } = input;
  const series =
    raw.traces === undefined ? undefined : runSeries(plan, raw.traces, config.params.durationTicks);
  const latency = latencyFigures(raw, result);
  const charts: ChartSpec[] = [...latency.filter(isChart), ...timeCharts(result, config, series)];
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

/**
 * The summary's answer, as the terminal prints it (summary-answer.ts): the workload's question,
 * its headline figures and, with variants, each variant's verdict against what it expected.
 */
function answerBlock(result: RunResult): string {
  // Laid out as the terminal's, in its 100 columns (a variants table split to fit, prose wrapped
  // under its own text): the box shows it whole (QA: unwrapped, a variant's description ran 1980
  // px past it; wrapped by the browser, the variants table lost its columns).
  const lines = answerSection(result, summaryStyle(false), TEXT_COLUMNS);
  if (lines.length === 0) return '';
  return `<h2>Answer</h2>\n<pre class="answer">${esc(lines.join('\n'))}</pre>`;
}

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
      // What each switch reproduces and where its fix is, as the summary says under its header
      // (QA: the page named the switch only).
      ...config.bugs.filter(isBugName).map((bug) => [`bug ${bug}`, BUGS[bug]]),
      // As the summary's header: a PCT run is another run, and a profile's switches make its findings.
      ['strategy', strategyText(result)],
      ['profile', profileText(config.profile ?? DEFAULT_PROFILE)],
      ['simulated', `${formatTime(result.simulatedTicks)} of ${formatTime(p.durationTicks)}`],
      // As the summary's header spells it (`81 ms`, `1.23 s`).
      ['wall time', formatWall(result.wallMs)],
      ['digest', result.digest],
      ['npusim', result.npusim ?? 'unknown'],
    ],
    'kv',
  );
}

function countersTable(result: RunResult): string {
  return table(
    ['counter', 'value'],
    Object.entries(result.counts).map(([k, v]) => [k, String(v)]),
  );
}

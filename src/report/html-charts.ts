/**
 * The `--report` page's charts as data (html-report.ts places them; html-chart-script.ts draws
 * them in the browser): each latency's histogram over log-spaced bins, or the caption saying why
 * it has none, and the time series over simulated time (link utilisation, ATSD registers, DMAs
 * and peer writes, messages in flight), with the note saying what rows they hold. A file apart
 * from the tables because the charts are built from the run's raw figures, not its result.
 */

import { histogramBins, mergeHistogramsByName } from '../metrics/histogram.js';
import { asNodeHistograms } from '../metrics/node-recorder.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import type { RawRun } from '../runtime/raw-run.js';
import { formatTime } from './duration.js';
import { esc } from './html-parts.js';
import { latencyAxisTitle, latencyExtentTicks } from './latency-axis.js';
import { measuredAt } from './measured-at.js';
import type { RunResult } from './run-result.js';
import type { RunSeries, Series } from './run-series.js';
import { busiestLinks, LATENCY_ROWS } from './summary-contention.js';
import { unfinishedText } from './unfinished-text.js';

/** A chart as the page's script draws it. */
export interface ChartSpec {
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
  series: ChartSeries[];
}

/**
 * A series as drawn: `dashed` draws it in dashes, so a line it covers shows through the gaps. A
 * hang's ATSD chart drew npu1's registers over npu0's, both flat at 1, and the HUNG register's line
 * showed only where npu1's dropped (QA): every other line of a time series is dashed.
 */
export interface ChartSeries extends Series {
  dashed?: boolean;
}

/** Every other line dashed (ChartSeries): of two lines that coincide, the one beneath shows. */
export function alternateDashes(series: Series[]): ChartSeries[] {
  return series.map((s, i) => (i % 2 === 1 ? { ...s, dashed: true } : s));
}

/** Lines drawn on the busiest-links chart (a machine has up to ~50 edges). */
const LINKS_CHARTED = 8;

/**
 * A latency with samples none of which a log axis can draw: every one was 0 (ZERO_SAMPLES: each
 * ATSD register won at once). Its caption says so where its chart would be: it had no chart and no
 * word, beside a table row counting its samples (QA).
 */
export interface NothingDrawn {
  kind: 'nothing-drawn';
  id: string;
  title: string;
}

export function isChart(f: ChartSpec | NothingDrawn): f is ChartSpec {
  return f.kind !== 'nothing-drawn';
}

/** Each latency with samples, in the tables' order: its histogram, or why it has none. */
export function latencyFigures(raw: RawRun, result: RunResult): (ChartSpec | NothingDrawn)[] {
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
      else {
        // None ended, some still going on: a deadlock's shootdowns. Its place says so, as the
        // table's row does (QA: the chart left out without a word, the deadlock's headline).
        const going = unfinishedText(result, name);
        if (going !== undefined)
          figures.push({
            kind: 'nothing-drawn',
            id: `latency-${name}`,
            title: `${at === undefined ? label : `${label}, ${at}`} (no samples; ${going})`,
          });
      }
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

export function timeCharts(result: RunResult, config: RunConfig, s: RunSeries | undefined): ChartSpec[] {
  if (s === undefined || s.ticks.length < 2) return [];
  // The unit the run's length reads in: a run shorter than a microsecond had every tick read 0.
  const unit = timeUnit(config.params.durationTicks);
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
    series: alternateDashes(series),
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

export function chartDiv(c: ChartSpec): string {
  return `<figure class="chart" data-chart="${esc(c.id)}"><figcaption>${esc(c.title)}</figcaption><div class="plot" id="chart-${esc(c.id)}"></div></figure>`;
}

/** No `data-chart`: the page's script and its browser test count the charts drawn by that. */
export function nothingDrawnDiv(f: NothingDrawn): string {
  return `<figure class="chart" data-nothing-drawn="${esc(f.id)}"><figcaption>${esc(f.title)}</figcaption></figure>`;
}

/**
 * What the charts above hold: the rows drawn (0, end/n, .. end: n + 1 of them for a run that
 * reached its end), and for a run that stopped early (Ctrl-C, --stop-on-first) how far they go.
 */
export function timeNote(
  raw: RawRun,
  s: RunSeries | undefined,
  result: RunResult,
  config: RunConfig,
): string {
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

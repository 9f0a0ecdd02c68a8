/**
 * The summary's contention section (summary.ts): per socket (nest MMU, ATSD registers, TCE
 * cache), per link (busy time, messages, queueing), the latency histograms, and the rows every
 * report shows them in (LATENCY_ROWS: the summary, the HTML report and the comparison).
 */

import { FIELD_BREAK, fitLine, hangingLines, TEXT_COLUMNS, WORD_BREAK } from '../core/wrap-text.js';
import type { HistogramSummary } from '../model/actors/actor.js';
import { H } from '../model/actors/metric-names.js';
import { type CacheName, cacheLookups } from './cache-lookups.js';
import { formatTime } from './duration.js';
import { measuredAt } from './measured-at.js';
import { percent } from './number-text.js';
import type { LinkFigures, RunResult } from './run-result.js';
import { table } from './summary-text.js';
import { unfinishedText } from './unfinished-text.js';

/** The contention table's rows: histogram name -> label, in reading order. */
export const LATENCY_ROWS: readonly [string, string][] = [
  [H.atsdRegisterWaitTicks, 'ATSD register wait'],
  [H.atsdHoldTicks, 'ATSD register hold'],
  [H.shootdownLatencyTicks, 'shootdown latency'],
  [H.nmmuTranslateTicks, 'nest MMU translation'],
  [H.dmaLatencyTicks, 'DMA latency'],
  [H.peerLatencyTicks, 'peer access latency'],
  [H.tceUnmapLatencyTicks, 'TCE unmap latency'],
  [H.allreduceTicks, 'ring all-reduce'],
];

/** What every contention figure of a free run is (the summary's and the HTML report's words). */
export const FREE_CONTENTION_NOTE =
  'contention (free mode: timing set by real thread races; their lateness in the free mode figures)';

/**
 * Contention: where the machine waited, per socket, per link (the busiest `maxLinks`), then the
 * latencies overall and the caches' hit rates.
 */
export function contentionSection(result: RunResult, maxLinks: number): string[] {
  const out: string[] = [];
  if (result.free !== undefined) out.push(`${FREE_CONTENTION_NOTE}:`);
  out.push(...socketTable(result));
  out.push(...linkTable(result, maxLinks));
  out.push('latencies:');
  out.push(
    `  ${''.padEnd(22)}${['count', 'p50', 'p99', 'p99.9', 'max'].map((h) => h.padStart(10)).join('')}`,
  );
  for (const [name, label] of LATENCY_ROWS) {
    const s = result.contention.latencies[name];
    if (s === undefined) continue;
    out.push(`  ${label.padEnd(22)}${latencyCells(s)}`);
    // The bound a DMA queued behind, as the headline says it (measured-at.ts): under the row, which
    // has no room for it beside the figures.
    const at = measuredAt(name, result);
    if (at !== undefined) out.push(...underRow(`measured with ${at}`));
    const unfinished = unfinishedText(result, name);
    if (unfinished !== undefined) out.push(...underRow(`${unfinished}, not in the row above`));
  }
  out.push(
    `  ATS cache hit rate ${hitRateText(result, 'ats', result.contention.atsHitRate)}   TCE cache hit rate ${hitRateText(result, 'tce', result.contention.tceHitRate)}` +
      `   ATSD registers won at once ${result.counts['atsd.acquiredAtOnce'] ?? 0}`,
  );
  return out;
}

/** Where a latency row's notes start under it: past its label, under its figures. */
const UNDER_ROW = 24;

/**
 * A note under a latency row, at UNDER_ROW, its continuation two columns further in so that it
 * does not read as the next note (`+4 still in flight at the end (3 with their shootdown begun, 1
 * still clearing PTEs), ...` ran to 156 columns): broken after a comma when its parts fit (`not in
 * the row above` whole on a line, not `above` alone), else between words.
 */
function underRow(note: string): string[] {
  return hangingLines(' '.repeat(UNDER_ROW), note, UNDER_ROW + 2, TEXT_COLUMNS, [FIELD_BREAK, WORD_BREAK]);
}

/**
 * A cache's hit rate, or `-` when it had no lookups (a rate of 0/0 is no figure): the summary's
 * and the HTML report's (html-contention.ts).
 */
export function hitRateText(result: RunResult, cache: CacheName, rate: number | null): string {
  return rate === null || cacheLookups(result, cache) === 0 ? '-' : percent(rate);
}

/**
 * The summary's per-socket figures in two tables, each socket's row in both: as one table of ten
 * columns it ran to 132 characters and wrapped in a terminal of 100 (QA). The nest MMU's walks and
 * the TCE cache (how DMA addresses are translated), then the ATSD registers (how translations are
 * shot down); together they hold every column of socketFigures, which the HTML report shows whole.
 */
export const SOCKET_TABLES: readonly (readonly [title: string, columns: readonly string[]])[] = [
  ['nest MMU and TCE cache', ['nMMU xlated', 'faulted', 'nMMU busy', 'nMMU p99', 'TCE hit']],
  ['ATSD registers', ['ATSD launches', 'reg waits', 'wait p99', 'failed tries', 'waiting at end']],
];

function socketTable(result: RunResult): string[] {
  const t = socketFigures(result);
  if (t === undefined) return [];
  return SOCKET_TABLES.flatMap(([title, names]) => {
    const columns = [0, ...names.map((n) => t.header.indexOf(n))];
    const pick = (cells: readonly string[]) => columns.map((c) => cells[c]!);
    return [
      `contention per socket, ${title}:`,
      ...table([pick(t.header), ...t.rows.map(pick)], {
        indent: 2,
        rightAlign: names.map((_, i) => i + 1),
      }),
    ];
  });
}

/**
 * The per-socket contention figures as a header and a row per socket (the first column names the
 * socket): the summary's table and the HTML report's show the same cells. Undefined with no sockets.
 */
export function socketFigures(result: RunResult): { header: string[]; rows: string[][] } | undefined {
  const sockets = result.contention.sockets;
  if (sockets.length === 0) return undefined;
  const header = [
    '',
    // Each walk translated or faulted, never both: past tense for both, so neither reads as the
    // other's total (QA: `301 faults` beside `292 xlates` read as a fault rate of 103 %).
    'nMMU xlated',
    'faulted',
    // The walkers' busy share, like a link's `busy`: the nest MMU saturates before any link can
    // (QA68: stress's walkers 100 % busy beside links 4 %), which no other column shows.
    'nMMU busy',
    'nMMU p99',
    'ATSD launches',
    'reg waits',
    'wait p99',
    // Tries to take a register that found every one this CPU may take held (atsd-unit.ts busySeen):
    // a count of tries, not of time (QA: `reg busy 0` beside a register held for 299 us read as
    // the register never busy).
    'failed tries',
    'TCE hit',
    'waiting at end',
  ];
  const rows = sockets.map((s) => [
    `socket ${s.socket} (${s.chip})`,
    String(s.nmmuTranslations),
    String(s.nmmuFaults),
    // `-` in a result written before the figure existed (0.9.0 and earlier), not a measured 0.
    s.nmmuWalkerUtilisation === undefined ? '-' : percent(s.nmmuWalkerUtilisation),
    s.nmmuTranslations > 0 ? formatTime(s.nmmuP99Ticks) : '-',
    String(s.atsdLaunches),
    String(s.atsdWaits),
    // Over every acquisition: one won at once waited 0, so no wait at all is a p99 of 0, not no figure.
    s.atsdWaits + s.atsdWonAtOnce > 0 ? formatTime(s.atsdWaitP99Ticks) : '-',
    String(s.atsdBusySeen),
    s.tceHits + s.tceMisses > 0 ? percent(s.tceHits / (s.tceHits + s.tceMisses)) : '-',
    // The waits the p99 is not over: CPUs still spinning at the end, and for how long by then.
    (s.atsdWaitingAtEnd ?? 0) > 0
      ? `${s.atsdWaitingAtEnd} (up to ${formatTime(s.atsdLongestWaitAtEndTicks ?? 0)})`
      : '-',
  ]);
  return { header, rows };
}

/**
 * The `n` busiest links that carry the machine's traffic (not the coordinator's control edges),
 * busiest first, ties by label: the summary's table and the HTML report's chart show the same.
 */
export function busiestLinks(result: RunResult, n: number): LinkFigures[] {
  return result.contention.links
    .filter((l) => l.between !== 'control')
    .sort((a, b) => b.utilisation - a.utilisation || (a.label < b.label ? -1 : 1))
    .slice(0, n);
}

/**
 * A link's figures as the summary's table prints them: the HTML report's links table prints the
 * same cells (html-contention.ts), so the page and the terminal never disagree (QA: the page
 * printed bytes as `2.50M` beside the summary's `2499717`).
 */
export function linkCells(l: LinkFigures): {
  busy: string;
  messages: string;
  bytes: string;
  backlogBytes: string;
  queueMean: string;
  queueMax: string;
} {
  return {
    busy: percent(l.utilisation),
    messages: String(l.messages),
    bytes: String(l.bytes),
    // Bytes still queued at the end, which its `bytes` do not count yet: a saturated link's, or
    // messages booked behind a delayed send that had not left (theory-of-operation.md section 9).
    backlogBytes: l.backlogBytes > 0 ? String(l.backlogBytes) : '-',
    // A link nothing crossed has no queueing figure (`-`, as a histogram with no samples).
    queueMean: l.messages === 0 ? '-' : formatTime(l.meanQueueDelayTicks),
    queueMax: l.messages === 0 ? '-' : formatTime(l.maxQueueDelayTicks),
  };
}

function linkTable(result: RunResult, maxRows: number): string[] {
  const all = result.contention.links.filter((l) => l.between !== 'control');
  if (all.length === 0) return [];
  const links = busiestLinks(result, maxRows);
  // `backlog bytes`: a bare `backlog` read as messages (QA).
  const header = ['', 'busy', 'msgs', 'bytes', 'backlog bytes', 'queue mean', 'queue max'];
  const rows = links.map((l) => {
    const c = linkCells(l);
    return [l.label, c.busy, c.messages, c.bytes, c.backlogBytes, c.queueMean, c.queueMax];
  });
  // The JSON's list holds the control edges too: counted here, or `38` read against 54 there (QA).
  const control = result.contention.links.length - all.length;
  // Worded to fit 100 columns (`--json has every link, ... too` ran to 101); fitted all the same
  // for a machine with many more links.
  const controlText = control > 0 ? `, and the coordinator's ${control} control links` : '';
  // Where no link was busy the first ones are no busiest, as the headline says `none busy` (QA).
  const which = all.some((l) => l.utilisation > 0) ? 'busiest' : 'none busy: the first';
  return [
    ...fitLine(
      `contention per link (${which} ${links.length} of ${all.length}; --json has all${controlText}):`,
    ),
    ...table([header, ...rows], { indent: 2, rightAlign: [1, 2, 3, 4, 5, 6] }),
  ];
}

/**
 * One figure of a latency histogram `s` as the summary's latency table and the HTML report's print
 * it. No samples, no percentiles: a histogram that never recorded says `-`, not `0 ps` (which
 * reads as a measured zero wait).
 */
export function latencyCell(s: HistogramSummary, x: number): string {
  return s.count === 0 ? '-' : s.unit === 'ticks' ? formatTime(x) : String(x);
}

function latencyCells(s: HistogramSummary): string {
  const cell = (x: number): string => latencyCell(s, x).padStart(10);
  return `${String(s.count).padStart(10)}${cell(s.p50)}${cell(s.p99)}${cell(s.p999)}${cell(s.max)}`;
}

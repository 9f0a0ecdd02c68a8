/**
 * The `--report` page's contention tables, as the summary's (summary-contention.ts): latencies
 * (with the caches' hit rates under them), contention per socket, and every link by utilisation.
 * Cell for cell the summary's figures, so the page and the terminal never disagree.
 */

import { table } from './html-parts.js';
import { measuredAt } from './measured-at.js';
import type { RunResult } from './run-result.js';
import { hitRateText, LATENCY_ROWS, latencyCell, linkCells, socketFigures } from './summary-contention.js';
import { unfinishedText } from './unfinished-text.js';

export function latencyTable(result: RunResult): string {
  const rows: string[][] = [];
  for (const [name, label] of LATENCY_ROWS) {
    const s = result.contention.latencies[name];
    if (s === undefined) continue;
    // The summary's cells: no samples `-`, not a measured `0 ps`.
    const t = (x: number): string => latencyCell(s, x);
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
      ? table([...head, 'not in the row'], rows, 'latency')
      : table(
          head,
          rows.map((r) => r.slice(0, 8)),
          'latency',
        )) +
    `<p>ATS cache hit rate ${hitRateText(result, 'ats', c.atsHitRate)}, TCE cache hit rate ${hitRateText(result, 'tce', c.tceHitRate)}, ATSD registers won at once ${result.counts['atsd.acquiredAtOnce'] ?? 0}</p>`
  );
}

export function linksTable(result: RunResult): string {
  const rows = [...result.contention.links]
    .sort((a, b) => b.utilisation - a.utilisation)
    .map((l) => {
      // The summary's cells (summary-contention.ts linkCells): bytes whole, as the terminal prints them.
      const c = linkCells(l);
      return [l.label, l.kind, c.messages, c.bytes, c.backlogBytes, c.busy, c.queueMean, c.queueMax];
    });
  return table(
    ['link', 'kind', 'messages', 'bytes', 'backlog bytes', 'busy', 'queue mean', 'queue max'],
    rows,
  );
}

/** The summary's contention per socket (nest MMU, ATSD registers, TCE cache), cell for cell. */
export function socketSection(result: RunResult): string {
  const t = socketFigures(result);
  if (t === undefined) return '';
  return `<h2>Contention per socket</h2>\n${table(['socket', ...t.header.slice(1)], t.rows)}`;
}

/**
 * What npusim's self-contained HTML pages share (`run --report`: html-report.ts; `compare
 * --report`: compare-html.ts; `sweep --report`: sweep-html.ts): escaping, a table that scrolls
 * inside the page, and the page's style. Nothing here fetches anything: each page opens offline.
 */

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function table(head: readonly string[], rows: readonly (readonly string[])[], cls = ''): string {
  const th =
    head.length === 0 ? '' : `<thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n');
  // In a box that scrolls sideways: a wide table (long worker names, a phone's width) stays inside
  // the page instead of pushing it wider than the window (QA).
  return `<div class="table"><table${cls === '' ? '' : ` class="${cls}"`}>${th}<tbody>${body}</tbody></table></div>`;
}

export const PAGE_CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1200px; padding: 0 16px; color: #1a1a1a; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ddd; }
div.table { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: right; font-variant-numeric: tabular-nums; }
th:first-child, td:first-child { text-align: left; }
table.kv td:last-child { text-align: left; font-family: ui-monospace, monospace; }
table.latency td { white-space: nowrap; }
table.latency td:first-child, table.latency td:nth-child(9) { white-space: normal; }
table.latency td:nth-child(9) { min-width: 16em; }
table.latency td:nth-child(9), table.latency th:nth-child(9) { text-align: left; }
.status { font-size: 14px; padding: 2px 8px; border-radius: 4px; background: #eee; }
.status.clean { background: #d8f5d8; } .status.violation, .status.liveness, .status.crash { background: #f8d0d0; }
.status.interrupted { background: #f8ecc8; }
.good { color: #176117; } .bad { color: #a11; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
figure.chart { margin: 0; width: 560px; } figure.chart.wide { width: 100%; }
figcaption { font-weight: 600; margin-bottom: 4px; }
.note, .foot { color: #555; }
pre.answer { font: 13px/1.4 ui-monospace, monospace; background: #f7f7f7; padding: 8px 12px; overflow-x: auto; }
`;

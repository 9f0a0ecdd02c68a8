/**
 * `npusim compare A B --report FILE`: the comparison as one self-contained HTML page, to share in a
 * review. The text's header and footer (format-comparison.ts) above and below a table per section;
 * each row's cells as the text prints them, a socket's and a link's under its name (every socket
 * and link: the text leaves out those where nothing changed), the rows that changed beyond noise marked, and for
 * every judged row a bar of its change in standard errors against its own threshold (3, or a set
 * comparison's Student's t), so what moved is seen at a glance. No script, nothing fetched: it
 * opens offline.
 */
import type { Comparison } from './compare-results.js';
import { type CompareRow, NOISE_SIGMAS } from './compare-row.js';
import { comparisonFooter, comparisonHeader, rowCells, seAndThreshold } from './format-comparison.js';
import { esc, PAGE_CSS } from './html-parts.js';

export function buildCompareHtml(c: Comparison): string {
  const sections = [...new Set(c.rows.map((r) => r.section))];
  const body = sections
    .map(
      (s) =>
        `<h2>${esc(s)}</h2>\n${rowsTable(
          c.rows.filter((r) => r.section === s),
          c.sets !== undefined,
        )}`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>npusim compare: ${c.changed} of ${c.judged} judged figures changed beyond noise</title>
<style>${PAGE_CSS}${COMPARE_CSS}</style>
</head>
<body>
<h1>npusim compare <span class="status ${c.changed > 0 ? 'violation' : 'clean'}">${c.changed} of ${c.judged} changed beyond noise</span></h1>
<pre class="answer">${esc(headerText(c))}</pre>
${body}
<pre class="answer">${esc(comparisonFooter(c).join('\n'))}</pre>
</body>
</html>
`;
}

/**
 * The text's header without its title line when that says nothing more (two results), and
 * without the text's indent; two sets of runs keep theirs (their figures are means).
 */
function headerText(c: Comparison): string {
  const lines = comparisonHeader(c);
  return (lines[0] === 'npusim compare' ? lines.slice(1) : lines)
    .map((l) => l.replace(/^ {2}/, ''))
    .join('\n');
}

function rowsTable(rows: readonly CompareRow[], sets: boolean): string {
  const head = ['figure', 'A', 'B', 'change', '|change| / se, against the threshold', 'verdict'];
  // The bar and verdict columns read from the left, so every bar starts at one place.
  const cls = ['', '', '', '', ' class="left"', ' class="left"'];
  let group: string | undefined;
  const body = rows
    .map((r) => {
      const [figure, a, b, change, verdict] = rowCells(r, sets).map(esc);
      // A socket's or a link's rows under its name, as the text prints them (the page lists all).
      const heading =
        r.group !== undefined && r.group !== group
          ? `<tr class="group"><th colspan="6" class="left">${esc(r.group)}</th></tr>\n`
          : '';
      group = r.group;
      return `${heading}<tr class="${r.verdict === 'changed' ? 'changed' : ''}"><td>${figure}</td><td>${a}</td><td>${b}</td><td>${change}</td><td class="left">${bar(r, sets)}</td><td class="left verdict">${verdict}</td></tr>`;
    })
    .join('\n');
  return `<div class="table"><table><thead><tr>${head.map((h, i) => `<th${cls[i]}>${esc(h)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/**
 * The change in standard errors as a bar against the row's own threshold (the mark, half way: the
 * bar is full at twice it), so a bar past the mark is a `changed` row; nothing for a row not judged.
 */
function bar(r: CompareRow, sets: boolean): string {
  if (r.sigma === undefined || r.change === undefined || r.threshold === undefined) return '';
  const z = r.sigma === 0 ? (r.change === 0 ? 0 : Number.POSITIVE_INFINITY) : Math.abs(r.change) / r.sigma;
  const width = Math.min(1, z / (2 * r.threshold)) * 100;
  // A set row's numbers as its verdict writes them (never `4.6 / 4.62` for a change beyond 4.62).
  const text = !Number.isFinite(z)
    ? 'no spread'
    : sets
      ? seAndThreshold(r).join(' / ')
      : `${z.toFixed(1)} / ${r.threshold.toFixed(r.threshold === NOISE_SIGMAS ? 0 : 2)}`;
  const title = Number.isFinite(z) ? `${text} standard errors` : 'a change where no run moved the figure';
  return `<span class="bar" title="${title}"><span class="fill" style="width:${width.toFixed(1)}%"></span><span class="mark"></span></span> ${text}`;
}

const COMPARE_CSS = `
tr.changed td { background: #fbe3e3; } tr.changed td.verdict { color: #a11; font-weight: 600; }
th.left, td.left { text-align: left; white-space: nowrap; }
/* A verdict's reason wraps in its cell (QA: reasons were cut off past the page's width). */
td.verdict { white-space: normal; min-width: 12em; }
span.bar { display: inline-block; position: relative; width: 120px; height: 10px; background: #eee; vertical-align: middle; }
span.bar .fill { position: absolute; left: 0; top: 0; bottom: 0; background: #7a9cc6; }
tr.changed span.bar .fill { background: #c0392b; }
span.bar .mark { position: absolute; left: 50%; top: -2px; bottom: -2px; width: 2px; background: #333; }
`;

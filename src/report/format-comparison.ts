/**
 * `npusim compare` as text (compare-results.ts makes the comparison): a header naming both runs
 * and what differs between them, one aligned table per section, then how many judged figures
 * changed beyond noise and how noise was judged.
 */

import { fitLine, hangingLines, TEXT_COLUMNS, textWidth } from '../core/wrap-text.js';
import type { Comparison, RunHeader } from './compare-results.js';
import { type CompareRow, NOISE_SIGMAS } from './compare-row.js';
import { formatTime } from './duration.js';
import { bytesText } from './headline.js';
import { compact } from './number-text.js';
import { setHostText } from './set-host-text.js';

/** Files of a set of runs named in the header at most (the last place saying how many more). */
const MAX_SET_FILES = 6;
/** Lines of configuration differences printed at most (the last saying how many more). */
const MAX_DIFFERENCE_LINES = 12;

/**
 * The comparison as text: a header, one table per section, then the count and how noise is judged.
 * Rows of a socket or a link print under it; a socket or link none of whose figures changed
 * beyond noise or is in one run only is left out, and a line says how many were (--json and
 * --report have every row): a machine has dozens of links, six figures each.
 */
export function formatComparison(c: Comparison): string {
  const out = comparisonHeader(c);
  const quietSet = quietGroups(c.rows);
  const shown = c.rows.filter((r) => r.group === undefined || !quietSet.has(groupKey(r)));
  const details: (string | undefined)[] = [];
  const cells = shown.map((r) => {
    const x = rowCells(r, c.sets !== undefined);
    if (r.group !== undefined) x[0] = `  ${x[0]}`;
    const [a, b, detail] = headlineDetail(x[1], x[2]);
    x[1] = a;
    x[2] = b;
    details.push(detail);
    return x;
  });
  // A reason in the verdict column ran lines past 100 columns (QA: 42 of 154 for two stress
  // runs): each row gives a tag, and the legend below the tables each reason once.
  const legend = new ReasonTags();
  shown.forEach((r, i) => {
    const cell = cells[i]!;
    const few = TOO_FEW.exec(r.note);
    if (r.verdict === 'not judged' && few !== null)
      cell[4] = `n/j${legend.tag(TOO_FEW_REASON)} (${few[1]}/${few[2]})`;
    else if (r.verdict === 'not judged') cell[4] = `n/j${legend.tag(r.note)}`;
    else if ((r.verdict === 'only in A' || r.verdict === 'only in B') && r.note !== '')
      cell[4] = `${r.verdict}${legend.tag(r.note)}`;
  });
  const width = [0, 1, 2, 3].map((i) => Math.max(...cells.map((x) => x[i]!.length), 6));
  // A long figure name on a line of its own: one such name pushed every row's numbers right. Two
  // sets' verdicts carry their standard errors (`noise (0.7 se < 4.5)`), and their rows ran to 111
  // columns (QA): the names' column gives up what the row needs to end by TEXT_COLUMNS.
  const verdictWidth = Math.max(0, ...cells.map((x) => textWidth(x[4]!)));
  const numbers = 2 + width[1]! + 2 + width[2]! + 2 + width[3]! + 2;
  width[0] = Math.max(
    MIN_FIGURE_WIDTH,
    Math.min(width[0]!, MAX_FIGURE_WIDTH, TEXT_COLUMNS - 2 - numbers - verdictWidth),
  );
  const quiet = quietCounts(c.rows);
  let section = '';
  let group: string | undefined;
  const leftOut = (sec: string) => {
    const q = quiet.get(sec);
    if (q === undefined || q.quiet === 0) return;
    const what = sec === 'links' ? 'links' : 'sockets';
    const line =
      q.quiet === q.all
        ? `  all ${q.all} ${what}: no figure changed beyond noise or in one run only (--json and --report list them)`
        : `  ${q.quiet} more of ${q.all} ${what} left out: no figure changed beyond noise or in one run only (--json and --report list them)`;
    out.push(...hangingLines('', line, '    '));
  };
  const sections = [...new Set(c.rows.map((r) => r.section))];
  for (const sec of sections) {
    section = sec;
    group = undefined;
    out.push(section);
    shown.forEach((r, i) => {
      if (r.section !== section) return;
      if (r.group !== undefined && r.group !== group) {
        group = r.group;
        out.push(`  ${group}`);
      }
      let [f, a, b, ch, v] = cells[i]!;
      if (f!.length > width[0]!) {
        out.push(`  ${f}`);
        f = f!.startsWith('  ') ? '  ' : '';
      }
      out.push(
        `  ${f!.padEnd(width[0]!)}  ${a!.padStart(width[1]!)}  ${b!.padStart(width[2]!)}  ${ch!.padStart(width[3]!)}  ${v}`,
      );
      if (details[i] !== undefined) out.push(...hangingLines('      ', details[i]!, 8));
    });
    leftOut(section);
    // A headline rate's cells print the workload's own text (`19.66M/s`), per simulated second, a
    // section above the engine's `events per second` of wall time (QA: the summary says so, compare
    // did not).
    if (
      section === 'headline' &&
      c.rows.some(
        (r) => r.section === 'headline' && (r.unit === 'per-second' || r.unit === 'bytes-per-second'),
      )
    )
      out.push('  (/s: per second of simulated time)');
  }
  out.push(...legend.lines());
  out.push(...comparisonFooter(c));
  return `${out.join('\n')}\n`;
}

/**
 * A percentile's or a mean's reason (compare-row.ts percentileRow, meanRow): one tag for all, its
 * numbers in the row.
 */
const TOO_FEW = /^too few samples \((\d+)\): needs (\d+)$/;
const TOO_FEW_REASON =
  'too few samples (n/needed): a mean needs 2 in both runs, a percentile 5 beyond it (a p99 500)';

/**
 * The reasons of the rows the text prints, each tagged once in the order first met (`n/j¹`: not
 * judged, reason 1), and the legend that gives them below the tables. --json and --report keep
 * each row's reason whole (`note`).
 */
class ReasonTags {
  private readonly reasons: string[] = [];

  /** The superscript tag of `reason`, a new one if it is new. */
  tag(reason: string): string {
    let i = this.reasons.indexOf(reason);
    if (i < 0) i = this.reasons.push(reason) - 1;
    return superscript(i + 1);
  }

  /** The legend: `n/j: not judged;` then each reason by its tag, wrapped to TEXT_COLUMNS (its tables' numbers end by column 80). */
  lines(): string[] {
    if (this.reasons.length === 0) return [];
    const out = [
      'n/j: not judged (--json and --report give each row its reason); the reasons by their tags:',
    ];
    this.reasons.forEach((reason, i) => {
      out.push(...hangingLines('', `  ${superscript(i + 1)} ${reason}`, '     '));
    });
    return out;
  }
}

const SUPERSCRIPT_DIGITS = '⁰¹²³⁴⁵⁶⁷⁸⁹';

function superscript(n: number): string {
  return [...String(n)].map((d) => SUPERSCRIPT_DIGITS[Number(d)]).join('');
}

/** Figure names longer than this print on a line of their own, the row's numbers below. */
const MAX_FIGURE_WIDTH = 36;
/** The names' column never narrower than this, whatever the numbers and verdicts take. */
const MIN_FIGURE_WIDTH = 16;

/**
 * A headline's A and B as its workload prints them, a figure and what it is of in brackets
 * (`1.9% (gpu3->chip1 nvlink x2)`, `4.362 us (at most 64 outstanding per GPU)`, `no samples (+4
 * still in flight ...)`): the figure in its column, what it is of on a line below
 * (`A: gpu3->chip1 nvlink x2, B: gpu0->chip0 nvlink x2`), so that one long text does not
 * widen the A and B columns of every row (QA: 28 characters each, every line past 100 columns).
 */
function headlineDetail(a: string, b: string): [string, string, string | undefined] {
  // Up to the first bracket: a figure may be words (`no samples (+4 still in flight at the end,
  // ...)` widened both columns to 70 characters, every row to 207 columns) or have a unit.
  const split = (t: string) => /^([^(]+?) \((.+)\)$/.exec(t);
  const ma = split(a);
  const mb = split(b);
  if (ma === null && mb === null) return [a, b, undefined];
  const of = (m: RegExpExecArray | null) => m?.[2] ?? '-';
  const detail = of(ma) === of(mb) ? `both: ${of(ma)}` : `A: ${of(ma)}, B: ${of(mb)}`;
  return [ma?.[1] ?? a, mb?.[1] ?? b, detail];
}

function groupKey(r: CompareRow): string {
  return `${r.section}\u0000${r.group}`;
}

/** The sockets and links none of whose rows changed beyond noise or is in one run only. */
function quietGroups(rows: readonly CompareRow[]): Set<string> {
  const loud = new Set<string>();
  const all = new Set<string>();
  for (const r of rows) {
    if (r.group === undefined) continue;
    all.add(groupKey(r));
    if (r.verdict === 'changed' || r.verdict === 'only in A' || r.verdict === 'only in B')
      loud.add(groupKey(r));
  }
  return new Set([...all].filter((k) => !loud.has(k)));
}

/** Per section with groups: how many groups, and how many of them quiet (left out of the text). */
function quietCounts(rows: readonly CompareRow[]): Map<string, { all: number; quiet: number }> {
  const quiet = quietGroups(rows);
  const counts = new Map<string, { all: number; quiet: number }>();
  for (const k of new Set(rows.filter((r) => r.group !== undefined).map(groupKey))) {
    const sec = k.split('\u0000')[0]!;
    const c = counts.get(sec) ?? { all: 0, quiet: 0 };
    c.all++;
    if (quiet.has(k)) c.quiet++;
    counts.set(sec, c);
  }
  return counts;
}

/** The lines above the tables: both runs (or sets), what differs between them, and what that means. */
export function comparisonHeader(c: Comparison): string[] {
  const out: string[] = [];
  // A long path fits as fitLine fits a line: broken after a comma, else between words, never cut.
  const run = (tag: string, h: RunHeader) =>
    fitLine(
      `  ${tag}: ${h.file}  ${h.workload} seed ${h.seed} ${h.host}, ${formatTime(h.simulatedTicks)}, ${h.status}, digest ${h.digest}`,
    );
  if (c.sets === undefined && 'seed' in c.a && 'seed' in c.b)
    out.push('npusim compare', ...run('A', c.a), ...run('B', c.b));
  else if (c.sets !== undefined)
    out.push(
      "npusim compare (two sets of runs: each figure is the mean over a set's runs)",
      ...setLines(c.sets),
    );
  if (c.differences.length === 0) out.push('  same configuration');
  else {
    // A different topology can differ in dozens of fields; the first few say what the experiment
    // is, and --json has them all.
    const shown =
      c.differences.length > MAX_DIFFERENCE_LINES ? MAX_DIFFERENCE_LINES - 1 : c.differences.length;
    out.push('  differ in (A -> B):', ...c.differences.slice(0, shown).flatMap((d) => fitLine(`    ${d}`)));
    if (shown < c.differences.length)
      out.push(`    ... and ${c.differences.length - shown} more (npusim compare --json lists them all)`);
  }
  // Two sets are the same runs seed by seed (each seed's run the same events in both): said of
  // two directories as of one named twice (QA: a copy of a set was compared without a word).
  const same =
    c.sets === undefined
      ? 'the two runs are the same events (same event digest)'
      : "A and B are the same runs, seed by seed (each seed's run has the same event digest in both)";
  // Each line fitted as the runs' lines are: what they say of the runs ran to 259 columns (QA).
  const say = (line: string) => out.push(...fitLine(`  ${line}`));
  if (c.sameFiles === true)
    say('A and B are the same files: every change below is zero, and says nothing of the runs');
  else if (c.identical) say(`${same}: every change below is zero`);
  else if (c.sameEvents && c.pastStop)
    say(
      `${same} up to where they stopped, but actors of a threaded run handle events past the stop before they hear of it, and its counts, latencies, links and conservation count them: a change below is that, not the run`,
    );
  else if (c.sameEvents)
    say(
      c.sets === undefined
        ? `${same} read by two npusim versions: a change below is in how a version reads a figure, not in the run`
        : `${same}, read by other npusim versions: a change below is in how a version reads a figure, not in the runs`,
    );
  return out;
}

/**
 * A row's cells as the text prints them: figure, A, B, the change, the verdict. `sets`: a row of
 * two sets of runs, whose verdict says its change in standard errors against its own threshold.
 */
export function rowCells(r: CompareRow, sets = false): [string, string, string, string, string] {
  const text = (i: 0 | 1, v: number | undefined) => r.text?.[i] ?? value(r, v);
  return [r.figure, text(0, r.a), text(1, r.b), changeText(r), verdictText(r, sets)];
}

/** The lines below the tables: how many judged figures changed, and how noise was judged. */
export function comparisonFooter(c: Comparison): string[] {
  if (c.sets === undefined) {
    return [
      `${c.changed} of ${c.judged} judged figures changed beyond noise (|B - A| > ${NOISE_SIGMAS} standard errors of the change).`,
      'noise: counts are Poisson (sqrt(n)), byte totals by their operations (total/sqrt(ops)), means',
      '  stddev/sqrt(N), percentiles from 95 % order-statistic intervals, hit rates binomial, link',
      "  utilisation u/sqrt(messages), a nest MMU's busy share u/sqrt(walks); a socket's p99 changed where",
      "  the two runs' 99.73 % order-statistic intervals (in the result) do not overlap. Maxes, a link's",
      '  backlog, its queue mean (messages queue in bursts: no per-message model holds), the headline (read',
      '  from figures judged in their own rows) and engine (wall-clock) figures are not judged; all but the',
      '  last two are judged between sets of seeds, by their spread. These models miss what a seed moves',
      '  as a whole (where pages lie, when unmaps fall): compare sets of seeds (npusim compare DIR_A DIR_B)',
      '  to measure it.',
      ...seedNote(c),
    ];
  }
  return setsFooter(c, c.sets);
}

/** How the runs were hosted: a difference that leaves the events as they were. */
const HOSTING = /^(host|placement): /;

/**
 * Two runs of different seeds: say what the flagged rows may be. The models above count a run's
 * samples, not what a seed moves as a whole: at 0.10.0 the ten pairs of `stress` seeds 1 to 5
 * (200 us) flagged 4.3 % of their figures, not the 0.27 % the models promise (README, "Traces,
 * reports and comparisons"), and seeds 1 and 2 alone 17 rows, each of them the seed's.
 */
function seedNote(c: Comparison): string[] {
  const seed = c.differences.find((d) => d.startsWith('seed: '));
  if (seed === undefined || c.changed === 0) return [];
  const alone = c.differences.every((d) => d === seed || HOSTING.test(d));
  // The seeds themselves are in the header's `differ in` list; these lines fit 100 columns.
  return alone
    ? [
        'note: A and B differ in their seed alone: each row flagged is what the seed moved, not a change;',
        '  sets of seeds (npusim sweep --results DIR, then npusim compare DIR_A DIR_B) tell the two apart.',
      ]
    : [
        'note: A and B differ in their seed too: some rows flagged may be what the seed moved; run both',
        '  configurations over sets of seeds (npusim sweep --results DIR) and compare the sets to tell.',
      ];
}

/**
 * The footer of two sets of runs. Each row has its own threshold (compare-sets.ts): Student's t
 * at that row's Welch-Satterthwaite degrees of freedom, which lie between min(n_A, n_B) - 1 (one
 * set's spread outweighs the other's) and n_A + n_B - 2 (both spread alike); so the footer gives
 * their range over the rows, as the rows give each (QA: it read "beyond Student's t standard
 * errors", no number, and README's 4.3 was only the lowest).
 */
function setsFooter(c: Comparison, sets: NonNullable<Comparison['sets']>): string[] {
  const nA = sets.a.length;
  const nB = sets.b.length;
  // A figure no run moved has no spread, hence no t: any difference is beyond noise.
  const ts = c.rows
    .filter((r) => (r.verdict === 'changed' || r.verdict === 'noise') && r.sigma! > 0)
    .map((r) => r.threshold!);
  const low = Math.min(...ts).toFixed(2);
  const high = Math.max(...ts).toFixed(2);
  const range = ts.length === 0 ? '' : low === high ? `, t ${low}` : `, t from ${low} to ${high} by figure`;
  const same = c.sameInEveryRun ?? 0;
  const dofLow = Math.min(nA, nB) - 1;
  const dofHigh = nA + nB - 2;
  const dof = dofLow === dofHigh ? `${dofLow}` : `${dofLow} to ${dofHigh}`;
  // Each a paragraph wrapped to TEXT_COLUMNS (they ran to 130 columns; QA).
  const paragraph = (text: string) => hangingLines('', text, 2);
  return [
    ...paragraph(
      `${c.changed} of ${c.judged} judged figures changed beyond noise (|mean B - mean A| > t standard errors, Welch's test${range}).`,
    ),
    ...(same === 0
      ? []
      : paragraph(
          `${same} more ${same === 1 ? 'has' : 'have'} one value in every run of both sets (such as 0, what the workload never does): not judged.`,
        )),
    ...paragraph(
      `noise: se = sqrt(s_A^2/n_A + s_B^2/n_B), s a figure's spread over a set's runs; t is the quantile of Student's t that leaves the two-sided 0.27 % that ${NOISE_SIGMAS} standard errors leave under a normal, at the figure's Welch-Satterthwaite degrees of freedom (${dof} with ${nA} and ${nB} runs: ${dofHigh} where the sets spread alike, fewer, and a larger t, as one set's spread outweighs the other's). A figure no run moved that differs between the sets is beyond noise (no spread); maxes, a socket's p99s and a link's backlog are judged as any figure, by their spread; engine figures are not.`,
    ),
  ];
}

function value(r: CompareRow, v: number | undefined): string {
  if (v === undefined) return '-';
  switch (r.unit) {
    case 'bytes':
    // Per simulated ms: the figure's name says so (`dma.bytes per simulated ms`), the cell as a total's.
    case 'bytes-per-simulated-ms':
      return `${decimalText(v)} B`;
    case 'ticks':
      return formatTime(v);
    case 'ratio':
      // As the summary and the HTML report print it (one decimal); the change, in pts, has two.
      return `${shownDecimals(v * 100, 1)}%`;
    case 'ms':
      return `${v.toFixed(0)} ms`;
    case 'per-second':
      return compact(v);
    case 'bytes-per-second':
      // A headline's rate (no other row has this unit), spelt as the headline spells it.
      return `${bytesText(v)}/s`;
    default:
      // A count, a headline's as any (a headline's rate per second has its own unit), and a count
      // per simulated ms, whose figure's name says so.
      return decimalText(v);
  }
}

/**
 * `x` to `decimals` places, as the summary prints it; one that is not 0 but would print as 0 there
 * (a link's 0.0016 % busy, a change of 0.0049 pts) to two significant digits instead (`0.0016`),
 * so a row flagged CHANGED never reads `0.0% 0.0% +0.00 pts` (QA: coordinator->chip0 control of
 * two atsd-deadlock seeds).
 */
function shownDecimals(x: number, decimals: number): string {
  const text = x.toFixed(decimals);
  if (x === 0 || Number(text) !== 0) return text;
  return x.toFixed(Math.min(100, 1 - Math.floor(Math.log10(Math.abs(x)))));
}

/**
 * A count or a mean of counts: whole numbers as they are, others to five significant digits (one
 * decimal from 10^4 up) without trailing zeros, so a mean that is whole but for rounding reads `5`,
 * not `5.0000`, and a large one is not written in exponent form.
 */
export function decimalText(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const text = Math.abs(v) >= 1e4 ? v.toFixed(1) : v.toPrecision(5);
  return text.includes('e') ? text : text.replace(/\.?0+$/, '');
}

/**
 * A row's change, every section's alike: absolute in the row's unit (a percentage's in points, to
 * two decimals), then relative in brackets where A is not 0 (`-1.58 pts (-7.2%)`; from 0, `+2`).
 * A headline's change too, in its figure's unit (QA: it printed the relative change alone, which
 * read as points for a percentage, and nothing for a change from 0).
 */
function changeText(r: CompareRow): string {
  if (r.change === undefined) return '';
  const sign = r.change >= 0 ? '+' : '';
  const abs =
    r.unit === 'ticks'
      ? `${r.change >= 0 ? '+' : '-'}${formatTime(Math.abs(r.change))}`
      : r.unit === 'ratio'
        ? `${sign}${shownDecimals(r.change * 100, 2)} pts`
        : `${sign}${value(r, r.change)}${perSecondOfText(r)}`;
  // To one decimal, as a percentage prints; a change that is not 0 but would print as 0 to two
  // significant digits (QA: `-0.01 pts (-0.0%)` for 99.4 % to 99.4 %; now `(-0.010%)`).
  const rel =
    r.changeRatio === undefined
      ? ''
      : ` (${r.changeRatio >= 0 ? '+' : ''}${shownDecimals(r.changeRatio * 100, 1)}%)`;
  return `${abs}${rel}`;
}

/**
 * `/s` after a headline rate's change, whose cells print the workload's own text (`19.43M/s`), so
 * the change reads in their unit (QA: `19.43M/s 19.33M/s -100.0k`); an engine rate's figure names
 * its unit (`events per second`) and its cells are bare.
 */
function perSecondOfText(r: CompareRow): string {
  return r.unit === 'per-second' && r.text !== undefined ? '/s' : '';
}

/**
 * A change in standard errors: one decimal below 100, whole from 100 (`103 se`, not `102.9 se`),
 * so a row of a far-moved figure keeps its width (a 100-column row ran to 101 at `102.9 se`).
 */
function seText(se: number): string {
  return se < 99.95 ? se.toFixed(1) : se.toFixed(0);
}

function verdictText(r: CompareRow, sets: boolean): string {
  switch (r.verdict) {
    case 'changed':
      // A figure no run of either set moved has no spread to measure a change in (not `Infinity se`).
      if (r.sigma === 0) return 'CHANGED (no spread)';
      return sets
        ? `CHANGED (${againstThreshold(r)})`
        : `CHANGED (${seText(Math.abs(r.change!) / r.sigma!)} se)`;
    case 'noise':
      // Two sets: each row's threshold is its own (Student's t), so each says it, as --json's note.
      return sets && r.sigma! > 0 ? `noise (${againstThreshold(r)})` : 'noise';
    case 'not judged':
      return `not judged: ${r.note}`;
    default:
      // `only in A`/`only in B`: a socket or link of one topology, a figure one result lacks.
      return r.note === '' ? r.verdict : `${r.verdict}: ${r.note}`;
  }
}

/** A row's change in standard errors against its threshold, `5.1 se > 4.6`. */
function againstThreshold(r: CompareRow): string {
  const [z, t] = seAndThreshold(r);
  const sign = r.verdict === 'changed' ? '>' : '<';
  return `${z} se ${sign} ${t}`;
}

/**
 * A judged row's |change| / se and its threshold as text, to one decimal, or more where one
 * decimal would print the two equal or the wrong way round (4.63 against 4.62): the text's
 * verdict and the page's bar (compare-html.ts) write them alike.
 */
export function seAndThreshold(r: CompareRow): [string, string] {
  const z = Math.abs(r.change!) / r.sigma!;
  const t = r.threshold!;
  for (const digits of [1, 2, 3]) {
    const [zt, tt] = [z.toFixed(digits), t.toFixed(digits)];
    if (zt !== tt && Number(zt) > Number(tt) === z > t) return [zt, tt];
  }
  return [z.toFixed(3), t.toFixed(3)];
}

/** The runs of each set: the files, the seeds, and what the runs share. */
function setLines(sets: NonNullable<Comparison['sets']>): string[] {
  const line = (tag: string, runs: readonly RunHeader[]) => {
    const h = runs[0]!;
    const seeds = runs.map((r) => r.seed).join(',');
    const statuses = [...new Set(runs.map((r) => r.status))].join('/');
    const hosts = setHostText(runs.map((r) => r.host));
    return `  ${tag}: ${runs.length} runs, ${h.workload} seeds ${seeds} ${hosts}, ${formatTime(h.simulatedTicks)}, ${statuses}`;
  };
  // The files say where the runs came from; --json lists every one.
  const files = (tag: string, runs: readonly RunHeader[]) => {
    const shown = runs.length > MAX_SET_FILES ? MAX_SET_FILES - 1 : runs.length;
    const more = runs.length > shown ? ` ... and ${runs.length - shown} more` : '';
    // Wrapped under the first file (five paths of a set ran to 119 columns; QA), never within one.
    const head = `     ${tag} files: `;
    return hangingLines(
      head,
      `${runs
        .slice(0, shown)
        .map((r) => r.file)
        .join(' ')}${more}`,
      head.length,
    );
  };
  return [
    ...fitLine(line('A', sets.a)),
    ...files('A', sets.a),
    ...fitLine(line('B', sets.b)),
    ...files('B', sets.b),
  ];
}

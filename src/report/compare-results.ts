/**
 * `npusim compare A.json B.json`: two run results side by side, the change of each figure, and
 * whether the change is larger than the figure moves between seeds of the same run (noise).
 *
 * How noise is judged. A run is deterministic: the same workload, seed and options give the same
 * figures, to the event. What varies is the seed, so "noise" is how much a figure moves between
 * seeds of one configuration: sampling noise. A change is called beyond noise when it exceeds
 * three standard errors of the difference, |B - A| > 3 sqrt(se_A^2 + se_B^2), with each
 * figure's standard error from its own sampling model:
 *
 * | figure                          | model                         | standard error              |
 * |---------------------------------|-------------------------------|-----------------------------|
 * | a count (counters, samples, ...)| Poisson: events in a window   | sqrt(n), per simulated time |
 * | mean latency                    | mean of N samples             | stddev / sqrt(N)            |
 * | p50, p99, p99.9 latency         | order statistics: 95 % interval on the rank, N p -/+ 1.96 sqrt(N p (1-p)) | interval width / (2 x 1.96) |
 * | cache hit rate                  | binomial proportion           | sqrt(p (1-p) / n)           |
 * | link utilisation                | busy time ~ its message count | u / sqrt(messages)          |
 *
 * A percentile is judged only with at least 5 samples beyond it in both runs (N (1 - p) >= 5: a
 * p99 needs 500 samples), where the normal approximation holds; below that it is the tail's
 * last few samples, like a max. Counts from runs of different simulated lengths are compared
 * per simulated millisecond. Three
 * standard errors rather than two because a run's samples are not independent (a burst makes
 * neighbouring latencies alike, so the iid errors above are too small) and because a comparison
 * asks about many figures at once: at 3 standard errors a figure that did not change is called
 * changed about 3 times in 1000. Min and max are single samples (no noise model: not judged);
 * engine figures (wall time, events per second, rings, workers) depend on the machine and its
 * load, not on the model, and are never judged.
 */
import { ConfigError } from '../core/errors.js';
import { parseJson } from '../core/parse-json.js';
import type { HistogramSummary } from '../model/actors/actor.js';
import { formatTime } from './duration.js';
import { compact } from './number-text.js';
import { RESULT_SCHEMA_VERSION, type RunResult } from './run-result.js';
import { LATENCY_ROWS, violationTotal } from './summary.js';

/** Standard errors a change must exceed to be called beyond noise. */
export const NOISE_SIGMAS = 3;
/** Samples a percentile needs beyond it (N (1 - p)) before its interval is trusted. */
const MIN_SAMPLES_BEYOND = 5;
const Z_95 = 1.959964;

export type Verdict = 'changed' | 'noise' | 'not judged' | 'only in A' | 'only in B';

export interface CompareRow {
  section: 'run' | 'counts' | 'latencies' | 'rates' | 'links' | 'engine';
  figure: string;
  a: number | undefined;
  b: number | undefined;
  /** b - a, when both are numbers. */
  change: number | undefined;
  /** (b - a) / a, when a is not 0. */
  changeRatio: number | undefined;
  /** The standard error of the change; undefined when not judged. */
  sigma: number | undefined;
  verdict: Verdict;
  /** Why a figure was not judged, or how it was. */
  note: string;
  unit: 'count' | 'ticks' | 'ratio' | 'ms' | 'per-second';
}

export interface Comparison {
  a: RunHeader;
  b: RunHeader;
  /** Configuration that differs (what the comparison is an experiment on). */
  differences: string[];
  /** The two runs are the same events (same event digest). */
  identical: boolean;
  rows: CompareRow[];
  judged: number;
  changed: number;
}

export interface RunHeader {
  file: string;
  workload: string;
  seed: number;
  host: string;
  status: string;
  simulatedTicks: number;
  digest: string;
}

export function compareResults(fileA: string, a: RunResult, fileB: string, b: RunResult): Comparison {
  const rows: CompareRow[] = [];
  const msA = a.simulatedTicks / 1e9;
  const msB = b.simulatedTicks / 1e9;
  const perTime = a.simulatedTicks !== b.simulatedTicks && msA > 0 && msB > 0;

  rows.push(notJudged('run', 'simulated time', a.simulatedTicks, b.simulatedTicks, 'ticks', 'what was run'));
  rows.push(countRow('run', 'violations', violationTotal(a), violationTotal(b), perTime, msA, msB));
  rows.push(countRow('run', 'liveness failures', a.liveness.length, b.liveness.length, perTime, msA, msB));

  for (const name of union(Object.keys(a.counts), Object.keys(b.counts))) {
    rows.push(countRow('counts', name, a.counts[name], b.counts[name], perTime, msA, msB));
  }

  const latencyNames = union(Object.keys(a.contention.latencies), Object.keys(b.contention.latencies));
  const label = new Map(LATENCY_ROWS);
  for (const name of latencyNames) {
    const sa = a.contention.latencies[name];
    const sb = b.contention.latencies[name];
    const l = label.get(name) ?? name;
    rows.push(countRow('latencies', `${l}: samples`, sa?.count, sb?.count, perTime, msA, msB));
    if ((sa?.count ?? 0) === 0 && (sb?.count ?? 0) === 0) continue; // no samples in either run
    rows.push(
      meanRow(
        l,
        sa,
        sb,
        a.contention.latencyNoise?.[name]?.meanSe,
        b.contention.latencyNoise?.[name]?.meanSe,
      ),
    );
    for (const [p, q] of [
      ['p50', 0.5],
      ['p99', 0.99],
      ['p999', 0.999],
    ] as const) {
      const figure = `${l}: ${p === 'p999' ? 'p99.9' : p}`;
      // The interval on a rank is a normal approximation: it needs a few samples beyond the
      // percentile. A p99 of 20 samples is their maximum, which has no noise model.
      const fewest = Math.min(sa?.count ?? 0, sb?.count ?? 0);
      if (sa !== undefined && sb !== undefined && fewest * (1 - q) < MIN_SAMPLES_BEYOND) {
        rows.push(
          notJudged(
            'latencies',
            figure,
            sa[p],
            sb[p],
            'ticks',
            `too few samples (${fewest}): needs ${Math.ceil(MIN_SAMPLES_BEYOND / (1 - q))}`,
          ),
        );
        continue;
      }
      rows.push(
        percentileRow(
          figure,
          sa === undefined || sa.count === 0 ? undefined : sa[p],
          sb === undefined || sb.count === 0 ? undefined : sb[p],
          a.contention.latencyNoise?.[name]?.[p],
          b.contention.latencyNoise?.[name]?.[p],
        ),
      );
    }
    rows.push(notJudged('latencies', `${l}: max`, sa?.max, sb?.max, 'ticks', 'one sample: no noise model'));
  }

  rows.push(
    rateRow(
      'ATS cache hit rate',
      a,
      b,
      'ats.hits',
      'ats.misses',
      a.contention.atsHitRate,
      b.contention.atsHitRate,
    ),
  );
  rows.push(
    rateRow(
      'TCE cache hit rate',
      a,
      b,
      'tce.hits',
      'tce.misses',
      a.contention.tceHitRate,
      b.contention.tceHitRate,
    ),
  );

  const linksA = new Map(a.contention.links.map((l) => [l.label, l]));
  const linksB = new Map(b.contention.links.map((l) => [l.label, l]));
  for (const labelName of union([...linksA.keys()], [...linksB.keys()])) {
    const la = linksA.get(labelName);
    const lb = linksB.get(labelName);
    const sigma =
      la === undefined || lb === undefined
        ? undefined
        : Math.sqrt(
            la.utilisation ** 2 / Math.max(1, la.messages) + lb.utilisation ** 2 / Math.max(1, lb.messages),
          );
    rows.push(
      judged(
        'links',
        `${labelName}: utilisation`,
        la?.utilisation,
        lb?.utilisation,
        sigma,
        'ratio',
        'u / sqrt(messages)',
      ),
    );
  }

  const e = (r: RunResult) => r.engine;
  rows.push(notJudged('engine', 'wall time', a.wallMs, b.wallMs, 'ms', 'machine-dependent'));
  rows.push(
    notJudged(
      'engine',
      'events per second',
      e(a).eventsPerSecond,
      e(b).eventsPerSecond,
      'per-second',
      'machine-dependent',
    ),
  );
  rows.push(
    notJudged(
      'engine',
      'simulated ns per wall second',
      e(a).simulatedNsPerWallSecond,
      e(b).simulatedNsPerWallSecond,
      'per-second',
      'machine-dependent',
    ),
  );
  rows.push(
    notJudged('engine', 'events', e(a).events, e(b).events, 'count', 'the run itself: see the counts'),
  );

  const differences: string[] = [];
  const ca = a.config;
  const cb = b.config;
  if (a.workload !== b.workload) differences.push(`workload ${a.workload} / ${b.workload}`);
  if (a.seed !== b.seed) differences.push(`seed ${a.seed} / ${b.seed}`);
  if (a.host !== b.host) differences.push(`host ${a.host} / ${b.host}`);
  if (ca?.params?.topology !== cb?.params?.topology)
    differences.push(`topology ${ca?.params?.topology} / ${cb?.params?.topology}`);
  if (ca?.params?.policy !== cb?.params?.policy)
    differences.push(`policy ${ca?.params?.policy} / ${cb?.params?.policy}`);
  const bugs = (r: RunResult) => [...(r.config?.bugs ?? [])].sort().join(',');
  if (bugs(a) !== bugs(b)) differences.push(`bugs [${bugs(a)}] / [${bugs(b)}]`);
  if (a.simulatedTicks !== b.simulatedTicks) {
    differences.push(
      `simulated ${formatTime(a.simulatedTicks)} / ${formatTime(b.simulatedTicks)} (counts compared per simulated ms)`,
    );
  }
  const judgedRows = rows.filter((r) => r.verdict === 'changed' || r.verdict === 'noise');
  return {
    a: header(fileA, a),
    b: header(fileB, b),
    differences,
    identical: a.eventDigest !== '' && a.eventDigest === b.eventDigest,
    rows,
    judged: judgedRows.length,
    changed: judgedRows.filter((r) => r.verdict === 'changed').length,
  };
}

function header(file: string, r: RunResult): RunHeader {
  return {
    file,
    workload: r.workload,
    seed: r.seed,
    host: r.host,
    status: r.status,
    simulatedTicks: r.simulatedTicks,
    digest: r.digest,
  };
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

function base(
  section: CompareRow['section'],
  figure: string,
  a: number | undefined,
  b: number | undefined,
  unit: CompareRow['unit'],
): Omit<CompareRow, 'sigma' | 'verdict' | 'note'> {
  const change = a === undefined || b === undefined ? undefined : b - a;
  return {
    section,
    figure,
    a,
    b,
    change,
    changeRatio: change === undefined || a === 0 || a === undefined ? undefined : change / a,
    unit,
  };
}

function judged(
  section: CompareRow['section'],
  figure: string,
  a: number | undefined,
  b: number | undefined,
  sigma: number | undefined,
  unit: CompareRow['unit'],
  how: string,
): CompareRow {
  const row = base(section, figure, a, b, unit);
  if (a === undefined) return { ...row, sigma: undefined, verdict: 'only in B', note: '' };
  if (b === undefined) return { ...row, sigma: undefined, verdict: 'only in A', note: '' };
  if (sigma === undefined)
    return { ...row, sigma, verdict: 'not judged', note: 'no noise figure in a result' };
  const change = row.change!;
  // A change of zero is never beyond noise, even where the noise model gives zero (two constants).
  const beyond = change !== 0 && Math.abs(change) > NOISE_SIGMAS * sigma;
  return { ...row, sigma, verdict: beyond ? 'changed' : 'noise', note: how };
}

function notJudged(
  section: CompareRow['section'],
  figure: string,
  a: number | undefined,
  b: number | undefined,
  unit: CompareRow['unit'],
  why: string,
): CompareRow {
  return { ...base(section, figure, a, b, unit), sigma: undefined, verdict: 'not judged', note: why };
}

/** Counts are Poisson: se(n) = sqrt(n); per simulated ms when the runs' lengths differ. */
function countRow(
  section: CompareRow['section'],
  figure: string,
  a: number | undefined,
  b: number | undefined,
  perTime: boolean,
  msA: number,
  msB: number,
): CompareRow {
  if (!perTime || a === undefined || b === undefined) {
    const sigma = a === undefined || b === undefined ? undefined : Math.sqrt(a + b);
    return judged(section, figure, a, b, sigma, 'count', 'Poisson: sqrt(n)');
  }
  const ra = a / msA;
  const rb = b / msB;
  const sigma = Math.sqrt(a / msA ** 2 + b / msB ** 2);
  return judged(section, `${figure} per simulated ms`, ra, rb, sigma, 'count', 'Poisson: sqrt(n) / time');
}

function meanRow(
  label: string,
  a: HistogramSummary | undefined,
  b: HistogramSummary | undefined,
  seA: number | undefined,
  seB: number | undefined,
): CompareRow {
  const mean = (s: HistogramSummary | undefined) => (s === undefined || s.count === 0 ? undefined : s.mean);
  const sigma = seA === undefined || seB === undefined ? undefined : Math.sqrt(seA ** 2 + seB ** 2);
  return judged('latencies', `${label}: mean`, mean(a), mean(b), sigma, 'ticks', 'stddev / sqrt(N)');
}

function percentileRow(
  figure: string,
  a: number | undefined,
  b: number | undefined,
  ia: [number, number] | undefined,
  ib: [number, number] | undefined,
): CompareRow {
  const se = (i: [number, number]) => (i[1] - i[0]) / (2 * Z_95);
  const sigma = ia === undefined || ib === undefined ? undefined : Math.sqrt(se(ia) ** 2 + se(ib) ** 2);
  return judged('latencies', figure, a, b, sigma, 'ticks', '95 % order-statistic interval');
}

function rateRow(
  figure: string,
  a: RunResult,
  b: RunResult,
  hits: string,
  misses: string,
  rateA: number,
  rateB: number,
): CompareRow {
  const n = (r: RunResult) => (r.counts[hits] ?? 0) + (r.counts[misses] ?? 0);
  const na = n(a);
  const nb = n(b);
  if (na === 0 && nb === 0)
    return notJudged('rates', figure, rateA, rateB, 'ratio', 'no lookups in either run');
  const v = (p: number, k: number) => (k === 0 ? 0 : (p * (1 - p)) / k);
  return judged(
    'rates',
    figure,
    rateA,
    rateB,
    Math.sqrt(v(rateA, na) + v(rateB, nb)),
    'ratio',
    'binomial: sqrt(p (1-p) / n)',
  );
}

/**
 * A run result read from JSON, checked enough to compare: every field the comparison reads, with
 * its type. Anything else is refused with a ConfigError naming the file and the field (exit 2).
 */
export function parseRunResult(text: string, file: string): RunResult {
  const value = parseJson(
    text,
    file,
    'a run result (JSON, from `npusim run --out FILE`)',
    'text that is not JSON',
  );
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new ConfigError(`${file}: ${field}`, `Expected ${expected}, got ${describe(got)}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('(top level)', 'a run result object (`npusim run --out FILE`)', value);
  }
  const r = value as Record<string, unknown>;
  if (r.schemaVersion !== RESULT_SCHEMA_VERSION) {
    fail('schemaVersion', `${RESULT_SCHEMA_VERSION} (a run result of this npusim)`, r.schemaVersion);
  }
  for (const f of ['workload', 'host', 'status', 'digest', 'eventDigest'] as const) {
    if (typeof r[f] !== 'string') fail(f, 'a string', r[f]);
  }
  for (const f of ['seed', 'simulatedTicks', 'wallMs'] as const) {
    if (typeof r[f] !== 'number') fail(f, 'a number', r[f]);
  }
  numberRecord(r.counts, 'counts', fail);
  for (const f of ['violations', 'liveness'] as const) if (!Array.isArray(r[f])) fail(f, 'a list', r[f]);
  const c = r.contention as Record<string, unknown> | undefined;
  if (typeof c !== 'object' || c === null) fail('contention', 'an object', c);
  const lat = c!.latencies as Record<string, unknown>;
  if (typeof lat !== 'object' || lat === null) fail('contention.latencies', 'an object', lat);
  for (const [name, s] of Object.entries(lat)) {
    numberRecord(s, `contention.latencies.${name}`, fail, [
      'count',
      'min',
      'mean',
      'p50',
      'p99',
      'p999',
      'max',
    ]);
  }
  for (const f of ['atsHitRate', 'tceHitRate'] as const) {
    if (typeof c![f] !== 'number') fail(`contention.${f}`, 'a number', c![f]);
  }
  if (!Array.isArray(c!.links)) fail('contention.links', 'a list', c!.links);
  (c!.links as unknown[]).forEach((l, i) => {
    const link = l as Record<string, unknown>;
    if (typeof link?.label !== 'string') fail(`contention.links[${i}].label`, 'a string', link?.label);
    numberRecord(l, `contention.links[${i}]`, fail, ['messages', 'utilisation']);
  });
  const e = r.engine as Record<string, unknown> | undefined;
  if (typeof e !== 'object' || e === null) fail('engine', 'an object', e);
  numberRecord(e, 'engine', fail, ['events', 'eventsPerSecond', 'simulatedNsPerWallSecond']);
  return value as RunResult;
}

function numberRecord(
  v: unknown,
  field: string,
  fail: (field: string, expected: string, got: unknown) => never,
  keys?: readonly string[],
): void {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(field, 'an object', v);
  const o = v as Record<string, unknown>;
  for (const k of keys ?? Object.keys(o)) {
    if (typeof o[k] !== 'number') fail(`${field}.${k}`, 'a number', o[k]);
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing (the field is missing)';
  const s = JSON.stringify(v);
  return `\`${s.length > 40 ? `${s.slice(0, 40)}...` : s}\` (${Array.isArray(v) ? 'list' : v === null ? 'null' : typeof v})`;
}

/** The comparison as text: a header, one table per section, then the count and how noise is judged. */
export function formatComparison(c: Comparison): string {
  const out: string[] = [];
  const run = (tag: string, h: RunHeader) =>
    `  ${tag}: ${h.file}  ${h.workload} seed ${h.seed} ${h.host}, ${formatTime(h.simulatedTicks)}, ${h.status}, digest ${h.digest}`;
  out.push('npusim compare', run('A', c.a), run('B', c.b));
  out.push(c.differences.length === 0 ? '  same configuration' : `  differ in: ${c.differences.join('; ')}`);
  if (c.identical)
    out.push('  the two runs are the same events (same event digest): every change below is zero');
  const cells = c.rows.map((r) => [r.figure, value(r, r.a), value(r, r.b), changeText(r), verdictText(r)]);
  const width = [0, 1, 2, 3].map((i) => Math.max(...cells.map((x) => x[i]!.length), 6));
  let section = '';
  c.rows.forEach((r, i) => {
    if (r.section !== section) {
      section = r.section;
      out.push(section);
    }
    const [f, a, b, ch, v] = cells[i]!;
    out.push(
      `  ${f!.padEnd(width[0]!)}  ${a!.padStart(width[1]!)}  ${b!.padStart(width[2]!)}  ${ch!.padStart(width[3]!)}  ${v}`,
    );
  });
  out.push(
    `${c.changed} of ${c.judged} judged figures changed beyond noise (|B - A| > ${NOISE_SIGMAS} standard errors of the change).`,
    'noise: counts are Poisson (sqrt(n)), means stddev/sqrt(N), percentiles from 95 % order-statistic intervals,',
    '  hit rates binomial, link utilisation u/sqrt(messages); min, max and engine (wall-clock) figures are not judged.',
  );
  return `${out.join('\n')}\n`;
}

function value(r: CompareRow, v: number | undefined): string {
  if (v === undefined) return '-';
  switch (r.unit) {
    case 'ticks':
      return formatTime(v);
    case 'ratio':
      return `${(v * 100).toFixed(2)}%`;
    case 'ms':
      return `${v.toFixed(0)} ms`;
    case 'per-second':
      return compact(v);
    default:
      return Number.isInteger(v) ? String(v) : v.toPrecision(5);
  }
}

function changeText(r: CompareRow): string {
  if (r.change === undefined) return '';
  const abs =
    r.unit === 'ticks'
      ? `${r.change >= 0 ? '+' : '-'}${formatTime(Math.abs(r.change))}`
      : r.unit === 'ratio'
        ? `${r.change >= 0 ? '+' : ''}${(r.change * 100).toFixed(2)} pts`
        : `${r.change >= 0 ? '+' : ''}${value(r, r.change)}`;
  const rel =
    r.changeRatio === undefined
      ? ''
      : ` (${r.changeRatio >= 0 ? '+' : ''}${(r.changeRatio * 100).toFixed(1)}%)`;
  return `${abs}${rel}`;
}

function verdictText(r: CompareRow): string {
  switch (r.verdict) {
    case 'changed':
      return `CHANGED (${(Math.abs(r.change!) / r.sigma!).toFixed(1)} se)`;
    case 'noise':
      return 'noise';
    case 'not judged':
      return `not judged: ${r.note}`;
    default:
      return r.verdict;
  }
}

/**
 * One compared figure of `npusim compare` (compare-results.ts): its values in A and B, its change,
 * and whether the change is larger than the figure moves between seeds of the same run (noise),
 * with the row makers for each kind of figure and its sampling model.
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
 * | a byte total (dma.bytes)        | compound Poisson: n ops of s  | total / sqrt(n ops)         |
 * | mean latency                    | mean of N samples             | stddev / sqrt(N)            |
 * | p50, p99, p99.9 latency         | order statistics: 95 % interval on the rank, N p -/+ 1.96 sqrt(N p (1-p)) | interval width / (2 x 1.96) |
 * | cache hit rate                  | binomial proportion           | sqrt(p (1-p) / n)           |
 * | link utilisation                | busy time ~ its message count | u / sqrt(messages)          |
 * | a socket's nest MMU busy share  | busy time ~ its walks         | u / sqrt(walks)             |
 * | a link's bytes                  | compound Poisson: its messages| bytes / sqrt(messages)      |
 * | a link's queue mean             | not judged: delays come in bursts (queueMeanRow); sets only |   |
 * | a socket's TCE hit rate         | binomial proportion           | sqrt(p (1-p) / n)           |
 * | a socket's p99s                 | 99.73 % order-statistic intervals (z 3) kept in the result: changed where they do not overlap | facing half-widths / 3 |
 *
 * A percentile is judged only with at least 5 samples beyond it in both runs (N (1 - p) >= 5: a
 * p99 needs 500 samples), where the normal approximation holds; below that it is the tail's
 * last few samples, like a max. Counts from runs of different simulated lengths are compared
 * per simulated millisecond, except a state at the end (`dma.inFlightAtEnd`: how many are in
 * flight, which does not grow with the run's length). Three
 * standard errors rather than two because a run's samples are not independent (a burst makes
 * neighbouring latencies alike, so the iid errors above are too small) and because a comparison
 * asks about many figures at once: at 3 standard errors a figure that did not change is called
 * changed about 3 times in 1000. Min and max are single samples (no noise model: not judged
 * between two runs; between two sets of runs the mean of each run's max is, by its spread);
 * engine figures (wall time, events per second, rings, workers) depend on the machine and its
 * load, not on the model, and are never judged.
 */
import type { HistogramSummary } from '../model/actors/actor.js';
import type { RunResult } from './run-result.js';

/** Standard errors a change must exceed to be called beyond noise. */
export const NOISE_SIGMAS = 3;
/** Samples a percentile needs beyond it (N (1 - p)) before its interval is trusted. */
export const MIN_SAMPLES_BEYOND = 5;
const Z_95 = 1.959964;

/**
 * Where a row belongs: the sections in the order they print. `headline` is the workload's own
 * figures; `sockets` and `links` rows carry a `group` (the socket, the link) they print under.
 */
export type Section = 'run' | 'headline' | 'counts' | 'latencies' | 'rates' | 'sockets' | 'links' | 'engine';

export type Verdict = 'changed' | 'noise' | 'not judged' | 'only in A' | 'only in B';

export interface CompareRow {
  section: Section;
  /**
   * The socket or link a `sockets` or `links` row is of (`socket 0 (chip0)`, `gpu0->chip0`): its
   * heading in the text, and part of the figure's name (two links each have a `queue mean`).
   */
  group?: string;
  figure: string;
  a: number | undefined;
  b: number | undefined;
  /** b - a, when both are numbers. */
  change: number | undefined;
  /** (b - a) / a, when a is not 0. */
  changeRatio: number | undefined;
  /** The standard error of the change; undefined when not judged. */
  sigma: number | undefined;
  /**
   * The standard errors a change must exceed to be `changed` (3 for two results; Student's t for
   * two sets of runs, row by row: compare-sets.ts); absent when not judged.
   */
  threshold?: number;
  verdict: Verdict;
  /**
   * A headline figure's A and B as its workload prints them (`321.2 GB/s`, `22.3%`), where the
   * number alone would lose its unit; absent elsewhere.
   */
  text?: [string | undefined, string | undefined];
  /** Why a figure was not judged, or how it was. */
  note: string;
  /**
   * Not judged between two runs (no noise model holds for one run) but judged between two sets of
   * runs, whose spread over seeds is measured (compare-sets.ts): a link's queue mean, queue max and
   * backlog, a socket's percentile without its interval (an older result) or of few samples, a
   * latency's max (compare-places.ts inSets).
   */
  judgedInSets?: true;
  /**
   * What `a`, `b` and `change` are in. `per-simulated-ms` and `bytes-per-simulated-ms`: a count or
   * a total of bytes divided by each run's simulated milliseconds, where the two runs' lengths
   * differ (perSimulatedMs; the figure's name ends `per simulated ms`); `per-second` and
   * `bytes-per-second` are rates already (the engine's per wall second, a headline's per
   * simulated second), never rescaled.
   */
  unit:
    | 'count'
    | 'bytes'
    | 'ticks'
    | 'ratio'
    | 'ms'
    | 'per-second'
    | 'bytes-per-second'
    | 'per-simulated-ms'
    | 'bytes-per-simulated-ms';
}

/**
 * A figure accrued over a run (a count, a total of bytes) compared per simulated ms, as it is
 * between runs of different lengths: its name and its unit say so, so a reader of the text and
 * one of `--json` keyed on `unit` both read a rate, not a total. The one rule for the counts, a
 * socket's and a link's, and the headline's (compare-results.ts headlineRows).
 */
export function perSimulatedMs(
  figure: string,
  unit: 'count' | 'bytes',
): { figure: string; unit: CompareRow['unit'] } {
  return {
    figure: `${figure} per simulated ms`,
    unit: unit === 'bytes' ? 'bytes-per-simulated-ms' : 'per-simulated-ms',
  };
}

function base(
  section: Section,
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

export function judged(
  section: Section,
  figure: string,
  a: number | undefined,
  b: number | undefined,
  sigma: number | undefined,
  unit: CompareRow['unit'],
  how: string,
  /** Standard errors a change must exceed (a comparison of sets of runs: Student's t, compare-sets.ts). */
  sigmas = NOISE_SIGMAS,
): CompareRow {
  const row = base(section, figure, a, b, unit);
  if (a === undefined) return { ...row, sigma: undefined, verdict: 'only in B', note: '' };
  if (b === undefined) return { ...row, sigma: undefined, verdict: 'only in A', note: '' };
  if (sigma === undefined)
    return { ...row, sigma, verdict: 'not judged', note: 'no noise figure in a result' };
  const change = row.change!;
  // A change of zero is never beyond noise, even where the noise model gives zero (two constants).
  const beyond = change !== 0 && Math.abs(change) > sigmas * sigma;
  return { ...row, sigma, threshold: sigmas, verdict: beyond ? 'changed' : 'noise', note: how };
}

export function notJudged(
  section: Section,
  figure: string,
  a: number | undefined,
  b: number | undefined,
  unit: CompareRow['unit'],
  why: string,
): CompareRow {
  return { ...base(section, figure, a, b, unit), sigma: undefined, verdict: 'not judged', note: why };
}

/** Counts are Poisson: se(n) = sqrt(n); per simulated ms when the runs' lengths differ. */
export function countRow(
  section: Section,
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
  const per = perSimulatedMs(figure, 'count');
  return judged(section, per.figure, ra, rb, sigma, per.unit, 'Poisson: sqrt(n) / time');
}

/**
 * A total summed over operations (bytes over the DMAs that moved them), judged by the count of
 * those operations (`ops`). It is not a count of events: sqrt(total) is the noise of 3 million
 * events, but 3 MB of 256-byte DMAs are 12 000 DMAs and move between seeds as 12 000 DMAs do,
 * by sqrt(12 000) DMAs of 256 bytes: 16 (sqrt(256)) times sqrt(3 M) bytes. Compound
 * Poisson: n operations (Poisson) of size s give total T = s n with variance n E[s^2]; each of
 * the model's totals sums operations of one size per run (gpu.dmaBytes, a collective's chunk
 * times its ring), so E[s^2] = s^2 and se(T) = s sqrt(n) = T / sqrt(n): the total has the
 * relative error of its count. Sizes that varied within a run would make it larger, by
 * sqrt(E[s^2]) / E[s]. Per simulated ms when the runs' lengths differ, as counts are.
 */
export function sumRow(
  section: Section,
  figure: string,
  a: number | undefined,
  b: number | undefined,
  ops: { name: string; a: number | undefined; b: number | undefined },
  perTime: boolean,
  msA: number,
  msB: number,
): CompareRow {
  const scaled = perTime && a !== undefined && b !== undefined;
  const { figure: name, unit } = scaled
    ? perSimulatedMs(figure, 'bytes')
    : { figure, unit: 'bytes' as const };
  const [ta, tb] = scaled ? [a / msA, b / msB] : [a, b];
  if (a !== undefined && b !== undefined && (ops.a === undefined || ops.b === undefined)) {
    return notJudged(section, name, ta, tb, unit, `no ${ops.name} count in a result to judge it by`);
  }
  // A total with no operation (0 / 0) has no noise; Math.max keeps a stray total over 0 ops finite.
  const v = (t: number, n: number) => (t === 0 ? 0 : t ** 2 / Math.max(1, n));
  const sigma = ta === undefined || tb === undefined ? undefined : Math.sqrt(v(ta, ops.a!) + v(tb, ops.b!));
  return judged(section, name, ta, tb, sigma, unit, `total / sqrt(${ops.name})`);
}

/**
 * A link's mean queueing delay over its messages: shown, not judged between two runs. A result
 * keeps no spread of the delays, and no per-message model would hold if it did: messages queue in
 * bursts, each waiting behind the ones before it, so neighbouring delays are alike and a mean over
 * N of them moves between seeds far more than sqrt(variance / N) (a bound from the delays' range,
 * Bhatia-Davis, called almost every link of two `dma-storm` seeds changed, at 4.7 to 7.2 of its
 * standard errors). Between two sets of runs it is judged like any figure, by its spread over the
 * seeds (compare-sets.ts).
 */
export function queueMeanRow(
  group: string,
  a: { mean: number; messages: number } | undefined,
  b: { mean: number; messages: number } | undefined,
): CompareRow {
  // A link nothing crossed has no queueing figure (the summary's `-`).
  const mean = (l: typeof a) => (l === undefined || l.messages === 0 ? undefined : l.mean);
  const why =
    a !== undefined && b !== undefined && (a.messages === 0 || b.messages === 0)
      ? `no message in run ${a.messages === 0 ? 'A' : 'B'}`
      : QUEUE_MEAN_NOT_JUDGED;
  const row = notJudged('links', 'queue mean', mean(a), mean(b), 'ticks', why);
  return why === QUEUE_MEAN_NOT_JUDGED ? { ...row, group, judgedInSets: true } : { ...row, group };
}

/** Why a link's queue mean is not judged between two runs (queueMeanRow). */
export const QUEUE_MEAN_NOT_JUDGED = 'queued in bursts: judged between sets of seeds only';

/**
 * A proportion of `n` trials (hits of lookups): binomial, se = sqrt(p (1 - p) / n). A side with
 * no trials has no proportion (0/0): the row shows the other's, not judged (`no lookups in run A`).
 */
export function proportionRow(
  section: Section,
  figure: string,
  a: { hits: number; n: number } | undefined,
  b: { hits: number; n: number } | undefined,
): CompareRow {
  const p = (x: typeof a) => (x === undefined || x.n === 0 ? undefined : x.hits / x.n);
  const pa = p(a);
  const pb = p(b);
  if (a !== undefined && b !== undefined && pa === undefined && pb === undefined)
    return notJudged(section, figure, undefined, undefined, 'ratio', 'no lookups in either run');
  // One run without lookups: the other's rate shown, not judged (a rate of no trials is too few
  // samples, not a figure of one run only: `only in` is a socket or link one topology lacks).
  if (a !== undefined && b !== undefined && (pa === undefined || pb === undefined))
    return notJudged(section, figure, pa, pb, 'ratio', `no lookups in run ${pa === undefined ? 'A' : 'B'}`);
  const v = (q: number, n: number) => (q * (1 - q)) / n;
  const sigma = pa === undefined || pb === undefined ? undefined : Math.sqrt(v(pa, a!.n) + v(pb, b!.n));
  return judged(section, figure, pa, pb, sigma, 'ratio', 'binomial: sqrt(p (1-p) / n)');
}

/**
 * Samples a mean needs in each run to be judged: two. One sample has no mean's standard error
 * (stddev / sqrt(N) of one value is 0), so two one-sample means differing at all were `CHANGED`.
 */
const MIN_MEAN_SAMPLES = 2;

export function meanRow(
  label: string,
  a: HistogramSummary | undefined,
  b: HistogramSummary | undefined,
  seA: number | undefined,
  seB: number | undefined,
): CompareRow {
  const mean = (s: HistogramSummary | undefined) => (s === undefined || s.count === 0 ? undefined : s.mean);
  // A run that measured the latency but took no sample of it has no mean: too few samples, as its
  // percentiles beside it say, not a figure of the other run only (`only in B` is a socket, a
  // link or a histogram one result lacks; QA saw `shootdown latency: mean ... only in B` above
  // `p50 ... n/j (0/10)` for two seeds of `mixed`).
  const fewest = Math.min(a?.count ?? 0, b?.count ?? 0);
  if (a !== undefined && b !== undefined && fewest < MIN_MEAN_SAMPLES) {
    const why = `too few samples (${fewest}): needs ${MIN_MEAN_SAMPLES}`;
    return notJudged('latencies', `${label}: mean`, mean(a), mean(b), 'ticks', why);
  }
  const sigma = seA === undefined || seB === undefined ? undefined : Math.sqrt(seA ** 2 + seB ** 2);
  return judged('latencies', `${label}: mean`, mean(a), mean(b), sigma, 'ticks', 'stddev / sqrt(N)');
}

/**
 * One percentile (p of the histograms, at quantile q). The interval on a rank is a normal
 * approximation: it needs a few samples beyond the percentile (MIN_SAMPLES_BEYOND); a p99 of 20
 * samples is their maximum, which has no noise model.
 */
export function percentileRow(
  figure: string,
  p: 'p50' | 'p99' | 'p999',
  q: number,
  sa: HistogramSummary | undefined,
  sb: HistogramSummary | undefined,
  ia: [number, number] | undefined,
  ib: [number, number] | undefined,
): CompareRow {
  // A histogram with no samples has no percentile: its 0 would read as a measured 0 ps.
  const value = (x: HistogramSummary | undefined) => (x === undefined || x.count === 0 ? undefined : x[p]);
  const fewest = Math.min(sa?.count ?? 0, sb?.count ?? 0);
  if (sa !== undefined && sb !== undefined && fewest * (1 - q) < MIN_SAMPLES_BEYOND) {
    const why = `too few samples (${fewest}): needs ${Math.ceil(MIN_SAMPLES_BEYOND / (1 - q))}`;
    return notJudged('latencies', figure, value(sa), value(sb), 'ticks', why);
  }
  const se = (i: [number, number]) => (i[1] - i[0]) / (2 * Z_95);
  const sigma = ia === undefined || ib === undefined ? undefined : Math.sqrt(se(ia) ** 2 + se(ib) ** 2);
  return judged('latencies', figure, value(sa), value(sb), sigma, 'ticks', '95 % order-statistic interval');
}

export function rateRow(
  figure: string,
  a: RunResult,
  b: RunResult,
  hits: string,
  misses: string,
  rateA: number | null,
  rateB: number | null,
): CompareRow {
  // A null rate is a cache with no lookups (0.6.2 and earlier wrote 0, with counts of 0).
  const n = (r: RunResult, rate: number | null) =>
    rate === null ? 0 : (r.counts[hits] ?? 0) + (r.counts[misses] ?? 0);
  const na = n(a, rateA);
  const nb = n(b, rateB);
  // A run with no lookups has no hit rate (null, or 0/0 in an older result, as its summary says
  // "no lookups"): read as 0 %, a cache one run never used was judged CHANGED by 11.8 se (QA).
  if (na === 0 && nb === 0)
    return notJudged('rates', figure, undefined, undefined, 'ratio', 'no lookups in either run');
  // One run without lookups: the other's rate shown, not judged, as proportionRow's (not `only in`).
  if (na === 0 || nb === 0) {
    return notJudged(
      'rates',
      figure,
      na === 0 ? undefined : (rateA ?? undefined),
      nb === 0 ? undefined : (rateB ?? undefined),
      'ratio',
      `no lookups in run ${na === 0 ? 'A' : 'B'}`,
    );
  }
  const pa = rateA!;
  const pb = rateB!;
  const v = (p: number, k: number) => (p * (1 - p)) / k;
  return judged(
    'rates',
    figure,
    pa,
    pb,
    Math.sqrt(v(pa, na) + v(pb, nb)),
    'ratio',
    'binomial: sqrt(p (1-p) / n)',
  );
}

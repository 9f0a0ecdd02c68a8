/**
 * `npusim compare A.json B.json`: two run results side by side, figure by figure, section by
 * section (run, the workload's headline, counts, latencies, rates, each socket, each link,
 * engine: compare-places.ts makes the socket and link rows), each row judged against the noise of
 * its own sampling model (compare-row.ts says how), and the configuration the two runs differ in.
 * Reading the files is parse-run-result.ts; printing the comparison is format-comparison.ts.
 */
import { ConfigError } from '../core/errors.js';
import type { HistogramSummary } from '../model/actors/actor.js';
import { H, UNFINISHED } from '../model/actors/metric-names.js';
import { DEFAULT_STRATEGY } from '../model/choice/strategy.js';
import { DEFAULT_PROFILE } from '../model/scenario/profiles.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import { type CountScale, EXTREME, inSets, linkRows, socketRows } from './compare-places.js';
import {
  type CompareRow,
  countRow,
  judged,
  meanRow,
  notJudged,
  percentileRow,
  perSimulatedMs,
  rateRow,
  sumRow,
} from './compare-row.js';
import { formatTime } from './duration.js';
import { fullTopology } from './full-topology.js';
import { hostText } from './host-text.js';
import { figuresPastStop, livenessTotal, type RunResult, violationTotal } from './run-result.js';
import { LATENCY_ROWS } from './summary-contention.js';

export interface Comparison {
  /** Run A (or set A: a comparison of sets describes each set, its runs in `sets`). */
  a: RunHeader | SetHeader;
  b: RunHeader | SetHeader;
  /**
   * What differs between the runs, A -> B: every configuration field by its path in the result's
   * `config` (`params.gpu.dmaBytes: 256 -> 4096`, `topology.links.pcie.latencyTicks: ...`), then
   * the host and the simulated time. Empty only when the two runs are of one configuration.
   */
  differences: string[];
  /**
   * The two runs are the same events (same event digest), read by one npusim version: every
   * figure's change is then zero. (Two versions may read the same events into other figures.)
   * Two sets: the same seeds, and each seed's run identical in both.
   */
  identical: boolean;
  /**
   * The two runs are the same events (same event digest), whichever npusim versions read them.
   * Two sets: the same seeds, and each seed's run the same events in both.
   */
  sameEvents: boolean;
  /**
   * A or B is a threaded run stopped at its first finding, whose figures count events past the
   * stop (run-result.ts figuresPastStop): the same events need not give the same figures.
   */
  pastStop: boolean;
  rows: CompareRow[];
  judged: number;
  changed: number;
  /**
   * A comparison of two sets of runs (compare-sets.ts): every run of each set; `a` and `b` above
   * describe the sets, and each row's A and B are the sets' means.
   */
  sets?: { a: RunHeader[]; b: RunHeader[] };
  /**
   * Two sets of runs: the figures not judged because they have one value in every run of both
   * sets (a fault never injected, 0 throughout), counted apart from `judged`.
   */
  sameInEveryRun?: number;
  /**
   * Two runs or two sets of runs read from the very same files (one file or directory named
   * twice, or a link to it): every change is zero, which says nothing of the runs
   * (compare-command.ts sets it).
   */
  sameFiles?: boolean;
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

/**
 * A set of runs as a whole (compare-sets.ts): what its runs share, in RunHeader's fields where
 * they still make sense. Its first run's seed, host and digest stood for the set (QA: `host`
 * `inline` for a set of two inline runs and a threaded one); each run's are in `sets`.
 */
export interface SetHeader {
  /** The directory, as it was named. */
  file: string;
  workload: string;
  runs: number;
  /** In ascending order. */
  seeds: number[];
  /** `inline`, or where the runs were hosted in more than one way, `inline (2) and threaded (1)`. */
  host: string;
  /** The runs' statuses, each once, joined by `/` (`clean`, `clean/violation`). */
  status: string;
  /** Every run's (a set is of one simulated length). */
  simulatedTicks: number;
}

/** Whether two runs are the same events, and identical (the same events read by one npusim). */
export function sameRun(a: RunResult, b: RunResult): { identical: boolean; sameEvents: boolean } {
  const same = sameEvents(a, b);
  return {
    identical:
      same && a.npusim !== undefined && a.npusim === b.npusim && !figuresPastStop(a) && !figuresPastStop(b),
    sameEvents: same,
  };
}

/**
 * A run that simulated nothing (Ctrl-C before its first event) has no figures: every count is 0
 * by not having run, so against a real run 167 of 248 figures read CHANGED, and its counts could
 * not be compared per simulated ms as the header said (QA). Refused, as a crashed run is
 * (parse-run-result.ts); a comparison of sets compares through here, so a set holding one is too.
 */
function refuseEmptyRun(file: string, r: RunResult): void {
  if (r.simulatedTicks > 0) return;
  throw new ConfigError(
    `${file}: simulatedTicks`,
    `Expected a run that simulated some time (one with figures to compare), got one that simulated 0 ps (status ${r.status}${r.status === 'interrupted' ? ': stopped before its first event' : ''})`,
  );
}

/** Two runs compared: `a` and `b` are the runs. */
export interface PairComparison extends Comparison {
  a: RunHeader;
  b: RunHeader;
}

export function compareResults(fileA: string, a: RunResult, fileB: string, b: RunResult): PairComparison {
  refuseEmptyRun(fileA, a);
  refuseEmptyRun(fileB, b);
  const msA = a.simulatedTicks / 1e9;
  const msB = b.simulatedTicks / 1e9;
  const scale: CountScale = {
    perTime: a.simulatedTicks !== b.simulatedTicks && msA > 0 && msB > 0,
    msA,
    msB,
  };
  const rows: CompareRow[] = [
    ...runRows(a, b, scale),
    ...headlineRows(a, b, scale),
    ...latencyRows(a, b, scale),
    ...rateRows(a, b),
    ...socketRows(a, b, scale),
    ...linkRows(a, b, scale),
    ...engineRows(a, b),
  ];
  const judgedRows = rows.filter((r) => r.verdict === 'changed' || r.verdict === 'noise');
  return {
    a: header(fileA, a),
    b: header(fileB, b),
    differences: configDifferences(a, b),
    ...sameRun(a, b),
    pastStop: figuresPastStop(a) || figuresPastStop(b),
    rows,
    judged: judgedRows.length,
    changed: judgedRows.filter((r) => r.verdict === 'changed').length,
  };
}

/**
 * Counters that are totals summed over operations, with the counter of those operations: judged
 * by that count (compare-row.ts sumRow), not as counts of events.
 */
const SUMMED_OVER: Readonly<Record<string, string>> = {
  'dma.bytes': 'dma.completed',
  'allreduce.bytes': 'allreduce.completed',
};
/**
 * A counter named for a unit other than events (metric names put the unit last) with no entry in
 * SUMMED_OVER: a total whose noise a result does not give, so it is shown but not judged.
 */
const NOT_A_COUNT = /(bytes|Ticks)$/i;
/** A counter that is a state at the end of the run (how many are in flight), not events in it. */
const AT_END = /AtEnd$/;

/** What was run, the findings, and every counter. */
function runRows(a: RunResult, b: RunResult, s: CountScale): CompareRow[] {
  const count = (
    section: CompareRow['section'],
    figure: string,
    x: number | undefined,
    y: number | undefined,
  ) => countRow(section, figure, x, y, s.perTime, s.msA, s.msB);
  const counter = (name: string): CompareRow => {
    // A counter that never fired is left out of a result: where the other run has it, it is 0
    // here (a run with no translation fault counted none), not "only in" the other run.
    const x = a.counts[name] ?? 0;
    const y = b.counts[name] ?? 0;
    const ops = SUMMED_OVER[name];
    if (ops !== undefined) {
      return sumRow(
        'counts',
        name,
        x,
        y,
        { name: ops, a: a.counts[ops], b: b.counts[ops] },
        s.perTime,
        s.msA,
        s.msB,
      );
    }
    if (NOT_A_COUNT.test(name)) {
      const unit = /bytes$/i.test(name) ? 'bytes' : 'ticks';
      return notJudged('counts', name, x, y, unit, 'a total, not a count of events: no noise model');
    }
    // What is in flight at the end is bounded by the queues, not accrued over the run: compared as
    // it is, never per simulated ms, whatever the runs' lengths.
    if (AT_END.test(name)) {
      const sigma = x === undefined || y === undefined ? undefined : Math.sqrt(x + y);
      return judged('counts', name, x, y, sigma, 'count', 'Poisson: sqrt(n), a state at the end');
    }
    return count('counts', name, x, y);
  };
  return [
    notJudged('run', 'simulated time', a.simulatedTicks, b.simulatedTicks, 'ticks', 'what was run'),
    count('run', 'violations', violationTotal(a), violationTotal(b)),
    count('run', 'liveness failures', livenessTotal(a), livenessTotal(b)),
    ...union(Object.keys(a.counts), Object.keys(b.counts)).map(counter),
  ];
}

/** Each latency histogram: its samples, mean, percentiles and max. */
function latencyRows(a: RunResult, b: RunResult, s: CountScale): CompareRow[] {
  const rows: CompareRow[] = [];
  const label = new Map(LATENCY_ROWS);
  // The histograms of what was still going on at the end (metric-names.ts UNFINISHED), by name:
  // a state at the end, compared as such below, not as latencies.
  const unfinished = new Map(
    Object.entries(UNFINISHED).map(([row, u]) => [
      u!.histogram as string,
      `${label.get(row) ?? row}, ${u!.what} at the end`,
    ]),
  );
  const holdMeaning = holdMeaningDiffers(a, b);
  for (const name of union(Object.keys(a.contention.latencies), Object.keys(b.contention.latencies))) {
    const sa = a.contention.latencies[name];
    const sb = b.contention.latencies[name];
    const open = unfinished.get(name);
    if (open !== undefined) {
      rows.push(...unfinishedRows(open, sa, sb));
      continue;
    }
    const l = label.get(name) ?? name;
    if (name === H.atsdHoldTicks && holdMeaning) {
      rows.push(notJudged('latencies', `${l}: samples`, sa?.count, sb?.count, 'count', HOLD_BEFORE_0_6_2));
      continue;
    }
    rows.push(countRow('latencies', `${l}: samples`, sa?.count, sb?.count, s.perTime, s.msA, s.msB));
    if ((sa?.count ?? 0) === 0 && (sb?.count ?? 0) === 0) continue; // no samples in either run
    const noiseA = a.contention.latencyNoise?.[name];
    const noiseB = b.contention.latencyNoise?.[name];
    rows.push(meanRow(l, sa, sb, noiseA?.meanSe, noiseB?.meanSe));
    for (const [p, q] of [
      ['p50', 0.5],
      ['p99', 0.99],
      ['p999', 0.999],
    ] as const) {
      rows.push(percentileRow(`${l}: ${p === 'p999' ? 'p99.9' : p}`, p, q, sa, sb, noiseA?.[p], noiseB?.[p]));
    }
    const max = (x: typeof sa) => (x === undefined || x.count === 0 ? undefined : x.max);
    rows.push(inSets(notJudged('latencies', `${l}: max`, max(sa), max(sb), 'ticks', EXTREME)));
  }
  return rows;
}

/**
 * Operations still going on at the end: how many, as a state at the end (Poisson, never per
 * simulated ms, as `shootdown.inFlightAtEnd` beside it), and the longest, unjudged. A result
 * without the histogram is from before it was recorded (the DMAs' and peer writes' came later
 * than the others), not one with none left: its count is `only in` the other, not a change from 0.
 */
function unfinishedRows(
  label: string,
  sa: HistogramSummary | undefined,
  sb: HistogramSummary | undefined,
): CompareRow[] {
  const x = sa?.count;
  const y = sb?.count;
  const sigma = x === undefined || y === undefined ? undefined : Math.sqrt(x + y);
  const longest = (h: HistogramSummary | undefined) => (h === undefined || h.count === 0 ? undefined : h.max);
  return [
    judged('latencies', label, x, y, sigma, 'count', 'Poisson: sqrt(n), a state at the end'),
    (x ?? 0) === 0 && (y ?? 0) === 0
      ? notJudged(
          'latencies',
          `${label}: longest`,
          undefined,
          undefined,
          'ticks',
          'no operation left in either run',
        )
      : inSets(notJudged('latencies', `${label}: longest`, longest(sa), longest(sb), 'ticks', EXTREME)),
  ];
}

const HOLD_BEFORE_0_6_2 =
  'per shootdown before npusim 0.6.2, per register since: one of the two results is from before';

/** Whether one result's ATSD register hold is per shootdown (before 0.6.2) and the other's per register. */
function holdMeaningDiffers(a: RunResult, b: RunResult): boolean {
  const perRegister = (r: RunResult) => r.npusim !== undefined && !versionBefore(r.npusim, [0, 6, 2]);
  return perRegister(a) !== perRegister(b);
}

/** `version` (x.y.z) below `than`. */
function versionBefore(version: string, than: readonly number[]): boolean {
  const parts = version.split('.').map((p) => Number.parseInt(p, 10));
  for (let i = 0; i < than.length; i++) {
    const v = parts[i] ?? 0;
    if (Number.isNaN(v)) return false;
    if (v !== than[i]) return v < than[i]!;
  }
  return false;
}

/** The ATS and TCE cache hit rates. */
function rateRows(a: RunResult, b: RunResult): CompareRow[] {
  return [
    rateRow(
      'ATS cache hit rate',
      a,
      b,
      'ats.hits',
      'ats.misses',
      a.contention.atsHitRate,
      b.contention.atsHitRate,
    ),
    rateRow(
      'TCE cache hit rate',
      a,
      b,
      'tce.hits',
      'tce.misses',
      a.contention.tceHitRate,
      b.contention.tceHitRate,
    ),
  ];
}

/**
 * The workload's headline figures (headline.ts), by label, as it prints them. Each is read from a
 * figure judged in its own section (a counter, a latency, a link's utilisation, a hit rate) or is
 * a parameter: judged again here, one change would count twice, so they are side by side only.
 * Between runs of different lengths a figure accrued over the run (`accrues`: a counter's total, a
 * latency's sample count) is per simulated ms, as the counts it is read from are (QA: `DMA
 * completed 3868 11748 +203.7%` beside `dma.completed per simulated ms ... +51.9%`), named and in
 * a unit that say so, its workload's text (of the total) left out; a percentile, a share, a rate
 * or a parameter is as it is.
 */
function headlineRows(a: RunResult, b: RunResult, s: CountScale): CompareRow[] {
  const ha = new Map((a.headline ?? []).map((f) => [f.label, f]));
  const hb = new Map((b.headline ?? []).map((f) => [f.label, f]));
  return mergedOrder([...ha.keys()], [...hb.keys()]).map((label) => {
    const fa = ha.get(label);
    const fb = hb.get(label);
    // The figure's own unit; a result written before figures carried one: the unit its text
    // shows (headlineUnitOfText), which the change cell prints its absolute change in.
    const unit = fa?.unit ?? fb?.unit ?? headlineUnitOfText(fa?.text ?? fb?.text ?? '');
    const perMs =
      s.perTime && (fa?.accrues ?? fb?.accrues) === true && (unit === 'count' || unit === 'bytes');
    const scaled = (v: number | null | undefined, ms: number) =>
      v === null || v === undefined ? undefined : perMs ? v / ms : v;
    const shown = perMs ? perSimulatedMs(label, unit) : { figure: label, unit };
    const row = notJudged(
      'headline',
      shown.figure,
      scaled(fa?.value, s.msA),
      scaled(fb?.value, s.msB),
      shown.unit,
      HEADLINE_NOT_JUDGED,
    );
    const only = fa === undefined ? 'only in B' : fb === undefined ? 'only in A' : undefined;
    return {
      ...row,
      ...(only === undefined ? {} : { verdict: only, note: '' }),
      ...(perMs ? {} : { text: [fa?.text, fb?.text] as [string | undefined, string | undefined] }),
    } satisfies CompareRow;
  });
}

export const HEADLINE_NOT_JUDGED = 'read from a figure judged in its own section (or a parameter)';

/**
 * Every label of `a` and `b`, each once, in A's order with each of B's own after the label it
 * follows in B: a `prefix.*` group keeps its rows together (QA: B's `guest acquisitions of reg2`,
 * which A never counted, came last, under the latencies, away from `... of reg0` above).
 */
export function mergedOrder(a: readonly string[], b: readonly string[]): string[] {
  const out = [...a];
  const seen = new Set(a);
  let after = -1;
  for (const label of b) {
    if (seen.has(label)) {
      after = out.indexOf(label);
      continue;
    }
    out.splice(after + 1, 0, label);
    seen.add(label);
    after++;
  }
  return out;
}

/**
 * The unit of a headline figure written before figures carried one (0.10.0 and earlier), read
 * from its text as headline.ts writes it: `21.9%` a ratio, `4.362 us` a time, `1.2 GB/s` bytes
 * per second, `1.23M/s` a rate, `990.2 KB` bytes, anything else a count. The change cell prints
 * the change in it (a latency's change as a count of picoseconds, `+1234567`, read as nothing).
 */
function headlineUnitOfText(text: string): CompareRow['unit'] {
  const units: [RegExp, CompareRow['unit']][] = [
    [/^-?[\d.]+%/, 'ratio'],
    [/^-?[\d.]+ (ps|ns|us|ms|s)\b/, 'ticks'],
    [/^-?[\d.]+ [KMGT]?B\/s\b/, 'bytes-per-second'],
    [/^-?[\d.]+[kMG]?\/s\b/, 'per-second'],
    [/^-?[\d.]+ [KMGT]?B\b/, 'bytes'],
  ];
  return units.find(([shape]) => shape.test(text))?.[1] ?? 'count';
}

/** The engine's own figures: machine-dependent, never judged. */
function engineRows(a: RunResult, b: RunResult): CompareRow[] {
  const ea = a.engine;
  const eb = b.engine;
  const machine = 'machine-dependent';
  return [
    notJudged('engine', 'wall time', a.wallMs, b.wallMs, 'ms', machine),
    notJudged('engine', 'events per second', ea.eventsPerSecond, eb.eventsPerSecond, 'per-second', machine),
    notJudged(
      'engine',
      'simulated ns per wall second',
      ea.simulatedNsPerWallSecond,
      eb.simulatedNsPerWallSecond,
      'per-second',
      machine,
    ),
    notJudged('engine', 'events', ea.events, eb.events, 'count', 'the run itself: see the counts'),
    ...threadRows(a, b),
  ];
}

/**
 * The engine's rings and workers, summed over each run's (an inline run's one worker and no ring;
 * a result written without them, `-`): what a placement costs in hand-offs, compared as the summary shows them
 * run by run (QA: per-actor against `--workers 2` could be compared only by reading two
 * summaries). Each run's rings and workers are its placement's, so they are summed, not matched
 * by name. Not judged: full-stalls, parks and waits are the machine's timing; the records are the
 * placement's (events crossing workers), the same for a seed whatever the machine.
 */
function threadRows(a: RunResult, b: RunResult): CompareRow[] {
  // A result read from a file may lack either list (parse-run-result.ts checks the rates only).
  const workersOf = (r: RunResult) => r.engine.workers ?? [];
  const ringsOf = (r: RunResult) => r.engine.rings ?? [];
  const threaded = (r: RunResult) => workersOf(r).length > 0;
  if (!threaded(a) && !threaded(b)) return [];
  const machine = 'machine-dependent';
  const lists = (r: RunResult) => ({ workers: workersOf(r), rings: ringsOf(r) });
  const sum = (r: RunResult, of: (x: ReturnType<typeof lists>) => number[]) =>
    threaded(r) ? of(lists(r)).reduce((x, y) => x + y, 0) : undefined;
  const row = (
    figure: string,
    of: (x: ReturnType<typeof lists>) => number[],
    unit: CompareRow['unit'],
    why = machine,
  ): CompareRow => notJudged('engine', figure, sum(a, of), sum(b, of), unit, why);
  const highWater = (r: RunResult) =>
    threaded(r) && ringsOf(r).length > 0
      ? Math.max(...ringsOf(r).map((g) => g.highWaterRecords / Math.max(1, g.capacityRecords)))
      : undefined;
  return [
    row('workers', (e) => [e.workers.length], 'count', 'the placement'),
    row('workers: busy, summed', (e) => e.workers.map((w) => w.busyMs), 'ms'),
    row('workers: waited, summed', (e) => e.workers.map((w) => w.parkedMs), 'ms'),
    row('workers: parks, summed', (e) => e.workers.map((w) => w.parks), 'count'),
    row(
      'rings: records, summed',
      (e) => e.rings.map((g) => g.records),
      'count',
      'the placement: events crossing workers',
    ),
    row('rings: full-stalls, summed', (e) => e.rings.map((g) => g.fullStalls), 'count'),
    row('rings: parks, summed', (e) => e.rings.map((g) => g.parks), 'count'),
    notJudged('engine', 'rings: high-water, fullest', highWater(a), highWater(b), 'ratio', machine),
  ];
}

/** A result's version where it has none (npusim 0.2.0 began to record it). */
const NOT_RECORDED = 'not recorded (0.2.0 or earlier)';

/** The two runs are the same events (same event digest), whichever npusim read them. */
function sameEvents(a: RunResult, b: RunResult): boolean {
  return a.eventDigest !== '' && a.eventDigest === b.eventDigest;
}

/**
 * What the two runs differ in, A -> B: a deep comparison of their configurations as they
 * determine the run (effectiveConfig), each differing field by its path, then the host and the
 * simulated time, which are not in `config`.
 */
function configDifferences(a: RunResult, b: RunResult): string[] {
  const differences: string[] = [];
  // Another npusim may run another model (its version changes when a run's events do): first.
  const versionA = a.npusim ?? NOT_RECORDED;
  const versionB = b.npusim ?? NOT_RECORDED;
  if (versionA !== versionB) differences.push(`npusim: ${versionA} -> ${versionB} (the model may differ)`);
  // Two presets are named in full by params.topology; their specs are listed only where a file
  // is involved, which may keep a preset's name and change anything under it.
  const specs = a.config.customTopology !== undefined || b.config.customTopology !== undefined;
  diffPaths('', effectiveConfig(a.config, specs), effectiveConfig(b.config, specs), differences);
  // How each run was hosted: a free run (timing from real thread races) is another experiment than
  // a deterministic threaded one, and a placement (--workers) changes the engine's figures.
  const hostA = hostText(a);
  const hostB = hostText(b);
  if (hostA !== hostB) differences.push(`host: ${hostA} -> ${hostB}`);
  else if (hostA === 'threaded' && placementOf(a) !== placementOf(b)) {
    differences.push(`placement: ${placementOf(a)} -> ${placementOf(b)}`);
  }
  if (a.free !== undefined && b.free !== undefined && a.free.windowTicks !== b.free.windowTicks) {
    differences.push(`free window: ${formatTime(a.free.windowTicks)} -> ${formatTime(b.free.windowTicks)}`);
  }
  if (a.simulatedTicks !== b.simulatedTicks) {
    differences.push(
      `simulated time: ${formatTime(a.simulatedTicks)} -> ${formatTime(b.simulatedTicks)} (counts compared per simulated ms)`,
    );
  }
  return differences;
}

/**
 * A run's configuration as it determines the run, so that two configurations compare equal
 * exactly when they run the same machine: defaults written out (an absent profile is `fixed`,
 * an absent strategy `random`), bug switches as the set they are, and, `withSpec`, the machine as
 * its whole topology spec (`topology`), whether a preset or a file, because a file can keep a
 * preset's name and change its latencies. Left out: the `--set` list, already applied to
 * `params` (which are compared), the topology file's path, whose spec is compared, and the
 * workload file's path, whose parameters are (a run names it as given, `w.ts`, its replay as its
 * failure file holds it, `/home/me/w.ts`: QA saw that pair called a difference of the same events).
 */
function effectiveConfig(c: RunConfig, withSpec: boolean): Record<string, unknown> {
  const { set: _set, customTopology, workloadFile: _file, ...rest } = c;
  return {
    ...rest,
    bugs: [...c.bugs].sort(),
    profile: c.profile ?? DEFAULT_PROFILE,
    strategy: c.strategy ?? DEFAULT_STRATEGY,
    stopOnFirst: c.stopOnFirst ?? false,
    ...(withSpec ? { topology: fullTopology(customTopology?.spec, c.params.topology) } : {}),
  };
}

/**
 * Every leaf where `x` and `y` differ, as `path: x -> y`, into `out`. Objects are compared key by
 * key and lists of objects (tenants, GPUs) item by item, so a difference is named down to its
 * field; a list of plain values (bug names, page sizes) is one value, read whole.
 */
function diffPaths(path: string, x: unknown, y: unknown, out: string[]): void {
  // Two objects with no field in common are two kinds of one thing (a GPU's link to a peer or to
  // a brick): read whole, not as one field gone and another come.
  if (isRecord(x) && isRecord(y) && Object.keys(x).some((k) => Object.hasOwn(y, k))) {
    for (const k of [...new Set([...Object.keys(x), ...Object.keys(y)])]) {
      diffPaths(path === '' ? k : `${path}.${k}`, x[k], y[k], out);
    }
    return;
  }
  if (Array.isArray(x) && Array.isArray(y) && [...x, ...y].some((v) => typeof v === 'object' && v !== null)) {
    for (let i = 0; i < Math.max(x.length, y.length); i++) diffPaths(`${path}[${i}]`, x[i], y[i], out);
    return;
  }
  if (JSON.stringify(x) !== JSON.stringify(y)) out.push(`${path}: ${configValue(x)} -> ${configValue(y)}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A configuration value on one line: a name as it is, a list or an object as JSON, cut short. */
function configValue(v: unknown): string {
  if (v === undefined) return '(none)';
  if (typeof v === 'string' && v !== '') return v;
  const json = JSON.stringify(v);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

/** A threaded run's placement (`per-actor`, a number of workers); results without one: per-actor. */
function placementOf(r: RunResult): string {
  return r.engine?.placement ?? 'per-actor';
}

function header(file: string, r: RunResult): RunHeader {
  return {
    file,
    workload: r.workload,
    seed: r.seed,
    host: hostText(r),
    status: r.status,
    simulatedTicks: r.simulatedTicks,
    digest: r.digest,
  };
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

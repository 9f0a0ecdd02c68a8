/**
 * `npusim compare A/ B/`: two sets of runs, each a configuration run with several seeds, compared
 * figure by figure with the noise measured instead of modelled.
 *
 * Why. A pair of runs is judged by each figure's sampling model (compare-row.ts): right for a
 * figure that is a sum of many independent events, wrong for one the seed moves as a whole. The
 * seed also draws where the pages lie, which process unmaps what and when a shootdown falls, so a
 * figure like `ats.evictions` (which a burst of unmaps drives) moved from 27 to 459 between seeds
 * of one `stress` configuration, at 20 standard errors of its Poisson model. Only runs of several
 * seeds show how far such a figure moves, and they show it for every figure alike.
 *
 * How. Each figure is read from every run as a comparison of the run with itself reads it (the
 * rows of compareResults, so every figure and its name are the pair comparison's); a figure that
 * comparison does not judge for want of a model of one run's noise (a max, a socket's percentile
 * without its interval or of few samples, a link's backlog and queue mean: `judgedInSets`) is a per-seed statistic like any other here,
 * whose mean over the seeds has a spread to judge it by; one it does not judge for another reason
 * (the engine's wall-clock figures, a mean or percentile with too few samples, the headline) is not judged
 * here either. For the others, A's and B's means are compared with Welch's
 * test: se = sqrt(s_A^2 / n_A + s_B^2 / n_B), s the standard deviation over a set's runs, and the
 * change is beyond noise when |mean_B - mean_A| exceeds t standard errors, t the quantile of
 * Student's t at the Welch-Satterthwaite degrees of freedom that leaves the same two-sided 0.27 %
 * as 3 standard errors of a normal (NOISE_SIGMAS): an unchanged figure is flagged about 3 times in
 * 1000 whatever the number of runs, and few runs ask for a larger change. Each figure has its own
 * degrees of freedom, between min(n_A, n_B) - 1, where one set's spread outweighs the other's, and
 * n_A + n_B - 2, where both spread alike: with 5 runs a side from 4 to 8, t from 6.62 to 4.28
 * standard errors instead of 3. A figure with one value in every run of both sets (0 throughout)
 * is not judged: there is no spread and no change; one that has one value in each set but not the
 * same is beyond noise at any difference.
 *
 * What a set must be. Runs of one configuration that differ only in their seeds (and how they were
 * hosted, which changes no figure of the model), each seed once (a seed twice is one run counted
 * twice), at least MIN_RUNS of them, all of one simulated length (counts are compared as they are).
 * Anything else is refused with the file and the field it differs in.
 */
import jstat from 'jstat';
import { ConfigError } from '../core/errors.js';
import { shellWord } from '../core/shell-word.js';
import {
  type Comparison,
  compareResults,
  type RunHeader,
  type SetHeader,
  sameRun,
} from './compare-results.js';
import { type CompareRow, judged, NOISE_SIGMAS, notJudged } from './compare-row.js';
import { formatTime } from './duration.js';
import { figuresPastStop, type RunResult } from './run-result.js';
import { mixedHosts, setHostText } from './set-host-text.js';

/** Runs a set needs: a standard deviation needs two. */
export const MIN_RUNS = 2;

/** The note of a figure that has one value in every run of both sets: not judged, counted apart. */
export const SAME_IN_EVERY_RUN = 'the same in every run of both sets';

/** The two-sided tail NOISE_SIGMAS standard errors leave under a normal (0.27 % for 3). */
const TAIL = 2 * (1 - jstat.jStat.normal.cdf(NOISE_SIGMAS, 0, 1));

export interface RunFile {
  file: string;
  result: RunResult;
}

/** Differences between two runs of one set that leave its figures comparable (the hosting). */
const SAME_EXPERIMENT = /^(seed|host|placement): /;

/** `names`: how the user named each set (a directory), for the messages. */
export function compareSets(
  a: readonly RunFile[],
  b: readonly RunFile[],
  names: { a: string; b: string } = { a: 'A', b: 'B' },
): Comparison {
  // One run a side is two runs: the pair comparison judges them by its sampling models (QA: the
  // refusal did not say so).
  if (a.length === 1 && b.length === 1) {
    throw new ConfigError(
      names.a,
      `Expected at least ${MIN_RUNS} run results in each set (their spread is the noise), got 1 in each; to compare the two runs, name their files: npusim compare ${shellWord(a[0]!.file)} ${shellWord(b[0]!.file)}`,
    );
  }
  checkSet(names.a, 'A', a);
  checkSet(names.b, 'B', b);
  const length = a[0]!.result.simulatedTicks;
  const other = b.find((r) => r.result.simulatedTicks !== length);
  if (other !== undefined) {
    throw new ConfigError(
      `${other.file}: simulatedTicks`,
      `Expected runs of the simulated length of A's (${formatTime(length)}) in a comparison of sets, got ${formatTime(other.result.simulatedTicks)}${stoppedEarly([a[0]!, other])}`,
    );
  }
  // A counter that never fired is left out of a result. Every run is read with every counter of
  // both sets, 0 where it has none: a fault counted twice in one seed of three has a mean of 2/3,
  // not 2, and a counter the first runs lack is still compared.
  const counters = new Set<string>();
  for (const r of [...a, ...b]) for (const name of Object.keys(r.result.counts)) counters.add(name);
  const full = (r: RunFile): RunFile => ({
    ...r,
    result: { ...r.result, counts: everyCounter(r, counters) },
  });
  const fullA = a.map(full);
  const fullB = b.map(full);
  const pair = compareResults(fullA[0]!.file, fullA[0]!.result, fullB[0]!.file, fullB[0]!.result);
  const selfA = fullA.map(readRun);
  const selfB = fullB.map(readRun);
  const valuesA = selfA.map((r) => r.figures);
  const valuesB = selfB.map((r) => r.figures);
  const { shape, judgeable } = everyPair(fullA, fullB);
  const rows = shape.map((r) => setRow(r, valuesA, valuesB, judgeable.has(keyOf(r))));
  const judgedRows = rows.filter((r) => r.verdict === 'changed' || r.verdict === 'noise');
  const hosts = (runs: typeof selfA) => runs.map((r) => r.header.host);
  return {
    ...pair,
    a: setHeader(
      names.a,
      selfA.map((r) => r.header),
    ),
    b: setHeader(
      names.b,
      selfB.map((r) => r.header),
    ),
    differences: setDifferences(pair.differences, hosts(selfA), hosts(selfB)),
    ...sameRuns(a, b),
    pastStop: [...a, ...b].some((r) => figuresPastStop(r.result)),
    rows,
    judged: judgedRows.length,
    changed: judgedRows.filter((r) => r.verdict === 'changed').length,
    sameInEveryRun: rows.filter((r) => r.note === SAME_IN_EVERY_RUN).length,
    sets: { a: selfA.map((r) => r.header), b: selfB.map((r) => r.header) },
  };
}

/** A set as a whole: what its runs share (`runs` in seed order, as read). */
function setHeader(file: string, runs: readonly RunHeader[]): SetHeader {
  return {
    file,
    workload: runs[0]!.workload,
    runs: runs.length,
    seeds: runs.map((r) => r.seed).sort((x, y) => x - y),
    host: setHostText(runs.map((r) => r.host)),
    status: [...new Set(runs.map((r) => r.status))].join('/'),
    simulatedTicks: runs[0]!.simulatedTicks,
  };
}

/**
 * The two sets are the same runs, seed by seed: the same seeds, and each seed's run the same
 * events (identical: read by one npusim too). Judged per seed, never from the first runs alone:
 * `compare A A` and a copy of A were `identical: false` (QA).
 */
function sameRuns(a: readonly RunFile[], b: readonly RunFile[]): { identical: boolean; sameEvents: boolean } {
  const bySeed = new Map(b.map((r) => [r.result.seed, r.result]));
  if (a.length !== b.length || a.some((r) => !bySeed.has(r.result.seed)))
    return { identical: false, sameEvents: false };
  const each = a.map((r) => sameRun(r.result, bySeed.get(r.result.seed)!));
  return { identical: each.every((s) => s.identical), sameEvents: each.every((s) => s.sameEvents) };
}

/**
 * What the sets differ in: the first runs' differences, less the seed (the seeds differ between
 * the sets as within them: the header lists them) and, where a set mixes hosts, the first runs'
 * host and placement, which would stand for the whole set (QA): the sets' hosts instead.
 */
function setDifferences(
  first: readonly string[],
  hostsA: readonly string[],
  hostsB: readonly string[],
): string[] {
  const mixed = mixedHosts(hostsA) || mixedHosts(hostsB);
  const kept = first.filter((d) => !d.startsWith('seed: ') && !(mixed && /^(host|placement): /.test(d)));
  const a = setHostText(hostsA);
  const b = setHostText(hostsB);
  if (!mixed || a === b) return kept;
  // Where the first runs' host line stands: after the configuration, before the simulated time.
  const at = kept.findIndex((d) => /^(free window|simulated time): /.test(d));
  const host = `host: ${a} -> ${b}`;
  return at < 0 ? [...kept, host] : [...kept.slice(0, at), host, ...kept.slice(at)];
}

/** The run's counters, with 0 for each of `names` it lacks (in the order of `names`). */
function everyCounter(r: RunFile, names: ReadonlySet<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = r.result.counts[name] ?? 0;
  return counts;
}

/**
 * Why two runs' lengths differ when one of them was made with --stop-on-first: each such run ends
 * at the tick of its own first finding, so a set of them has no one length (QA: the refusal named
 * the lengths only, and the cause was left to guess).
 */
function stoppedEarly(runs: readonly RunFile[]): string {
  const early = runs.filter((r) => r.result.config.stopOnFirst === true).map((r) => r.file);
  // An interrupted run (Ctrl-C, SIGTERM) ended where it was stopped (QA: the refusal named the
  // lengths only).
  const stopped = runs.filter((r) => r.result.status === 'interrupted').map((r) => r.file);
  const said: string[] = [];
  if (early.length > 0)
    said.push(
      `${early.join(' and ')} ${early.length === 1 ? 'was' : 'were'} run with --stop-on-first, which ends a run at its own first finding: a set needs runs to their end (the same command without --stop-on-first), or compare two such runs' files as a pair`,
    );
  if (stopped.length > 0)
    said.push(
      `${stopped.join(' and ')} ${stopped.length === 1 ? 'was' : 'were'} interrupted, which ends a run where it was stopped: a set needs runs to their end`,
    );
  return said.map((s) => `; ${s}`).join('');
}

/** A set's runs are one configuration, seeds apart, each seed once, of one length. */
function checkSet(where: string, name: 'A' | 'B', runs: readonly RunFile[]): void {
  if (runs.length < MIN_RUNS) {
    throw new ConfigError(
      where,
      `Expected at least ${MIN_RUNS} run results in each set (their spread is the noise), got ${runs.length}`,
    );
  }
  const first = runs[0]!;
  const seeds = new Map<number, string>();
  for (const r of runs) {
    // The configuration first: a run of another workload that shares a seed is another
    // configuration, not a seed run twice (QA: `stress` seed 1 beside `flush-race` seed 1 was
    // refused as seed 1 again).
    if (r !== first) {
      // A set is of one length, so a length that differs refuses it: nothing is compared per
      // simulated ms as a pair's header says.
      const differs = compareResults(first.file, first.result, r.file, r.result)
        .differences.filter((d) => !SAME_EXPERIMENT.test(d))
        .map((d) => d.replace(' (counts compared per simulated ms)', ''));
      if (differs.length > 0) {
        throw new ConfigError(
          r.file,
          `Expected a run of the configuration of ${first.file} (a set is one configuration run with several seeds), got one that differs in ${differs.join('; ')}${differs.some((d) => d.startsWith('simulated time: ')) ? stoppedEarly([first, r]) : ''}`,
        );
      }
    }
    const twice = seeds.get(r.result.seed);
    if (twice !== undefined) {
      throw new ConfigError(
        `${r.file}: seed`,
        // The set by its column and, where it has one, the name it was given (QA: a library
        // caller's `names` went unsaid here, where the too-few refusal names it).
        `Expected each seed once in set ${name}${where === name ? '' : ` (${where})`} (a seed run twice is one run counted twice), got seed ${r.result.seed} again (also ${twice})`,
      );
    }
    seeds.set(r.result.seed, r.file);
  }
}

/**
 * A run as the run compared with itself reads it, once: its header, and each figure by its
 * section and name.
 */
function readRun(r: RunFile): { header: RunHeader; figures: Map<string, number | undefined> } {
  const self = compareResults(r.file, r.result, r.file, r.result);
  return { header: self.a, figures: new Map(self.rows.map((row) => [keyOf(row), row.a])) };
}

/**
 * Every pair of a run of A and a run of B, compared: the rows of the comparison of sets, and the
 * figures some pair judges. nA x nB comparisons, each of the few hundred rows a result has.
 *
 * `shape`: the first runs' rows (`pair` in compareSets), and after them, in their places, each row
 * another pair has that they lack, as the first pair that has it gives it. A latency the first
 * runs took no sample of has no mean or percentile rows in their comparison (compare-results.ts
 * latencyRows), which a set whose later seeds sampled it needs: they were left out.
 *
 * `judgeable`: the figures some pair judges, or would judge but for a model of one run's noise
 * (`judgedInSets`): whether a figure is judged between the sets is decided from every run, not the
 * first of each (QA: a wait at the end that the first runs lacked stayed `not judged: no CPU
 * waiting at the end in either run` though other seeds had one). Every pair, as a reason can lie
 * in either run (too few samples in one) or in both (results of two npusim versions).
 */
function everyPair(
  a: readonly RunFile[],
  b: readonly RunFile[],
): { shape: CompareRow[]; judgeable: Set<string> } {
  const shape: CompareRow[] = [];
  const place = new Map<string, number>();
  const judgeable = new Set<string>();
  for (const x of a) {
    for (const y of b) {
      let after = -1; // where the last row of this pair that the shape has stands in it
      for (const row of compareResults(x.file, x.result, y.file, y.result).rows) {
        const key = keyOf(row);
        if (row.verdict !== 'not judged' || row.judgedInSets === true) judgeable.add(key);
        const at = place.get(key);
        if (at !== undefined) {
          after = at;
          continue;
        }
        after += 1;
        shape.splice(after, 0, row);
        for (const [k, i] of place) if (i >= after) place.set(k, i + 1);
        place.set(key, after);
      }
    }
  }
  return { shape, judgeable };
}

function keyOf(r: CompareRow): string {
  return `${r.section}\u0000${r.group ?? ''}\u0000${r.figure}`;
}

/**
 * One figure over the two sets, under the pair row's socket or link. A headline's text is one
 * run's: the set's mean prints as its number.
 */
function setRow(
  pair: CompareRow,
  valuesA: readonly Map<string, number | undefined>[],
  valuesB: readonly Map<string, number | undefined>[],
  judgeable: boolean,
): CompareRow {
  const row = setRowOf(pair, valuesA, valuesB, judgeable);
  return pair.group === undefined ? row : { ...row, group: pair.group };
}

/**
 * One figure over the two sets: the means, and Welch's verdict where some pair of their runs
 * judges it (`judgeable`: everyPair); `pair` is the first pair's row with it, its name and unit.
 */
function setRowOf(
  pair: CompareRow,
  valuesA: readonly Map<string, number | undefined>[],
  valuesB: readonly Map<string, number | undefined>[],
  judgeable: boolean,
): CompareRow {
  const key = keyOf(pair);
  const xs = valuesA.map((m) => m.get(key));
  const ys = valuesB.map((m) => m.get(key));
  const ma = meanOf(xs);
  const mb = meanOf(ys);
  // Not judged in any pair of runs (no noise model, or too few samples): not judged here either,
  // but for a figure whose only trouble in a pair is its noise model, which the sets' spread
  // replaces. The reason of the first pair of runs with the figure stands for the rest.
  if (!judgeable) return notJudged(pair.section, pair.figure, ma, mb, pair.unit, pair.note);
  const missing = (v: readonly (number | undefined)[]) => v.filter((x) => x === undefined).length;
  const gone = missing(xs) + missing(ys);
  if (ma !== undefined && mb !== undefined && gone > 0) {
    return notJudged(pair.section, pair.figure, ma, mb, pair.unit, `missing in ${gone} of the runs`);
  }
  // A figure no run of either set has (a link's queue max where nothing crossed the link): no
  // figure, not `only in B` (QA: every control link's queue max read so).
  if (ma === undefined && mb === undefined)
    return notJudged(pair.section, pair.figure, ma, mb, pair.unit, 'in no run of either set');
  // A figure of one set's shape only (a socket or link of one topology: the pair says so) is
  // `only in` that set; one both have but no run of one set measured (a latency with no sample in
  // any of A's runs, its max judged in sets) is not judged, not `only in B` (QA).
  if (ma === undefined || mb === undefined) {
    if (pair.verdict === 'only in A' || pair.verdict === 'only in B')
      return judged(pair.section, pair.figure, ma, mb, 0, pair.unit, '');
    const none = ma === undefined ? 'A' : 'B';
    return notJudged(pair.section, pair.figure, ma, mb, pair.unit, `in no run of set ${none}`);
  }
  // A figure with one value in every run of both sets (what a workload never does, such as GPU
  // resets in `stress`: 0 throughout) has nothing to judge: called `noise`, such figures swelled
  // "N of M judged" (QA: 26 of 106). Counted apart (sameInEveryRun).
  const first = xs[0];
  if ([...xs, ...ys].every((x) => x === first)) {
    return notJudged(pair.section, pair.figure, ma, mb, pair.unit, SAME_IN_EVERY_RUN);
  }
  const va = variance(xs as number[]);
  const vb = variance(ys as number[]);
  const ea = va / xs.length;
  const eb = vb / ys.length;
  const sigma = Math.sqrt(ea + eb);
  // Welch-Satterthwaite; with no spread on either side there are no degrees of freedom to speak of
  // (any change of a figure that no seed moves is beyond noise), so the normal's bound stands.
  const dof =
    ea + eb === 0
      ? Number.POSITIVE_INFINITY
      : (ea + eb) ** 2 / (ea ** 2 / (xs.length - 1) + eb ** 2 / (ys.length - 1));
  const sigmas = Number.isFinite(dof) ? jstat.jStat.studentt.inv(1 - TAIL / 2, dof) : NOISE_SIGMAS;
  return judged(
    pair.section,
    pair.figure,
    ma,
    mb,
    sigma,
    pair.unit,
    `spread of ${xs.length} and ${ys.length} runs (Welch, t ${sigmas.toFixed(2)})`,
    sigmas,
  );
}

function meanOf(v: readonly (number | undefined)[]): number | undefined {
  const have = v.filter((x): x is number => x !== undefined);
  return have.length === 0 ? undefined : have.reduce((s, x) => s + x, 0) / have.length;
}

/** The sample variance (n - 1). */
function variance(v: readonly number[]): number {
  const m = v.reduce((s, x) => s + x, 0) / v.length;
  return v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1);
}

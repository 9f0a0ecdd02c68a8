/**
 * compareResults on results made up for the purpose: how each kind of counter is judged. A total
 * of bytes moves between seeds as the count of operations it sums, not as a count of bytes; a
 * state at the end of a run is not accrued over it, so is never scaled per simulated ms.
 */
import { describe, expect, it } from 'vitest';
import { TEXT_COLUMNS } from '../../src/core/wrap-text.js';
import { buildCompareHtml } from '../../src/report/compare-html.js';
import { EXTREME, NO_SOCKET_INTERVAL, SOCKET_INTERVAL_TEST } from '../../src/report/compare-places.js';
import { type Comparison, compareResults, mergedOrder } from '../../src/report/compare-results.js';
import { NOISE_SIGMAS, QUEUE_MEAN_NOT_JUDGED } from '../../src/report/compare-row.js';
import { compareSets, type RunFile } from '../../src/report/compare-sets.js';
import {
  comparisonFooter,
  comparisonHeader,
  formatComparison,
  rowCells,
} from '../../src/report/format-comparison.js';
import { evaluateHeadline } from '../../src/report/headline.js';
import type { LinkFigures, RunResult, SocketFigures } from '../../src/report/run-result.js';
import { checksSection } from '../../src/report/summary-checks.js';
import { unwrapped } from '../fixtures/unwrapped.js';
import { linkFigures, socketFigures } from '../support/contention-figures.js';
import { countsResult } from '../support/counts-result.js';

const US = 1_000_000; // ticks

/** A result with these counters and nothing else: what compareResults reads of one. */
function result(counts: Record<string, number>, simulatedTicks = 200 * US): RunResult {
  return countsResult(counts, { simulatedTicks });
}

/** 256-byte DMAs, as `stress` issues them: the byte total is the count times 256. */
function dmas(completed: number, bytesEach = 256): Record<string, number> {
  return { 'dma.completed': completed, 'dma.bytes': completed * bytesEach };
}

function row(a: RunResult, b: RunResult, figure: string) {
  const r = compareResults('A.json', a, 'B.json', b).rows.find((x) => x.figure === figure);
  if (r === undefined) throw new Error(`no row ${figure}`);
  return r;
}

describe('compare: a run that simulated nothing', () => {
  it('is refused, naming its file and field: every count of it is 0 by not having run (QA: 167 figures CHANGED)', () => {
    const nothing: RunResult = { ...result({}, 0), status: 'interrupted' };
    const real = result(dmas(1972));
    expect(() => compareResults('s1.json', real, 'z.json', nothing)).toThrow(
      'z.json: simulatedTicks: Expected a run that simulated some time (one with figures to compare), got one that simulated 0 ps (status interrupted: stopped before its first event)',
    );
    expect(() => compareResults('z.json', nothing, 's1.json', real)).toThrow(/^z\.json: simulatedTicks: /);
  });
});

describe('compare: two runs of different seeds', () => {
  const notes = (a: RunResult, b: RunResult) =>
    comparisonFooter(compareResults('A.json', a, 'B.json', b)).filter((l) => l.startsWith('note:'));
  const evictions = (n: number, seed: number, params?: Record<string, unknown>) =>
    countsResult({ 'ats.evictions': n }, { seed, ...(params === undefined ? {} : { params }) });

  it("a flagged row between two seeds alone is called the seed's; with another difference, maybe the seed's", () => {
    // 241 against 114 evictions: seeds 1 and 2 of `stress` for 200 us at 0.10.0.
    expect(notes(evictions(241, 1), evictions(114, 2))).toEqual([
      'note: A and B differ in their seed alone: each row flagged is what the seed moved, not a change;',
    ]);
    const other = { topology: 'witherspoon-4' };
    expect(notes(evictions(241, 1), evictions(114, 2, other))).toEqual([
      'note: A and B differ in their seed too: some rows flagged may be what the seed moved; run both',
    ]);
  });

  it('no note where the seed is the same, or where nothing was flagged', () => {
    expect(notes(evictions(241, 1), evictions(114, 1))).toEqual([]);
    expect(notes(evictions(241, 1), evictions(240, 2))).toEqual([]);
    const footer = comparisonFooter(compareResults('A.json', evictions(241, 1), 'B.json', evictions(114, 2)));
    for (const line of footer) expect(line.length, line).toBeLessThanOrEqual(100);
  });
});

describe('compare: totals and states that are not counts of events', () => {
  it('a byte total that moves 1 % with its DMA count, itself within noise, is noise', () => {
    // Seeds 1 and 2 of `stress` for 200 us at 0.9.0: 12293 and 12428 DMAs (1.1 %, 0.9 standard errors).
    const a = result(dmas(12293));
    const b = result(dmas(12428));
    expect(row(a, b, 'dma.completed').verdict).toBe('noise');
    const bytes = row(a, b, 'dma.bytes');
    expect(bytes.changeRatio).toBeCloseTo(0.011, 3);
    expect(bytes.verdict).toBe('noise');
    expect(bytes.unit).toBe('bytes');
    // The same standard errors as the count's, in bytes: 256 sqrt(nA + nB).
    expect(bytes.sigma).toBeCloseTo(256 * Math.sqrt(12293 + 12428), 6);
    expect(bytes.note).toBe('total / sqrt(dma.completed)');
  });

  it('a byte total that doubles is changed, with its count or with the size of each DMA', () => {
    expect(row(result(dmas(12293)), result(dmas(24586)), 'dma.bytes').verdict).toBe('changed');
    expect(row(result(dmas(12293)), result(dmas(12293, 512)), 'dma.bytes').verdict).toBe('changed');
  });

  it('a collective byte total is judged by its completed all-reduces', () => {
    const a = result({ 'allreduce.completed': 100, 'allreduce.bytes': 100 * 1_048_576 });
    const b = result({ 'allreduce.completed': 110, 'allreduce.bytes': 110 * 1_048_576 });
    const r = row(a, b, 'allreduce.bytes');
    expect(r.verdict).toBe('noise');
    expect(r.note).toBe('total / sqrt(allreduce.completed)');
  });

  it('runs of different lengths: a byte total per simulated ms, with the noise of its count', () => {
    const r = row(result(dmas(6100), 100 * US), result(dmas(12428), 200 * US), 'dma.bytes per simulated ms');
    expect(r.a).toBeCloseTo((6100 * 256) / 0.1, 6);
    expect(r.verdict).toBe('noise');
    expect(r.sigma).toBeCloseTo(Math.sqrt((6100 * 256 ** 2) / 0.1 ** 2 + (12428 * 256 ** 2) / 0.2 ** 2), 6);
  });

  it('a byte total without its count in a result, or with no count known, is not judged', () => {
    const noCount = row(result({ 'dma.bytes': 3_147_008 }), result(dmas(12428)), 'dma.bytes');
    expect(noCount.verdict).toBe('not judged');
    expect(noCount.note).toBe('no dma.completed count in a result to judge it by');
    const unknown = row(result({ 'nvlink.bytes': 1000 }), result({ 'nvlink.bytes': 5000 }), 'nvlink.bytes');
    expect(unknown.verdict).toBe('not judged');
    expect(unknown.note).toBe('a total, not a count of events: no noise model');
  });

  it('what is in flight at the end is compared as it is, not per simulated ms', () => {
    const a = result({ 'dma.inFlightAtEnd': 300, 'dma.issued': 6000 }, 100 * US);
    const b = result({ 'dma.inFlightAtEnd': 300, 'dma.issued': 12000 }, 200 * US);
    const atEnd = row(a, b, 'dma.inFlightAtEnd');
    expect(atEnd.change).toBe(0);
    expect(atEnd.verdict).toBe('noise');
    // A count of events is still compared per simulated ms.
    expect(row(a, b, 'dma.issued per simulated ms').change).toBe(0);
  });
});

/**
 * A threaded run stopped at its first finding: its digest ends at the stop, its figures may not
 * (run-result.ts figuresPastStop). QA found compare saying "same events: every change below is
 * zero" above a table of changes, for the same seed run inline and on `--workers 2`.
 */
describe('compare: a threaded run stopped at its first finding', () => {
  const run = (host: 'inline' | 'threaded', completed: number): RunResult => {
    const r = countsResult({ 'dma.completed': completed });
    return {
      ...r,
      host,
      status: 'violation',
      eventDigest: 'e1',
      npusim: '0.5.0',
      config: { ...r.config, stopOnFirst: true },
    };
  };

  it('is not called identical to the inline run of its events, and the header says why figures differ', () => {
    const c = compareResults('fi.json', run('inline', 1029), 'fw.json', run('threaded', 1043));
    expect(c).toMatchObject({ sameEvents: true, identical: false, pastStop: true });
    const text = formatComparison(c);
    expect(text).not.toContain('every change below is zero');
    // The line wraps at 100 columns, under its text: joined again.
    expect(unwrapped(text, 4)).toContain(
      'the two runs are the same events (same event digest) up to where they stopped, but actors of a threaded run handle events past the stop',
    );
    // Two inline runs stopped at their first finding stay identical.
    const inline = compareResults('a', run('inline', 1029), 'b', run('inline', 1029));
    expect(inline).toMatchObject({ identical: true, pastStop: false });
    expect(formatComparison(inline)).toContain('every change below is zero');
  });

  it("the threaded run's own summary says its figures count past the stop; an inline one's does not", () => {
    const note = 'note: stopped at the first finding on threads';
    // The note wraps at 100 columns under its text (`  note: `): joined again.
    const lines = (r: RunResult) =>
      unwrapped(
        checksSection(
          { ...r, conservation: { sent: 1, received: 1, inFlight: 0, ok: true } },
          (_c, s) => s,
          5,
          5,
        ).join('\n'),
        '  note: '.length,
      );
    expect(lines(run('threaded', 1043))).toContain(note);
    expect(lines(run('threaded', 1043))).toContain('(--inline gives them exactly)');
    expect(lines(run('inline', 1029))).not.toContain(note);
    // A free run refuses --inline: its replay is what gives them exactly (QA).
    const free = {
      ...run('threaded', 1043),
      free: {} as NonNullable<RunResult['free']>,
      reproduce: 'npusim replay f/x.json',
    };
    // With no file left, the note names none (QA): its reproduce line is a re-run.
    const noFile = { ...free, reproduce: 'npusim run stress --seed 1 --free --free-window 1us' };
    expect(lines(noFile)).toContain(
      '(this run left no file; a free run with a failure file or `--record FILE`',
    );
    expect(lines(noFile)).not.toContain('`npusim replay` of its');
    expect(lines(free)).toContain(note);
    expect(lines(free)).toContain('(`npusim replay` of its failure or --record file gives them exactly)');
    expect(lines(free)).not.toContain('--inline');
    const clean = { ...run('threaded', 1043), status: 'clean' as const };
    expect(lines(clean)).not.toContain(note);
    // Its figures from a second run to the stop (threaded-runtime.ts): nothing counts past it, and
    // compare calls it identical to the inline run of its events (QA: the in-flight figure was low).
    const exact = {
      ...run('threaded', 1029),
      engine: { ...run('threaded', 1029).engine, figuresToStop: true },
    };
    expect(lines(exact)).not.toContain(note);
    expect(compareResults('fi.json', run('inline', 1029), 'fw.json', exact)).toMatchObject({
      sameEvents: true,
      pastStop: false,
    });
    // Ctrl-C on threads, with or without --stop-on-first: each worker stopped where it was.
    const interrupted =
      'note: interrupted on threads: the run is reported to the tick every worker had reached';
    for (const stopOnFirst of [true, false]) {
      const r = run('threaded', 1043);
      const stopped = { ...r, status: 'interrupted' as const, config: { ...r.config, stopOnFirst } };
      expect(lines(stopped)).toContain(interrupted);
      expect(lines({ ...stopped, host: 'inline' })).not.toContain('note:');
    }
  });
});

/**
 * Every line of the header fits 100 columns, wrapped under itself as the runs' lines are (QA: what
 * it said of two runs stopped at their first finding ran to 259 columns, of a copy of a set to 121).
 */
describe('compare: the header fits 100 columns', () => {
  const run = (o: Partial<RunResult>, params?: Record<string, unknown>): RunResult => ({
    ...countsResult({ 'dma.completed': 1029 }, params === undefined ? {} : { params }),
    eventDigest: 'e1',
    npusim: '0.10.0',
    ...o,
  });
  const stopped = (host: 'inline' | 'threaded') =>
    run({ host, status: 'violation', config: { ...run({}).config, stopOnFirst: true } });
  const set = (dir: string, npusim: string): RunFile[] =>
    [1, 2].map((seed) => ({
      file: `${dir}/s${seed}.json`,
      result: run({ seed, npusim, eventDigest: `e${seed}`, config: { ...run({}).config, seed } }),
    }));
  const long = 'a-machine-named-at-length-for-the-sake-of-this-test-0123456789';
  const cases: [string, Comparison, string][] = [
    [
      'a threaded run stopped at its first finding',
      compareResults('i.json', stopped('inline'), 't.json', stopped('threaded')),
      'the two runs are the same events (same event digest) up to where they stopped, but actors of a threaded run handle events past the stop before they hear of it, and its counts, latencies, links and conservation count them: a change below is that, not the run',
    ],
    [
      'the same events read by two npusim versions',
      compareResults('a.json', run({ npusim: '0.9.0' }), 'b.json', run({})),
      'the two runs are the same events (same event digest) read by two npusim versions: a change below is in how a version reads a figure, not in the run',
    ],
    [
      'a copy of a set',
      compareSets(set('A', '0.10.0'), set('Acopy', '0.10.0'), { a: 'A', b: 'Acopy' }),
      "A and B are the same runs, seed by seed (each seed's run has the same event digest in both): every change below is zero",
    ],
    [
      'two sets read by other npusim versions',
      compareSets(set('A', '0.9.0'), set('B', '0.10.0'), { a: 'A', b: 'B' }),
      "A and B are the same runs, seed by seed (each seed's run has the same event digest in both), read by other npusim versions: a change below is in how a version reads a figure, not in the runs",
    ],
    [
      'a difference of long values',
      compareResults(
        'a.json',
        run({ eventDigest: 'e2' }, { topology: long }),
        'b.json',
        run({}, { topology: `${long}-b` }),
      ),
      `params.topology: ${long} -> ${long}-b`,
    ],
  ];

  it.each(cases)('%s: no line past 100 columns, the line read whole when joined', (_what, c, line) => {
    const header = comparisonHeader(c);
    expect(header.filter((l) => l.length > TEXT_COLUMNS)).toEqual([]);
    expect(
      formatComparison(c)
        .split('\n')
        .filter((l) => l.length > TEXT_COLUMNS),
    ).toEqual([]);
    // Wrapped under itself: two columns past its own indent, joined again it is the line as it was.
    const indent = line.startsWith('params.') ? 4 : 2;
    const at = header.findIndex((l) => l.startsWith(`${' '.repeat(indent)}${line.slice(0, 20)}`));
    expect(at).toBeGreaterThanOrEqual(0);
    const rest = header.slice(at + 1);
    const end = rest.findIndex((l) => !l.startsWith(' '.repeat(indent + 2)));
    const continued = end < 0 ? rest : rest.slice(0, end);
    expect(continued.length).toBeGreaterThan(0);
    const whole = header.slice(at, at + 1 + continued.length);
    expect(whole.map((l) => l.trim()).join(' ')).toBe(line);
  });
});

describe('compare: figures a run did not measure', () => {
  const withRates = (counts: Record<string, number>, tceHitRate: number | null): RunResult => {
    const r = result(counts);
    return { ...r, contention: { ...r.contention, tceHitRate } };
  };

  it("a cache one run never looked up has no hit rate there: the row is the other run's alone, not judged, not a change to 0 %", () => {
    const used = withRates({ 'tce.hits': 731, 'tce.misses': 9269 }, 0.0731);
    const unused = withRates({}, null);
    const r = row(used, unused, 'TCE cache hit rate');
    // Not `only in A`: that is a socket or link of one topology; both runs have this cache.
    expect(r).toMatchObject({ a: 0.0731, b: undefined, verdict: 'not judged', note: 'no lookups in run B' });
    expect(row(unused, used, 'TCE cache hit rate')).toMatchObject({
      a: undefined,
      verdict: 'not judged',
      note: 'no lookups in run A',
    });
    expect(row(unused, unused, 'TCE cache hit rate')).toMatchObject({
      a: undefined,
      b: undefined,
      verdict: 'not judged',
      note: 'no lookups in either run',
    });
    // Both used: judged as before, a binomial noise.
    const other = withRates({ 'tce.hits': 900, 'tce.misses': 9100 }, 0.09);
    expect(row(used, other, 'TCE cache hit rate').verdict).toBe('changed');
    expect(formatComparison(compareResults('A.json', used, 'B.json', unused))).not.toMatch(
      /TCE cache hit rate.*0\.00%/,
    );
  });

  it('a latency histogram with no samples in one run has no percentiles or max there (not 0 ps)', () => {
    const sample = {
      count: 40,
      min: 50_000,
      mean: 51_000,
      p50: 50_950,
      p99: 51_900,
      p999: 51_900,
      max: 51_940,
      unit: 'ticks',
    };
    const empty = { count: 0, min: 0, mean: 0, p50: 0, p99: 0, p999: 0, max: 0, unit: 'ticks' };
    const withLatency = (s: typeof sample): RunResult => {
      const r = result({});
      return {
        ...r,
        contention: { ...r.contention, latencies: { 'allreduce.latencyTicks': s } },
      } as RunResult;
    };
    const rows = compareResults('A.json', withLatency(sample), 'B.json', withLatency(empty)).rows.filter(
      (x) => x.figure.includes(': p') || x.figure.endsWith(': max'),
    );
    expect(rows.length).toBe(4);
    for (const r of rows) expect({ figure: r.figure, b: r.b }).toEqual({ figure: r.figure, b: undefined });
    expect(rows.every((r) => r.a !== undefined)).toBe(true);
  });

  it('a latency one run measured without a sample: its mean is too few samples, as its percentiles say, not only in the other run', () => {
    // `npusim run mixed --duration 25us --inline`, seeds 9 and 10: no shootdown completed in the
    // first, one of 19.73 us in the second; the mean read `only in B` above `p50 ... n/j (0/10)`.
    const at = 19_734_984;
    const one = { count: 1, min: at, mean: at, p50: at, p99: at, p999: at, max: at, unit: 'ticks' };
    const none = { count: 0, min: 0, mean: 0, p50: 0, p99: 0, p999: 0, max: 0, unit: 'ticks' };
    const withShootdowns = (s?: typeof one): RunResult => {
      const r = result({});
      const latencies = s === undefined ? {} : { 'shootdown.latencyTicks': s };
      return { ...r, contention: { ...r.contention, latencies } } as RunResult;
    };
    const rows = (a: RunResult, b: RunResult) =>
      compareResults('A.json', a, 'B.json', b)
        .rows.filter((r) => r.figure.startsWith('shootdown latency: '))
        .map((r) => [r.figure.slice('shootdown latency: '.length), r.a, r.b, r.verdict, r.note]);
    expect(rows(withShootdowns(none), withShootdowns(one))).toEqual([
      ['samples', 0, 1, 'noise', 'Poisson: sqrt(n)'],
      ['mean', undefined, at, 'not judged', 'too few samples (0): needs 2'],
      ['p50', undefined, at, 'not judged', 'too few samples (0): needs 10'],
      ['p99', undefined, at, 'not judged', 'too few samples (0): needs 500'],
      ['p99.9', undefined, at, 'not judged', 'too few samples (0): needs 5000'],
      ['max', undefined, at, 'not judged', EXTREME],
    ]);
    // The other way round alike: B without a sample.
    expect(rows(withShootdowns(one), withShootdowns(none))[1]).toEqual([
      'mean',
      at,
      undefined,
      'not judged',
      'too few samples (0): needs 2',
    ]);
    // The text tags the mean as its percentiles, with its numbers, and the legend names the mean.
    const text = formatComparison(
      compareResults('A.json', withShootdowns(none), 'B.json', withShootdowns(one)),
    );
    const tag = (figure: string) =>
      new RegExp(`^ {2}shootdown latency: ${figure} +- +19\\.73 us +n/j(\\S+) \\(0/\\d+\\)$`, 'm').exec(
        text,
      )?.[1];
    expect(tag('mean')).toBeDefined();
    expect(tag('mean')).toBe(tag('p50'));
    expect(text).not.toContain('only in');
    expect(text).toContain(
      'too few samples (n/needed): a mean needs 2 in both runs, a percentile 5 beyond it',
    );
    // A histogram one result lacks altogether is still the other's only: it is not in its shape.
    expect(rows(withShootdowns(), withShootdowns(one)).slice(0, 2)).toEqual([
      ['samples', undefined, 1, 'only in B', ''],
      ['mean', undefined, at, 'only in B', ''],
    ]);
  });

  it('a mean of one sample in a run is too few samples: one value has no standard error', () => {
    // Its stddev / sqrt(N) is 0, so two one-sample means that differed at all were CHANGED.
    const withOne = (at: number): RunResult => {
      const r = result({});
      const s = { count: 1, min: at, mean: at, p50: at, p99: at, p999: at, max: at, unit: 'ticks' };
      const span: [number, number] = [at, at];
      const noise = { meanSe: 0, p50: span, p99: span, p999: span };
      const contention = {
        ...r.contention,
        latencies: { 'shootdown.latencyTicks': s },
        latencyNoise: { 'shootdown.latencyTicks': noise },
      };
      return { ...r, contention } as RunResult;
    };
    const mean = compareResults('A.json', withOne(19_000_000), 'B.json', withOne(19_000_001)).rows.find(
      (r) => r.figure === 'shootdown latency: mean',
    );
    expect([mean?.a, mean?.b, mean?.verdict, mean?.note]).toEqual([
      19_000_000,
      19_000_001,
      'not judged',
      'too few samples (1): needs 2',
    ]);
  });
});

describe('compare: what was still going on at the end, and the hold row across 0.6.2', () => {
  const summary = (count: number, max: number) => ({
    count,
    min: max,
    mean: max,
    p50: max,
    p99: max,
    p999: max,
    max,
    unit: 'ticks',
  });
  const withLatencies = (
    latencies: Record<string, ReturnType<typeof summary>>,
    simulatedTicks: number,
    npusim = '0.6.2',
  ): RunResult => {
    const r = result({}, simulatedTicks);
    return { ...r, npusim, contention: { ...r.contention, latencies } } as RunResult;
  };

  it('shootdowns still in flight are a count at the end, never per simulated ms, and their longest is not judged', () => {
    // Runs of 100 us and 200 us: a rate per ms would halve the second run's 3 into 1.5 per 100 us.
    const a = withLatencies({ 'shootdown.unfinishedTicks': summary(2, 8_000_000) }, 100 * US);
    const b = withLatencies({ 'shootdown.unfinishedTicks': summary(3, 10_000_000) }, 200 * US);
    const rows = compareResults('A.json', a, 'B.json', b).rows.filter((r) =>
      r.figure.startsWith('shootdown latency, '),
    );
    expect(rows.map((r) => [r.figure, r.a, r.b, r.verdict])).toEqual([
      ['shootdown latency, still in flight at the end', 2, 3, 'noise'],
      ['shootdown latency, still in flight at the end: longest', 8_000_000, 10_000_000, 'not judged'],
    ]);
    expect(rows[0]!.note).toBe('Poisson: sqrt(n), a state at the end');
    expect(rows[1]!.note).toBe(EXTREME);
    // None left in either run: said so, not "one sample" (QA).
    const none = withLatencies({ 'shootdown.unfinishedTicks': summary(0, 0) }, 100 * US);
    const longest = compareResults('A.json', none, 'B.json', none).rows.find((r) =>
      r.figure.endsWith('still in flight at the end: longest'),
    );
    expect(longest?.note).toBe('no operation left in either run');
  });

  it('DMAs and peer writes still in flight are compared as the other unfinished rows, and a result from before they were recorded has none to compare', () => {
    const a = withLatencies(
      { 'dma.unfinishedTicks': summary(300, 2_700_000), 'peer.unfinishedTicks': summary(20, 1_000_000) },
      100 * US,
    );
    const b = withLatencies(
      { 'dma.unfinishedTicks': summary(340, 2_900_000), 'peer.unfinishedTicks': summary(900, 50_000_000) },
      200 * US,
    );
    const rows = (x: RunResult, y: RunResult) =>
      compareResults('A.json', x, 'B.json', y)
        .rows.filter((r) => r.figure.includes('still in flight'))
        .map((r) => [r.figure, r.a, r.b, r.verdict]);
    expect(rows(a, b)).toEqual([
      ['DMA latency, still in flight at the end', 300, 340, 'noise'],
      ['DMA latency, still in flight at the end: longest', 2_700_000, 2_900_000, 'not judged'],
      ['peer access latency, still in flight at the end', 20, 900, 'changed'],
      ['peer access latency, still in flight at the end: longest', 1_000_000, 50_000_000, 'not judged'],
    ]);
    // Never a latency row of their own (`dma.unfinishedTicks: samples`).
    expect(
      compareResults('A.json', a, 'B.json', b).rows.some((r) => r.figure.includes('unfinishedTicks')),
    ).toBe(false);
    // A result from before they were recorded has no such histogram: only in the other, not 0 -> 340.
    const before = withLatencies({}, 100 * US, '0.9.0');
    expect(rows(before, b)[0]).toEqual([
      'DMA latency, still in flight at the end',
      undefined,
      340,
      'only in B',
    ]);
  });

  it('the ATSD register hold is not judged between a result from before 0.6.2 (per shootdown) and one after (per register)', () => {
    const hold = { 'atsd.holdTicks': summary(39, 12_000_000) };
    const perRegister = { 'atsd.holdTicks': summary(63, 12_500_000) };
    const c = compareResults(
      'old.json',
      withLatencies(hold, 100 * US, '0.6.1'),
      'new.json',
      withLatencies(perRegister, 100 * US),
    );
    const holdRows = c.rows.filter((r) => r.figure.startsWith('ATSD register hold'));
    expect(holdRows.map((r) => [r.figure, r.verdict])).toEqual([
      ['ATSD register hold: samples', 'not judged'],
    ]);
    expect(holdRows[0]!.note).toContain('per shootdown before npusim 0.6.2, per register since');
    // Both from 0.6.2 on: judged as any latency.
    const same = compareResults(
      'a.json',
      withLatencies(perRegister, 100 * US),
      'b.json',
      withLatencies(perRegister, 100 * US),
    );
    expect(same.rows.filter((r) => r.figure.startsWith('ATSD register hold')).length).toBeGreaterThan(1);
  });
});

describe('compare: each socket and each link', () => {
  const socket = socketFigures;
  const link = linkFigures;
  const machine = (sockets: SocketFigures[], links: LinkFigures[]): RunResult => {
    const r = result({});
    return { ...r, contention: { ...r.contention, sockets, links } };
  };
  const one = (c: ReturnType<typeof compareResults>, group: string, figure: string) =>
    c.rows.find((r) => r.group === group && r.figure === figure)!;

  it("one socket's register busy count tripled is flagged, under its socket; the same machine twice is quiet", () => {
    const a = machine([socket(), socket({ socket: 1, chip: 'chip1' })], [link()]);
    const b = machine([socket(), socket({ socket: 1, chip: 'chip1', atsdBusySeen: 300 })], [link()]);
    const c = compareResults('A.json', a, 'B.json', b);
    expect(one(c, 'socket 1 (chip1)', 'failed tries')).toMatchObject({
      section: 'sockets',
      verdict: 'changed',
    });
    expect(one(c, 'socket 0 (chip0)', 'failed tries').verdict).toBe('noise');
    // A socket's p99 without its interval (a result from before it was kept): side by side, with why.
    expect(one(c, 'socket 0 (chip0)', 'nMMU p99')).toMatchObject({
      verdict: 'not judged',
      a: 12 * US,
      note: NO_SOCKET_INTERVAL,
      judgedInSets: true,
    });
    expect(c.changed).toBe(1);
    const same = compareResults('A.json', a, 'A.json', a);
    expect(same.changed).toBe(0);
    expect(same.judged).toBeGreaterThan(10);
    // The text prints the socket that changed, under its name, and counts the one left out.
    const text = formatComparison(c);
    expect(text).toMatch(/^sockets\n {2}socket 1 \(chip1\)\n {4}nMMU translations /m);
    expect(text).toMatch(/^ {4}failed tries +100 +300 .*CHANGED/m);
    expect(text).toContain(
      '  1 more of 2 sockets left out: no figure changed beyond noise or in one run only',
    );
    expect(formatComparison(same)).toContain('  all 1 links: no figure changed beyond noise');
  });

  it("a socket's nest MMU busy share is judged as a link's utilisation is: u / sqrt(walks)", () => {
    const at = (u: number) => machine([socket({ nmmuWalkerUtilisation: u })], [link()]);
    const busy = (a: RunResult, b: RunResult) =>
      one(compareResults('A', a, 'B', b), 'socket 0 (chip0)', 'nMMU busy');
    // 1000 walks at 50 % busy: se 0.5 / sqrt(1000) each, 3 se of the change is 6.7 points.
    const row = busy(at(0.5), at(0.6));
    expect(row.sigma).toBeCloseTo(Math.sqrt(0.25 / 1000 + 0.36 / 1000), 9);
    expect(row).toMatchObject({ verdict: 'changed', note: 'u / sqrt(walks)' });
    expect(busy(at(0.5), at(0.55)).verdict).toBe('noise');
    // A result written before the figure existed: side by side, not judged.
    const old = machine([socket()], [link()]);
    expect(busy(old, at(0.5))).toMatchObject({ verdict: 'not judged', b: 0.5 });
    expect(formatComparison(compareResults('A', at(0.5), 'B', at(0.9)))).toMatch(
      /^ {4}nMMU busy +50\.0% +90\.0% .*CHANGED/m,
    );
  });

  it("a socket's p99 is judged by the two runs' intervals: changed exactly where they do not overlap", () => {
    const at = (p99: number, interval: [number, number], o: Partial<SocketFigures> = {}) =>
      machine([socket({ nmmuP99Ticks: p99, nmmuP99IntervalTicks: interval, ...o })], [link()]);
    const p99 = (a: RunResult, b: RunResult) =>
      one(compareResults('A', a, 'B', b), 'socket 0 (chip0)', 'nMMU p99');
    const a = at(12 * US, [11 * US, 13 * US]);
    // B's low end just above A's high end: a gap, changed; just below it: they overlap, noise.
    expect(p99(a, at(14 * US, [13.01 * US, 15 * US]))).toMatchObject({
      verdict: 'changed',
      note: SOCKET_INTERVAL_TEST,
    });
    expect(p99(a, at(14 * US, [12.99 * US, 15 * US]))).toMatchObject({
      verdict: 'noise',
      note: SOCKET_INTERVAL_TEST,
    });
    // Lower in B: A's low end against B's high end.
    expect(p99(a, at(10 * US, [9 * US, 10.99 * US])).verdict).toBe('changed');
    expect(p99(a, at(10 * US, [9 * US, 11.01 * US])).verdict).toBe('noise');
    // Its standard error is the facing halves over 3: the gap is 3 se.
    const row = p99(a, at(14 * US, [13 * US, 15 * US]));
    expect(row.sigma! * NOISE_SIGMAS).toBeCloseTo(2 * US, 6);
    // Fewer than 500 samples in a run (5 beyond the p99): not judged, judged between sets.
    const few = at(20 * US, [19 * US, 21 * US], { nmmuTranslations: 499 });
    expect(p99(a, few)).toMatchObject({
      verdict: 'not judged',
      note: 'too few samples (499): needs 500',
      judgedInSets: true,
    });
  });

  it("a socket's TCE hit rate with no lookups in one run: the other's shown, not judged, not only in it", () => {
    const a = machine([socket()], [link()]);
    const unused = machine([socket({ tceHits: 0, tceMisses: 0 })], [link()]);
    const c = compareResults('A.json', a, 'B.json', unused);
    expect(one(c, 'socket 0 (chip0)', 'TCE hit rate')).toMatchObject({
      a: 0.3,
      b: undefined,
      verdict: 'not judged',
      note: 'no lookups in run B',
    });
    // Nothing else differs: the socket is quiet, left out of the text (`only in` kept it).
    expect(formatComparison(c)).toContain('  all 1 sockets: no figure changed beyond noise');
  });

  it("a link's queue mean is shown, not judged, between two runs (bursts); bytes judged by its messages", () => {
    const a = machine([], [link()]);
    const b = machine([], [link({ meanQueueDelayTicks: 10 * US, maxQueueDelayTicks: 20 * US })]);
    const c = compareResults('A.json', a, 'B.json', b);
    const q = one(c, 'gpu0->chip0 pcie', 'queue mean');
    expect(q).toMatchObject({ verdict: 'not judged', a: 5 * US, b: 10 * US, judgedInSets: true });
    expect(q.note).toBe(QUEUE_MEAN_NOT_JUDGED);
    expect(one(c, 'gpu0->chip0 pcie', 'queue max').verdict).toBe('not judged');
    // 25 % more bytes over the same messages is beyond 3 se of total / sqrt(messages) (4.5 % each).
    const more = machine([], [link({ bytes: 5_120_000 })]);
    expect(one(compareResults('A.json', a, 'B.json', more), 'gpu0->chip0 pcie', 'bytes').verdict).toBe(
      'changed',
    );
  });

  it('a link or socket of one run only: every row of it is only in that run', () => {
    const a = machine([socket()], [link()]);
    const b = machine([], [link(), link({ label: 'gpu1->chip0 pcie' })]);
    const c = compareResults('A.json', a, 'B.json', b);
    const rows = (g: string) => c.rows.filter((r) => r.group === g);
    expect(new Set(rows('gpu1->chip0 pcie').map((r) => r.verdict))).toEqual(new Set(['only in B']));
    expect(new Set(rows('socket 0 (chip0)').map((r) => r.verdict))).toEqual(new Set(['only in A']));
    expect(formatComparison(c)).toMatch(/^ {2}gpu1->chip0 pcie\n {4}utilisation +- +50\.0% +only in B$/m);
  });

  it("a `prefix.*` group's rows stay together where B counted one A never did (it came last, under the rest)", () => {
    const h = (labels: string[]): RunResult => ({
      ...result({}),
      headline: labels.map((label) => ({ label, value: 1, text: '1' })),
    });
    const a = ['guest acquisitions of reg0', 'host acquisitions of 6 and 7', 'shootdown latency p99'];
    const b = ['guest acquisitions of reg0', 'guest acquisitions of reg2', 'host acquisitions of 6 and 7'];
    const c = compareResults('A.json', h(a), 'B.json', h(b));
    expect(c.rows.filter((x) => x.section === 'headline').map((x) => [x.figure, x.verdict])).toEqual([
      ['guest acquisitions of reg0', 'not judged'],
      ['guest acquisitions of reg2', 'only in B'],
      ['host acquisitions of 6 and 7', 'not judged'],
      ['shootdown latency p99', 'only in A'],
    ]);
    // B's own labels before any it shares with A lead; each keeps its place after its predecessor.
    expect(mergedOrder(['x', 'y'], ['p', 'x', 'q', 'r', 'y', 's'])).toEqual(['p', 'x', 'q', 'r', 'y', 's']);
    expect(mergedOrder(['x', 'y', 'z'], ['z', 'n'])).toEqual(['x', 'y', 'z', 'n']);
  });

  it("the workload's headline side by side as it prints, not judged (its figures are judged in their rows)", () => {
    const h = (value: number, text: string): RunResult => ({
      ...result({}),
      headline: [{ label: 'DMA moved', value, text }],
    });
    const c = compareResults('A.json', h(321.2e9, '321.2 GB/s'), 'B.json', h(300e9, '300 GB/s'));
    const r = c.rows.find((x) => x.section === 'headline')!;
    expect(r).toMatchObject({ figure: 'DMA moved', verdict: 'not judged' });
    // Its change in its unit as its text spells it, then relative, as every section's.
    expect(formatComparison(c)).toMatch(
      /^ {2}DMA moved +321\.2 GB\/s +300 GB\/s +-21\.2 GB\/s \(-6\.6%\) +n\/j²$/m,
    );
    expect(formatComparison(c)).toMatch(/^ {2}² read from a figure judged in its own section/m);
    // A rate's /s is said, under the headline, to be of simulated time (the engine's is wall time).
    expect(formatComparison(c)).toMatch(/n\/j²\n {2}\(\/s: per second of simulated time\)\n/);
    // What a figure is of (the busiest link) on a line below, not widening every row's columns.
    const busiest = (text: string): RunResult => ({
      ...result({}),
      headline: [{ label: 'busiest GPU->chip link', value: 0.019, text }],
    });
    const text = formatComparison(
      compareResults(
        'A.json',
        busiest('1.9% (gpu3->chip1 nvlink x2)'),
        'B.json',
        busiest('1.9% (gpu0->chip0 nvlink x2)'),
      ),
    );
    expect(text).toMatch(
      /^ {2}busiest GPU->chip link +1\.9% +1\.9% .*\n {6}A: gpu3->chip1 nvlink x2, B: gpu0->chip0 nvlink x2$/m,
    );
    expect(text).not.toContain('(/s: per second');
  });

  it("a headline row's unit is its figure's own (QA: a p99 in picoseconds and a rate in bytes per second read `count`)", () => {
    const headline = evaluateHeadline(
      [
        { label: 'DMA latency p99', latency: 'dma.latencyTicks', stat: 'p99' },
        { label: 'DMA moved', counter: 'dma.bytes', per: 'simulated-second', unit: 'bytes' },
        { label: 'DMAs per second', counter: 'dma.completed', per: 'simulated-second', unit: 'count' },
        { label: 'DMA completed', counter: 'dma.completed', per: 'run', unit: 'count' },
        { label: 'ATS hit rate', rate: 'ats-hit' },
      ],
      {
        ...result({ 'dma.completed': 10, 'dma.bytes': 2560, 'ats.hits': 3, 'ats.misses': 1 }),
        contention: {
          ...result({}).contention,
          atsHitRate: 0.75,
          latencies: {
            'dma.latencyTicks': {
              count: 10,
              min: 1,
              max: 9,
              mean: 5,
              p50: 5,
              p99: 9,
              p999: 9,
              unit: 'ticks',
            },
          },
        },
      },
    );
    const r = { ...result({}), headline };
    const units = compareResults('A.json', r, 'B.json', r)
      .rows.filter((x) => x.section === 'headline')
      .map((x) => [x.figure, x.unit]);
    expect(units).toEqual([
      ['DMA latency p99', 'ticks'],
      ['DMA moved', 'bytes-per-second'],
      ['DMAs per second', 'per-second'],
      ['DMA completed', 'count'],
      ['ATS hit rate', 'ratio'],
    ]);
    // A result written before figures carried a unit (0.10.0): the unit its text shows, which the
    // change cell prints the change in (a latency's read as a count of picoseconds).
    const texts: [string, number, string][] = [
      ['50.0%', 0.5, 'ratio'],
      ['4.362 us (at most 64 outstanding per GPU)', 4.362e6, 'ticks'],
      ['321.2 GB/s', 321.2e9, 'bytes-per-second'],
      ['1.23M/s', 1.23e6, 'per-second'],
      ['990.2 KB', 990.2e3, 'bytes'],
      ['963', 963, 'count'],
    ];
    const old = {
      ...result({}),
      headline: texts.map(([text, value], i) => ({ label: `f${i}`, value, text })),
    };
    expect(
      compareResults('A.json', old, 'B.json', old)
        .rows.filter((x) => x.section === 'headline')
        .map((x) => x.unit),
    ).toEqual(texts.map(([, , unit]) => unit));
    // A headline rate's change reads in its cells' unit (QA: `19.43M/s 19.33M/s -100.0k`).
    const slower = {
      ...old,
      headline: old.headline.map((f) => (f.label === 'f3' ? { ...f, value: 1.13e6, text: '1.13M/s' } : f)),
    };
    expect(formatComparison(compareResults('A.json', old, 'B.json', slower))).toMatch(
      /1\.23M\/s +1\.13M\/s +-100\.0k\/s \(-8\.1%\)/,
    );
  });

  it('a headline figure of words or with a unit keeps its bracket below too, so no row passes 100 columns', () => {
    // As `npusim run stress` prints them: a p99 with no sample yet, a latency with its condition.
    const h = (p99: string, dma: string): RunResult => ({
      ...result({}),
      headline: [
        { label: 'shootdown latency p99', value: 0, text: p99 },
        { label: 'DMA latency p99', value: 4.362e6, text: dma },
      ],
    });
    const text = formatComparison(
      compareResults(
        'A.json',
        h(
          'no samples (+4 still in flight at the end, for up to 49.62 us so far)',
          '4.362 us (at most 64 outstanding per GPU)',
        ),
        'B.json',
        h(
          'no samples (+5 still in flight at the end, for up to 61.07 us so far)',
          '4.101 us (at most 64 outstanding per GPU)',
        ),
      ),
    );
    // Before, the whole texts widened the A and B columns of every row to 70 characters.
    expect(text.split('\n').filter((l) => l.length > 100)).toEqual([]);
    expect(text).toMatch(
      /^ {2}shootdown latency p99 +no samples +no samples .*\n {6}A: \+4 still in flight/m,
    );
    // Its detail wraps under itself.
    expect(text).toContain(
      '\n      A: +4 still in flight at the end, for up to 49.62 us so far, B: +5 still in flight at the end,\n        for up to 61.07 us so far\n',
    );
    expect(text).toMatch(
      /^ {2}DMA latency p99 +4\.362 us +4\.101 us .*\n {6}both: at most 64 outstanding per GPU$/m,
    );
  });

  it('a ratio prints with the summary precision (one decimal), its change in points with two', () => {
    const a = machine([], [link({ utilisation: 0.0187 })]);
    const b = machine([], [link({ utilisation: 0.0189 })]);
    const c = compareResults('A.json', a, 'B.json', b);
    // Shown in full (A and B differ): as the summary prints 1.9 %.
    const text = formatComparison({
      ...c,
      rows: c.rows.map((r) => ({
        ...r,
        verdict: r.verdict === 'noise' && r.group !== undefined ? 'changed' : r.verdict,
      })),
    });
    expect(text).toMatch(/^ {4}utilisation +1\.9% +1\.9% +\+0\.02 pts \(\+1\.1%\)/m);
  });
});

describe("compare: a row's change cell, every section's alike", () => {
  const cells = (c: Comparison, section: string, figure: string) =>
    rowCells(c.rows.find((r) => r.section === section && r.figure === figure)!);

  /** `stress`'s headline and hit rates for one seed: ATS hits of lookups, shootdowns completed. */
  const run = (hits: number, lookups: number, shootdowns: number, p99: number): RunResult => {
    const counts = { 'ats.hits': hits, 'ats.misses': lookups - hits, 'shootdown.completed': shootdowns };
    const r = result(counts);
    const latency = { count: 600, min: 1, max: p99, mean: 1, p50: 1, p99, p999: p99, unit: 'ticks' as const };
    const run = {
      ...r,
      contention: {
        ...r.contention,
        atsHitRate: hits / lookups,
        latencies: { 'shootdown.latencyTicks': latency },
      },
    };
    const headline = evaluateHeadline(
      [
        { label: 'shootdowns completed', counter: 'shootdown.completed', per: 'run', unit: 'count' },
        { label: 'shootdown latency p99', latency: 'shootdown.latencyTicks', stat: 'p99' },
        { label: 'ATS cache hit rate', rate: 'ats-hit' },
      ],
      run,
    );
    return { ...run, headline };
  };

  it("a headline's change is in its unit, a percentage's in points, and from 0 absolute (QA: `-7.2%` read as points; blank from 0)", () => {
    // As seeds 1 and 2 of `stress` for 100 us: 597 of 2728 ATS lookups hit, then 544 of 2679.
    const c = compareResults(
      'A.json',
      run(597, 2728, 0, 70.98 * US),
      'B.json',
      run(544, 2679, 2, 71.32 * US),
    );
    const rate = cells(c, 'headline', 'ATS cache hit rate');
    expect(rate.slice(1, 4)).toEqual(['21.9%', '20.3%', '-1.58 pts (-7.2%)']);
    // One rule for every section: the rates section's row of the same figure says the same.
    expect(rate[3]).toBe(cells(c, 'rates', 'ATS cache hit rate')[3]);
    expect(cells(c, 'headline', 'shootdowns completed').slice(1, 4)).toEqual(['0', '2', '+2']);
    expect(cells(c, 'counts', 'shootdown.completed')[3]).toBe('+2');
    expect(cells(c, 'headline', 'shootdown latency p99')[3]).toBe('+340 ns (+0.5%)');
    const text = formatComparison(c);
    expect(text).toMatch(/^ {2}ATS cache hit rate +21\.9% +20\.3% +-1\.58 pts \(-7\.2%\) +n\/j/m);
    expect(text).toMatch(/^ {2}shootdowns completed +0 +2 +\+2 +n\/j/m);
    // The page's table prints the text's cells.
    const page = buildCompareHtml(c);
    expect(page).toContain(
      '<td>ATS cache hit rate</td><td>21.9%</td><td>20.3%</td><td>-1.58 pts (-7.2%)</td>',
    );
    expect(page).toContain('<td>shootdowns completed</td><td>0</td><td>2</td><td>+2</td>');
    // A verdict's reason wraps in its cell; the figures beside it do not (QA: reasons cut off).
    expect(page).toMatch(/td\.verdict \{ white-space: normal;/);
  });

  it('a percentage too small for one decimal, or a change for two, prints two significant digits (QA: `0.0% 0.0% +0.00 pts` CHANGED)', () => {
    // coordinator->chip0 control of two atsd-deadlock seeds (700 us): 11 and 45 messages.
    const control = (messages: number, utilisation: number): LinkFigures => ({
      label: 'coordinator->chip0 control',
      kind: 'control',
      between: 'control',
      messages,
      bytes: 16 * messages,
      backlogBytes: 0,
      utilisation,
      meanQueueDelayTicks: 300,
      maxQueueDelayTicks: 1000,
    });
    const on = (l: LinkFigures): RunResult => {
      const r = result({});
      return { ...r, contention: { ...r.contention, links: [l] } };
    };
    const c = compareResults(
      'A.json',
      on(control(11, 11 / 700_000)),
      'B.json',
      on(control(45, 45 / 700_000)),
    );
    const row = c.rows.find((r) => r.group === 'coordinator->chip0 control' && r.figure === 'utilisation')!;
    expect(row.verdict).toBe('changed');
    expect(rowCells(row).slice(1, 4)).toEqual(['0.0016%', '0.0064%', '+0.0049 pts (+309.1%)']);
    // One decimal still, where it shows the figure, and 0 as 0.
    const same = compareResults('A.json', on(control(11, 0.0187)), 'B.json', on(control(11, 0)));
    const cellsOf = (x: Comparison) =>
      rowCells(x.rows.find((r) => r.group !== undefined && r.figure === 'utilisation')!).slice(1, 4);
    expect(cellsOf(same)).toEqual(['1.9%', '0.0%', '-1.87 pts (-100.0%)']);
  });
});

describe("compare: the engine's rings and workers", () => {
  const ring = (records: number, fullStalls: number, highWater: number) => ({
    edge: 0,
    label: 'x',
    records,
    batches: 1,
    fullStalls,
    parks: 2,
    wakeups: 0,
    highWaterRecords: highWater,
    capacityRecords: 4096,
  });
  const worker = (busyMs: number, parks: number) => ({ actor: 'w', busyMs, parkedMs: 10, parks, events: 1 });
  const hosted = (workers: ReturnType<typeof worker>[], rings: ReturnType<typeof ring>[]): RunResult => {
    const r = result(dmas(100));
    return { ...r, engine: { ...r.engine, workers, rings } } as RunResult;
  };

  it('are rows summed over each run, shown and not judged (QA: per-actor against --workers 2 showed four engine rows)', () => {
    const perActor = hosted(
      [worker(100, 30), worker(50, 20), worker(25, 10)],
      [ring(1000, 3, 100), ring(500, 0, 1024)],
    );
    const two = hosted([worker(120, 5), worker(60, 4)], [ring(200, 0, 40)]);
    const c = compareResults('A.json', perActor, 'B.json', two);
    const engine = c.rows.filter((r) => r.section === 'engine');
    const of = (figure: string) => engine.find((r) => r.figure === figure);
    expect([of('workers')?.a, of('workers')?.b]).toEqual([3, 2]);
    expect([of('workers: busy, summed')?.a, of('workers: busy, summed')?.b]).toEqual([175, 180]);
    expect([of('workers: parks, summed')?.a, of('workers: parks, summed')?.b]).toEqual([60, 9]);
    expect([of('rings: records, summed')?.a, of('rings: records, summed')?.b]).toEqual([1500, 200]);
    expect([of('rings: full-stalls, summed')?.a, of('rings: full-stalls, summed')?.b]).toEqual([3, 0]);
    expect([of('rings: high-water, fullest')?.a, of('rings: high-water, fullest')?.b]).toEqual([
      0.25,
      40 / 4096,
    ]);
    expect(engine.every((r) => r.verdict === 'not judged')).toBe(true);
    expect(formatComparison(c)).toMatch(/\n {2}rings: high-water, fullest +25\.0% +1\.0% /);
  });

  it('a result without workers or rings (written before they were recorded) compares its rates alone', () => {
    const old = result(dmas(100));
    const figures = compareResults('A.json', old, 'B.json', old)
      .rows.filter((r) => r.section === 'engine')
      .map((r) => r.figure);
    expect(figures).toEqual(['wall time', 'events per second', 'simulated ns per wall second', 'events']);
    const two = hosted([worker(120, 5)], []);
    const mixed = compareResults('A.json', old, 'B.json', two).rows.find((r) => r.figure === 'workers');
    expect([mixed?.a, mixed?.b]).toEqual([undefined, 1]);
  });
});

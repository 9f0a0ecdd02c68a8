/**
 * compareSets (src/report/compare-sets.ts) on results made up for the purpose: the noise of a
 * figure measured over the seeds of each set (Welch's test at Student's t), where the pair
 * comparison's sampling model is wrong; and what a set must be.
 */
import { describe, expect, it } from 'vitest';
import { buildCompareHtml } from '../../src/report/compare-html.js';
import { compareResults } from '../../src/report/compare-results.js';
import { judged } from '../../src/report/compare-row.js';
import { compareSets, type RunFile, SAME_IN_EVERY_RUN } from '../../src/report/compare-sets.js';
import {
  comparisonHeader,
  decimalText,
  formatComparison,
  rowCells,
} from '../../src/report/format-comparison.js';
import { setHostText } from '../../src/report/set-host-text.js';
import { unwrapped } from '../fixtures/unwrapped.js';
import { countsResult } from '../support/counts-result.js';

const US = 1_000_000; // ticks

/** A run of `seed` with these counters (and a DMA size, a length), as a set's file. */
function run(seed: number, counts: Record<string, number>, more: { ticks?: number; dmaBytes?: number } = {}) {
  const params = { topology: 'witherspoon-6', gpu: { dmaBytes: more.dmaBytes ?? 256 } };
  const result = countsResult(counts, {
    seed,
    params,
    ...(more.ticks === undefined ? {} : { simulatedTicks: more.ticks }),
  });
  return { file: `s${seed}.json`, result } satisfies RunFile;
}

/** A GPU's PCIe link to its chip as a result records it, with its mean queue delay. */
const pcieLink = (label: string, meanQueueDelayTicks: number) => ({
  label,
  kind: 'pcie',
  between: 'gpu-chip' as const,
  messages: 1000,
  bytes: 4_096_000,
  backlogBytes: 0,
  utilisation: 0.5,
  meanQueueDelayTicks,
  maxQueueDelayTicks: 30 * US,
});

/**
 * ats.evictions and dma.completed of `stress` for 200 us, seeds 1 to 5 and 6 to 10
 * (`npusim run stress --seed N --duration 200us --inline --out sN.json`).
 */
const EVICTIONS_A = [159, 264, 27, 459, 323];
const EVICTIONS_B = [66, 175, 306, 86, 484];
const DMAS = [12372, 12230, 12232, 12660, 12162];

function set(first: number, evictions: readonly number[], dmaShift = 0): RunFile[] {
  return evictions.map((e, i) =>
    run(first + i, { 'ats.evictions': e, 'dma.completed': DMAS[i]! + dmaShift }),
  );
}

function rowOf(rows: readonly { figure: string }[], figure: string) {
  const r = rows.find((x) => x.figure === figure);
  if (r === undefined) throw new Error(`no row ${figure}`);
  return r as ReturnType<typeof compareSets>['rows'][number];
}

describe('compare: two sets of runs', () => {
  it('whether a figure is judged is decided from every run, not the first of each set', () => {
    // A latency whose p99 has too few samples (300: a p99 needs 500) in the first run of each set
    // only: the first runs' pair does not judge it, the others' do.
    const withLatency = (f: RunFile, i: number, slower: number): RunFile => {
      const count = i === 0 ? 300 : 1000;
      const p99 = [10, 10.5, 9.5, 10.2, 9.8][i]! * US * slower;
      const summary = { count, min: US, mean: 5 * US, p50: 5 * US, p99, p999: p99, max: p99, unit: 'ticks' };
      const latencies = { 'x.latencyTicks': summary };
      const around = (v: number): [number, number] => [0.9 * v, 1.1 * v];
      const noise = { meanSe: US / 10, p50: around(5 * US), p99: around(p99), p999: around(p99) };
      const latencyNoise = { 'x.latencyTicks': noise };
      const contention = { ...f.result.contention, latencies, latencyNoise };
      return { ...f, result: { ...f.result, contention } };
    };
    const a = set(1, EVICTIONS_A).map((f, i) => withLatency(f, i, 1));
    const slower = set(6, EVICTIONS_B).map((f, i) => withLatency(f, i, 2));
    const p99 = (rows: ReturnType<typeof compareSets>['rows']) => rowOf(rows, 'x.latencyTicks: p99');
    expect(p99(compareResults('a', a[0]!.result, 'b', slower[0]!.result).rows)).toMatchObject({
      verdict: 'not judged',
      note: 'too few samples (300): needs 500',
    });
    expect(p99(compareSets(a, slower).rows).verdict).toBe('changed');
    // Too few in every run: not judged between the sets either.
    const few = (f: RunFile, i: number, k: number) => withLatency(f, 0, k + 0 * i);
    const fewA = set(1, EVICTIONS_A).map((f, i) => few(f, i, 1));
    const fewB = set(6, EVICTIONS_B).map((f, i) => few(f, i, 2));
    expect(p99(compareSets(fewA, fewB).rows)).toMatchObject({
      verdict: 'not judged',
      note: 'too few samples (300): needs 500',
    });
  });

  it('a latency no run of one set took a sample of is too few samples, its max not judged: never only in the other set', () => {
    // As `mixed` for 25 us, where a seed may complete no shootdown: set A none in any run.
    const withShootdowns = (f: RunFile, count: number, at: number): RunFile => {
      const s = { count, min: at, mean: at, p50: at, p99: at, p999: at, max: at, unit: 'ticks' };
      const contention = { ...f.result.contention, latencies: { 'shootdown.latencyTicks': s } };
      return { ...f, result: { ...f.result, contention } };
    };
    const none = set(1, EVICTIONS_A).map((f) => withShootdowns(f, 0, 0));
    const some = set(6, EVICTIONS_B).map((f, i) => withShootdowns(f, 1 + i, (19 + i) * US));
    const c = compareSets(none, some);
    const rows = c.rows
      .filter((r) => r.figure.startsWith('shootdown latency: ') && !r.figure.endsWith('samples'))
      .map((r) => [r.figure.slice('shootdown latency: '.length), r.a, r.verdict, r.note]);
    expect(rows).toEqual([
      ['mean', undefined, 'not judged', 'too few samples (0): needs 2'],
      ['p50', undefined, 'not judged', 'too few samples (0): needs 10'],
      ['p99', undefined, 'not judged', 'too few samples (0): needs 500'],
      ['p99.9', undefined, 'not judged', 'too few samples (0): needs 5000'],
      ['max', undefined, 'not judged', 'in no run of set A'],
    ]);
    expect(c.rows.filter((r) => r.verdict === 'only in A' || r.verdict === 'only in B')).toEqual([]);
    // The first runs of both sets without a sample: the rows are still there, from the later
    // seeds (they took their shape from the first pair, which has none: no mean or percentile).
    const later = (first: number, shift: number) =>
      set(first, EVICTIONS_A).map((f, i) => withShootdowns(f, i === 0 ? 0 : 10 + i, (19 + i + shift) * US));
    const lateRows = compareSets(later(1, 0), later(6, 5))
      .rows.filter((r) => r.figure.startsWith('shootdown latency: '))
      .map((r) => [r.figure.slice('shootdown latency: '.length), r.a, r.b, r.verdict, r.note]);
    expect(lateRows.map((r) => r[0])).toEqual(['samples', 'mean', 'p50', 'p99', 'p99.9', 'max']);
    // Not judged, with the reason of the first pair of runs that has the row (one of them without a sample).
    expect(lateRows[1]).toEqual(['mean', 21.5 * US, 26.5 * US, 'not judged', 'too few samples (0): needs 2']);
    // A link of one set's topology only is still only in that set.
    const link = pcieLink('gpu1->chip0 pcie', 5 * US);
    const withLink = (f: RunFile): RunFile => ({
      ...f,
      result: { ...f.result, contention: { ...f.result.contention, links: [link] } },
    });
    const verdicts = new Set(
      compareSets(set(1, EVICTIONS_A), set(6, EVICTIONS_B).map(withLink))
        .rows.filter((r) => r.group === 'gpu1->chip0 pcie')
        .map((r) => r.verdict),
    );
    expect(verdicts).toEqual(new Set(['only in B']));
  });

  it("a link's queue mean, not judged between two runs, is judged between two sets by its spread over the seeds", () => {
    const withQueue = (f: RunFile, meanUs: number): RunFile => {
      const link = pcieLink('gpu0->chip0 pcie', meanUs * US);
      return { ...f, result: { ...f.result, contention: { ...f.result.contention, links: [link] } } };
    };
    const a = set(1, EVICTIONS_A).map((f, i) => withQueue(f, [5, 6, 4, 5, 5.5][i]!));
    const slower = set(6, EVICTIONS_B).map((f, i) => withQueue(f, [10, 11, 9, 10, 10.5][i]!));
    const alike = set(6, EVICTIONS_B).map((f, i) => withQueue(f, [5.5, 4.5, 6, 5, 5][i]!));
    const queue = (rows: ReturnType<typeof compareSets>['rows']) =>
      rows.find((r) => r.group === 'gpu0->chip0 pcie' && r.figure === 'queue mean')!;
    expect(queue(compareResults('a', a[0]!.result, 'b', slower[0]!.result).rows).verdict).toBe('not judged');
    expect(queue(compareSets(a, slower).rows)).toMatchObject({
      verdict: 'changed',
      a: 5.1 * US,
      b: 10.1 * US,
    });
    expect(queue(compareSets(a, alike).rows).verdict).toBe('noise');
  });

  it("a socket's p99s, a link's backlog and queue max, shown unjudged between two runs, are judged between two sets by their spread over the seeds", () => {
    // Each run's socket and link figures: a p99 and a max vary a little from seed to seed.
    const withPlaces = (f: RunFile, i: number, slower: number): RunFile => {
      const jitter = [1, 1.05, 0.95, 1.02, 0.98][i]!;
      const socket = {
        socket: 0,
        chip: 'chip0',
        nmmuTranslations: 1000,
        nmmuFaults: 0,
        nmmuP99Ticks: 6 * US * jitter * slower,
        atsdLaunches: 40,
        atsdWaits: 10,
        atsdWonAtOnce: 30,
        atsdWaitP99Ticks: 2 * US * jitter * slower,
        atsdBusySeen: 100,
        tceHits: 300,
        tceMisses: 700,
      };
      const link = {
        label: 'gpu0->chip0 pcie',
        kind: 'pcie',
        between: 'gpu-chip' as const,
        messages: 1000,
        bytes: 4_096_000,
        backlogBytes: Math.round(4096 * jitter * slower),
        utilisation: 0.5,
        meanQueueDelayTicks: 5 * US,
        maxQueueDelayTicks: 30 * US * jitter * slower,
      };
      const contention = { ...f.result.contention, sockets: [socket], links: [link] };
      return { ...f, result: { ...f.result, contention } };
    };
    const a = set(1, EVICTIONS_A).map((f, i) => withPlaces(f, i, 1));
    const alike = set(6, EVICTIONS_B).map((f, i) => withPlaces(f, 4 - i, 1));
    const slower = set(6, EVICTIONS_B).map((f, i) => withPlaces(f, 4 - i, 2));
    const figures: [string, string][] = [
      ['socket 0 (chip0)', 'nMMU p99'],
      ['socket 0 (chip0)', 'wait p99'],
      ['gpu0->chip0 pcie', 'backlog bytes'],
      ['gpu0->chip0 pcie', 'queue max'],
    ];
    const verdicts = (c: ReturnType<typeof compareSets>) =>
      figures.map(([g, f]) => c.rows.find((r) => r.group === g && r.figure === f)!.verdict);
    // Two runs: shown, not judged (these sockets, as a result from before it was kept, have no
    // interval for their p99s; no model for a max or a backlog).
    const pair = compareResults('a', a[0]!.result, 'b', slower[0]!.result);
    expect(figures.map(([g, f]) => pair.rows.find((r) => r.group === g && r.figure === f)!.verdict)).toEqual([
      'not judged',
      'not judged',
      'not judged',
      'not judged',
    ]);
    // Twice as slow in every seed: flagged; the same spread about the same mean: noise.
    expect(verdicts(compareSets(a, slower))).toEqual(['changed', 'changed', 'changed', 'changed']);
    expect(verdicts(compareSets(a, alike))).toEqual(['noise', 'noise', 'noise', 'noise']);
    // A link nothing crossed in any run has no queue max: not judged, not `only in B`.
    const idle = (f: RunFile): RunFile => {
      const links = f.result.contention.links.map((l) => ({ ...l, messages: 0, bytes: 0, utilisation: 0 }));
      return { ...f, result: { ...f.result, contention: { ...f.result.contention, links } } };
    };
    const quiet = compareSets(a.map(idle), alike.map(idle)).rows.find(
      (r) => r.group === 'gpu0->chip0 pcie' && r.figure === 'queue max',
    )!;
    expect(quiet).toMatchObject({ verdict: 'not judged', note: 'in no run of either set' });
  });

  it('a figure the seed moves as a whole: the pair model calls it changed, the sets call it noise', () => {
    const a = set(1, EVICTIONS_A);
    const b = set(6, EVICTIONS_B);
    // Seeds 3 and 4 alone: 27 against 459 evictions, far beyond sqrt(n).
    expect(rowOf(compareResults('a', a[2]!.result, 'b', a[3]!.result).rows, 'ats.evictions').verdict).toBe(
      'changed',
    );
    const c = compareSets(a, b);
    const ev = rowOf(c.rows, 'ats.evictions');
    expect(ev.a).toBeCloseTo(246.4, 9);
    expect(ev.b).toBeCloseTo(223.4, 9);
    expect(ev.verdict).toBe('noise');
    // Welch: sqrt(s_A^2 / 5 + s_B^2 / 5).
    const v = (x: readonly number[]) => {
      const m = x.reduce((s, y) => s + y, 0) / x.length;
      return x.reduce((s, y) => s + (y - m) ** 2, 0) / (x.length - 1);
    };
    expect(ev.sigma).toBeCloseTo(Math.sqrt(v(EVICTIONS_A) / 5 + v(EVICTIONS_B) / 5), 9);
    expect(ev.note).toMatch(/^spread of 5 and 5 runs \(Welch, t \d+\.\d\d\)$/);
    expect(c.sets?.a.map((h) => h.seed)).toEqual([1, 2, 3, 4, 5]);
    expect(c.differences).toEqual([]);
  });

  it('a counter a run left out (it never fired) is 0 in that run: means over every run, and no counter missed', () => {
    // Found by QA: dma.fault.translation in seeds A = 2, -, - and B = -, 1, - printed means 2 and 1
    // ("missing in 4 of the runs"); a counter only in a run after the first was not listed at all.
    const a = [run(1, { 'dma.completed': 10, 'dma.fault.translation': 2 }), run(2, { 'dma.completed': 11 })];
    const b = [run(3, { 'dma.completed': 12 }), run(4, { 'dma.completed': 13, 'dma.fault.translation': 1 })];
    a.push(run(5, { 'dma.completed': 12, 'atsd.host.reg3': 4 }));
    b.push(run(6, { 'dma.completed': 10 }));
    const c = compareSets(a, b);
    const faults = rowOf(c.rows, 'dma.fault.translation');
    expect(faults.a).toBeCloseTo(2 / 3, 12);
    expect(faults.b).toBeCloseTo(1 / 3, 12);
    expect(faults.verdict).toBe('noise');
    const reg3 = rowOf(c.rows, 'atsd.host.reg3');
    expect([reg3.a, reg3.b]).toEqual([4 / 3, 0]);
    expect(reg3.verdict).not.toMatch(/^only in/);
    // Two files: a counter one run lacks is 0 there, judged as any count.
    const pair = rowOf(compareResults('a', a[0]!.result, 'b', b[0]!.result).rows, 'dma.fault.translation');
    expect([pair.a, pair.b, pair.change]).toEqual([2, 0, -2]);
    expect(pair.verdict).not.toMatch(/^only in/);
  });

  it('a shift of a few standard errors of the spread is called changed, at a t larger than 3 for few runs', () => {
    const c = compareSets(set(1, EVICTIONS_A), set(6, EVICTIONS_A, 800));
    const dma = rowOf(c.rows, 'dma.completed');
    expect(dma.change).toBe(800);
    expect(dma.verdict).toBe('changed');
    // 5 runs a side, equal spreads: 8 degrees of freedom, t(0.99865, 8) = 4.28.
    expect(dma.note).toBe('spread of 5 and 5 runs (Welch, t 4.28)');
    expect(c.changed).toBe(1);
    // The same sets but a shift of 3.5 standard errors: beyond 3, short of t 4.28.
    const sigma = dma.sigma!;
    const near = compareSets(set(1, EVICTIONS_A), set(6, EVICTIONS_A, Math.round(3.5 * sigma)));
    expect(rowOf(near.rows, 'dma.completed').verdict).toBe('noise');
  });

  it('a figure no seed moves: any change is beyond noise; none is no verdict, counted apart from the judged', () => {
    const same = (first: number, n: number) =>
      [0, 1, 2].map((i) => run(first + i, { 'pages.mapped': n, 'dma.completed': DMAS[i]! }));
    const unmoved = compareSets(same(1, 20), same(4, 20));
    const pages = rowOf(unmoved.rows, 'pages.mapped');
    // QA: 0 in every run of both sets (`gpu.resets` in `stress`) was `noise`, one of "N judged".
    expect([pages.verdict, pages.note, pages.sigma, pages.threshold]).toEqual([
      'not judged',
      SAME_IN_EVERY_RUN,
      undefined,
      undefined,
    ]);
    // violations, liveness failures and pages.mapped: one value throughout; dma.completed judged.
    expect(unmoved.sameInEveryRun).toBe(3);
    expect(unmoved.judged).toBe(1);
    const text = formatComparison(unmoved);
    expect(text).toMatch(/^ {2}pages\.mapped +20 +20 +\+0 \(\+0\.0%\) +n\/j\S+$/m);
    // The footer's paragraphs wrap at 100 columns, continued two columns in: joined again here.
    expect(unwrapped(text, 2)).toContain(
      "\n0 of 1 judged figures changed beyond noise (|mean B - mean A| > t standard errors, Welch's test, t 6.62).\n" +
        '3 more have one value in every run of both sets (such as 0, what the workload never does): not judged.\n',
    );
    expect(rowOf(compareSets(same(1, 20), same(4, 21)).rows, 'pages.mapped').verdict).toBe('changed');
    // Said as such, in the text and on the page: not `CHANGED (Infinity se)` (QA) or a bar at `inf`.
    const changed = compareSets(same(1, 20), same(4, 21));
    const line = formatComparison(changed)
      .split('\n')
      .find((l) => l.includes('pages.mapped'));
    expect(line).toMatch(/CHANGED \(no spread\)$/);
    const page = buildCompareHtml(changed);
    expect(page).not.toMatch(/Infinity|inf \//);
    expect(page).toMatch(
      /<td>pages\.mapped<\/td>.*title="a change where no run moved the figure".*no spread/,
    );
  });

  it("each row says its change in standard errors against its own threshold; the footer, the thresholds' range and what sets them", () => {
    // Unequal spreads: each figure its own Welch-Satterthwaite degrees of freedom, hence its own t.
    const c = compareSets(
      set(1, EVICTIONS_A),
      set(
        6,
        EVICTIONS_B.map((e) => 3 * e),
        800,
      ),
    );
    const text = formatComparison(c);
    const ts: number[] = [];
    for (const figure of ['ats.evictions', 'dma.completed']) {
      const r = rowOf(c.rows, figure);
      const line = text.split('\n').find((l) => l.startsWith(`  ${figure} `))!;
      // QA: `CHANGED (5.1 se)` never said its threshold, and `noise` said neither.
      const m = /(CHANGED|noise) \((\d+\.\d+) se ([<>]) (\d+\.\d+)\)$/.exec(line);
      expect(m, line).not.toBeNull();
      const z = Math.abs(r.change!) / r.sigma!;
      expect(m![1]).toBe(r.verdict === 'changed' ? 'CHANGED' : 'noise');
      expect(Number(m![2])).toBeCloseTo(z, 1);
      expect(Number(m![4])).toBeCloseTo(r.threshold!, 1);
      expect(m![3]).toBe(z > r.threshold! ? '>' : '<');
      // The threshold is the one --json's note gives.
      expect(r.note).toBe(`spread of 5 and 5 runs (Welch, t ${r.threshold!.toFixed(2)})`);
      ts.push(r.threshold!);
    }
    expect(rowOf(c.rows, 'ats.evictions').verdict).toBe('noise');
    expect(rowOf(c.rows, 'dma.completed').verdict).toBe('changed');
    expect(ts[0]).not.toBeCloseTo(ts[1]!, 2);
    const [low, high] = [Math.min(...ts), Math.max(...ts)].map((t) => t.toFixed(2));
    expect(unwrapped(text, 2)).toContain(
      `1 of 2 judged figures changed beyond noise (|mean B - mean A| > t standard errors, Welch's test, t from ${low} to ${high} by figure).\n`,
    );
    // 5 runs a side: from 4 degrees of freedom (one set's spread outweighs the other's) to 8 (alike).
    expect(unwrapped(text, 2)).toContain(
      'degrees of freedom (4 to 8 with 5 and 5 runs: 8 where the sets spread alike',
    );
  });

  it('a change against its threshold: one decimal, more where one would print them equal or the wrong way round', () => {
    const verdict = (change: number, t: number) =>
      rowCells(judged('counts', 'x', 100, 100 + change, 1, 'count', 'spread', t), true)[4];
    expect(verdict(5.1, 4.6)).toBe('CHANGED (5.1 se > 4.6)');
    expect(verdict(1.2, 4.4)).toBe('noise (1.2 se < 4.4)');
    expect(verdict(4.63, 4.62)).toBe('CHANGED (4.63 se > 4.62)');
    expect(verdict(4.58, 4.62)).toBe('noise (4.58 se < 4.62)');
    expect(verdict(-4.6236, 4.6204)).toBe('CHANGED (4.624 se > 4.620)');
    // Two runs (no `sets`): as before, against the 3 the footer states.
    expect(rowCells(judged('counts', 'x', 100, 105.1, 1, 'count', 'Poisson'), false)[4]).toBe(
      'CHANGED (5.1 se)',
    );
    expect(rowCells(judged('counts', 'x', 100, 101.2, 1, 'count', 'Poisson'), false)[4]).toBe('noise');
  });

  it('a set of runs hosted in more than one way is named so, in the header and the differences', () => {
    // QA: two inline runs and a threaded one were `seeds 1,2,3 inline`, the first run's host.
    const threaded = (r: RunFile): RunFile => ({ ...r, result: { ...r.result, host: 'threaded' } });
    const a = set(1, EVICTIONS_A.slice(0, 3)).map((r, i) => (i === 2 ? threaded(r) : r));
    const c = compareSets(a, set(6, EVICTIONS_B.slice(0, 3)));
    expect(c.sets?.a.map((h) => h.host)).toEqual(['inline', 'inline', 'threaded']);
    const header = comparisonHeader(c);
    expect(header).toContain('  A: 3 runs, stress seeds 1,2,3 inline (2) and threaded (1), 200 us, clean');
    expect(header).toContain('  B: 3 runs, stress seeds 6,7,8 inline, 200 us, clean');
    expect(c.differences).toEqual(['host: inline (2) and threaded (1) -> inline']);
    // The first runs alone differ in nothing: a set all threaded against one all inline says so.
    const allThreaded = compareSets(a.map(threaded), set(6, EVICTIONS_B.slice(0, 3)));
    expect(allThreaded.differences).toEqual(['host: threaded -> inline']);
    expect(comparisonHeader(allThreaded)).toContain(
      '  A: 3 runs, stress seeds 1,2,3 threaded, 200 us, clean',
    );
    // Mixed alike on both sides: no difference to speak of.
    const b = set(6, EVICTIONS_B.slice(0, 3)).map((r, i) => (i === 0 ? threaded(r) : r));
    expect(compareSets(a, b).differences).toEqual([]);
    expect(setHostText(['free', 'inline', 'threaded', 'inline'])).toBe(
      'free (1), inline (2) and threaded (1)',
    );
  });

  it('--json: `a` and `b` describe each set (its seeds, its hosts), not its first run; each run is in `sets`', () => {
    // QA: `a.host` was `inline` for a set of two inline runs and a threaded one, `a.seed` its first.
    const threaded = (r: RunFile): RunFile => ({ ...r, result: { ...r.result, host: 'threaded' } });
    const a = set(1, EVICTIONS_A.slice(0, 3)).map((r, i) => (i === 2 ? threaded(r) : r));
    const c = compareSets(a, set(6, EVICTIONS_B.slice(0, 3)), { a: 'A', b: 'B' });
    expect(c.a).toEqual({
      file: 'A',
      workload: 'stress',
      runs: 3,
      seeds: [1, 2, 3],
      host: 'inline (2) and threaded (1)',
      status: 'clean',
      simulatedTicks: 200 * US,
    });
    expect(c.b).toMatchObject({ file: 'B', runs: 3, seeds: [6, 7, 8], host: 'inline' });
    expect(c.sets?.a.map((h) => [h.seed, h.host])).toEqual([
      [1, 'inline'],
      [2, 'inline'],
      [3, 'threaded'],
    ]);
  });

  it('identical and sameEvents are judged seed by seed: the same runs in two directories are identical, and said so', () => {
    /** `runs` with each run's event digest that of its seed, read by one npusim, under `dir`. */
    const digested = (runs: RunFile[], dir: string, npusim = '0.6.2'): RunFile[] =>
      runs.map((r) => ({
        file: `${dir}/${r.file}`,
        result: { ...r.result, eventDigest: `e${r.result.seed}`, npusim },
      }));
    const a = digested(set(1, EVICTIONS_A), 'A');
    const copy = digested(set(1, EVICTIONS_A), 'Acopy');
    // A copy of the set, its files in another order: the same runs.
    const same = compareSets(a, [...copy].reverse(), { a: 'A', b: 'Acopy' });
    expect([same.identical, same.sameEvents]).toEqual([true, true]);
    // The line wraps at 100 columns, under its text: joined again.
    expect(unwrapped(comparisonHeader(same).join('\n'), 4).split('\n')).toContain(
      "  A and B are the same runs, seed by seed (each seed's run has the same event digest in both): every change below is zero",
    );
    // Read by another npusim: the same events, not identical.
    const other = compareSets(a, digested(set(1, EVICTIONS_A), 'B', '0.6.3'));
    expect([other.identical, other.sameEvents]).toEqual([false, true]);
    expect(comparisonHeader(other).join('\n')).toContain('read by other npusim versions');
    // One seed's run otherwise: not the same runs.
    const changed = copy.map((r, i) =>
      i === 4 ? { ...r, result: { ...r.result, eventDigest: 'other' } } : r,
    );
    expect(compareSets(a, changed)).toMatchObject({ identical: false, sameEvents: false });
    // Sets of other seeds are not identical, whatever their digests.
    expect(compareSets(a.slice(0, 4), copy)).toMatchObject({ identical: false, sameEvents: false });
    expect(compareSets(a, digested(set(6, EVICTIONS_A), 'B'))).toMatchObject({ identical: false });
    expect(comparisonHeader(compareSets(a, changed)).join('\n')).not.toContain('same runs');
  });

  it('a mean of counts reads as a count: whole but for rounding without decimals, never in exponent form', () => {
    expect(decimalText(5)).toBe('5');
    expect(decimalText(5 + 1e-12)).toBe('5');
    expect(decimalText(12.34)).toBe('12.34');
    expect(decimalText(-0.5)).toBe('-0.5');
    expect(decimalText(123456.78)).toBe('123456.8');
    expect(decimalText(100.001)).toBe('100');
    // Three runs of 20, 20, 21 pages: the mean is not whole, and is written to five digits.
    const mixed = compareSets(
      [20, 20, 21].map((n, i) => run(1 + i, { 'pages.mapped': n })),
      [20, 20, 20].map((n, i) => run(4 + i, { 'pages.mapped': n })),
    );
    expect(formatComparison(mixed)).toMatch(/pages\.mapped +20\.333 +20 +-0\.33333/);
  });

  it('refuses a set of one run, a seed twice, another configuration or another length, naming the file', () => {
    const a = set(1, EVICTIONS_A);
    expect(() => compareSets(a.slice(0, 1), set(6, EVICTIONS_B), { a: 'runs-a', b: 'runs-b' })).toThrow(
      /runs-a: Expected at least 2 run results in each set .*got 1$/,
    );
    // One run a side is two runs, which the pair comparison takes: said, with the files to name (QA).
    expect(() =>
      compareSets(
        a.slice(0, 1),
        [run(6, {}, {})].map((r) => ({ ...r, file: 'runs b/s6.json' })),
        {
          a: 'runs-a',
          b: 'runs b',
        },
      ),
    ).toThrow(
      "runs-a: Expected at least 2 run results in each set (their spread is the noise), got 1 in each; to compare the two runs, name their files: npusim compare s1.json 'runs b/s6.json'",
    );
    const twice = [...a, run(3, { 'ats.evictions': 1, 'dma.completed': 1 })];
    expect(() => compareSets(twice, set(6, EVICTIONS_B))).toThrow(
      /s3\.json: seed: Expected each seed once in set A \(a seed run twice.*seed 3 again/,
    );
    expect(() => compareSets(twice, set(6, EVICTIONS_B), { a: 'left', b: 'right' })).toThrow(
      /s3\.json: seed: Expected each seed once in set A \(left\) \(a seed run twice.*seed 3 again/,
    );
    // Another configuration that shares a seed is another configuration, not a seed twice (QA).
    const otherSameSeed = [...a, run(3, { 'ats.evictions': 1 }, { dmaBytes: 4096 })];
    expect(() => compareSets(otherSameSeed, set(6, EVICTIONS_B))).toThrow(
      /s3\.json: Expected a run of the configuration of s1\.json .*params\.gpu\.dmaBytes: 256 -> 4096/,
    );
    const other = [...a, run(9, { 'ats.evictions': 1 }, { dmaBytes: 4096 })];
    expect(() => compareSets(other, set(6, EVICTIONS_B))).toThrow(
      /s9\.json: Expected a run of the configuration of s1\.json .*params\.gpu\.dmaBytes: 256 -> 4096/,
    );
    const unlike = set(6, EVICTIONS_B).map((r, i) => (i === 2 ? run(8, {}, { ticks: 400 * US }) : r));
    expect(() => compareSets(a, unlike)).toThrow(
      /s8\.json: Expected a run of the configuration of s6\.json .*simulated time/,
    );
    const longer = [6, 7].map((seed) => run(seed, {}, { ticks: 400 * US }));
    expect(() => compareSets(a, longer)).toThrow(
      /s6\.json: simulatedTicks: Expected runs of the simulated length of A's \(200 us\) in a comparison of sets, got 400 us$/,
    );
    // Runs stopped at their first finding end at their own ticks: the refusal says so (QA).
    const stopped = (seed: number, ticks: number): RunFile => {
      const r = run(seed, {}, { ticks });
      return { ...r, result: { ...r.result, config: { ...r.result.config, stopOnFirst: true } } };
    };
    expect(() => compareSets([stopped(1, 16 * US), stopped(2, 15 * US)], set(6, EVICTIONS_B))).toThrow(
      /s2\.json: Expected a run of the configuration of s1\.json .*simulated time: 16 us -> 15 us.*; s1\.json and s2\.json were run with --stop-on-first, which ends a run at its own first finding: a set needs runs to their end/,
    );
    const stoppedB = [stopped(6, 200 * US), stopped(7, 200 * US)];
    expect(() => compareSets([stopped(1, 16 * US), stopped(2, 16 * US)], stoppedB)).toThrow(
      /s6\.json: simulatedTicks: Expected runs of the simulated length of A's \(16 us\) in a comparison of sets, got 200 us; s1\.json and s6\.json were run with --stop-on-first/,
    );
    // An interrupted run ended where it was stopped: the refusal says so, and says nothing of
    // counts per simulated ms, which only a pair compares (QA).
    const interrupted = (seed: number, ticks: number): RunFile => {
      const r = run(seed, {}, { ticks });
      return { ...r, result: { ...r.result, status: 'interrupted' } };
    };
    const cut = [...a.slice(0, 1), interrupted(2, 116 * US)];
    expect(() => compareSets(cut, set(6, EVICTIONS_B))).toThrow(
      /s2\.json: Expected a run of the configuration of s1\.json .*simulated time: 200 us -> 116 us; s2\.json was interrupted, which ends a run where it was stopped: a set needs runs to their end$/,
    );
    // One that simulated nothing is refused by name, in a set as in a pair.
    const empty = [...a, interrupted(9, 0)];
    expect(() => compareSets(set(6, EVICTIONS_B), empty)).toThrow(
      /s9\.json: simulatedTicks: Expected a run that simulated some time \(one with figures to compare\), got one that simulated 0 ps \(status interrupted: stopped before its first event\)/,
    );
  });
});

describe("compare of sets: a headline's means and change", () => {
  it('a count reads as the counts section reads it, its change in its unit (it read `3.8k 3.9k +0.1%`)', () => {
    const withHeadline = (seed: number, dmas: number): RunFile => {
      const { file, result } = run(seed, { 'dma.completed': dmas });
      const headline = [{ label: 'DMA completed', value: dmas, text: String(dmas), unit: 'count' as const }];
      return { file, result: { ...result, headline } };
    };
    // The DMAs `stress` completed in 100 us: 3868 and 3829 with seeds 1 and 2, 3868 and 3835 with 1 and 3.
    const c = compareSets(
      [withHeadline(1, 3868), withHeadline(2, 3829)],
      [withHeadline(3, 3868), withHeadline(4, 3835)],
    );
    const cells = (section: string) =>
      rowCells(c.rows.find((r) => r.section === section && r.figure === 'DMA completed')!, true).slice(1, 4);
    expect(cells('headline')).toEqual(['3848.5', '3851.5', '+3 (+0.1%)']);
  });
});

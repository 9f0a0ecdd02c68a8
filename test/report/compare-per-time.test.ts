/**
 * Figures of runs of different lengths, and what a run that did nothing names: a figure compared
 * per simulated ms says so in its unit as in its name (a consumer of `compare --json` keyed on
 * `unit` read `dma.bytes per simulated ms` as a total of bytes), the headline's totals are per
 * simulated ms beside the counts they are read from, a relative change too small for one decimal
 * prints two significant digits, the HTML report's links table prints the summary's figures, and
 * a `busiest` figure over links or nest MMUs all idle names none.
 */
import { describe, expect, it } from 'vitest';
import { buildCompareHtml } from '../../src/report/compare-html.js';
import { compareResults } from '../../src/report/compare-results.js';
import { type CompareRow, judged } from '../../src/report/compare-row.js';
import { formatComparison, rowCells } from '../../src/report/format-comparison.js';
import { evaluateHeadline, NONE_BUSY } from '../../src/report/headline.js';
import { latencyTable, linksTable } from '../../src/report/html-contention.js';
import { parseRunResult } from '../../src/report/parse-run-result.js';
import type { LinkFigures, RunResult, SocketFigures } from '../../src/report/run-result.js';
import { contentionSection } from '../../src/report/summary-contention.js';
import { linkFigures, socketFigures } from '../support/contention-figures.js';
import { countsResult } from '../support/counts-result.js';

const US = 1_000_000; // ticks

const socket = (o: Partial<SocketFigures> = {}): SocketFigures =>
  socketFigures({ nmmuWalkerUtilisation: 0.5, ...o });

const link = (o: Partial<LinkFigures> = {}): LinkFigures =>
  linkFigures({
    label: 'gpu0->chip0 nvlink x2',
    kind: 'nvlink',
    bytes: 2_499_717,
    backlogBytes: 835_579,
    ...o,
  });

/** A run of `ticks` with these DMAs, one socket and one link, and stress's headline read from it. */
function run(ticks: number, completed: number, o: { tenants?: unknown[] } = {}): RunResult {
  const r = countsResult(
    { 'dma.completed': completed, 'dma.bytes': completed * 256 },
    { simulatedTicks: ticks, params: { topology: 'witherspoon-6', tenants: o.tenants ?? [{}, {}] } },
  );
  const latency = {
    count: completed,
    min: 1,
    max: 9,
    mean: 5,
    p50: 5,
    p99: 9,
    p999: 9,
    unit: 'ticks' as const,
  };
  const withMachine: RunResult = {
    ...r,
    contention: {
      ...r.contention,
      sockets: [socket({ nmmuTranslations: completed })],
      links: [link({ messages: completed, bytes: completed * 128 })],
      latencies: { 'dma.latencyTicks': latency },
    },
  };
  const headline = evaluateHeadline(
    [
      { label: 'DMA completed', counter: 'dma.completed', per: 'run', unit: 'count' },
      { label: 'DMA bytes', counter: 'dma.bytes', per: 'run', unit: 'bytes' },
      { label: 'DMA moved', counter: 'dma.bytes', per: 'simulated-second', unit: 'bytes' },
      { label: 'DMA latency samples', latency: 'dma.latencyTicks', stat: 'count' },
      { label: 'DMA latency p99', latency: 'dma.latencyTicks', stat: 'p99' },
      { label: 'guests', param: 'tenants' },
      { label: 'busiest GPU->chip link', links: 'gpu-chip', stat: 'busiest' },
    ],
    withMachine,
  );
  return { ...withMachine, headline };
}

const rowOf = (rows: readonly CompareRow[], figure: string, group?: string) => {
  const r = rows.find((x) => x.figure === figure && x.group === group);
  if (r === undefined) throw new Error(`no row ${figure}`);
  return r;
};

describe('compare: runs of different lengths', () => {
  // As `run stress --seed 1 --inline` for 100 us and 200 us: 3868 and 11748 DMAs completed.
  const c = compareResults('o1.json', run(100 * US, 3868), 'o2.json', run(200 * US, 11748));

  it('a figure per simulated ms has a unit that says so, in every section (QA: `unit: bytes` on a rate)', () => {
    const units = [
      ['dma.completed per simulated ms', undefined, 'per-simulated-ms'],
      ['dma.bytes per simulated ms', undefined, 'bytes-per-simulated-ms'],
      ['DMA latency: samples per simulated ms', undefined, 'per-simulated-ms'],
      ['nMMU translations per simulated ms', 'socket 0 (chip0)', 'per-simulated-ms'],
      ['messages per simulated ms', 'gpu0->chip0 nvlink x2', 'per-simulated-ms'],
      ['bytes per simulated ms', 'gpu0->chip0 nvlink x2', 'bytes-per-simulated-ms'],
    ] as const;
    for (const [figure, group, unit] of units) expect(rowOf(c.rows, figure, group).unit, figure).toBe(unit);
    // Every row named per simulated ms has such a unit, and no other row has one.
    for (const r of c.rows)
      expect(/per simulated ms$/.test(r.figure), `${r.figure}: ${r.unit}`).toBe(
        r.unit === 'per-simulated-ms' || r.unit === 'bytes-per-simulated-ms',
      );
    // A state at the end and a total not judged stay as they are.
    expect(rowOf(c.rows, 'backlog bytes', 'gpu0->chip0 nvlink x2').unit).toBe('bytes');
    // The text prints them as before: a count whole, bytes with their `B`.
    expect(rowCells(rowOf(c.rows, 'dma.bytes per simulated ms')).slice(1, 4)).toEqual([
      '9902080 B',
      '15037440 B',
      '+5135360 B (+51.9%)',
    ]);
    expect(rowCells(rowOf(c.rows, 'dma.completed per simulated ms')).slice(1, 4)).toEqual([
      '38680',
      '58740',
      '+20060 (+51.9%)',
    ]);
  });

  it('runs of one length keep the plain units', () => {
    const same = compareResults('a.json', run(100 * US, 3868), 'b.json', run(100 * US, 3900));
    expect(rowOf(same.rows, 'dma.completed').unit).toBe('count');
    expect(rowOf(same.rows, 'dma.bytes').unit).toBe('bytes');
    expect(rowOf(same.rows, 'bytes', 'gpu0->chip0 nvlink x2').unit).toBe('bytes');
    expect(rowOf(same.rows, 'DMA completed')).toMatchObject({ a: 3868, b: 3900, unit: 'count' });
  });

  it("the headline's totals are per simulated ms too, as the counts beside them (QA: `DMA completed 3868 11748 +203.7%`)", () => {
    const headline = c.rows.filter((r) => r.section === 'headline');
    expect(headline.map((r) => [r.figure, r.unit])).toEqual([
      ['DMA completed per simulated ms', 'per-simulated-ms'],
      ['DMA bytes per simulated ms', 'bytes-per-simulated-ms'],
      ['DMA moved', 'bytes-per-second'],
      ['DMA latency samples per simulated ms', 'per-simulated-ms'],
      ['DMA latency p99', 'ticks'],
      ['guests', 'count'],
      ['busiest GPU->chip link', 'ratio'],
    ]);
    const done = rowOf(c.rows, 'DMA completed per simulated ms');
    // The same figures as the counts row it is read from, so the two never disagree.
    const counted = rowOf(c.rows, 'dma.completed per simulated ms');
    expect([done.a, done.b, done.changeRatio]).toEqual([counted.a, counted.b, counted.changeRatio]);
    expect(rowCells(done).slice(1, 4)).toEqual(rowCells(counted).slice(1, 4));
    // A rate, a latency, a parameter and a share are as they are, with their workload's text.
    expect(rowOf(c.rows, 'DMA latency p99')).toMatchObject({ a: 9, b: 9 });
    expect(rowOf(c.rows, 'guests')).toMatchObject({ a: 2, b: 2, text: ['2', '2'] });
    expect(rowCells(rowOf(c.rows, 'DMA moved'))[1]).toBe('9.902 GB/s');
    const text = formatComparison(c);
    expect(text).toMatch(/^ {2}DMA completed per simulated ms +38680 +58740 +\+20060 \(\+51\.9%\) +n\/j/m);
    expect(text).toMatch(/^ {2}guests +2 +2 +\+0 \(\+0\.0%\) +n\/j/m);
    expect(buildCompareHtml(c)).toContain(
      '<td>DMA completed per simulated ms</td><td>38680</td><td>58740</td><td>+20060 (+51.9%)</td>',
    );
  });

  it('a headline figure keeps whether it accrues through a result written and read back', () => {
    const back = parseRunResult(JSON.stringify(run(100 * US, 3868)), 'o1.json');
    expect(back.headline!.map((f) => f.accrues)).toEqual([
      true,
      true,
      undefined,
      true,
      undefined,
      undefined,
      undefined,
    ]);
    const bad = { ...run(100 * US, 3868), headline: [{ label: 'x', value: 1, text: '1', accrues: 'yes' }] };
    expect(() => parseRunResult(JSON.stringify(bad), 'x.json')).toThrow(
      /x\.json: headline\[0\]\.accrues: Expected true, or absent/,
    );
  });
});

describe('compare: a relative change too small for one decimal (QA: `-0.01 pts (-0.0%)`)', () => {
  it('prints two significant digits, as the figures do; 0 stays 0', () => {
    const busy = judged('sockets', 'nMMU busy', 0.994, 0.9939, 0.001, 'ratio', 'u / sqrt(walks)');
    expect(rowCells(busy)[3]).toBe('-0.01 pts (-0.010%)');
    const p99 = judged('latencies', 'p99', 7_717_000, 7_713_817, 100_000, 'ticks', '');
    expect(rowCells(p99)[3]).toBe('-3.183 ns (-0.041%)');
    expect(rowCells(judged('counts', 'n', 5, 5, 1, 'count', ''))[3]).toBe('+0 (+0.0%)');
    expect(rowCells(judged('counts', 'n', 4, 5, 1, 'count', ''))[3]).toBe('+1 (+25.0%)');
  });
});

describe("the HTML report's tables print the summary's figures", () => {
  it("a link's bytes and backlog whole, as the summary prints them (QA: `2.50M`, `835.6k`)", () => {
    const r = countsResult({});
    const result: RunResult = { ...r, contention: { ...r.contention, sockets: [], links: [link()] } };
    const page = linksTable(result);
    expect(page).toContain('<td>2499717</td>');
    expect(page).toContain('<td>835579</td>');
    expect(page).not.toMatch(/2\.50M|835\.6k/);
    // The summary's row of the link, cell for cell.
    const summaryRow = contentionSection(result, 8).find((l) => l.includes('gpu0->chip0 nvlink x2'))!;
    for (const cell of ['50.0%', '1000', '2499717', '835579', '5 us', '15 us']) {
      expect(summaryRow).toContain(cell);
      expect(page).toContain(`<td>${cell}</td>`);
    }
  });

  it("the caches' hit rates as the summary's", () => {
    const r = countsResult({ 'ats.hits': 979, 'ats.misses': 21 });
    const result: RunResult = {
      ...r,
      contention: { ...r.contention, sockets: [], atsHitRate: 0.979, tceHitRate: null },
    };
    expect(latencyTable(result)).toContain('ATS cache hit rate 97.9%, TCE cache hit rate -,');
  });
});

describe('a busiest figure where nothing was busy (QA: `0.0% (gpu0->chip0 nvlink x2)` of a run of 0 events)', () => {
  const items = [
    { label: 'busiest GPU->chip link', links: 'gpu-chip', stat: 'busiest' },
    { label: 'busiest nest MMU (walkers)', nmmu: 'busiest' },
  ] as const;
  const machine = (u: number) => {
    const r = countsResult({});
    return {
      ...r,
      contention: {
        ...r.contention,
        sockets: [
          socket({ nmmuWalkerUtilisation: u }),
          socket({ socket: 1, chip: 'chip1', nmmuWalkerUtilisation: 0 }),
        ],
        links: [link({ utilisation: 0 }), link({ label: 'gpu1->chip0 nvlink x2', utilisation: u })],
      },
    } satisfies RunResult;
  };

  it('names none, its value 0 and its keys as any figure of a share', () => {
    expect(evaluateHeadline([...items], machine(0))).toEqual([
      { label: 'busiest GPU->chip link', value: 0, text: `0.0% (${NONE_BUSY})`, unit: 'ratio' },
      { label: 'busiest nest MMU (walkers)', value: 0, text: '0.0% (none busy)', unit: 'ratio' },
    ]);
  });

  it('names the busiest where one was busy at all', () => {
    expect(evaluateHeadline([...items], machine(0.0001)).map((f) => f.text)).toEqual([
      '0.0% (gpu1->chip0 nvlink x2)',
      '0.0% (chip0)',
    ]);
  });

  it("the summary's links table calls its first links none busy too, not the busiest (QA)", () => {
    const heading = (u: number) =>
      contentionSection(machine(u), 8)
        .join('\n')
        .replace(/\n\s+/g, ' ')
        .match(/contention per link \([^)]*\)/)?.[0];
    expect(heading(0)).toBe('contention per link (none busy: the first 2 of 2; --json has all)');
    expect(heading(0.0001)).toBe('contention per link (busiest 2 of 2; --json has all)');
  });
});

/**
 * `npusim compare A.json B.json`: two run results side by side, figure by figure, section by
 * section (run, counts, latencies, rates, links, engine), each row judged against the noise of
 * its own sampling model (compare-row.ts says how), and the configuration the two runs differ in.
 * Reading the files is parse-run-result.ts; printing the comparison is format-comparison.ts.
 */
import {
  type CompareRow,
  countRow,
  judged,
  meanRow,
  notJudged,
  percentileRow,
  rateRow,
} from './compare-row.js';
import { formatTime } from './duration.js';
import { type RunResult, violationTotal } from './run-result.js';
import { LATENCY_ROWS } from './summary-contention.js';

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

/** How counts are compared: per simulated ms when the two runs' lengths differ. */
interface CountScale {
  perTime: boolean;
  msA: number;
  msB: number;
}

export function compareResults(fileA: string, a: RunResult, fileB: string, b: RunResult): Comparison {
  const msA = a.simulatedTicks / 1e9;
  const msB = b.simulatedTicks / 1e9;
  const scale: CountScale = {
    perTime: a.simulatedTicks !== b.simulatedTicks && msA > 0 && msB > 0,
    msA,
    msB,
  };
  const rows: CompareRow[] = [
    ...runRows(a, b, scale),
    ...latencyRows(a, b, scale),
    ...rateRows(a, b),
    ...linkRows(a, b),
    ...engineRows(a, b),
  ];
  const judgedRows = rows.filter((r) => r.verdict === 'changed' || r.verdict === 'noise');
  return {
    a: header(fileA, a),
    b: header(fileB, b),
    differences: configDifferences(a, b),
    identical: a.eventDigest !== '' && a.eventDigest === b.eventDigest,
    rows,
    judged: judgedRows.length,
    changed: judgedRows.filter((r) => r.verdict === 'changed').length,
  };
}

/** What was run, the findings, and every counter. */
function runRows(a: RunResult, b: RunResult, s: CountScale): CompareRow[] {
  const count = (
    section: CompareRow['section'],
    figure: string,
    x: number | undefined,
    y: number | undefined,
  ) => countRow(section, figure, x, y, s.perTime, s.msA, s.msB);
  return [
    notJudged('run', 'simulated time', a.simulatedTicks, b.simulatedTicks, 'ticks', 'what was run'),
    count('run', 'violations', violationTotal(a), violationTotal(b)),
    count('run', 'liveness failures', a.liveness.length, b.liveness.length),
    ...union(Object.keys(a.counts), Object.keys(b.counts)).map((name) =>
      count('counts', name, a.counts[name], b.counts[name]),
    ),
  ];
}

/** Each latency histogram: its samples, mean, percentiles and max. */
function latencyRows(a: RunResult, b: RunResult, s: CountScale): CompareRow[] {
  const rows: CompareRow[] = [];
  const label = new Map(LATENCY_ROWS);
  for (const name of union(Object.keys(a.contention.latencies), Object.keys(b.contention.latencies))) {
    const sa = a.contention.latencies[name];
    const sb = b.contention.latencies[name];
    const l = label.get(name) ?? name;
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
    rows.push(notJudged('latencies', `${l}: max`, sa?.max, sb?.max, 'ticks', 'one sample: no noise model'));
  }
  return rows;
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

/** Each link's utilisation; its noise scales with its message count. */
function linkRows(a: RunResult, b: RunResult): CompareRow[] {
  const linksA = new Map(a.contention.links.map((l) => [l.label, l]));
  const linksB = new Map(b.contention.links.map((l) => [l.label, l]));
  return union([...linksA.keys()], [...linksB.keys()]).map((labelName) => {
    const la = linksA.get(labelName);
    const lb = linksB.get(labelName);
    const sigma =
      la === undefined || lb === undefined
        ? undefined
        : Math.sqrt(
            la.utilisation ** 2 / Math.max(1, la.messages) + lb.utilisation ** 2 / Math.max(1, lb.messages),
          );
    const figure = `${labelName}: utilisation`;
    return judged('links', figure, la?.utilisation, lb?.utilisation, sigma, 'ratio', 'u / sqrt(messages)');
  });
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
  ];
}

/** The configuration the two runs differ in: what the comparison is an experiment on. */
function configDifferences(a: RunResult, b: RunResult): string[] {
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
  return differences;
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

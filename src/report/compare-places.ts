/**
 * `npusim compare`'s rows of each socket and each link (compare-results.ts makes the rest): every
 * figure the summary's tables `contention per socket` and `contention per link` show, judged by
 * the sampling model of its kind (compare-row.ts), each row under its socket or link (`group`).
 *
 * A socket or link of one run only (two topologies) has its rows `only in A` or `only in B`; a
 * result without per-socket figures (countsResult in tests, a crash) has no socket rows.
 */
import {
  type CompareRow,
  countRow,
  judged,
  MIN_SAMPLES_BEYOND,
  NOISE_SIGMAS,
  notJudged,
  proportionRow,
  queueMeanRow,
  sumRow,
} from './compare-row.js';
import type { LinkFigures, RunResult, SocketFigures } from './run-result.js';

/** How counts are compared: per simulated ms when the two runs' lengths differ. */
export interface CountScale {
  perTime: boolean;
  msA: number;
  msB: number;
}

/**
 * Why a largest value is not judged between two runs: one value of each run, the tail's last
 * sample, which no sampling model bounds. Between two sets of runs it is judged by its spread over
 * the seeds (inSets), as every figure is.
 */
export const EXTREME = 'the largest value, one per run: no noise model; judged between sets of seeds';

/**
 * Why a socket's p99 is not judged between two runs of which one was written before a result kept
 * its interval (run-result.ts SocketFigures.nmmuP99IntervalTicks): the value alone has no noise
 * model. Between two sets of runs it is judged by its spread over the seeds (inSets).
 */
export const NO_SOCKET_INTERVAL = 'an older result keeps no interval for it; judged between sets of seeds';

/** A socket's p99 in one run: its value (undefined: no sample), its samples and its interval. */
interface SocketPercentile {
  value: number | undefined;
  count: number;
  interval: [number, number] | undefined;
}

/**
 * A socket's p99, judged by the two runs' order-statistic intervals, which the result keeps at
 * the confidence of three standard errors (99.73 %, assemble-result.ts socketFigures): `changed`
 * where they do not overlap. Its standard error is the two intervals' halves that face each other
 * over NOISE_SIGMAS, so that |B - A| > NOISE_SIGMAS se is exactly the gap between them (B above A:
 * B's low end above A's high end); at least as strict as the 3 se of the difference that other
 * figures are judged by, as the halves add where errors add in quadrature. Like any percentile,
 * judged only with at least MIN_SAMPLES_BEYOND samples beyond it in both runs (a p99: 500).
 * Not judged (too few samples, an older result): judged between sets of seeds by their spread.
 */
function socketPercentileRow(
  figure: string,
  x: SocketPercentile | undefined,
  y: SocketPercentile | undefined,
): CompareRow {
  const fewest = Math.min(x?.count ?? 0, y?.count ?? 0);
  if (x !== undefined && y !== undefined && fewest * (1 - 0.99) < MIN_SAMPLES_BEYOND) {
    const why = `too few samples (${fewest}): needs ${Math.ceil(MIN_SAMPLES_BEYOND / (1 - 0.99))}`;
    return inSets(notJudged('sockets', figure, x.value, y.value, 'ticks', why));
  }
  if (x?.interval === undefined || y?.interval === undefined)
    return inSets(notJudged('sockets', figure, x?.value, y?.value, 'ticks', NO_SOCKET_INTERVAL));
  const [a, b] = [x.value!, y.value!];
  // The half of each interval on the other's side, never below 0 (a value read at the edge).
  const facing =
    b >= a
      ? Math.max(0, x.interval[1] - a) + Math.max(0, b - y.interval[0])
      : Math.max(0, a - x.interval[0]) + Math.max(0, y.interval[1] - b);
  return judged('sockets', figure, a, b, facing / NOISE_SIGMAS, 'ticks', SOCKET_INTERVAL_TEST);
}

/** How a socket's p99 is judged between two runs (socketPercentileRow). */
export const SOCKET_INTERVAL_TEST = '99.73 % order-statistic intervals: changed where they do not overlap';

/**
 * A row not judged between two runs for want of a noise model for one run, judged between two sets
 * of runs by its spread over the seeds (compare-sets.ts): a percentile, a largest value, a backlog.
 */
export function inSets(row: CompareRow): CompareRow {
  return { ...row, judgedInSets: true };
}

/** Each socket's figures, under `socket N (chip)`, sockets in order. */
export function socketRows(a: RunResult, b: RunResult, s: CountScale): CompareRow[] {
  const byName = (r: RunResult) =>
    new Map((r.contention.sockets ?? []).map((x) => [`socket ${x.socket} (${x.chip})`, x]));
  const sa = byName(a);
  const sb = byName(b);
  const names = [...new Set([...sa.keys(), ...sb.keys()])].sort(bySocket);
  return names.flatMap((group) => oneSocket(group, sa.get(group), sb.get(group), s));
}

function oneSocket(
  group: string,
  x: SocketFigures | undefined,
  y: SocketFigures | undefined,
  s: CountScale,
): CompareRow[] {
  const count = (figure: string, f: (v: SocketFigures) => number) =>
    countRow('sockets', figure, x && f(x), y && f(y), s.perTime, s.msA, s.msB);
  // A percentile over no sample is no figure (the summary's `-`), not a measured 0 ps.
  const p99 = (
    figure: string,
    f: (v: SocketFigures) => number,
    samples: (v: SocketFigures) => number,
    interval: (v: SocketFigures) => [number, number] | undefined,
  ) => {
    const side = (z: SocketFigures | undefined): SocketPercentile | undefined =>
      z === undefined
        ? undefined
        : { value: samples(z) === 0 ? undefined : f(z), count: samples(z), interval: interval(z) };
    return socketPercentileRow(figure, side(x), side(y));
  };
  const lookups = (z: SocketFigures | undefined) =>
    z === undefined ? undefined : { hits: z.tceHits, n: z.tceHits + z.tceMisses };
  // CPUs spinning at the end: a state at the end (as `*.inFlightAtEnd`), never per simulated ms.
  const waiting = (z: SocketFigures | undefined) => (z === undefined ? undefined : (z.atsdWaitingAtEnd ?? 0));
  const wa = waiting(x);
  const wb = waiting(y);
  const atEndSigma = wa === undefined || wb === undefined ? undefined : Math.sqrt(wa + wb);
  const longest = (z: SocketFigures | undefined) =>
    z === undefined || (z.atsdWaitingAtEnd ?? 0) === 0 ? undefined : (z.atsdLongestWaitAtEndTicks ?? 0);
  // The walkers' busy share, judged as a link's utilisation is (compare-row.ts): busy time grows
  // with the walks, so u / sqrt(walks). A result before 0.10.0 has none: shown, not judged.
  const busy = (z: SocketFigures | undefined) => z?.nmmuWalkerUtilisation;
  const walks = (z: SocketFigures) => Math.max(1, z.nmmuTranslations + z.nmmuFaults);
  const ua = busy(x);
  const ub = busy(y);
  const busyRow =
    x !== undefined && y !== undefined && (ua === undefined || ub === undefined)
      ? notJudged('sockets', 'nMMU busy', ua, ub, 'ratio', 'absent from a result before 0.10.0')
      : judged(
          'sockets',
          'nMMU busy',
          ua,
          ub,
          ua === undefined || ub === undefined
            ? undefined
            : Math.sqrt(ua ** 2 / walks(x!) + ub ** 2 / walks(y!)),
          'ratio',
          'u / sqrt(walks)',
        );
  const rows = [
    count('nMMU translations', (v) => v.nmmuTranslations),
    count('nMMU faults', (v) => v.nmmuFaults),
    busyRow,
    p99(
      'nMMU p99',
      (v) => v.nmmuP99Ticks,
      (v) => v.nmmuTranslations,
      (v) => v.nmmuP99IntervalTicks,
    ),
    count('ATSD launches', (v) => v.atsdLaunches),
    count('reg waits', (v) => v.atsdWaits),
    count('reg won at once', (v) => v.atsdWonAtOnce),
    p99(
      'wait p99',
      (v) => v.atsdWaitP99Ticks,
      (v) => v.atsdWaits + v.atsdWonAtOnce,
      (v) => v.atsdWaitP99IntervalTicks,
    ),
    count('failed tries', (v) => v.atsdBusySeen),
    proportionRow('sockets', 'TCE hit rate', lookups(x), lookups(y)),
    judged('sockets', 'waiting at end', wa, wb, atEndSigma, 'count', 'Poisson: sqrt(n), a state at the end'),
    longest(x) === undefined && longest(y) === undefined
      ? notJudged(
          'sockets',
          'longest wait at end',
          undefined,
          undefined,
          'ticks',
          'no CPU waiting at the end in either run',
        )
      : inSets(notJudged('sockets', 'longest wait at end', longest(x), longest(y), 'ticks', EXTREME)),
  ];
  return inGroup(rows, group, x, y);
}

/**
 * The rows of one socket or link, under it; every row of one that is in one run only is `only in`
 * that run, judged or not (its `backlog bytes` as its `utilisation`).
 */
function inGroup(
  rows: CompareRow[],
  group: string,
  x: object | undefined,
  y: object | undefined,
): CompareRow[] {
  const only = x === undefined ? 'only in B' : y === undefined ? 'only in A' : undefined;
  return rows.map((r) =>
    only === undefined
      ? { ...r, group }
      : { ...r, group, sigma: undefined, threshold: undefined, verdict: only, note: '' },
  );
}

/** `socket 2 (...)` after `socket 10 (...)` no more: by the socket's number. */
function bySocket(x: string, y: string): number {
  const n = (t: string) => Number(/^socket (\d+)/.exec(t)?.[1] ?? 0);
  return n(x) - n(y) || (x < y ? -1 : 1);
}

/** Why a link's backlog is not judged between two runs. */
export const BACKLOG_NOT_JUDGED = 'bytes queued at the end: no noise model; judged between sets of seeds';

/** Each link's figures, under its label, links by label. */
export function linkRows(a: RunResult, b: RunResult, s: CountScale): CompareRow[] {
  const linksA = new Map(a.contention.links.map((l) => [l.label, l]));
  const linksB = new Map(b.contention.links.map((l) => [l.label, l]));
  const labels = [...new Set([...linksA.keys(), ...linksB.keys()])].sort();
  return labels.flatMap((group) => oneLink(group, linksA.get(group), linksB.get(group), s));
}

function oneLink(
  group: string,
  la: LinkFigures | undefined,
  lb: LinkFigures | undefined,
  s: CountScale,
): CompareRow[] {
  const sigma =
    la === undefined || lb === undefined
      ? undefined
      : Math.sqrt(
          la.utilisation ** 2 / Math.max(1, la.messages) + lb.utilisation ** 2 / Math.max(1, lb.messages),
        );
  // A link's messages differ in size (a request, a page of data), which makes its bytes move more
  // than its message count alone says (by sqrt(E[s^2]) / E[s], compare-row.ts sumRow): a lower
  // bound of the noise, as the note says.
  const bytes = sumRow(
    'links',
    'bytes',
    la?.bytes,
    lb?.bytes,
    { name: 'messages', a: la?.messages, b: lb?.messages },
    s.perTime,
    s.msA,
    s.msB,
  );
  const maxOf = (l: LinkFigures | undefined) =>
    l === undefined || l.messages === 0 ? undefined : l.maxQueueDelayTicks;
  const queue = (l: LinkFigures | undefined) =>
    l === undefined
      ? undefined
      : { mean: l.meanQueueDelayTicks, max: l.maxQueueDelayTicks, messages: l.messages };
  const rows = [
    judged('links', 'utilisation', la?.utilisation, lb?.utilisation, sigma, 'ratio', 'u / sqrt(messages)'),
    countRow('links', 'messages', la?.messages, lb?.messages, s.perTime, s.msA, s.msB),
    bytes.verdict === 'changed' || bytes.verdict === 'noise'
      ? { ...bytes, note: `${bytes.note}: a lower bound, messages of mixed sizes move more` }
      : bytes,
    // Bytes queued at the end: a state, not accrued, and a total of bytes with no count of the
    // messages queued beside it (a link's messages differ in size), so no model for one run.
    inSets(
      notJudged('links', 'backlog bytes', la?.backlogBytes, lb?.backlogBytes, 'bytes', BACKLOG_NOT_JUDGED),
    ),
    queueMeanRow(group, queue(la), queue(lb)),
    inSets(notJudged('links', 'queue max', maxOf(la), maxOf(lb), 'ticks', EXTREME)),
  ];
  return inGroup(rows, group, la, lb);
}

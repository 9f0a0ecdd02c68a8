/**
 * The run results `npusim compare` reads (compare-command.ts): JSON from `npusim run --out FILE`,
 * checked field by field before the comparison trusts it; anything else is refused with a
 * ConfigError naming the file and the field (exit 2).
 */
import { ConfigError } from '../core/errors.js';
import { EXIT } from '../core/exit-codes.js';
import { npusimFileKind } from '../core/npusim-files.js';
import { parseJsonFile } from '../core/parse-json.js';
import { VERSION_TEXT } from '../io/version.js';
import { findingIssue, statusIssue } from './finding-check.js';
import { HEADLINE_UNITS, RESULT_SCHEMA_VERSION, type RunResult } from './run-result.js';

/**
 * A run result read from JSON, checked enough to compare: every field the comparison reads, with
 * its type. Anything else is refused with a ConfigError naming the file and the field (exit 2).
 */
export function parseRunResult(text: string, file: string): RunResult {
  return checkRunResult(readRunResultJson(text, file), file);
}

/** The JSON of a run result file, parsed (not checked), or a ConfigError saying it is not JSON. */
export function readRunResultJson(text: string, file: string): unknown {
  return parseJsonFile(
    text,
    file,
    'a run result (JSON, from `npusim run --out FILE`)',
    file,
    'text that is not JSON',
  );
}

/**
 * A value checked as a run result read from `file` would be (parseRunResult): what the comparison
 * reads, field by field. Also how a library caller's argument is checked (compareResults,
 * compareSets): a value that is no run result is a ConfigError naming the field, not a TypeError
 * from deep inside the comparison.
 */
export function checkRunResult(value: unknown, file: string): RunResult {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new ConfigError(`${file}: ${field}`, `Expected ${expected}, got ${describe(got)}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('(top level)', 'a run result object (`npusim run --out FILE`)', value);
  }
  const r = value as Record<string, unknown>;
  // Another of npusim's files (a failure file from the same directory, a sweep summary, a
  // topology) is named as such, not by the first field it lacks.
  const kind = r.schemaVersion === undefined ? npusimFileKind(r) : undefined;
  if (kind !== undefined) {
    throw new ConfigError(file, `Expected a run result (JSON, from \`npusim run --out FILE\`), got ${kind}`);
  }
  if (r.schemaVersion !== RESULT_SCHEMA_VERSION) {
    fail('schemaVersion', `${RESULT_SCHEMA_VERSION} (a run result of this npusim)`, r.schemaVersion);
  }
  for (const f of ['workload', 'host', 'status', 'digest', 'eventDigest'] as const) {
    if (typeof r[f] !== 'string') fail(f, 'a string', r[f]);
  }
  // Two runs are the same events when their digests are equal (compare-results.ts sameRun): a
  // digest npusim never writes (`x`, a hash cut short) is refused, not compared as text (QA).
  for (const f of ['digest', 'eventDigest'] as const) {
    if (!/^([0-9a-f]{16})?$/.test(r[f] as string))
      fail(f, 'a digest as npusim writes it: 16 hex digits (0-9, a-f)', r[f]);
  }
  // Absent from results of npusim before 0.2.0; compared when present (compare-results.ts).
  if (r.npusim !== undefined && (typeof r.npusim !== 'string' || !VERSION_TEXT.test(r.npusim)))
    fail('npusim', 'a version such as 0.2.0', r.npusim);
  // A crashed run, or one whose engine stalled, records no figures (assemble-result.ts
  // failedRunResult): empty counts and latencies would compare as "only in A" row after row.
  if (r.crash !== undefined || r.stall !== undefined || r.status === 'crash') {
    const crash = r.crash as { actor?: unknown; tick?: unknown; message?: unknown } | undefined;
    const why =
      r.stall !== undefined
        ? 'the engine stalled'
        : `the run crashed${crash === undefined ? '' : ` (actor ${String(crash.actor)} at tick ${String(crash.tick)}: ${oneLine(crash.message)})`}`;
    throw new ConfigError(
      `${file}: status`,
      `Expected the result of a run that has figures to compare (clean, violation, liveness or interrupted), got \`${String(r.status)}\`: ${why}, and such a result has no figures`,
    );
  }
  // The header prints both, and a set is named by its hosts (QA: `status "x"` printed as a run's
  // status, `host "x"` as a difference); a crash was refused above, in its own words.
  if (!(RESULT_STATUSES as readonly unknown[]).includes(r.status))
    fail('status', `one of ${RESULT_STATUSES.join(', ')}`, r.status);
  if (!RESULT_HOSTS.includes(r.host as string)) fail('host', `one of ${RESULT_HOSTS.join(', ')}`, r.host);
  // Not compared, but a run result's own: where present (every result npusim writes has it), the
  // exit code of its status (core/exit-codes.ts: a status and its exit code share their name).
  const exit = EXIT[r.status as (typeof RESULT_STATUSES)[number]];
  if (r.exitCode !== undefined && r.exitCode !== exit)
    fail('exitCode', `${exit}, the exit code of status ${r.status}`, r.exitCode);
  // A seed and a simulated length are whole numbers from 0 (a set of runs is judged by them), a
  // wall time a finite number from 0: a hand-edited -1 printed as `-1 ps` and a change of -2e9 %,
  // and 1e400 (Infinity to JSON.parse) as `Infinity ms (+Infinity%)` (QA67 D).
  for (const f of ['seed', 'simulatedTicks'] as const) {
    if (!Number.isSafeInteger(r[f]) || (r[f] as number) < 0) fail(f, 'a whole number from 0', r[f]);
  }
  if (typeof r.wallMs !== 'number' || !Number.isFinite(r.wallMs) || r.wallMs < 0)
    fail('wallMs', 'a finite number from 0', r.wallMs);
  // The configuration is compared field by field (compare-results.ts configDifferences).
  const config = r.config as Record<string, unknown> | undefined;
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    fail('config', 'an object', config);
  if (typeof config!.params !== 'object' || config!.params === null)
    fail('config.params', 'an object', config!.params);
  if (!Array.isArray(config!.bugs)) fail('config.bugs', 'a list', config!.bugs);
  // The configuration's seed is the run's: compared as a difference between two runs.
  if (config!.seed !== r.seed) fail('config.seed', `the run's seed, ${String(r.seed)}`, config!.seed);
  // So is its workload, the configuration's: the header names the top one (QA: a `workload`
  // edited to another name printed two workloads over `same configuration`).
  if (config!.workload !== r.workload)
    fail('config.workload', `the run's workload, ${describe(r.workload)}`, config!.workload);
  // A count is of events (or bytes, ticks) that happened: a whole number from 0, never 1e400
  // (Infinity), never 3.5 or 1e300 (QA: both were judged as figures).
  numberRecord(r.counts, 'counts', fail, undefined, 'a whole number from 0', wholeFromZero);
  for (const f of ['violations', 'liveness'] as const) if (!Array.isArray(r[f])) fail(f, 'a list', r[f]);
  // Each finding as formatSummary reads it (finding-check.ts, its one rule): QA: `violations:
  // ["str"]` compared as a clean run, identical to one that found nothing.
  const finding = findingIssue(r);
  if (finding !== undefined) throw new ConfigError(`${file}: ${finding.field}`, finding.message);
  const status = statusIssue(r as { status: unknown; violations: unknown[]; liveness: unknown[] });
  if (status !== undefined) throw new ConfigError(`${file}: status`, status);
  const c = r.contention as Record<string, unknown> | undefined;
  if (typeof c !== 'object' || c === null) fail('contention', 'an object', c);
  const lat = c!.latencies as Record<string, unknown>;
  if (typeof lat !== 'object' || lat === null) fail('contention.latencies', 'an object', lat);
  for (const [name, s] of Object.entries(lat)) {
    // Ticks and a count: never negative (a hand-edited -1 compared as a figure; QA Q11).
    numberRecord(
      s,
      `contention.latencies.${name}`,
      fail,
      ['count', 'min', 'mean', 'p50', 'p99', 'p999', 'max'],
      'a finite number from 0',
      fromZero,
    );
    latencyOrder(s as Record<string, number>, `contention.latencies.${name}`, fail);
  }
  // The noise each latency is judged by (histogram.ts latencyNoise): absent from results written
  // before it existed; where present, read by the verdicts, so an interval of strings made a
  // CHANGED p99 read as noise without a word (QA Q11).
  if (c!.latencyNoise !== undefined) {
    numberRecord(c!.latencyNoise, 'contention.latencyNoise', fail, [], 'an object');
    for (const [name, n] of Object.entries(c!.latencyNoise as Record<string, unknown>)) {
      const at = `contention.latencyNoise.${name}`;
      numberRecord(n, at, fail, ['meanSe'], 'a finite number from 0', fromZero);
      for (const p of ['p50', 'p99', 'p999'] as const)
        interval((n as Record<string, unknown>)[p], `${at}.${p}`, fail);
    }
  }
  const fraction = (x: number) => x >= 0 && x <= 1;
  for (const f of ['atsHitRate', 'tceHitRate'] as const) {
    // null: the cache had no lookups (0.6.2 and earlier wrote 0 there).
    if (c![f] !== null && (typeof c![f] !== 'number' || !fraction(c![f] as number)))
      fail(`contention.${f}`, 'a fraction from 0 to 1, or null (no lookups)', c![f]);
  }
  if (!Array.isArray(c!.links)) fail('contention.links', 'a list', c!.links);
  itemsOf(c!.links).forEach((l, i) => {
    const link = l as Record<string, unknown>;
    if (typeof link?.label !== 'string') fail(`contention.links[${i}].label`, 'a string', link?.label);
    numberRecord(
      l,
      `contention.links[${i}]`,
      fail,
      ['messages'],
      'a whole number from 0',
      (x) => Number.isSafeInteger(x) && x >= 0,
    );
    // Busy time over the run: at most 1 by construction (link-timing.ts); 1e300 printed as 1e+302 %.
    numberRecord(l, `contention.links[${i}]`, fail, ['utilisation'], 'a fraction from 0 to 1', fraction);
    // Bytes and queueing delays are compared too: a string or a list there crashed the table
    // (`v.toPrecision is not a function`, exit 4; QA Q11). `backlogBytes` came later than the rest.
    numberRecord(
      l,
      `contention.links[${i}]`,
      fail,
      present(link, LINK_FIGURES),
      'a finite number from 0',
      fromZero,
    );
  });
  // A socket's p99 intervals: absent from results written before they existed (compare shows
  // those p99s unjudged); where present, two numbers from 0, low first, judged by their overlap.
  if (c!.sockets !== undefined && !Array.isArray(c!.sockets))
    fail('contention.sockets', 'a list', c!.sockets);
  if (Array.isArray(c!.sockets)) {
    itemsOf(c!.sockets).forEach((x, i) => {
      if (typeof x !== 'object' || x === null || Array.isArray(x))
        fail(`contention.sockets[${i}]`, 'an object', x);
      const socket = x as Record<string, unknown>;
      if (!Number.isSafeInteger(socket.socket) || (socket.socket as number) < 0)
        fail(`contention.sockets[${i}].socket`, 'a whole number from 0', socket.socket);
      if (typeof socket.chip !== 'string') fail(`contention.sockets[${i}].chip`, 'a string', socket.chip);
      // Every figure of a socket is compared (compare-places.ts): one that is no number crashed
      // the table (QA Q11). The figures at the end came in 0.6.2.
      numberRecord(
        socket,
        `contention.sockets[${i}]`,
        fail,
        present(socket, SOCKET_FIGURES),
        'a finite number from 0',
        fromZero,
      );
      // Absent before 0.10.0; a share of the walkers' time, at most 1 (nest-mmu.ts busyTicksBy).
      const u = socket.nmmuWalkerUtilisation;
      if (u !== undefined && (typeof u !== 'number' || !fraction(u)))
        fail(`contention.sockets[${i}].nmmuWalkerUtilisation`, 'a fraction from 0 to 1', u);
      for (const f of ['nmmuP99IntervalTicks', 'atsdWaitP99IntervalTicks'] as const) {
        const v = socket[f];
        if (v !== undefined) interval(v, `contention.sockets[${i}].${f}`, fail);
      }
    });
  }
  // The headline is printed side by side (compare-results.ts headlineRows): absent before
  // workloads declared one; where present, each figure's label, value and text as headline.ts
  // writes them (an item that was a string crashed the table reading its `text`, QA Q11).
  if (r.headline !== undefined) {
    if (!Array.isArray(r.headline)) fail('headline', 'a list', r.headline);
    itemsOf(r.headline).forEach((h, i) => {
      if (typeof h !== 'object' || h === null || Array.isArray(h))
        fail(`headline[${i}]`, 'an object (label, value, text)', h);
      const item = h as Record<string, unknown>;
      if (typeof item.label !== 'string') fail(`headline[${i}].label`, 'a string', item.label);
      if (item.value !== null && (typeof item.value !== 'number' || !Number.isFinite(item.value)))
        fail(`headline[${i}].value`, 'a finite number, or null (no figure)', item.value);
      if (typeof item.text !== 'string') fail(`headline[${i}].text`, 'a string', item.text);
      // Absent in results written before figures carried it (compare then reads the text).
      if (item.unit !== undefined && !(HEADLINE_UNITS as readonly unknown[]).includes(item.unit))
        fail(`headline[${i}].unit`, `one of ${HEADLINE_UNITS.join(', ')}`, item.unit);
      // Absent where the figure does not grow with the run, and before figures carried it.
      if (item.accrues !== undefined && item.accrues !== true)
        fail(`headline[${i}].accrues`, 'true, or absent', item.accrues);
    });
  }
  const e = r.engine as Record<string, unknown> | undefined;
  if (typeof e !== 'object' || e === null) fail('engine', 'an object', e);
  numberRecord(e, 'engine', fail, ['events', 'eventsPerSecond', 'simulatedNsPerWallSecond']);
  return value as RunResult;
}

const fromZero = (x: number) => Number.isFinite(x) && x >= 0;
const wholeFromZero = (x: number) => Number.isSafeInteger(x) && x >= 0;

/** The statuses of a result with figures (a crash has none: refused in its own words). */
const RESULT_STATUSES = ['clean', 'violation', 'liveness', 'interrupted'] as const;
const RESULT_HOSTS: readonly string[] = ['inline', 'threaded'];

/**
 * A list's items, a hole (in a caller's array; JSON has none) as the undefined it holds: forEach
 * skips holes, so the check passed an item the comparison then read.
 */
function itemsOf(list: unknown): unknown[] {
  return [...(list as unknown[])];
}

/** A 95 % interval of a percentile: two numbers from 0, low first (histogram.ts percentileInterval). */
function interval(
  v: unknown,
  field: string,
  fail: (field: string, expected: string, got: unknown) => never,
): void {
  const ok =
    Array.isArray(v) &&
    v.length === 2 &&
    v.every((t) => typeof t === 'number' && fromZero(t)) &&
    (v[0] as number) <= (v[1] as number);
  if (!ok) fail(field, 'two numbers from 0, [low, high] ticks', v);
}

/** A link's figures the comparison reads besides its messages and utilisation; true: required. */
const LINK_FIGURES: Record<string, boolean> = {
  bytes: true,
  meanQueueDelayTicks: true,
  maxQueueDelayTicks: true,
  backlogBytes: false,
};

/** A socket's figures the comparison reads (run-result.ts SocketFigures); true: required. */
const SOCKET_FIGURES: Record<string, boolean> = {
  nmmuTranslations: true,
  nmmuFaults: true,
  nmmuP99Ticks: true,
  atsdLaunches: true,
  atsdWaits: true,
  atsdWonAtOnce: true,
  atsdWaitP99Ticks: true,
  atsdBusySeen: true,
  tceHits: true,
  tceMisses: true,
  atsdWaitingAtEnd: false,
  atsdLongestWaitAtEndTicks: false,
};

/** The keys of `figures` to check in `o`: the required ones, and the others where present. */
function present(o: unknown, figures: Record<string, boolean>): string[] {
  const r = (typeof o === 'object' && o !== null ? o : {}) as Record<string, unknown>;
  return Object.entries(figures)
    .filter(([k, required]) => required || r[k] !== undefined)
    .map(([k]) => k);
}

/**
 * Each of `keys` (default: every key) of the object `v` a number, and `ok` by it: by default a
 * finite one (a result's figures never hold Infinity: JSON.stringify writes it as `null`).
 */
/**
 * A latency's figures as a histogram gives them: a whole count, and min <= p50 <= p99 <= p999 <=
 * max with the mean within [min, max] (histogram.ts reads HDR's mean and percentiles within the
 * exact bounds; results written before it did may lie a bucket's width, 0.1 % at 3 significant
 * figures, outside them, which is let be). QA: a hand-edited p50 of ten times the max was judged.
 */
function latencyOrder(
  s: Record<string, number>,
  field: string,
  fail: (field: string, expected: string, got: unknown) => never,
): void {
  if (!Number.isSafeInteger(s.count)) fail(`${field}.count`, 'a whole number from 0', s.count);
  const slack = (x: number) => x * 0.002;
  const low = s.min! - slack(s.min!);
  const high = s.max! + slack(s.max!);
  if (s.min! > s.max!) fail(`${field}.min`, `at most max (${s.max})`, s.min);
  let below = low;
  let belowName = 'min';
  for (const p of ['p50', 'p99', 'p999'] as const) {
    const v = s[p]!;
    if (v < below) fail(`${field}.${p}`, `at least ${belowName} (${s[belowName as keyof typeof s]})`, v);
    if (v > high) fail(`${field}.${p}`, `at most max (${s.max})`, v);
    below = v;
    belowName = p;
  }
  if (s.mean! < low || s.mean! > high)
    fail(`${field}.mean`, `a number from min to max (${s.min} to ${s.max})`, s.mean);
}

function numberRecord(
  v: unknown,
  field: string,
  fail: (field: string, expected: string, got: unknown) => never,
  keys?: readonly string[],
  expected = 'a finite number',
  ok: (x: number) => boolean = Number.isFinite,
): void {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(field, 'an object', v);
  const o = v as Record<string, unknown>;
  for (const k of keys ?? Object.keys(o)) {
    const x = o[k];
    if (typeof x !== 'number' || !ok(x)) fail(`${field}.${k}`, expected, x);
  }
}

/** A message from the file on one short line (an actor's error may span lines). */
function oneLine(v: unknown): string {
  const s = String(v).replace(/\s+/g, ' ').trim();
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing (the field is missing)';
  // A literal past a double's range (`1e400`) parses to Infinity (JSON.stringify: `null`): said
  // as `--set` and a topology file say it.
  if (v === Number.POSITIVE_INFINITY) return 'a number too large (above 1.8e308)';
  if (v === Number.NEGATIVE_INFINITY) return 'a number too large (below -1.8e308)';
  const s = JSON.stringify(v);
  return `\`${s.length > 40 ? `${s.slice(0, 40)}...` : s}\` (${Array.isArray(v) ? 'list' : v === null ? 'null' : typeof v})`;
}

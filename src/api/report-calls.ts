/**
 * The report functions as the package exports them (`formatSummary`, `compareResults`,
 * `compareSets`, `formatComparison`, `formatHistory`, and the helpers `parseRunResult`,
 * `evaluateHeadline`, `judgeExpectation`, `colorEnabled`, `parseDuration`, `formatDuration`,
 * `formatTime`): each checks what a library caller handed it
 * before the report code reads it, as runSimulation checks its config (check-run-input.ts). The
 * report code itself trusts its input (the command line hands it results it made or
 * parseRunResult checked), so without these a value that is no run result failed deep inside with
 * a TypeError (`formatSummary({})`: `Cannot read properties of undefined (reading 'params')`), a
 * misspelt option (`{ colour: true }`) was ignored, and `compareSets` given bare results named
 * `undefined` files; `parseDuration(5)` threw `text.trim is not a function`, `formatTime(NaN)`
 * returned `NaN s` and `evaluateHeadline(null, r)` read `flatMap` of null. Each refusal is a
 * ConfigError naming the argument and the field.
 */

import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { unknownKeysMessage } from '../core/unknown-keys.js';
import { firstIssue, subField } from '../model/scenario/schema-issues.js';
import {
  type Expectation,
  expectationSchema,
  type HeadlineItemInput,
  validateHeadline,
} from '../model/scenario/workload.js';
import {
  type Comparison,
  compareResults as comparePair,
  type PairComparison,
} from '../report/compare-results.js';
import { compareSets as compareRunSets, type RunFile } from '../report/compare-sets.js';
import {
  formatDuration as formatDurationText,
  formatTime as formatTimeText,
  parseDuration as parseDurationText,
} from '../report/duration.js';
import { findingIssue } from '../report/finding-check.js';
import { formatComparison as formatComparisonText } from '../report/format-comparison.js';
import { evaluateHeadline as headlineFigures, judgeExpectation as judge } from '../report/headline.js';
import { checkRunResult, readRunResultJson } from '../report/parse-run-result.js';
import {
  type ExpectationVerdict,
  type HeadlineFigure,
  RESULT_SCHEMA_VERSION,
  type RunResult,
  type RunStatus,
} from '../report/run-result.js';
import {
  colorEnabled as colorFor,
  formatSummary as formatSummaryText,
  type SummaryOptions,
} from '../report/summary.js';
import { formatHistory as formatHistoryText, type HistoryLine } from '../repro/history.js';
import { shown } from './check-run-input.js';

const WHAT_RESULT = 'a run result (what runWorkload or runSimulation resolves with)';

/** `formatSummary` for a library caller: the result and the options checked first. */
export function formatSummary(result: RunResult, options: SummaryOptions = { color: false }): string {
  checkSummaryResult(result);
  checkSummaryOptions(options);
  return formatSummaryText(result, options);
}

/** `compareResults` for a library caller: each file a name, each result checked as compare checks a file's. */
export function compareResults(fileA: string, a: RunResult, fileB: string, b: RunResult): PairComparison {
  checkName('fileA', fileA);
  checkName('fileB', fileB);
  checkRunResult(a, fileA);
  checkRunResult(b, fileB);
  return comparePair(fileA, a, fileB, b);
}

/** `compareSets` for a library caller: each set a list of `{ file, result }`, each result checked. */
export function compareSets(
  a: readonly RunFile[],
  b: readonly RunFile[],
  names: { a: string; b: string } = { a: 'A', b: 'B' },
): Comparison {
  checkRunFiles('a', a);
  checkRunFiles('b', b);
  if (typeof names !== 'object' || names === null || Array.isArray(names)) {
    throw new ConfigError('names', `Expected an object { a, b } of the two sets' names, got ${shown(names)}`);
  }
  checkName('names.a', names.a);
  checkName('names.b', names.b);
  return compareRunSets(a, b, names);
}

/** `formatComparison` for a library caller: a value compareResults or compareSets returned. */
export function formatComparison(c: Comparison): string {
  const what = 'a comparison (what compareResults or compareSets returns)';
  if (!isRecord(c)) throw new ConfigError('comparison', `Expected ${what}, got ${shown(c)}`);
  for (const side of ['a', 'b'] as const) {
    if (!isRecord(c[side]) || typeof c[side].file !== 'string') {
      throw new ConfigError(
        `comparison.${side}`,
        `Expected ${what}: its run or set ${side}, got ${shown(c[side])}`,
      );
    }
  }
  for (const f of ['rows', 'differences'] as const) {
    if (!Array.isArray(c[f])) {
      throw new ConfigError(`comparison.${f}`, `Expected ${what}: a list, got ${shown(c[f])}`);
    }
  }
  const row = c.rows.findIndex(
    (r: unknown) => !isRecord(r) || typeof r.section !== 'string' || typeof r.figure !== 'string',
  );
  if (row !== -1) {
    throw new ConfigError(
      `comparison.rows[${row}]`,
      `Expected a row of a comparison (its section and figure strings), got ${shown(c.rows[row])}`,
    );
  }
  return formatComparisonText(c);
}

/** `formatHistory` for a library caller: the lines a violation's `history` holds. */
export function formatHistory(lines: readonly HistoryLine[]): string {
  if (!Array.isArray(lines)) {
    throw new ConfigError(
      'lines',
      `Expected a list of history lines (a violation's \`history\`), got ${shown(lines)}`,
    );
  }
  lines.forEach((l: unknown, i) => {
    const at = `lines[${i}]`;
    if (!isRecord(l)) {
      throw new ConfigError(
        at,
        `Expected a history line { tick, actor, from, kind, fields }, got ${shown(l)}`,
      );
    }
    if (typeof l.tick !== 'number' || !Number.isFinite(l.tick) || l.tick < 0) {
      throw new ConfigError(`${at}.tick`, `Expected a finite number of ticks from 0, got ${shown(l.tick)}`);
    }
    for (const f of ['actor', 'from', 'kind'] as const) {
      if (typeof l[f] !== 'string')
        throw new ConfigError(`${at}.${f}`, `Expected a string, got ${shown(l[f])}`);
    }
    if (!isRecord(l.fields)) {
      throw new ConfigError(
        `${at}.fields`,
        `Expected an object of the event's fields, got ${shown(l.fields)}`,
      );
    }
  });
  return formatHistoryText(lines);
}

/** `parseRunResult` for a library caller: the file's text and the name its errors say. */
export function parseRunResult(text: string, file: string): RunResult {
  if (typeof text !== 'string') {
    throw new ConfigError(
      'text',
      `Expected the text of a run result file (a string of JSON), got ${shown(text)}`,
    );
  }
  checkName('file', file);
  // A crashed run's result, which `npusim run --out` writes and formatSummary reads, is read back
  // as well (QA: it was refused for having no figures, the rule of `compare`, which still refuses
  // it when handed one).
  const value = readRunResultJson(text, file);
  if (isRecord(value) && isFailedResult(value)) {
    checkFailedResult(value, (f) => `${file}: ${f}`);
    return value as unknown as RunResult;
  }
  return checkRunResult(value, file);
}

/**
 * `evaluateHeadline` for a library caller: the items checked as a workload's headline is, their
 * defaults filled in (so items written as a workload writes them will do), and a result with
 * figures (a crashed run's has none).
 */
export function evaluateHeadline(items: readonly HeadlineItemInput[], result: RunResult): HeadlineFigure[] {
  const checked = validateHeadline(items, 'items');
  checkRunResult(result, 'result');
  return headlineFigures(checked, result);
}

/**
 * `judgeExpectation` for a library caller: `'clean'` or a list of rule names, and a result, a
 * crashed one too (it meets no expectation), checked for what the verdict reads: its status and
 * its findings.
 */
export function judgeExpectation(expect: Expectation, result: RunResult): ExpectationVerdict {
  const e = expectationSchema.safeParse(expect);
  if (!e.success) {
    const { field, message } = firstIssue(e.error, expect, expectationSchema);
    throw new ConfigError(subField('expect', field), message);
  }
  if (!isRecord(result)) throw new ConfigError('result', `Expected ${WHAT_RESULT}, got ${shown(result)}`);
  if (typeof result.status !== 'string') {
    throw new ConfigError('result.status', `Expected a string, got ${shown(result.status)}`);
  }
  if (result.rules !== undefined) {
    if (!isRecord(result.rules)) {
      throw new ConfigError(
        'result.rules',
        `Expected an object of each rule's count, got ${shown(result.rules)}`,
      );
    }
    for (const [rule, r] of Object.entries(result.rules)) {
      if (!isRecord(r) || !Number.isSafeInteger(r.count) || (r.count as number) < 0) {
        throw new ConfigError(
          `result.rules.${rule}.count`,
          `Expected a whole number from 0, got ${shown(isRecord(r) ? r.count : r)}`,
        );
      }
    }
  } else {
    for (const f of ['liveness', 'violations'] as const) {
      const list = result[f];
      if (!Array.isArray(list)) throw new ConfigError(`result.${f}`, `Expected a list, got ${shown(list)}`);
      const bad = list.findIndex((v: unknown) => !isRecord(v) || typeof v.rule !== 'string');
      if (bad !== -1) {
        throw new ConfigError(
          `result.${f}[${bad}].rule`,
          `Expected a rule's name, got ${shown(isRecord(list[bad]) ? list[bad].rule : list[bad])}`,
        );
      }
    }
  }
  return judge(e.data as Expectation, result);
}

/**
 * `colorEnabled` for a library caller: a stream (anything with an `isTTY` of true, false or none,
 * as `process.stdout` has) and, if given, an environment of strings.
 */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (typeof stream !== 'object' || stream === null) {
    throw new ConfigError(
      'stream',
      `Expected a stream such as process.stdout (its isTTY is read), got ${shown(stream)}`,
    );
  }
  if (stream.isTTY !== undefined && typeof stream.isTTY !== 'boolean') {
    throw new ConfigError('stream.isTTY', `Expected true, false or none, got ${shown(stream.isTTY)}`);
  }
  if (!isRecord(env)) {
    throw new ConfigError('env', `Expected an environment such as process.env, got ${shown(env)}`);
  }
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'TERM']) {
    if (env[k] !== undefined && typeof env[k] !== 'string') {
      throw new ConfigError(`env.${k}`, `Expected a string or none, got ${shown(env[k])}`);
    }
  }
  return colorFor(stream, env);
}

/** `parseDuration` for a library caller: text such as `2ms`, and the option its errors name. */
export function parseDuration(text: string, option = '--duration'): number {
  if (typeof option !== 'string' || option === '') {
    throw new ConfigError(
      'option',
      `Expected the name the errors give the duration (a non-empty string such as \`--duration\`), got ${shown(option)}`,
    );
  }
  if (typeof text !== 'string') {
    throw new ConfigError(option, `Expected a duration such as \`2ms\` (a string), got ${shown(text)}`);
  }
  return parseDurationText(text, option);
}

/** `formatDuration` for a library caller: whole ticks, as parseDuration returns them. */
export function formatDuration(ticks: number): string {
  if (!Number.isSafeInteger(ticks) || ticks < 0) {
    throw new ConfigError('ticks', `Expected a whole number of ticks (ps) from 0, got ${shown(ticks)}`);
  }
  return formatDurationText(ticks);
}

/** `formatTime` for a library caller: a finite number of ticks (ps); a difference may be negative. */
export function formatTime(ticks: number): string {
  if (typeof ticks !== 'number' || !Number.isFinite(ticks)) {
    throw new ConfigError('ticks', `Expected a finite number of ticks (ps), got ${shown(ticks)}`);
  }
  return formatTimeText(ticks);
}

/**
 * A result to summarise: one with figures checked as compare checks one (checkRunResult); a
 * crashed or stalled run's has none, and is checked for what its summary reads (the status, the
 * configuration, what stopped it).
 */
function checkSummaryResult(result: unknown): void {
  if (!isRecord(result)) throw new ConfigError('result', `Expected ${WHAT_RESULT}, got ${shown(result)}`);
  // Every status a summary prints, a crash's too: checkRunResult's list is compare's, which has no
  // use for a crash (QA: `status: 'bogus'` was told the list without `crash`). After the version,
  // which says first that a value is no result of this npusim.
  if (result.schemaVersion === RESULT_SCHEMA_VERSION && !SUMMARY_STATUSES.includes(result.status as string)) {
    throw new ConfigError(
      'result.status',
      `Expected one of ${SUMMARY_STATUSES.join(', ')}, got ${shown(result.status)}`,
    );
  }
  if (!isFailedResult(result)) {
    // Its findings first, named as the summary's other fields are (`result.violations[0].actors`);
    // compare checks them too (report/finding-check.ts, one rule), naming the file (`a: ...`).
    const finding = findingIssue(result);
    if (finding !== undefined) throw new ConfigError(`result.${finding.field}`, finding.message);
    checkRunResult(result, 'result');
    const read = summaryReads.safeParse(result);
    if (!read.success) {
      const { field, message } = firstIssue(read.error, result, summaryReads);
      throw new ConfigError(`result.${field}`, message);
    }
    return;
  }
  checkFailedResult(result, (f) => `result.${f}`);
}

/** The statuses a run result may have: every RunStatus (the compiler holds the two to one list). */
const SUMMARY_STATUSES: readonly string[] = Object.keys({
  clean: true,
  violation: true,
  liveness: true,
  interrupted: true,
  crash: true,
} satisfies Record<RunStatus, true>);

/** A crashed run's result, or a stalled engine's: one with no figures (assemble-result.ts failedRunResult). */
function isFailedResult(result: Record<string, unknown>): boolean {
  return result.status === 'crash' || result.crash !== undefined || result.stall !== undefined;
}

/**
 * A result with no figures, checked for what a reader of it reads: its version, names, status,
 * configuration and what stopped it; `at` names a field as the caller's errors do.
 */
function checkFailedResult(result: Record<string, unknown>, at: (field: string) => string): void {
  if (result.schemaVersion !== RESULT_SCHEMA_VERSION) {
    throw new ConfigError(
      at('schemaVersion'),
      `Expected ${RESULT_SCHEMA_VERSION} (${WHAT_RESULT} of this npusim), got ${shown(result.schemaVersion)}`,
    );
  }
  for (const f of ['workload', 'host', 'status'] as const) {
    if (typeof result[f] !== 'string')
      throw new ConfigError(at(f), `Expected a string, got ${shown(result[f])}`);
  }
  const config = result.config;
  if (!isRecord(config) || !isRecord(config.params) || !Array.isArray(config.bugs)) {
    throw new ConfigError(
      at('config'),
      `Expected the run's configuration (its params and bugs), got ${shown(config)}`,
    );
  }
  if (result.crash !== undefined && !isRecord(result.crash)) {
    throw new ConfigError(
      at('crash'),
      `Expected an object (the actor, tick and message), got ${shown(result.crash)}`,
    );
  }
}

/**
 * What the summary reads of a run with figures beyond what checkRunResult checks for compare:
 * the lists it walks and the fields of their items it prints (other fields pass through); its
 * findings, checkSummaryResult checks first (report/finding-check.ts).
 */
const summaryReads = z.looseObject({
  headline: z.array(z.looseObject({ label: z.string(), text: z.string() })).optional(),
  rules: z.record(z.string(), z.looseObject({ count: z.number(), tick: z.number() })).optional(),
  conservation: z.looseObject({
    sent: z.number(),
    received: z.number(),
    inFlight: z.number(),
    ok: z.boolean(),
  }),
  contention: z.looseObject({ sockets: z.array(z.looseObject({ socket: z.number() })) }),
  engine: z.looseObject({
    rings: z.array(z.looseObject({})),
    workers: z.array(z.looseObject({ actor: z.string() })),
  }),
});

/** The summary's options, each of its type; a key it does not take is refused with the nearest. */
const SUMMARY_OPTIONS: Record<keyof SummaryOptions, 'boolean' | 'count'> = {
  color: 'boolean',
  maxViolations: 'count',
  maxHistoryLines: 'count',
  maxRows: 'count',
};

function checkSummaryOptions(options: unknown): void {
  if (!isRecord(options)) {
    throw new ConfigError(
      'options',
      `Expected an object of summary options such as { color: false }, got ${shown(options)}`,
    );
  }
  const keys = Object.keys(SUMMARY_OPTIONS);
  const unknown = Object.keys(options).filter((k) => !keys.includes(k));
  if (unknown.length > 0) {
    throw new ConfigError(`options.${unknown[0]}`, unknownKeysMessage('a summary option', keys, unknown));
  }
  for (const [k, kind] of Object.entries(SUMMARY_OPTIONS)) {
    const v = options[k];
    if (v === undefined) continue;
    if (kind === 'boolean' ? typeof v !== 'boolean' : !(Number.isSafeInteger(v) && (v as number) >= 0)) {
      throw new ConfigError(
        `options.${k}`,
        `Expected ${kind === 'boolean' ? 'true or false' : 'a whole number from 0'}, got ${shown(v)}`,
      );
    }
  }
}

function checkRunFiles(side: 'a' | 'b', files: unknown): void {
  if (!Array.isArray(files)) {
    throw new ConfigError(
      side,
      `Expected a list of { file, result } (a set of run results), got ${shown(files)}`,
    );
  }
  files.forEach((f: unknown, i) => {
    const at = `${side}[${i}]`;
    if (!isRecord(f) || typeof f.file !== 'string' || f.file === '' || !('result' in f)) {
      throw new ConfigError(
        at,
        `Expected { file, result } (the run result and the name it is shown by), got ${isRecord(f) && 'schemaVersion' in f ? 'a bare run result (give it as { file: NAME, result })' : shown(f)}`,
      );
    }
    checkRunResult(f.result, f.file);
  });
}

function checkName(field: string, v: unknown): void {
  if (typeof v !== 'string' || v === '') {
    throw new ConfigError(field, `Expected a name to show it by (a non-empty string), got ${shown(v)}`);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parsers of option values that need no list from the model (the command table, commands.ts,
 * names them). Each throws a ConfigError naming the option, with what was expected and what came.
 * Names checked against real lists (workloads, bugs, topologies, policies, actors) are checked in
 * run-cli.ts, where those lists are loaded, so the error can list them.
 */

import { didYouMean } from '../core/edit-distance.js';
import { ConfigError } from '../core/errors.js';
import { jsonSyntaxProblem } from '../core/json-syntax.js';
import { SEED_RANGE_TEXT } from '../core/seed-range.js';
import { gotText } from '../core/shown-text.js';
import { MAX_PCT_DEPTH } from '../model/choice/pct.js';
import { parseParamPath } from '../model/scenario/param-path.js';
import { TRACE_EVENTS_RANGE } from '../report/trace/trace-recording.js';
import { MAX_SHRINK_BUDGET } from '../repro/shrink-budget.js';
import { MAX_SWEEP_JOBS } from '../sweep/max-jobs.js';

/** A seed is a non-negative safe integer, in decimal (what the reproduce line prints). */
export function parseSeed(text: string, option = '--seed'): number {
  const expected = `Expected an integer seed ${SEED_RANGE_TEXT}`;
  if (/^\s*-/.test(text)) {
    throw new ConfigError(option, `${expected}, got ${gotText(text)}: negative seeds are not allowed`);
  }
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw new ConfigError(option, `${expected}, got ${gotText(text)}`);
  return n;
}

/**
 * `ACTOR:EVENT`, e.g. `gpu2:100`: actor gpu2 throws when it handles its 100th event. Only the
 * shape is checked here; the actor's name is checked against the run's machine (run-cli.ts).
 */
export function parseCrashAt(text: string, option = '--crash-at'): { actor: string; event: number } {
  const m = /^([A-Za-z0-9_-]+):(\d+)$/.exec(text);
  const event = m === null ? Number.NaN : Number(m[2]);
  if (m === null || !Number.isSafeInteger(event) || event < 1) {
    throw new ConfigError(
      option,
      `Expected ACTOR:EVENT such as \`gpu2:100\` (EVENT a whole number from 1 to ${Number.MAX_SAFE_INTEGER}), got ${gotText(text)}`,
    );
  }
  return { actor: m[1]!, event };
}

/** `--strategy`: random or pct. */
export function parseStrategy(text: string, option = '--strategy'): 'random' | 'pct' {
  if (text !== 'random' && text !== 'pct')
    throw new ConfigError(
      option,
      `Expected random or pct, got ${gotText(text)}${didYouMean(text, ['random', 'pct'])}`,
    );
  return text;
}

/** `--pct-depth`: a whole number from 1 to MAX_PCT_DEPTH (16). */
export function parsePctDepth(text: string, option = '--pct-depth'): number {
  return wholeNumber(text, option, 1, MAX_PCT_DEPTH, `a depth from 1 to ${MAX_PCT_DEPTH}`);
}

/** `--budget`: candidate runs, a whole number from 1. */
export function parseBudget(text: string, option = '--budget'): number {
  return wholeNumber(
    text,
    option,
    1,
    MAX_SHRINK_BUDGET,
    `a whole number of runs from 1 to ${MAX_SHRINK_BUDGET}`,
  );
}

/** Pool threads for a sweep: a whole number from 1 to MAX_SWEEP_JOBS (256). */
export function parseJobs(text: string, option = '--jobs'): number {
  return wholeNumber(text, option, 1, MAX_SWEEP_JOBS, `a whole number of jobs from 1 to ${MAX_SWEEP_JOBS}`);
}

// The limits are the library's too (api/record-run.ts): one table, in report/trace.

/** Recorded events a --trace file shows: a whole number in TRACE_EVENTS_RANGE. */
export function parseTraceEvents(text: string, option = '--trace-events'): number {
  const { min, max } = TRACE_EVENTS_RANGE;
  return wholeNumber(text, option, min, max, `a whole number of events from ${min} to ${max}`);
}

/** Decimal digits only (no sign, no exponent) making a number from `min` to `max`; else `Expected <expected>`. */
function wholeNumber(text: string, option: string, min: number, max: number, expected: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(option, `Expected ${expected}, got ${gotText(text)}`);
  }
  return n;
}

/** One `--set PATH=VALUE`: a parameter path and its value. */
export interface ParamSet {
  path: string;
  value: unknown;
}

/**
 * `--set PATH=VALUE`: PATH into the workload's parameters (`gpu.dmaBytes`, `tenants[0].pageSizes`),
 * VALUE read as JSON when it is JSON (`4096`, `true`, `["64K","2M"]`, `"42"` for the text 42) and
 * as text otherwise (`per-gpu`). Only the shape is checked here; whether the parameter exists and
 * takes that value is the workload schema's to say (scenario-config.ts), naming the same option.
 */
export function parseSet(text: string, option = '--set'): ParamSet {
  const eq = text.indexOf('=');
  if (eq <= 0) {
    throw new ConfigError(
      option,
      `Expected PATH=VALUE such as \`gpu.dmaBytes=4096\` or \`policy=per-gpu\`, got ${gotText(text)}`,
    );
  }
  const path = text.slice(0, eq);
  parseParamPath(path, `${option} ${path}`);
  const raw = text.slice(eq + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // A value opening as an object or a list is meant as JSON: its syntax error is said where it
    // is (QA: `gpu={engines:1}` was read as text and refused as `Expected an object, got the
    // string "{engines:1}"`, saying nothing of the unquoted key). No parameter's text opens so.
    if (/^\s*[[{]/.test(raw)) {
      const problem = jsonSyntaxProblem(raw);
      if (problem !== undefined) {
        throw new ConfigError(
          `${option} ${path}`,
          `Expected JSON (a value opening with \`${raw.trim()[0]}\` is read as JSON), got a syntax error: ${problem.message} (column ${problem.column} of the value)`,
        );
      }
    }
    // Not JSON: the value is the text itself (an enum such as `per-gpu`, a topology name).
    return { path, value };
  }
  // A whole number past 2^53 is read as another (`99999999999999999999` as 1e20), and its refusal
  // echoed that one (QA): refused as typed.
  if (/^\s*-?\d+\s*$/.test(raw) && !Number.isSafeInteger(value)) {
    throw new ConfigError(
      `${option} ${path}`,
      `Expected a whole number JSON holds exactly (at most ${Number.MAX_SAFE_INTEGER} either way), got ${gotText(raw.trim())}`,
    );
  }
  // JSON, so the scanner finds nothing but a key given twice, which JSON.parse keeps silently.
  const repeated = jsonSyntaxProblem(raw);
  if (repeated !== undefined) {
    throw new ConfigError(
      `${option} ${path}`,
      `${repeated.message} (column ${repeated.column} of the value)`,
    );
  }
  return { path, value };
}

/**
 * A failure file shrunk from a library: what `npusim shrink FILE [--out FILE] [--budget N]` does,
 * without a command line. The file is read as the command reads it (bounded: io/failure-file-text.ts),
 * checked by the command's own reader (repro/failure-file-read.ts) and shrunk by its own code
 * (repro/shrink.ts): the same refusals, as ConfigErrors with the same messages, the same
 * candidates, the same shrunk file.
 *
 * What it does not do that the command does: print (no opening line, progress or table: the
 * progress comes to `onProgress`, the measures back on the result), stop on Ctrl-C (`shouldStop`
 * is the caller's), or write a file unasked (`out`: a library call writes no file unasked; the
 * command picks a free name beside the input).
 */
import { ConfigError } from '../core/errors.js';
import { sameFile } from '../io/same-file.js';
import type { Workload } from '../model/scenario/workload.js';
import type { FailureFile, FirstFinding } from '../repro/failure-file.js';
import { readFailureFile } from '../repro/failure-file-read.js';
import { loadRecordedFile } from '../repro/recorded-workload.js';
import {
  type LivenessFinding,
  type Measures,
  type ShrinkProgress,
  shrinkable,
  shrinkFailure,
} from '../repro/shrink.js';
import { DEFAULT_SHRINK_BUDGET, MAX_SHRINK_BUDGET } from '../repro/shrink-budget.js';
import { loadWorkloads } from '../runtime/workload-registry.js';
import { shown } from './check-run-input.js';
import { checkedWorkloads, checkFailureFileOptions, failureFileInput } from './failure-file-input.js';
import { checkFilePath, writeChecked } from './file-path-check.js';

export interface ShrinkFailureFileOptions {
  /** Candidate runs at most, as `--budget`: a whole number from 1 to 1,000,000; default 1000. */
  budget?: number;
  /**
   * Where to write the shrunk failure file (whole, or not at all: a temporary file renamed over
   * it), as `--out`; never the file being shrunk. Checked before any candidate runs as `--out` is
   * (io/output-check.ts); a write that still fails is a ConfigError naming `out` and this path.
   * Default: none written (the file is on the result).
   */
  out?: string;
  /**
   * What `pathOrText` is called when it is the file's text: messages name it. Default `failure file`.
   */
  name?: string;
  /** The workloads a file may name, by name: default the built-ins (loadWorkloads()). */
  workloads?: ReadonlyMap<string, Workload>;
  /**
   * Called as candidates run (each run): the phase and pass, runs so far of the budget, and the
   * best measures so far; the command prints it at most once a second.
   */
  onProgress?: (progress: ShrinkProgress) => void;
  /**
   * Polled before each candidate: true ends the shrink after the candidate in progress, with the
   * best so far (`stopped` on the result; `out` still written), as Ctrl-C ends `npusim shrink`.
   */
  shouldStop?: () => boolean;
}

/** A shrink's outcome: the shrunk failure file, what it kept and the measures before and after. */
export interface ShrunkFailure {
  /** The path the file was read from; undefined when its text was given. */
  file: string | undefined;
  /** The path the shrunk file was written to; undefined when `out` was not given. */
  out: string | undefined;
  /** The shrunk failure file, as `npusim shrink` writes it (`JSON.stringify` it to save it). */
  shrunk: FailureFile;
  /**
   * The shrunk run's first finding: the same rule as the file's (a shrink keeps only candidates
   * that still fail with it; a file whose failure does not reproduce is refused before shrinking).
   */
  first: FirstFinding;
  /** The original's run and the shrunk one: events, simulated ticks, actors, choice deviations. */
  before: Measures;
  after: Measures;
  /** Runs made, the original's included. */
  runs: number;
  /** Candidates kept: 0 when nothing was reduced (`shrunk` is the original's run). */
  kept: number;
  /** `shouldStop` ended it before the budget ran out or the passes were done. */
  stopped: boolean;
  /** The budget ran out while a pass still had candidates: the result may shrink further. */
  budgetUsedUp: boolean;
  /** The phase and pass of the last candidate run (`choices: zero spans`), if any ran. */
  lastPass: string | undefined;
  /** For a liveness failure (exit 3): its liveness finding before and after, what the shrink kept. */
  liveness: { before: LivenessFinding; after: LivenessFinding } | undefined;
}

/** Every option shrinkFailureFile takes: another key is a misspelling, refused rather than dropped. */
const OPTION_KEYS: readonly string[] = ['budget', 'out', 'name', 'workloads', 'onProgress', 'shouldStop'];

/**
 * Shrinks a failure file (its path, or its JSON text: a string whose first non-blank character is
 * `{`) and resolves with the shrunk failure file and the measures before and after; writes it to
 * `out` when given. A file the command refuses (unreadable, not JSON, another npusim's, a field
 * out of range, a clean run's or a free run's, a failure that does not reproduce) is a ConfigError
 * with the command's message, as is a bad option, before any candidate runs.
 */
export async function shrinkFailureFile(
  pathOrText: string,
  options: ShrinkFailureFileOptions = {},
): Promise<ShrunkFailure> {
  checkOptions(options);
  const input = failureFileInput(pathOrText, options.name);
  const { path, where } = input;
  if (options.out !== undefined) checkOut(options.out, path);
  const text = input.text();
  const workloads =
    options.workloads === undefined ? await loadWorkloads() : checkedWorkloads(options.workloads);
  const { file, config, workload } = readFailureFile(
    text,
    where,
    workloads,
    await loadRecordedFile(text, where),
  );
  shrinkable(file, where);
  const outcome = await shrinkFailure(file, config, workload, {
    budget: options.budget ?? DEFAULT_SHRINK_BUDGET,
    where,
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.shouldStop === undefined ? {} : { shouldStop: options.shouldStop }),
  });
  // As the command writes it (shrink-command.ts): the file, pretty, with a final newline.
  if (options.out !== undefined)
    writeChecked('out', options.out, `${JSON.stringify(outcome.file, null, 2)}\n`);
  const first = outcome.file.first;
  // A shrunk file is built from a run that failed with the file's rule: never without a finding.
  if (first === null) throw new Error(`shrinkFailureFile: ${where}: the shrunk file has no first finding`);
  return {
    file: path,
    out: options.out,
    shrunk: outcome.file,
    first,
    before: outcome.before,
    after: outcome.after,
    runs: outcome.runs,
    kept: outcome.kept,
    stopped: outcome.stopped,
    budgetUsedUp: outcome.budgetUsedUp,
    lastPass: outcome.lastPass,
    liveness: outcome.liveness,
  };
}

/**
 * `out` is a file this can write: not the file being shrunk (the evidence), not a directory, in a
 * directory that exists; checked before the shrink, so an hour's shrink is not lost to a typo.
 */
function checkOut(out: string, input: string | undefined): void {
  if (input !== undefined && sameFile(out, input)) {
    throw new ConfigError(
      'out',
      `Expected a file other than the one being shrunk (writing it would replace the original failure), got ${out}`,
    );
  }
  checkFilePath('out', out);
}

function checkOptions(options: ShrinkFailureFileOptions): void {
  checkFailureFileOptions('shrinkFailureFile', OPTION_KEYS, options);
  const b = options.budget;
  if (
    b !== undefined &&
    !(typeof b === 'number' && Number.isSafeInteger(b) && b >= 1 && b <= MAX_SHRINK_BUDGET)
  ) {
    throw new ConfigError(
      'budget',
      `Expected a whole number of runs from 1 to ${MAX_SHRINK_BUDGET}, got ${shown(b)}`,
    );
  }
  if (options.out !== undefined && (typeof options.out !== 'string' || options.out === '')) {
    throw new ConfigError('out', `Expected a file's path, got ${shown(options.out)}`);
  }
  for (const key of ['onProgress', 'shouldStop'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'function') {
      throw new ConfigError(key, `Expected a function, got ${shown(options[key])}`);
    }
  }
}

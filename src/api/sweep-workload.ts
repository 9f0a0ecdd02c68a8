/**
 * A sweep from a library: what `npusim sweep WORKLOAD --seeds ...` does, without a command line.
 * The run of each seed is chosen as runWorkload chooses one (the same options, checked the same
 * way, before any thread starts) and the seeds run on the command's pool (sweep/sweep.ts runSweep:
 * one inline simulation per seed, `jobs` piscina threads), so a seed's outcome is the one `npusim
 * sweep` and `npusim run --seed N --inline` give it.
 *
 * What it does not do that the command does: print (no progress bar or summary text), write a
 * summary file, a lock or its seeds not run (the summary is what it resolves with), write failure
 * files unless asked (`failuresDir`: a library call writes no file unasked), shard, resume, merge,
 * keep each seed's result (`--results`), or run free (`--free`).
 */

import { availableParallelism } from 'node:os';
import { countText } from '../core/count-text.js';
import { didYouMean } from '../core/edit-distance.js';
import { errnoText } from '../core/errno-text.js';
import { ConfigError } from '../core/errors.js';
import { isSeed, SEED_RANGE_TEXT } from '../core/seed-range.js';
import { gotText } from '../core/shown-text.js';
import { makeDirectory } from '../io/make-directory.js';
import * as machine from '../model/actors/machine.js';
import { validateWorkload, type Workload } from '../model/scenario/workload.js';
import { MAX_SWEEP_JOBS } from '../sweep/max-jobs.js';
import { parseSeedItems, type SeedItem, type SeedRange } from '../sweep/seeds.js';
import type { SweepSummary } from '../sweep/summary.js';
import { checkOptionsObject, checkRunConfig, shown } from './check-run-input.js';
import { checkDirPath } from './file-path-check.js';
import { preparedRun, type RunWorkloadOptions, SCENARIO_OPTION_KEYS } from './run-workload.js';

type ScenarioOptions = Pick<RunWorkloadOptions, (typeof SCENARIO_OPTION_KEYS)[number]>;

export interface SweepWorkloadOptions extends ScenarioOptions {
  /**
   * The seeds: every one from `first` to `last` (at most 10,000,000), or a list of seeds (each
   * once, at most 100,000), run in ascending order: `npusim sweep --seeds A..B` and `--seeds
   * 7,12,20`.
   */
  seeds: { first: number; last: number } | readonly number[];
  /** Pool threads, as `--jobs` (1 to 256); default the machine's cores (availableParallelism()). */
  jobs?: number;
  /**
   * Where each failing seed's failure file goes (made with its parents), as `--failures DIR`
   * writes it, never over another failure's file; the summary's `failures[].file` names each.
   * Checked before any thread starts as `--failures` is (a directory that exists or can be made,
   * writable, with space on its device). A failure file that still cannot be written rejects the
   * sweep, once it has ended, with a ConfigError naming `failuresDir`, the summary on its `summary`.
   * Default: none written.
   */
  failuresDir?: string;
  /** Called as each seed comes back: seeds done, of how many, and how many of them failed. */
  onProgress?: (done: number, total: number, failures: number) => void;
  /**
   * Polled before each seed is handed out: true hands out no more (the seeds running finish and
   * are counted); the summary then says `stoppedEarly`, and `stop.notRun` which seeds did not run.
   */
  shouldStop?: () => boolean;
}

/** The note runSweep gives for a failure file it could not write (repro/keep-failure-file.ts). */
const FAILURE_FILE_UNWRITTEN = /^the failure file\b.*\bwas not written\b/;

/** The options sweepWorkload takes of its own, besides those that choose the run. */
const SWEEP_KEYS = ['seeds', 'jobs', 'failuresDir', 'onProgress', 'shouldStop'] as const;
const OPTION_KEYS: readonly string[] = [...SWEEP_KEYS, ...SCENARIO_OPTION_KEYS];

/**
 * Runs `workload` once per seed of `options.seeds` on a pool of `jobs` threads and resolves with
 * the sweep's summary, the one `npusim sweep --json` prints: seeds run, clean and failed, by exit
 * class and by rule, every failing seed's first finding, the worst exit code. Every option is
 * checked before any thread starts (bad input is a ConfigError naming the field); the pool's
 * threads are ended before it resolves or rejects, so nothing it started keeps the process alive.
 * A seed whose run crashes is counted as a crash (exit code 4), as the command counts it.
 */
export async function sweepWorkload(
  workload: Workload,
  options: SweepWorkloadOptions,
): Promise<SweepSummary> {
  checkOptionKeys(options);
  const seeds = seedRange(options.seeds);
  const jobs = options.jobs ?? availableParallelism();
  if (!(typeof jobs === 'number' && Number.isSafeInteger(jobs) && jobs >= 1 && jobs <= MAX_SWEEP_JOBS)) {
    throw new ConfigError(
      'jobs',
      `Expected a whole number of jobs from 1 to ${MAX_SWEEP_JOBS}, got ${shown(jobs)}`,
    );
  }
  if (
    options.failuresDir !== undefined &&
    (typeof options.failuresDir !== 'string' || options.failuresDir === '')
  ) {
    throw new ConfigError('failuresDir', `Expected a directory's path, got ${shown(options.failuresDir)}`);
  }
  if (options.failuresDir !== undefined) checkDirPath('failuresDir', options.failuresDir);
  for (const key of ['onProgress', 'shouldStop'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'function') {
      throw new ConfigError(key, `Expected a function, got ${shown(options[key])}`);
    }
  }
  const scenario: ScenarioOptions = Object.fromEntries(
    Object.entries(options).filter(([key]) => (SCENARIO_OPTION_KEYS as readonly string[]).includes(key)),
  );
  // Checked as runWorkload checks them (the workload validated too), with the first seed's config.
  const { config, sameAs } = preparedRun(workload, { ...scenario, seed: seeds.first });
  // The variant the sweep is, named or made by its options (as runWorkload judges a run): each
  // seed judged by what it expects, counted in the summary's `expectation` (sweep/sweep-judge.ts).
  const judgeAs =
    scenario.variant !== undefined
      ? { variant: scenario.variant }
      : sameAs === undefined
        ? undefined
        : { variant: sameAs.variant.name, by: sameAs.by };
  checkRunConfig(config);
  // Building the world checks the workload against the machine before any thread starts (as
  // `npusim sweep` does): in a pool task it would be every seed's crash instead.
  machine.planMachine(config);
  // PCT: each seed measures its own steps (sweep/run-seed.ts), as `npusim sweep --strategy pct`.
  const pctDepth = options.strategy === 'pct' ? (options.pctDepth ?? 3) : undefined;
  // Loaded when a sweep is asked for: the pool (piscina, p-queue) is no cost to a library user
  // who only runs workloads.
  const { runSweep } = await import('../sweep/sweep.js');
  // Made here, where a refusal can still name the option: a directory the system will not make
  // (a new one under /proc answers ENOENT) came out of runSweep as a bare errno error.
  if (options.failuresDir !== undefined) {
    try {
      makeDirectory(options.failuresDir);
    } catch (e) {
      throw new ConfigError(
        'failuresDir',
        `Expected a directory to write files into, got ${options.failuresDir}: it could not be made: ${errnoText(e)}`,
      );
    }
  }
  // A failure file that could not be written after all (the device filled, the directory changed
  // under the sweep): runSweep says so in a note, which the library heard from nobody (QA: two
  // failures, `file: null` each, an empty directory and no word).
  const unwritten: string[] = [];
  const summary = await runSweep({
    config,
    // As runWorkload runs it: validated (workloadConfig refused a bad one; again is cheap).
    workload: validateWorkload(workload, 'workload'),
    seeds,
    jobs,
    ...(judgeAs === undefined ? {} : { judgeAs }),
    ...(pctDepth === undefined ? {} : { pctDepth }),
    ...(options.failuresDir === undefined ? {} : { failuresDir: options.failuresDir }),
    ...(options.onProgress === undefined
      ? {}
      : { onOutcome: (_o, done, total, failures) => options.onProgress?.(done, total, failures) }),
    ...(options.shouldStop === undefined ? {} : { shouldStop: options.shouldStop }),
    onNote: (line) => {
      if (FAILURE_FILE_UNWRITTEN.test(line)) unwritten.push(line);
    },
  });
  if (options.failuresDir !== undefined && unwritten.length > 0) {
    throw Object.assign(
      new ConfigError(
        'failuresDir',
        `Expected a directory that takes the sweep's failure files, got ${gotText(options.failuresDir)}: ${countText(unwritten.length, 'failure file')} of ${countText(summary.failures.length, 'failing seed')} not written (${unwritten[0]}${unwritten.length > 1 ? '; and others' : ''}); the sweep's summary is this error's \`summary\``,
      ),
      { summary },
    );
  }
  return summary;
}

function checkOptionKeys(options: SweepWorkloadOptions): void {
  checkOptionsObject(options, '{ seeds } at least');
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) {
      // `seed` and the engine's options are runWorkload's: a sweep chooses the seeds and runs inline.
      throw new ConfigError(
        key,
        `Expected an option sweepWorkload takes (${OPTION_KEYS.join(', ')}), got ${gotText(key)}${didYouMean(key, OPTION_KEYS)}`,
      );
    }
  }
}

/**
 * `seeds` as `--seeds` takes them: each a seed (checked as runWorkload's `seed` is), then the
 * range or list checked by the command's own rules (sweep/seeds.ts parseSeedItems: first at most
 * last, each seed once, the bounds), its errors naming `seeds`.
 */
function seedRange(seeds: SweepWorkloadOptions['seeds']): SeedRange {
  if (seeds === undefined) {
    throw new ConfigError(
      'seeds',
      'Expected the seeds to run ({ first, last } or a list of seeds), got none',
    );
  }
  const isList = Array.isArray(seeds);
  if (!isList && (typeof seeds !== 'object' || seeds === null)) {
    throw new ConfigError('seeds', `Expected { first, last } or a list of seeds, got ${shown(seeds)}`);
  }
  // A key the range does not read (`step: 2`) ran every seed from first to last, unsaid (QA).
  const extra = isList ? undefined : Object.keys(seeds).find((k) => k !== 'first' && k !== 'last');
  if (extra !== undefined)
    throw new ConfigError(
      `seeds.${extra}`,
      `Expected only \`first\` and \`last\` in a range of seeds, got ${gotText(extra)} too`,
    );
  const entries: [string, unknown][] = isList
    ? (seeds as readonly unknown[]).map((s, i) => [`seeds[${i}]`, s])
    : [
        ['seeds.first', (seeds as { first?: unknown }).first],
        ['seeds.last', (seeds as { last?: unknown }).last],
      ];
  if (entries.length === 0) throw new ConfigError('seeds', 'Expected at least one seed, got an empty list');
  for (const [field, s] of entries) {
    if (!isSeed(s)) {
      const negative = typeof s === 'number' && s < 0 ? ': negative seeds are not allowed' : '';
      throw new ConfigError(field, `Expected an integer seed ${SEED_RANGE_TEXT}, got ${shown(s)}${negative}`);
    }
  }
  const items: SeedItem[] = isList
    ? (seeds as readonly number[]).map((s, i) => ({
        text: String(s),
        shown: `${s} (seeds[${i}])`,
        place: () => ({ before: '', after: '' }),
      }))
    : [
        {
          text: `${(seeds as { first: number }).first}..${(seeds as { last: number }).last}`,
          shown: `{ first: ${(seeds as { first: number }).first}, last: ${(seeds as { last: number }).last} }`,
          place: () => ({ before: '', after: '' }),
        },
      ];
  return parseSeedItems(items, 'seeds');
}

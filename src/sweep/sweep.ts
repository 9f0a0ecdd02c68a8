/**
 * A sweep: one inline simulation per seed, on a piscina pool of `jobs` threads (one whole run per
 * task, so the runs never talk to each other and scale with cores). p-queue bounds the seeds in
 * flight to the pool's size, so a sweep of millions of seeds holds only a few tasks at a time, and
 * so stop-on-first stops handing out seeds as soon as one fails (the ones already running finish).
 * Every failing seed's failure file is written by this thread, as results come back.
 *
 * Shared memory: the one thing this thread shares with the pool is the caller's stop word
 * (`stopWord`, an Int32 in a SharedArrayBuffer): the caller stores 1 on Ctrl-C; every task's run
 * loads it between events and stops (run-seed.ts), and this thread loads it before handing out a
 * seed. A store and loads of one word: nothing else depends on its ordering.
 *
 * Stop-on-first is one setting, `config.stopOnFirst` (`--stop-on-first`), with two effects: each
 * seed's run ends at the end of the tick of its first finding, as `npusim run --stop-on-first`
 * does (so its failure file and reproduce line give that same run), and the sweep hands out no
 * more seeds once one fails. The summary's identity names it, so a merge knows a shard stopped on
 * purpose, and the summary says that later rules of a run were not counted.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import PQueue from 'p-queue';
import { Piscina } from 'piscina';
import { shellWord } from '../core/shell-word.js';
import { gotText } from '../core/shown-text.js';
import { makeDirectory } from '../io/make-directory.js';
import { npusimVersion } from '../io/version.js';
import { runProcesses } from '../model/actors/run-processes.js';
import { expectationUnderBugs, exposedBugs, unexposedBugs } from '../model/scenario/bug-expectation.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import { declaredBugs, judgedBugs } from '../model/scenario/variant-bugs.js';
import type { Workload } from '../model/scenario/workload.js';
import { formatTime } from '../report/duration.js';
import type { RunResult } from '../report/run-result.js';
import { freeRunFileAt } from '../repro/free-run-file.js';
import { keepFailureFile, whyNotWritten } from '../repro/keep-failure-file.js';
import { writeWholeFile } from '../repro/write-whole-file.js';
import { WorkerSet } from '../runtime/worker-set.js';
import {
  ThreadLimitError,
  threadRefused,
  WORKER_CODE_RANGE_MB,
  workerEntryUrl,
} from '../runtime/worker-url.js';
import { notRunSpans, STOP_REASONS, type StopReason } from './not-run.js';
import { runSeed, type SeedTask } from './run-seed.js';
import type { SeedOutcome } from './seed-outcome.js';
import { type SeedList, type SeedRange, type Shard, seedsOf } from './seeds.js';
import { addOutcome, canonical, emptySummary, type SweepSummary } from './summary.js';
import type { SweepJudge } from './sweep-judge.js';

export interface SweepOptions {
  config: RunConfig;
  workload: Workload;
  seeds: SeedRange;
  shard?: Shard;
  jobs: number;
  /**
   * PCT at this depth (`--strategy pct --pct-depth D`): each seed measures its own scheduling
   * steps in a counting run of that seed, then runs PCT over them (run-seed.ts), so seed N gives
   * exactly the run of `npusim run --seed N --strategy pct --pct-depth D`. `config` then has no
   * strategy of its own.
   */
  pctDepth?: number;
  /** Where failure files go; undefined: none are written. */
  failuresDir?: string;
  /**
   * Where each seed's run result goes (`--results DIR`), as `<workload>-seed<N>.json` (a variant's
   * `<workload>.<variant>-seed<N>.json`), the file `npusim run --seed N --inline --out FILE` writes
   * (less `variants`, `expectation`, `label` and `commandExitCode`, which `run` adds when it runs a
   * workload's variants after its own run; a sweep runs only the run its options make):
   * two sweeps' directories are two sets for `npusim compare DIR_A DIR_B`. Undefined: none.
   */
  resultsDir?: string;
  /** Each seed's run result: its path, or null when none was written (onNote says why). */
  onResultFile?: (seed: number, path: string | null) => void;
  /** What the user should hear of a failure file: a new name taken, a file not written (one line). */
  onNote?: (line: string) => void;
  onOutcome?: (o: SeedOutcome, done: number, total: number, failures: number) => void;
  /** Polled between seeds: true stops handing out seeds (Ctrl-C). */
  shouldStop?: () => boolean;
  /**
   * Ctrl-C for the seeds already running on the pool: the caller stores 1 in word 0, and each
   * stops at its next event (run-seed.ts SeedTask.stopWord) and is not counted. Without it they
   * run to their end first (tens of seconds for long seeds: past a batch system's grace period).
   */
  stopWord?: SharedArrayBuffer;
  /**
   * Free-running threads: each seed is a free run on worker threads (one per actor), started from
   * this thread one seed at a time (`jobs` is then 1), so runs never share cores; the threads are
   * kept from seed to seed (runtime/worker-set.ts).
   */
  free?: { windowTicks: number };
  /** Free sweeps only: each seed's run's progress as its watchdog reads it (tests stop on a finding). */
  onFreeProgress?: (tick: number, events: number, findings: number) => void;
  /**
   * The variant the sweep is (sweep-judge.ts): each seed is judged by what it expects, and the
   * summary counts the seeds that met it (`expectation`). Its name must be one of the workload's.
   */
  judgeAs?: SweepJudge;
  /** The pool's task file (default sweepWorkerFile()); tests name one that cannot load. */
  taskFile?: string;
}

const fromSource = import.meta.url.endsWith('.ts');

/**
 * The pool's task file, as a path (piscina's `filename`). Not the URL's `pathname`, which is
 * percent-encoded: installed under a directory with a space or a non-ASCII letter, every seed of
 * a sweep failed to load it (QA). Without `base`, worker-url.ts workerEntryUrl's choice: the boot
 * file of the bundle of workers/sweep-worker when taken (the build's, or in tests the suite's;
 * unbundled, each pool thread loaded about 280 modules), else the worker itself. `base` (tests)
 * stands for this module's URL, and names the unbundled worker beside it.
 */
export function sweepWorkerFile(base?: string): string {
  if (base === undefined) return fileURLToPath(workerEntryUrl('sweep-worker'));
  return fileURLToPath(new URL(`../../workers/sweep-worker.${fromSource ? 'ts' : 'js'}`, base));
}

/**
 * What the sweep runs, apart from the seed: its summary's identity (shards must agree on it), from
 * which the summary's header names the options that chose the runs.
 */
export function sweepIdentity(config: RunConfig, pctDepth?: number): Record<string, unknown> {
  return {
    // Shards of two npusim versions may run two models (a merge refuses them, naming this field).
    npusim: npusimVersion(),
    workload: config.workload,
    params: config.params,
    bugs: [...config.bugs].sort(),
    profile: config.profile ?? 'fixed',
    strategy: pctDepth === undefined ? (config.strategy?.kind ?? 'random') : 'pct',
    stopOnFirst: config.stopOnFirst === true,
    topology: config.customTopology?.spec ?? config.params.topology,
    // The file it was read from, for the header (`topology my.json (named my-redbud)`, as a run's):
    // not the configuration, so shards that read one spec at two paths still merge
    // (summary-merge.ts sweepDifference leaves it out).
    ...(config.customTopology === undefined ? {} : { topologyFile: config.customTopology.file }),
    // Each named only when given, so summaries of sweeps without them read as before.
    ...(pctDepth === undefined ? {} : { pctDepth }),
    ...(config.set === undefined ? {} : { set: config.set }),
    ...(config.variant === undefined ? {} : { variant: config.variant }),
  };
}

/** A free sweep's identity also names the mode and its window (shards must agree on both). */
export function freeSweepIdentity(
  config: RunConfig,
  free: { windowTicks: number },
  pctDepth?: number,
): Record<string, unknown> {
  return { ...sweepIdentity(config, pctDepth), free: { windowTicks: free.windowTicks } };
}

/**
 * How many seeds a sweep runs at once, what its summary's header says: `jobs` pool threads, but
 * never more than it has seeds; a free sweep one (each of its seeds is a worker thread per actor).
 */
export function seedsAtOnce(jobs: number, seedCount: number, free: boolean): number {
  return Math.min(free ? 1 : jobs, seedCount);
}

export async function runSweep(options: SweepOptions): Promise<SweepSummary> {
  const started = performance.now();
  const own = options.config.strategy;
  if (options.pctDepth !== undefined && own !== undefined && own.kind !== 'random') {
    throw new Error(
      `runSweep: expected no config.strategy with pctDepth (each seed measures its own PCT steps), got \`${own.kind}\``,
    );
  }
  const seeds = seedsOf(options.seeds, options.shard);
  const identity =
    options.free === undefined
      ? sweepIdentity(options.config, options.pctDepth)
      : freeSweepIdentity(options.config, options.free, options.pctDepth);
  const summary = emptySummary(identity, options.seeds, options.shard);
  const judgeAs = options.judgeAs;
  if (judgeAs !== undefined) {
    const variant = options.workload.variants.find((v) => v.name === judgeAs.variant);
    if (variant === undefined)
      throw new Error(
        `runSweep: expected judgeAs.variant to be a variant of ${options.workload.name} (${options.workload.variants.map((v) => v.name).join(', ')}), got ${gotText(judgeAs.variant)}`,
      );
    // As each seed is judged (run-seed.ts): with the rules the workload exposes for an acting --bug
    // (QA: the summary said `clean: 3 of 3 seeds as expected` of seeds that each met stale-tce).
    // The variant's own switches are what its `expect` is declared for: not judged as --bug's.
    const own = declaredBugs(variant);
    const bugs = judgedBugs(options.config, own);
    const expect = expectationUnderBugs(
      variant.expect,
      options.workload.exposes,
      { bugs, params: options.config.params },
      runProcesses(options.config),
    );
    const byBugs = exposedBugs(options.workload.exposes, bugs);
    // Its --bug switches the workload exposes nothing for (a profile's are the profile's), as a
    // run's verdict names them (headline.ts): the seeds' expectation was declared without them.
    const typed = options.config.bugs.filter((b) => !own.includes(b));
    const notExposed = unexposedBugs(options.workload.exposes, typed);
    summary.expectation = {
      ...judgeAs,
      expect,
      ...(expect === variant.expect ? {} : { byBugs }),
      ...(notExposed.length === 0 ? {} : { notExposed }),
      met: 0,
    };
  }
  if (options.failuresDir !== undefined) makeDirectory(options.failuresDir);
  // Every seed that runs writes its result there, so the directory is made now, with its parents.
  if (options.resultsDir !== undefined) makeDirectory(options.resultsDir);
  if (options.free !== undefined) return freeSweep(options, seeds, summary, started);
  // At least one: a shard with no seeds makes a pool (of one thread, never started) all the same.
  const threads = Math.max(1, seedsAtOnce(options.jobs, seeds.length, false));
  const filename = options.taskFile ?? sweepWorkerFile();
  const pool = sweepPool(filename, Math.min(threads, seeds.length), threads);
  const queue = new PQueue({ concurrency: threads });
  let stop = false;
  let done = 0;
  let thrown: { error: unknown } | undefined;
  // A thread that fails outside any seed (it cannot load the task file, it dies between seeds)
  // is an 'error' of the pool: unheard, an uncaught exception that ended the process with exit 1,
  // which means a violation. The seeds it touched fail on their own (taskFailed); this says what
  // happened and hands out no more seeds, and the summary is written as for any early stop.
  pool.on('error', (e: unknown) => {
    options.onNote?.(`a sweep thread failed outside any seed: ${e instanceof Error ? e.message : String(e)}`);
    stopped.because('npusim-failed');
    stop = true;
  });
  const word = options.stopWord === undefined ? undefined : new Int32Array(options.stopWord);
  const asked = (): boolean => options.shouldStop?.() || (word !== undefined && Atomics.load(word, 0) !== 0);
  const stopped = new StopRecord();
  const stopAsked = (): boolean => {
    if (!asked()) return false;
    stopped.because('signal');
    return true;
  };
  try {
    for (const seed of seeds) {
      if (stop || stopAsked()) {
        summary.stoppedEarly = true;
        break;
      }
      stopped.handedOut++;
      // Hold at most `threads` seeds waiting beyond those running.
      await queue.onSizeLessThan(threads);
      const task: SeedTask = {
        config: options.config,
        workload: options.workload,
        seed,
        ...(options.pctDepth === undefined ? {} : { pctDepth: options.pctDepth }),
        ...(options.resultsDir === undefined ? {} : { keepResult: true }),
        ...(options.judgeAs === undefined ? {} : { judgeAs: options.judgeAs }),
        ...(options.stopWord === undefined ? {} : { stopWord: options.stopWord }),
      };
      // What a task throws (the caller's onOutcome, a file that cannot be written) fails the sweep
      // with it once the seeds running have ended; unheard, each was an unhandled rejection that
      // ended the caller's process (QA: sweepWorkload's onProgress).
      queue
        .add(async () => {
          if (stop) {
            stopped.notRun(seed);
            return;
          }
          // Ctrl-C came while this seed waited: it does not start (interrupt.ts), and is not counted.
          if (stopAsked()) {
            summary.stoppedEarly = true;
            stopped.notRun(seed);
            return;
          }
          const o = await pool.run(task).then(
            (r) => r as SeedOutcome,
            (e: unknown) => {
              // npusim itself failed: the seeds after it would most likely fail the same way.
              stopped.because('npusim-failed');
              stop = true;
              return taskFailed(seed, e, options);
            },
          );
          // Stopped by Ctrl-C mid-run: no verdict, so neither counted nor written (as a seed that
          // never started).
          if (o.interrupted === true) {
            summary.stoppedEarly = true;
            stopped.because('signal');
            stopped.notRun(seed);
            return;
          }
          const failureFile = writeFailure(o, options);
          addOutcome(summary, o, failureFile);
          writeResult(o, options, failureFile);
          done++;
          if (o.status !== 'clean' && options.config.stopOnFirst === true) {
            stopped.because('stop-on-first');
            stop = true;
          }
          options.onOutcome?.(o, done, seeds.length, summary.failed);
        })
        .catch((e: unknown) => {
          thrown ??= { error: e };
          stop = true;
        });
    }
    await queue.onIdle();
  } finally {
    await pool.destroy();
  }
  if (thrown !== undefined) throw thrown.error;
  if (stop && summary.ran < seeds.length) summary.stoppedEarly = true;
  stopped.into(summary, options);
  summary.wallMs = performance.now() - started;
  return canonical(summary);
}

/**
 * Why a sweep stopped and what it handed out, for its summary's `stop` (not-run.ts): the seeds
 * handed out in order, those of them not counted (stopped mid-run, or never started), and each
 * reason as it first happened. Written by the main thread only (the pool's tasks come back to it).
 */
class StopRecord {
  handedOut = 0;
  private readonly holes: number[] = [];
  private readonly reasons = new Set<StopReason>();

  because(reason: StopReason): void {
    this.reasons.add(reason);
  }

  notRun(seed: number): void {
    this.holes.push(seed);
  }

  /** The summary's `stop` when it stopped early; none when it ran every seed. */
  into(summary: SweepSummary, options: SweepOptions): void {
    if (!summary.stoppedEarly) return;
    const notRun = notRunSpans(
      options.seeds,
      options.shard,
      this.handedOut,
      [...this.holes].sort((a, b) => a - b),
    );
    // A seed can stop only by one of these; one that did not say is a signal's (shouldStop).
    const reasons = STOP_REASONS.filter((r) => this.reasons.has(r));
    summary.stop = { reasons: reasons.length === 0 ? ['signal'] : reasons, notRun };
  }
}

/**
 * A seed whose task failed without an actor's crash (its pool thread ran out of memory or died,
 * npusim itself threw): counted as a crash (exit 4, "or npusim failed"), never dropped, and the
 * sweep hands out no more seeds (the next would most likely fail the same way), so it ends
 * stopped early with its summary written: a merge counts that shard as a gap. No file could
 * replay it; the note says why. Unhandled, the rejection ended the process with no summary.
 */
function taskFailed(seed: number, e: unknown, options: SweepOptions): SeedOutcome {
  const message = e instanceof Error ? e.message : String(e);
  options.onNote?.(`seed ${seed}: npusim failed, so no failure file: ${message}`);
  return {
    seed,
    status: 'crash',
    exitCode: 4,
    digest: '',
    events: 0,
    simulatedTicks: 0,
    wallMs: 0,
    first: { rule: 'crash', tick: 0, actors: [], addresses: [], message: `npusim failed: ${message}` },
    rules: { crash: { count: 1, tick: 0 } },
    failure: undefined,
  };
}

/**
 * A failing seed's failure file, by the rule `npusim run` follows (repro/keep-failure-file.ts):
 * never over another failure's file. Its path, or null when none was written.
 */
/**
 * A free seed stopped mid-run: its race is in no seed (running it again races anew), so what it
 * found is kept as `npusim run --free` keeps it, a failure file of the interrupted run, and said;
 * one that found nothing is said to be lost. The seed stays not run (resume runs it, anew).
 */
function keepInterrupted(o: SeedOutcome, options: SweepOptions): void {
  if (options.free === undefined) return;
  const path = writeFailure(o, options);
  if (path !== null) {
    options.onNote?.(
      `seed ${o.seed} was stopped mid-run after a finding (${o.failure!.first!.rule}): failure file of the interrupted run written (not counted in the summary; replay it with: npusim replay ${shellWord(path)})`,
    );
  } else if (o.failure !== undefined && options.failuresDir === undefined) {
    options.onNote?.(
      `seed ${o.seed} was stopped mid-run after a finding (${o.failure.first!.rule}); with no failure files, its race is not kept (a free seed races anew when run again)`,
    );
  } else if (o.failure === undefined) {
    options.onNote?.(
      `seed ${o.seed} was stopped mid-run before any finding; its race is not kept (a free seed races anew when run again)`,
    );
  }
}

function writeFailure(o: SeedOutcome, options: SweepOptions): string | null {
  const path =
    o.failure === undefined || options.failuresDir === undefined
      ? null
      : (keepFailureFile(options.failuresDir, o.failure, (line) => options.onNote?.(line)) ?? null);
  sayCrash(o, path, options);
  return path;
}

/**
 * A seed on which an actor crashed, said as it comes back: which actor, when and why, which the
 * summary's tables (rule, seeds, earliest tick) do not say (QA: a sweep's crash named no actor on
 * stdout or stderr; only its failure file did). A task that failed outside any actor has its own
 * note (taskFailed).
 */
function sayCrash(o: SeedOutcome, path: string | null, options: SweepOptions): void {
  const f = o.first;
  if (f?.rule !== 'crash' || f.actors.length === 0) return;
  options.onNote?.(
    `seed ${o.seed}: ${f.actors.join(', ')} crashed at ${formatTime(f.tick)}: ${f.message}${path === null ? '' : ` (failure file ${path})`}`,
  );
}

/**
 * A seed's run result into the results directory, written whole or not at all (a full disk leaves
 * no fragment over an older result). A seed whose task failed (npusim itself, not the model) has
 * none: its note already says why. A failing free seed's result names its failure file as its
 * reproduce line, as `npusim run --free --out` does: a free run replays only from its take log.
 */
function writeResult(o: SeedOutcome, options: SweepOptions, failureFile: string | null): void {
  const dir = options.resultsDir;
  if (dir === undefined) return;
  if (o.result === undefined) {
    options.onResultFile?.(o.seed, null);
    return;
  }
  const text = seedResultText(o.result, failureFile, options.free !== undefined);
  const variant = options.config.variant === undefined ? '' : `.${options.config.variant}`;
  const path = join(dir, `${options.config.workload}${variant}-seed${o.seed}.json`);
  // A free run's failure file there is the only record of its race (free-run-file.ts): kept.
  const free = freeRunFileAt(path);
  if (free !== undefined) {
    options.onNote?.(
      `seed ${o.seed}: the run result ${path} was not written: that file holds ${free}, the only record of its race`,
    );
    options.onResultFile?.(o.seed, null);
    return;
  }
  try {
    writeWholeFile(path, text);
  } catch (e) {
    options.onNote?.(`seed ${o.seed}: the run result ${path} was not written: ${whyNotWritten(e, path)}`);
    options.onResultFile?.(o.seed, null);
    return;
  }
  options.onResultFile?.(o.seed, path);
}

/**
 * A seed's result as JSON text, as `npusim run --out` writes it: its failure file named
 * (`failureFile`, null where none was written), and a free seed's file its reproduce line (a free
 * run replays only from its take log); a free seed without one keeps its own free command, which
 * the summary labels a re-run.
 */
export function seedResultText(text: string, failureFile: string | null, free: boolean): string {
  const result = JSON.parse(text) as RunResult;
  if (free && failureFile !== null) result.reproduce = `npusim replay ${shellWord(failureFile)}`;
  result.failureFile = failureFile;
  return `${JSON.stringify(result, null, 2)}\n`;
}

/**
 * A free sweep: one free run at a time, from this thread, on worker threads kept from seed to seed
 * (runtime/worker-set.ts): after the first seed each run starts on threads that have loaded the
 * code and compiled it (a seed that crashes, stalls or is stopped hands the next fresh threads).
 */
async function freeSweep(
  options: SweepOptions,
  seeds: SeedList,
  summary: SweepSummary,
  started: number,
): Promise<SweepSummary> {
  const workerSet = new WorkerSet();
  try {
    await freeSeeds(options, seeds, summary, workerSet);
  } finally {
    await workerSet.close();
  }
  summary.wallMs = performance.now() - started;
  return canonical(summary);
}

/** The seeds in order, each a free run on the set's threads, until the end, a stop or a first failure. */
async function freeSeeds(
  options: SweepOptions,
  seeds: SeedList,
  summary: SweepSummary,
  workerSet: WorkerSet,
): Promise<void> {
  let done = 0;
  let failed = false;
  const stopped = new StopRecord();
  for (const seed of seeds) {
    if (options.shouldStop?.()) {
      stopped.because('signal');
      summary.stoppedEarly = true;
      break;
    }
    stopped.handedOut++;
    const o = await runSeed({
      config: options.config,
      workload: options.workload,
      seed,
      ...(options.pctDepth === undefined ? {} : { pctDepth: options.pctDepth }),
      free: options.free,
      workerSet,
      ...(options.resultsDir === undefined ? {} : { keepResult: true }),
      ...(options.judgeAs === undefined ? {} : { judgeAs: options.judgeAs }),
      ...(options.shouldStop === undefined ? {} : { shouldStop: options.shouldStop }),
      ...(options.onFreeProgress === undefined ? {} : { onFreeProgress: options.onFreeProgress }),
    }).catch((e: unknown) => {
      failed = true;
      stopped.because('npusim-failed');
      return taskFailed(seed, e, options);
    });
    // Stopped mid-run (Ctrl-C): that seed did not run to its end, so it is not counted. One that
    // ended before the stop was asked is counted (the loop stops before the next).
    if (o.interrupted === true) {
      summary.stoppedEarly = true;
      stopped.because('signal');
      stopped.notRun(seed);
      keepInterrupted(o, options);
      break;
    }
    const failureFile = writeFailure(o, options);
    addOutcome(summary, o, failureFile);
    writeResult(o, options, failureFile);
    done++;
    options.onOutcome?.(o, done, seeds.length, summary.failed);
    if (failed || (o.status !== 'clean' && options.config.stopOnFirst === true)) {
      if (!failed) stopped.because('stop-on-first');
      if (done < seeds.length) summary.stoppedEarly = true;
      break;
    }
  }
  stopped.into(summary, options);
}

/**
 * The sweep's pool, its `minThreads` started now. A thread the system refuses (worker-url.ts
 * ThreadLimitError) is said with how many were wanted and `--jobs 1`: Piscina's constructor threw
 * Node's bare `Error: EAGAIN`, an unexpected error (exit 4) with a stack trace (QA).
 */
function sweepPool(filename: string, minThreads: number, maxThreads: number): Piscina {
  try {
    return new Piscina({
      filename,
      minThreads,
      maxThreads,
      // From source (tests, tsx) the task module is TypeScript, unless it is the suite's bundle of
      // it: each pool thread then loads tsx first.
      execArgv: filename.endsWith('.ts') ? ['--import', 'tsx'] : [],
      resourceLimits: { codeRangeSizeMb: WORKER_CODE_RANGE_MB },
    });
  } catch (e) {
    if (!threadRefused(e)) throw e;
    throw new ThreadLimitError(
      `Expected to start ${minThreads} sweep ${minThreads === 1 ? 'thread' : 'threads'}, got EAGAIN from the system: ${ThreadLimitError.WHY}${minThreads > 1 ? '; `--jobs 1` needs one' : ''}`,
    );
  }
}

/**
 * One seed of a sweep: one whole inline simulation (README.md "Failure files, replay and sweeps":
 * sweeps run inline, one simulation per piscina task), judged, and turned into a failure file when
 * it fails. Runs in a piscina thread (workers/sweep-worker.ts) or, for one seed, in the caller's
 * thread. A free sweep's seed is a free run on worker threads, started from the caller's thread
 * (sweep.ts), which keeps the threads from seed to seed (runtime/worker-set.ts).
 *
 * A PCT seed (`pctDepth`) is set up as `npusim run --seed N --strategy pct` sets up its run
 * (repro/pct-setup.ts): a counting run of that very seed measures its own agents (n) and scheduling
 * steps (k), and its PCT run draws its change points over those steps. So a seed's run depends only
 * on (seed, depth, its configuration), never on which seeds the sweep or shard holds beside it
 * (docs/theory-of-operation.md 7.7), and the reproduce line of its failure file gives the same run.
 * A free seed's counting run runs on the sweep's kept threads too (a threaded run counts what an
 * inline one does, actor by actor), so the caller's thread stays free to see Ctrl-C.
 *
 * Shared memory: a pool task's Ctrl-C is one Int32 word (`stopWord`), stored once by the sweep's
 * thread and loaded by this task's run between events (runtime/inline-runtime.ts polls it as
 * `shouldStop`); nothing else is shared, and the word orders nothing else. A stopped seed comes
 * back `interrupted`: no verdict, so the sweep neither counts nor writes it.
 */

import * as machine from '../model/actors/machine.js';
import { runProcesses } from '../model/actors/run-processes.js';
import { totalCounts } from '../model/choice/chooser.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import { declaredBugs } from '../model/scenario/variant-bugs.js';
import type { Workload } from '../model/scenario/workload.js';
import { assembleResult, failedRunResult } from '../report/assemble-result.js';
import { asItsVariant, describedResult } from '../report/described-result.js';
import { judgeExpectation } from '../report/headline.js';
import type { RunResult } from '../report/run-result.js';
import { buildFailureFile, NO_DIGEST } from '../repro/failure-file.js';
import { crashFinding, exitClassOf, firstFinding } from '../repro/first-finding.js';
import { preparePct } from '../repro/pct-setup.js';
import { runRaw, startThreadedRun } from '../runtime/engine.js';
import type { RawRun } from '../runtime/raw-run.js';
import { ActorCrashError } from '../runtime/run-errors.js';
import type { WorkerSet } from '../runtime/worker-set.js';
import type { SeedOutcome } from './seed-outcome.js';
import type { SweepJudge } from './sweep-judge.js';

export interface SeedTask {
  /** The sweep's configuration; its seed is replaced by `seed`. */
  config: RunConfig;
  workload: Workload;
  seed: number;
  /**
   * PCT at this depth (`--strategy pct --pct-depth D`): the seed first measures its own steps in
   * a counting run, then runs PCT over them. `config` must then have no strategy of its own.
   */
  pctDepth?: number;
  /** Free-running threads (src/runtime/free): the seed's run races, and its log replays it. */
  free?: { windowTicks: number };
  /** Free runs only (they run in the caller's thread): polled to stop the run at once (Ctrl-C). */
  shouldStop?: () => boolean;
  /**
   * A pool task's Ctrl-C (sweep.ts): word 0 turns non-zero when the sweep is stopped, and the
   * seed's run (its PCT measuring run too) stops at its next event, coming back `interrupted`.
   * Shared memory: one Int32 the sweep's thread stores once and this thread loads; no ordering
   * beyond that word is needed (the run only reads it to stop).
   */
  stopWord?: SharedArrayBuffer;
  /** Free runs only: the sweep's workers, kept from seed to seed (runtime/worker-set.ts). */
  workerSet?: WorkerSet;
  /** Free runs only: the run's progress as its watchdog reads it (threaded-runtime.ts onProgress). */
  onFreeProgress?: (tick: number, events: number, findings: number) => void;
  /**
   * Bring back the seed's run result as JSON text (`sweep --results DIR`): the result `npusim run
   * --seed N --inline --out FILE` writes (report/described-result.ts), so two sweeps' results are
   * two sets for `npusim compare`.
   */
  keepResult?: boolean;
  /**
   * The variant the sweep is (sweep-judge.ts): the seed's run is judged by what it expects
   * (`expectationMet`), and a kept result carries that verdict, as `npusim run` gives it.
   */
  judgeAs?: SweepJudge;
}

export async function runSeed(task: SeedTask): Promise<SeedOutcome> {
  let config: RunConfig = { ...task.config, seed: task.seed };
  const started = performance.now();
  let pct: SeedOutcome['pct'];
  const word = task.stopWord === undefined ? undefined : new Int32Array(task.stopWord);
  const stopped = word === undefined ? undefined : () => Atomics.load(word, 0) !== 0;
  const inline = { host: 'inline' as const, ...(stopped === undefined ? {} : { shouldStop: stopped }) };
  try {
    if (task.pctDepth !== undefined) {
      if (config.strategy !== undefined && config.strategy.kind !== 'random') {
        throw new Error(
          `sweep seed ${task.seed}: expected no strategy beside pctDepth (the seed measures its own PCT steps), got \`${config.strategy.kind}\``,
        );
      }
      // A crash in the counting run is this seed's crash, of a run with the random strategy's
      // choices (counting draws them as random does), and is reported as such below.
      const setup = await preparePct(config, task.pctDepth, (c) =>
        task.free === undefined
          ? runRaw(c, inline)
          : startThreadedRun(c, {
              host: 'threaded',
              ...(task.shouldStop === undefined ? {} : { shouldStop: task.shouldStop }),
              ...(task.workerSet === undefined ? {} : { workerSet: task.workerSet }),
            }).result,
      );
      if (setup === undefined) return interruptedOutcome(task, started);
      config = { ...config, strategy: setup.strategy };
      pct = { agents: setup.agents, steps: setup.steps, bound: setup.bound };
    }
    const raw =
      task.free === undefined
        ? await runRaw(config, inline)
        : await startThreadedRun(config, {
            host: 'threaded',
            free: task.free,
            ...(task.shouldStop === undefined ? {} : { shouldStop: task.shouldStop }),
            ...(task.workerSet === undefined ? {} : { workerSet: task.workerSet }),
            ...(task.onFreeProgress === undefined ? {} : { onProgress: task.onFreeProgress }),
          }).result;
    if ((task.stopWord !== undefined || task.shouldStop !== undefined) && raw.stopped === 'interrupted')
      return { ...interruptedOutcome(task, started), failure: interruptedFreeFile(task, config, raw) };
    const outcome = judged(task, config, raw, started);
    if (pct === undefined) return outcome;
    const { changePoints } = totalCounts(raw.chooserCounts ?? []);
    return { ...outcome, pct: { ...pct, changePoints } };
  } catch (e) {
    if (!(e instanceof ActorCrashError)) throw e;
    return crashed(task, config, e, started);
  }
}

/** A seed Ctrl-C stopped before its run ended (SeedTask.stopWord): no verdict, nothing to write. */
function interruptedOutcome(task: SeedTask, started: number): SeedOutcome {
  return {
    seed: task.seed,
    status: 'clean',
    exitCode: 0,
    digest: '',
    events: 0,
    simulatedTicks: 0,
    wallMs: performance.now() - started,
    first: undefined,
    rules: {},
    failure: undefined,
    interrupted: true,
  };
}

/**
 * A free seed Ctrl-C stopped after a finding: its failure file, marked interrupted, as `npusim run
 * --free` keeps one (cli/failure-output.ts). Its race is in no seed, only in its take log up to the
 * stop, and is gone unless kept; the replay runs to the same stop. A deterministic seed's stop
 * loses nothing (the same seed runs it again), and one that found nothing has nothing to keep.
 */
function interruptedFreeFile(task: SeedTask, config: RunConfig, raw: RawRun) {
  if (task.free === undefined || raw.free === undefined) return undefined;
  const result = assembleResult(config, machine.planMachine(config), raw);
  const first = firstFinding(result);
  if (first === undefined) return undefined;
  return buildFailureFile({
    config,
    workload: task.workload,
    host: 'free',
    digest: result.digest === '' ? NO_DIGEST : result.digest,
    exitClass: 'interrupted',
    exitCode: result.exitCode,
    first,
    simulatedTicks: result.simulatedTicks,
    events: result.engine.events,
    free: raw.free.log,
  });
}

/** The outcome of a seed whose run ended: its result judged, a failure file when it failed. */
function judged(task: SeedTask, config: RunConfig, raw: RawRun, started: number): SeedOutcome {
  const plan = machine.planMachine(config);
  // The workload's headline only when the result is kept: a sweep's verdicts need none of it.
  const result =
    task.keepResult === true
      ? judgedAs(task, config, describedResult(config, plan, raw, task.workload))
      : assembleResult(config, plan, raw);
  const exitClass = exitClassOf(result);
  const first = firstFinding(result);
  return {
    seed: task.seed,
    status: exitClass ?? 'clean',
    exitCode: result.exitCode,
    digest: result.digest,
    events: result.engine.events,
    simulatedTicks: result.simulatedTicks,
    wallMs: performance.now() - started,
    first,
    // Counted in full (report/rule-counts.ts): a seed's table of rules has every rule it broke.
    rules: result.rules ?? {},
    ...expectationMet(task, result),
    ...(task.keepResult === true ? { result: `${JSON.stringify(result, null, 2)}\n` } : {}),
    failure:
      exitClass === undefined || first === undefined
        ? undefined
        : buildFailureFile({
            config,
            workload: task.workload,
            host: task.free === undefined ? 'inline' : 'free',
            digest: result.digest,
            exitClass,
            exitCode: result.exitCode,
            first,
            simulatedTicks: result.simulatedTicks,
            events: result.engine.events,
            ...(raw.free === undefined ? {} : { free: raw.free.log }),
          }),
  };
}

/** The outcome of a seed whose run crashed (exit 4). */
function crashed(task: SeedTask, config: RunConfig, e: ActorCrashError, started: number): SeedOutcome {
  const first = crashFinding(e.crash);
  const wallMs = performance.now() - started;
  // Kept as `npusim run --out` keeps a crashed run's: the crash, and no figures; judged as the
  // variant the sweep is, as run-failure-report.ts judges a crashed run.
  const result =
    task.keepResult === true || task.judgeAs !== undefined
      ? failedRunResult(
          config,
          machine.planMachine(config),
          task.free === undefined ? 'inline' : 'free',
          { kind: 'crash', crash: e.crash },
          wallMs,
          task.free?.windowTicks,
        )
      : undefined;
  return {
    seed: task.seed,
    status: 'crash',
    exitCode: 4,
    digest: '',
    events: 0,
    simulatedTicks: first.tick,
    wallMs,
    first,
    rules: { crash: { count: 1, tick: first.tick } },
    ...(result === undefined ? {} : expectationMet(task, judgedAs(task, config, result))),
    ...(result === undefined || task.keepResult !== true
      ? {}
      : { result: `${JSON.stringify(result, null, 2)}\n` }),
    // A crashed free run's take log went with its thread: no file could replay it.
    failure:
      task.free !== undefined
        ? undefined
        : buildFailureFile({
            config,
            workload: task.workload,
            host: 'inline',
            digest: '0000000000000000',
            exitClass: 'crash',
            exitCode: 4,
            first,
            simulatedTicks: first.tick,
            events: 0,
          }),
  };
}

/**
 * `result` judged as the variant the sweep is (its options made it one: asItsVariant, as `npusim
 * run` judges it, so a kept result is the one `run --seed N --out` writes); a `--variant` sweep's
 * result is judged already, by describedResult, and a failed one here.
 */
function judgedAs(task: SeedTask, config: RunConfig, result: RunResult): RunResult {
  const j = task.judgeAs;
  const variant = j === undefined ? undefined : task.workload.variants.find((v) => v.name === j.variant);
  const sameAs = j?.by === undefined || variant === undefined ? undefined : { variant, by: j.by };
  return asItsVariant(result, config, task.workload, sameAs);
}

/** Whether the seed met what the sweep's variant expects (judgeExpectation, as `run` judges it). */
function expectationMet(task: SeedTask, result: RunResult): { expectationMet?: boolean } {
  const j = task.judgeAs;
  const variant = j === undefined ? undefined : task.workload.variants.find((v) => v.name === j.variant);
  if (variant === undefined) return {};
  return {
    expectationMet: judgeExpectation(
      variant.expect,
      result,
      task.workload.exposes ?? [],
      runProcesses(result.config),
      declaredBugs(variant),
    ).met,
  };
}

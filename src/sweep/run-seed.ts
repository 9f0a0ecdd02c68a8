/**
 * One seed of a sweep: one whole inline simulation (design.md: sweeps run inline, one simulation
 * per pool task), judged, and turned into a failure file when it fails. Runs in a piscina thread
 * (workers/sweep-worker.ts) or, for one seed, in the caller's thread. A free sweep's seed is a
 * free run on worker threads, started from the caller's thread (sweep.ts), which keeps the threads
 * from seed to seed (runtime/worker-set.ts).
 */
import * as machine from '../model/actors/machine.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import type { Workload } from '../model/scenario/workload.js';
import { assembleResult } from '../report/assemble-result.js';
import { buildFailureFile } from '../repro/failure-file.js';
import { crashFinding, exitClassOf, firstFinding } from '../repro/first-finding.js';
import { runRaw, startThreadedRun } from '../runtime/engine.js';
import type { RawRun } from '../runtime/raw-run.js';
import { ActorCrashError } from '../runtime/run-errors.js';
import type { WorkerSet } from '../runtime/worker-set.js';
import type { SeedOutcome } from './seed-outcome.js';

export interface SeedTask {
  /** The sweep's configuration; its seed is replaced by `seed`. */
  config: RunConfig;
  workload: Workload;
  seed: number;
  /** Free-running threads (src/runtime/free): the seed's run races, and its log replays it. */
  free?: { windowTicks: number };
  /** Free runs only (they run in the caller's thread): polled to stop the run at once (Ctrl-C). */
  shouldStop?: () => boolean;
  /** Free runs only: the sweep's workers, kept from seed to seed (runtime/worker-set.ts). */
  workerSet?: WorkerSet;
}

export async function runSeed(task: SeedTask): Promise<SeedOutcome> {
  const config: RunConfig = { ...task.config, seed: task.seed };
  const started = performance.now();
  try {
    const raw =
      task.free === undefined
        ? await runRaw(config, { host: 'inline' })
        : await startThreadedRun(config, {
            host: 'threaded',
            free: task.free,
            ...(task.shouldStop === undefined ? {} : { shouldStop: task.shouldStop }),
            ...(task.workerSet === undefined ? {} : { workerSet: task.workerSet }),
          }).result;
    return judged(task, config, raw, started);
  } catch (e) {
    if (!(e instanceof ActorCrashError)) throw e;
    return crashed(task, config, e, started);
  }
}

/** The outcome of a seed whose run ended: its result judged, a failure file when it failed. */
function judged(task: SeedTask, config: RunConfig, raw: RawRun, started: number): SeedOutcome {
  const result = assembleResult(config, machine.planMachine(config), raw);
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
  return {
    seed: task.seed,
    status: 'crash',
    exitCode: 4,
    digest: '',
    events: 0,
    simulatedTicks: first.tick,
    wallMs: performance.now() - started,
    first,
    rules: { crash: { count: 1, tick: first.tick } },
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

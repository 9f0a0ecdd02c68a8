/**
 * The threaded runtime: one worker thread per actor, one SharedArrayBuffer ring per directed edge,
 * one doorbell per thread, comlink for control only (docs/theory-of-operation.md#7-the-engine).
 *
 * The main thread plans the machine, allocates every ring and doorbell, starts the workers
 * (workers/actor-host.ts, or machine-host.ts for the real machine), and then only watches: it
 * reads the status board (thread-status.ts) for progress and for the wall-clock watchdog, sends
 * pause/resume/stop to every worker over comlink, and collects each worker's result over comlink
 * at the end. No simulation data passes through it.
 *
 * Failure handling (none of it may hang): an actor that throws makes the run reject with
 * ActorCrashError naming the actor, its tick and its last event, once every worker has run up to
 * that tick (the earliest crash in event order wins: crash-order.ts); a worker that fails to load
 * or exits early rejects it at once; a watchdog that
 * sees no actor move for `watchdogMs` rejects with EngineStallError carrying every ring's state. In
 * every case all workers are terminated before the promise settles. The one exception is a run
 * given a WorkerSet (worker-set.ts) that ended by itself: its workers go back to the set, idle,
 * for the caller's next run, which hands them its actors instead of starting threads.
 *
 * Figures up to the stop. A run that stops at its first finding (stopOnFirst) finds its stop tick
 * S only as it goes, and an actor on another thread may handle events past S before it hears of
 * it (worker-loop.ts "Stop at the first finding"): its digest rolls back to S, but its counters,
 * histograms, DMAs in flight and links cannot. QA: `flush-race --bug single-flush --seed 1
 * --stop-on-first` counted DMAs that completed past the stop as latencies (2151 samples, inline
 * 2074) and left them out of `dma.unfinishedTicks` (165, inline 246), and `dma.inFlightAtEnd`
 * (241) agreed with neither. So such a run makes a second pass over the same seed to S as its
 * end, which no worker passes (an end known from the start), on the same threads (kept in a
 * WorkerSet between the passes), and reports that pass's model figures: the inline run's
 * (threaded-raw-run.ts withFiguresToStop, which asserts both passes' digests agree). It costs
 * the run's time to S once more. A stop request before or during the second pass leaves the
 * first pass's result, whose figures count past the stop, marked so (RawRun.rerunToStop).
 */

import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { ConfigError } from '../core/errors.js';
import { type StrategySpec, strategyForActors } from '../model/choice/strategy.js';
import { Doorbell } from '../transport/doorbell.js';
import { RingPool } from '../transport/ring.js';
import type { ActorHostApi } from './actor-host-api.js';
import { nodeEndpoint } from './comlink-node.js';
import { ControlPlane } from './control-plane.js';
import { firstCrash } from './crash-order.js';
import { createFreeShared } from './free/free-shared.js';
import type { MachineModule, MachinePlan } from './machine-module.js';
import { DEFAULT_PLACEMENT, type Placement, placeActors, placementName } from './placement.js';
import type { RawRun, RunRecording } from './raw-run.js';
import { ActorCrashError, type CrashInfo, WorkerLostError } from './run-errors.js';
import type { ActorHostData } from './serve-actors.js';
import { createStopTick } from './stop-tick.js';
import { CONTROL_PAUSE, CONTROL_RUN, CONTROL_STOP, createStatusBoard } from './thread-status.js';
import { assemble, freeRunFigures, withFiguresToStop } from './threaded-raw-run.js';
import { watchdog } from './threaded-watchdog.js';
import { compileOnWorkerThreads, compilesOnOwnThread } from './worker-compiler.js';
import type { WorkerInit } from './worker-init.js';
import type { WorkerResult } from './worker-result.js';
import { type KeptWorker, WorkerSet } from './worker-set.js';
import { createWorker, ThreadLimitError } from './worker-url.js';

/**
 * The bounded spin before a park when every worker has a core: about 50 us of re-checks (each
 * round pauses ~100 ns), against a futex hand-off of about 37 us here; a window's work is tens of
 * microseconds, so the next safe time usually arrives inside the spin.
 */
const SPIN_ROUNDS_WHEN_CORES_SUFFICE = 500;

/**
 * The process's ring buffers between threaded runs (ring-pool.ts says why): a run takes its rings
 * here and gives them back once none of its workers can touch them again, after the run settled.
 */
const ringPool = new RingPool();

/** What the ring pool has made and served again (tests read it). */
export function ringPoolFigures(): ReturnType<RingPool['figures']> {
  return ringPool.figures();
}

let liveWorkers = 0;
/** Worker threads started by this module and not yet exited (tests assert none is left behind). */
export function liveWorkerCount(): number {
  return liveWorkers;
}

export interface ThreadedOptions extends RunRecording {
  seed: number;
  /** Which worker hosts which actors (placement.ts); default one worker per actor. */
  placement?: Placement;
  /**
   * Rounds a worker re-checks for work before parking. Default: a bounded spin (about 50 us) when
   * the workers do not outnumber the cores, none when they do (a spinning thread would take the
   * core from the thread it waits for).
   */
  spinRounds?: number;
  /** Which chooser each actor gets (default: drawn from the seed). */
  strategy?: StrategySpec;
  endTick: number;
  recordEvents?: number;
  /** Records per ring (a power of two). */
  ringCapacityRecords?: number;
  onProgress?: (tick: number, events: number, findings: number) => void;
  /**
   * A run stopped at its first finding at `stopTick` is about to run again to it for its figures
   * (header, "Figures up to the stop"); that pass reports progress through onProgress anew, from 0.
   */
  onSecondPass?: (stopTick: number) => void;
  progressIntervalMs?: number;
  shouldStop?: () => boolean;
  /** No actor moved for this long (wall clock): the engine is stuck. */
  watchdogMs?: number;
  /** Free mode (free/free-loop.ts): one worker per actor, no safe-time waiting; the drift window. */
  free?: { windowTicks: number };
  /**
   * The worker entry (workers/NAME.ts) that hosts the actors. Default `actor-host`: it imports the
   * machine module by URL in every worker, so any machine works (the tests' fixtures).
   * `machine-host` has the real machine built in, which lets the build bundle it into one file
   * (worker-url.ts); engine.ts uses it, and its workers check that they plan what `machineUrl` planned.
   */
  hostWorker?: 'actor-host' | 'machine-host';
  /**
   * Workers kept from an earlier run (worker-set.ts): this run uses them if they have its shape,
   * and gives them back to the set if it ends by itself. Default: fresh workers, terminated at the
   * end.
   */
  workerSet?: WorkerSet;
}

/** A handle on a running threaded simulation: the control plane. */
export interface ThreadedRun {
  result: Promise<RawRun>;
  /** Each resolves once every worker has taken the command (it acts on it at its next slice). */
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
  /** Live per-actor figures, asked of each worker over comlink; none once the run has settled. */
  snapshot(): Promise<ReturnType<ActorHostApi['snapshot']>[]>;
}

export async function runThreaded<C>(machineUrl: URL, config: C, options: ThreadedOptions): Promise<RawRun> {
  return startThreaded(machineUrl, config, options).result;
}

export function startThreaded<C>(machineUrl: URL, config: C, options: ThreadedOptions): ThreadedRun {
  const control = new ControlPlane();
  const result = runWorkers(machineUrl, config, options, control);
  return {
    result,
    pause: () => control.set(CONTROL_PAUSE),
    resume: () => control.set(CONTROL_RUN),
    stop: () => control.set(CONTROL_STOP),
    // Once the run has settled its workers are gone, or kept for a later run whose figures these
    // are not (worker-set.ts).
    snapshot: () =>
      control.finished ? Promise.resolve([]) : Promise.all(control.remotes.map((r) => r.snapshot())),
  };
}

/**
 * The run, and for a run stopped at its first finding the second pass to its stop (header,
 * "Figures up to the stop"); the control plane is finished only once both passes have settled.
 */
async function runWorkers<C>(
  machineUrl: URL,
  config: C,
  options: ThreadedOptions,
  control: ControlPlane,
): Promise<RawRun> {
  const toStop = options.stopOnFirst === true && options.free === undefined;
  // The second pass runs on the first pass's threads: the caller's set, else one of this run's own.
  const own = toStop && options.workerSet === undefined ? new WorkerSet() : undefined;
  const workerSet = options.workerSet ?? own;
  try {
    const found = await runPass(machineUrl, config, { ...options, workerSet }, control);
    if (found.stopped !== 'first-finding' || !toStop) return found;
    // A signal before the second pass began: none runs, and the figures are the first pass's.
    if (control.stopRequested) return { ...found, rerunToStop: { wallMs: 0, completed: false } };
    // A command given between the passes waits for the second pass's workers (ControlPlane.attach).
    control.remotes = [];
    // Said first, so the progress of the second pass, from 0 to S, does not read as the run going
    // back (it ran with no progress at all at first, a bar frozen at S for as long as the first
    // pass took to reach it).
    options.onSecondPass?.(found.reachedTick);
    const exact = await runPass(
      machineUrl,
      config,
      { ...options, workerSet, endTick: found.reachedTick, stopOnFirst: false },
      control,
    );
    if (exact.stopped !== 'end' || control.stopRequested)
      return { ...found, rerunToStop: { wallMs: exact.wallMs, completed: false } };
    return withFiguresToStop(found, exact, options.seed);
  } finally {
    control.finished = true;
    await own?.close();
  }
}

/** One pass: plans the machine, starts its workers, waits for their results, and terminates every worker. */
async function runPass<C>(
  machineUrl: URL,
  config: C,
  options: ThreadedOptions,
  control: ControlPlane,
): Promise<RawRun> {
  const machine = (await import(machineUrl.href)) as MachineModule<C>;
  const plan = machine.planMachine(config);
  const cores = availableParallelism();
  const { workerOf, workers: workerCount } = placeForRun(plan, options, cores);
  const started = performance.now();
  const { rings, board, inits } = allocateRun(plan, workerOf, workerCount, cores, options);
  // Built once here (planMachine just did), cloned to every worker with the config.
  const world = machine.sharedWorld?.(config);
  const groupName = (w: number) =>
    plan.actors
      .filter((a) => workerOf[a.index] === w)
      .map((a) => a.name)
      .join('+');
  const hostData = (w: number): ActorHostData => ({
    machineUrl: machineUrl.href,
    config,
    world,
    init: inits[w]!,
  });
  const spinning = inits[0]!.spinRounds > 0;
  const hostWorker = options.hostWorker ?? 'actor-host';
  // Kept workers serve only runs of their shape (worker-set.ts): an actor-host worker imported its
  // machine module by URL when it started, and V8 fixed the compile flag below when it made the
  // isolates.
  const compiles = compilesOnOwnThread(workerCount, cores, spinning);
  const shape = `${hostWorker} ${machineUrl.href} ${workerCount} ${compiles}`;
  const set = options.workerSet;
  const kept = set === undefined ? [] : await set.claim(shape);
  const members: KeptWorker[] = [];
  const watches: WorkerWatch[] = [];
  let endedByItself = false;
  try {
    if (kept.length > 0) {
      members.push(...kept);
      watches.push(...kept.map((k, w) => watchWorker(k.worker, groupName(w))));
      // The kept workers build this run's actors; one that fails to is a crash of this run.
      await Promise.race([
        Promise.all(
          kept.map((k, w) =>
            k.remote.prepare(hostData(w)).catch((e: unknown) => {
              throw crashOf(groupName(w), e);
            }),
          ),
        ),
        ...watches.map((x) => x.failure),
      ]);
    } else {
      // Spinning workers that take every core compile on their own threads (worker-compiler.ts).
      compileOnWorkerThreads(workerCount, cores, spinning);
      for (let w = 0; w < workerCount; w++) {
        const worker = spawnWorker(hostWorker, hostData(w), w, workerCount, options.free !== undefined);
        members.push({ worker, remote: Comlink.wrap<ActorHostApi>(nodeEndpoint(worker)) });
        watches.push(watchWorker(worker, groupName(w)));
      }
    }
    control.attach(members.map((m) => m.remote));
    const indexOf = new Map(plan.actors.map((a) => [a.name, a.index]));
    const results = workerResults(
      control.remotes,
      groupName,
      (name) => indexOf.get(name) ?? -1,
      options.free !== undefined,
    );
    const watch = watchdog(
      plan,
      workerCount,
      groupName,
      board.rows,
      rings,
      options,
      () => void control.set(CONTROL_STOP),
    );
    try {
      const done = await Promise.race([results, ...watches.map((x) => x.failure), watch.failed]);
      const raw = assemble(plan, workerOf, groupName, done, performance.now() - started, options.endTick);
      endedByItself = !control.stopRequested;
      return { ...withPlacement(raw, done, options, cores), threadsKept: kept.length > 0 };
    } finally {
      watch.stop();
    }
  } finally {
    for (const x of watches) x.detach();
    if (set !== undefined && endedByItself) {
      await set.keep(shape, members);
    } else {
      for (const m of members) m.remote[Comlink.releaseProxy]();
      await Promise.all(members.map((m) => m.worker.terminate()));
      set?.release();
    }
    // Every worker has exited, or returned from its loop and idles until a later run hands it new
    // rings (worker-set.ts): none touches these again.
    ringPool.giveBack(rings);
  }
}

/** Which worker hosts which actors: one per actor in free mode (refusing another placement). */
function placeForRun(
  plan: MachinePlan,
  options: ThreadedOptions,
  cores: number,
): ReturnType<typeof placeActors> {
  if (
    options.free !== undefined &&
    options.placement !== undefined &&
    options.placement.kind !== 'per-actor'
  ) {
    throw new ConfigError(
      '--workers',
      `Expected one worker per actor with --free (free mode races the actors' own threads), got ${placementName(options.placement)}`,
    );
  }
  const placed = placeActors(
    plan,
    options.free !== undefined ? DEFAULT_PLACEMENT : (options.placement ?? DEFAULT_PLACEMENT),
    cores,
  );
  checkPlan(plan, placed.workerOf);
  return placed;
}

/**
 * Every worker's result, once all have one. An actor's crash rejects it once every worker has
 * settled (a crashed worker lets the others run up to its crash: worker-loop.ts "A crash"), with
 * the crash the inline runtime would meet first (crash-order.ts); in free mode, whose crashes race
 * by design and whose peers could not end without the crashed actor, at once. A worker that failed
 * otherwise rejects it at once.
 */
async function workerResults(
  remotes: Comlink.Remote<ActorHostApi>[],
  groupName: (w: number) => string,
  actorIndex: (name: string) => number,
  free: boolean,
): Promise<WorkerResult[]> {
  const crashes: CrashInfo[] = [];
  const results = await Promise.all(
    remotes.map((r, w) =>
      r.run().then(
        (outcome): WorkerResult | undefined => {
          if (outcome.ok) return outcome.result;
          if (free) throw new ActorCrashError(outcome.crash);
          crashes.push(outcome.crash);
          return undefined;
        },
        (e: unknown) => {
          throw crashOf(groupName(w), e);
        },
      ),
    ),
  );
  if (crashes.length > 0) throw new ActorCrashError(firstCrash(crashes, actorIndex));
  return results as WorkerResult[];
}

/** The run with its placement and cores (and free mode's figures). */
function withPlacement(raw: RawRun, done: WorkerResult[], options: ThreadedOptions, cores: number): RawRun {
  if (options.free !== undefined) {
    return {
      ...raw,
      placement: 'free',
      cores,
      free: freeRunFigures(options.free.windowTicks, raw, done),
    };
  }
  return { ...raw, placement: placementName(options.placement ?? DEFAULT_PLACEMENT), cores };
}

/**
 * The run's shared memory, made before any worker starts: a ring per edge between two workers
 * (inside one, messages go through its heap), a doorbell per worker, the status board, the stop
 * tick, the lowers board and free mode's words; and each worker's WorkerInit over them.
 */
function allocateRun(
  plan: MachinePlan,
  workerOf: number[],
  workerCount: number,
  cores: number,
  options: ThreadedOptions,
): {
  rings: (SharedArrayBuffer | undefined)[];
  board: ReturnType<typeof createStatusBoard>;
  inits: WorkerInit[];
} {
  const capacity = options.ringCapacityRecords ?? 4096;
  const rings = plan.edges.map((e) =>
    workerOf[e.from] === workerOf[e.to] ? undefined : ringPool.take({ capacityRecords: capacity }),
  );
  const bells = Array.from({ length: workerCount }, () => Doorbell.create());
  const board = createStatusBoard(workerCount);
  const stopTick = createStopTick();
  const lowers = new SharedArrayBuffer(8 * workerCount);
  const free =
    options.free === undefined ? undefined : createFreeShared(workerCount, options.free.windowTicks);
  const spinRounds = options.spinRounds ?? (workerCount <= cores ? SPIN_ROUNDS_WHEN_CORES_SUFFICE : 0);
  const inits = Array.from(
    { length: workerCount },
    (_, w): WorkerInit => ({
      plan,
      worker: w,
      workerOf,
      seed: options.seed,
      // Only this worker's actors' choices (a replay's log can be large).
      strategy: strategyForActors(options.strategy, (i) => workerOf[i] === w),
      endTick: options.endTick,
      recordEvents: options.recordEvents ?? 0,
      recordChoices: options.recordChoices,
      stopOnFirst: options.stopOnFirst,
      tailEvents: options.tailEvents,
      tailPages: options.tailPages,
      trace: options.trace,
      rings,
      bells: bells.map((b) => b.buffer),
      statusRows: board.rows,
      horizons: board.horizons,
      stopTick,
      lowers,
      spinRounds,
      ...(free === undefined ? {} : { free }),
    }),
  );
  return { rings, board, inits };
}

/**
 * One worker thread, counted live until it exits. A thread the system refused is said with how
 * many the run needed and the placements that need fewer (worker-url.ts ThreadLimitError); the
 * workers already started are terminated by the caller's `finally`, as for any failed start.
 */
function spawnWorker(
  hostWorker: NonNullable<ThreadedOptions['hostWorker']>,
  workerData: ActorHostData,
  index: number,
  count: number,
  free: boolean,
): Worker {
  let worker: Worker;
  try {
    worker = createWorker(hostWorker, { workerData });
  } catch (e) {
    if (!(e instanceof ThreadLimitError)) throw e;
    // The placements that need fewer threads: `--workers 2` only where two started (QA: it was
    // offered after the system refused the first or second, `--workers 2` itself included).
    throw new ThreadLimitError(
      `Expected to start ${count} worker threads, got EAGAIN from the system at thread ${index + 1}: ${ThreadLimitError.WHY}; ${!free && index >= 2 ? '`--workers 2` needs two, ' : ''}\`--inline\` one`,
    );
  }
  liveWorkers++;
  worker.once('exit', () => liveWorkers--);
  return worker;
}

/** A worker watched for one run: `failure` rejects if it throws or exits; `detach` stops watching. */
interface WorkerWatch {
  failure: Promise<never>;
  detach: () => void;
}

/**
 * Watch `worker` for the length of one run: `failure` rejects with ActorCrashError naming its
 * actors when it throws or exits before the run settles. A kept worker (worker-set.ts) is watched
 * anew by each run it serves, so its listeners are removed when the run settles.
 */
function watchWorker(worker: Worker, name: string): WorkerWatch {
  let onError: (e: Error) => void = () => undefined;
  let onExit: (code: number) => void = () => undefined;
  const failure = new Promise<never>((_, reject) => {
    onError = (e) => reject(crashOf(name, e));
    onExit = (code) => reject(new WorkerLostError(name, `it exited early with code ${code}`));
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
  // Once the run settles, terminating the workers fires 'exit': nobody listens any more.
  failure.catch(() => undefined);
  return {
    failure,
    detach: () => {
      worker.off('error', onError);
      worker.off('exit', onExit);
    },
  };
}

/** A zero-latency edge between two workers would give conservative synchronisation no lookahead. */
function checkPlan(plan: MachinePlan, workerOf: readonly number[]): void {
  for (const e of plan.edges) {
    if (workerOf[e.from] !== workerOf[e.to] && !(e.latencyTicks > 0)) {
      throw new ConfigError(
        `edges[${e.index}]`,
        `Expected a positive latency on ${e.label} (two threads need lookahead), got ${e.latencyTicks} ticks`,
      );
    }
  }
}

/** A worker's 'error': an actor's crash when it carries one, else the worker was lost. */
function crashOf(worker: string, e: unknown): ActorCrashError | WorkerLostError {
  if (e instanceof ActorCrashError) return e;
  const crash = (e as { crash?: CrashInfo } | undefined)?.crash;
  if (crash !== undefined) return new ActorCrashError(crash);
  const err = e instanceof Error ? e : new Error(String(e));
  return new WorkerLostError(worker, err.message, err.stack ?? '');
}

/**
 * The threaded runtime: one worker thread per actor, one SharedArrayBuffer ring per directed edge,
 * one doorbell per thread, comlink for control only (design.md "Architecture").
 *
 * The main thread plans the machine, allocates every ring and doorbell, starts the workers
 * (workers/actor-host.ts, or machine-host.ts for the real machine), and then only watches: it
 * reads the status board (thread-status.ts) for progress and for the wall-clock watchdog, sends
 * pause/resume/stop to every worker over comlink, and collects each worker's result over comlink
 * at the end. No simulation data passes through it.
 *
 * Failure handling (none of it may hang): a worker that throws, fails to load, or exits early makes
 * the run reject with ActorCrashError naming the actor, its tick and its last event; a watchdog that
 * sees no actor move for `watchdogMs` rejects with EngineStallError carrying every ring's state. In
 * every case all workers are terminated before the promise settles.
 */

import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import PQueue from 'p-queue';
import { ConfigError } from '../core/errors.js';
import type { StrategySpec } from '../model/choice/strategy.js';
import { Doorbell } from '../transport/doorbell.js';
import { createRingBuffer, readRingStats } from '../transport/ring.js';
import type { ActorHostApi } from './actor-host-api.js';
import { nodeEndpoint } from './comlink-node.js';
import { type FreeFigures, freeFigures } from './free/free-log.js';
import { createFreeShared } from './free/free-shared.js';
import type { MachineModule, MachinePlan } from './machine-module.js';
import { DEFAULT_PLACEMENT, type Placement, placeActors, placementName } from './placement.js';
import type { RawRun, RunRecording } from './raw-run.js';
import { ActorCrashError, type CrashInfo, EngineStallError } from './run-errors.js';
import { createStopTick } from './stop-tick.js';
import {
  CONTROL_PAUSE,
  CONTROL_RUN,
  CONTROL_STOP,
  createStatusBoard,
  ST_EVENTS,
  ST_FINDINGS,
  ST_PROGRESS,
  ST_STATE,
  ST_TICK,
  STATE_STARTING,
  STATUS_FIELDS,
} from './thread-status.js';
import type { WorkerInit } from './worker-init.js';
import type { WorkerResult } from './worker-result.js';
import { createWorker } from './worker-url.js';

/**
 * The bounded spin before a park when every worker has a core: about 50 us of re-checks (each
 * round pauses ~100 ns), against a futex hand-off of about 37 us here; a window's work is tens of
 * microseconds, so the next safe time usually arrives inside the spin.
 */
const SPIN_ROUNDS_WHEN_CORES_SUFFICE = 500;

/** How long worker start-up may go without any worker moving before it counts as a stall. */
const STARTUP_LIMIT_MS = 120_000;

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
}

/** A handle on a running threaded simulation: the control plane. */
export interface ThreadedRun {
  result: Promise<RawRun>;
  /** Each resolves once every worker has taken the command (it acts on it at its next slice). */
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
  /** Live per-actor figures, asked of each worker over comlink. */
  snapshot(): Promise<ReturnType<ActorHostApi['snapshot']>[]>;
}

export async function runThreaded<C>(machineUrl: URL, config: C, options: ThreadedOptions): Promise<RawRun> {
  return startThreaded(machineUrl, config, options).result;
}

export function startThreaded<C>(machineUrl: URL, config: C, options: ThreadedOptions): ThreadedRun {
  let remotes: Comlink.Remote<ActorHostApi>[] = [];
  let finished = false;
  // The control plane: every command goes to every worker over comlink (design.md). Commands are
  // applied one at a time, in the order they were given (p-queue, concurrency 1), so a pause
  // followed at once by a resume can never leave some workers paused. A command given before the
  // workers exist is kept and sent once they do; one after the end is dropped.
  const commands = new PQueue({ concurrency: 1 });
  let pending: number | undefined;
  const setControl = (v: number): Promise<void> =>
    commands.add(async () => {
      if (finished) return;
      if (remotes.length === 0) {
        pending = v;
        return;
      }
      await Promise.all(remotes.map((r) => r.command(v).catch(() => undefined)));
    });
  const result = (async () => {
    const machine = (await import(machineUrl.href)) as MachineModule<C>;
    const plan = machine.planMachine(config);
    const cores = availableParallelism();
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
    const { workerOf, workers: workerCount } = placeActors(
      plan,
      options.free !== undefined ? DEFAULT_PLACEMENT : (options.placement ?? DEFAULT_PLACEMENT),
      cores,
    );
    checkPlan(plan, workerOf);
    const started = performance.now();
    const capacity = options.ringCapacityRecords ?? 4096;
    // A ring only for an edge between two workers: inside one, messages go through its heap.
    const rings = plan.edges.map((e) =>
      workerOf[e.from] === workerOf[e.to] ? undefined : createRingBuffer({ capacityRecords: capacity }),
    );
    const bells = Array.from({ length: workerCount }, () => Doorbell.create());
    const board = createStatusBoard(workerCount);
    const stopTick = createStopTick();
    const lowers = new SharedArrayBuffer(8 * workerCount);
    const free =
      options.free === undefined ? undefined : createFreeShared(workerCount, options.free.windowTicks);
    const spinRounds = options.spinRounds ?? (workerCount <= cores ? SPIN_ROUNDS_WHEN_CORES_SUFFICE : 0);
    const workers: Worker[] = [];
    const groupName = (w: number) =>
      plan.actors
        .filter((a) => workerOf[a.index] === w)
        .map((a) => a.name)
        .join('+');
    try {
      const failures: Promise<never>[] = [];
      for (let w = 0; w < workerCount; w++) {
        const init: WorkerInit = {
          plan,
          worker: w,
          workerOf,
          seed: options.seed,
          strategy: options.strategy,
          endTick: options.endTick,
          recordEvents: options.recordEvents ?? 0,
          recordChoices: options.recordChoices,
          stopOnFirst: options.stopOnFirst,
          tailEvents: options.tailEvents,
          trace: options.trace,
          rings,
          bells: bells.map((b) => b.buffer),
          statusRows: board.rows,
          horizons: board.horizons,
          stopTick,
          lowers,
          spinRounds,
          ...(free === undefined ? {} : { free }),
        };
        const worker = createWorker(options.hostWorker ?? 'actor-host', {
          workerData: { machineUrl: machineUrl.href, config, init },
        });
        workers.push(worker);
        liveWorkers++;
        worker.once('exit', () => liveWorkers--);
        const name = groupName(w);
        const failure = new Promise<never>((_, reject) => {
          worker.once('error', (e) => reject(crashOf(name, e)));
          worker.once('exit', (code) =>
            reject(new ActorCrashError(crashInfo(name, `worker exited early with code ${code}`))),
          );
        });
        // Once the run settles, terminating the workers fires 'exit': nobody listens any more.
        failure.catch(() => undefined);
        failures.push(failure);
      }
      remotes = workers.map((w) => Comlink.wrap<ActorHostApi>(nodeEndpoint(w)));
      if (pending !== undefined) void setControl(pending);
      const results = Promise.all(
        remotes.map((r, w) =>
          r.run().then(
            (outcome): WorkerResult => {
              if (!outcome.ok) throw new ActorCrashError(outcome.crash);
              return outcome.result;
            },
            (e: unknown) => {
              throw crashOf(groupName(w), e);
            },
          ),
        ),
      );
      const watch = watchdog(
        plan,
        workerCount,
        groupName,
        board.rows,
        rings,
        options,
        () => void setControl(CONTROL_STOP),
      );
      try {
        const done = await Promise.race([results, ...failures, watch.failed]);
        const raw = assemble(plan, workerOf, groupName, done, performance.now() - started, options.endTick);
        if (options.free !== undefined) {
          return {
            ...raw,
            placement: 'free',
            cores,
            free: freeRunFigures(options.free.windowTicks, raw, done),
          };
        }
        return { ...raw, placement: placementName(options.placement ?? DEFAULT_PLACEMENT), cores };
      } finally {
        watch.stop();
      }
    } finally {
      finished = true;
      for (const r of remotes) r[Comlink.releaseProxy]();
      await Promise.all(workers.map((w) => w.terminate()));
    }
  })();
  return {
    result,
    pause: () => setControl(CONTROL_PAUSE),
    resume: () => setControl(CONTROL_RUN),
    stop: () => setControl(CONTROL_STOP),
    snapshot: () => Promise.all(remotes.map((r) => r.snapshot())),
  };
}

/** The take log and free-mode figures of a free run, from its workers (one per actor). */
function freeRunFigures(windowTicks: number, raw: RawRun, results: readonly WorkerResult[]): FreeFigures {
  const log = {
    windowTicks,
    stopped: raw.stopped,
    actors: results.map((r) => ({ ...r.free!.log, finishTick: r.reachedTick })),
  };
  return freeFigures(
    log,
    results.map((r) => r.free!.lateness),
    results.reduce((s, r) => s + r.free!.driftWaits, 0),
  );
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

function crashInfo(actor: string, message: string): CrashInfo {
  return { actor, lastEvent: undefined, tick: -1, message, stack: '' };
}

function crashOf(actor: string, e: unknown): ActorCrashError {
  if (e instanceof ActorCrashError) return e;
  const crash = (e as { crash?: CrashInfo } | undefined)?.crash;
  if (crash !== undefined) return new ActorCrashError(crash);
  const err = e instanceof Error ? e : new Error(String(e));
  return new ActorCrashError({ ...crashInfo(actor, err.message), stack: err.stack ?? '' });
}

function watchdog(
  plan: MachinePlan,
  workerCount: number,
  groupName: (w: number) => string,
  rowsSab: SharedArrayBuffer,
  rings: readonly (SharedArrayBuffer | undefined)[],
  options: ThreadedOptions,
  stopAll: () => void,
): { failed: Promise<never>; stop: () => void } {
  const rows = new Float64Array(rowsSab);
  const watchdogMs = options.watchdogMs ?? 15_000;
  const interval = options.progressIntervalMs ?? 200;
  let lastSum = -1;
  let lastMoveMs = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const failed = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      let sum = 0;
      let minTick = Number.POSITIVE_INFINITY;
      let events = 0;
      let findings = 0;
      for (let w = 0; w < workerCount; w++) {
        const r = w * STATUS_FIELDS;
        sum += rows[r + ST_TICK]! + rows[r + ST_EVENTS]! + rows[r + ST_STATE]!;
        minTick = Math.min(minTick, rows[r + ST_TICK]!);
        events += rows[r + ST_EVENTS]!;
        findings += rows[r + ST_FINDINGS]!;
      }
      options.onProgress?.(minTick, events, findings);
      if (options.shouldStop?.()) stopAll();
      const now = performance.now();
      // Until every worker has started (loaded its code and built its actors), the limit is the
      // start-up's: on a loaded machine, 25 workers loading at once on 2 cores can go longer than
      // the stall limit without any of them finishing, and that is not a stalled engine.
      let starting = false;
      for (let w = 0; w < workerCount; w++)
        if (rows[w * STATUS_FIELDS + ST_STATE] === STATE_STARTING) starting = true;
      const limitMs = starting ? Math.max(watchdogMs, STARTUP_LIMIT_MS) : watchdogMs;
      if (sum !== lastSum) {
        lastSum = sum;
        lastMoveMs = now;
      } else if (now - lastMoveMs > limitMs) {
        stopAll();
        reject(
          new EngineStallError(
            `no worker ${starting ? 'started or ' : ''}moved for ${Math.round(now - lastMoveMs)} ms (wall clock)`,
            {
              workers: Array.from({ length: workerCount }, (_, w) => ({
                actors: groupName(w),
                tick: rows[w * STATUS_FIELDS + ST_TICK],
                events: rows[w * STATUS_FIELDS + ST_EVENTS],
                state: rows[w * STATUS_FIELDS + ST_STATE],
                progress: rows[w * STATUS_FIELDS + ST_PROGRESS],
              })),
              rings: plan.edges.flatMap((e) => {
                const ring = rings[e.index];
                return ring === undefined ? [] : [{ edge: e.label, ...readRingStats(ring) }];
              }),
            },
          ),
        );
      }
    }, interval);
  });
  failed.catch(() => undefined);
  return { failed, stop: () => clearInterval(timer) };
}

/** The least latency of an edge between worker `w` and another (its lookahead); 0 if none. */
function lookaheadOf(plan: MachinePlan, workerOf: readonly number[], w: number): number {
  let least = Number.POSITIVE_INFINITY;
  for (const e of plan.edges) {
    const a = workerOf[e.from] === w;
    const b = workerOf[e.to] === w;
    if (a !== b && e.latencyTicks < least) least = e.latencyTicks;
  }
  return least === Number.POSITIVE_INFINITY ? 0 : least;
}

function assemble(
  plan: MachinePlan,
  workerOf: readonly number[],
  groupName: (w: number) => string,
  results: WorkerResult[],
  wallMs: number,
  endTick: number,
): RawRun {
  const edges = plan.edges.length;
  const sum = (pick: (r: WorkerResult) => number[]): number[] =>
    Array.from({ length: edges }, (_, e) => results.reduce((s, r) => s + pick(r)[e]!, 0));
  const byActor = plan.actors.map((a) => {
    const outcome = results[workerOf[a.index]!]!.actors.find((x) => x.index === a.index);
    if (outcome === undefined)
      throw new Error(`no result for actor ${a.name} from worker ${workerOf[a.index]}`);
    return outcome;
  });
  const stopped = results.some((r) => r.stopped);
  const firstFinding = results.find((r) => r.firstFindingStop !== undefined)?.firstFindingStop;
  return {
    host: 'threaded',
    endTick,
    reachedTick: stopped
      ? Math.min(...results.map((r) => r.reachedTick))
      : firstFinding !== undefined
        ? firstFinding
        : endTick,
    stopped: stopped ? 'interrupted' : firstFinding !== undefined ? 'first-finding' : 'end',
    wallMs,
    events: results.reduce((s, r) => s + r.events, 0),
    actorDigests: byActor.map((a) => a.digest),
    actorEvents: byActor.map((a) => a.events),
    recorded: byActor.map((a) => a.recorded),
    reports: byActor.map((a) => a.report),
    sentPerEdge: sum((r) => r.sentPerEdge),
    receivedPerEdge: sum((r) => r.receivedPerEdge),
    inFlightPerEdge: sum((r) => r.inFlightPerEdge),
    links: byActor.flatMap((a) => a.links).sort((a, b) => a.edge - b.edge),
    rings: results.flatMap((r) => r.rings).sort((a, b) => a.edge - b.edge),
    workers: results.map((r, w) => ({
      actor: groupName(w),
      busyMs: r.busyMs,
      parkedMs: r.parkedMs,
      parks: r.parks,
      events: r.events,
      publishes: r.publishes,
      lookaheadTicks: lookaheadOf(plan, workerOf, w),
    })),
    ...(byActor.every((a) => a.choices !== undefined) ? { choices: byActor.map((a) => a.choices!) } : {}),
    ...(byActor.every((a) => a.chooserCounts !== undefined)
      ? { chooserCounts: byActor.map((a) => a.chooserCounts!) }
      : {}),
    ...(byActor.every((a) => a.tail !== undefined) ? { tails: byActor.map((a) => a.tail!) } : {}),
    ...(byActor.every((a) => a.trace !== undefined) ? { traces: byActor.map((a) => a.trace!) } : {}),
  };
}

/**
 * The threaded runtime: one worker thread per actor, one SharedArrayBuffer ring per directed edge,
 * one doorbell per thread, comlink for control only (design.md "Architecture").
 *
 * The main thread plans the machine, allocates every ring and doorbell, starts the workers
 * (workers/actor-host.ts), and then only watches: it reads the status board (thread-status.ts) for
 * progress and for the wall-clock watchdog, sends pause/resume/stop to every worker over comlink,
 * and collects each worker's result over comlink at the end. No simulation data passes through it.
 *
 * Failure handling (none of it may hang): a worker that throws, fails to load, or exits early makes
 * the run reject with ActorCrashError naming the actor, its tick and its last event; a watchdog that
 * sees no actor move for `watchdogMs` rejects with EngineStallError carrying every ring's state. In
 * every case all workers are terminated before the promise settles.
 */

import type { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import PQueue from 'p-queue';
import { ConfigError } from '../core/errors.js';
import type { StrategySpec } from '../model/choice/strategy.js';
import { Doorbell } from '../transport/doorbell.js';
import { createRingBuffer, readRingStats } from '../transport/ring.js';
import type { ActorHostApi } from './actor-host-api.js';
import { type ActorThreadInit, type ActorThreadResult, createStopTick } from './actor-thread.js';
import { nodeEndpoint } from './comlink-node.js';
import type { MachineModule, MachinePlan } from './machine-module.js';
import type { RawRun, RunRecording } from './raw-run.js';
import { ActorCrashError, type CrashInfo, EngineStallError } from './run-errors.js';
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
  STATUS_FIELDS,
} from './thread-status.js';
import { createWorker } from './worker-url.js';

let liveWorkers = 0;
/** Worker threads started by this module and not yet exited (tests assert none is left behind). */
export function liveWorkerCount(): number {
  return liveWorkers;
}

export interface ThreadedOptions extends RunRecording {
  seed: number;
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
    checkPlan(plan);
    const started = performance.now();
    const capacity = options.ringCapacityRecords ?? 4096;
    const rings = plan.edges.map(() => createRingBuffer({ capacityRecords: capacity }));
    const bells = plan.actors.map(() => Doorbell.create());
    const board = createStatusBoard(plan.actors.length);
    const stopTick = createStopTick();
    const lowers = new SharedArrayBuffer(8 * plan.actors.length);
    const workers: Worker[] = [];
    try {
      const failures: Promise<never>[] = [];
      for (const info of plan.actors) {
        const init: ActorThreadInit = {
          plan,
          index: info.index,
          seed: options.seed,
          strategy: options.strategy,
          endTick: options.endTick,
          recordEvents: options.recordEvents ?? 0,
          recordChoices: options.recordChoices,
          stopOnFirst: options.stopOnFirst,
          tailEvents: options.tailEvents,
          stopTick,
          lowers,
          rings,
          bells: bells.map((b) => b.buffer),
          statusRows: board.rows,
          horizons: board.horizons,
        };
        const worker = createWorker('actor-host', {
          workerData: { machineUrl: machineUrl.href, config, init },
        });
        workers.push(worker);
        liveWorkers++;
        worker.once('exit', () => liveWorkers--);
        const failure = new Promise<never>((_, reject) => {
          worker.once('error', (e) => reject(crashOf(info.name, e)));
          worker.once('exit', (code) =>
            reject(new ActorCrashError(crashInfo(info.name, `worker exited early with code ${code}`))),
          );
        });
        // Once the run settles, terminating the workers fires 'exit': nobody listens any more.
        failure.catch(() => undefined);
        failures.push(failure);
      }
      remotes = workers.map((w) => Comlink.wrap<ActorHostApi>(nodeEndpoint(w)));
      if (pending !== undefined) void setControl(pending);
      const results = Promise.all(
        remotes.map((r, i) =>
          r.run().then(
            (outcome): ActorThreadResult => {
              if (!outcome.ok) throw new ActorCrashError(outcome.crash);
              return outcome.result;
            },
            (e: unknown) => {
              throw crashOf(plan.actors[i]!.name, e);
            },
          ),
        ),
      );
      const watch = watchdog(plan, board.rows, rings, options, () => void setControl(CONTROL_STOP));
      try {
        const done = await Promise.race([results, ...failures, watch.failed]);
        return assemble(plan, done, performance.now() - started, options.endTick);
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

function checkPlan(plan: MachinePlan): void {
  for (const e of plan.edges) {
    if (!(e.latencyTicks > 0)) {
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
  rowsSab: SharedArrayBuffer,
  rings: SharedArrayBuffer[],
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
      for (let a = 0; a < plan.actors.length; a++) {
        const r = a * STATUS_FIELDS;
        sum += rows[r + ST_TICK]! + rows[r + ST_EVENTS]! + rows[r + ST_STATE]!;
        minTick = Math.min(minTick, rows[r + ST_TICK]!);
        events += rows[r + ST_EVENTS]!;
        findings += rows[r + ST_FINDINGS]!;
      }
      options.onProgress?.(minTick, events, findings);
      if (options.shouldStop?.()) stopAll();
      const now = performance.now();
      if (sum !== lastSum) {
        lastSum = sum;
        lastMoveMs = now;
      } else if (now - lastMoveMs > watchdogMs) {
        stopAll();
        reject(
          new EngineStallError(`no actor moved for ${Math.round(now - lastMoveMs)} ms (wall clock)`, {
            actors: plan.actors.map((info, a) => ({
              actor: info.name,
              tick: rows[a * STATUS_FIELDS + ST_TICK],
              events: rows[a * STATUS_FIELDS + ST_EVENTS],
              state: rows[a * STATUS_FIELDS + ST_STATE],
              progress: rows[a * STATUS_FIELDS + ST_PROGRESS],
            })),
            rings: plan.edges.map((e) => ({ edge: e.label, ...readRingStats(rings[e.index]!) })),
          }),
        );
      }
    }, interval);
  });
  failed.catch(() => undefined);
  return { failed, stop: () => clearInterval(timer) };
}

function assemble(plan: MachinePlan, results: ActorThreadResult[], wallMs: number, endTick: number): RawRun {
  const edges = plan.edges.length;
  const sum = (pick: (r: ActorThreadResult) => number[]): number[] =>
    Array.from({ length: edges }, (_, e) => results.reduce((s, r) => s + pick(r)[e]!, 0));
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
    actorDigests: results.map((r) => r.digest),
    actorEvents: results.map((r) => r.events),
    recorded: results.map((r) => r.recorded),
    reports: results.map((r) => r.report),
    sentPerEdge: sum((r) => r.sentPerEdge),
    receivedPerEdge: sum((r) => r.receivedPerEdge),
    inFlightPerEdge: sum((r) => r.inFlightPerEdge),
    links: results.flatMap((r) => r.links).sort((a, b) => a.edge - b.edge),
    rings: results.flatMap((r) => r.rings).sort((a, b) => a.edge - b.edge),
    workers: results.map((r, i) => ({
      actor: plan.actors[i]!.name,
      busyMs: r.busyMs,
      parkedMs: r.parkedMs,
      parks: r.parks,
      events: r.events,
    })),
    ...(results.every((r) => r.choices !== undefined) ? { choices: results.map((r) => r.choices!) } : {}),
    ...(results.every((r) => r.tail !== undefined) ? { tails: results.map((r) => r.tail!) } : {}),
  };
}

/**
 * The body of a worker that hosts a group of actors (one P9 chip, one GPU or the coordinator with
 * the default placement; several with --workers N). Thin by design (piscina's worker.ts): check
 * workerData, build this worker's actors, and expose the control plane over comlink. The loop
 * itself is worker-loop.ts (free mode: free/free-loop.ts).
 *
 * Two worker entries call it, differing only in how they get the machine module:
 * workers/actor-host.ts imports it by URL (any machine: the tests' fixture machines), and
 * workers/machine-host.ts imports the real machine statically, so that `npm run build` can bundle
 * that worker and all the code it runs into one file (scripts/bundle-workers.ts): a worker then
 * loads one module instead of about a hundred (bench/README.md "Start-up").
 */
import type { MessagePort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { assert } from '../core/errors.js';
import { nodeRecorder } from '../metrics/node-recorder.js';
import type { ActorHostApi } from './actor-host-api.js';
import { nodeEndpoint } from './comlink-node.js';
import { FreeWorkerLoop } from './free/free-loop.js';
import type { MachineModule, MachinePlan } from './machine-module.js';
import type { WorkerInit } from './worker-init.js';
import { type Crash, WorkerLoop } from './worker-loop.js';

/** What the threaded runtime hands each worker (threaded-runtime.ts). */
export interface ActorHostData {
  /** The machine module the main thread planned with (actor-host imports it; machine-host checks it). */
  machineUrl: string;
  config: unknown;
  /** The machine's initial state, built once by the main thread (MachineModule.sharedWorld). */
  world?: unknown;
  init: WorkerInit;
}

/** workerData as the threaded runtime sends it, or a TypeError naming what is missing. */
export function checkHostData(host: string, data: unknown): ActorHostData {
  const d = data as Partial<ActorHostData> | undefined;
  if (d === undefined || typeof d.machineUrl !== 'string' || d.init === undefined) {
    throw new TypeError(
      `${host}: expected workerData {machineUrl, config, init}, got ${JSON.stringify(Object.keys(d ?? {}))}`,
    );
  }
  if (
    !Array.isArray(d.init.rings) ||
    !Array.isArray(d.init.bells) ||
    !(d.init.statusRows instanceof SharedArrayBuffer)
  ) {
    throw new TypeError(
      `${host}: workerData.init must carry rings, bells and the status board as SharedArrayBuffers`,
    );
  }
  return d as ActorHostData;
}

/**
 * Build this worker's actors from `machine` and serve the control plane on `port`. The worker can
 * host later runs too (worker-set.ts): `prepare` builds the actors of the next run's data in place
 * of the last run's, once that run has ended.
 */
export function serveActors(machine: MachineModule, data: ActorHostData, port: MessagePort): void {
  let loop = buildLoop(machine, data);
  let running = false;
  const api: ActorHostApi = {
    run: async () => {
      running = true;
      try {
        return { ok: true, result: await loop.run() };
      } catch (e) {
        const crash = (e as { crash?: Crash }).crash;
        if (crash !== undefined) return { ok: false, crash };
        throw e;
      } finally {
        running = false;
      }
    },
    prepare: (next: unknown) => {
      // The main thread hands a kept worker on only after its run settled (worker-set.ts).
      assert(!running, `worker ${data.init.worker}: asked to prepare a run while one is running`);
      data = checkHostData('prepare', next);
      loop = buildLoop(machine, data);
    },
    snapshot: () => loop.snapshot(),
    command: (c: number) => loop.setCommand(c),
  };
  Comlink.expose(api, nodeEndpoint(port));
}

/** This worker's actors for one run and the loop that runs them. */
function buildLoop(machine: MachineModule, data: ActorHostData): WorkerLoop | FreeWorkerLoop {
  const { init } = data;
  if (data.world !== undefined) machine.adoptWorld?.(data.config, data.world);
  // Both sides of the hand-off agree on the machine: the main thread planned with data.machineUrl,
  // and this worker builds its actors from `machine` (machine-host has the real one built in).
  // With an adopted World the plan comes from the main thread's World, so this checks the worker's
  // planning code against it; without one (a fixture machine), the worker's World as well.
  const own = machine.planMachine(data.config);
  const names = (p: MachinePlan) => `${p.actors.map((a) => a.name).join(',')} / ${p.edges.length} edges`;
  assert(
    names(own) === names(init.plan),
    `worker ${init.worker}: expected the plan the main thread made from ${data.machineUrl} (${names(init.plan)}), ` +
      `this worker's machine plans ${names(own)}`,
  );
  const recorder = nodeRecorder(init.endTick);
  const actors = init.plan.actors
    .filter((a) => init.workerOf[a.index] === init.worker)
    .map((a) => machine.createActor(data.config, init.plan, a.index, recorder));
  // Free mode: one actor, no safe-time waiting (free-loop.ts); otherwise the conservative loop.
  return init.free !== undefined ? new FreeWorkerLoop(actors[0]!, init) : new WorkerLoop(actors, init);
}

/**
 * Worker host for a group of actors (one P9 chip, one GPU or the coordinator with the default
 * placement; several with --workers N). Thin by design (piscina's worker.ts): check workerData,
 * load the machine module, build this worker's actors, and expose the control plane over comlink.
 * The loop itself is src/runtime/worker-loop.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { nodeRecorder } from '../src/metrics/node-recorder.js';
import type { ActorHostApi } from '../src/runtime/actor-host-api.js';
import { nodeEndpoint } from '../src/runtime/comlink-node.js';
import { FreeWorkerLoop } from '../src/runtime/free/free-loop.js';
import type { MachineModule } from '../src/runtime/machine-module.js';
import { type Crash, type WorkerInit, WorkerLoop } from '../src/runtime/worker-loop.js';

interface HostData {
  machineUrl: string;
  config: unknown;
  init: WorkerInit;
}

function check(data: unknown): HostData {
  const d = data as Partial<HostData> | undefined;
  if (d === undefined || typeof d.machineUrl !== 'string' || d.init === undefined) {
    throw new TypeError(
      `actor-host: expected workerData {machineUrl, config, init}, got ${JSON.stringify(Object.keys(d ?? {}))}`,
    );
  }
  if (
    !Array.isArray(d.init.rings) ||
    !Array.isArray(d.init.bells) ||
    !(d.init.statusRows instanceof SharedArrayBuffer)
  ) {
    throw new TypeError(
      'actor-host: workerData.init must carry rings, bells and the status board as SharedArrayBuffers',
    );
  }
  return d as HostData;
}

if (parentPort === null) throw new Error('actor-host must run as a worker thread');
const data = check(workerData);
const machine = (await import(data.machineUrl)) as MachineModule;
const actors = data.init.plan.actors
  .filter((a) => data.init.workerOf[a.index] === data.init.worker)
  .map((a) => machine.createActor(data.config, data.init.plan, a.index, nodeRecorder));
// Free mode: one actor, no safe-time waiting (free-loop.ts); otherwise the conservative loop.
const loop =
  data.init.free !== undefined
    ? new FreeWorkerLoop(actors[0]!, data.init)
    : new WorkerLoop(actors, data.init);

const api: ActorHostApi = {
  run: async () => {
    try {
      return { ok: true, result: await loop.run() };
    } catch (e) {
      const crash = (e as { crash?: Crash }).crash;
      if (crash !== undefined) return { ok: false, crash };
      throw e;
    }
  },
  snapshot: () => loop.snapshot(),
  command: (c: number) => loop.setCommand(c),
};
Comlink.expose(api, nodeEndpoint(parentPort));

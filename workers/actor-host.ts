/**
 * Worker host for one actor (a P9 chip, a GPU or the coordinator). Thin by design (piscina's
 * worker.ts): check workerData, load the machine module, build this worker's actor, and expose the
 * control plane over comlink. The loop itself is src/runtime/actor-thread.ts.
 */

import { parentPort, workerData } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { nodeRecorder } from '../src/metrics/node-recorder.js';
import type { ActorHostApi } from '../src/runtime/actor-host-api.js';
import { ActorThread, type ActorThreadInit, type Crash } from '../src/runtime/actor-thread.js';
import { nodeEndpoint } from '../src/runtime/comlink-node.js';
import type { MachineModule } from '../src/runtime/machine-module.js';

interface HostData {
  machineUrl: string;
  config: unknown;
  init: ActorThreadInit;
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
const actor = machine.createActor(data.config, data.init.plan, data.init.index, nodeRecorder);
const thread = new ActorThread(actor, data.init);

const api: ActorHostApi = {
  run: async () => {
    try {
      return { ok: true, result: await thread.run() };
    } catch (e) {
      const crash = (e as { crash?: Crash }).crash;
      if (crash !== undefined) return { ok: false, crash };
      throw e;
    }
  },
  snapshot: () => thread.snapshot(),
  command: (c: number) => thread.setCommand(c),
};
Comlink.expose(api, nodeEndpoint(parentPort));

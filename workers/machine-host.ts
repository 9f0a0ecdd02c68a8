/**
 * Worker host for a group of actors of the real machine (src/model/actors/machine.ts), which it
 * imports statically rather than by URL, so that `npm run build` can bundle this worker and every
 * module it runs into one file (scripts/bundle-workers.ts): each of a run's workers then loads one
 * file, with V8's code cache, instead of resolving and compiling about a hundred modules
 * (src/runtime/worker-url.ts picks the bundle; bench/README.md "Start-up"). The body is
 * src/runtime/serve-actors.ts, which checks that the plan the main thread sent is the one this
 * machine makes.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { nodeRecorder } from '../src/metrics/node-recorder.js';
import * as machine from '../src/model/actors/machine.js';
import type { RunConfig } from '../src/model/scenario/run-config.js';
import { checkHostData, serveActors } from '../src/runtime/serve-actors.js';

/**
 * Build every actor of `config`, as a run's workers do between them. Only the build calls it, on
 * the bundle in its own main thread, so that the code cache it then takes holds the compiled
 * construction code (scripts/bundle-workers.ts).
 */
export function warmUp(config: RunConfig): void {
  const plan = machine.planMachine(config);
  const recorder = nodeRecorder(config.params.durationTicks);
  for (const a of plan.actors) machine.createActor(config, plan, a.index, recorder);
}

// Loaded as a worker (the only way a run loads it): host this worker's actors.
if (!isMainThread) {
  if (parentPort === null) throw new Error('machine-host: expected a parent port in a worker thread');
  serveActors(machine, checkHostData('machine-host', workerData), parentPort);
}

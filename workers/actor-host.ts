/**
 * Worker host for a group of actors of any machine, loaded by URL (the tests' fixture machines;
 * the real machine has its own host, machine-host.ts, which the build bundles). The body is
 * src/runtime/serve-actors.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { MachineModule } from '../src/runtime/machine-module.js';
import { checkHostData, serveActors } from '../src/runtime/serve-actors.js';

if (parentPort === null) throw new Error('actor-host must run as a worker thread');
const data = checkHostData('actor-host', workerData);
serveActors((await import(data.machineUrl)) as MachineModule, data, parentPort);

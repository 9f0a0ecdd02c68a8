/**
 * Every workload `npusim list` shows, in order. One file per workload; each is plain data declared
 * with `defineWorkload` (src/model/workload.ts), validated when this module loads.
 */
import type { Workload } from '../src/model/scenario/workload.js';
import atsdDeadlock from './atsd-deadlock.js';
import atsdHang from './atsd-hang.js';
import contextChurn from './context-churn.js';
import firmwareUpdate from './firmware-update.js';
import flushRace from './flush-race.js';
import gpuReset from './gpu-reset.js';
import kexecBoot from './kexec-boot.js';
import shootdownStorm from './shootdown-storm.js';
import stress from './stress.js';
import tceParallelMap from './tce-parallel-map.js';
import tceStorm from './tce-storm.js';
import tenantIsolation from './tenant-isolation.js';

export const workloads: Workload[] = [
  stress,
  shootdownStorm,
  flushRace,
  tceStorm,
  tenantIsolation,
  firmwareUpdate,
  atsdDeadlock,
  atsdHang,
  contextChurn,
  kexecBoot,
  gpuReset,
  tceParallelMap,
];

/**
 * Every workload `npusim list` shows, in order. One file per workload; each is plain data declared
 * with `defineWorkload` (src/model/scenario/workload.ts), validated when this module loads. `mixed`
 * is what `npusim run` runs by default (src/cli/commands.ts DEFAULT_WORKLOAD).
 */
import type { Workload } from '../src/model/scenario/workload.js';
import atsdDeadlock from './atsd-deadlock.js';
import atsdHang from './atsd-hang.js';
import contextChurn from './context-churn.js';
import dmaStorm from './dma-storm.js';
import firmwareUpdate from './firmware-update.js';
import flushRace from './flush-race.js';
import gpuReset from './gpu-reset.js';
import guestAtsd from './guest-atsd.js';
import kexecBoot from './kexec-boot.js';
import largePages from './large-pages.js';
import mixed from './mixed.js';
import multiTenant from './multi-tenant.js';
import p2pAllreduce from './p2p-allreduce.js';
import shootdownStorm from './shootdown-storm.js';
import stress from './stress.js';
import tceParallelMap from './tce-parallel-map.js';
import tceStorm from './tce-storm.js';
import tenantIsolation from './tenant-isolation.js';

export const workloads: Workload[] = [
  mixed,
  stress,
  dmaStorm,
  p2pAllreduce,
  multiTenant,
  guestAtsd,
  largePages,
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

/**
 * Every workload `npusim list` shows, in order. One file per workload; each is plain data declared
 * with `defineWorkload` (src/model/workload.ts), validated when this module loads.
 */
import type { Workload } from '../src/model/workload.js';
import stress from './stress.js';

export const workloads: Workload[] = [stress];

/**
 * How many lookups a cache had over a run (its hits and misses, summed over actors). A run with
 * none has no hit rate: the result's rate is null for it (assemble-result.ts; 0 in a result
 * of 0.6.2 or earlier), so every place that prints a rate asks this too and prints `-`, as the per-socket
 * table and `npusim compare` do.
 */
import type { RunResult } from './run-result.js';

export type CacheName = 'ats' | 'tce';

export function cacheLookups(r: RunResult, cache: CacheName): number {
  return (r.counts[`${cache}.hits`] ?? 0) + (r.counts[`${cache}.misses`] ?? 0);
}

/**
 * A built-in workload's run as a test needs it: its parameters, a variant's set and profile over
 * them, then the test's own sets, for `durationTicks` of simulated time (seed 1, no bug switches).
 */
import type { RunConfig } from '../../src/model/scenario/run-config.js';
import { applySets, parseParams } from '../../src/model/scenario/workload-params.js';
import { workloads } from '../../workloads/index.js';

export function variantConfig(
  name: string,
  durationTicks: number,
  sets: Record<string, unknown> = {},
  variant?: string,
): RunConfig {
  const w = workloads.find((x) => x.name === name)!;
  const v = w.variants.find((x) => x.name === variant);
  let params = parseParams({ ...w.params, durationTicks }, name);
  if (v !== undefined) params = parseParams(applySets(params, v.set), name);
  params = parseParams(applySets(params, sets), name);
  return { workload: name, seed: 1, bugs: [], params, ...(v?.profile ? { profile: v.profile } : {}) };
}

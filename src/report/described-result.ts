/**
 * A finished run's result as `npusim run` reports it: the raw run assembled (assemble-result.ts)
 * with its workload's question and headline on it (headline.ts). `run`, each of its variants, and
 * a sweep writing its seeds' results (`sweep --results DIR`) share it, so a sweep's result for a
 * seed is the one `npusim run --seed N --inline --out FILE` writes, and the two compare alike.
 */
import type { RunConfig } from '../model/scenario/run-config.js';
import type { Workload } from '../model/scenario/workload.js';
import type { MachinePlan } from '../runtime/machine-module.js';
import type { RawRun } from '../runtime/raw-run.js';
import { assembleResult } from './assemble-result.js';
import { evaluateHeadline } from './headline.js';
import type { RunResult } from './run-result.js';

/** The result of a run that ended, with its workload's answer. */
export function describedResult(
  config: RunConfig,
  plan: MachinePlan,
  raw: RawRun,
  workload: Workload,
): RunResult {
  const result = assembleResult(config, plan, raw);
  if (workload.question !== undefined) result.question = workload.question;
  if (workload.headline.length > 0) result.headline = evaluateHeadline(workload.headline, result);
  return result;
}

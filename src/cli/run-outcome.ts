/**
 * From what a run gave back to its result: a raw run assembled (report/assemble-result.ts) with
 * the workload's question and headline on it (report/headline.ts), or the error a run threw as
 * the failure a result records (a crashed actor, an engine that stopped moving). The main run and
 * each variant share both.
 */
import type { RunConfig } from '../model/scenario/run-config.js';
import type { Workload } from '../model/scenario/workload.js';
import { assembleResult, type RunFailure } from '../report/assemble-result.js';
import { evaluateHeadline } from '../report/headline.js';
import type { RunResult } from '../report/run-result.js';
import type { MachinePlan } from '../runtime/machine-module.js';
import type { RawRun } from '../runtime/raw-run.js';
import { ActorCrashError, EngineStallError } from '../runtime/run-errors.js';

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

/** A crash or a stall as the failure its result records; undefined for any other error. */
export function runFailureOf(error: unknown): RunFailure | undefined {
  if (error instanceof ActorCrashError) return { kind: 'crash', crash: error.crash };
  if (error instanceof EngineStallError) return { kind: 'stall', message: error.message, dump: error.dump };
  return undefined;
}

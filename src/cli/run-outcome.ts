/**
 * The error a run threw as the failure its result records (a crashed actor, an engine that stopped
 * moving). The main run and each variant share it, as they share report/described-result.ts for a
 * run that ended.
 */
import type { RunFailure } from '../report/assemble-result.js';
import { ActorCrashError, EngineStallError } from '../runtime/run-errors.js';

/** A crash or a stall as the failure its result records; undefined for any other error. */
export function runFailureOf(error: unknown): RunFailure | undefined {
  if (error instanceof ActorCrashError) return { kind: 'crash', crash: error.crash };
  if (error instanceof EngineStallError) return { kind: 'stall', message: error.message, dump: error.dump };
  return undefined;
}

/**
 * Before a run or a sweep: a `--policy` the user gave that cannot change the run
 * (model/scenario/policy-reach.ts) is said on stderr, and the run goes on as asked. Only for a
 * policy the user chose: a workload's own is its author's, whatever it does. QA: `run` said it,
 * `sweep` did not, and two sweeps compared by policy read `0 of 302 judged figures changed`.
 */
import { policyWithoutEffect } from '../model/scenario/policy-reach.js';
import type { WorkloadParams } from '../model/scenario/workload-params.js';
import { type CliIo, sayText } from './cli-io.js';

/** `given`: the `--policy` as given (undefined: none); `where`: the run it is said of. */
export function sayInertPolicy(
  given: string | undefined,
  params: WorkloadParams,
  io: CliIo,
  where = 'this run',
): void {
  const noEffect = given === undefined ? undefined : policyWithoutEffect(params);
  if (noEffect !== undefined)
    io.stderr.write(sayText(`--policy ${params.policy} has no effect on ${where}: ${noEffect}`));
}

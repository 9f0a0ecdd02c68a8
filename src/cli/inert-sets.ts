/**
 * Before a run or a sweep: each `--set` that has nothing to act on with the run's parameters
 * (model/scenario/param-reach.ts) is said on stderr. The run goes on as asked: its events are the
 * ones it would have without the set, but it is a new run by its parameters, with a new run
 * digest, which read as a new experiment (QA: `--set gpu.collectiveBytes=4096` on a run with no
 * collective). A workload's variants run with their own parameters, so each is looked at too, as
 * inert-bugs.ts does for `--bug`.
 */
import { setsWithNothingToActOn } from '../model/scenario/param-reach.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import { type CliIo, sayText } from './cli-io.js';

/**
 * `sets` (each `--set` as given) that act on nothing in `config`'s run or in one of `variants`
 * (name and configuration), which run after it in the same command.
 */
export function sayInertSets(
  sets: readonly { path: string; value: unknown }[],
  config: RunConfig,
  io: CliIo,
  variants: readonly { name: string; config: RunConfig }[] = [],
): void {
  if (sets.length === 0) return;
  const runs = [
    { where: variants.length > 0 ? "the workload's own run" : 'this run', config },
    ...variants.map((v) => ({ where: `variant ${v.name}`, config: v.config })),
  ];
  for (const { where, config: c } of runs) {
    for (const { path, why } of setsWithNothingToActOn(c.params, sets)) {
      io.stderr.write(
        sayText(
          `--set ${path} has nothing to act on in ${where}: ${why}; its events are the same as without it (only the run digest, which hashes the parameters, differs)`,
        ),
      );
    }
  }
}

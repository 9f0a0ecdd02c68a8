/**
 * Before a run or a sweep: each `--bug` switch that has nothing to act on with the run's parameters
 * (model/scenario/bug-reach.ts) is said on stderr, so a clean verdict is not read as the bug's
 * absence. The run goes on as asked (the switch is harmless). A workload's variants run with their
 * own parameters, so each is looked at too: a switch can act on the workload's own run and have
 * nothing to act on in one of its variants (`multi-tenant --bug links-enabled-per-gpu`: its
 * `per-gpu` and `per-socket` variants), or the other way round. A profile's own switches are not said: a profile
 * is a release, whatever a workload uses.
 */

import { runProcesses } from '../model/actors/run-processes.js';
import { bugsWithNothingToActOn } from '../model/scenario/bug-reach.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import { type CliIo, sayText } from './cli-io.js';

/**
 * `config`'s inert switches; `variants` (name and configuration) are the variants that run after
 * it, in the same command. With variants, the main run is called "the workload's own run".
 */
export function sayInertBugs(
  config: RunConfig,
  io: CliIo,
  variants: readonly { name: string; config: RunConfig }[] = [],
): void {
  const runs = [
    { where: variants.length > 0 ? "the workload's own run" : 'this run', config },
    ...variants.map((v) => ({ where: `variant ${v.name}`, config: v.config })),
  ];
  for (const { where, config: c } of runs) {
    for (const { bug, why } of bugsWithNothingToActOn(c.params, c.bugs, runProcesses(c))) {
      io.stderr.write(
        sayText(`--bug ${bug} has nothing to act on in ${where}: ${why}; it runs as without the switch`),
      );
    }
  }
}

/**
 * Before a run or a sweep: each `--bug` switch that has nothing to act on with the run's parameters
 * (model/scenario/bug-reach.ts) is said on stderr, so a clean verdict is not read as the bug's
 * absence. The run goes on as asked (the switch is harmless, and a variant may give it a step to
 * act on). A profile's own switches are not said: a profile is a release, whatever a workload uses.
 */
import { bugsWithNothingToActOn } from '../model/scenario/bug-reach.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import type { CliIo } from './cli-io.js';

export function sayInertBugs(config: RunConfig, io: CliIo): void {
  for (const { bug, why } of bugsWithNothingToActOn(config.params, config.bugs)) {
    io.stderr.write(
      `npusim: --bug ${bug} has nothing to act on in this run: ${why}; it runs as without the switch\n`,
    );
  }
}

/**
 * What a run is expected to find under the command's `--bug` switches. A switch the workload
 * exposes (`exposes`: the rules it is built to show for that switch) makes the run expected to
 * find those rules, as well as any the run was declared to find: its own `expect` describes the
 * workload without the switch (QA: `npusim run tce-storm --bug tce-kill-no-advance` read `clean:
 * NOT as expected` for its own run, though the workload declares that switch's
 * `translation.stale-tce`). A switch with nothing to act on in the run (bug-reach.ts: a variant
 * whose parameters leave it inert) changes nothing, so it changes no expectation either; with a
 * switch the workload does not expose, the declaration stands: nothing says what that switch
 * should find there.
 */
import { bugsWithNothingToActOn, type RunProcesses } from './bug-reach.js';
import type { BugName } from './bugs.js';
import type { Expectation, Workload } from './workload.js';
import type { WorkloadParams } from './workload-params.js';

export function expectationUnderBugs(
  declared: Expectation,
  exposes: Workload['exposes'],
  run: { bugs: readonly BugName[]; params: WorkloadParams },
  processes?: RunProcesses,
): Expectation {
  const inert = new Set(bugsWithNothingToActOn(run.params, run.bugs, processes).map((b) => b.bug));
  const acting = run.bugs.filter((b) => !inert.has(b));
  if (acting.length === 0) return declared;
  const rules = new Set(declared === 'clean' ? [] : declared);
  for (const bug of acting) {
    const shown = exposes?.find((e) => e.bug === bug);
    if (shown === undefined) return declared;
    for (const rule of shown.rules) rules.add(rule);
  }
  // A switch whose rules the run was declared to find already changes nothing: the declaration
  // stands, and no verdict says the switch made it (QA: every variant of tce-storm, each declared
  // to find translation.stale-tce, was listed as expected so under --bug tce-kill-no-advance).
  if (declared !== 'clean' && rules.size === declared.length) return declared;
  return [...rules];
}

/** The run's `--bug` switches the workload exposes: those an expectation under them names. */
export function exposedBugs(exposes: Workload['exposes'], bugs: readonly BugName[]): BugName[] {
  return (exposes ?? []).filter((e) => bugs.includes(e.bug)).map((e) => e.bug);
}

/**
 * The run's `--bug` switches the workload exposes nothing for: its expectation was declared for
 * runs without them, which a verdict says beside it (a run's and a sweep's: headline.ts).
 */
export function unexposedBugs(exposes: Workload['exposes'], bugs: readonly BugName[]): BugName[] {
  return bugs.filter((b) => !(exposes ?? []).some((x) => x.bug === b));
}

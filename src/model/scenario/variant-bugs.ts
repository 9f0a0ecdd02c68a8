/**
 * The bug switches a variant's run has: the caller's (`--bug`, runWorkload's `bugs`) and then the
 * variant's own `bugs` (workload.ts), each once. Every place that builds a variant's configuration
 * asks this one function (the command line's side-by-side runs and `--variant`, the library's
 * `variant`, a sweep), so the run, its digest and its reproduce line agree whichever built it.
 * The order is the caller's, then the variant's: a reproduce line names them all (`--variant
 * single-flush --bug single-flush`), which reads back to the same list, so the same digest.
 *
 * A variant's switch that the run's profile already carries (a variant naming no profile, run on
 * `--profile as-shipped`) is left out: the profile switches it on, and naming it too would give
 * the one machine a second digest (carried-bugs.ts).
 */
import type { BugName } from './bugs.js';
import { carriedBugs } from './carried-bugs.js';
import { PROFILES, type ProfileName } from './profiles.js';
import type { Variant } from './workload.js';

export function variantRunBugs(
  bugs: readonly BugName[],
  variant: Pick<Variant, 'bugs'> | undefined,
  profile: ProfileName | undefined,
): BugName[] {
  const own = variant?.bugs ?? [];
  const carried = profile === undefined ? [] : carriedBugs(own, profile);
  // The caller's list as given (a repeat in it is the caller's to refuse: check-run-input.ts).
  return [...bugs, ...own.filter((b) => !carried.includes(b) && !bugs.includes(b))];
}

/**
 * The switches a variant's `expect` is declared for: its own `bugs` and those of the profile it
 * names (guest-atsd's `as-shipped`, declared to find what as-shipped's host-atsd-ignores-lparid
 * does). A run's other switches, the command's `--bug`s and those of the command's `--profile`,
 * widen its expectation by what the workload exposes for them (bug-expectation.ts).
 */
export function declaredBugs(variant: Pick<Variant, 'bugs' | 'profile'>): BugName[] {
  const carried: readonly BugName[] = variant.profile === undefined ? [] : PROFILES[variant.profile].bugs;
  return [...new Set([...variant.bugs, ...carried])];
}

/**
 * The switches a run's expectation is judged under (bug-expectation.ts): those its profile carries
 * and its `--bug`s, less `own`, those the declaration is for (declaredBugs). One reading for a
 * run's verdict, a sweep's summary and the workload's own run (QA: a sweep on `--profile
 * as-shipped` judged each seed by the wider expectation and printed the narrower).
 */
export function judgedBugs(
  config: { bugs: readonly BugName[]; profile?: ProfileName },
  own: readonly string[] = [],
): BugName[] {
  const carried: readonly BugName[] = config.profile === undefined ? [] : PROFILES[config.profile].bugs;
  return [...new Set([...carried, ...config.bugs])].filter((b) => !own.includes(b));
}

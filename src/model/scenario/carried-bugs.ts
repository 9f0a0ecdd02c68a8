/**
 * Bug switches a run's profile already carries (profiles.ts `bugs`). Naming one beside the
 * profile runs the same machine, yet its name in a RunConfig's `bugs` gave the run a digest of its
 * own (QA: one run, two digests), and a reproduce line that `npusim run` refuses. The profile may
 * be typed (`--profile as-shipped`, runWorkload's `profile`) or come with a variant that names it
 * (`--variant as-shipped`, `variant: 'as-shipped'`): both are refused alike, one line per switch,
 * by the command line and by the library. A workload's variant run after its own run (the
 * command line's side-by-side table) leaves the switch out and says so (cli/run-variants.ts).
 */
import { gotText } from '../../core/shown-text.js';
import { PROFILES, type ProfileName } from './profiles.js';

/** The switches of `bugs` that `profile` already carries, in the order given, each once. */
export function carriedBugs(bugs: readonly unknown[], profile: ProfileName): string[] {
  const carried: readonly string[] = PROFILES[profile].bugs;
  return [...new Set(bugs)].filter((bug): bug is string => typeof bug === 'string' && carried.includes(bug));
}

/**
 * The refusal of `bug`, a switch the profile already carries; `profileText` names that profile as
 * the caller gave it (`--profile as-shipped`, `profile as-shipped of --variant as-shipped`).
 */
export function carriedBugMessage(bug: string, profileText: string): string {
  return `Expected a bug switch ${profileText} does not already carry, got ${gotText(bug)} (the profile switches it on; \`npusim list\` shows each profile's switches)`;
}

/**
 * A profile as the summary's header and the HTML report name it: its name, its own bug switches
 * ("its": the run's `--bug` switches are said apart, and `fixed (bug switches: none)` beside
 * `bug switches single-flush` read as a contradiction; QA), and
 * its missing BAR0 filter when it has none (the profile's kernel knob), since a profile's switches
 * and knobs are what its findings come from.
 */
import { PROFILES, type ProfileName } from '../model/scenario/profiles.js';

export function profileText(profile: ProfileName): string {
  const p = PROFILES[profile];
  return `${profile} (its bug switches: ${p.bugs.join(', ') || 'none'}${p.kernel.vfioBar0Filter ? '' : '; no BAR0 filter'})`;
}

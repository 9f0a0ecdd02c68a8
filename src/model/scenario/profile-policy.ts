/**
 * Whether a run's IOMMU group policy is one its profile's releases could form. A profile named for
 * releases (`as-shipped`: Linux v5.12) lists the policies they had (profiles.ts `policies`);
 * another policy is not refused, since a what-if on that release is a fair question ("what if
 * v5.12 had merged isolate_nvlink?"), but the run says it is one: a clean `tenant-isolation
 * --profile as-shipped` is no claim about the shipped machine, which formed one group per NPU.
 */
import type { GroupPolicy } from '../platform/iommu-groups.js';
import { DEFAULT_PROFILE, PROFILES, type Profile, type ProfileName } from './profiles.js';
import type { RunConfig } from './run-config.js';

/**
 * One line saying that `policy` is not in `profile`'s releases and what they had instead, or
 * undefined when it is (or the profile lists no policies).
 */
export function policyNotInProfile(profile: ProfileName, policy: GroupPolicy): string | undefined {
  const p: Profile = PROFILES[profile];
  if (p.policies === undefined || p.policies.includes(policy)) return undefined;
  return (
    `policy ${policy} is not in profile ${profile} (Linux ${p.linux} formed ${p.policies.join(', ')} only): ` +
    'a what-if on that release, not the machine as it shipped'
  );
}

/** The warning for a run's configuration (its profile, default `fixed`, and its policy), if any. */
export function configPolicyWarning(config: RunConfig): string | undefined {
  return policyNotInProfile(config.profile ?? DEFAULT_PROFILE, config.params.policy);
}

/**
 * One line saying that `bugs` holds switches `profile`'s releases do not carry, or undefined. A
 * profile named for releases (one that lists its `policies`: `as-shipped`) carries the bugs those
 * releases had; every other switch they had fixed, or never had (a hypothetical one), so a run
 * with it is a what-if on that release as a policy it could not form is (QA: `--profile
 * as-shipped --bug atsd-no-valid-bdf`, fixed in skiboot v6.0, ran on "skiboot v6.8" unsaid).
 */
export function bugsNotInProfile(profile: ProfileName, bugs: readonly string[]): string | undefined {
  const p: Profile = PROFILES[profile];
  if (p.policies === undefined) return undefined;
  const extra = [...new Set(bugs)].filter((b) => !(p.bugs as readonly string[]).includes(b));
  if (extra.length === 0) return undefined;
  const switches = extra.map((b) => `--bug ${b}`).join(', ');
  return (
    `${switches} ${extra.length === 1 ? 'is' : 'are'} not in profile ${profile} (Linux ${p.linux} and skiboot ${p.skiboot} had ${extra.length === 1 ? 'it' : 'them'} fixed, or never had ${extra.length === 1 ? 'it' : 'them'}): ` +
    'a what-if on that release, not the machine as it shipped'
  );
}

/** The warning for a run's bug switches on its profile (default `fixed`), if any. */
export function configBugsWarning(config: RunConfig): string | undefined {
  return bugsNotInProfile(config.profile ?? DEFAULT_PROFILE, config.bugs);
}

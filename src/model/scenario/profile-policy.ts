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

/**
 * A profile named for releases says which IOMMU group policies those releases could form; a run
 * with another is a what-if, warned about and not refused (QA: `tenant-isolation --profile
 * as-shipped` ran per-gpu-isolated, which no shipped kernel could form, and printed clean).
 */
import { describe, expect, test } from 'vitest';
import { GROUP_POLICIES } from '../../../src/model/platform/iommu-groups.js';
import {
  bugsNotInProfile,
  configBugsWarning,
  configPolicyWarning,
  policyNotInProfile,
} from '../../../src/model/scenario/profile-policy.js';
import { PROFILE_NAMES } from '../../../src/model/scenario/profiles.js';
import { parseParams } from '../../../src/model/scenario/workload-params.js';

describe('profile policies', () => {
  test('profile policy: as-shipped (v5.12) formed one group per NPU only; per-gpu and per-gpu-isolated are what-ifs', () => {
    expect(policyNotInProfile('as-shipped', 'per-socket')).toBeUndefined();
    expect(policyNotInProfile('as-shipped', 'per-gpu')).toBe(
      'policy per-gpu is not in profile as-shipped (Linux v5.12 formed per-socket only): a what-if on that release, not the machine as it shipped',
    );
    expect(policyNotInProfile('as-shipped', 'per-gpu-isolated')).toMatch(
      /^policy per-gpu-isolated is not in profile as-shipped/,
    );
  });

  test('profile policy: fixed, a profile of proposals, takes every policy without a word', () => {
    for (const policy of GROUP_POLICIES) expect(policyNotInProfile('fixed', policy)).toBeUndefined();
    expect(PROFILE_NAMES).toContain('fixed');
  });

  test('profile policy: a run configuration is judged under its profile, fixed when it names none', () => {
    const params = parseParams(
      { policy: 'per-gpu', tenants: [{ name: 'host', lpid: 0, groups: 'all' }] },
      't',
    );
    const config = { workload: 'stress', seed: 1, bugs: [], params };
    expect(configPolicyWarning(config)).toBeUndefined();
    expect(configPolicyWarning({ ...config, profile: 'as-shipped' })).toMatch(
      /^policy per-gpu is not in profile as-shipped/,
    );
  });

  test('a --bug a release profile does not carry is a what-if on it, warned of; its own switches and the fixed profile are not (QA)', () => {
    expect(bugsNotInProfile('as-shipped', ['unpin-before-kill', 'host-atsd-ignores-lparid'])).toBeUndefined();
    expect(bugsNotInProfile('as-shipped', ['atsd-no-valid-bdf'])).toBe(
      '--bug atsd-no-valid-bdf is not in profile as-shipped (Linux v5.12 and skiboot v6.8 had it fixed, or never had it): a what-if on that release, not the machine as it shipped',
    );
    expect(bugsNotInProfile('as-shipped', ['unpin-before-kill', 'single-flush', 'local-npu-only'])).toMatch(
      /^--bug single-flush, --bug local-npu-only are not in profile as-shipped \(.* had them fixed, or never had them\)/,
    );
    // `fixed` names no releases it shipped as: every switch on it is a what-if already.
    expect(bugsNotInProfile('fixed', ['single-flush'])).toBeUndefined();
    const params = parseParams({ tenants: [{ name: 'host', lpid: 0, groups: 'all' }] }, 't');
    const config = { workload: 'stress', seed: 1, bugs: [], params };
    expect(configBugsWarning({ ...config, bugs: ['single-flush'] })).toBeUndefined();
    expect(configBugsWarning({ ...config, profile: 'as-shipped', bugs: ['single-flush'] })).toMatch(
      /^--bug single-flush is not in profile as-shipped/,
    );
  });
});

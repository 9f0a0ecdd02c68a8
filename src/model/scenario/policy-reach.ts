/**
 * Whether a run's IOMMU group policy can change anything, said before the run like a bug switch
 * with nothing to act on (bug-reach.ts; QA: `stress --policy per-gpu` ran the same events as
 * per-socket without a word). A policy acts in two places only (actors/world.ts assignTenants):
 * which GPUs each tenant's groups give it, and, under `per-gpu-isolated`, the links disabled
 * between groups. With one tenant that takes every group (`all` or `rest`), it owns every GPU
 * under any policy, so `per-socket` and `per-gpu` make the same run; `per-gpu-isolated` still
 * disables links between its own GPUs, so it is never called without effect.
 */
import type { WorkloadParams } from './workload-params.js';

/** Why the policy of `params` cannot matter, or undefined when it may (or is not certain not to). */
export function policyWithoutEffect(params: WorkloadParams): string | undefined {
  if (params.policy === 'per-gpu-isolated') return undefined;
  const [only, ...others] = params.tenants;
  if (only === undefined || others.length > 0 || Array.isArray(only.groups)) return undefined;
  return `one tenant (${only.name}) takes every group, so it owns every GPU under any policy, and no link is disabled but under per-gpu-isolated: per-socket and per-gpu make the same run`;
}

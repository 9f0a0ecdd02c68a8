/**
 * Which GPUs of a run's machine no tenant owns, said before the run as peer-reach.ts and
 * ring-reach.ts say traffic that goes nowhere. A workload names its tenants and the IOMMU groups
 * they take for the machine it was written for; on another (a topology file, another preset, or a
 * variant's other policy) the same tenants may leave GPUs with no owner, which draw no traffic and
 * run nothing: QA ran `multi-tenant` on a three-socket file, whose per-socket variant's two guests
 * took two sockets of three and left two GPUs idle, and its answers side by side compared unlike
 * machines without a word (on a 16-GPU file, 10 GPUs sat idle in its own run).
 *
 * A GPU named in `gpu.untrained` is left without a tenant on purpose (world.ts refuses a tenant
 * one), so it is not named here.
 */
import { countText } from '../../core/count-text.js';
import { gpuListText } from './gpu-list-text.js';
import type { World } from './world.js';

/** The GPUs no tenant owns, not counting untrained ones (index order). */
export function gpusWithoutTenant(w: World): number[] {
  const untrained = new Set(w.config.params.gpu.untrained ?? []);
  return w.topology.gpus.map((g) => g.index).filter((g) => w.gpuOwner[g]! < 0 && !untrained.has(g));
}

/** The GPUs a tenant owns (index order). */
export function gpusWithTenant(w: World): number[] {
  return w.topology.gpus.map((g) => g.index).filter((g) => w.gpuOwner[g]! >= 0);
}

/**
 * A note's parts: what is left out (`head`), what follows (`why`), and what the machine's groups
 * and the tenants make of it (`detail`, which the caller names the run of where runs differ).
 */
export interface TenantNote {
  head: string;
  why: string;
  detail: string;
}

/** The GPUs no tenant owns, with why, or undefined when the tenants cover the machine. */
export function tenantlessGpus(w: World): TenantNote | undefined {
  const idle = gpusWithoutTenant(w);
  if (idle.length === 0) return undefined;
  const t = w.topology;
  const groupOf = (g: number) => w.groups.find((gr) => gr.gpus.includes(g))!.id;
  const taken = new Set(w.tenants.flatMap((x) => x.gpus).map(groupOf));
  const policy = w.groups[0]?.policy ?? w.config.params.policy;
  const n = w.tenants.length;
  return {
    head: `no tenant owns ${gpuListText(t, idle)} (${idle.length} of the ${countText(t.gpus.length, 'GPU')} of ${t.name})`,
    why: `so ${idle.length === 1 ? 'it draws no traffic and runs' : 'they draw no traffic and run'} nothing`,
    detail: `the ${n === 1 ? 'tenant takes' : `${n} tenants take`} ${taken.size} of the ${countText(w.groups.length, 'IOMMU group')} ${policy} makes`,
  };
}

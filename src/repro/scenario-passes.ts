/**
 * The scenario passes of `npusim shrink` (shrink.ts, step 2): each proposes smaller versions of a
 * failing run's workload parameters, in this order (fewer tenants, IOMMU groups, the smaller
 * topology, fewer GPU engines, CPU threads, processes, pages, TCE pages and DMAs in flight, slower
 * DMA, TCE unmaps and BAR0 accesses, each interval 2, 4, 8, ... times as long). Shrink tries a pass's candidates in order, keeps the first
 * that still fails and ranks lower, and repeats the pass until none is kept; candidates that do
 * not plan (a group the policy lacks, tenants that no longer fit) are never run. A deadlock (a
 * liveness failure with a cycle of shootdowns) gets one pass more, last: a shorter deadline.
 */
import type { WorkloadParams } from '../model/scenario/workload-params.js';

/**
 * A scenario pass: its name, its candidates for the given parameters (none when done), and whether
 * it counts something down (tenants, groups, engines, threads, pages, DMAs in flight: a smaller
 * machine or load, bounded below) rather than stretching an interval. Once the run replays a
 * recorded choice log, a counting pass's candidate that fails with the same measures is still kept
 * (shrink.ts): the parameter it lowered did not matter, and a reader should not see it.
 */
export type Pass = readonly [string, (p: WorkloadParams) => WorkloadParams[], counts: boolean];

/** Group indices tried in place of 'all': more than any preset's policies have (six per-GPU groups). */
const MAX_GROUPS_TRIED = 8;

const one = (p: WorkloadParams | undefined): WorkloadParams[] => (p === undefined ? [] : [p]);

/** Halve toward `floor` (undefined when already there). */
const halve = (v: number, floor: number): number | undefined =>
  v > floor ? Math.max(floor, Math.floor(v / 2)) : undefined;
/**
 * An interval stretched toward `ceiling`: doubled, else quadrupled, and so on up to the ceiling,
 * the first that still fails kept. One doubling alone was refused whenever it moved the failure
 * a little later than the original's (a result is never longer than its input): atsd-hang's hang,
 * found at 102.6 us, came at 105.3 us with DMA half as often and at 101.3 us with a fifth as often,
 * so its shrink kept 20554 of 26104 events.
 */
const stretched = (v: number, ceiling: number): number[] => {
  const out: number[] = [];
  for (let x = v * 2; v > 0 && v < ceiling; x *= 2) {
    out.push(Math.min(ceiling, x));
    if (x >= ceiling) break;
  }
  return out;
};

/**
 * `deadlock`: the failure is a liveness failure whose shootdowns wait on each other in a cycle
 * (liveness-rules.ts `findDeadlockCycle`), which shrink.ts then requires of every candidate; only
 * then is the shootdown deadline shortened (the last pass): a deadlock never completes, whatever
 * the deadline, so a shorter one finds the same failure sooner, in fewer events, where for a
 * shootdown that is merely slow a shorter deadline would make a failure of one that was none.
 */
export function scenarioPasses(deadlock = false): Pass[] {
  const passes: Pass[] = [
    ['fewer tenants', withoutEachTenant, true],
    ['fewer IOMMU groups', fewerGroups, true],
    [
      'the smaller topology',
      (p) => one(p.topology === 'witherspoon-6' ? { ...p, topology: 'witherspoon-4' } : undefined),
      true,
    ],
    ['fewer GPU engines', (p) => one(mapGpu(p, 'engines', (v) => halve(v, 1))), true],
    ['fewer CPU threads', (p) => one(mapHost(p, 'cpuThreads', (v) => halve(v, 1))), true],
    ['fewer processes', (p) => one(halveTenantField(p, 'processesPerGpu', 1)), true],
    ['fewer pages', (p) => one(halveTenantField(p, 'pagesPerProcess', 1)), true],
    ['fewer TCE pages', (p) => one(halveTenantField(p, 'tcePagesPerGpu', 4)), true],
    ['fewer DMAs in flight', (p) => one(mapGpu(p, 'maxOutstanding', (v) => halve(v, 1))), true],
    [
      'slower DMA',
      (p) =>
        stretched(p.gpu.issueIntervalTicks, 50_000_000).map((v) => ({
          ...p,
          gpu: { ...p.gpu, issueIntervalTicks: v },
        })),
      false,
    ],
    [
      'slower TCE unmaps',
      (p) =>
        stretched(p.host.tceRemapIntervalTicks, 1_000_000_000).map((v) => ({
          ...p,
          host: { ...p.host, tceRemapIntervalTicks: v },
        })),
      false,
    ],
    [
      'fewer BAR0 accesses',
      (p) =>
        // No ceiling of its own: four doublings, as far as one pass looks.
        stretched(p.mmio.accessIntervalTicks, p.mmio.accessIntervalTicks * 16).map((v) => ({
          ...p,
          mmio: { ...p.mmio, accessIntervalTicks: v },
        })),
      false,
    ],
  ];
  // Not a count: a shorter deadline is kept only when it ranks lower (the run it cuts always does).
  if (deadlock) passes.push(['a shorter shootdown deadline', (p) => one(shorterDeadline(p)), false]);
  return passes;
}

/**
 * The shootdown deadline halved, and the run's duration shortened by as much: the deadlocked
 * shootdown found overdue at tick T started before T - deadline, so the same one is overdue by
 * T - deadline + half + 1, which the watchdog's check at the end of the run sees (watchdog.ts).
 */
function shorterDeadline(p: WorkloadParams): WorkloadParams | undefined {
  const deadline = p.host.shootdownDeadlineTicks;
  const half = halve(deadline, 1);
  if (half === undefined) return undefined;
  const durationTicks = p.durationTicks - (deadline - half);
  if (durationTicks < 1) return undefined;
  return { ...p, durationTicks, host: { ...p.host, shootdownDeadlineTicks: half } };
}

/** Each tenant in turn dropped, last first: the one the failure needs may be any of them. */
function withoutEachTenant(p: WorkloadParams): WorkloadParams[] {
  return p.tenants.length > 1
    ? p.tenants.map((_, i) => ({ ...p, tenants: p.tenants.filter((_t, j) => j !== i) })).reverse()
    : [];
}

/**
 * A tenant's IOMMU groups: 'all' to each single group, a list to each list one shorter (a group
 * index past the policy's groups fails to plan and is never run).
 */
function fewerGroups(p: WorkloadParams): WorkloadParams[] {
  return p.tenants.flatMap((t, i) => {
    const lists =
      t.groups === 'all'
        ? Array.from({ length: MAX_GROUPS_TRIED }, (_, g) => [g])
        : Array.isArray(t.groups) && t.groups.length > 1
          ? t.groups.map((_, k) => (t.groups as number[]).filter((_g, j) => j !== k))
          : [];
    return lists.map((groups) => ({
      ...p,
      tenants: p.tenants.map((u, j) => (j === i ? { ...u, groups } : u)),
    }));
  });
}

/** Every tenant's `field` halved toward `floor` (undefined when none moves). */
function halveTenantField(
  p: WorkloadParams,
  field: 'processesPerGpu' | 'pagesPerProcess' | 'tcePagesPerGpu',
  floor: number,
): WorkloadParams | undefined {
  let changed = false;
  const tenants = p.tenants.map((t) => {
    const v = halve(t[field], floor);
    if (v === undefined) return t;
    changed = true;
    return { ...t, [field]: v };
  });
  return changed ? { ...p, tenants } : undefined;
}

function mapGpu(
  p: WorkloadParams,
  key: 'engines' | 'maxOutstanding' | 'issueIntervalTicks',
  f: (v: number) => number | undefined,
) {
  const v = f(p.gpu[key]);
  return v === undefined ? undefined : { ...p, gpu: { ...p.gpu, [key]: v } };
}

function mapHost(
  p: WorkloadParams,
  key: 'cpuThreads' | 'tceRemapIntervalTicks',
  f: (v: number) => number | undefined,
) {
  const v = f(p.host[key]);
  return v === undefined ? undefined : { ...p, host: { ...p.host, [key]: v } };
}

/**
 * The scenario passes of `npusim shrink` (shrink.ts, step 2): each proposes smaller versions of a
 * failing run's workload parameters, in this order: fewer tenants, IOMMU groups, the smaller
 * topology; then whole kinds of traffic gone (the collective, GPU resets, context churn, BAR0
 * accesses, TCE unmaps; each DMA kind in turn, its share to another; one kind of unmap, of TCE
 * unmap, one direction of DMA), so that what is left is what the failure needs; then fewer GPU
 * engines, CPU threads, processes, pages and TCE pages (every tenant's, then each one's alone),
 * pages per unmap, ATSD registers, TCE map threads and DMAs in flight; last slower DMA, TCE unmaps
 * and BAR0 accesses, each interval 2, 4, 8, ... times as long. Shrink tries a pass's candidates in
 * order, keeps the first that still fails and ranks lower, and repeats the pass until none is kept;
 * candidates that do not plan (a group the policy lacks, tenants that no longer fit) are never
 * run. A liveness failure whose shootdown can never complete (a deadlock cycle, a hung register)
 * gets one pass more, last: a shorter deadline.
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
 * `neverCompletes`: the failure is a liveness failure whose shootdown can never complete (a
 * deadlock cycle or a hung register, stuck-shootdown.ts), which shrink.ts then requires of every
 * candidate; only then is the shootdown deadline shortened (the last pass): such a shootdown never
 * completes, whatever the deadline, so a shorter one finds the same failure sooner, in fewer
 * events, where for a shootdown that is merely slow a shorter deadline would make a failure of one
 * that was none.
 */
export function scenarioPasses(neverCompletes = false): Pass[] {
  const passes: Pass[] = [
    ['fewer tenants', withoutEachTenant, true],
    ['fewer IOMMU groups', fewerGroups, true],
    [
      'the smaller topology',
      (p) => one(p.topology === 'witherspoon-6' ? { ...p, topology: 'witherspoon-4' } : undefined),
      true,
    ],
    ['no collective', withoutCollective, true],
    ['no GPU resets', (p) => one(withoutResets(p)), true],
    ['no context churn', (p) => one(withoutChurn(p)), true],
    ['no BAR0 accesses', (p) => one(withoutBar0(p)), true],
    [
      'no TCE unmaps',
      (p) => one(mapHost(p, 'tceRemapIntervalTicks', (v) => (v === 0 ? undefined : 0))),
      true,
    ],
    ['fewer kinds of DMA', fewerDmaKinds, true],
    ['one kind of unmap', oneKindOfUnmap, true],
    ['one kind of TCE unmap', oneKindOfTceUnmap, true],
    ['one direction of DMA', oneDmaDirection, true],
    ['fewer GPU engines', (p) => one(mapGpu(p, 'engines', (v) => halve(v, 1))), true],
    ['fewer CPU threads', (p) => one(mapHost(p, 'cpuThreads', (v) => halve(v, 1))), true],
    ['fewer processes', (p) => halveTenantField(p, 'processesPerGpu', 1), true],
    ['fewer pages', (p) => halveTenantField(p, 'pagesPerProcess', 1), true],
    ['fewer TCE pages', (p) => halveTenantField(p, 'tcePagesPerGpu', 4), true],
    ['fewer pages per unmap', (p) => one(mapHost(p, 'pagesPerUnmap', (v) => halve(v, 1))), true],
    ['fewer ATSD registers', (p) => one(mapHost(p, 'atsdRegisters', (v) => halve(v, 1))), true],
    ['fewer TCE map threads', (p) => one(fewerTceMapThreads(p)), true],
    ['fewer DMAs in flight', (p) => one(mapGpu(p, 'maxOutstanding', (v) => halve(v, 1))), true],
    [
      'slower DMA',
      (p) => stretched(p.gpu.issueIntervalTicks, 50_000_000).map((v) => withGpu(p, 'issueIntervalTicks', v)),
      false,
    ],
    [
      'slower TCE unmaps',
      (p) =>
        stretched(p.host.tceRemapIntervalTicks, 1_000_000_000).map((v) =>
          withHost(p, 'tceRemapIntervalTicks', v),
        ),
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
  if (neverCompletes) passes.push(['a shorter shootdown deadline', (p) => one(shorterDeadline(p)), false]);
  return passes;
}

/**
 * The shootdown deadline halved, and the run's duration shortened by as much: the stuck
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

/**
 * Every tenant's `field` halved toward `floor`, then, where more than one tenant would move, each
 * such tenant's alone: the failure may need one tenant's processes or pages and not another's (QA:
 * guest-atsd's shrink kept 2 processes a GPU in two of its three tenants when halving all of them at
 * once failed). None when no tenant moves.
 */
function halveTenantField(
  p: WorkloadParams,
  field: 'processesPerGpu' | 'pagesPerProcess' | 'tcePagesPerGpu',
  floor: number,
): WorkloadParams[] {
  const halved = p.tenants.map((t) => halve(t[field], floor));
  const moving = halved.flatMap((v, i) => (v === undefined ? [] : [i]));
  const withHalved = (which: readonly number[]): WorkloadParams => ({
    ...p,
    tenants: p.tenants.map((t, i) => (which.includes(i) ? { ...t, [field]: halved[i] } : t)),
  });
  if (moving.length === 0) return [];
  return [withHalved(moving), ...(moving.length > 1 ? moving.map((i) => withHalved([i])) : [])];
}

/** The DMA kinds an engine draws from, their shares summing to 100 (workload-params.ts). */
const DMA_KINDS = ['ut0Percent', 'ut1Percent', 'peerPercent'] as const;

/**
 * Each kind of DMA an engine issues dropped in turn (peer accesses, then UT=1, then UT=0), its share
 * given to the largest of the kinds left, so the shares still sum to 100: a failure that needs UT=0
 * DMA alone no longer shows TCE or NVLink peer traffic beside it. None when one kind is all there is,
 * or there are no engines.
 */
function fewerDmaKinds(p: WorkloadParams): WorkloadParams[] {
  if (p.gpu.engines === 0) return [];
  return [...DMA_KINDS].reverse().flatMap((kind) => {
    const share = p.gpu[kind];
    const others = DMA_KINDS.filter((k) => k !== kind && p.gpu[k] > 0);
    if (share === 0 || others.length === 0) return [];
    const heir = others.reduce((a, b) => (p.gpu[b] > p.gpu[a] ? b : a));
    return [{ ...p, gpu: { ...p.gpu, [kind]: 0, [heir]: p.gpu[heir] + share } }];
  });
}

/**
 * A percentage that splits one kind of operation in two (munmap against migration, a TCE window
 * reset against page kills, a write against a read) set to one kind only: 0, then 100. None when it
 * already is one kind.
 */
function oneKindOf(percent: number): number[] {
  return percent > 0 && percent < 100 ? [0, 100] : [];
}

/** Munmaps only, then migrations only. */
function oneKindOfUnmap(p: WorkloadParams): WorkloadParams[] {
  return oneKindOf(p.host.migratePercent).map((v) => ({ ...p, host: { ...p.host, migratePercent: v } }));
}

/** Page kills only, then window resets only; none without TCE unmaps (their share is no part of it). */
function oneKindOfTceUnmap(p: WorkloadParams): WorkloadParams[] {
  if (p.host.tceRemapIntervalTicks === 0) return [];
  return oneKindOf(p.host.tceWindowResetPercent).map((v) => ({
    ...p,
    host: { ...p.host, tceWindowResetPercent: v },
  }));
}

/** Reads only, then writes only; none without engines (a collective's accesses are its own). */
function oneDmaDirection(p: WorkloadParams): WorkloadParams[] {
  if (p.gpu.engines === 0) return [];
  return oneKindOf(p.gpu.writePercent).map((v) => ({ ...p, gpu: { ...p.gpu, writePercent: v } }));
}

/** The engines' traffic alone: no NVLink collective. */
function withoutCollective(p: WorkloadParams): WorkloadParams[] {
  return p.gpu.collective === 'none' ? [] : [{ ...p, gpu: { ...p.gpu, collective: 'none' } }];
}

/** The host without context churn: contexts made at start and destroyed at the end. */
function withoutChurn(p: WorkloadParams): WorkloadParams | undefined {
  if (p.host.contextChurnIntervalTicks === undefined) return undefined;
  const { contextChurnIntervalTicks: _churn, contextStepTicks: _step, ...host } = p.host;
  return { ...p, host };
}

/** The workload without GPU resets. */
function withoutResets(p: WorkloadParams): WorkloadParams | undefined {
  if (p.resets === undefined) return undefined;
  const { resets: _resets, ...rest } = p;
  return rest;
}

/** No guest BAR0 accesses (and so no firmware updates). */
function withoutBar0(p: WorkloadParams): WorkloadParams | undefined {
  if (p.mmio.accessIntervalTicks === 0) return undefined;
  return { ...p, mmio: { ...p.mmio, accessIntervalTicks: 0 } };
}

/** Half the threads that map each TCE window at start (at least one). */
function fewerTceMapThreads(p: WorkloadParams): WorkloadParams | undefined {
  const threads = p.host.tceMapThreads === undefined ? undefined : halve(p.host.tceMapThreads, 1);
  return threads === undefined ? undefined : { ...p, host: { ...p.host, tceMapThreads: threads } };
}

type GpuCount = 'engines' | 'maxOutstanding' | 'issueIntervalTicks';
type HostCount = 'cpuThreads' | 'tceRemapIntervalTicks' | 'pagesPerUnmap' | 'atsdRegisters';

/** `p` with the GPU parameter `key` set to `v`. */
function withGpu(p: WorkloadParams, key: GpuCount, v: number): WorkloadParams {
  return { ...p, gpu: { ...p.gpu, [key]: v } };
}

/** `p` with the host parameter `key` set to `v`. */
function withHost(p: WorkloadParams, key: HostCount, v: number): WorkloadParams {
  return { ...p, host: { ...p.host, [key]: v } };
}

/** `p` with the GPU parameter `key` set to `f` of it; undefined when `f` gives none. */
function mapGpu(p: WorkloadParams, key: GpuCount, f: (v: number) => number | undefined) {
  const v = f(p.gpu[key]);
  return v === undefined ? undefined : withGpu(p, key, v);
}

/** `p` with the host parameter `key` set to `f` of it; undefined when `f` gives none. */
function mapHost(p: WorkloadParams, key: HostCount, f: (v: number) => number | undefined) {
  const v = f(p.host[key]);
  return v === undefined ? undefined : withHost(p, key, v);
}

/**
 * Whether a bug switch has anything to act on in a run, judged from its parameters before it runs.
 *
 * A switch changes one step of the machine (scenario/bugs.ts); a run that never takes that step
 * runs exactly as without it, and its clean verdict says nothing about the bug: `--bug
 * links-enabled-per-gpu` under per-socket groups, `--bug gpu-reset-before-npu` with no resets.
 * Each entry below names the step and the parameters that leave it out; a switch not listed
 * (the other shootdown bugs: every run maps pages and unmaps them) always has something to act on.
 * Two need the run's processes, not only its parameters: `local-npu-only` and `descending-order`
 * change which NPUs a shootdown reaches and in what order, nothing where each shootdown reaches
 * one (QA: `flush-race`, whose processes all sit on socket 0, ran both with its digest unchanged
 * and no word). Their callers hand the processes over (RunProcesses), built on demand. The
 * tests check each reason against a run (a switch said to have nothing to act on leaves the run's
 * events and findings as they are without it; on its own workload, said to act, it changes them).
 */
import { PAGES_PER_UNMAP } from '../actors/coordinator/tce-traffic.js';
import type { BugName } from './bugs.js';
import { tceContainerOf } from './tce-container.js';
import type { WorkloadParams } from './workload-params.js';

/**
 * The run's processes (each with the NPUs its shootdowns go to: host/process.ts), built when a
 * check asks; undefined where the caller cannot build them (a result of another machine), and then
 * nothing is said of the switches that need them.
 */
export type RunProcesses = () => readonly { readonly npus: readonly number[] }[] | undefined;

/** Why the switch has nothing to act on in a run with these parameters, or undefined. */
type Reach = (p: WorkloadParams, processes: RunProcesses) => string | undefined;

/** Each shootdown goes to one NPU: a switch about several has `what` to say of it. */
function oneNpuEach(what: string): Reach {
  return (_p, processes) =>
    processes()?.every((x) => x.npus.length < 2) === true
      ? `every shootdown goes to one NPU (each process's GPUs sit on one socket), so ${what}`
      : undefined;
}

/**
 * No TCE is ever cleared: no window of a whole unmap's pages, or no remap to clear them (only
 * remaps clear TCEs; coordinator/tce-traffic.ts).
 */
function noTceUnmaps(p: WorkloadParams): string | undefined {
  if (p.tenants.every((t) => t.tcePagesPerGpu < PAGES_PER_UNMAP))
    return `no tenant maps the ${PAGES_PER_UNMAP} TCE pages one unmap takes (\`tenants[].tcePagesPerGpu\`)`;
  if (p.host.tceRemapIntervalTicks === 0) return 'no TCE is ever unmapped (`host.tceRemapIntervalTicks` 0)';
  return undefined;
}

const REACH: Partial<Record<BugName, Reach>> = {
  'links-enabled-per-gpu': (p) =>
    p.policy === 'per-gpu-isolated'
      ? undefined
      : `it changes per-gpu-isolated groups only, and its policy is ${p.policy}`,
  // A guest's filtered register sits on an NPU the host also shoots down on only when groups are
  // per GPU (per-socket groups give a guest the whole NPU) and the run has the host and a guest.
  'host-atsd-ignores-lparid': (p) =>
    p.policy === 'per-socket'
      ? 'per-socket groups give a guest a whole NPU, so no host shootdown meets its registers (`policy` per-socket)'
      : !p.tenants.some((t) => t.lpid === 0) || p.tenants.every((t) => t.lpid === 0)
        ? 'it needs the host and a guest with GPUs (`tenants[].lpid` 0 and another)'
        : undefined,
  'local-npu-only': oneNpuEach('there is no other NPU for it to leave out'),
  'descending-order': oneNpuEach('there is no order of NPUs for it to reverse'),
  'gpu-reset-before-npu': (p) =>
    p.resets === undefined ? 'the run asks for no GPU reset (no `resets`)' : undefined,
  'tce-kill-no-advance': noTceUnmaps,
  // Only a window reset's kill is "invalidate entire" (coordinator/tce-traffic.ts): with none, every
  // unmap is killed page by page and the switch never acts (the kill as a window is set meets an
  // empty cache, so ignoring it changes nothing).
  'tce-entire-kill-ignored': (p) =>
    noTceUnmaps(p) ??
    (p.host.tceWindowResetPercent === 0
      ? 'no TCE unmap is a window reset, whose "invalidate entire" kill it ignores (`host.tceWindowResetPercent` 0)'
      : undefined),
  'unpin-before-kill': (p) =>
    noTceUnmaps(p) ??
    (p.tenants.some((t) => tceContainerOf(t) === 'v1' && t.tcePagesPerGpu >= PAGES_PER_UNMAP)
      ? undefined
      : "no tenant's TCEs are cleared by a VFIO v1 container (`tenants[].tceContainer`: the host's own unmap frees after its kill, a v2 container keeps the page pinned)"),
  // VALID at map_lpar differs from VALID at init_context only for an entry that is mapped and gets
  // no context programmed: a GPU whose links never trained, or, after a kexec, an entry init_context
  // skips on a stale refcount (QA: under --bug xts-stale-after-kexec this switch re-validates those
  // entries, hides that bug, and was said to have nothing to act on).
  'atsd-no-valid-bdf': (p) =>
    p.gpu.untrained.length === 0 && p.host.bootViaKexec !== true
      ? 'every GPU trained its links and every mapped entry gets its context (`gpu.untrained` is empty, and the host booted cold, `host.bootViaKexec` unset)'
      : undefined,
  'xts-stale-after-kexec': (p) =>
    p.host.bootViaKexec === true ? undefined : 'the host booted cold (`host.bootViaKexec` unset)',
  'tce-level-alloc-race': (p) =>
    (p.host.tceMapThreads ?? 1) < 2 || p.host.tceLevelEntries === undefined
      ? 'no two threads allocate TCE levels at once (it needs `host.tceMapThreads` of 2 or more and `host.tceLevelEntries`)'
      : undefined,
  'context-init-destroy-race': (p) =>
    p.host.contextChurnIntervalTicks === undefined
      ? 'no NPU context is destroyed while the run goes (`host.contextChurnIntervalTicks` unset)'
      : undefined,
};

/**
 * The switches with a reach rule above: each can have nothing to act on in some run. Every other
 * switch acts wherever a run makes shootdowns (tests hold every switch to one or the other).
 */
export const BUGS_WITH_REACH: readonly BugName[] = Object.keys(REACH) as BugName[];

/**
 * Each of `bugs` that has nothing to act on in a run with `params` (and `processes`, where the
 * caller has them), with why.
 */
export function bugsWithNothingToActOn(
  params: WorkloadParams,
  bugs: readonly BugName[],
  processes: RunProcesses = () => undefined,
): { bug: BugName; why: string }[] {
  const out: { bug: BugName; why: string }[] = [];
  for (const bug of bugs) {
    const why = REACH[bug]?.(params, processes);
    if (why !== undefined) out.push({ bug, why });
  }
  return out;
}

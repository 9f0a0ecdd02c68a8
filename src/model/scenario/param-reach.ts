/**
 * Whether a parameter a user set has anything to act on in a run, judged from the run's
 * parameters before it runs, as bug-reach.ts judges a bug switch.
 *
 * Some parameters shape a step the machine takes only when another parameter turns it on: the
 * ring all-reduce's size with no collective, the firmware share of BAR0 accesses no guest makes.
 * Such a `--set` leaves every event as it was, yet the run is a new one (its parameters, and so
 * its run digest, differ): a user who thought they ran a new experiment got the old one under a
 * new digest without a word (QA). Each entry names the parameter and the one that turns its step
 * on; a parameter not listed always acts. The tests check each reason against a run (said to have
 * nothing to act on, the run's events are the same as without the set; turned on, they differ).
 */
import { leavesOf, parseParamPath } from './param-path.js';
import type { WorkloadParams } from './workload-params.js';

/** Why a parameter acts on nothing in a run with these parameters, or undefined. */
type Reach = (p: WorkloadParams) => string | undefined;

const noCollective: Reach = (p) =>
  p.gpu.collective === 'none' ? 'no ring all-reduce runs (`gpu.collective` none)' : undefined;

// An engine's own draws (gpu/dma-engines.ts onTimer): its issue timer, the ATS refill it may
// move, the kind and direction of what it issues. A collective draws none of them.
const noEngines: Reach = (p) =>
  p.gpu.engines === 0 ? 'no GPU runs a DMA engine (`gpu.engines` 0)' : undefined;

// Both the engines and a collective's peer writes size their requests by `dmaBytes` and share the
// outstanding slots (gpu/ring-allreduce.ts): inert only with neither.
const noGpuTraffic: Reach = (p) =>
  p.gpu.engines === 0 && p.gpu.collective === 'none'
    ? 'no GPU sends DMA (`gpu.engines` 0, `gpu.collective` none)'
    : undefined;

const REACH: Readonly<Record<string, Reach>> = {
  // The host's mmio_invalidate takes any free register of the NPU's pool; a guest's launches only
  // through ATSD[link index] of its GPUs' bridges, the registers the host handed it
  // (guest-atsd-registers.ts). QA changed the count under guests alone and read the same figures.
  'host.atsdRegisters': (p) =>
    p.tenants.every((t) => t.lpid !== 0)
      ? "every tenant is a guest, whose shootdowns launch through ATSD[link index] of its GPUs' bridges (`host.guestAtsd`), never the host's pool of registers"
      : undefined,
  'gpu.issueIntervalTicks': noEngines,
  'gpu.ut0Percent': noEngines,
  'gpu.ut1Percent': noEngines,
  'gpu.peerPercent': noEngines,
  'gpu.writePercent': noEngines,
  'gpu.refillAdvancePercent': noEngines,
  'gpu.dmaBytes': noGpuTraffic,
  'gpu.maxOutstanding': noGpuTraffic,
  'gpu.collectiveBytes': noCollective,
  'gpu.collectiveGapTicks': noCollective,
  'mmio.firmwarePercent': (p) =>
    p.mmio.accessIntervalTicks === 0
      ? 'no guest makes a BAR0 access (`mmio.accessIntervalTicks` 0)'
      : undefined,
  'host.contextStepTicks': (p) =>
    p.host.contextChurnIntervalTicks === undefined
      ? 'no mm context churns (`host.contextChurnIntervalTicks` not set)'
      : undefined,
  'host.tceWindowResetPercent': (p) =>
    p.host.tceRemapIntervalTicks === 0
      ? 'no TCE window is ever remapped (`host.tceRemapIntervalTicks` 0)'
      : undefined,
};

/** The parameters whose reach is judged here (the tests check each against runs). */
export const PARAMS_WITH_REACH: readonly string[] = Object.keys(REACH);

/**
 * The parameters among `sets` (each `--set PATH=VALUE` as given, already applied to `params`)
 * that act on nothing in this run, each with why, in the order they were set.
 */
export function setsWithNothingToActOn(
  params: WorkloadParams,
  sets: readonly { path: string; value: unknown }[],
): { path: string; why: string }[] {
  const out: { path: string; why: string }[] = [];
  for (const s of sets) {
    // `gpu` given `{"collectiveBytes": 4096}` sets `gpu.collectiveBytes`.
    for (const keys of leavesOf(parseParamPath(s.path, `--set ${s.path}`), s.value)) {
      const path = keys.join('.');
      const why = Object.hasOwn(REACH, path) ? REACH[path]!(params) : undefined;
      if (why !== undefined && !out.some((o) => o.path === path)) out.push({ path, why });
    }
  }
  return out;
}

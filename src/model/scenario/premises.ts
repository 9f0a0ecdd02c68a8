/**
 * The premises an answer rests on: what the model takes as given and cannot test, since its GPUs
 * do what the hardware is said to do (README "The questions npusim answers", (a) to (d) for the
 * isolation answers; the GPU's refill stages and the guests' ATSD registers for the stale
 * translation answers: QA, `flush-race` answered clean under "Is one flush ATSD enough?" with no
 * word of the assumption that makes two flushes enough).
 * Each is written here once; a workload names those its answer rests on (`premises`), and the
 * summary, `--json` and the HTML report print them under its answer (QA: a clean isolation verdict
 * printed none, and the user had to know the README to defend it). A premise the run cannot lean
 * on (the link-disable latch when no link was disabled, the BAR0 filter on a profile without one)
 * is left out of that run's list, so the line names only what its verdict depends on, and so is one
 * the run tests (no guest firmware update, where its guests try them); one the run sets aside on
 * purpose (a delayed re-apply of the link-disable mask, a guest let update firmware) is named as the
 * run has it.
 */
import type { GroupPolicy } from '../platform/iommu-groups.js';
import { resolveProfile } from './profiles.js';
import type { RunConfig } from './run-config.js';

/** What of a run decides whether a premise applies to it. */
export interface PremiseRun {
  policy: GroupPolicy;
  /**
   * Whether any NVLink starts the run disabled (the world's link-disable masks): per-gpu-isolated
   * disables only links between groups, and a topology with none (one GPU a socket, no GPU-GPU
   * link) has nothing to disable, so nothing to latch (QA: such a run listed (b) all the same).
   */
  anyLinkDisabled: boolean;
  /** The bug switches the run has, its profile's included. */
  bugs: readonly string[];
  /** The profile's `kernel.vfioBar0Filter`. */
  vfioBar0Filter: boolean;
  /** Whether the run resets GPUs (workload `resets`). */
  resets: boolean;
  /** Its `resets.relinkDelayTicks` (0 without resets): ticks the mask is re-applied after a reset. */
  relinkDelayTicks: number;
  /** Its `mmio.firmwarePercent` when its guests make BAR0 accesses (`mmio.accessIntervalTicks` > 0), else 0. */
  firmwarePercent: number;
  /** The guest tenants (LPID > 0) the admin lets update their GPUs' firmware (`allowFirmwareUpdate`). */
  firmwareAllowed: readonly string[];
  /** Whether a tenant is hostile (`tenants[].hostile`: aims its peer accesses at any linked GPU). */
  anyHostile: boolean;
  /**
   * Whether an NVLink between GPUs of two tenants is up at the start (model/actors/peer-reach.ts
   * crossTenantLinksUp): the per-gpu policy leaves them up, and only a tenant that aims at another's
   * GPU uses them.
   */
  crossTenantLinkUp: boolean;
  /** `host.guestAtsd`: the ATSD registers a guest spins over (every link's, or its first link's). */
  guestAtsd: 'first-link' | 'every-link';
  /** Whether the run has the host (LPID 0) and a guest, each with GPUs' tenancy to shoot down. */
  hostAndGuest: boolean;
  /** Whether any tenant is a guest (LPID > 0). */
  anyGuest: boolean;
  /** Whether any GPU's NVLinks never trained (`gpu.untrained`). */
  anyUntrained: boolean;
}

interface Premise {
  /** The premise as a summary line names it: its README letter first, when it has one. */
  readonly text: string;
  /** Whether a run leans on it; absent: every run of a workload that names it. */
  readonly appliesTo?: (run: PremiseRun) => boolean;
  /**
   * What a run that sets the premise aside on purpose (a parameter of its own) rests on instead;
   * absent or undefined: `text`.
   */
  readonly textFor?: (run: PremiseRun) => string | undefined;
}

/** Links between groups disabled through BAR0 (iommu-groups.ts disableCrossGroupLinks), one at least. */
const linksDisabled = (run: PremiseRun) =>
  run.policy === 'per-gpu-isolated' && !run.bugs.includes('links-enabled-per-gpu') && run.anyLinkDisabled;

/** What a firmware update voids: (a), and (b) where the run leans on it. */
const voided = (run: PremiseRun) => (linksDisabled(run) ? '(a) and (b)' : '(a)');

export const PREMISES = {
  'ut0-ats-only': {
    // Untested in the sense that no GPU of the model tries an address ATS never translated for it;
    // a translation used after its shootdown is checked (translation.stale-ats), so "nothing
    // checks a UT=0 access" said too much (QA).
    text: "(a) a GPU's UT=0 DMA reaches only addresses ATS translated for it (NVIDIA's claim, untested: the model's GPUs send UT=0 DMA only through translations ATS gave them, so no run tries one it never gave)",
  },
  'link-disable-latched': {
    text: "(b) a disabled NVLink stays disabled until the secondary bus reset (latched; NVIDIA's isolation note as the never-merged 2019 series used it)",
    appliesTo: linksDisabled,
  },
  'no-guest-firmware': {
    text: "(c) no guest updated its GPU's firmware (one that did voids (a) and (b))",
    // A run whose guests try updates through the firmware window tests (c) rather than assuming
    // it: an update that lands is an isolation.firmware violation (QA Q35: such a run's verdict
    // was a violation while its `rests on:` still said no guest updated its firmware). Unless the
    // admin lets a guest update: its updates are no violation, and what they put on its GPUs the
    // model does not follow.
    appliesTo: (run) => run.firmwarePercent === 0 || run.firmwareAllowed.length > 0,
    // It voids (b) only where (b) is listed: a run with no link disabled leans on no latch (QA: (c)
    // named a (b) its list left out).
    textFor: (run) =>
      run.firmwarePercent > 0 && run.firmwareAllowed.length > 0
        ? `(c) set aside by this run: ${run.firmwareAllowed.map((t) => `\`${t}\``).join(', ')} may update ${run.firmwareAllowed.length === 1 ? 'its' : 'their'} GPUs' firmware (allowFirmwareUpdate) and guests try updates (mmio.firmwarePercent ${run.firmwarePercent}): an update voids ${voided(run)} for that tenant's GPUs, and what the new firmware does the model does not follow`
        : linksDisabled(run)
          ? undefined
          : "(c) no guest updated its GPU's firmware (one that did voids (a))",
  },
  'link-disable-after-reset': {
    // reset-port.ts re-applies the mask in the tick of sbr-deassert. The 2019 RFC disabled the
    // links from vfio-pci's reset_done(), after the reset, and Alex Williamson answered that this
    // holds only while vfio-pci is the active driver; v2 and v3 moved it into the SBR handler. A
    // reset outside both is not modelled;
    // the window is, when a run asks for it (`resets.relinkDelayTicks`, chip/gpu-resets.ts), and
    // then the run does not rest on (d) but on its own delay.
    // v2 and v3 of that series (Apr 2019) moved the re-disable into the platform's SBR handler,
    // whichever driver is bound: what the model does, posted, never merged (README premise (d)).
    text: "(d) a GPU reset's link-disable mask applied again at once as the reset ends (as the never-merged 2019 series' v2 and v3 did in the SBR handler; its RFC did it from vfio-pci's reset_done, only while vfio-pci is the driver)",
    appliesTo: (run) => linksDisabled(run) && run.resets,
    textFor: (run) =>
      run.relinkDelayTicks > 0
        ? `(d) set aside by this run: a GPU reset's link-disable mask applied again ${run.relinkDelayTicks} ticks (ps) after the reset ends (resets.relinkDelayTicks), the links up and unfiltered in between`
        : undefined,
  },
  'reset-refusal': {
    // coordinator/reset-traffic.ts: a tenant's reset of a GPU whose NVLink group it does not own
    // whole is refused, so a reset never drops links under another tenant's peer traffic (QA: the
    // clean verdict named (a) and (c) only, as if the refusals were the kernel's).
    text: "a GPU reset is refused unless the caller owns the GPU's whole NVLink group: the model's rule, in no release (the kernel would reset the GPU and drop its NVLinks under the other tenants' peers)",
    appliesTo: (run) => run.resets && !linksDisabled(run) && run.policy !== 'per-socket',
  },
  'no-hostile-peers': {
    // gpu/dma-engines.ts: a GPU draws its peer accesses among its own tenant's GPUs, unless its
    // tenant is hostile. A clean run with the links up between tenants says nothing of a guest
    // that aims at another's GPU (QA: gpu-reset's own run, per-gpu with its links up, was clean;
    // with its single-GPU guests hostile it found 464 isolation.peer violations), and (a) does not
    // cover it: a peer access is no UT=0 DMA.
    text: "no guest aims peer accesses at another tenant's GPU (none is `hostile`): the NVLinks between tenants' GPUs are up, and a hostile guest's peer writes cross them",
    appliesTo: (run) => run.crossTenantLinkUp && !run.anyHostile,
  },
  'ats-refill-stages': {
    // gpu/ats-cache.ts: REFILL_STAGES = 2 plays num_hshub_tlb_invalidate_membars. With it two flush
    // ATSDs leave nothing stale and one can leave an L1 entry: a clean run with two flushes and a
    // stale use under `--bug single-flush` both follow from it.
    text: 'the GPU\'s ATS cache refills its L1 through 2 stages, a flush advancing each one: an assumption chosen so that the flush count matters (Linux says "The GPU requires two flush ATSDs", not why), under which two flushes clear a translation still in flight and one does not',
  },
  'guest-atsd-unwritten-register': {
    // README "Can guests shoot down their own translations": skiboot's npu2_map_lpar wrote a guest's
    // LPID into the register of each GPU's first link only; a guest's ATSD through another link's
    // register met a filter nobody wrote, whose reset value is not public.
    text: "a guest's ATSD through a register other than its GPU's first link's, whose LPARID filter skiboot never wrote (its reset value is not public), is filtered to the guest's LPID by the model",
    appliesTo: (run) => run.anyGuest && run.guestAtsd === 'every-link',
  },
  'host-leaves-guest-registers': {
    text: "the host shoots down on its own ATSD registers only, never a guest's: the model's proposal (profile fixed), in no release (Linux v5.2 and NVIDIA UVM took any free register: `--bug host-atsd-ignores-lparid`)",
    appliesTo: (run) => run.hostAndGuest && !run.bugs.includes('host-atsd-ignores-lparid'),
  },
  'bar0-filter': {
    text: "the BAR0 filter (link-disable registers, firmware window) is the model's proposal (profile fixed), in no release",
    appliesTo: (run) => run.vfioBar0Filter,
  },
  'untrained-gpu-boot-map': {
    // chip/ats-service.ts mapOnly: at boot the host maps a GPU whose links never trained and gives
    // it no context, so under the fix (skiboot 4724d2c07, VALID set at context init) its bricks
    // never get VALID and the ATSDs pass them by. That is a v4.12-v4.20 host's boot; v5.0-v5.12's
    // pnv_npu2_map_lpar_dev also inits a host context for every GPU, which would set VALID there
    // too (docs/theory-of-operation.md section 3, XTS). QA: atsd-hang on profile fixed answered
    // clean with no word of it. With the switch the map sets VALID anyway, and the run leans on
    // nothing of the boot.
    text: "a GPU whose NVLinks never trained gets no host context at boot (Linux v4.12 to v4.20, which only mapped it); a v5.0 to v5.12 host's boot inits one for every GPU (pnv_npu2_map_lpar_dev), which under the fix would set VALID on its bricks too: not modelled, so the clean verdict is not established for a v5 host",
    appliesTo: (run) => run.anyUntrained && !run.bugs.includes('atsd-no-valid-bdf'),
  },
  'firmware-window': {
    text: "the firmware-update window's BAR0 offset is assumed (NVIDIA publishes none)",
  },
} as const satisfies Record<string, Premise>;

export type PremiseName = keyof typeof PREMISES;
export const PREMISE_NAMES = Object.keys(PREMISES) as PremiseName[];

/** The premises of `names` that `run` leans on, in the order of PREMISES (a, b, c, d, then the rest). */
export function premisesOf(
  names: readonly PremiseName[],
  run: PremiseRun,
): { name: PremiseName; text: string }[] {
  return PREMISE_NAMES.filter((n) => names.includes(n))
    .filter((n) => {
      const p: Premise = PREMISES[n];
      return p.appliesTo === undefined || p.appliesTo(run);
    })
    .map((name) => {
      const p: Premise = PREMISES[name];
      return { name, text: p.textFor?.(run) ?? p.text };
    });
}

/**
 * What of `config` decides its premises: its profile's switches with its own, as world.ts sums them,
 * and its world's link-disable masks (`linkDisableMask`, one per GPU: bit i, NVLink i disabled).
 */
export function premiseRunOf(
  config: RunConfig,
  linkDisableMask: readonly number[],
  crossTenantLinkUp = false,
): PremiseRun {
  const profile = resolveProfile(config.profile);
  const tenants = config.params.tenants;
  return {
    policy: config.params.policy,
    anyLinkDisabled: linkDisableMask.some((m) => m !== 0),
    bugs: [...profile.bugs, ...config.bugs],
    vfioBar0Filter: profile.kernel.vfioBar0Filter,
    resets: config.params.resets !== undefined,
    relinkDelayTicks: config.params.resets?.relinkDelayTicks ?? 0,
    firmwarePercent: config.params.mmio.accessIntervalTicks > 0 ? config.params.mmio.firmwarePercent : 0,
    firmwareAllowed: tenants.filter((t) => t.lpid !== 0 && t.allowFirmwareUpdate).map((t) => t.name),
    anyHostile: tenants.some((t) => t.hostile),
    crossTenantLinkUp,
    guestAtsd: config.params.host.guestAtsd,
    hostAndGuest: tenants.some((t) => t.lpid === 0) && tenants.some((t) => t.lpid !== 0),
    anyGuest: tenants.some((t) => t.lpid !== 0),
    anyUntrained: config.params.gpu.untrained.length > 0,
  };
}

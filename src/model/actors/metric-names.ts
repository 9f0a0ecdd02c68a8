/**
 * The names of the counters and histograms actors report, shared by the actors (src/model) and the
 * result assembler (src/report), so a figure is never silently dropped by a typo. Units last.
 *
 * This is the one list of counters: `Counters` (counters.ts) takes only a `CounterName`, so a
 * counter added anywhere without an entry here does not compile, and a workload's headline is
 * checked against `COUNTER_NAMES` when it loads (scenario/workload.ts).
 */

import type { TranslateRefusal } from '../npu/nest-mmu.js';
import type { PageSizeName } from '../scenario/page-sizes.js';
import type { DmaFaultReason } from '../tce/opal-tce.js';

export const H = {
  atsdRegisterWaitTicks: 'atsd.registerWaitTicks',
  atsdHoldTicks: 'atsd.holdTicks',
  shootdownLatencyTicks: 'shootdown.latencyTicks',
  nmmuTranslateTicks: 'nmmu.translateTicks',
  dmaLatencyTicks: 'dma.latencyTicks',
  peerLatencyTicks: 'peer.latencyTicks',
  tceUnmapLatencyTicks: 'tce.unmapLatencyTicks',
  /** One ring all-reduce, first write to last arrival, per GPU (actors/gpu/ring-allreduce.ts). */
  allreduceTicks: 'allreduce.latencyTicks',
  /**
   * What the ATSD register wait and hold and the shootdown latency leave out, each sample taken
   * when the run ends: a wait, a hold or a shootdown still going on then, as long as it had lasted
   * (a deadlock's spinning CPUs, whose waits never end and so never reach their row: UNFINISHED
   * below). The DMAs and peer writes still in flight likewise (a saturated machine's peer writes,
   * whose completions all queued behind its busy links), the TCE unmaps whose TCEs were
   * cleared but whose kill had not yet come (actors/chip/tce-unmap.ts), and the nest MMU's
   * translations still queued for a walker or walking (a saturated nest MMU's: npu/nest-mmu.ts
   * `unfinished`).
   */
  atsdRegisterWaitUnfinishedTicks: 'atsd.registerWaitUnfinishedTicks',
  atsdHoldUnfinishedTicks: 'atsd.holdUnfinishedTicks',
  shootdownUnfinishedTicks: 'shootdown.unfinishedTicks',
  dmaUnfinishedTicks: 'dma.unfinishedTicks',
  peerUnfinishedTicks: 'peer.unfinishedTicks',
  tceUnmapUnfinishedTicks: 'tce.unmapUnfinishedTicks',
  nmmuTranslateUnfinishedTicks: 'nmmu.translateUnfinishedTicks',
} as const;

export const C = {
  dmaIssued: 'dma.issued',
  dmaCompleted: 'dma.completed',
  dmaFaulted: 'dma.faulted',
  dmaUt0: 'dma.ut0',
  dmaUt1: 'dma.ut1',
  peerIssued: 'peer.issued',
  peerCompleted: 'peer.completed',
  peerRefused: 'peer.refused',
  atsHits: 'ats.hits',
  atsMisses: 'ats.misses',
  atsInvalidations: 'ats.invalidations',
  atsFlushes: 'ats.flushes',
  tceHits: 'tce.hits',
  tceMisses: 'tce.misses',
  tceKills: 'tce.kills',
  tceMaps: 'tce.maps',
  tceUnmaps: 'tce.unmaps',
  nmmuTranslations: 'nmmu.translations',
  nmmuFaults: 'nmmu.faults',
  shootdownsStarted: 'shootdown.started',
  shootdownsCompleted: 'shootdown.completed',
  pagesFreed: 'pages.freed',
  pagesMapped: 'pages.mapped',
  migrations: 'pages.migrated',
  mmioAllowed: 'mmio.allowed',
  mmioBlocked: 'mmio.blocked',
  firmwareUpdates: 'firmware.updates',
  firmwareUpdatesUnallowed: 'firmware.updatesUnallowed',
  firmwareBlocked: 'firmware.blocked',
  hmis: 'hmi.count',
  gpuResets: 'gpu.resets',
  gpuResetRefused: 'gpu.resetRefused',
} as const;

/**
 * Counters that appear in a report only once something counts them (or at the end of a run).
 * Apart from C because a GPU's report lists every C counter from the start, at 0: adding these
 * to C would add them to every run's counts.
 */
export const LATER_COUNTERS = [
  'dma.bytes',
  'dma.stalls',
  'dma.inFlightAtEnd',
  'peer.blockedLocally',
  /** BAR0 writes asking to turn a disabled link back on, ignored by the latch (gpu-bar0.ts). */
  'mmio.linkReenableIgnored',
  /**
   * BAR0 accesses the MMIO filter blocked, by what they hit besides the firmware window
   * (firmware.blocked): a link-disable register, or another register on a page the filter closes.
   */
  'mmio.blocked.linkDisable',
  'mmio.blocked.sharedPage',
  'peer.inFlightAtEnd',
  'ats.evictions',
  'ats.fills',
  'ats.invalidationsLostInReset',
  'atsd.flush',
  'atsd.launches',
  'atsd.acquiredAtOnce',
  'atsd.otherPartition',
  'atsd.otherPartitionDropped',
  'atsd.hostOnGuestRegister',
  /** Stores and clears on an ATSD register by a shootdown that did not hold it (the pre-fix stale index). */
  'atsd.sharedRegister',
  'tce.entireKills',
  'tce.ignoredKillFailures',
  /** The PHBs' kills at the end of a run (tce/phb.ts): page kills, PE kills, kill-alls, rejected. */
  'tce.killsPages',
  'tce.killsPe',
  'tce.killsAll',
  'tce.killsRejected',
  'tce.killsDropped',
  'xts.destroyRefused',
  'context.inits',
  'context.destroys',
  'allreduce.completed',
  'allreduce.bytes',
  'allreduce.writes',
  'allreduce.refused',
  'allreduce.noRing',
  /**
   * Resets passed on to the GPU's chip: not every request, since one refused (its NVLink group
   * spans tenants, `gpu.resetRefused`) or asked while the GPU still resets (`gpu.resetBusy`) is
   * counted apart; `gpu.resets` counts those the chip finished.
   */
  'gpu.resetRequested',
  'gpu.resetBusy',
  'gpu.resetsRun',
  'gpu.sbr',
  'shootdown.inFlightAtEnd',
  /**
   * munmap and migrate requests whose shootdowns all completed: one `shootdown.latencyTicks` sample
   * each. `shootdown.started`/`completed` count every mmio_invalidate instead: a munmap runs two, a
   * migration one per page (actors/coordinator/page-lifecycle.ts).
   */
  'shootdown.requests',
  /**
   * Pages a migration left where they were because the target socket could give no page of their
   * size (migrate_pages' -ENOMEM; actors/coordinator/page-lifecycle.ts).
   */
  'pages.migrateFailedNoMemory',
  /** Pages a munmap's refault mapped off their home socket, which was full (zonelist fallback). */
  'pages.mappedOffHome',
  /** Violations an actor's oracle counted beyond the ones it kept (actor-report.ts). */
  'violations.notKept',
  /** Liveness failures the coordinator's watchdog counted beyond the ones it kept (watchdog.ts). */
  'liveness.notKept',
] as const;

/**
 * The members of a string union as a list, checked by the compiler both ways: a member missing
 * from the list, or one the union does not have, is a type error.
 */
const allOf =
  <U extends string>() =>
  <const L extends readonly U[]>(
    list: L & ([U] extends [L[number]] ? unknown : { missing: Exclude<U, L[number]> }),
  ) =>
    list;

/** The ATSD registers of an NPU (npu/atsd-unit.ts ATSD_REGS_PER_NPU), as their counters name them. */
const ATSD_REGISTERS = ['reg0', 'reg1', 'reg2', 'reg3', 'reg4', 'reg5', 'reg6', 'reg7'] as const;

/** What each counter family's member is, as the code that counts it spells it. */
interface FamilyMembers {
  /** ATSD launches by what they invalidate (chip/atsd-port.ts, npu/atsd-size-rule.ts). */
  'atsd.invalidate': PageSizeName | 'pid';
  /** Registers won by the host and by guests (chip/atsd-port.ts; the register is a number there). */
  'atsd.host': `reg${number}`;
  'atsd.guest': `reg${number}`;
  /** Translations the nest MMU refused, by reason (npu/nest-mmu.ts). */
  'nmmu.fault': TranslateRefusal;
  /** UT=1 DMAs the TCE system refused, by reason (tce/opal-tce.ts). */
  'tce.fault': DmaFaultReason;
  /** DMAs that faulted, by cause, as the GPU sees them (gpu/dma-engines.ts). */
  'dma.fault': 'translation' | 'tce' | 'not-owned' | 'other';
}

/** Counters named `FAMILY.MEMBER`, one per member, and every member each can have. */
export const COUNTER_FAMILIES: { readonly [F in keyof FamilyMembers]: readonly FamilyMembers[F][] } = {
  'atsd.invalidate': allOf<PageSizeName | 'pid'>()(['64K', '2M', '1G', 'pid']),
  'atsd.host': ATSD_REGISTERS,
  'atsd.guest': ATSD_REGISTERS,
  'nmmu.fault': allOf<TranslateRefusal>()([
    'bdf-not-mapped',
    'bdf-not-valid',
    'lpid-mismatch',
    'msr-mismatch',
    'pid-zero',
    'no-pte',
  ]),
  'tce.fault': allOf<DmaFaultReason>()([
    'reserved-pe',
    'no-tve',
    'outside-window',
    'invalid-entry',
    'no-permission',
  ]),
  'dma.fault': allOf<FamilyMembers['dma.fault']>()(['translation', 'tce', 'not-owned', 'other']),
};

type FamilyCounter = { [F in keyof FamilyMembers]: `${F}.${FamilyMembers[F]}` }[keyof FamilyMembers];

/** Every name an actor may count under (counters.ts takes nothing else). */
export type CounterName = (typeof C)[keyof typeof C] | (typeof LATER_COUNTERS)[number] | FamilyCounter;

/**
 * Histograms whose zero samples a counter holds instead (an HDR histogram cannot hold 0), and how
 * that counter reads: a register won at once waited 0 ticks (chip/atsd-port.ts `grant`). Every
 * figure a result gives of such a histogram is over its zeros too (metrics/histogram.ts
 * withZeroSamples); the histogram itself, and a socket's count of register waits, hold the waits
 * that waited.
 */
export const ZERO_SAMPLES: Readonly<
  Partial<Record<(typeof H)[keyof typeof H], { counter: CounterName; what: string }>>
> = {
  [H.atsdRegisterWaitTicks]: { counter: 'atsd.acquiredAtOnce', what: 'won at once' },
};

/**
 * Latencies an operation adds to only when it ends, and the histogram of those still going on when
 * the run ended (sampled then, as long as each had lasted): a deadlock's spinning CPUs never reach
 * the first, and without the second its p99 reads as a few microseconds while they spin for the
 * whole run (report/unfinished-text.ts says them beside the row).
 */
export const UNFINISHED: Readonly<
  Partial<
    Record<
      (typeof H)[keyof typeof H],
      {
        histogram: (typeof H)[keyof typeof H];
        what: string;
        /**
         * A counter of the same operations that counts only those past a first step, and what
         * the others were still doing: the shootdown latency runs from the munmap request, so its
         * unfinished include requests still clearing their PTEs, while `shootdown.inFlightAtEnd`
         * counts those whose shootdown had begun (started = completed + it). Said beside each
         * other, or the page read `+4 still in flight` above a counter of 3 (QA).
         */
        begun?: { counter: CounterName; what: string; others: string };
      }
    >
  >
> = {
  [H.atsdRegisterWaitTicks]: { histogram: H.atsdRegisterWaitUnfinishedTicks, what: 'still waiting' },
  [H.atsdHoldTicks]: { histogram: H.atsdHoldUnfinishedTicks, what: 'still held' },
  [H.shootdownLatencyTicks]: {
    histogram: H.shootdownUnfinishedTicks,
    what: 'still in flight',
    begun: {
      counter: 'shootdown.inFlightAtEnd',
      what: 'with their shootdown begun',
      others: 'still clearing PTEs',
    },
  },
  // Counted by `dma.inFlightAtEnd` and `peer.inFlightAtEnd` too (a UT=0 DMA waiting for its ATS
  // answer among them): the same operations, so no `begun` to reconcile.
  [H.dmaLatencyTicks]: { histogram: H.dmaUnfinishedTicks, what: 'still in flight' },
  [H.peerLatencyTicks]: { histogram: H.peerUnfinishedTicks, what: 'still in flight' },
  // `tce.unmaps` counts each unmap at its clear, the row at its kill: the count is the row's plus
  // these, so no `begun` either (a summary read 994 unmaps above a row of 993 with no word).
  [H.tceUnmapLatencyTicks]: { histogram: H.tceUnmapUnfinishedTicks, what: 'still in flight' },
  // No counter counts these: `nmmu.translations` counts the walks done, as the row does.
  [H.nmmuTranslateTicks]: { histogram: H.nmmuTranslateUnfinishedTicks, what: 'still in flight' },
};

/** Every counter a run can report, sorted: C, LATER_COUNTERS and each family's members. */
export const COUNTER_NAMES: readonly string[] = [
  ...Object.values(C),
  ...LATER_COUNTERS,
  ...Object.entries(COUNTER_FAMILIES).flatMap(([family, members]) => members.map((m) => `${family}.${m}`)),
].sort();

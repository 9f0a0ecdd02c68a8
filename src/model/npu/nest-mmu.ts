/**
 * The NPU's XTS tables and the nest MMU translation path of one P9 chip (skiboot hw/npu2.c
 * opal_npu_map_lpar / opal_npu_init_context / opal_npu_destroy_context, OPAL calls 148, 146, 147;
 * docs/theory/ats-atsd-oracle.md#2-nest-mmu-and-xts-npunest-mmuts-skiboot-hwnpu2c).
 *
 * State, as skiboot keeps it:
 * - XTS_BDF_MAP: 16 entries {VALID, BDF, LPARSHORT (4 bits), LPARID (12 bits), brick}. skiboot picks
 *   LPARSHORT = the entry's index, which the model copies, so `ctxRef[lparshort]` and
 *   `wildcard[lparshort]` are indexed like the BDF table. XLAT is always radix and UNFILT is implied:
 *   the model only supports unfiltered (wildcard) mode, the only one Linux uses.
 * - XTS_PID_MAP: in unfiltered mode one wildcard entry per LPARSHORT holding the MSR bits the NPU
 *   forwards to the nest MMU (DR/HV/PR/SF), refcounted by `ctx_ref[16]` (skiboot ba1d95a1d).
 * - XTS_MMIO_ATSD<n>_LPARID: the LPARID filter of each of the 8 ATSD registers, written by map_lpar
 *   for the register whose index equals the brick's link index (how the host hands ATSD[link] to a
 *   guest: Linux drivers/vfio/pci/vfio_pci_nvlink2.c, v5.0-v5.12;
 *   docs/theory/topology-groups-tce.md#1-topology-topology-spects-topologyts). Registers 6 and 7
 *   are never written: they stay with the host (LPID 0).
 *
 * VALID is set only in init_context, never in map_lpar (skiboot 4724d2c07: "ATSDs are only sent to
 * bricks which have a valid entry in the XTS_BDF table", and one sent to a brick whose links never
 * came up never completes; the firmware before it set VALID in map_lpar, which the host calls for
 * every GPU at boot: `validAtMapLpar`, the `atsd-no-valid-bdf` switch). `isBrickValid()` lets the
 * ATSD engine ask which bricks an ATSD goes to. init_context programs the wildcard and VALID only for the first
 * reference of an LPARSHORT (`ctx_ref` 0); a later one checks the MSR against the wildcard and counts.
 *
 * Firmware memory and hardware registers: `ctxRef` is skiboot's (it survives a kexec of the host
 * kernel: OPAL stays resident); the BDF entries, wildcards and ATSD LPARID filters are the NPU's
 * registers, which a kexec leaves as they were (nothing in the model resets them). After a kexec the
 * new kernel calls map_lpar again, which finds the BDF's entry and rewrites it whole, without VALID
 * (skiboot 4724d2c07 moved VALID to init_context). init_context programs the wildcard and sets VALID
 * only `if (!p->ctx_ref[id])`, so the count petitboot's kernel left (it kexec'd without a
 * destroy_context: skiboot 7c977c734, "POWERNV boots via kexec and no defererencing happens")
 * makes the new kernel's init skip both: the entry stays without VALID and ATS is refused. The fix
 * (default, 7c977c734) resets the wildcard and its refcount in map_lpar; with `staleXtsAfterKexec`
 * (skiboot ba1d95a1d to 7c977c734~1) map_lpar keeps them, and a guest's init (DR|PR) on a GPU whose
 * stale wildcard is the host's (DR|PR|HV) is refused, "Unexpected MSR value".
 *
 * MSR bits are a model encoding (DR=1, PR=2, HV=4, SF=8), not the architected MSR bit positions
 * (MSR_SF is bit 63 and not a safe JS integer); only set membership matters here.
 *
 * Translation: translate() checks the XTS state (BDF VALID, LPID, MSR wildcard, PID != 0) and walks
 * the (LPID, PID) page table. The walk costs an ASSUMED `walkLatencyTicks` (default 400 ns: a 4-level
 * radix walk with partition-scoped nesting, mostly hitting the nest MMU's page-walk caches) on one of
 * `walkers` parallel table walkers; a request that finds all walkers busy queues behind the earliest
 * to free, which is the contention figure the engine reports.
 *
 * Walks are counted when they finish (`finishWalk`, at the chip's WALK_TIMER), not when they are
 * booked: a walk booked at `now` finishes at `doneAt`, up to the whole queue later (18 us in
 * dma-storm), so counting at booking counted walks the run's end cut off, and a rate of
 * translations above the walkers' capacity (QA68 2). `settle` hands on the walks done by a tick; `busyTicksBy` gives the walkers' busy time inside [0, tick], a
 * walk that straddles the tick counting only its part before it. Each booking starts no earlier
 * than the one before (the earliest-free walker only frees later, and `now` only moves on) and
 * every walk lasts `walkLatencyTicks`, so walks finish in booking order: a FIFO holds the open ones.
 * Those still open at the run's end (`unfinished`) are the chip's `nmmu.translateUnfinishedTicks`.
 */

import { AssertionFailure, ConfigError } from '../../core/errors.js';
import type { PageSize, PageTables } from '../host/page-table.js';
import {
  HOST_LPID,
  hex,
  type Lpid,
  ns,
  type PhysAddr,
  type Pid,
  type Tick,
  type VirtAddr,
} from '../types.js';

/** Model encoding of the MSR bits the NPU forwards (not architected positions; see header). */
export const MSR_DR = 1;
export const MSR_PR = 2;
export const MSR_HV = 4;
export const MSR_SF = 8;
const MSR_ALLOWED = MSR_DR | MSR_PR | MSR_HV | MSR_SF;
/** Host contexts: LPID 0, DR|PR|HV (Linux v5.0+ boot and VFIO release_ownership). */
export const MSR_HOST = MSR_DR | MSR_PR | MSR_HV;
/** Guest contexts: the KVM LPID, DR|PR (VFIO_GROUP_NOTIFY_SET_KVM). */
export const MSR_GUEST = MSR_DR | MSR_PR;

/** OPAL return codes used by these calls (skiboot include/opal-api.h). */
export const OPAL_SUCCESS = 0;
export const OPAL_PARAMETER = -1;
export const OPAL_UNSUPPORTED = -7;
export const OPAL_RESOURCE = -10;
export type OpalRc =
  | typeof OPAL_SUCCESS
  | typeof OPAL_PARAMETER
  | typeof OPAL_UNSUPPORTED
  | typeof OPAL_RESOURCE;

export const XTS_BDF_ENTRIES = 16;
export const ATSD_REGISTERS = 8;
/** Bricks per NPU (NPU2_LINKS_PER_CHIP). */
export const BRICKS_PER_NPU = 6;

export interface XtsBdfEntry {
  /** Entry written by map_lpar (skiboot: a non-zero entry). */
  used: boolean;
  /** Set by init_context (skiboot 4724d2c07; by map_lpar before it). ATSDs go only to VALID bricks. */
  valid: boolean;
  bdf: number;
  lparshort: number;
  lparid: Lpid;
  brick: number;
}

/** Outcome of an OPAL call: the rc plus a sentence for the log when it is not OPAL_SUCCESS. */
export interface OpalResult {
  readonly rc: OpalRc;
  readonly reason: string;
}

/**
 * Outcome of opal_npu_init_context: an OPAL error (below 0), or on success the LPARSHORT of the
 * BDF's XTS entry (0 to 15), as skiboot's npu2_init_context returns it; Linux tests `rc < 0`.
 */
export interface InitContextResult {
  readonly rc: OpalRc | number;
  readonly reason: string;
}

export type TranslateRefusal =
  | 'bdf-not-mapped'
  | 'bdf-not-valid'
  | 'lpid-mismatch'
  | 'msr-mismatch'
  | 'pid-zero'
  | 'no-pte';

export type TranslateResult =
  | {
      readonly ok: true;
      readonly pa: PhysAddr;
      readonly pageSizeBytes: PageSize;
      /** The physical page's epoch at walk time; the GPU's ATS cache keeps it with the entry. */
      readonly epoch: number;
      readonly writable: boolean;
      /** Queueing behind busy walkers plus the walk itself. */
      readonly latencyTicks: Tick;
    }
  | TranslateRefused;

export interface TranslateRefused {
  readonly ok: false;
  readonly reason: TranslateRefusal;
  readonly detail: string;
  readonly latencyTicks: Tick;
}

/** A walk that finished: what `settle` hands its caller. */
export interface SettledWalk {
  /** Queueing behind busy walkers plus the walk itself. */
  readonly latencyTicks: Tick;
}

interface OpenWalk extends SettledWalk {
  readonly startTicks: Tick;
  readonly doneAt: Tick;
}

/** A request that passed the XTS checks has a walker, done at `doneAt`; else its refusal. */
export type WalkStart =
  | { readonly ok: true; readonly latencyTicks: Tick; readonly doneAt: Tick }
  | TranslateRefused;

export interface NestMmuOptions {
  /** Index of this NPU (P9 chip order) for messages. */
  npuIndex: number;
  /** Assumed page-walk latency; default 400 ns (see header). */
  walkLatencyTicks?: Tick;
  /** Parallel table walkers; default 4 (assumed). */
  walkers?: number;
  /** Bug switch (firmware): map_lpar keeps the wildcard and ctx_ref (skiboot before 7c977c734). */
  staleXtsAfterKexec?: boolean;
  /** Bug switch (firmware): map_lpar sets VALID, before any context (skiboot before 4724d2c07). */
  validAtMapLpar?: boolean;
}

/** One translation request from a brick: what the NPU forwards to the nest MMU. */
export interface TranslateRequest {
  bdf: number;
  lpid: Lpid;
  pid: Pid;
  va: VirtAddr;
  msr: number;
}

export class NestMmu {
  readonly npuIndex: number;
  readonly walkLatencyTicks: Tick;
  /** Parallel table walkers (the capacity `busyTicksBy` is a share of). */
  readonly walkers: number;
  private readonly bdfMap: XtsBdfEntry[] = [];
  private readonly wildcardMsr: (number | null)[] = new Array(XTS_BDF_ENTRIES).fill(null);
  private readonly ctxRef: number[] = new Array(XTS_BDF_ENTRIES).fill(0);
  private readonly atsdLparid: Lpid[] = new Array(ATSD_REGISTERS).fill(HOST_LPID);
  private readonly walkerFreeAt: Tick[];
  private readonly staleXtsAfterKexec: boolean;
  private readonly validAtMapLpar: boolean;
  /**
   * Walks booked and not yet settled, oldest first from `openHead` (header: they finish in this
   * order). Bounded by the requests in flight to this nest MMU; settled entries are dropped in bulk.
   */
  private openWalks: OpenWalk[] = [];
  private openHead = 0;
  /** The latest tick walks were settled to: the walks done by it are in `stats.walkerBusyTicks`. */
  private settledTo = 0;
  readonly stats = {
    /** Walks that translated, counted when done (`finishWalk`): none the run's end cut off. */
    translations: 0,
    /** Walks booked on a walker, done or not (tests, the state dump). */
    walksBooked: 0,
    /** Walker time of the walks settled (each walk's whole duration, all of it before the tick). */
    walkerBusyTicks: 0,
    /** Refusals: the XTS checks' at the request, a walk that finds no PTE when it is done. */
    faults: 0,
    faultsByReason: {} as Record<string, number>,
    walkQueueTicks: 0,
    mapLpar: 0,
    initContext: 0,
    destroyContext: 0,
    /**
     * init_context calls that found a refcount above 0 on an entry without VALID and programmed
     * nothing: the stale ctx_ref after a kexec (`staleXtsAfterKexec`), whatever the wildcard holds.
     */
    initSkippedProgramming: 0,
  };

  constructor(
    private readonly tables: PageTables,
    options: NestMmuOptions,
  ) {
    this.npuIndex = options.npuIndex;
    this.walkLatencyTicks = options.walkLatencyTicks ?? ns(400);
    this.staleXtsAfterKexec = options.staleXtsAfterKexec ?? false;
    this.validAtMapLpar = options.validAtMapLpar ?? false;
    const walkers = options.walkers ?? 4;
    if (!Number.isInteger(walkers) || walkers < 1 || walkers > 64) {
      throw new ConfigError(
        'walkers',
        `Expected \`walkers\` to be an integer from 1 to 64, got \`${walkers}\``,
      );
    }
    this.walkers = walkers;
    this.walkerFreeAt = new Array(walkers).fill(0 as Tick);
    for (let i = 0; i < XTS_BDF_ENTRIES; i++) {
      this.bdfMap.push({ used: false, valid: false, bdf: 0, lparshort: i, lparid: HOST_LPID, brick: 0 });
    }
  }

  /**
   * opal_npu_map_lpar(phb, bdf, lparid, lpcr): find the BDF entry or allocate a free one, program
   * LPARID and LPARSHORT, write the ATSD LPARID filter of the brick's register, reset the wildcard
   * and its refcount (skiboot 7c977c734; `staleXtsAfterKexec` keeps them). Does not set VALID (the
   * firmware before skiboot 4724d2c07 did: `validAtMapLpar`).
   */
  mapLpar(bdf: number, lparid: Lpid, lpcr: number, brick: number): OpalResult {
    this.stats.mapLpar++;
    if (lpcr !== 0) return { rc: OPAL_UNSUPPORTED, reason: `Expected LPCR 0 at map_lpar, got ${hex(lpcr)}` };
    if (!Number.isInteger(brick) || brick < 0 || brick >= BRICKS_PER_NPU) {
      return { rc: OPAL_PARAMETER, reason: `Expected a brick 0..5 at map_lpar, got ${brick}` };
    }
    let entry = this.bdfMap.find((e) => e.used && e.bdf === bdf);
    if (entry === undefined) entry = this.bdfMap.find((e) => !e.used);
    if (entry === undefined) {
      return {
        rc: OPAL_RESOURCE,
        reason: `Expected a free XTS_BDF_MAP entry for bdf ${hex(bdf)}, got none of 16`,
      };
    }
    entry.used = true;
    entry.bdf = bdf;
    entry.lparid = lparid;
    entry.brick = brick;
    // skiboot writes the whole entry (`npu2_write(p, NPU2_XTS_BDF_MAP + id*8, xts_bdf_lpar)`,
    // UNFILT, BDF, XLAT, LPARID, LPARSHORT, stack and brick), so a remap, such as the new kernel's
    // after a kexec, clears VALID. Before 4724d2c07 it wrote VALID here instead, so a brick was
    // VALID before it had a context.
    entry.valid = this.validAtMapLpar;
    this.atsdLparid[brick] = lparid;
    if (!this.staleXtsAfterKexec) {
      // skiboot 7c977c734: "Reset wildcard in the PID map and the refcounter" (`p->ctx_ref[id] = 0;`
      // and XTS_PID_MAP 0): "we cannot rely on the kernel to clean that up".
      this.wildcardMsr[entry.lparshort] = null;
      this.ctxRef[entry.lparshort] = 0;
    }
    return { rc: OPAL_SUCCESS, reason: '' };
  }

  /**
   * opal_npu_init_context(phb, pid, msr, bdf), in skiboot's order (npu2_init_context): stray MSR
   * bits, then the BDF must be mapped, then the wildcard's MSR must match; the first reference
   * (ctx_ref 0) writes the wildcard and sets VALID, a later one only counts. Returns the LPARSHORT
   * on success (InitContextResult).
   */
  initContext(bdf: number, msr: number): InitContextResult {
    this.stats.initContext++;
    if ((msr & ~MSR_ALLOWED) !== 0) {
      return { rc: OPAL_UNSUPPORTED, reason: `Expected MSR within DR|HV|PR|SF, got ${hex(msr)}` };
    }
    const entry = this.entryOf(bdf);
    if (entry === undefined) {
      return {
        rc: OPAL_PARAMETER,
        reason: `Expected bdf ${hex(bdf)} mapped by map_lpar before init_context, got none`,
      };
    }
    // SF is always set by skiboot in the wildcard; the comparison is on what the caller asked for.
    const wanted = msr | MSR_SF;
    const existing = this.wildcardMsr[entry.lparshort] ?? null;
    if (existing !== null && existing !== wanted) {
      return {
        rc: OPAL_PARAMETER,
        reason: `Expected MSR ${hex(existing)} matching the wildcard of lparshort ${entry.lparshort}, got ${hex(wanted)}`,
      };
    }
    // skiboot also answers OPAL_INTERNAL_ERROR ("Unexpected mapping") to a wildcard its refcount
    // knows nothing of: registers that outlived the firmware's memory. No modelled path makes one
    // (a wildcard is set with the first reference and cleared with the last, and the fixed map_lpar
    // clears both; a kexec keeps both), so it has no branch here.
    const ref = this.ctxRef[entry.lparshort] ?? 0;
    this.ctxRef[entry.lparshort] = ref + 1;
    if (ref > 0) {
      // skiboot 7c977c734~1: `if (!p->ctx_ref[id]) { write the wildcard; set VALID }` then
      // `++p->ctx_ref[id]`. Not the first context of this LPARSHORT: the entry is programmed
      // already, as far as skiboot knows. After a kexec without destroy_context, with the stale
      // refcount map_lpar kept, it is not: map_lpar rewrote it without VALID (header).
      if (!entry.valid) this.stats.initSkippedProgramming++;
      return { rc: entry.lparshort, reason: '' };
    }
    this.wildcardMsr[entry.lparshort] = wanted;
    entry.valid = true;
    return { rc: entry.lparshort, reason: '' };
  }

  /** opal_npu_destroy_context(phb, pid, bdf): refcount--, clear the wildcard at 0. */
  destroyContext(bdf: number): OpalResult {
    this.stats.destroyContext++;
    const entry = this.entryOf(bdf);
    if (entry === undefined)
      return { rc: OPAL_PARAMETER, reason: `Expected bdf ${hex(bdf)} mapped, got none` };
    const ref = this.ctxRef[entry.lparshort] ?? 0;
    if (ref === 0)
      return { rc: OPAL_PARAMETER, reason: `Expected a context on bdf ${hex(bdf)}, got refcount 0` };
    this.ctxRef[entry.lparshort] = ref - 1;
    if (ref - 1 === 0) this.wildcardMsr[entry.lparshort] = null;
    return { rc: OPAL_SUCCESS, reason: '' };
  }

  /** ATS translation request forwarded by a brick, walked at once (startWalk, then finishWalk). */
  translate(req: TranslateRequest, now: Tick): TranslateResult {
    const s = this.startWalk(req, now);
    return s.ok ? this.finishWalk(req, s.latencyTicks) : s;
  }

  /**
   * The XTS checks of a request, then a walker: when the walk will be done. The walk reads the
   * page table when it is done (`finishWalk`, called then), so a PTE cleared while the request
   * waited for a walker, or walked, is seen cleared: the stand-in for tlbie waiting for the walks
   * in flight (docs/theory-of-operation.md section 9).
   */
  startWalk(req: TranslateRequest, now: Tick): WalkStart {
    const refuse = (reason: TranslateRefusal, detail: string): TranslateRefused =>
      this.refuse(reason, detail, 0 as Tick);
    const where = `npu ${this.npuIndex} bdf ${hex(req.bdf)}`;
    const entry = this.entryOf(req.bdf);
    if (entry === undefined) return refuse('bdf-not-mapped', `Expected ${where} in XTS_BDF_MAP, got none`);
    if (!entry.valid)
      return refuse('bdf-not-valid', `Expected ${where} VALID (init_context done), got not valid`);
    if (entry.lparid !== req.lpid) {
      return refuse('lpid-mismatch', `Expected LPID ${entry.lparid} at ${where}, got ${req.lpid}`);
    }
    const wildcard = this.wildcardMsr[entry.lparshort] ?? null;
    if (wildcard === null || wildcard !== (req.msr | MSR_SF)) {
      return refuse(
        'msr-mismatch',
        `Expected MSR ${wildcard === null ? 'none' : hex(wildcard)} at ${where}, got ${hex(req.msr | MSR_SF)}`,
      );
    }
    if (req.pid === 0)
      return refuse('pid-zero', `Expected a PID other than 0 (reserved on the GPU) at ${where}`);

    // Pick the earliest-free walker (lowest index on ties: deterministic).
    let w = 0;
    for (let i = 1; i < this.walkerFreeAt.length; i++) {
      if (this.walkerFreeAt[i]! < this.walkerFreeAt[w]!) w = i;
    }
    const start = Math.max(now, this.walkerFreeAt[w]!);
    const doneAt = (start + this.walkLatencyTicks) as Tick;
    this.walkerFreeAt[w] = doneAt;
    this.stats.walkQueueTicks += start - now;
    const latencyTicks = (doneAt - now) as Tick;
    const last = this.openWalks[this.openWalks.length - 1];
    if (last !== undefined && doneAt < last.doneAt) {
      throw new AssertionFailure(
        `nest MMU ${this.npuIndex}: Expected walks to finish in booking order, got one done at ${doneAt} after one done at ${last.doneAt}`,
      );
    }
    this.stats.walksBooked++;
    this.openWalks.push({ startTicks: start as Tick, doneAt, latencyTicks });
    return { ok: true, latencyTicks, doneAt };
  }

  /** The walk `startWalk` began, done now: the page table as it is now (`latencyTicks`: startWalk's). */
  finishWalk(req: TranslateRequest, latencyTicks: Tick): TranslateResult {
    // No nest MMU TLB or page-walk cache (ASSUMED): reading the replica makes PTE_CLEAR's arrival
    // stand for the PTE store and the CPU's global tlbie (RIC=2 for a coprocessor's mm: Linux
    // radix_tlb.c mm_needs_flush_escalation) both completing. Misses to one page are not merged.
    const hit = this.tables.lookup(req.lpid, req.pid, req.va);
    if (hit === undefined) {
      return this.refuse(
        'no-pte',
        `Expected a PTE for ${hex(req.va)} in lpid ${req.lpid} pid ${req.pid}, got none`,
        latencyTicks,
      );
    }
    this.stats.translations++;
    return {
      ok: true,
      pa: hit.pa,
      pageSizeBytes: hit.pte.sizeBytes,
      epoch: this.tables.phys.pageOf(hit.pte.pa)?.epoch ?? hit.pte.epoch,
      writable: hit.pte.writable,
      latencyTicks,
    };
  }

  /**
   * Settles the walks finished by `tick` (their whole time in `stats.walkerBusyTicks`) and hands
   * each to `done`, in the order they finished.
   */
  settle(tick: Tick, done?: (walk: SettledWalk) => void): void {
    if (tick > this.settledTo) this.settledTo = tick;
    const open = this.openWalks;
    let head = this.openHead;
    while (head < open.length && open[head]!.doneAt <= tick) {
      const w = open[head++]!;
      this.stats.walkerBusyTicks += w.doneAt - w.startTicks;
      done?.(w);
    }
    // Drop settled entries now and then, not on every walk (a shift is linear in the queue).
    if (head > 1024 && head * 2 > open.length) {
      this.openWalks = open.slice(head);
      head = 0;
    }
    this.openHead = head;
  }

  /**
   * Each walk still open at `endTick` (settle to it first: queued behind busy walkers or walking),
   * as long as it had lasted since its request came, handed to `open`: the translation latency
   * holds only the walks done. One requested past the end (a threaded --stop-on-first run's chip
   * may go on past the stop before it hears of it) did not exist there.
   */
  unfinished(endTick: Tick, open: (ageTicks: number) => void): void {
    for (let i = this.openHead; i < this.openWalks.length; i++) {
      const w = this.openWalks[i]!;
      if (w.doneAt <= endTick) continue;
      const requestedAt = w.doneAt - w.latencyTicks;
      if (requestedAt <= endTick) open(endTick - requestedAt);
    }
  }

  /**
   * The walkers' busy time inside [0, tick]: the walks settled, plus the part before `tick` of
   * those still open (one straddling `tick` counts up to it). Settle to `tick` first: a walk done
   * by then and not settled counts here all the same, but not in `stats.translations`.
   */
  busyTicksBy(tick: Tick): number {
    // The settled walks are summed whole: one done after `tick` would count past it.
    if (tick < this.settledTo) {
      throw new AssertionFailure(
        `nest MMU ${this.npuIndex}: busy time asked by tick ${tick}, after walks were settled to ${this.settledTo}`,
      );
    }
    let busy = this.stats.walkerBusyTicks;
    for (let i = this.openHead; i < this.openWalks.length; i++) {
      const w = this.openWalks[i]!;
      if (w.startTicks >= tick) break;
      busy += Math.min(w.doneAt, tick) - w.startTicks;
    }
    // Each walker runs one walk at a time: more busy time than walkers x tick is a booking bug.
    if (busy > this.walkers * tick) {
      throw new AssertionFailure(
        `nest MMU ${this.npuIndex}: Expected at most ${this.walkers} walkers x ${tick} ticks busy, got ${busy}`,
      );
    }
    return busy;
  }

  /**
   * The walkers' busy share of [0, T] for a run that ended at `endTick` (settle to it first), T
   * the later of `endTick` and the last tick walks were settled to. They differ where the actor
   * ran past the run's end before it heard of the stop (a threaded or free run stopped at its first
   * finding: the runtime counts what was handled past the stop, report/summary-checks.ts): the
   * share is then over the time its settled walks fill, as a link's figures are over its sender's
   * own end (link-timing.ts `tick`). Over [0, endTick] it read more busy time than the walkers
   * could give (a free run of `flush-race --stop-on-first` crashed on that check, in CI).
   */
  walkerShare(endTick: Tick): number {
    const at = Math.max(endTick, this.settledTo) as Tick;
    const capacityTicks = this.walkers * at;
    return capacityTicks > 0 ? this.busyTicksBy(at) / capacityTicks : 0;
  }

  private refuse(reason: TranslateRefusal, detail: string, latencyTicks: Tick): TranslateRefused {
    this.stats.faults++;
    this.stats.faultsByReason[reason] = (this.stats.faultsByReason[reason] ?? 0) + 1;
    return { ok: false, reason, detail, latencyTicks };
  }

  /** The LPARID filter of ATSD register `reg` (LPID 0 unless map_lpar gave it to a guest). */
  atsdLparidOf(reg: number): Lpid {
    if (!(reg >= 0 && reg < ATSD_REGISTERS)) throw new AssertionFailure(`ATSD register ${reg} out of 0..7`);
    return this.atsdLparid[reg]!;
  }

  /** Does `brick` have a VALID XTS_BDF entry? The NPU sends ATSDs only to such bricks. */
  isBrickValid(brick: number): boolean {
    return this.bdfMap.some((e) => e.used && e.valid && e.brick === brick);
  }

  /** A copy of the BDF table, for reports and tests. */
  bdfEntries(): readonly Readonly<XtsBdfEntry>[] {
    return this.bdfMap.map((e) => ({ ...e }));
  }

  contextRefs(lparshort: number): number {
    return this.ctxRef[lparshort] ?? 0;
  }

  private entryOf(bdf: number): XtsBdfEntry | undefined {
    return this.bdfMap.find((e) => e.used && e.bdf === bdf);
  }
}

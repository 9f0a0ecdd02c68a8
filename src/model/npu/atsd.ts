/**
 * The ATSD engine: 8 shootdown registers per NPU, the size rule, and the shootdown sequence of Linux
 * npu-dma.c mmio_invalidate (v4.20-v5.2; domain.md §3 "Registers", "Register acquisition", "Size rule",
 * "Sequence", §7 "Fix deadlock in mmio_invalidate()").
 *
 * Split so that an engine with the NPU in a P9-chip actor and the CPU side (the coordinator) in
 * another thread can drive it by messages:
 * - `AtsdUnit` (one per NPU, lives with the NPU): the registers. A register is locked by its owner
 *   from acquire to release, and busy (STAT != 0) from LAUNCH until every GPU behind the NPU acked.
 * - `Shootdown` (lives with the CPU side): the step machine of one mmio_invalidate. `current()` says
 *   which operation it wants next; the engine performs it on the right NPU (`performOp` does it
 *   in-thread) and hands the answer back with `resolve()`. A busy register or a STAT != 0 is answered
 *   as such and the same operation is asked again: that is the spin of test_and_set_bit_lock or of
 *   mmio_invalidate_wait, and the engine's watchdog sees a hang as an operation asked forever.
 * - `runShootdowns`: a small single-threaded reference driver with a Chooser picking interleavings.
 *
 * The correct sequence, per shootdown (ordering in comments of `buildPlan`):
 *   acquire one register per NPU in ascending NPU order -> (range) AVA on all, one eieio, LAUNCH on
 *   all / (PID) LAUNCH on all -> wait STAT==0 on all -> flush ATSD (PID 0, IS) on all, wait -> again
 *   -> release in the same order. Only after that may the caller free the page.
 * Every launch leaves bit 39 ("No flush") at 0, as v4.20+ does, so each makes the GPU flush.
 *
 * Bug switches (design.md "Bugs as switches"):
 * - releaseBetweenFlushes: the Feb 2018 code released and re-acquired registers one NPU at a time
 *   for the flushes. Scenario (1 register per NPU, as firmware before Nov 2018 gave):
 *     1. A holds NPU0.r0 and NPU1.r0, releases NPU0.r0, asks for NPU0 again
 *     2. B takes NPU0.r0, asks for NPU1 (held by A)
 *     3. A waits for NPU0 (held by B): neither progresses (soft lockup).
 * - singleFlush: one flush ATSD instead of two (see ats-cache.ts for why that leaves stale entries).
 * - localNpuOnly: only the NPU of the calling CPU is shot down.
 * - descendingOrder: registers taken in descending NPU order.
 * - atsdNoValidBdf (on AtsdUnit): an ATSD forwarded to a brick whose XTS_BDF entry is not VALID
 *   never completes (skiboot 4724d2c07); without the switch such bricks are not sent the ATSD.
 *
 * Register count: 8 by default (NV_NMMU_ATSD_REGS); firmware before Nov 2018 exposed 1, which the
 * option `registerCount` models (and which makes the Feb 2018 deadlock reachable with 2 shootdowns).
 */

import { assert, ConfigError, ModelRefusal } from '../../core/errors.js';
import type { OracleEvent } from '../check/oracle-events.js';
import type { Chooser } from '../choice/random.js';
import type { AtsInvalidate } from '../gpu/ats-cache.js';
import { PAGE_1G, PAGE_2M, PAGE_64K, type PageSize } from '../host/page-table.js';
import { alignDown, hex, type Lpid, type Pid, type Tick } from '../types.js';
import { atsdLaunchValue, decodeAtsdLaunch } from './atsd-launch.js';

export const ATSD_REGS_PER_NPU = 8;
/** Registers 6 and 7 are never handed to a guest ("acceptable price for the simplicity"). */
export const HOST_ONLY_REGISTERS: readonly number[] = [6, 7];

// ----- Size rule -------------------------------------------------------------------------------

/** What one invalidate ATSD covers. */
export type AtsdTarget =
  | { readonly kind: 'range'; readonly start: number; readonly sizeBytes: PageSize }
  | { readonly kind: 'pid' };

/**
 * Linux 4.20+ "Use size-based ATSD invalidates": size==64K -> that 64K page; start and end in one 2M
 * -> the 2M page; in one 1G -> the 1G page; else the whole PID. `sizeBytes` null means the whole
 * address space (mm release). 4K pages are not supported by this code (no 4K AP is ever used).
 */
export function atsdSizeRule(start: number, sizeBytes: number | null): AtsdTarget {
  if (sizeBytes === null) return { kind: 'pid' };
  if (!Number.isSafeInteger(start) || start < 0 || !Number.isSafeInteger(sizeBytes) || sizeBytes < 0) {
    throw new ModelRefusal('EINVAL', `Expected a range with size >= 0, got start ${start} size ${sizeBytes}`);
  }
  // Size 0 is a range like any other to mmio_invalidate: end = start - 1, which for start 0 wraps
  // to ~0UL, outside every 2M and 1G window of start (so: whole PID).
  const end = start + sizeBytes - 1;
  if (sizeBytes === PAGE_64K) return { kind: 'range', start, sizeBytes: PAGE_64K };
  if (end < 0) return { kind: 'pid' };
  if (alignDown(start, PAGE_2M) === alignDown(end, PAGE_2M)) {
    return { kind: 'range', start: alignDown(start, PAGE_2M), sizeBytes: PAGE_2M };
  }
  if (alignDown(start, PAGE_1G) === alignDown(end, PAGE_1G)) {
    return { kind: 'range', start: alignDown(start, PAGE_1G), sizeBytes: PAGE_1G };
  }
  return { kind: 'pid' };
}

/**
 * The older rule (~v4.17-4.19, debugfs `atsd_threshold`, default 2M): a range of at most the
 * threshold gets one 64K invalidate per 64K page, a larger one a whole-PID invalidate.
 */
export function atsdLegacyRule(
  start: number,
  sizeBytes: number | null,
  thresholdBytes: number = PAGE_2M,
): AtsdTarget[] {
  if (sizeBytes === null || sizeBytes > thresholdBytes) return [{ kind: 'pid' }];
  if (sizeBytes < 1) throw new ModelRefusal('EINVAL', `Expected a range with size >= 1, got ${sizeBytes}`);
  const out: AtsdTarget[] = [];
  const first = alignDown(start, PAGE_64K);
  for (let a = first; a < start + sizeBytes; a += PAGE_64K)
    out.push({ kind: 'range', start: a, sizeBytes: PAGE_64K });
  return out;
}

// ----- Registers (one AtsdUnit per NPU) --------------------------------------------------------

/** What the unit needs from the NPU's XTS (NestMmu implements it). */
export interface AtsdXts {
  atsdLparidOf(reg: number): Lpid;
  isBrickValid(brick: number): boolean;
}

/** A GPU link behind this NPU that an ATSD is forwarded to. */
export interface AtsdBrick {
  readonly gpu: number;
  readonly brick: number;
}

export interface LaunchParams {
  readonly target: AtsdTarget;
  readonly pid: Pid;
  /** Bit 39 == 0: the GPU flushes after invalidating. Linux v4.20+: always true. */
  readonly flush: boolean;
  /** A flush ATSD: PID 0, IS; no entry matches, only the flush matters. */
  readonly flushOnly: boolean;
}

/** The LAUNCH doubleword of these parameters (atsd-launch.ts), as the CPU writes it. */
export function launchValueOf(params: LaunchParams): bigint {
  return atsdLaunchValue({
    pageBytes: params.target.kind === 'range' ? params.target.sizeBytes : null,
    pid: params.pid,
    flush: params.flush,
  });
}

/** One GPU's share of a launch: the engine delivers `inv` to the GPU and calls ack() when done. */
export interface AtsdDelivery {
  readonly gpu: number;
  readonly inv: AtsInvalidate;
  readonly flush: boolean;
}

export interface AtsdRegisterState {
  readonly index: number;
  locked: boolean;
  owner: number | null;
  ava: number;
  pendingAcks: Set<number>;
  /** Forwarded to a brick without a VALID XTS_BDF entry: STAT never returns to 0. */
  hung: boolean;
  lockedAt: Tick;
  launches: number;
  holdTicks: number;
  acquisitions: number;
}

export interface AtsdUnitOptions {
  npuIndex: number;
  xts: AtsdXts;
  /** GPU links behind this NPU. */
  bricks: readonly AtsdBrick[];
  /** Registers exposed by firmware ("ibm,mmio-atsd"); default 8, 1 for firmware before Nov 2018. */
  registerCount?: number;
  /** Bug switch (skiboot 4724d2c07); default false. */
  atsdNoValidBdf?: boolean;
}

export class AtsdUnit {
  readonly npuIndex: number;
  private readonly regs: AtsdRegisterState[] = [];
  private readonly xts: AtsdXts;
  private readonly bricks: readonly AtsdBrick[];
  readonly atsdNoValidBdf: boolean;
  readonly stats = { acquisitions: 0, busySeen: 0, launches: 0, acks: 0, holdTicks: 0 };

  constructor(options: AtsdUnitOptions) {
    this.npuIndex = options.npuIndex;
    this.xts = options.xts;
    this.bricks = [...options.bricks];
    this.atsdNoValidBdf = options.atsdNoValidBdf ?? false;
    const count = options.registerCount ?? ATSD_REGS_PER_NPU;
    if (!Number.isInteger(count) || count < 1 || count > ATSD_REGS_PER_NPU) {
      // "Check mmio_atsd array bounds": more than 8 DT values corrupted memory; the model refuses.
      throw new ConfigError('registerCount', `Expected \`registerCount\` from 1 to 8, got \`${count}\``);
    }
    for (let i = 0; i < count; i++) {
      this.regs.push({
        index: i,
        locked: false,
        owner: null,
        ava: 0,
        pendingAcks: new Set(),
        hung: false,
        lockedAt: 0 as Tick,
        launches: 0,
        holdTicks: 0,
        acquisitions: 0,
      });
    }
  }

  get registerCount(): number {
    return this.regs.length;
  }

  /**
   * acquire_atsd_reg for one NPU: for each register, test_bit then test_and_set_bit_lock. Returns the
   * register taken or null when every candidate is locked (the caller spins: asks again later).
   * A guest (`guestLpid` set) may only use register `fixedRegister`, whose LPARID filter must be its
   * LPID and which may not be 6 or 7.
   */
  tryAcquire(owner: number, now: Tick, fixedRegister?: number, guestLpid?: Lpid): number | null {
    if (fixedRegister !== undefined) {
      if (guestLpid !== undefined) {
        if (HOST_ONLY_REGISTERS.includes(fixedRegister)) {
          throw new ModelRefusal(
            'EPERM',
            `Expected a guest ATSD register 0..5 on npu ${this.npuIndex}, got ${fixedRegister} (host-only)`,
          );
        }
        const filter = this.xts.atsdLparidOf(fixedRegister);
        if (filter !== guestLpid) {
          throw new ModelRefusal(
            'EPERM',
            `Expected ATSD register ${fixedRegister} of npu ${this.npuIndex} filtered to LPID ${guestLpid}, got filter ${filter}`,
          );
        }
      }
      const r = this.reg(fixedRegister);
      return this.tryLock(r, owner, now) ? r.index : null;
    }
    for (const r of this.regs) {
      if (r.locked) continue; // test_bit: skip a busy register without a locked bus operation
      if (this.tryLock(r, owner, now)) return r.index;
    }
    this.stats.busySeen++;
    return null;
  }

  writeAva(reg: number, owner: number, ava: number): void {
    const r = this.owned(reg, owner, 'AVA write');
    r.ava = ava;
  }

  /**
   * LAUNCH: forwards the ATSD to every GPU link behind this NPU, with the LPID of the register's
   * LPARID filter. Returns the per-GPU deliveries; STAT stays non-zero until each is acked.
   */
  launch(reg: number, owner: number, params: LaunchParams): AtsdDelivery[] {
    const r = this.owned(reg, owner, 'LAUNCH');
    assert(r.pendingAcks.size === 0 && !r.hung, `LAUNCH on npu ${this.npuIndex} reg ${reg} while STAT != 0`);
    if (params.target.kind === 'range') {
      assert(
        r.ava === params.target.start,
        `LAUNCH on npu ${this.npuIndex} reg ${reg}: AVA ${hex(r.ava)} != start ${hex(params.target.start)}`,
      );
    }
    r.launches++;
    this.stats.launches++;
    // The NPU acts on the register value: IS/AP/PID/No-flush from LAUNCH, the address from AVA,
    // the LPID from the register's LPARID filter.
    const launch = decodeAtsdLaunch(launchValueOf(params));
    const lpid = this.xts.atsdLparidOf(reg);
    const out: AtsdDelivery[] = [];
    const gpus = new Set<number>();
    for (const b of this.bricks) {
      if (!this.xts.isBrickValid(b.brick)) {
        if (this.atsdNoValidBdf) r.hung = true;
        continue;
      }
      if (gpus.has(b.gpu)) continue; // one delivery per GPU even with several links
      gpus.add(b.gpu);
      let inv: AtsInvalidate;
      if (launch.is && launch.pid === 0) inv = { kind: 'flush' };
      else if (launch.is || launch.pageBytes === null) inv = { kind: 'pid', lpid, pid: launch.pid as Pid };
      else inv = { kind: 'range', lpid, pid: launch.pid as Pid, start: r.ava, sizeBytes: launch.pageBytes };
      out.push({ gpu: b.gpu, inv, flush: !launch.noFlush });
      r.pendingAcks.add(b.gpu);
    }
    return out;
  }

  /** A GPU finished its share of the ATSD on `reg`. */
  ack(reg: number, gpu: number): void {
    const r = this.reg(reg);
    assert(
      r.pendingAcks.delete(gpu),
      `ack from gpu ${gpu} on npu ${this.npuIndex} reg ${reg} that owes none`,
    );
    this.stats.acks++;
  }

  /** STAT: 0 once every GPU acked; 1 while busy (forever when hung). */
  stat(reg: number): number {
    const r = this.reg(reg);
    return r.pendingAcks.size > 0 || r.hung ? 1 : 0;
  }

  /** release_atsd_reg: clear_bit_unlock. */
  release(reg: number, owner: number, now: Tick): void {
    const r = this.owned(reg, owner, 'release');
    const held = now - r.lockedAt;
    r.holdTicks += held;
    this.stats.holdTicks += held;
    r.locked = false;
    r.owner = null;
  }

  /** Registers as they stand, for the watchdog and reports. */
  snapshot(): readonly Readonly<Omit<AtsdRegisterState, 'pendingAcks'> & { pendingAcks: number[] }>[] {
    return this.regs.map((r) => ({ ...r, pendingAcks: [...r.pendingAcks] }));
  }

  private tryLock(r: AtsdRegisterState, owner: number, now: Tick): boolean {
    if (r.locked) {
      this.stats.busySeen++;
      return false;
    }
    r.locked = true;
    r.owner = owner;
    r.lockedAt = now;
    r.acquisitions++;
    this.stats.acquisitions++;
    return true;
  }

  private reg(index: number): AtsdRegisterState {
    const r = this.regs[index];
    if (r === undefined) {
      throw new ModelRefusal(
        'EINVAL',
        `Expected an ATSD register 0..${this.regs.length - 1} on npu ${this.npuIndex}, got ${index}`,
      );
    }
    return r;
  }

  private owned(reg: number, owner: number, what: string): AtsdRegisterState {
    const r = this.reg(reg);
    assert(
      r.locked && r.owner === owner,
      `${what} on npu ${this.npuIndex} reg ${reg} by shootdown ${owner}, held by ${r.owner}`,
    );
    return r;
  }
}

// ----- The shootdown step machine --------------------------------------------------------------

export interface AtsdBugs {
  releaseBetweenFlushes?: boolean;
  singleFlush?: boolean;
  localNpuOnly?: boolean;
  descendingOrder?: boolean;
}

export interface ShootdownSpec {
  readonly id: number;
  readonly lpid: Lpid;
  readonly pid: Pid;
  readonly start: number;
  /** null: the whole address space (mm release). */
  readonly sizeBytes: number | null;
  /** NPUs with a GPU of this mm (the npdev slots). */
  readonly npus: readonly number[];
  /** NPU of the CPU running mmio_invalidate (used by the localNpuOnly bug). */
  readonly localNpu: number;
  /** Guest: the register it was given on each NPU (index = link index) and its LPID. */
  readonly guest?: { readonly lpid: Lpid; readonly registerByNpu: ReadonlyMap<number, number> };
  /** 'v4.20' (default) or the legacy threshold rule. */
  readonly sizeRule?: 'v4.20' | 'legacy';
}

export type ShootdownOp =
  | {
      readonly kind: 'acquire';
      readonly npu: number;
      readonly fixedRegister?: number;
      readonly guestLpid?: Lpid;
    }
  | { readonly kind: 'write-ava'; readonly npu: number; readonly reg: number; readonly ava: number }
  | { readonly kind: 'eieio' }
  | { readonly kind: 'launch'; readonly npu: number; readonly reg: number; readonly params: LaunchParams }
  | { readonly kind: 'wait'; readonly npu: number; readonly reg: number; readonly flush: boolean }
  | { readonly kind: 'release'; readonly npu: number; readonly reg: number }
  | { readonly kind: 'done' };

/** The answer to an op: the register taken (or null: busy) for acquire, STAT for wait, else nothing. */
export type OpAnswer = { readonly reg: number | null } | { readonly stat: number } | null;

type PlanStep =
  | { kind: 'acquire'; npu: number }
  | { kind: 'write-ava'; npu: number; ava: number }
  | { kind: 'eieio' }
  | { kind: 'launch'; npu: number; params: LaunchParams }
  | { kind: 'wait'; npu: number; flush: boolean }
  | { kind: 'release'; npu: number };

const NO_PID = 0 as Pid;

export class Shootdown {
  readonly spec: ShootdownSpec;
  readonly order: readonly number[];
  private readonly plan: PlanStep[];
  private pc = 0;
  private readonly held = new Map<number, number>();
  private started = false;
  /** Tick at which the current op was first asked (for wait/spin time). */
  private askedAt: Tick | null = null;
  readonly stats = { registerWaitTicks: 0, statWaitTicks: 0, spins: 0, startedAt: -1, completedAt: -1 };

  constructor(spec: ShootdownSpec, bugs: AtsdBugs = {}) {
    this.spec = spec;
    if (spec.npus.length === 0)
      throw new ConfigError('npus', `Expected shootdown ${spec.id} to involve at least one NPU, got none`);
    const asc = [...new Set(spec.npus)].sort((a, b) => a - b);
    let order = bugs.localNpuOnly ? [spec.localNpu] : asc;
    if (bugs.descendingOrder) order = [...order].reverse();
    this.order = order;
    this.plan = buildPlan(spec, order, bugs);
  }

  get done(): boolean {
    return this.pc >= this.plan.length;
  }

  /** Registers held now, npu -> register. */
  heldRegisters(): ReadonlyMap<number, number> {
    return this.held;
  }

  /** The operation this shootdown wants next. Asking again without resolve() returns the same. */
  current(): ShootdownOp {
    const s = this.plan[this.pc];
    if (s === undefined) return { kind: 'done' };
    switch (s.kind) {
      case 'acquire': {
        const fixed = this.spec.guest?.registerByNpu.get(s.npu);
        if (this.spec.guest !== undefined) {
          if (fixed === undefined) {
            throw new ModelRefusal(
              'EINVAL',
              `Expected a guest ATSD register on npu ${s.npu} for shootdown ${this.spec.id}, got none`,
            );
          }
          return { kind: 'acquire', npu: s.npu, fixedRegister: fixed, guestLpid: this.spec.guest.lpid };
        }
        return { kind: 'acquire', npu: s.npu };
      }
      case 'eieio':
        return { kind: 'eieio' };
      case 'write-ava':
        return { kind: 'write-ava', npu: s.npu, reg: this.regOn(s.npu), ava: s.ava };
      case 'launch':
        return { kind: 'launch', npu: s.npu, reg: this.regOn(s.npu), params: s.params };
      case 'wait':
        return { kind: 'wait', npu: s.npu, reg: this.regOn(s.npu), flush: s.flush };
      case 'release':
        return { kind: 'release', npu: s.npu, reg: this.regOn(s.npu) };
    }
  }

  /**
   * Hand back the answer to current(); returns the oracle events of this step (empty while spinning).
   * An acquire answered `{reg: null}` or a wait answered `{stat: != 0}` leaves the op pending.
   */
  resolve(answer: OpAnswer, now: Tick): OracleEvent[] {
    const op = this.current();
    assert(op.kind !== 'done', `resolve() on finished shootdown ${this.spec.id}`);
    const events: OracleEvent[] = [];
    const id = this.spec.id;
    if (!this.started) {
      this.started = true;
      this.stats.startedAt = now;
      events.push({
        kind: 'shootdown.start',
        tick: now,
        shootdown: id,
        lpid: this.spec.guest?.lpid ?? this.spec.lpid,
        pid: this.spec.pid,
        start: this.spec.start,
        sizeBytes: this.spec.sizeBytes,
        npus: this.order,
      });
    }
    if (this.askedAt === null) this.askedAt = now;
    switch (op.kind) {
      case 'acquire': {
        assert(answer !== null && 'reg' in answer, `acquire answered with ${JSON.stringify(answer)}`);
        if (answer.reg === null) {
          this.stats.spins++;
          return events;
        }
        this.stats.registerWaitTicks += now - this.askedAt;
        this.held.set(op.npu, answer.reg);
        events.push({ kind: 'atsd.acquire', tick: now, shootdown: id, npu: op.npu, reg: answer.reg });
        break;
      }
      case 'launch':
        events.push({
          kind: 'atsd.launch',
          tick: now,
          shootdown: id,
          npu: op.npu,
          reg: op.reg,
          flush: op.params.flushOnly,
        });
        break;
      case 'wait': {
        assert(answer !== null && 'stat' in answer, `wait answered with ${JSON.stringify(answer)}`);
        if (answer.stat !== 0) {
          this.stats.spins++;
          return events;
        }
        this.stats.statWaitTicks += now - this.askedAt;
        events.push({
          kind: 'atsd.complete',
          tick: now,
          shootdown: id,
          npu: op.npu,
          reg: op.reg,
          flush: op.flush,
        });
        break;
      }
      case 'release':
        this.held.delete(op.npu);
        events.push({ kind: 'atsd.release', tick: now, shootdown: id, npu: op.npu, reg: op.reg });
        break;
      case 'write-ava':
      case 'eieio':
        break;
    }
    this.askedAt = null;
    this.pc++;
    if (this.done) {
      assert(this.held.size === 0, `shootdown ${id} finished holding ${this.held.size} registers`);
      this.stats.completedAt = now;
      events.push({ kind: 'shootdown.complete', tick: now, shootdown: id });
    }
    return events;
  }

  private regOn(npu: number): number {
    const r = this.held.get(npu);
    assert(r !== undefined, `shootdown ${this.spec.id} uses npu ${npu} without holding a register`);
    return r;
  }
}

/** The plan of one mmio_invalidate (see the module header for the sequence and the bugs). */
function buildPlan(spec: ShootdownSpec, order: readonly number[], bugs: AtsdBugs): PlanStep[] {
  const plan: PlanStep[] = [];
  const targets =
    spec.sizeRule === 'legacy'
      ? atsdLegacyRule(spec.start, spec.sizeBytes)
      : [atsdSizeRule(spec.start, spec.sizeBytes)];
  for (const npu of order) plan.push({ kind: 'acquire', npu });
  for (const target of targets) {
    const params: LaunchParams = { target, pid: spec.pid, flush: true, flushOnly: false };
    if (target.kind === 'range') {
      // AVA on all NPUs, ONE eieio so the AVA stores are ordered before every LAUNCH store.
      for (const npu of order) plan.push({ kind: 'write-ava', npu, ava: target.start });
      plan.push({ kind: 'eieio' });
    }
    for (const npu of order) plan.push({ kind: 'launch', npu, params });
    for (const npu of order) plan.push({ kind: 'wait', npu, flush: false });
  }
  // "The GPU requires two flush ATSDs to ensure all entries have been flushed. We use PID 0 as it
  // will never be used for a process on the GPU."
  const flushParams: LaunchParams = { target: { kind: 'pid' }, pid: NO_PID, flush: true, flushOnly: true };
  const flushes = bugs.singleFlush ? 1 : 2;
  for (let f = 0; f < flushes; f++) {
    if (bugs.releaseBetweenFlushes) {
      for (const npu of order) {
        plan.push({ kind: 'release', npu });
        plan.push({ kind: 'acquire', npu });
        plan.push({ kind: 'launch', npu, params: flushParams });
      }
    } else {
      for (const npu of order) plan.push({ kind: 'launch', npu, params: flushParams });
    }
    for (const npu of order) plan.push({ kind: 'wait', npu, flush: true });
  }
  for (const npu of order) plan.push({ kind: 'release', npu });
  return plan;
}

/**
 * Perform `op` on the NPU's unit, in-thread. Returns the answer for resolve() and the deliveries a
 * launch produced (the engine sends each to its GPU and acks the unit when the GPU is done).
 */
export function performOp(
  op: Exclude<ShootdownOp, { kind: 'done' }>,
  owner: number,
  unit: AtsdUnit | undefined,
  now: Tick,
): { answer: OpAnswer; deliveries: AtsdDelivery[] } {
  if (op.kind === 'eieio') return { answer: null, deliveries: [] };
  assert(unit !== undefined && unit.npuIndex === op.npu, `no ATSD unit for npu ${op.npu}`);
  switch (op.kind) {
    case 'acquire':
      return { answer: { reg: unit.tryAcquire(owner, now, op.fixedRegister, op.guestLpid) }, deliveries: [] };
    case 'write-ava':
      unit.writeAva(op.reg, owner, op.ava);
      return { answer: null, deliveries: [] };
    case 'launch':
      return { answer: null, deliveries: unit.launch(op.reg, owner, op.params) };
    case 'wait':
      return { answer: { stat: unit.stat(op.reg) }, deliveries: [] };
    case 'release':
      unit.release(op.reg, owner, now);
      return { answer: null, deliveries: [] };
  }
}

// ----- Reference driver ------------------------------------------------------------------------

export interface DriverOptions {
  units: readonly AtsdUnit[];
  shootdowns: readonly ShootdownSpec[];
  bugs?: AtsdBugs;
  chooser: Chooser;
  /** Bound on scheduling steps; default 100000. */
  maxSteps?: number;
  /** Simulated time per step; default 1 ns. */
  stepTicks?: number;
  /** Each delivery, handed to the caller's GPU model before it is acked (optional). */
  deliver?: (delivery: AtsdDelivery, npu: number) => void;
}

export interface RegisterReport {
  readonly npu: number;
  readonly reg: number;
  readonly holder: number | null;
  readonly waiters: readonly number[];
}

export interface DriverResult {
  readonly completed: readonly number[];
  readonly events: readonly OracleEvent[];
  readonly steps: number;
  /** Set when no actor could progress (or steps ran out): every register's holder and waiters. */
  readonly stuck: {
    readonly reason: 'deadlock' | 'hang' | 'step-limit';
    readonly registers: readonly RegisterReport[];
  } | null;
  readonly perShootdown: readonly {
    id: number;
    registerWaitTicks: number;
    statWaitTicks: number;
    spins: number;
  }[];
}

/**
 * Run N shootdowns concurrently in one thread. Each step the Chooser picks one runnable actor: a
 * shootdown (which performs its current op) or a pending GPU ack. Progress means an op that moved a
 * shootdown on or an ack; when every remaining shootdown only spins and no ack is pending, the run is
 * stuck: a deadlock if some spin on registers, a hang if some wait on a STAT that never clears.
 */
export function runShootdowns(options: DriverOptions): DriverResult {
  const step = options.stepTicks ?? 1000;
  const maxSteps = options.maxSteps ?? 100_000;
  const units = new Map(options.units.map((u) => [u.npuIndex, u]));
  const sds = options.shootdowns.map((s) => new Shootdown(s, options.bugs));
  const acks: { npu: number; reg: number; gpu: number }[] = [];
  const events: OracleEvent[] = [];
  const completed: number[] = [];
  let now = 0;
  let steps = 0;
  // Actors that only spun since the last progress; when all live ones did, nothing can change.
  const spunSinceProgress = new Set<number>();
  let stuck: DriverResult['stuck'] = null;
  for (; steps < maxSteps; steps++) {
    const live = sds.filter((s) => !s.done);
    if (live.length === 0) break;
    const runnable = [
      ...live.filter((s) => !spunSinceProgress.has(s.spec.id)).map((s) => ({ sd: s })),
      ...acks.map((_a, i) => ({ ack: i })),
    ];
    if (runnable.length === 0) {
      const waitingStat = live.some((s) => s.current().kind === 'wait');
      stuck = { reason: waitingStat ? 'hang' : 'deadlock', registers: registerReport(options.units, live) };
      break;
    }
    now += step;
    const pick = runnable[options.chooser.choose('atsd.driver.next', runnable.length)]!;
    if ('ack' in pick) {
      const [a] = acks.splice(pick.ack!, 1);
      units.get(a!.npu)!.ack(a!.reg, a!.gpu);
      spunSinceProgress.clear();
      continue;
    }
    const sd = pick.sd!;
    const op = sd.current();
    assert(op.kind !== 'done', 'a live shootdown has no op');
    const { answer, deliveries } = performOp(
      op,
      sd.spec.id,
      op.kind === 'eieio' ? undefined : units.get(op.npu),
      now as Tick,
    );
    for (const d of deliveries) {
      options.deliver?.(d, (op as { npu: number }).npu);
      acks.push({ npu: (op as { npu: number }).npu, reg: (op as { reg: number }).reg, gpu: d.gpu });
    }
    events.push(...sd.resolve(answer, now as Tick));
    const spun =
      (op.kind === 'acquire' && answer !== null && 'reg' in answer && answer.reg === null) ||
      (op.kind === 'wait' && answer !== null && 'stat' in answer && answer.stat !== 0);
    if (spun) spunSinceProgress.add(sd.spec.id);
    else spunSinceProgress.clear();
    if (sd.done) completed.push(sd.spec.id);
  }
  if (stuck === null && sds.some((s) => !s.done)) {
    stuck = {
      reason: 'step-limit',
      registers: registerReport(
        options.units,
        sds.filter((s) => !s.done),
      ),
    };
  }
  return {
    completed,
    events,
    steps,
    stuck,
    perShootdown: sds.map((s) => ({
      id: s.spec.id,
      registerWaitTicks: s.stats.registerWaitTicks,
      statWaitTicks: s.stats.statWaitTicks,
      spins: s.stats.spins,
    })),
  };
}

function registerReport(units: readonly AtsdUnit[], live: readonly Shootdown[]): RegisterReport[] {
  const out: RegisterReport[] = [];
  for (const u of units) {
    for (const r of u.snapshot()) {
      const waiters = live
        .filter((s) => {
          const op = s.current();
          return (
            op.kind === 'acquire' &&
            op.npu === u.npuIndex &&
            (op.fixedRegister === undefined || op.fixedRegister === r.index)
          );
        })
        .map((s) => s.spec.id);
      out.push({ npu: u.npuIndex, reg: r.index, holder: r.owner, waiters });
    }
  }
  return out;
}

/** Describe a stuck run in one line per register that has a holder or waiters. */
export function describeStuck(stuck: NonNullable<DriverResult['stuck']>): string {
  const lines = stuck.registers
    .filter((r) => r.holder !== null || r.waiters.length > 0)
    .map(
      (r) =>
        `npu ${r.npu} reg ${r.reg}: held by ${r.holder ?? 'nobody'}, waited on by [${r.waiters.join(', ')}]`,
    );
  return `${stuck.reason}: ${lines.join('; ')}`;
}

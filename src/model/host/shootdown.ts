/**
 * One mmio_invalidate of Linux npu-dma.c (v4.20-v5.2; Feb 2018 "Fix deadlock in mmio_invalidate()";
 * docs/theory/ats-atsd-oracle.md#5-the-atsd-engine-npuatsd-unitts-hostshootdownts): the kernel's
 * side of a shootdown, as a step machine. It lives with the CPU (the coordinator); the registers
 * live with each NPU (npu/atsd-unit.ts) in another actor.
 *
 * How it works: `current()` says which operation the shootdown wants next; the coordinator sends it
 * to the right NPU and hands the answer back with `resolve()`. A busy register or a STAT != 0 is
 * answered only when it frees, which is the spin of test_and_set_bit_lock or mmio_invalidate_wait;
 * a hang shows as an operation never answered.
 *
 * The correct sequence (`buildPlan`):
 *   1. acquire one register per NPU, in ascending NPU order;
 *   2. range: AVA on all NPUs, ONE eieio, LAUNCH on all; PID: LAUNCH on all;
 *   3. wait STAT == 0 on all;
 *   4. a flush ATSD (PID 0, IS) on all, wait; again ("The GPU requires two flush ATSDs");
 *   5. release in the same order. Only after that may the caller free the page.
 * Every launch leaves bit 39 ("No flush") at 0, as v4.20+ does, so each makes the GPU flush.
 *
 * The older size rule (`sizeRule: 'legacy'`, v4.17-4.19; npu/atsd-size-rule.ts): a range up to
 * `atsd_threshold` is one such mmio_invalidate per 64K page with No-flush set and no flush ATSDs,
 * each taking and releasing its registers, then one at the end that flushes as above. Those kernels
 * stored register by register (AVA, eieio, LAUNCH per NPU, AVA 0 before a PID or flush LAUNCH;
 * "Reduce eieio usage" came in v4.20); the model keeps the v4.20 store order here, which puts every
 * AVA before its LAUNCH all the same.
 *
 * Bug switches (scenario/bugs.ts):
 * - releaseBetweenFlushes: the code before Feb 2018's fix (npu-dma.c of v4.12 to v4.16: the fix,
 *   2b74e2a9b39d, posted 13 Feb 2018, was applied to powerpc-next on 13 Mar 2018, so v4.17 is the
 *   first release with it), step by step
 *   (`pushPreFixInvalidate`): per NPU, spin for a register (test_and_set_bit) and at once write
 *   AVA, eieio, LAUNCH; then mmio_invalidate_wait(flush) per NPU: wait STAT == 0, clear_bit, and
 *   launch one flush ATSD (PID 0) through mmio_invalidate_pid, which spins for a register of its
 *   own and whose returned index is dropped; then mmio_invalidate_wait(no flush) per NPU: wait on,
 *   and clear_bit, the index of mmio_atsd_reg[] again, the register released in the pass before.
 *   Two faults follow, both modelled:
 *     a. the deadlock the fix is named for (1 register per NPU, as firmware before Nov 2018 gave):
 *        A holds NPU0.r0 and NPU1.r0, releases NPU0.r0 and asks for NPU0 again; B takes NPU0.r0
 *        and asks for NPU1 (held by A); A waits for NPU0 (held by B): a soft lockup;
 *     b. the stale index (more registers): when the flush got another index than the invalidate
 *        had (a lower one freed meanwhile, or the old one taken by another CPU), the second wait
 *        polls a register that is not the flush's and clears it, freeing it under whoever holds
 *        it now (two shootdowns then drive one register: the chip's `order.atsd-shared-register`),
 *        and the flush's register is never cleared (it leaks; the shootdown ends still holding it).
 *   With 1 register the two indices always coincide, and only (a) can happen.
 *   Only mmio_invalidate is the pre-fix code's: its caller then, pnv_npu2_mn_invalidate_range, had
 *   no size rule and no threshold (one non-flushing call per 64K page, then a flushing one at
 *   `end`), while the model runs this sequence for each call of the run's `sizeRule` (by default
 *   v4.20's one call, whose 2M/1G targets that code never issued; `legacy` is closer, save its 2M
 *   threshold, which that code did not have).
 * - singleFlush: one flush ATSD after the invalidate instead of two (gpu/ats-cache.ts says why that
 *   leaves stale entries). The pre-Feb-2018 code issued exactly that under the "two flush ATSDs"
 *   comment, counting the invalidate's own flush: reading "two" as two more is an ASSUMPTION
 *   (docs/theory/ats-atsd-oracle.md#4-the-gpu-ats-cache-and-why-two-flushes-gpuats-cachets).
 * - localNpuOnly: only the NPU of the calling CPU is shot down.
 * - descendingOrder: registers taken in descending NPU order.
 */
import { AssertionFailure, assert, ConfigError, ModelRefusal } from '../../core/errors.js';
import type { OracleEvent } from '../check/oracle-events.js';
import {
  atsdLegacyCalls,
  atsdSizeRule,
  type InvalidateCall,
  type LaunchParams,
} from '../npu/atsd-size-rule.js';
import type { Lpid, Pid, Tick } from '../types.js';

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
  /**
   * Guest: the registers it was given on each NPU (ATSD[link index] of its bridges there, in
   * ascending order; its own acquire_atsd_reg spins over them) and its LPID.
   */
  readonly guest?: { readonly lpid: Lpid; readonly registersByNpu: ReadonlyMap<number, readonly number[]> };
  /** 'v4.20' (default) or the legacy threshold rule. */
  readonly sizeRule?: 'v4.20' | 'legacy';
}

export type ShootdownOp =
  | {
      readonly kind: 'acquire';
      readonly npu: number;
      /** The only registers it may take (a guest's); undefined: any the host may use. */
      readonly registers?: readonly number[];
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
  | { kind: 'acquire'; npu: number; into?: RegisterVariable }
  | { kind: 'write-ava'; npu: number; ava: number; on?: RegisterVariable }
  | { kind: 'eieio' }
  | { kind: 'launch'; npu: number; params: LaunchParams; on?: RegisterVariable }
  | { kind: 'wait'; npu: number; flush: boolean }
  | { kind: 'release'; npu: number };

/**
 * Which of the kernel's register indices a step uses: `slot` is mmio_atsd_reg[npu].reg, kept for the
 * whole mmio_invalidate; `flush` is the index the pre-fix flush took and returned (only to be
 * dropped by its caller: its AVA and LAUNCH are the only steps that use it).
 */
type RegisterVariable = 'slot' | 'flush';

const NO_PID = 0 as Pid;

export class Shootdown {
  readonly spec: ShootdownSpec;
  readonly order: readonly number[];
  private readonly plan: PlanStep[];
  private pc = 0;
  private readonly bugs: AtsdBugs;
  /** NPU -> mmio_atsd_reg[npu].reg: the index every wait and release uses. */
  private readonly slot = new Map<number, number>();
  /** NPU -> the index the pre-fix flush took (releaseBetweenFlushes only). */
  private readonly flushReg = new Map<number, number>();
  /** NPU -> the register whose bit this shootdown set and has not cleared itself. */
  private readonly held = new Map<number, number>();
  private started = false;
  /** Tick at which the current op was first asked (for wait/spin time). */
  private askedAt: Tick | null = null;
  readonly stats = { registerWaitTicks: 0, statWaitTicks: 0, spins: 0 };

  constructor(spec: ShootdownSpec, bugs: AtsdBugs = {}) {
    this.spec = spec;
    this.bugs = bugs;
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

  /** Registers whose bit this shootdown set and has not cleared, npu -> register. */
  heldRegisters(): ReadonlyMap<number, number> {
    return this.held;
  }

  /** The operation this shootdown wants next. Asking again without resolve() returns the same. */
  current(): ShootdownOp {
    const s = this.plan[this.pc];
    if (s === undefined) return { kind: 'done' };
    switch (s.kind) {
      case 'acquire': {
        const fixed = this.spec.guest?.registersByNpu.get(s.npu);
        if (this.spec.guest !== undefined) {
          if (fixed === undefined || fixed.length === 0) {
            throw new ModelRefusal(
              'EINVAL',
              `Expected a guest ATSD register on npu ${s.npu} for shootdown ${this.spec.id}, got none`,
            );
          }
          return { kind: 'acquire', npu: s.npu, registers: fixed, guestLpid: this.spec.guest.lpid };
        }
        return { kind: 'acquire', npu: s.npu };
      }
      case 'eieio':
        return { kind: 'eieio' };
      case 'write-ava':
        return { kind: 'write-ava', npu: s.npu, reg: this.regOn(s.npu, s.on), ava: s.ava };
      case 'launch':
        return { kind: 'launch', npu: s.npu, reg: this.regOn(s.npu, s.on), params: s.params };
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
    // An `if` rather than assert(): assert's message (a template) would be built on every call.
    if (op.kind === 'done') throw new AssertionFailure(`resolve() on finished shootdown ${this.spec.id}`);
    const events: OracleEvent[] = [];
    const id = this.spec.id;
    if (!this.started) {
      this.started = true;
      events.push(this.startEvent(now));
    }
    if (this.askedAt === null) this.askedAt = now;
    if (!this.apply(op, answer, now, now - this.askedAt, events)) {
      this.stats.spins++;
      return events;
    }
    this.askedAt = null;
    this.pc++;
    if (this.done) {
      // The pre-fix code may leak its flush's register (module header, b); the fixed code never.
      if (!this.bugs.releaseBetweenFlushes)
        assert(this.held.size === 0, `shootdown ${id} finished holding ${this.held.size} registers`);
      events.push({ kind: 'shootdown.complete', tick: now, shootdown: id });
    }
    return events;
  }

  private startEvent(now: Tick): OracleEvent {
    return {
      kind: 'shootdown.start',
      tick: now,
      shootdown: this.spec.id,
      lpid: this.spec.guest?.lpid ?? this.spec.lpid,
      pid: this.spec.pid,
      start: this.spec.start,
      sizeBytes: this.spec.sizeBytes,
      npus: this.order,
    };
  }

  /**
   * Apply `answer` to `op` and push its event; false while the op stays pending (an acquire that
   * got no register, a wait whose status is not yet 0). `waited`: ticks since the op was first asked.
   */
  private apply(
    op: Exclude<ShootdownOp, { kind: 'done' }>,
    answer: OpAnswer,
    now: Tick,
    waited: number,
    events: OracleEvent[],
  ): boolean {
    const id = this.spec.id;
    switch (op.kind) {
      case 'acquire': {
        if (!(answer !== null && 'reg' in answer))
          throw new AssertionFailure(`acquire answered with ${JSON.stringify(answer)}`);
        if (answer.reg === null) return false;
        this.stats.registerWaitTicks += waited;
        const into = (this.plan[this.pc] as { into?: RegisterVariable }).into ?? 'slot';
        (into === 'flush' ? this.flushReg : this.slot).set(op.npu, answer.reg);
        this.held.set(op.npu, answer.reg);
        events.push({ kind: 'atsd.acquire', tick: now, shootdown: id, npu: op.npu, reg: answer.reg });
        return true;
      }
      case 'launch':
        events.push({
          kind: 'atsd.launch',
          tick: now,
          shootdown: id,
          npu: op.npu,
          reg: op.reg,
          flushOnly: op.params.flushOnly,
          noFlush: !op.params.flush,
        });
        return true;
      case 'wait': {
        if (!(answer !== null && 'stat' in answer))
          throw new AssertionFailure(`wait answered with ${JSON.stringify(answer)}`);
        if (answer.stat !== 0) return false;
        this.stats.statWaitTicks += waited;
        events.push({
          kind: 'atsd.complete',
          tick: now,
          shootdown: id,
          npu: op.npu,
          reg: op.reg,
          flushOnly: op.flush,
        });
        return true;
      }
      case 'release':
        // A clear of an index it no longer holds (the pre-fix second wait) leaves its own bit set.
        if (this.held.get(op.npu) === op.reg) this.held.delete(op.npu);
        events.push({ kind: 'atsd.release', tick: now, shootdown: id, npu: op.npu, reg: op.reg });
        return true;
      case 'write-ava':
      case 'eieio':
        return true;
    }
  }

  private regOn(npu: number, variable: RegisterVariable = 'slot'): number {
    const r = (variable === 'flush' ? this.flushReg : this.slot).get(npu);
    if (r === undefined)
      throw new AssertionFailure(`shootdown ${this.spec.id} uses npu ${npu} without having taken a register`);
    return r;
  }
}

/**
 * The plan of one shootdown (see the module header for the sequence and the bugs): one
 * mmio_invalidate, or under the older size rule one per page and a flushing one at the end.
 */
function buildPlan(spec: ShootdownSpec, order: readonly number[], bugs: AtsdBugs): PlanStep[] {
  const plan: PlanStep[] = [];
  const calls: readonly InvalidateCall[] =
    spec.sizeRule === 'legacy'
      ? atsdLegacyCalls(spec.start, spec.sizeBytes)
      : [{ target: atsdSizeRule(spec.start, spec.sizeBytes), flush: true }];
  for (const call of calls) pushInvalidate(plan, order, spec.pid, call, bugs);
  return plan;
}

/** One mmio_invalidate: take a register per NPU, launch, wait, flush when asked, release. */
function pushInvalidate(
  plan: PlanStep[],
  order: readonly number[],
  pid: Pid,
  call: InvalidateCall,
  bugs: AtsdBugs,
): void {
  const { target, flush } = call;
  if (bugs.releaseBetweenFlushes) {
    pushPreFixInvalidate(plan, order, pid, call);
    return;
  }
  for (const npu of order) plan.push({ kind: 'acquire', npu });
  if (target.kind === 'range') {
    // AVA on all NPUs, ONE eieio so the AVA stores are ordered before every LAUNCH store.
    for (const npu of order) plan.push({ kind: 'write-ava', npu, ava: target.start });
    plan.push({ kind: 'eieio' });
  }
  const params: LaunchParams = { target, pid, flush, flushOnly: false };
  for (const npu of order) plan.push({ kind: 'launch', npu, params });
  for (const npu of order) plan.push({ kind: 'wait', npu, flush: false });
  const flushes = !flush ? 0 : bugs.singleFlush ? 1 : 2;
  for (let f = 0; f < flushes; f++) {
    for (const npu of order) plan.push({ kind: 'launch', npu, params: FLUSH_PARAMS });
    for (const npu of order) plan.push({ kind: 'wait', npu, flush: true });
  }
  for (const npu of order) plan.push({ kind: 'release', npu });
}

// "The GPU requires two flush ATSDs to ensure all entries have been flushed. We use PID 0 as it
// will never be used for a process on the GPU."
const FLUSH_PARAMS: LaunchParams = { target: { kind: 'pid' }, pid: NO_PID, flush: true, flushOnly: true };

/**
 * mmio_invalidate before the Feb 2018 fix (v4.12 to v4.16; module header, releaseBetweenFlushes).
 * mmio_launch_invalidate wrote AVA (0 for a PID target) before every LAUNCH, flush included.
 */
function pushPreFixInvalidate(
  plan: PlanStep[],
  order: readonly number[],
  pid: Pid,
  call: InvalidateCall,
): void {
  const { target, flush } = call;
  const ava = target.kind === 'range' ? target.start : 0;
  const params: LaunchParams = { target, pid, flush, flushOnly: false };
  for (const npu of order) {
    plan.push({ kind: 'acquire', npu });
    plan.push({ kind: 'write-ava', npu, ava });
    plan.push({ kind: 'eieio' });
    plan.push({ kind: 'launch', npu, params });
  }
  // mmio_invalidate_wait(mmio_atsd_reg, flush)
  for (const npu of order) {
    plan.push({ kind: 'wait', npu, flush: false });
    plan.push({ kind: 'release', npu });
    if (!flush) continue;
    // mmio_invalidate_pid(npu, 0, true): its returned register is dropped by the caller.
    plan.push({ kind: 'acquire', npu, into: 'flush' });
    plan.push({ kind: 'write-ava', npu, ava: 0, on: 'flush' });
    plan.push({ kind: 'eieio' });
    plan.push({ kind: 'launch', npu, params: FLUSH_PARAMS, on: 'flush' });
  }
  if (!flush) return;
  // mmio_invalidate_wait(mmio_atsd_reg, false): "Wait for the flush to complete", on the old index.
  for (const npu of order) {
    plan.push({ kind: 'wait', npu, flush: true });
    plan.push({ kind: 'release', npu });
  }
}

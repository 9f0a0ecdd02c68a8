/**
 * The NPU's ATSD registers as the CPU reaches them by MMIO (npu/atsd-unit.ts holds the registers).
 * The coordinator runs each shootdown (host/shootdown.ts) and sends its steps here as ATSD_OP:
 * AVA, LAUNCH and release are posted stores; acquire and the STAT poll are answered (ATSD_ANSWER)
 * only when the register is won or STAT reads 0. That is the spin of acquire_atsd_reg and
 * mmio_invalidate_wait, held here so a hang shows as a shootdown that never completes, and the
 * time spent waiting for a register is measured where the contention is.
 *
 * Under `release-between-flushes` the unit takes stores and clears from a CPU that does not hold the
 * register (the pre-fix kernel's stale index: host/shootdown.ts); each such one is reported here to
 * this chip's oracle (`atsd.shared`, the rule `order.atsd-shared-register`), the one place that
 * sees every store to the register and who holds it.
 *
 * Which spinning CPU wins a freed register is a choice ('atsd.spinner'): test_bit, then
 * test_and_set_bit_lock, races between CPUs.
 */
import { pageSizeName } from '../../host/page-table.js';
import type { AtsdBrick } from '../../npu/atsd-unit.js';
import { AtsdUnit } from '../../npu/atsd-unit.js';
import { HEADER_BYTES } from '../../protocol/kinds.js';
import { AtsdAckMsg, AtsdAnswerMsg, AtsdInvalidateMsg, AtsdOpMsg } from '../../protocol/messages/atsd.js';
import type { SimMessage } from '../../protocol/sim-message.js';
import type { PageSizeName } from '../../scenario/page-sizes.js';
import { HOST_LPID, type Lpid, type Tick } from '../../types.js';
import type { ActorContext } from '../actor.js';
import type { LatencyHistogram } from '../recorder.js';
import type { ChipEnv } from './chip-env.js';
import type { GpuResets } from './gpu-resets.js';

interface Waiter {
  owner: number;
  registers: readonly number[] | undefined;
  guestLpid: Lpid | undefined;
  askedAt: number;
}

export class AtsdPort {
  readonly unit: AtsdUnit;
  private readonly acquireWaiters: Waiter[] = [];
  /** Register -> the CPUs polling its STAT (more than one only under the stale index). */
  private readonly statWaiters = new Map<number, { owner: number; askedAt: number }[]>();
  private readonly bitmapOnly: boolean;

  constructor(
    private readonly env: ChipEnv,
    xts: ConstructorParameters<typeof AtsdUnit>[0]['xts'],
    private readonly registerWait: LatencyHistogram,
    /** Each register hold, acquire to release: what the trace draws as the register's slice. */
    private readonly registerHold: LatencyHistogram,
    /** GPU resets on this socket: the NPU's view of each GPU's links, when resets run at all. */
    private readonly resets?: GpuResets,
  ) {
    const { world, socket } = env;
    this.bitmapOnly = world.bugs.has('release-between-flushes');
    const t = world.topology;
    const untrained = new Set(world.config.params.gpu.untrained ?? []);
    const bricks: AtsdBrick[] = t.sockets[socket]!.bridges.map((i) => ({
      gpu: t.bridges[i]!.gpu,
      brick: t.bridges[i]!.linkIndex,
      untrained: untrained.has(t.bridges[i]!.gpu),
    }));
    this.unit = new AtsdUnit({
      npuIndex: socket,
      xts,
      bricks,
      registerCount: world.config.params.host.atsdRegisters,
      links: resets?.enabled === true ? resets.links : undefined,
      hostIgnoresLparid: world.bugs.has('host-atsd-ignores-lparid'),
      bitmapOnly: this.bitmapOnly,
    });
  }

  onOp(m: SimMessage, ctx: ActorContext): void {
    const o = AtsdOpMsg.decode(m);
    const now = ctx.now as Tick;
    switch (o.op) {
      case 'acquire': {
        const w: Waiter = {
          owner: o.shootdown,
          registers: o.registers,
          guestLpid: o.guestLpid as Lpid | undefined,
          askedAt: ctx.now,
        };
        const got = this.unit.tryAcquire(w.owner, now, w.registers, w.guestLpid);
        if (got === null) this.acquireWaiters.push(w);
        else this.grant(w, got, ctx);
        return;
      }
      case 'write-ava':
        this.checkShared(o.reg, o.shootdown, 'write-ava', now);
        this.unit.writeAva(o.reg, o.shootdown, o.ava);
        return;
      case 'launch': {
        this.checkShared(o.reg, o.shootdown, 'launch', now);
        const launchedBefore = this.unit.stats.launches;
        const deliveries = this.unit.launch(o.reg, o.shootdown, o.params, now);
        // What each launch covers (atsd-size-rule.ts): which of the 64K, 2M, 1G and whole-PID
        // invalidates a run exercised, and how many flush ATSDs. Only a launch the NPU took: one
        // it dropped (STAT != 0, the pre-fix stale index) covered nothing, and counted here it
        // made these add up to more than `atsd.launches` (QA: 26 + 21 beside 40).
        if (this.unit.stats.launches > launchedBefore) {
          const t = o.params.target;
          this.env.counters.add(
            o.params.flushOnly
              ? 'atsd.flush'
              : // A range target is one of the three page sizes (npu/atsd-size-rule.ts).
                `atsd.invalidate.${t.kind === 'pid' ? 'pid' : (pageSizeName(t.sizeBytes) as PageSizeName)}`,
          );
        }
        for (const d of deliveries) {
          ctx.send(
            this.env.toGpu.get(d.gpu)!,
            AtsdInvalidateMsg.encode({ npu: this.env.socket, reg: o.reg, inv: d.inv, flush: d.flush }),
            HEADER_BYTES,
          );
        }
        this.resets?.observeHmis(ctx);
        return;
      }
      case 'wait':
        if (this.unit.stat(o.reg) === 0) this.answer(o.shootdown, 'wait', 0, ctx);
        else {
          const w = { owner: o.shootdown, askedAt: ctx.now };
          const ws = this.statWaiters.get(o.reg);
          if (ws === undefined) this.statWaiters.set(o.reg, [w]);
          else ws.push(w);
        }
        return;
      case 'release': {
        this.checkShared(o.reg, o.shootdown, 'release', now);
        const held = this.unit.release(o.reg, o.shootdown, now);
        if (held === null) return; // the pre-fix stale clear of a bit already clear: no change
        // At least 1 tick, the histogram's lowest value (a release in the tick of its acquire).
        this.registerHold.record(Math.max(1, held));
        this.retryWaiters(ctx);
        return;
      }
    }
  }

  /** A store or clear the shootdown should not make on this register, told to the oracle (header). */
  private checkShared(
    reg: number,
    shootdown: number,
    op: 'write-ava' | 'launch' | 'release',
    now: Tick,
  ): void {
    if (!this.bitmapOnly) return; // the unit asserts ownership itself
    const m = this.unit.misuseOf(reg, shootdown, op);
    if (m === null) return;
    this.env.counters.add('atsd.sharedRegister');
    this.env.oracle.observe({
      kind: 'atsd.shared',
      tick: now,
      shootdown,
      npu: this.env.socket,
      reg,
      op,
      holder: m.holder,
      statBusy: m.statBusy,
      launchedBy: m.launchedBy,
    });
  }

  private grant(w: Waiter, reg: number, ctx: ActorContext): void {
    // The histogram holds the waits that waited (an HDR histogram cannot hold 0); a register won at
    // once is counted instead, so "wait p50 1 ps" never stands for "no wait".
    const waited = ctx.now - w.askedAt;
    if (waited > 0) this.registerWait.record(waited);
    else this.env.counters.add('atsd.acquiredAtOnce');
    // Which registers guests and the host use (guest-atsd: a guest never 6 or 7).
    this.env.counters.add(`atsd.${w.guestLpid === undefined ? 'host' : 'guest'}.reg${reg}`);
    // The host on a register filtered to a guest: only under `host-atsd-ignores-lparid`.
    if (w.guestLpid === undefined && this.unit.lparidOf(reg) !== HOST_LPID)
      this.env.counters.add('atsd.hostOnGuestRegister');
    this.answer(w.owner, 'acquire', reg, ctx);
  }

  /** A register freed: the spinning CPUs race for it; the losers keep spinning. */
  private retryWaiters(ctx: ActorContext): void {
    let tries = this.acquireWaiters.length;
    while (tries-- > 0 && this.acquireWaiters.length > 0) {
      const i = ctx.chooser.choose('atsd.spinner', this.acquireWaiters.length);
      const w = this.acquireWaiters[i]!;
      const got = this.unit.tryAcquire(w.owner, ctx.now as Tick, w.registers, w.guestLpid);
      if (got === null) continue;
      this.acquireWaiters.splice(i, 1);
      this.grant(w, got, ctx);
    }
  }

  onAck(m: SimMessage, ctx: ActorContext): void {
    const a = AtsdAckMsg.decode(m);
    this.unit.ack(a.reg, this.env.gpuOfActor(m.source));
    const ws = this.statWaiters.get(a.reg);
    if (ws !== undefined && this.unit.stat(a.reg) === 0) {
      this.statWaiters.delete(a.reg);
      for (const w of ws) this.answer(w.owner, 'wait', 0, ctx);
    }
  }

  private answer(shootdown: number, op: 'acquire' | 'wait', reg: number, ctx: ActorContext): void {
    ctx.send(this.env.toCoordinator, AtsdAnswerMsg.encode({ shootdown, op, reg }), HEADER_BYTES);
  }

  /**
   * At the run's end: each CPU still spinning for a register, and each register still held, as
   * long as it had waited or been held by then (into `waits` and `holds`): the histograms of waits
   * and holds count only those that ended.
   */
  recordUnfinished(endTick: number, waits: LatencyHistogram, holds: LatencyHistogram): void {
    // One begun past the end did not exist there: a threaded --stop-on-first run ends at the stop,
    // and an actor may have gone on past it before it heard of the stop.
    for (const w of this.acquireWaiters)
      if (w.askedAt <= endTick) waits.record(Math.max(1, endTick - w.askedAt));
    for (const r of this.unit.snapshot())
      if (r.locked && r.lockedAt <= endTick) holds.record(Math.max(1, endTick - r.lockedAt));
  }

  /** Registers, waiters and counts for the liveness dump and the report. */
  state(): Record<string, unknown> {
    const regs = this.unit.snapshot();
    return {
      atsdLaunches: this.unit.stats.launches,
      atsdHoldTicks: this.unit.stats.holdTicks,
      atsdBusySeen: this.unit.stats.busySeen,
      atsdRegistersLocked: regs.filter((r) => r.locked).length,
      atsdWaiters: this.acquireWaiters.length,
      atsdStatWaiters: [...this.statWaiters.values()].reduce((n, ws) => n + ws.length, 0),
      registers: regs.map((r) => ({
        reg: r.index,
        locked: r.locked,
        owner: r.owner,
        pendingAcks: r.pendingAcks,
        hung: r.hung,
        untrainedGpus: r.untrainedGpus,
        launches: r.launches,
        holdTicks: r.holdTicks,
      })),
    };
  }
}

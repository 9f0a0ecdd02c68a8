/**
 * Runs each shootdown's steps (host/shootdown.ts: the kernel's mmio_invalidate) as messages to the
 * NPUs (ATSD_OP to the chip actors): AVA, LAUNCH and release are posted MMIO stores, sent without
 * waiting; acquire and the STAT poll are answered by the chip when the register is won or STAT
 * reads 0 (ATSD_ANSWER). Every step the shootdown resolves is an event for the oracle's order rules.
 */
import type { Oracle } from '../../check/oracle.js';
import {
  type AtsdBugs,
  type OpAnswer,
  Shootdown,
  type ShootdownOp,
  type ShootdownSpec,
} from '../../host/shootdown.js';
import { HEADER_BYTES } from '../../protocol/kinds.js';
import { AtsdAnswerMsg, type AtsdOp, AtsdOpMsg } from '../../protocol/messages/atsd.js';
import type { SimMessage } from '../../protocol/sim-message.js';
import type { Tick } from '../../types.js';
import type { ActorContext } from '../actor.js';
import type { CoordinatorEnv } from './coordinator-env.js';

/** Posted steps one shootdown may run before it must block or finish (a loop bound, never hit). */
const MAX_POSTED_STEPS = 10_000;

/** The ATSD_OP message of a shootdown step. */
function opMessage(id: number, op: Exclude<ShootdownOp, { kind: 'done' | 'eieio' }>): AtsdOp {
  switch (op.kind) {
    case 'acquire':
      return { op: 'acquire', shootdown: id, registers: op.registers, guestLpid: op.guestLpid };
    case 'launch':
      return { op: 'launch', shootdown: id, reg: op.reg, params: op.params };
    case 'write-ava':
      return { op: 'write-ava', shootdown: id, reg: op.reg, ava: op.ava };
    case 'wait':
    case 'release':
      return { op: op.kind, shootdown: id, reg: op.reg };
  }
}

export interface RunningShootdown {
  readonly sd: Shootdown;
  /** The op sent and not yet answered (acquire or wait). */
  waiting: ShootdownOp | undefined;
}

export class ShootdownRunner {
  private readonly running = new Map<number, RunningShootdown>();
  private readonly bugs: AtsdBugs;

  constructor(
    private readonly env: CoordinatorEnv,
    private readonly oracle: Oracle,
    /** Called when a shootdown has run every step (its registers released). */
    private readonly onDone: (id: number, sd: Shootdown, ctx: ActorContext) => void,
  ) {
    const b = env.world.bugs;
    this.bugs = {
      releaseBetweenFlushes: b.has('release-between-flushes'),
      singleFlush: b.has('single-flush'),
      localNpuOnly: b.has('local-npu-only'),
      descendingOrder: b.has('descending-order'),
    };
  }

  start(spec: ShootdownSpec, ctx: ActorContext): RunningShootdown {
    const r: RunningShootdown = { sd: new Shootdown(spec, this.bugs), waiting: undefined };
    this.running.set(spec.id, r);
    this.drive(spec.id, r, ctx);
    return r;
  }

  get(id: number): RunningShootdown | undefined {
    return this.running.get(id);
  }

  /** Run the shootdown's posted ops until it needs an answer (acquire, wait) or is done. */
  private drive(id: number, r: RunningShootdown, ctx: ActorContext): void {
    const sd = r.sd;
    for (let step = 0; step < MAX_POSTED_STEPS; step++) {
      const cur = sd.current();
      if (cur.kind === 'done') {
        this.running.delete(id);
        this.onDone(id, sd, ctx);
        return;
      }
      if (cur.kind === 'eieio') {
        this.resolve(sd, null, ctx);
        continue;
      }
      ctx.send(this.env.toChip[cur.npu]!, AtsdOpMsg.encode(opMessage(id, cur)), HEADER_BYTES);
      // Acquire and the STAT poll wait for the NPU's answer; the other steps are posted stores.
      if (cur.kind === 'acquire' || cur.kind === 'wait') {
        r.waiting = cur;
        return;
      }
      this.resolve(sd, null, ctx);
    }
    throw new Error(
      `coordinator: shootdown ${id} did not block or finish in ${MAX_POSTED_STEPS} posted steps`,
    );
  }

  private resolve(sd: Shootdown, answer: OpAnswer, ctx: ActorContext): void {
    for (const ev of sd.resolve(answer, ctx.now as Tick)) this.oracle.observe(ev);
  }

  onAnswer(m: SimMessage, ctx: ActorContext): void {
    const a = AtsdAnswerMsg.decode(m);
    const r = this.running.get(a.shootdown);
    if (r === undefined || r.waiting === undefined)
      throw new Error(`coordinator: stray ATSD answer for shootdown ${a.shootdown}`);
    const w = r.waiting;
    r.waiting = undefined;
    this.resolve(r.sd, w.kind === 'acquire' ? { reg: a.reg } : { stat: 0 }, ctx);
    this.drive(a.shootdown, r, ctx);
  }

  /** One line per running shootdown: what it holds and what it waits for. */
  describe(id: number, phase: string): string {
    const r = this.running.get(id);
    const held = r === undefined ? [] : [...r.sd.heldRegisters()].map(([n, reg]) => `npu${n}.reg${reg}`);
    const w = r?.waiting;
    const waits =
      w === undefined
        ? phase
        : w.kind === 'acquire'
          ? `waits to acquire on npu${w.npu}`
          : w.kind === 'wait'
            ? `waits for STAT on npu${w.npu}.reg${w.reg}`
            : w.kind;
    return `shootdown ${id}: holds [${held.join(', ')}], ${waits}`;
  }
}

/**
 * GPU resets on this socket, as the host kernel and skiboot run them when the coordinator (the
 * kernel, on a tenant's "nvidia-smi -r") asks with RESET_REQUEST. The chip owns the sequence: the
 * GPU's PHB4 issues the secondary bus reset, and skiboot's npu2 code resets the GPU's bricks at
 * this NPU (npu/npu-links.ts holds what the NPU knows of each GPU's links).
 *
 * The sequence, fixed firmware (skiboot 68d11e446 "npu2: Reset NVLinks when resetting a GPU",
 * d4f2f7737; fca2b2b83): a bus control filter on the GPU's slot resets its NVLinks with it:
 *   1. RESET_STEP quiesce to the GPU (PCIe); wait for RESET_ACK(quiesced) (NVLink, behind every
 *      ATSD ack the GPU sent before it);
 *   2. fence the GPU's bricks at the NPU (no ATSD goes to them from here on), then assert the
 *      secondary bus reset (RESET_STEP sbr-assert): the GPU's links drop. In skiboot the filter
 *      on the config write that sets SECONDARY_RESET puts the bricks in reset
 *      (npu2_dev_procedure_reset, 68d11e446) and purges L2/L3 (d4f2f7737), then lets the write
 *      through: the fence here stands for that brick reset, in the same order;
 *   3. after `resets.sbrHoldTicks` deassert it (sbr-deassert) and at once bring the bricks back
 *      (npu-reset: the model retrains them here, where skiboot leaves the links' training to
 *      come after, with the driver), and tell the GPU (link-reset);
 *   4. on RESET_ACK(links-up) lift the fence (unfence) and answer RESET_DONE to the coordinator
 *      (with a delayed relink, below, once that is written too).
 * The host writes the GPU's link-disable mask again as the reset ends (premise (d): the GPU does it
 * on sbr-deassert, gpu/reset-port.ts), or `resets.relinkDelayTicks` after the deassert
 * (RESET_STEP relink, observed as the step `relink`), as a host whose reset_done hook did not run
 * would: in between the GPU's links are up and unfiltered, and a link whose two ends are both in
 * that window carries peer traffic between tenants (judged `isolation.peer` where it lands).
 * The relink is part of the reset: the kernel serialises resets per device (pci_reset_function
 * holds the device lock through reset_done), so RESET_DONE waits for both RESET_ACK(links-up)
 * and the relink, and the coordinator asks for no other reset of the GPU until then. Answering at
 * links-up let a next reset of the GPU start inside the window, its relink write then dropped
 * (the GPU held in reset) or landing just after the next deassert, cutting that window short.
 * The windows of different GPUs may still overlap: each GPU's reset is its own.
 * Firmware before the fix (`gpu-reset-before-npu`): no bus control filter. Step 2 asserts the reset
 * without the fence, and the bricks are reset only `resets.npuResetDelayTicks` after the deassert
 * (when VFIO resets the NVLink bridge devices, after the GPU, the order that showed the bug). An
 * ATSD the NPU forwards to the GPU in between, for any shootdown on this NPU (every ATSD goes to
 * every brick), uses the dropped links: an HMI (`npu.hmi`, judged `order.npu-use-after-gpu-reset`).
 *
 * Why no ATSD reaches a GPU held in reset with the fix, step by step:
 *   1. deliveries made before the fence travel on the chip-to-GPU NVLink (at most 550 ns plus
 *      queueing) and the sbr-assert on PCIe (at least 900 ns): they arrive first and are acked;
 *   2. from the fence on the NPU makes none;
 *   3. the fence is lifted only on RESET_ACK(links-up), which the GPU sends after its sbr-deassert
 *      and link-reset (both on the one PCIe edge, in order): the GPU is out of reset by then.
 * Lifting it at the brick reset instead (step 3 of the sequence) let an ATSD on the fast NVLink
 * overtake the sbr-deassert on PCIe and reach the GPU still held in reset, where it was lost and
 * its register would have hung (found by this workload's clean runs).
 */

import type { OracleEvent } from '../../check/oracle-events.js';
import { NpuLinks } from '../../npu/npu-links.js';
import { HEADER_BYTES } from '../../protocol/kinds.js';
import {
  ResetAckMsg,
  ResetDoneMsg,
  ResetRequestMsg,
  ResetStepMsg,
  type ResetStepName,
  SbrTimerMsg,
} from '../../protocol/messages/reset.js';
import type { SimMessage } from '../../protocol/sim-message.js';
import type { Tick } from '../../types.js';
import type { ActorContext } from '../actor.js';
import { C } from '../metric-names.js';
import type { ChipEnv } from './chip-env.js';

type OracleStep = Extract<OracleEvent, { kind: 'gpu.reset' }>['step'];

/** What a reset in progress still waits for: RESET_ACK(links-up), and the relink when delayed. */
interface PendingReset {
  linksUp: boolean;
  relinkDue: boolean;
}

export class GpuResets {
  readonly links: NpuLinks;
  /** GPUs being reset now, with what each reset still waits for before RESET_DONE. */
  private readonly inProgress = new Map<number, PendingReset>();
  /** The firmware resets the GPU's bricks with its slot (skiboot 68d11e446). */
  private readonly bricksResetWithSlot: boolean;

  constructor(private readonly env: ChipEnv) {
    const { world, socket } = env;
    const gpus = world.topology.sockets[socket]!.gpus;
    this.links = new NpuLinks(gpus);
    this.bricksResetWithSlot = !world.bugs.has('gpu-reset-before-npu');
  }

  get enabled(): boolean {
    return this.env.world.config.params.resets !== undefined;
  }

  private get params() {
    return this.env.world.config.params.resets!;
  }

  onRequest(m: SimMessage, ctx: ActorContext): void {
    const r = ResetRequestMsg.decode(m);
    if (!this.env.toGpuPcie.has(r.gpu) || this.inProgress.has(r.gpu))
      throw new Error(
        `${this.env.name}: RESET_REQUEST for gpu${r.gpu}, not on this socket or already resetting`,
      );
    this.inProgress.set(r.gpu, { linksUp: false, relinkDue: false });
    this.step(r.gpu, 'quiesce', ctx);
  }

  onAck(m: SimMessage, ctx: ActorContext): void {
    const a = ResetAckMsg.decode(m);
    if (!this.inProgress.has(a.gpu)) throw new Error(`${this.env.name}: stray RESET_ACK from gpu${a.gpu}`);
    if (a.state === 'quiesced') {
      if (this.bricksResetWithSlot) {
        this.links.fence(a.gpu);
        this.observe(a.gpu, 'fence', ctx);
      }
      this.links.gpuReset(a.gpu);
      this.observe(a.gpu, 'sbr-assert', ctx);
      this.step(a.gpu, 'sbr-assert', ctx);
      ctx.schedule(this.params.sbrHoldTicks, SbrTimerMsg.encode({ gpu: a.gpu, step: 'sbr-deassert' }));
      return;
    }
    if (this.links.isFenced(a.gpu)) {
      this.links.unfence(a.gpu);
      this.observe(a.gpu, 'unfence', ctx);
    }
    this.inProgress.get(a.gpu)!.linksUp = true;
    this.doneIfComplete(a.gpu, ctx);
  }

  onTimer(m: SimMessage, ctx: ActorContext): void {
    const t = SbrTimerMsg.decode(m);
    if (t.step === 'sbr-deassert') {
      this.observe(t.gpu, 'sbr-deassert', ctx);
      this.step(t.gpu, 'sbr-deassert', ctx);
      const relink = this.params.relinkDelayTicks;
      if (relink > 0) {
        this.inProgress.get(t.gpu)!.relinkDue = true;
        ctx.schedule(relink, SbrTimerMsg.encode({ gpu: t.gpu, step: 'relink' }));
      }
      if (this.bricksResetWithSlot) this.resetBricks(t.gpu, ctx);
      else
        ctx.schedule(this.params.npuResetDelayTicks, SbrTimerMsg.encode({ gpu: t.gpu, step: 'link-reset' }));
      return;
    }
    if (t.step === 'relink') {
      this.observe(t.gpu, 'relink', ctx);
      this.step(t.gpu, 'relink', ctx);
      this.inProgress.get(t.gpu)!.relinkDue = false;
      this.doneIfComplete(t.gpu, ctx);
    } else this.resetBricks(t.gpu, ctx);
  }

  /**
   * RESET_DONE once the links are up and the mask written again. The relink is sent on the PCIe
   * edge the next reset's steps take, ahead of them and in order, so it lands before that reset
   * begins.
   */
  private doneIfComplete(gpu: number, ctx: ActorContext): void {
    const p = this.inProgress.get(gpu)!;
    if (!p.linksUp || p.relinkDue) return;
    this.inProgress.delete(gpu);
    this.env.counters.add('gpu.resetsRun');
    ctx.send(this.env.toCoordinator, ResetDoneMsg.encode({ gpu }), HEADER_BYTES);
  }

  /** skiboot resets the GPU's bricks (retrain, purge L2/L3) and tells the GPU its links are back. */
  private resetBricks(gpu: number, ctx: ActorContext): void {
    this.links.linkReset(gpu);
    this.observe(gpu, 'npu-reset', ctx);
    this.step(gpu, 'link-reset', ctx);
  }

  /** Tell the oracle about the HMIs raised since the last call (after every ATSD launch). */
  observeHmis(ctx: ActorContext): void {
    for (const h of this.links.drainHmis()) {
      this.env.counters.add(C.hmis);
      this.env.oracle.observe({
        kind: 'npu.hmi',
        tick: ctx.now as Tick,
        npu: this.env.socket,
        gpu: h.gpu,
        reason: h.reason,
        detail: h.detail,
      });
    }
  }

  private step(gpu: number, step: ResetStepName, ctx: ActorContext): void {
    ctx.send(this.env.toGpuPcie.get(gpu)!, ResetStepMsg.encode({ gpu, step }), HEADER_BYTES);
  }

  private observe(gpu: number, step: OracleStep, ctx: ActorContext): void {
    this.env.oracle.observe({ kind: 'gpu.reset', tick: ctx.now as Tick, npu: this.env.socket, gpu, step });
  }

  state(): Record<string, unknown> {
    return { gpuResetsInProgress: this.inProgress.size, npuHmis: this.links.stats.hmis };
  }
}

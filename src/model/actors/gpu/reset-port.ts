/**
 * The GPU's side of a reset ("nvidia-smi -r"; the chip runs the sequence, chip/gpu-resets.ts), one
 * RESET_STEP at a time over PCIe:
 *   1. quiesce: the tenant's driver stops the engines (nvidia-smi -r needs an idle GPU); what is in
 *      flight completes, the flush acks owed are sent, then RESET_ACK(quiesced) goes over NVLink,
 *      behind every ATSD ack this GPU sent before it;
 *   2. sbr-assert: the secondary bus reset: the GPU is held in reset and its NVLinks drop
 *      (platform/gpu-bar0.ts `assertReset`); its ATS cache, refills in flight included, is gone;
 *   3. sbr-deassert: registers back to power-on values, which clears the link-disable mask; the
 *      kernel applies it again at once (the never-merged isolation patch did it in its SBR
 *      handler, "cannot be re-enabled until the secondary bus reset"), so `per-gpu-isolated`
 *      groups stay isolated (premise (d));
 *   4. link-reset: the NPU retrained the links (`resetNpuLinks`); the engines resume and
 *      RESET_ACK(links-up) goes back over NVLink.
 *   relink, only when `resets.relinkDelayTicks` > 0: the kernel applies the mask that late
 *      instead of in step 3 (chip/gpu-resets.ts), the links up and unfiltered until then. The GPU
 *      then tells its own oracle when the mask went (sbr-deassert) and came back (relink), as
 *      `gpu.reset` steps: a peer access it judges in between (isolation.peer) has them in its
 *      history, where the chip's observations of the same steps are not. The relink belongs to
 *      its reset: the chip sends the next reset's quiesce only after it (a breach is a model bug).
 * Between 2 and 4 a peer's write to this GPU finds the links down and is refused (peer-port.ts).
 */
import type { AtsCache } from '../../gpu/ats-cache.js';
import { applyLinkDisable } from '../../platform/gpu-bar0.js';
import { HEADER_BYTES } from '../../protocol/kinds.js';
import { ResetAckMsg, ResetStepMsg } from '../../protocol/messages/reset.js';
import type { SimMessage } from '../../protocol/sim-message.js';
import type { Tick } from '../../types.js';
import type { ActorContext } from '../actor.js';
import type { Bar0Port } from './bar0-port.js';
import type { DmaEngines } from './dma-engines.js';
import type { GpuEnv } from './gpu-env.js';
import type { InvalidationPort } from './invalidation-port.js';

export class ResetPort {
  /** Quiesce asked, RESET_ACK(quiesced) not sent yet. */
  private draining = false;
  /** Deasserted with the relink delayed, the mask not written again yet. */
  private relinkOwed = false;

  constructor(
    private readonly env: GpuEnv,
    private readonly bar0: Bar0Port,
    private readonly ats: AtsCache,
    private readonly engines: DmaEngines,
    private readonly invalidations: InvalidationPort,
  ) {}

  onStep(m: SimMessage, ctx: ActorContext): void {
    const r = ResetStepMsg.decode(m);
    const now = ctx.now as Tick;
    const bar0 = this.bar0.bar0;
    switch (r.step) {
      case 'quiesce':
        if (this.relinkOwed)
          throw new Error(
            `${this.env.name}: a reset began before the last one's relink (chip/gpu-resets.ts)`,
          );
        this.engines.pause();
        this.draining = true;
        this.afterSettle(ctx);
        return;
      case 'sbr-assert':
        bar0.assertReset(now);
        this.ats.reset();
        this.env.counters.add('gpu.sbr');
        return;
      case 'sbr-deassert':
        bar0.deassertReset(now);
        if (this.env.world.config.params.resets?.relinkDelayTicks === 0) this.relink(now);
        else {
          this.relinkOwed = true;
          this.observe('sbr-deassert', now);
        }
        return;
      case 'relink':
        if (!this.relinkOwed) throw new Error(`${this.env.name}: RESET_STEP relink with no reset owing one`);
        this.relinkOwed = false;
        this.relink(now);
        this.observe('relink', now);
        return;
      case 'link-reset':
        bar0.resetNpuLinks(now);
        this.engines.resume(ctx);
        ctx.send(
          this.env.toChipNvlink,
          ResetAckMsg.encode({ gpu: this.env.gpu, state: 'links-up' }),
          HEADER_BYTES,
        );
        return;
    }
  }

  /** The kernel writes this GPU's link-disable mask again, as at assignment (world.ts). */
  private relink(now: Tick): void {
    const mask = this.env.world.linkDisableMask[this.env.gpu]!;
    if (mask !== 0) applyLinkDisable(this.bar0.bar0, mask, now);
  }

  private observe(step: 'sbr-deassert' | 'relink', now: Tick): void {
    const npu = this.env.world.topology.gpus[this.env.gpu]!.socket;
    this.env.oracle.observe({ kind: 'gpu.reset', tick: now, npu, gpu: this.env.gpu, step });
  }

  /** After every completion or flush: once quiesced and drained, tell the chip. */
  afterSettle(ctx: ActorContext): void {
    if (!this.draining) return;
    if (this.engines.inFlightCount > 0 || this.invalidations.pendingCount > 0) return;
    this.draining = false;
    ctx.send(
      this.env.toChipNvlink,
      ResetAckMsg.encode({ gpu: this.env.gpu, state: 'quiesced' }),
      HEADER_BYTES,
    );
  }
}

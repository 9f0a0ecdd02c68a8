/**
 * ATSD invalidations and flushes from the NPU, applied to the GPU's ATS cache (gpu/ats-cache.ts),
 * and their acks.
 *
 * Flush as a memory barrier (the GPU side of "bit 39 = 0"): an ATSD that flushes is acknowledged
 * only once every DMA this GPU issued before it has completed: its peer writes (a ring
 * all-reduce's too) and the UT=0 DMAs still waiting for their translation included (dma-tags.ts). That is what lets the host free a
 * page right after the last flush completes: no DMA issued through an old translation can still be
 * on its way to that page. Without it an in-flight DMA would race the free, which the real
 * hardware's membar rules out.
 */
import type { AtsCache } from '../../gpu/ats-cache.js';
import { HEADER_BYTES } from '../../protocol/kinds.js';
import { AtsdAckMsg, AtsdInvalidateMsg, type AtsdRegisterRef } from '../../protocol/messages/atsd.js';
import type { SimMessage } from '../../protocol/sim-message.js';
import type { Tick } from '../../types.js';
import type { ActorContext } from '../actor.js';
import { C } from '../metric-names.js';
import type { DmaEngines } from './dma-engines.js';
import type { GpuEnv } from './gpu-env.js';

interface PendingFlushAck {
  register: AtsdRegisterRef;
  toChip: number;
  /** The tag of the first DMA issued after the flush arrived. */
  before: number;
}

export class InvalidationPort {
  private readonly pendingFlushAcks: PendingFlushAck[] = [];

  constructor(
    private readonly env: GpuEnv,
    private readonly ats: AtsCache,
    private readonly engines: DmaEngines,
    private readonly settle: (ctx: ActorContext) => void,
    /** Whether the GPU is held in reset now (bar0-port.ts). */
    private readonly inReset: () => boolean,
  ) {}

  onInvalidate(m: SimMessage, ctx: ActorContext): void {
    const a = AtsdInvalidateMsg.decode(m);
    if (this.inReset()) {
      // A device held in reset answers nothing: the register this ATSD came from never completes.
      // The reset sequence keeps ATSDs away from a GPU in reset (chip/gpu-resets.ts), so this only
      // happens if it does not.
      this.env.counters.add('ats.invalidationsLostInReset');
      return;
    }
    this.ats.now = ctx.now as Tick;
    const dropped = this.ats.apply(a.inv, a.flush);
    this.env.counters.add(a.inv.kind === 'flush' ? C.atsFlushes : C.atsInvalidations);
    if (a.inv.kind !== 'flush' && this.env.tenantIndex >= 0 && a.inv.lpid !== this.env.lpid) {
      // The NPU forwards an ATSD to every GPU behind it with a VALID brick that it has not fenced
      // (npu/atsd-unit.ts), whatever its partition; the register's LPARID filter gave this one
      // another partition's LPID, so it can only touch that partition's entries (none here).
      this.env.counters.add('atsd.otherPartition');
      if (dropped > 0) this.env.counters.add('atsd.otherPartitionDropped', dropped);
    }
    const toChip = this.env.nvlinkTo(m.source);
    const register = { npu: a.npu, reg: a.reg };
    if (!a.flush) {
      ctx.send(toChip, AtsdAckMsg.encode(register), HEADER_BYTES);
      return;
    }
    // Membar: acknowledge once every DMA issued before this flush has completed.
    this.pendingFlushAcks.push({ register, toChip, before: this.engines.nextTag });
    this.settle(ctx);
  }

  /** Send every flush ack whose earlier DMAs have all completed, in order. */
  releaseFlushAcks(ctx: ActorContext): void {
    while (this.pendingFlushAcks.length > 0) {
      const f = this.pendingFlushAcks[0]!;
      if (this.engines.olderInFlight(f.before)) return;
      this.pendingFlushAcks.shift();
      ctx.send(f.toChip, AtsdAckMsg.encode(f.register), HEADER_BYTES);
    }
  }

  get pendingCount(): number {
    return this.pendingFlushAcks.length;
  }
}

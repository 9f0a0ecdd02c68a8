/**
 * Tenants' accesses to their GPUs' BAR0 (workload `mmio`): every `accessIntervalTicks` on average
 * one owned GPU gets an access from its tenant: a firmware update (`firmwarePercent` of them), or,
 * from a hostile guest, a write that tries to turn its NVLinks back on, or else a read. The GPU's
 * MMIO filter (gpu/bar0-port.ts), where the profile has one, decides what gets through.
 */
import { FIRMWARE_UPDATE_COMMIT_OFFSET, LINK_DISABLE_MASK_OFFSET } from '../../platform/gpu-bar0.js';
import { HEADER_BYTES } from '../../protocol/kinds.js';
import { MmioAccessMsg } from '../../protocol/messages/mmio.js';
import { MmioTimerMsg } from '../../protocol/messages/timers.js';
import type { ActorContext } from '../actor.js';
import type { CoordinatorEnv } from './coordinator-env.js';
import { PeriodicGenerator } from './periodic-generator.js';

export class MmioTraffic extends PeriodicGenerator {
  constructor(env: CoordinatorEnv) {
    super(env, 'mmio', MmioTimerMsg.encode({}));
  }

  get enabled(): boolean {
    return this.env.params.mmio.accessIntervalTicks > 0;
  }

  protected get meanTicks(): number {
    return this.env.params.mmio.accessIntervalTicks;
  }

  protected fire(ctx: ActorContext): void {
    const ch = ctx.chooser;
    const w = this.env.world;
    const p = this.env.params.mmio;
    const owned = w.topology.gpus.filter((g) => w.gpuOwner[g.index]! >= 0);
    if (owned.length === 0) return;
    const g = owned[ch.choose('mmio.gpu', owned.length)]!;
    const tenant = w.tenants[w.gpuOwner[g.index]!]!;
    let offset = 0;
    let write = false;
    let value = 0;
    if (ch.choose('mmio.firmware', 100) < p.firmwarePercent) {
      offset = FIRMWARE_UPDATE_COMMIT_OFFSET;
      write = true;
      value = 2 + ch.choose('mmio.firmware.version', 1000);
    } else if (tenant.spec.hostile) {
      // A hostile guest tries to turn its NVLinks back on.
      offset = LINK_DISABLE_MASK_OFFSET;
      write = true;
      value = 0;
    }
    ctx.send(
      this.env.toGpu[g.index]!,
      MmioAccessMsg.encode({ offset, write, value, lpid: tenant.lpid }),
      HEADER_BYTES,
    );
  }
}

/**
 * The GPU's BAR0 as tenants reach it, through the MMIO filter (platform/mmio-filter.ts): a guest's
 * firmware update and link-disable writes are blocked unless the admin allowed that tenant
 * (docs/theory/topology-groups-tce.md#4-mmio-filter-mmio-filterts); what gets through changes the
 * BAR0 model (firmware version, link mask). Without the filter (the profile's
 * `kernel.vfioBar0Filter` off: `as-shipped`, as v5.12 mapped BAR0 whole) every access reaches the
 * register; a firmware update by a tenant the admin did not allow is counted apart
 * (firmware.updatesUnallowed). The oracle hears every access, whether it reached the register
 * (isolation.mmio) and whether it changed the firmware (isolation.firmware).
 */
import { applyLinkDisable, GpuBar0 } from '../../platform/gpu-bar0.js';
import { type MmioDecision, MmioFilter } from '../../platform/mmio-filter.js';
import { MmioAccessMsg } from '../../protocol/messages/mmio.js';
import type { SimMessage } from '../../protocol/sim-message.js';
import type { Tick } from '../../types.js';
import type { ActorContext } from '../actor.js';
import { C } from '../metric-names.js';
import { mayUpdateFirmware } from '../world.js';
import type { GpuEnv } from './gpu-env.js';

const ALLOWED: MmioDecision = { kind: 'allowed' };

export class Bar0Port {
  readonly bar0: GpuBar0;
  /** Undefined: no filter, every access reaches BAR0. */
  private readonly filter: MmioFilter | undefined;

  constructor(private readonly env: GpuEnv) {
    const w = env.world;
    this.bar0 = new GpuBar0(env.gpu);
    const mask = w.linkDisableMask[env.gpu]!;
    if (mask !== 0) applyLinkDisable(this.bar0, mask, 0 as Tick);
    const allowed = w.tenants.filter((t) => t.spec.allowFirmwareUpdate).map((t) => t.id);
    this.filter = w.kernel.vfioBar0Filter ? new MmioFilter({ firmwareUpdateTenants: allowed }) : undefined;
  }

  linkUp(link: number): boolean {
    return this.bar0.isLinkEnabled(link);
  }

  onMmio(m: SimMessage, ctx: ActorContext): void {
    const a = MmioAccessMsg.decode(m);
    const tenant = this.env.world.tenants.find((t) => t.lpid === a.lpid);
    if (tenant === undefined) throw new Error(`${this.env.name}: MMIO from unknown LPID ${a.lpid}`);
    const counters = this.env.counters;
    const d = this.filter === undefined ? ALLOWED : this.filter.access(tenant.tenant, a.offset);
    const firmwareUpdated = d.kind !== 'blocked' && this.reach(a, ctx.now as Tick);
    this.env.oracle.observe({
      kind: 'mmio.access',
      tick: ctx.now as Tick,
      gpu: this.env.gpu,
      lpid: a.lpid,
      offset: a.offset,
      allowed: d.kind !== 'blocked',
      firmwareUpdated,
    });
    if (d.kind === 'blocked') {
      counters.add(C.mmioBlocked);
      // By what it hit, so the blocked total adds up (QA: firmware-update's 99 blocked against 53
      // firmware updates blocked left 46 unexplained).
      if (d.collateral) counters.add('mmio.blocked.sharedPage');
      else if (d.reason === 'firmware update') counters.add(C.firmwareBlocked);
      else counters.add('mmio.blocked.linkDisable');
      return;
    }
    counters.add(C.mmioAllowed);
    if (firmwareUpdated) {
      counters.add(C.firmwareUpdates);
      if (!mayUpdateFirmware(tenant)) counters.add(C.firmwareUpdatesUnallowed);
    }
  }

  /**
   * The access reaches BAR0; whether it changed the GPU's firmware version. A write that asked to
   * turn a disabled link back on and met the latch is counted: it is why a hostile guest's BAR0
   * writes that got through (no filter: `as-shipped`) still leave its links off.
   */
  private reach(a: { offset: number; write: boolean; value: number }, now: Tick): boolean {
    const before = this.bar0.firmwareVersion;
    const reenableIgnored = this.bar0.stats.linkReenableIgnored;
    if (a.write) this.bar0.write(a.offset, a.value, now);
    else this.bar0.read(a.offset);
    if (this.bar0.stats.linkReenableIgnored !== reenableIgnored)
      this.env.counters.add('mmio.linkReenableIgnored');
    return this.bar0.firmwareVersion !== before;
  }
}

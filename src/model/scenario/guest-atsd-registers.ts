/**
 * A guest's shootdowns need the ATSD registers its bridges are given, and the firmware must
 * expose them: checked before the world is built.
 *
 * The host hands a guest ATSD[link index] of each NVLink bridge of its GPUs (Linux
 * vfio_pci_nvlink2.c; QEMU hw/ppc/spapr_pci_nvlink2.c lists them as the vPHB's "ibm,mmio-atsd"),
 * and the guest's own mmio_invalidate launches through them (coordinator/page-lifecycle.ts
 * `guestRegisters`: the first bridge's register of each GPU with `host.guestAtsd` 'first-link',
 * every bridge's with 'every-link'). Link indices run 0..5, so with fewer registers than that
 * (`host.atsdRegisters`: 8, or 1 in the firmware before Nov 2018) a guest's shootdown would ask for
 * a register the NPU does not have. What VFIO did for a bridge without its register (an ATSD region
 * of size 0 before v5.7, register 0 from v5.7:
 * docs/theory-of-operation.md#3-the-mechanisms-and-what-they-model, "Chip") is not modelled. Every
 * run unmaps (`host.unmapIntervalTicks` is positive), so every guest process may be shot down: such
 * a configuration is refused, naming the register it lacks.
 */
import { ConfigError } from '../../core/errors.js';
import type { Topology } from '../platform/topology.js';
import type { WorkloadParams } from './workload-params.js';

/** A tenant as the world builder assigned it: its name, its LPID (0: the host) and its GPUs. */
export interface TenantGpus {
  id: string;
  lpid: number;
  gpus: readonly number[];
}

export function checkGuestAtsdRegisters(
  params: WorkloadParams,
  topology: Topology,
  tenants: readonly TenantGpus[],
): void {
  const registers = params.host.atsdRegisters;
  const everyLink = params.host.guestAtsd === 'every-link';
  // The highest register any guest may take, so the message asks for enough at once.
  let need: { tenant: TenantGpus; gpu: number; socket: number; linkIndex: number } | undefined;
  for (const t of tenants) {
    if (t.lpid === 0) continue;
    for (const g of t.gpus) {
      const gpu = topology.gpus[g]!;
      for (const b of everyLink ? gpu.bridges : gpu.bridges.slice(0, 1)) {
        const linkIndex = topology.bridges[b]!.linkIndex;
        if (need === undefined || linkIndex > need.linkIndex)
          need = { tenant: t, gpu: g, socket: gpu.socket, linkIndex };
      }
    }
  }
  if (need === undefined || need.linkIndex < registers) return;
  throw new ConfigError(
    'host.atsdRegisters',
    `Expected at least ${need.linkIndex + 1} ATSD registers per NPU: guest tenant \`${need.tenant.id}\` ` +
      `(LPID ${need.tenant.lpid}) shoots down through ATSD[link index] of its GPUs' bridges ` +
      `(host.guestAtsd ${params.host.guestAtsd}), and gpu${need.gpu}'s bridge is link ${need.linkIndex} ` +
      `of npu${need.socket}; got ${registers} (a bridge without its register is not modelled: VFIO gave it no ATSD region before v5.7 and register 0 from v5.7)`,
  );
}

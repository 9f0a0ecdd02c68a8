/**
 * Who clears a tenant's TCEs, and so whether VFIO's unpin-before-kill gap can reach its pages
 * (Linux drivers/vfio/vfio_iommu_spapr_tce.c `tce_iommu_clear` against the DMA API's
 * `__iommu_free`;
 * docs/theory/topology-groups-tce.md#5-tce-ut1-tce-tablets-tce-cachets-phbts-tce-systemts; bug
 * switch `unpin-before-kill`, scenario/bugs.ts).
 *
 * - `none`: the host's own kernel driver through the DMA API. Its unmap is `__iommu_free`: clear,
 *   kill, then free, so no page is unpinned before its kill, whatever the switch says.
 * - `v1`: a process driving the GPU through a VFIO SPAPR TCE v1 container (a user-space driver on
 *   the host, LPID 0, or an old QEMU). `tce_iommu_clear` unpins each page inside its loop, before
 *   the one final kill: the switch's gap.
 * - `v2`: a VFIO SPAPR TCE v2 container, as QEMU guests use: the guest's memory is preregistered,
 *   so the clear only drops a mapped count (`tce_iommu_unuse_page_v2`) and the page stays pinned
 *   until long after the kill.
 * By default the host (LPID 0) is `none` and a guest `v2`; a guest reaches its GPUs only through
 * VFIO, so `none` is refused for one.
 */
import { ConfigError } from '../../core/errors.js';
import type { TenantSpec } from './workload-params.js';

/** Every container a tenant may name (the workload schema's `tenants[i].tceContainer`). */
export const TCE_CONTAINERS = ['none', 'v1', 'v2'] as const;
export type TceContainer = (typeof TCE_CONTAINERS)[number];

/** The tenant's container: its own, or the default for its LPID. */
export function tceContainerOf(spec: Pick<TenantSpec, 'lpid' | 'tceContainer'>): TceContainer {
  return spec.tceContainer ?? (spec.lpid === 0 ? 'none' : 'v2');
}

/** A guest (LPID above 0) with no VFIO container is refused, naming the tenant's field. */
export function checkTceContainers(
  tenants: readonly Pick<TenantSpec, 'name' | 'lpid' | 'tceContainer'>[],
): void {
  tenants.forEach((t, i) => {
    if (t.lpid !== 0 && t.tceContainer === 'none') {
      throw new ConfigError(
        `tenants[${i}].tceContainer`,
        `Expected \`v1\` or \`v2\` for guest \`${t.name}\` (LPID ${t.lpid}: a guest reaches its GPUs only through VFIO), got \`none\``,
      );
    }
  });
}

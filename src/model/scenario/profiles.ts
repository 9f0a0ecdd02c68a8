/**
 * Release pairings (docs/theory-of-operation.md#6-bug-switches): each profile names the Linux and
 * skiboot releases it stands for, the bug switches those releases carry, and the firmware
 * behaviours that changed between skiboot releases. A switch changes only the layer its bug lived
 * in (kernel, firmware); the hardware model is the same in every profile.
 *
 * Why these releases:
 * - Linux v5.12 is the last release with the powernv NVLink2 code and vfio_pci_nvlink2 (v5.13
 *   removed both, May 2021: 562d1e207d32 "powerpc/powernv: remove the nvlink support" and
 *   b392a1989170 "vfio/pci: remove vfio_pci_nvlink2").
 * - skiboot v6.8 (2021-05-28) is the last release before v5.13 removed NVLink support, so it is
 *   what ran with v5.12; it predates 2b0b6a1a0 (Aug 2021, "phb4/5: Escalate page-level TCE
 *   kills"), first released in v7.0 (2021-10-26), so its PHB4 kills pages one by one.
 * - Both carry the TCE bugs with no documented fix
 *   (docs/theory/topology-groups-tce.md#5-tce-ut1-tce-tablets-tce-cachets-phbts-tce-systemts): VFIO
 *   `tce_iommu_clear` unpins before its kill, and `pnv_pci_ioda2_tce_invalidate_entire` passes the
 *   OPAL token 126 as kill type, which skiboot has rejected since 8a2b6d51b (v6.2) and Linux
 *   ignores.
 * - Both run the host's ATSD acquisition without a look at the register's LPARID filter
 *   (`host-atsd-ignores-lparid`: Linux v5.2 npu-dma.c get_mmio_atsd_reg, then NVIDIA UVM's
 *   atsd_reg_acquire, over every register of the host's "ibm,mmio-atsd", which skiboot v6.8
 *   hw/npu2.c npu2_map_lpar rewrites for a guest without telling the host). It acts only where a
 *   guest and the host share an NPU (per-GPU groups, which v5.12 could not form: one group per NPU).
 * - The other switches are bugs both releases had fixed, so no profile carries them: the ATSD and
 *   context bugs of the v4.12-v5.2 npu-dma.c (Feb 2018 deadlock, "Add lock to prevent race in
 *   concurrent context init/destroy", 2018; that code left in v5.3), Linux 56090a3902c8 (TCE level
 *   allocation race, v5.4), and skiboot 4724d2c07, cd5ddbe3b, 68d11e446 "npu2: Reset NVLinks when
 *   resetting a GPU" and 7c977c734 "npu2: Reset PID wildcard and refcounter when mapped to LPID"
 *   (the last two in skiboot v6.4, July 2019, whose release notes list them).
 * - `fixed` stands for the same kernel with both fixed (no release has them: they are the fixes
 *   the model proposes; so is the host's acquisition that skips a register filtered to a guest,
 *   which no release had) and skiboot v7.0, which escalates PHB4 page kills to PE kills (HW560152:
 *   "a page-level kill can be dropped if the processing queue is backed-up").
 * - The MMIO filter over a passed-through GPU's BAR0 is a mechanism no release had (v5.12's
 *   vfio-pci maps BAR0 whole; docs/theory/topology-groups-tce.md#4-mmio-filter-mmio-filterts), so
 *   `as-shipped` runs without it and `fixed`, whose fixes are the model's proposals, with it.
 */

import { ConfigError } from '../../core/errors.js';
import { gotText } from '../../core/shown-text.js';
import type { GroupPolicy } from '../platform/iommu-groups.js';
import type { BugName } from './bugs.js';

/** Firmware behaviours that differ between skiboot releases. */
export interface FirmwareKnobs {
  /**
   * skiboot 2b0b6a1a0 (v7.0+): phb4_tce_kill turns every KILL_PAGES into a KILL_PE. Off, the PHB4
   * hardware may drop a page kill while its kill queue is backed up (HW560152, tce/phb.ts).
   */
  readonly phb4EscalatePageKills: boolean;
}

/** Kernel (VFIO) behaviours that are not bugs of one function but a mechanism a release lacks. */
export interface KernelKnobs {
  /**
   * VFIO filters a passed-through GPU's BAR0 (platform/mmio-filter.ts: the link-disable registers
   * and the assumed firmware-update window, at the host page size). No release had it: v5.12's
   * vfio-pci maps BAR0 into the guest whole
   * (docs/theory/topology-groups-tce.md#4-mmio-filter-mmio-filterts), so a guest's firmware update
   * lands.
   */
  readonly vfioBar0Filter: boolean;
}

export interface Profile {
  readonly description: string;
  readonly linux: string;
  readonly skiboot: string;
  /** Bug switches this pairing carries; a run's own `bugs` are added to these. */
  readonly bugs: readonly BugName[];
  readonly firmware: FirmwareKnobs;
  readonly kernel: KernelKnobs;
  /**
   * The IOMMU group policies (`--policy`) the releases could form; absent: every policy (a profile
   * of proposals). Another policy still runs, as a what-if the run says it is
   * (profile-policy.ts).
   */
  readonly policies?: readonly GroupPolicy[];
  /** Where each claim above comes from. */
  readonly sources: Readonly<Record<string, string>>;
}

export const PROFILES = {
  'as-shipped': {
    description:
      "The last releases that ran these machines with NVLink2: Linux v5.12 with skiboot v6.8, and the TCE bugs and the host's ATSD register choice never fixed",
    linux: 'v5.12',
    skiboot: 'v6.8',
    bugs: ['unpin-before-kill', 'tce-entire-kill-ignored', 'host-atsd-ignores-lparid'],
    firmware: { phb4EscalatePageKills: false },
    kernel: { vfioBar0Filter: false },
    policies: ['per-socket'],
    sources: {
      linux:
        'v5.13 removed powernv NVLink (562d1e207d32) and vfio_pci_nvlink2 (b392a1989170): v5.12 is the last with them',
      skiboot:
        'v6.8 tagged 2021-05-28, the last skiboot release before v5.13 dropped NVLink; v7.0 is 2021-10-26',
      'unpin-before-kill':
        'drivers/vfio/vfio_iommu_spapr_tce.c tce_iommu_clear (v5.4+ "Invalidate multiple TCEs at once"): unpin inside the xchg_no_kill loop, one kill after it, in a v1 container (a v2 one only drops the mapped count there: tce_iommu_unuse_page_v2); no fix documented',
      'tce-entire-kill-ignored':
        'pci-ioda.c pnv_pci_ioda2_tce_invalidate_entire passes OPAL_PCI_TCE_KILL (126); skiboot hw/npu2.c npu2_tce_kill rejects it since 8a2b6d51b (v6.2); Linux ignores the return code',
      'host-atsd-ignores-lparid':
        'Linux v5.2 arch/powerpc/platforms/powernv/npu-dma.c get_mmio_atsd_reg (and NVIDIA UVM uvm_ats_ibm.c atsd_reg_acquire, which replaced it from v5.3) take any free register of the host\'s "ibm,mmio-atsd"; skiboot v6.8 hw/npu2.c npu2_map_lpar writes a guest\'s LPID into XTS_MMIO_ATSD<link>_LPARID; no release skips such a register',
      phb4EscalatePageKills:
        'off: hw/phb4.c phb4_tce_kill in v6.8 kills page by page; 2b0b6a1a0 ("phb4/5: Escalate page-level TCE kills") is first in v7.0. So the PHB4 erratum it works around, HW560152 ("a page-level TCE kill can be dropped if there are enough TCE kill requests already being processed ... It also affects P9"), can drop a page kill (tce/phb.ts)',
      vfioBar0Filter:
        'off: v5.12 vfio-pci maps a passed-through GPU BAR0 whole; no merged or posted patch filters its firmware window (the 2018 kvm-ppc thread only asked for one) or its link-disable registers',
      policies:
        'per-socket only: v5.0 0bd971676e68 ("Add compound IOMMU groups") puts every GPU and NVLink bridge of a P9 NPU in one group (npu-dma.c pnv_try_setup_npu_table_group, hose->npu->npucomp), as v5.12 still does; the per-GPU groups of the June 2018 RFC and the isolate_nvlink of "Isolate NVLinks between GV100GL on Witherspoon" (v2/v3, Apr 2019) were never merged',
    },
  },
  fixed: {
    description:
      "Every fix applied: Linux v5.12 with the two TCE bugs and the host's ATSD register choice fixed (no release has these fixes) and skiboot v7.0",
    linux: 'v5.12 + fixes',
    skiboot: 'v7.0',
    bugs: [],
    firmware: { phb4EscalatePageKills: true },
    kernel: { vfioBar0Filter: true },
    sources: {
      linux:
        "v5.12 (see as-shipped), with tce_iommu_clear killing before it unpins, invalidate_entire passing OPAL_PCI_TCE_KILL_ALL, and the host's ATSD acquisition skipping a register whose LPARID filter map_lpar gave a guest (npu/atsd-unit.ts tryAcquire: the model's proposal)",
      skiboot: 'v7.0 (2021-10-26), the first release with 2b0b6a1a0',
      phb4EscalatePageKills:
        'on: hw/phb4.c phb4_tce_kill since 2b0b6a1a0 (Aug 2021, HW560152: "a page-level kill can be dropped if the processing queue is backed-up")',
      vfioBar0Filter:
        'on: the filter the model proposes (platform/mmio-filter.ts): the link-disable registers and the assumed firmware-update window, at 64 KiB, the firmware window opened to tenants the admin allows',
    },
  },
} as const satisfies Record<string, Profile>;

export type ProfileName = keyof typeof PROFILES;
export const PROFILE_NAMES = Object.freeze(Object.keys(PROFILES)) as readonly ProfileName[];
export const DEFAULT_PROFILE: ProfileName = 'fixed';

export function isProfileName(s: string): s is ProfileName {
  return Object.hasOwn(PROFILES, s);
}

/** The profile of that name (default `fixed`); an unknown name is a ConfigError naming the choices. */
export function resolveProfile(name: string = DEFAULT_PROFILE): Profile {
  if (!isProfileName(name)) {
    throw new ConfigError('profile', `Expected one of ${PROFILE_NAMES.join(', ')}, got ${gotText(name)}`);
  }
  return PROFILES[name];
}

import { deepFreeze } from '../../core/deep-freeze.js';

/**
 * Known historical bugs as named switches (docs/theory-of-operation.md#6-bug-switches): each breaks
 * one rule on purpose, the way the real code once did; the hypothetical ones say so in their text
 * (`local-npu-only`, `descending-order`, `free-before-shootdown`: the bug classes the order rules
 * exist for). With the switch off the same seeds must find nothing. Adding one: docs/extending.md.
 */
export const BUGS = deepFreeze({
  'release-between-flushes':
    'Kernel: the mmio_invalidate of Linux before Feb 2018 "Fix deadlock in mmio_invalidate()": one flush ATSD per NPU made inside the wait, releasing that NPU\'s register and taking one again, whose index it drops, then a second wait that polls and clears the old index. With one register per NPU it deadlocks (atsd-deadlock); with more (atsd-deadlock --set host.atsdRegisters=2) the second wait clears a register another shootdown holds, which two shootdowns then drive at once, and the flush\'s register leaks',
  'single-flush':
    'One flush ATSD after the invalidate instead of two: a refill in flight survives and a stale translation is used. It is the count of the code before Feb 2018 on the call that flushes (of v4.12 to v4.19\'s per-64K calls only the last, at or past the range\'s end, flushed), whose comment "The GPU requires two flush ATSDs to ensure all entries have been flushed" sat over the invalidate (No-flush 0) and one PID-0 flush: the model reads "two" as two after the invalidate\'s own (an ASSUMPTION stricter than that code\'s reading: docs/theory/ats-atsd-oracle.md section 4)',
  'local-npu-only':
    'Shoot down only the NPU of the calling CPU, not every NPU with a GPU of the mm (hypothetical: every npu-dma.c release, v4.12 to v5.2, invalidates on every such NPU)',
  'descending-order':
    'Take ATSD registers in descending NPU order (hypothetical; every shootdown takes the same order, which alone cannot deadlock: the rule flags the departure from the ascending order the kernel keeps)',
  'host-atsd-ignores-lparid':
    "Kernel, latent under the shipped grouping (per-socket groups never put a guest and the host on one NPU; per-gpu does): the host takes any free ATSD register of an NPU, also one whose LPARID filter skiboot's npu2_map_lpar set to a guest's LPID (Linux v5.2 npu-dma.c get_mmio_atsd_reg, NVIDIA UVM uvm_ats_ibm.c atsd_reg_acquire; skiboot hw/npu2.c npu2_map_lpar writes XTS_MMIO_ATSD<link>_LPARID): with a guest and the host on one NPU, a host shootdown that wins such a register goes out under the guest's LPID and misses the host's entries. No release skips those registers (the filter-aware acquisition is the model's proposed fix)",
  'free-before-shootdown':
    'Free (and reuse) the page before its shootdown and both flushes completed (hypothetical: no npu-dma.c release frees before its mmio_invalidate returns)',
  'atsd-no-valid-bdf':
    'Firmware: map_lpar sets the XTS_BDF entry VALID before any context exists (skiboot before 4724d2c07 "npu2: Move NPU2_XTS_BDF_MAP_VALID assignment to context init"); the host maps every GPU at boot, so the NPU sends ATSDs to a GPU whose NVLinks never trained, which never answers, and the shootdown never completes',
  'tce-kill-no-advance':
    "Firmware: npu2_tce_kill's per-page kill loop never advances the address: only the first page is killed, on an NPU PHB (skiboot cd5ddbe3b; phb4_tce_kill's loop is not affected)",
  'tce-entire-kill-ignored':
    'Linux\'s "invalidate entire" TCE kill (pci-ioda.c pnv_pci_ioda2_tce_invalidate_entire) passes OPAL_PCI_TCE_KILL (126) as kill type, and ignores the return: a Linux bug, latent until skiboot 8a2b6d51b (v6.2) fixed npu2_tce_kill\'s case label (before, 126 was its kill-all case), since when skiboot rejects it',
  'unpin-before-kill':
    'VFIO tce_iommu_clear unpins each page before the final TCE kill (Linux v5.4 "vfio/spapr_tce: Invalidate multiple TCEs at once": before it, each TCE was killed as it was exchanged, before its page was unpinned; not closed since), on the GPUs of a tenant with a SPAPR TCE v1 container (`tceContainer: v1`; the host kernel unmaps through __iommu_free, and in a v2 container, as QEMU guests use, the page stays pinned by its preregistration)',
  'links-enabled-per-gpu':
    "Per-GPU IOMMU groups without disabling the NVLinks between tenants: the June 2018 RFC's grouping (each GPU with its two bridges a group), before any link was disabled, never merged; on per-gpu-isolated it is the machine `--policy per-gpu` builds",
  'context-init-destroy-race':
    'Kernel: pnv_npu2_init_context and destroy_context without npu_context_lock around the lookup and the last kref_put (Linux before "powerpc/powernv/npu: Add lock to prevent race in concurrent context init/destroy", 2018): an init racing the last destroy gets the context being freed',
  'gpu-reset-before-npu':
    'Firmware: a secondary bus reset of a GPU slot does not reset the GPU\'s NVLinks at the NPU (skiboot before 68d11e446 "npu2: Reset NVLinks when resetting a GPU", d4f2f7737): the NPU keeps using the dropped links until its bricks are reset later, and each use is an HMI (the cache purge of d4f2f7737 is not modelled: no CPU line is written back into the reset GPU)',
  'tce-level-alloc-race':
    'Kernel: pnv_tce publishes a newly allocated indirect TCE level with a plain store (Linux before 56090a3902c8 "powerpc/powernv/ioda: Fix race in TCE level allocation", v5.4; Fixes a68bd1267b72): two threads allocating the same level, the second replaces the first and the TCEs written in it are lost',
  'xts-stale-after-kexec':
    'Firmware: map_lpar keeps the XTS wildcard and its ctx_ref refcount (skiboot before 7c977c734 "npu2: Reset PID wildcard and refcounter when mapped to LPID"; the refcount is ba1d95a1d): petitboot\'s kernel kexecs without destroying its contexts, the new kernel\'s map_lpar rewrites each XTS entry without VALID, and init_context, seeing the stale refcount nonzero, skips programming it (no VALID): ATS breaks',
} as const);

export type BugName = keyof typeof BUGS;
export const BUG_NAMES = Object.freeze(Object.keys(BUGS)) as readonly BugName[];

export function isBugName(s: string): s is BugName {
  return Object.hasOwn(BUGS, s);
}

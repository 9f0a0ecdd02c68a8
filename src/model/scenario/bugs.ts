/**
 * Known historical bugs as named switches (docs/theory-of-operation.md#6-bug-switches): each breaks
 * one rule on purpose, the way the real code once did. With the switch off the same seeds must find
 * nothing.
 */
export const BUGS = {
  'release-between-flushes':
    'Kernel: one flush ATSD per NPU made inside the wait, releasing that NPU’s register and taking one again (Linux before Feb 2018 "Fix deadlock in mmio_invalidate()"): deadlocks',
  'single-flush':
    'One flush ATSD instead of two: a refill in flight survives and a stale translation is used',
  'local-npu-only': 'Shoot down only the NPU of the calling CPU, not every NPU with a GPU of the mm',
  'descending-order':
    'Take ATSD registers in descending NPU order (hypothetical; every shootdown takes the same order, which alone cannot deadlock: the rule flags the departure from the ascending order the kernel keeps)',
  'free-before-shootdown': 'Free (and reuse) the page before its shootdown and both flushes completed',
  'atsd-no-valid-bdf':
    'Firmware: map_lpar sets the XTS_BDF entry VALID before any context exists (skiboot before 4724d2c07 "npu2: Move NPU2_XTS_BDF_MAP_VALID assignment to context init"); the host maps every GPU at boot, so the NPU sends ATSDs to a GPU whose NVLinks never trained, which never answers, and the shootdown never completes',
  'tce-kill-no-advance':
    'The per-page TCE kill loop never advances the address: only the first page is killed (skiboot cd5ddbe3b)',
  'tce-entire-kill-ignored':
    'The "invalidate entire" TCE kill uses token 126, rejected by skiboot and ignored by Linux (8a2b6d51b)',
  'unpin-before-kill':
    'VFIO tce_iommu_clear unpins each page before the final TCE kill, on the GPUs of a tenant with a SPAPR TCE v1 container (`tceContainer: v1`; the host kernel unmaps through __iommu_free, and in a v2 container, as QEMU guests use, the page stays pinned by its preregistration)',
  'links-enabled-per-gpu': 'Per-GPU IOMMU groups without disabling the NVLinks between tenants',
  'context-init-destroy-race':
    'Kernel: pnv_npu2_init_context and destroy_context without npu_context_lock around the lookup and the last kref_put (Linux before "powerpc/powernv/npu: Add lock to prevent race in concurrent context init/destroy", 2018): an init racing the last destroy gets the context being freed',
  'gpu-reset-before-npu':
    'Firmware: a secondary bus reset of a GPU slot does not reset the GPU’s NVLinks at the NPU (skiboot before 68d11e446 "npu2: Reset NVLinks when resetting a GPU", d4f2f7737): the NPU keeps using the dropped links until its bricks are reset later, and each use is an HMI',
  'tce-level-alloc-race':
    'Kernel: pnv_tce publishes a newly allocated indirect TCE level with a plain store (Linux before 56090a3902c8 "powerpc/powernv/ioda: Fix race in TCE level allocation", v5.4; Fixes a68bd1267b72): two threads allocating the same level, the second replaces the first and the TCEs written in it are lost',
  'xts-stale-after-kexec':
    'Firmware: map_lpar keeps the XTS wildcard and its ctx_ref refcount (skiboot before 7c977c734 "npu2: Reset PID wildcard and refcounter when mapped to LPID"; the refcount is ba1d95a1d): after the kexec from petitboot, init_context trusts the stale refcount, skips programming the XTS entry, and ATS breaks',
} as const;

export type BugName = keyof typeof BUGS;
export const BUG_NAMES = Object.keys(BUGS) as BugName[];

export function isBugName(s: string): s is BugName {
  return Object.hasOwn(BUGS, s);
}

import { defineWorkload } from '../src/model/scenario/workload.js';

/**
 * UT=1 DMA over a TCE window small enough to live in the NPU's TCE cache, while the host unmaps and
 * remaps four TCE pages at a time (one remap in four is a window reset, killed by "invalidate
 * entire"). Exposes the TCE kill bugs: a per-page kill loop that never advances (skiboot
 * cd5ddbe3b), VFIO's unpin before the kill, and the ignored "invalidate entire" kill (8a2b6d51b).
 * The GPUs are driven by a user-space driver on the host through a VFIO SPAPR TCE v1 container
 * (`tceContainer: 'v1'`): VFIO's unpin gap is in that container's clear, not in the kernel's own
 * DMA unmap, nor in the v2 container QEMU guests use (scenario/tce-container.ts).
 *
 * The `page-kills` variant leaves only the kernel's own unmap, killed page by page (no VFIO
 * container, no window resets): neither of `as-shipped`'s TCE bugs can act, so under `--profile
 * as-shipped` (skiboot v6.8, page kills not escalated) what it finds is the PHB4 erratum HW560152
 * alone (skiboot 2b0b6a1a0: a page kill dropped while the kill queue is backed up, tce/phb.ts),
 * reached by the quarter of UT=1 DMA that goes over PCIe; the default `fixed` escalates every
 * page kill to a PE kill, and it is clean. The `as-shipped` and `page-kills-as-shipped` variants
 * declare those shipped answers (workload.ts `profile`), so `--profile as-shipped` is judged by
 * them, not by the fixed machine's `clean`.
 */
export default defineWorkload({
  name: 'tce-storm',
  description: 'UT=1 DMA over a cache-sized TCE window while TCE pages are unmapped and remapped',
  question: 'Does UT=1 DMA ever reach a page through a stale TCE after the kernel unmapped it?',
  headline: [
    { label: 'TCE unmaps', counter: 'tce.unmaps' },
    { label: 'TCE kills', counter: 'tce.kills' },
    { label: 'TCE unmap latency p99', latency: 'tce.unmapLatencyTicks', stat: 'p99' },
    { label: 'UT=1 DMA completed', counter: 'dma.completed' },
    { label: 'UT=1 DMA faulted on an unmapped TCE', counter: 'dma.fault.tce' },
    { label: 'PHB4 page kills dropped (HW560152)', counter: 'tce.killsDropped' },
    { label: 'UT=1 DMA latency p99', latency: 'dma.latencyTicks', stat: 'p99' },
    { label: 'TCE cache hit rate', rate: 'tce-hit' },
  ],
  exposes: [
    { bug: 'tce-kill-no-advance', rules: ['translation.stale-tce'] },
    { bug: 'unpin-before-kill', rules: ['translation.stale-tce'] },
    { bug: 'tce-entire-kill-ignored', rules: ['translation.stale-tce'] },
  ],
  variants: [
    {
      name: 'page-kills',
      description:
        "the host kernel's own unmap, page kills only: under as-shipped the PHB4 erratum HW560152 alone",
      set: { 'tenants[0].tceContainer': 'none', 'host.tceWindowResetPercent': 0 },
      expect: 'clean',
    },
    {
      name: 'as-shipped',
      description: 'Linux v5.12 + skiboot v6.8: both TCE bugs and the dropped PHB4 page kills',
      profile: 'as-shipped',
      expect: ['translation.stale-tce'],
    },
    {
      name: 'page-kills-as-shipped',
      description: 'page-kills on skiboot v6.8: a PHB4 page kill dropped (HW560152) leaves a stale TCE',
      set: { 'tenants[0].tceContainer': 'none', 'host.tceWindowResetPercent': 0 },
      profile: 'as-shipped',
      expect: ['translation.stale-tce'],
    },
  ],
  params: {
    topology: 'witherspoon-6',
    policy: 'per-socket',
    durationTicks: 300_000_000,
    tenants: [
      {
        name: 'host',
        lpid: 0,
        groups: 'all',
        processesPerGpu: 1,
        pagesPerProcess: 16,
        tcePagesPerGpu: 16,
        tceContainer: 'v1',
      },
    ],
    gpu: { issueIntervalTicks: 60_000, ut0Percent: 0, ut1Percent: 100, peerPercent: 0 },
    host: { unmapIntervalTicks: 50_000_000, cpuThreads: 1, tceRemapIntervalTicks: 1_000_000 },
  },
});

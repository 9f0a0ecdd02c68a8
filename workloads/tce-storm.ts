import { defineWorkload } from '../src/model/scenario/workload.js';

/**
 * UT=1 DMA over a TCE window small enough to live in the NPU's TCE cache, while the host unmaps and
 * remaps four TCE pages at a time (one remap in four is a window reset, killed by "invalidate
 * entire"). Exposes the TCE kill bugs: a per-page kill loop that never advances (skiboot
 * cd5ddbe3b), VFIO's unpin before the kill, and the ignored "invalidate entire" kill (8a2b6d51b).
 * The GPUs are driven by a user-space driver on the host through a VFIO SPAPR TCE v1 container
 * (`tceContainer: 'v1'`): VFIO's unpin gap is in that container's clear, not in the kernel's own
 * DMA unmap, nor in the v2 container QEMU guests use (scenario/tce-container.ts).
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
    { label: 'TCE cache hit rate', rate: 'tce-hit' },
  ],
  exposes: [
    { bug: 'tce-kill-no-advance', rules: ['translation.stale-tce'] },
    { bug: 'unpin-before-kill', rules: ['translation.stale-tce'] },
    { bug: 'tce-entire-kill-ignored', rules: ['translation.stale-tce'] },
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

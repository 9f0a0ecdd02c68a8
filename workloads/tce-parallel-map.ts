import { defineWorkload } from '../src/model/scenario/workload.js';

/**
 * Two guests map their GPUs' DMA windows at start from two vCPUs each, in parallel, into two-level
 * TCE tables whose levels the kernel allocates on demand (Linux v4.19+, 8192 TCEs per level: one
 * 64 KiB page), while the GPUs already issue UT=1 DMA to the window. The first TCE of a level
 * allocates it, and both threads want that level at once. The fixed kernel publishes the level with
 * a cmpxchg; with `--bug tce-level-alloc-race` (before 56090a3902c8) the second allocation
 * replaces the first, the TCEs written into the first are lost, and a DMA to one of those mapped
 * bus pages finds no TCE: `translation.lost-tce`.
 */
export default defineWorkload({
  name: 'tce-parallel-map',
  description:
    'Guests map their TCE windows from two threads at once into on-demand two-level tables under UT=1 DMA: exposes tce-level-alloc-race',
  // No count (two by default): `--set host.tceMapThreads` gives another, under the same question.
  question:
    'When threads map one TCE window at once, does every TCE they wrote survive the on-demand level allocation?',
  headline: [
    { label: 'TCEs mapped', counter: 'tce.maps' },
    { label: 'TCE faults on an invalid entry', counter: 'tce.fault.invalid-entry' },
    { label: 'TCE cache hit rate', rate: 'tce-hit' },
    { label: 'DMA latency p99', latency: 'dma.latencyTicks', stat: 'p99' },
  ],
  exposes: [{ bug: 'tce-level-alloc-race', rules: ['translation.lost-tce'] }],
  params: {
    topology: 'witherspoon-6',
    policy: 'per-socket',
    durationTicks: 100_000_000,
    tenants: [
      { name: 'vm1', lpid: 1, groups: [0], processesPerGpu: 1, pagesPerProcess: 16, tcePagesPerGpu: 256 },
      { name: 'vm2', lpid: 2, groups: [1], processesPerGpu: 1, pagesPerProcess: 16, tcePagesPerGpu: 256 },
    ],
    gpu: { issueIntervalTicks: 100_000, ut0Percent: 20, ut1Percent: 80, peerPercent: 0 },
    host: {
      unmapIntervalTicks: 5_000_000,
      cpuThreads: 2,
      tceRemapIntervalTicks: 0,
      tceMapThreads: 2,
      tceLevelEntries: 8192,
    },
  },
});

import { defineWorkload } from '../src/model/scenario/workload.js';

/**
 * The default: the host owns all six GPUs of a witherspoon-6; every GPU drives UT=0, UT=1 and
 * NVLink peer traffic while four CPU threads munmap and migrate pages under it (every shootdown
 * crossing both NPUs for processes that span the sockets) and TCE mappings are torn down and
 * remapped. A clean run finds nothing; its figures are the contention of the healthy protocol.
 */
export default defineWorkload({
  name: 'stress',
  description: 'All GPUs: UT=0/UT=1 DMA and peer traffic while host threads unmap, migrate and remap pages',
  question: 'Does the healthy protocol keep every rule under mixed load, and where does it contend?',
  // A clean verdict on stale translations leans on the refill model (premises.ts), as flush-race's.
  premises: ['ats-refill-stages'],
  headline: [
    { label: 'DMA completed', counter: 'dma.completed' },
    { label: 'mmio_invalidates completed', counter: 'shootdown.completed' },
    { label: 'shootdown latency p99', latency: 'shootdown.latencyTicks', stat: 'p99' },
    { label: 'nest MMU translation p99', latency: 'nmmu.translateTicks', stat: 'p99' },
    { label: 'ATS cache hit rate', rate: 'ats-hit' },
    { label: 'busiest GPU->chip link', links: 'gpu-chip', stat: 'busiest' },
    // The nest MMU saturates long before a link here (QA68: walkers ~100 % busy, links 4 %).
    { label: 'busiest nest MMU (walkers)', nmmu: 'busiest' },
  ],
  params: {
    topology: 'witherspoon-6',
    policy: 'per-socket',
    durationTicks: 2_000_000_000,
    tenants: [{ name: 'host', lpid: 0, groups: 'all', processesPerGpu: 2, pagesPerProcess: 256 }],
    gpu: { issueIntervalTicks: 40_000, engines: 2, ut0Percent: 60, ut1Percent: 30, peerPercent: 10 },
    host: {
      unmapIntervalTicks: 1_000_000,
      cpuThreads: 4,
      pagesPerUnmap: 1,
      tceRemapIntervalTicks: 2_000_000,
    },
  },
});

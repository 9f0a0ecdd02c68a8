/**
 * A workload of your own: copy this file, change what you like, and run it with
 * `npusim run ./my-workload.ts` (TypeScript is loaded as is: no build step).
 *
 * It asks one question: with two guests on a Redbud (witherspoon-4), one per socket, each
 * hammering its GPUs with UT=0 DMA while its kernel unmaps 2M pages under them, how long do
 * shootdowns take, and does anything reach a page after its shootdown? Every parameter and its
 * default is in the workload schema (src/model/scenario/workload-params.ts in the npusim repository).
 */
import { defineWorkload } from 'npusim';

export default defineWorkload({
  name: 'my-workload',
  description: 'Two guests, one socket each, unmapping 2M pages under UT=0 DMA',
  question: 'How long does a 2M shootdown take under UT=0 load, and is every access still safe?',
  headline: [
    { label: 'mmio_invalidates completed', counter: 'shootdown.completed' },
    { label: 'shootdown latency p99', latency: 'shootdown.latencyTicks', stat: 'p99' },
    { label: 'ATSD invalidates by size', counter: 'atsd.invalidate.*' },
    { label: 'DMA completed', counter: 'dma.completed' },
  ],
  params: {
    topology: 'witherspoon-4',
    policy: 'per-socket',
    durationTicks: 200_000_000, // 200 us simulated
    tenants: [
      { name: 'vm1', lpid: 1, groups: [0], processesPerGpu: 2, pagesPerProcess: 8, pageSizes: ['2M'] },
      { name: 'vm2', lpid: 2, groups: [1], processesPerGpu: 2, pagesPerProcess: 8, pageSizes: ['2M'] },
    ],
    gpu: { issueIntervalTicks: 50_000, ut0Percent: 100, ut1Percent: 0, peerPercent: 0 },
    host: { unmapIntervalTicks: 2_000_000, cpuThreads: 2, tceRemapIntervalTicks: 0 },
  },
});

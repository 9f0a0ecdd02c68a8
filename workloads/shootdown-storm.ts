import { defineWorkload } from '../src/model/scenario/workload.js';

/**
 * munmap and migration as fast as eight CPU threads can go, over a small hot working set that the
 * GPUs keep translating: every shootdown races translations in flight and refills inside the GPU.
 * Exposes the shootdown-protocol bugs: one flush instead of two, a free before the shootdown,
 * only the local NPU shot down, registers taken in descending order.
 */
export default defineWorkload({
  name: 'shootdown-storm',
  description: 'Eight CPU threads munmap/migrate a hot working set the GPUs keep translating',
  // No count (eight by default): `--set host.cpuThreads` gives another, under the same question.
  question: 'Do CPU threads shooting down a hot working set at once ever free a page a GPU may still use?',
  // The assumption two flushes are enough under, and one is not (premises.ts).
  premises: ['ats-refill-stages'],
  headline: [
    { label: 'mmio_invalidates completed', counter: 'shootdown.completed' },
    { label: 'ATSD register wait p99', latency: 'atsd.registerWaitTicks', stat: 'p99' },
    { label: 'ATSD register hold p99', latency: 'atsd.holdTicks', stat: 'p99' },
    { label: 'shootdown latency p99', latency: 'shootdown.latencyTicks', stat: 'p99' },
    { label: 'pages freed', counter: 'pages.freed' },
  ],
  exposes: [
    { bug: 'single-flush', rules: ['order.free-before-flushes', 'order.atsd-released-early'] },
    { bug: 'free-before-shootdown', rules: ['order.free-before-shootdown', 'translation.stale-ats'] },
    { bug: 'local-npu-only', rules: ['translation.stale-ats', 'order.free-before-shootdown'] },
    { bug: 'descending-order', rules: ['order.atsd-descending'] },
  ],
  params: {
    topology: 'witherspoon-6',
    policy: 'per-socket',
    durationTicks: 400_000_000,
    tenants: [
      { name: 'host', lpid: 0, groups: 'all', processesPerGpu: 2, pagesPerProcess: 32, tcePagesPerGpu: 0 },
    ],
    gpu: { issueIntervalTicks: 60_000, ut0Percent: 100, ut1Percent: 0, peerPercent: 0 },
    host: { unmapIntervalTicks: 150_000, cpuThreads: 8, tceRemapIntervalTicks: 0 },
  },
});

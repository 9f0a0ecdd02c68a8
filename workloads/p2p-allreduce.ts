import { defineWorkload } from '../src/model/scenario/workload.js';

/**
 * p2p-allreduce: how fast is a ring all-reduce over NVLink among the GPUs of a socket, and how
 * much does host traffic on the same GPUs slow it down?
 *
 * The host owns all six GPUs of a witherspoon-6; on each socket its three GPUs run NCCL-style
 * ring all-reduces of 1 MiB each, back to back (actors/gpu/ring-allreduce.ts: 2(n-1) steps, each a
 * chunk of 4 KiB peer writes to the next GPU, a step starting only when its chunk arrived from the
 * previous GPU). The workload's own run adds host traffic on the same GPUs: two DMA engines of
 * UT=0 and UT=1 DMA to host memory, and the host unmapping under them. Its variant
 * `no-host-traffic` runs the rings alone.
 *
 * What to expect: each GPU->GPU bundle the rings send on busy most of the time (over three quarters), an
 * all-reduce of 1 MiB in a few tens of microseconds, both runs clean. The host traffic does not
 * share the GPU-GPU links (Sequoia's GPU pairs have their own bundles), so it slows the rings only
 * through the GPU's outstanding DMA slots the two share: a few per cent, which the all-reduce time
 * of the two runs side by side shows.
 */
export default defineWorkload({
  name: 'p2p-allreduce',
  description: 'NVLink ring all-reduce among the GPUs of each socket, with and without host traffic',
  question: 'How fast is a ring all-reduce over NVLink, and how much does host traffic slow it?',
  label: 'with-host-traffic',
  headline: [
    { label: 'all-reduces done, summed over GPUs', counter: 'allreduce.completed' },
    { label: 'all-reduce time p50', latency: 'allreduce.latencyTicks', stat: 'p50' },
    { label: 'all-reduce time max', latency: 'allreduce.latencyTicks', stat: 'max' },
    {
      label: 'all-reduce data, all GPUs',
      counter: 'allreduce.bytes',
      per: 'simulated-second',
      unit: 'bytes',
    },
    { label: 'busiest GPU->GPU link', links: 'gpu-gpu', stat: 'busiest' },
    { label: 'host DMA completed', counter: 'dma.completed' },
    { label: 'host DMA moved', counter: 'dma.bytes', per: 'simulated-second', unit: 'bytes' },
  ],
  variants: [
    {
      name: 'no-host-traffic',
      description: 'the rings alone: no DMA engines, no unmaps',
      set: { 'gpu.engines': 0, 'host.cpuThreads': 1, 'host.unmapIntervalTicks': 1_000_000_000 },
      expect: 'clean',
    },
  ],
  params: {
    topology: 'witherspoon-6',
    policy: 'per-socket',
    durationTicks: 300_000_000,
    tenants: [
      { name: 'host', lpid: 0, groups: 'all', processesPerGpu: 2, pagesPerProcess: 256, tcePagesPerGpu: 64 },
    ],
    gpu: {
      issueIntervalTicks: 20_000,
      engines: 2,
      ut0Percent: 60,
      ut1Percent: 40,
      peerPercent: 0,
      dmaBytes: 4096,
      maxOutstanding: 64,
      collective: 'ring-allreduce',
      collectiveBytes: 1 << 20,
    },
    host: { unmapIntervalTicks: 2_000_000, cpuThreads: 2, tceRemapIntervalTicks: 0 },
  },
});

import { defineWorkload } from '../src/model/scenario/workload.js';

/**
 * The race the second flush ATSD exists for (ats-cache.ts): every GPU keeps hitting the four
 * pages of its one process, and refills inside the GPU move slowly (`refillAdvancePercent` 2). One
 * CPU thread unmaps and migrates those pages: it runs on socket 0 (thread t on socket t mod
 * sockets, host-threads.ts) and picks only the processes homed there, so the race is run by the
 * three GPUs of socket 0 alone. Socket 1's GPUs translate pages no one unmaps and are sent no ATSD
 * (`--seed 1 --duration 300us`: socket 1's ATSD launches 0): they are load only (their links,
 * socket 1's nest MMU), no second place for the race. (`host.cpuThreads` 2 would give socket 1 a
 * thread of its own, and change every seed's draws, which tests hold.) A refill still in the GPU's
 * first stage when the invalidate lands is moved into the L1 by the one flush ATSD of
 * `--bug single-flush`, the page is freed, and the GPU's next DMA through it reaches a freed (and
 * reused) frame: `translation.stale-ats`, besides the oracle's order rule. With two flushes the
 * same seeds find nothing (seeds 1-6 checked).
 */
export default defineWorkload({
  name: 'flush-race',
  description:
    "Socket 0's GPUs hit four-page working sets under a slow munmap stream: one flush leaves a stale L1 entry",
  question: 'Is one flush ATSD enough to clear a translation still in flight inside the GPU?',
  label: 'two flush ATSDs after the invalidate',
  // The assumption two flushes are enough under, and one is not (premises.ts).
  premises: ['ats-refill-stages'],
  headline: [
    { label: 'mmio_invalidates completed', counter: 'shootdown.completed' },
    { label: 'flush ATSDs', counter: 'atsd.flush' },
    { label: 'UT=0 DMA completed', counter: 'dma.completed' },
    { label: 'ATS cache hit rate', rate: 'ats-hit' },
  ],
  exposes: [
    {
      bug: 'single-flush',
      rules: ['translation.stale-ats', 'order.free-before-flushes', 'order.atsd-released-early'],
    },
  ],
  // The answer beside the question's other side: the same run with one flush.
  variants: [
    {
      name: 'single-flush',
      description:
        'one flush ATSD, as Linux before Feb 2018 on the flushing call: the refill in flight survives',
      bugs: ['single-flush'],
      expect: ['translation.stale-ats', 'order.free-before-flushes', 'order.atsd-released-early'],
    },
  ],
  params: {
    topology: 'witherspoon-6',
    policy: 'per-socket',
    durationTicks: 800_000_000,
    tenants: [
      { name: 'host', lpid: 0, groups: 'all', processesPerGpu: 1, pagesPerProcess: 4, tcePagesPerGpu: 0 },
    ],
    gpu: {
      issueIntervalTicks: 60_000,
      ut0Percent: 100,
      ut1Percent: 0,
      peerPercent: 0,
      refillAdvancePercent: 2,
    },
    host: { unmapIntervalTicks: 4_000_000, cpuThreads: 1, tceRemapIntervalTicks: 0 },
  },
});

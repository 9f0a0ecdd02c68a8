import { defineWorkload } from '../src/model/scenario/workload.js';

/**
 * large-pages: are translations of 2M and 1G pages shot down as completely as 64K ones, and what
 * does each ATSD size cost?
 *
 * The host's processes on a witherspoon-6 map 64K, 2M and 1G pages (one page size per process,
 * in turn), and four CPU threads munmap and migrate one or two pages at a time under UT=0 DMA that
 * keeps translating them. Linux's size rule (v4.20+, atsd-size-rule.ts) then launches every kind of
 * invalidate: a munmap's range (twice: Linux calls mmio_invalidate from range_end and again after
 * the tlbie) of one 64K page -> 64K, two 64K pages or one 2M page -> 2M, two 2M pages or one 1G
 * page -> 1G, two 1G pages -> the whole PID; a migration shoots down page by page, each at its own
 * size (try_to_unmap_one's range is one page). The GPU caches each translation at its page size, and the
 * oracle judges a DMA against the page that holds it, whatever its size.
 *
 * What to expect: ATSD invalidates of all four sizes, clean; every DMA through a translation of a
 * freed page would be translation.stale-ats. With `--bug local-npu-only` (processes span both
 * sockets, so the other NPU's GPUs keep their 2M and 1G entries) it is.
 */
export default defineWorkload({
  name: 'large-pages',
  description: '64K, 2M and 1G pages unmapped and migrated under UT=0 DMA: 64K, 2M, 1G and whole-PID ATSDs',
  question:
    'Are 2M and 1G translations shot down as completely as 64K ones, and what does each ATSD size cost?',
  // The assumption two flushes are enough under, and one is not (premises.ts).
  premises: ['ats-refill-stages'],
  exposes: [{ bug: 'local-npu-only', rules: ['translation.stale-ats', 'order.free-before-shootdown'] }],
  headline: [
    { label: 'ATSD invalidates of 64K', counter: 'atsd.invalidate.64K' },
    { label: 'ATSD invalidates of 2M', counter: 'atsd.invalidate.2M' },
    { label: 'ATSD invalidates of 1G', counter: 'atsd.invalidate.1G' },
    { label: 'ATSD invalidates of a whole PID', counter: 'atsd.invalidate.pid' },
    { label: 'flush ATSDs', counter: 'atsd.flush' },
    { label: 'mmio_invalidates completed', counter: 'shootdown.completed' },
    { label: 'shootdown latency p50', latency: 'shootdown.latencyTicks', stat: 'p50' },
    { label: 'shootdown latency p99', latency: 'shootdown.latencyTicks', stat: 'p99' },
    { label: 'pages migrated', counter: 'pages.migrated' },
    { label: 'DMA faulted (page being unmapped)', counter: 'dma.fault.translation' },
    { label: 'ATS cache hit rate', rate: 'ats-hit' },
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
        processesPerGpu: 3,
        pagesPerProcess: 4,
        tcePagesPerGpu: 0,
        pageSizes: ['64K', '2M', '1G'],
      },
    ],
    gpu: { issueIntervalTicks: 50_000, ut0Percent: 100, ut1Percent: 0, peerPercent: 0 },
    host: {
      unmapIntervalTicks: 400_000,
      cpuThreads: 4,
      pagesPerUnmap: 2,
      varyPagesPerUnmap: true,
      tceRemapIntervalTicks: 0,
    },
  },
});

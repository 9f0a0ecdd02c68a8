import { defineWorkload } from '../src/model/scenario/workload.js';

/**
 * dma-storm: where does the machine saturate when every GPU drives its links flat out?
 *
 * The host owns all six GPUs of a witherspoon-6. Each GPU runs four DMA engines writing 4 KiB
 * at a time, up to 512 in flight: a quarter UT=0 (through the ATS cache, over a working set of
 * 1024 64K pages per process: with every GPU serving several processes that is more than the
 * cache's 2048-entry L2 holds, so the nest MMU walks all the time) and three quarters UT=1
 * (through TCE windows four times the TCE cache, over NVLink or, one in four, PCIe). The host
 * hardly unmaps: the storm is the traffic itself.
 *
 * What to expect: GPU->chip NVLink bundles busy nearly all the time (the busiest at or near
 * 100%), PCIe links next, the X-bus carrying the DMA to pages homed on the other socket; the nest
 * MMU's four walkers per chip queueing (its p99 tens of microseconds, against a 400 ns walk), a low
 * ATS hit rate (translations pending behind the walkers miss again), engines stalling on their
 * outstanding bound, and the host's rare shootdowns waiting hundreds of microseconds behind the
 * DMAs each GPU issued before their flush. A clean run: the contention of the healthy protocol.
 */
export default defineWorkload({
  name: 'dma-storm',
  description: 'Every GPU saturates its links with 4 KiB UT=0 and UT=1 DMA: link and nest MMU contention',
  question: 'Where does the machine saturate when every GPU drives UT=0 and UT=1 DMA flat out?',
  headline: [
    { label: 'busiest GPU->chip link', links: 'gpu-chip', stat: 'busiest' },
    { label: 'GPU->chip links, mean', links: 'gpu-chip', stat: 'mean' },
    { label: 'busiest X-bus', links: 'chip-chip', stat: 'busiest' },
    { label: 'DMA moved', counter: 'dma.bytes', per: 'simulated-second', unit: 'bytes' },
    { label: 'nest MMU translations', counter: 'nmmu.translations', per: 'simulated-second' },
    { label: 'busiest nest MMU (walkers)', nmmu: 'busiest' },
    { label: 'nest MMU translation p99', latency: 'nmmu.translateTicks', stat: 'p99' },
    { label: 'ATS cache hit rate', rate: 'ats-hit' },
    { label: 'TCE cache hit rate', rate: 'tce-hit' },
    { label: 'DMA latency p99', latency: 'dma.latencyTicks', stat: 'p99' },
    // Its few shootdowns wait behind every DMA their GPU issued earlier (the membar rule): the
    // saturation's cost to the host, hundreds of microseconds (QA: stress showed it, this did not).
    { label: 'shootdown latency p99', latency: 'shootdown.latencyTicks', stat: 'p99' },
    { label: 'GPU DMA engine stalls (outstanding full)', counter: 'dma.stalls' },
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
        processesPerGpu: 2,
        pagesPerProcess: 1024,
        tcePagesPerGpu: 256,
      },
    ],
    gpu: {
      issueIntervalTicks: 60_000,
      engines: 4,
      ut0Percent: 25,
      ut1Percent: 75,
      peerPercent: 0,
      writePercent: 100,
      dmaBytes: 4096,
      maxOutstanding: 512,
    },
    host: { unmapIntervalTicks: 50_000_000, cpuThreads: 2, tceRemapIntervalTicks: 0 },
  },
});

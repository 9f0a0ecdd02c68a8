import { defineWorkload } from '../src/model/scenario/workload.js';

/**
 * mixed: the default of `npusim run`. Does a busy, shared machine, with everything the other
 * workloads do at once, keep every rule?
 *
 * A witherspoon-6 under Linux v5.0's per-socket groups, split between a guest (vm1, socket 0) and
 * the host (socket 1). Every GPU drives UT=0, UT=1 and peer traffic to its own tenant's GPUs and
 * runs a ring all-reduce with its socket's GPUs every 100 us; both tenants map 64K and 2M pages and
 * the host 1G pages too, unmapped and migrated across the sockets one or two at a time, so every
 * ATSD size runs; the guest shoots its own translations down through the registers of its six
 * links; the kernels tear TCE mappings down and remap them; the guest keeps trying firmware updates
 * that the MMIO filter blocks. A clean run: its summary shows where a shared machine contends.
 * (Shootdowns that must cross both NPUs, and the bug switches, are the other workloads'.)
 */
export default defineWorkload({
  name: 'mixed',
  description:
    'A guest and the host sharing the machine: every kind of traffic, page size and shootdown at once',
  // No count (one guest by default): `--set tenants=...` gives others, under the same question.
  question:
    'Does a busy machine shared by the host and its guests, doing everything at once, keep every rule?',
  // Its clean verdict judges stale translations and a guest's isolation, firmware included, so it
  // leans on what those answers lean on (premises.ts; each is listed only where the run needs it).
  // QA: it said nothing of them, where tenant-isolation and flush-race list theirs.
  premises: [
    'ut0-ats-only',
    'link-disable-latched',
    'no-guest-firmware',
    'link-disable-after-reset',
    'reset-refusal',
    'no-hostile-peers',
    'ats-refill-stages',
    'guest-atsd-unwritten-register',
    'host-leaves-guest-registers',
    'bar0-filter',
    'firmware-window',
  ],
  headline: [
    { label: 'DMA completed', counter: 'dma.completed' },
    { label: 'DMA latency p99', latency: 'dma.latencyTicks', stat: 'p99' },
    { label: 'mmio_invalidates completed', counter: 'shootdown.completed' },
    { label: 'shootdown latency p99', latency: 'shootdown.latencyTicks', stat: 'p99' },
    { label: 'guest acquisitions of', counter: 'atsd.guest.*' },
    { label: 'ATSD invalidates of 64K', counter: 'atsd.invalidate.64K' },
    { label: 'ATSD invalidates of 2M', counter: 'atsd.invalidate.2M' },
    { label: 'ATSD invalidates of 1G', counter: 'atsd.invalidate.1G' },
    { label: 'ATSD invalidates of a whole PID', counter: 'atsd.invalidate.pid' },
    { label: 'ring all-reduces done, summed over GPUs', counter: 'allreduce.completed' },
    { label: 'ring all-reduce time p50', latency: 'allreduce.latencyTicks', stat: 'p50' },
    { label: 'TCE unmaps', counter: 'tce.unmaps' },
    { label: 'firmware updates blocked', counter: 'firmware.blocked' },
    { label: 'busiest GPU->chip link', links: 'gpu-chip', stat: 'busiest' },
    { label: 'busiest nest MMU (walkers)', nmmu: 'busiest' },
  ],
  params: {
    topology: 'witherspoon-6',
    policy: 'per-socket',
    durationTicks: 2_000_000_000,
    tenants: [
      {
        name: 'vm1',
        lpid: 1,
        groups: [0],
        processesPerGpu: 2,
        pagesPerProcess: 64,
        tcePagesPerGpu: 128,
        pageSizes: ['64K', '2M'],
      },
      {
        name: 'host',
        lpid: 0,
        groups: [1],
        processesPerGpu: 3,
        pagesPerProcess: 32,
        tcePagesPerGpu: 128,
        pageSizes: ['64K', '2M', '1G'],
      },
    ],
    gpu: {
      issueIntervalTicks: 40_000,
      engines: 2,
      ut0Percent: 60,
      ut1Percent: 30,
      peerPercent: 10,
      collective: 'ring-allreduce',
      collectiveBytes: 256 << 10,
      collectiveGapTicks: 100_000_000,
    },
    host: {
      unmapIntervalTicks: 1_000_000,
      cpuThreads: 4,
      pagesPerUnmap: 2,
      varyPagesPerUnmap: true,
      tceRemapIntervalTicks: 2_000_000,
      guestAtsd: 'every-link',
    },
    mmio: { accessIntervalTicks: 5_000_000, firmwarePercent: 50 },
  },
});

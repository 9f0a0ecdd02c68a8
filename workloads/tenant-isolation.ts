import { defineWorkload } from '../src/model/scenario/workload.js';

/**
 * The 2018 thread's question: are NVLink-connected GPUs isolated when handed to different guests?
 * Six guests, one GPU each (the RFC's per-GPU IOMMU groups), each hostile: they aim NVLink peer
 * writes at every peer they are wired to and try to turn their links back on through BAR0.
 * - `--policy per-gpu` (the RFC, links left up): peer writes land in other guests' GPU RAM
 *   (isolation.peer).
 * - default `per-gpu-isolated`: the links between groups are disabled before assignment and stay
 *   disabled until a secondary bus reset; the MMIO filter blocks the link registers: nothing crosses.
 */
export default defineWorkload({
  name: 'tenant-isolation',
  description: 'Six hostile guests, one GPU each, aiming NVLink peer writes at each other',
  // No count: `--set tenants=...` or a topology file gives another number of guests, or of GPUs
  // each, and the question is printed above whatever the run had (QA); `--set tenants[i].hostile=false`
  // makes a guest benign, so the question does not say they all are (QA: it did, under a premise
  // line saying none was).
  question: 'Are guests, each handed its own GPUs, isolated from each other over NVLink, hostile or not?',
  premises: [
    'ut0-ats-only',
    'link-disable-latched',
    'no-guest-firmware',
    'link-disable-after-reset',
    'no-hostile-peers',
    'bar0-filter',
  ],
  headline: [
    { label: 'peer accesses completed', counter: 'peer.completed' },
    { label: 'peer accesses refused at a disabled link', counter: 'peer.refused+peer.blockedLocally' },
    { label: 'BAR0 writes blocked by the MMIO filter', counter: 'mmio.blocked' },
    { label: 'link re-enable attempts ignored (latched)', counter: 'mmio.linkReenableIgnored' },
  ],
  exposes: [{ bug: 'links-enabled-per-gpu', rules: ['isolation.peer'] }],
  params: {
    topology: 'witherspoon-6',
    policy: 'per-gpu-isolated',
    durationTicks: 200_000_000,
    tenants: [1, 2, 3, 4, 5, 6].map((i) => ({
      name: `vm${i}`,
      lpid: i,
      groups: [i - 1],
      processesPerGpu: 1,
      pagesPerProcess: 64,
      tcePagesPerGpu: 16,
      hostile: true,
    })),
    gpu: { issueIntervalTicks: 100_000, ut0Percent: 40, ut1Percent: 20, peerPercent: 40 },
    host: { unmapIntervalTicks: 2_000_000, cpuThreads: 2, tceRemapIntervalTicks: 0 },
    mmio: { accessIntervalTicks: 1_000_000, firmwarePercent: 0 },
  },
});

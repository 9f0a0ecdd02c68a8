import { defineWorkload } from '../src/model/scenario/workload.js';

/**
 * multi-tenant: are NVLink-connected GPUs isolated from each other when handed to different
 * guests, under each way of forming IOMMU groups?
 *
 * Hostile guests on a witherspoon-6 aim NVLink peer writes at every GPU they are wired to, try to
 * turn their links back on through BAR0, and drive UT=0 and UT=1 DMA while their kernels unmap.
 * One run per policy, the same seed, side by side in the summary:
 * - `per-gpu-isolated` (this run): six guests, one GPU each, the never-merged isolate_nvlink
 *   grouping with the links between groups disabled through BAR0 before assignment. Expected clean:
 *   every cross-guest peer write is refused at the link.
 * - `per-gpu` (a variant): the same six guests under the 2018 RFC's per-GPU groups, links left
 *   up. Expected `isolation.peer`: writes land in another guest's GPU RAM over a live NVLink.
 * - `per-socket` (a variant): Linux v5.0's compound groups, one per socket, so a guest takes a whole
 *   socket: two guests, and no NVLink crosses sockets. Expected clean.
 * The verdict of each against its expectation is the answer; a variant that finds what it did not
 * expect fails the command like any finding (with its own failure file).
 */
const guest = (i: number) => ({
  name: `vm${i}`,
  lpid: i,
  groups: [i - 1],
  processesPerGpu: 1,
  pagesPerProcess: 64,
  tcePagesPerGpu: 16,
  hostile: true,
});

export default defineWorkload({
  name: 'multi-tenant',
  description: 'Hostile guests under per-socket, per-gpu and per-gpu-isolated groups: the verdict of each',
  question: 'Are NVLink-connected GPUs isolated from each other when handed to different guests?',
  label: 'per-gpu-isolated',
  expect: 'clean',
  premises: [
    'ut0-ats-only',
    'link-disable-latched',
    'no-guest-firmware',
    'link-disable-after-reset',
    'no-hostile-peers',
    'bar0-filter',
  ],
  // Its own run's groups are per-gpu-isolated, where the switch leaves the links up (QA: a run with
  // it read NOT as expected, the switch exposed by tenant-isolation alone).
  exposes: [{ bug: 'links-enabled-per-gpu', rules: ['isolation.peer'] }],
  headline: [
    { label: 'IOMMU groups', param: 'policy' },
    { label: 'guests', param: 'tenants' },
    { label: 'peer accesses completed', counter: 'peer.completed' },
    { label: 'peer accesses refused at a disabled link', counter: 'peer.refused+peer.blockedLocally' },
    { label: 'BAR0 writes blocked by the MMIO filter', counter: 'mmio.blocked' },
    { label: 'link re-enable attempts ignored (latched)', counter: 'mmio.linkReenableIgnored' },
    { label: 'DMA completed', counter: 'dma.completed' },
  ],
  variants: [
    {
      name: 'per-gpu',
      description: 'the 2018 RFC: one group per GPU, links left up',
      set: { policy: 'per-gpu' },
      expect: ['isolation.peer'],
    },
    {
      name: 'per-socket',
      description:
        "Linux v5.0: one group per socket, so one guest per socket, whose GPUs' NVLink peers are all its own: clean by construction; on witherspoon-6 the same six GPUs drawing the same traffic as per-gpu's",
      set: { policy: 'per-socket', tenants: [guest(1), guest(2)] },
      expect: 'clean',
    },
  ],
  params: {
    topology: 'witherspoon-6',
    policy: 'per-gpu-isolated',
    durationTicks: 200_000_000,
    tenants: [1, 2, 3, 4, 5, 6].map(guest),
    gpu: { issueIntervalTicks: 100_000, ut0Percent: 40, ut1Percent: 20, peerPercent: 40 },
    host: { unmapIntervalTicks: 2_000_000, cpuThreads: 2, tceRemapIntervalTicks: 0 },
    mmio: { accessIntervalTicks: 1_000_000, firmwarePercent: 0 },
  },
});

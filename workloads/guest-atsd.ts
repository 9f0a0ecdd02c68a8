import { defineWorkload } from '../src/model/scenario/workload.js';

/**
 * guest-atsd: can guests shoot down their own GPU translations through the ATSD registers the host
 * handed them, one per link, and does the LPID filter keep every such ATSD inside its guest?
 *
 * VFIO hands a guest ATSD[link index] of each of its NVLink bridges, with the guest's LPID written
 * into the register's LPARID filter by skiboot's map_lpar; QEMU lists them as the vPHB's
 * "ibm,mmio-atsd", and the guest's own mmio_invalidate spins over them. Registers 6 and 7 stay with
 * the host (docs/theory/ats-atsd-oracle.md#5-the-atsd-engine-npuatsd-unitts-hostshootdownts). Here,
 * on a witherspoon-6 with the RFC's per-GPU groups, guest vm1 has gpu0 (links 0 and 1 of NPU 0),
 * vm2 has gpu1 (links 2 and 3), and the host keeps the rest (gpu2 on the same NPU, links 4 and 5,
 * and socket 1). Eight CPU threads munmap and migrate under UT=0 DMA: guests' shootdowns and the
 * host's race for the registers of one NPU.
 *
 * What to expect, clean: each guest takes both registers of its links (0 and 1, 2 and 3) and never
 * another, never 6 or 7; the host uses 6, 7 and its own links' registers on NPU 0 (and all eight on
 * NPU 1); every NPU forwards every ATSD to every GPU behind it, so GPUs of another partition
 * receive them, and the filter's LPID makes them drop nothing there. The `first-link` variant is
 * the model's earlier guest, pinned to its first link's register: the same run with one register
 * per guest, so its shootdowns wait longer for it.
 *
 * That clean verdict rests on the host leaving the guests' registers alone, which is the model's
 * proposed fix, not what shipped: Linux v5.2 get_mmio_atsd_reg (and NVIDIA UVM after it) takes any
 * free register, whatever LPID skiboot's npu2_map_lpar wrote into its filter. With
 * `--bug host-atsd-ignores-lparid` (carried by `--profile as-shipped`) the host's shootdowns for
 * gpu2 win registers 0-3 of NPU 0, their invalidates and flushes go out under a guest's LPID, the
 * host's entries on gpu2 survive the free, and the oracle reports translation.stale-ats (and
 * isolation.dma once the freed frame went to a guest).
 */
export default defineWorkload({
  name: 'guest-atsd',
  description:
    "Guests' own shootdowns through the ATSD register of each of their links; LPID filter; 6 and 7 host-only",
  question:
    'Do guests shoot down through the ATSD registers of their own links only, kept inside their partition by the LPID filter?',
  label: 'every-link',
  // The refill assumption every stale-translation answer rests on; a guest's ATSD through a
  // register skiboot never wrote, filtered by the model (every-link only); the host kept off the
  // guests' registers, the model's fix (not under --bug host-atsd-ignores-lparid): premises.ts.
  premises: ['ats-refill-stages', 'guest-atsd-unwritten-register', 'host-leaves-guest-registers'],
  headline: [
    { label: 'guest acquisitions of', counter: 'atsd.guest.*' },
    { label: 'guest acquisitions of host-only 6 and 7', counter: 'atsd.guest.reg6+atsd.guest.reg7' },
    { label: 'host acquisitions of 6 and 7', counter: 'atsd.host.reg6+atsd.host.reg7' },
    { label: "host acquisitions of a guest's register", counter: 'atsd.hostOnGuestRegister' },
    { label: "ATSDs reaching another partition's GPU", counter: 'atsd.otherPartition' },
    { label: 'entries those dropped there', counter: 'atsd.otherPartitionDropped' },
    { label: 'mmio_invalidates completed', counter: 'shootdown.completed' },
    { label: 'ATSD register wait p99', latency: 'atsd.registerWaitTicks', stat: 'p99' },
    { label: 'shootdown latency p99', latency: 'shootdown.latencyTicks', stat: 'p99' },
  ],
  exposes: [{ bug: 'host-atsd-ignores-lparid', rules: ['translation.stale-ats', 'isolation.dma'] }],
  variants: [
    {
      name: 'first-link',
      description: "each guest pinned to its first link's register",
      set: { 'host.guestAtsd': 'first-link' },
      expect: 'clean',
    },
    {
      name: 'as-shipped',
      description:
        "the host's ATSD acquisition as shipped, blind to the LPARID filter (host-atsd-ignores-lparid)",
      profile: 'as-shipped',
      expect: ['translation.stale-ats', 'isolation.dma'],
    },
  ],
  params: {
    topology: 'witherspoon-6',
    policy: 'per-gpu',
    durationTicks: 300_000_000,
    tenants: [
      { name: 'vm1', lpid: 1, groups: [0], processesPerGpu: 4, pagesPerProcess: 16, tcePagesPerGpu: 0 },
      { name: 'vm2', lpid: 2, groups: [1], processesPerGpu: 4, pagesPerProcess: 16, tcePagesPerGpu: 0 },
      { name: 'host', lpid: 0, groups: 'rest', processesPerGpu: 2, pagesPerProcess: 16, tcePagesPerGpu: 0 },
    ],
    gpu: { issueIntervalTicks: 60_000, ut0Percent: 100, ut1Percent: 0, peerPercent: 0 },
    host: { unmapIntervalTicks: 150_000, cpuThreads: 8, tceRemapIntervalTicks: 0, guestAtsd: 'every-link' },
  },
});

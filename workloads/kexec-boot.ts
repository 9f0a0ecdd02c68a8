import { defineWorkload } from '../src/model/scenario/workload.js';

/**
 * A host that booted the way every AC922 boots: petitboot's kernel set up every brick's XTS context
 * (map_lpar + init_context for LPID 0) and kexec'd into the host kernel without destroying them
 * (skiboot 7c977c734: "POWERNV boots via kexec and no dereferencing happens"). The host's GPUs then
 * translate and the host shoots down. The fixed firmware resets the wildcard and its refcount in
 * map_lpar, so the host kernel's init_context programs the entry and ATS works; with
 * `--bug xts-stale-after-kexec` skiboot trusts the stale refcount, leaves the entry unprogrammed
 * (no VALID), and the first translation is refused: `translation.ats-refused`. ATSDs pass the
 * bricks without VALID by (the NPU sends them only to VALID ones, skiboot 4724d2c07), so the
 * shootdowns still complete: ATS is broken, not hung.
 */
export default defineWorkload({
  name: 'kexec-boot',
  description:
    'The host booted through kexec from petitboot, then translates and shoots down: exposes xts-stale-after-kexec',
  question:
    "After a kexec from petitboot, does the new kernel's first translation find its XTS context programmed?",
  headline: [
    { label: 'mmio_invalidates completed', counter: 'shootdown.completed' },
    { label: 'DMA completed', counter: 'dma.completed' },
    { label: 'nest MMU translation p99', latency: 'nmmu.translateTicks', stat: 'p99' },
    { label: 'HMIs', counter: 'hmi.count' },
  ],
  exposes: [{ bug: 'xts-stale-after-kexec', rules: ['translation.ats-refused'] }],
  params: {
    topology: 'witherspoon-6',
    policy: 'per-socket',
    durationTicks: 100_000_000,
    tenants: [
      { name: 'host', lpid: 0, groups: 'all', processesPerGpu: 1, pagesPerProcess: 32, tcePagesPerGpu: 0 },
    ],
    gpu: { issueIntervalTicks: 200_000, ut0Percent: 100, ut1Percent: 0, peerPercent: 0 },
    host: {
      unmapIntervalTicks: 2_000_000,
      cpuThreads: 2,
      tceRemapIntervalTicks: 0,
      shootdownDeadlineTicks: 50_000_000,
      bootViaKexec: true,
    },
  },
});

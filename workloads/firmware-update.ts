import { defineWorkload } from '../src/model/scenario/workload.js';

/**
 * Can a guest update GPU firmware? One guest per socket, sharing nothing but the machine; both
 * keep trying to write the firmware-update window through BAR0. The MMIO filter blocks the window
 * at the host page size (64 KiB) unless the admin allows a tenant explicitly: here only
 * `vm-trusted` is allowed, so its GPU's firmware version moves and no other does (counts:
 * firmware.updates, firmware.blocked, mmio.blocked). The filter is the model's proposal, on in the
 * `fixed` profile (clean); with `--profile as-shipped` (v5.12, BAR0 mapped whole) nothing blocks
 * the other guest either (firmware.updatesUnallowed), and each of its updates is an
 * isolation.firmware violation: a guest-flashed firmware voids what the other isolation answers
 * assume of the GPU. The `as-shipped` variant is that run, declared: the same parameters on the
 * shipped releases, expected to find isolation.firmware.
 */
export default defineWorkload({
  name: 'firmware-update',
  description: 'Guests try to update GPU firmware through BAR0; only the admin-allowed one may',
  question: 'Can a guest update GPU firmware?',
  // The own run's column says which machine it is, as the variant's does (QA: `as declared` read
  // as a property of a machine, the filter being in no release).
  label: "fixed: the model's BAR0 filter, in no release",
  premises: ['bar0-filter', 'firmware-window'],
  headline: [
    { label: 'firmware updates done', counter: 'firmware.updates' },
    { label: 'of them by a guest the admin did not allow', counter: 'firmware.updatesUnallowed' },
    { label: 'firmware updates blocked', counter: 'firmware.blocked' },
    { label: 'BAR0 accesses blocked by the MMIO filter', counter: 'mmio.blocked' },
    { label: 'of them link-disable registers', counter: 'mmio.blocked.linkDisable' },
    { label: 'BAR0 accesses let through', counter: 'mmio.allowed' },
  ],
  variants: [
    {
      name: 'as-shipped',
      description: 'Linux v5.12 + skiboot v6.8: BAR0 mapped whole, no filter, so the other guest flashes too',
      profile: 'as-shipped',
      expect: ['isolation.firmware'],
    },
  ],
  params: {
    topology: 'witherspoon-4',
    policy: 'per-socket',
    durationTicks: 100_000_000,
    tenants: [
      { name: 'vm-trusted', lpid: 1, groups: [0], allowFirmwareUpdate: true, tcePagesPerGpu: 16 },
      { name: 'vm-other', lpid: 2, groups: [1], hostile: true, tcePagesPerGpu: 16 },
    ],
    gpu: { issueIntervalTicks: 200_000, ut0Percent: 50, ut1Percent: 50, peerPercent: 0 },
    host: { unmapIntervalTicks: 5_000_000, cpuThreads: 1, tceRemapIntervalTicks: 0 },
    mmio: { accessIntervalTicks: 500_000, firmwarePercent: 50 },
  },
});

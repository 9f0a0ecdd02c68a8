import { defineWorkload } from '../src/model/scenario/workload.js';

/**
 * "nvidia-smi -r" under traffic. The 2018 RFC's per-GPU groups with the NVLinks left up: one guest
 * (`train`) takes the three GPUs of socket 0, which are its whole NVLink group, and three guests take
 * one GPU of socket 1 each, whose NVLink peers belong to the others. Every tenant keeps asking to
 * reset one of its GPUs: `train`'s resets are done (`gpu.resets`), the others' refused
 * (`gpu.resetRefused`), since a reset drops the NVLinks under every peer on them (the model's
 * policy, not a sourced kernel check: the real kernel would reset the GPU under the peers;
 * src/model/actors/coordinator/reset-traffic.ts).
 *
 * While a GPU of socket 0 is reset the others keep translating and the host keeps shooting down,
 * and every ATSD on NPU 0 goes to every brick, the reset GPU's included. The fixed firmware resets
 * the GPU's bricks with its slot (fenced first, retrained after); with
 * `--bug gpu-reset-before-npu` it does not, the NPU forwards ATSDs over the dropped links, and each
 * is an HMI: `order.npu-use-after-gpu-reset`.
 */
export default defineWorkload({
  name: 'gpu-reset',
  description:
    'Tenants reset GPUs under traffic ("nvidia-smi -r", refused unless the caller owns the whole NVLink group): exposes gpu-reset-before-npu',
  question:
    'Can a tenant reset its GPU under traffic, and is the reset refused when another tenant shares its NVLink group?',
  // (a) always, as the other isolation workloads: its guests' UT=0 DMA is clean only if it reaches
  // only what ATS translated, and (c) cites it. (b) and (d) only where links are disabled
  // (`--policy per-gpu-isolated`): premises.ts. The NVLinks its own run leaves up between guests
  // are clean only while no guest aims at another's GPU, which (a) does not cover (a peer access is
  // no UT=0 DMA: QA, its single-GPU guests made hostile found 464 isolation.peer violations). The
  // refusal of a reset under another tenant's peers is the model's rule: said where it applies.
  premises: [
    'ut0-ats-only',
    'link-disable-latched',
    'no-guest-firmware',
    'link-disable-after-reset',
    'reset-refusal',
    'no-hostile-peers',
  ],
  headline: [
    { label: 'GPU resets done', counter: 'gpu.resets' },
    { label: 'GPU resets refused', counter: 'gpu.resetRefused' },
    { label: 'secondary bus resets', counter: 'gpu.sbr' },
    // skiboot reports an NPU2 HMI as a checkstop (core/hmi.c, CHECKSTOP_TYPE_NPU): on the machine
    // the first ends the story, and the model goes on only to count how often it would come (QA).
    { label: 'HMIs (the first would checkstop the machine)', counter: 'hmi.count' },
    { label: 'mmio_invalidates completed', counter: 'shootdown.completed' },
  ],
  exposes: [{ bug: 'gpu-reset-before-npu', rules: ['order.npu-use-after-gpu-reset'] }],
  params: {
    topology: 'witherspoon-6',
    policy: 'per-gpu',
    durationTicks: 300_000_000,
    tenants: [
      {
        name: 'train',
        lpid: 1,
        groups: [0, 1, 2],
        processesPerGpu: 2,
        pagesPerProcess: 32,
        tcePagesPerGpu: 16,
      },
      { name: 'vm3', lpid: 3, groups: [3], processesPerGpu: 1, pagesPerProcess: 32, tcePagesPerGpu: 16 },
      { name: 'vm4', lpid: 4, groups: [4], processesPerGpu: 1, pagesPerProcess: 32, tcePagesPerGpu: 16 },
      { name: 'vm5', lpid: 5, groups: [5], processesPerGpu: 1, pagesPerProcess: 32, tcePagesPerGpu: 16 },
    ],
    gpu: { issueIntervalTicks: 200_000, ut0Percent: 70, ut1Percent: 20, peerPercent: 10 },
    host: { unmapIntervalTicks: 1_000_000, cpuThreads: 4, tceRemapIntervalTicks: 0 },
    resets: { intervalTicks: 15_000_000, sbrHoldTicks: 5_000_000, npuResetDelayTicks: 10_000_000 },
  },
});

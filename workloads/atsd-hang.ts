import { defineWorkload } from '../src/model/scenario/workload.js';

/**
 * skiboot 4724d2c07: "A bad GPU or other condition may leave us with a subset of links that never
 * get initialized. If an ATSD is sent to one of those bricks, it will never complete", and
 * mmio_invalidate_wait spins forever. The NPU sends ATSDs only to bricks with a VALID XTS_BDF entry,
 * so the fix sets VALID at context init instead of at map_lpar. Here GPU 2 of socket 0 is such a
 * bad GPU (`gpu.untrained`): no tenant, its NVLinks never trained. The host maps it at boot like
 * every GPU, but no driver gives it a context, so with the fixed firmware it stays without VALID and
 * the shootdowns pass it by. With `--bug atsd-no-valid-bdf` (the firmware before the fix) the map set
 * VALID, the NPU sends it every ATSD, and the first shootdown on NPU 0 hangs (exit 3).
 * The clean run is a v4.12-v4.20 host's, which only mapped a GPU at boot: v5.0-v5.12's boot also
 * inits a host context for every GPU (pnv_npu2_map_lpar_dev), which the model does not, so what
 * the fix gives a v5 host with such a GPU is not established (docs/theory-of-operation.md section
 * 3, the XTS row's text; QA).
 */
export default defineWorkload({
  name: 'atsd-hang',
  description:
    'A bad GPU (NVLinks never trained) behind the NPU: exposes atsd-no-valid-bdf (a shootdown that never completes)',
  question: 'Does a shootdown complete when a GPU behind the NPU never trained its NVLinks?',
  headline: [
    { label: 'mmio_invalidates completed', counter: 'shootdown.completed' },
    { label: 'shootdown latency max', latency: 'shootdown.latencyTicks', stat: 'max' },
  ],
  exposes: [{ bug: 'atsd-no-valid-bdf', rules: ['liveness.shootdown'] }],
  premises: ['untrained-gpu-boot-map'],
  params: {
    topology: 'witherspoon-6',
    policy: 'per-gpu',
    durationTicks: 300_000_000,
    tenants: [
      {
        name: 'host',
        lpid: 0,
        groups: [0, 1, 3, 4, 5],
        processesPerGpu: 1,
        pagesPerProcess: 32,
        tcePagesPerGpu: 0,
      },
    ],
    gpu: { issueIntervalTicks: 200_000, ut0Percent: 100, ut1Percent: 0, peerPercent: 0, untrained: [2] },
    host: {
      unmapIntervalTicks: 1_000_000,
      cpuThreads: 2,
      tceRemapIntervalTicks: 0,
      shootdownDeadlineTicks: 100_000_000,
    },
  },
});

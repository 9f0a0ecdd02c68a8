import { defineWorkload } from '../src/model/scenario/workload.js';

/**
 * skiboot 4724d2c07: an ATSD forwarded to a brick with no VALID XTS_BDF entry never completes, and
 * mmio_invalidate_wait spins forever. Here one GPU of socket 0 has no tenant: the host keeps it, and the fixed firmware sets VALID on its bricks when the host
 * boot gives them a context. With `--bug atsd-no-valid-bdf` (the firmware before the fix) they
 * stay without VALID, the NPU forwards every ATSD to them anyway, and the first shootdown on NPU 0
 * hangs (exit 3).
 */
export default defineWorkload({
  name: 'atsd-hang',
  description:
    'A GPU without a context behind the NPU: exposes atsd-no-valid-bdf (a shootdown that never completes)',
  question: 'Does a shootdown complete when the NPU forwards it to a GPU that has no context?',
  headline: [
    { label: 'shootdowns completed', counter: 'shootdown.completed' },
    { label: 'shootdown latency max', latency: 'shootdown.latencyTicks', stat: 'max' },
  ],
  exposes: [{ bug: 'atsd-no-valid-bdf', rules: ['liveness.shootdown'] }],
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
    gpu: { issueIntervalTicks: 200_000, ut0Percent: 100, ut1Percent: 0, peerPercent: 0 },
    host: {
      unmapIntervalTicks: 1_000_000,
      cpuThreads: 2,
      tceRemapIntervalTicks: 0,
      shootdownDeadlineTicks: 100_000_000,
    },
  },
});

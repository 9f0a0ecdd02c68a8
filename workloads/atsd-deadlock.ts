import { defineWorkload } from '../src/model/scenario/workload.js';

/**
 * The Feb 2018 mmio_invalidate deadlock ("Fix deadlock in mmio_invalidate()"): firmware before
 * Nov 2018 exposed one ATSD register per NPU, and the code before the fix made its one flush per
 * NPU inside the wait, releasing that NPU's register and taking one again. With processes
 * spanning both sockets and four CPU threads shooting down at once, thread A holds npu1 and waits for npu0 while thread B holds npu0 and waits for npu1.
 * With `--bug release-between-flushes` the run ends in a liveness failure (exit 3) naming the cycle
 * once a shootdown has waited past `host.shootdownDeadlineTicks` (500 us): the default duration,
 * 1.2 ms, is past it, and a run shorter than that ends at exit 1 with the order rules only;
 * without the switch, the same seeds complete every shootdown. With more registers
 * (`--set host.atsdRegisters=2`, or 8) the same switch shows that code's other fault, its stale
 * register index: a shootdown clears a register another holds (`order.atsd-shared-register`; seed
 * 1 with 2 registers at 30.41 us), and in a longer run a GPU uses a translation after its
 * shootdown (`translation.stale-ats`; seed 3 with 8 registers and `--duration 200us`).
 */
export default defineWorkload({
  name: 'atsd-deadlock',
  description:
    'One ATSD register per NPU, cross-socket processes, 4 CPU threads: exposes release-between-flushes (exit 3 needs a --duration past its 500 us deadline; the default is 1.2 ms)',
  question:
    'With few ATSD registers per NPU (one by default, as firmware before Nov 2018 had), does every mmio_invalidate still complete?',
  headline: [
    { label: 'mmio_invalidates completed', counter: 'shootdown.completed' },
    { label: 'ATSD register wait p99', latency: 'atsd.registerWaitTicks', stat: 'p99' },
    { label: 'shootdown latency max', latency: 'shootdown.latencyTicks', stat: 'max' },
  ],
  exposes: [
    {
      bug: 'release-between-flushes',
      // With more registers (`--set host.atsdRegisters=2`, or 8) the stale index: a register two
      // shootdowns drive at once, and in a longer run a flush lost to it, a translation used after
      // its shootdown (README's commands showed these, judged `NOT as expected` before: QA).
      rules: [
        'liveness.shootdown',
        'order.atsd-released-early',
        'order.free-before-flushes',
        'order.atsd-shared-register',
        'translation.stale-ats',
      ],
    },
  ],
  params: {
    topology: 'witherspoon-6',
    policy: 'per-socket',
    durationTicks: 1_200_000_000,
    tenants: [
      { name: 'host', lpid: 0, groups: 'all', processesPerGpu: 2, pagesPerProcess: 64, tcePagesPerGpu: 0 },
    ],
    gpu: { issueIntervalTicks: 200_000, ut0Percent: 100, ut1Percent: 0, peerPercent: 0 },
    host: {
      unmapIntervalTicks: 200_000,
      cpuThreads: 4,
      atsdRegisters: 1,
      tceRemapIntervalTicks: 0,
      shootdownDeadlineTicks: 500_000_000,
    },
  },
});

import { defineWorkload } from '../src/model/scenario/workload.js';

/**
 * Contexts come and go under load: two guests, one socket each, whose GPU drivers keep releasing
 * their processes' NPU contexts and attaching them again (pnv_npu2_destroy_context, then
 * pnv_npu2_init_context) while the GPUs translate and the host shoots down. Every second process
 * uses two GPUs of its socket, so two driver threads share one mm's context and one thread's init
 * can race the other's last destroy (actors/chip/context-churn.ts has the step-by-step scenario).
 * With `--bug context-init-destroy-race` (no npu_context_lock) the init gets the context being
 * freed: `order.context-use-after-free`. With the lock it gets a fresh one.
 */
export default defineWorkload({
  name: 'context-churn',
  description:
    "Guests release and re-attach their processes' NPU contexts under DMA and shootdowns: exposes context-init-destroy-race",
  question:
    'Can two driver threads that share an NPU context init and destroy it at once without one using a freed context?',
  headline: [
    // The contexts made at boot are not counted, and the churn destroys them too: destroys can
    // outnumber these (QA: 380 inits beside 388 destroys, unexplained).
    { label: 'NPU context inits (after boot)', counter: 'context.inits' },
    { label: 'NPU context destroys', counter: 'context.destroys' },
    { label: 'mmio_invalidates completed', counter: 'shootdown.completed' },
    { label: 'DMA latency p99', latency: 'dma.latencyTicks', stat: 'p99' },
  ],
  exposes: [{ bug: 'context-init-destroy-race', rules: ['order.context-use-after-free'] }],
  params: {
    topology: 'witherspoon-6',
    policy: 'per-socket',
    durationTicks: 200_000_000,
    tenants: [
      { name: 'vm1', lpid: 1, groups: [0], processesPerGpu: 2, pagesPerProcess: 32, tcePagesPerGpu: 0 },
      { name: 'vm2', lpid: 2, groups: [1], processesPerGpu: 2, pagesPerProcess: 32, tcePagesPerGpu: 0 },
    ],
    gpu: { issueIntervalTicks: 200_000, ut0Percent: 100, ut1Percent: 0, peerPercent: 0 },
    host: {
      unmapIntervalTicks: 2_000_000,
      cpuThreads: 2,
      tceRemapIntervalTicks: 0,
      contextChurnIntervalTicks: 4_000_000,
      contextStepTicks: 2_000_000,
    },
  },
});

import { buildRunConfig } from './src/cli/run-command.js';
import { planMachine } from './src/model/actors/machine.js';
import { assembleResult } from './src/report/assemble-result.js';
import { buildTimeline } from './src/report/trace/build-timeline.js';
import { encodePerfettoTrace } from './src/report/trace/perfetto-trace.js';
import { traceCapacityPerActor } from './src/report/trace/trace-file.js';
import { selectTraceWindow } from './src/report/trace/trace-window.js';
import { runRaw } from './src/runtime/engine.js';
import { loadWorkloads } from './src/runtime/workload-registry.js';

const w = await loadWorkloads();
const config = buildRunConfig(
  {
    command: 'run',
    workload: 'stress',
    seed: 1,
    durationTicks: 200_000_000,
    topology: undefined,
    policy: undefined,
    bugs: [],
    profile: undefined,
    stopOnFirst: false,
    failuresDir: undefined,
    host: 'inline',
    json: false,
    out: undefined,
    crashAt: undefined,
    checkHosts: false,
    outputs: [],
  } as any,
  w,
);
const plan = planMachine(config);
const cap = 50_000;
const raw = await runRaw(config, {
  host: 'inline',
  trace: {
    capacityRecords: traceCapacityPerActor(cap, plan.actors.length),
    sampleCount: 400,
    endTick: config.params.durationTicks,
  },
});
const result = assembleResult(config, plan, raw);
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  const window = selectTraceWindow(raw.traces!, { capEvents: cap, reachedTick: raw.reachedTick });
  const t1 = performance.now();
  const tl = buildTimeline({ plan, config, result, window });
  const t2 = performance.now();
  const e = encodePerfettoTrace(tl);
  const t3 = performance.now();
  console.log(t1 - t0, t2 - t1, t3 - t2, e.stats);
}

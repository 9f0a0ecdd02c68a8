import { writeFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { buildRunConfig } from './src/cli/run-command.js';
import { planMachine } from './src/model/actors/machine.js';
import { assembleResult } from './src/report/assemble-result.js';
import { perfettoRoot } from './src/report/trace/perfetto-trace.js';
import { buildTraceFile, traceCapacityPerActor } from './src/report/trace/trace-file.js';
import { runRaw } from './src/runtime/engine.js';
import { loadWorkloads } from './src/runtime/workload-registry.js';

const w = await loadWorkloads();
const config = buildRunConfig(
  {
    command: 'run',
    workload: process.argv[2] ?? 'stress',
    seed: 1,
    durationTicks: Number(process.argv[3] ?? 200_000_000),
    topology: undefined,
    policy: undefined,
    bugs: process.argv[4] ? [process.argv[4]] : [],
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
let t0 = performance.now();
const raw = await runRaw(config, {
  host: 'inline',
  trace: {
    capacityRecords: traceCapacityPerActor(cap, plan.actors.length),
    sampleCount: 400,
    endTick: config.params.durationTicks,
  },
});
console.log('run ms', performance.now() - t0, raw.events);
const result = assembleResult(config, plan, raw);
t0 = performance.now();
const f = buildTraceFile(plan, config, result, raw, cap);
console.log('trace ms', performance.now() - t0, f.bytes.length, f.note);
writeFileSync('/tmp/t.pftrace', f.bytes);
const T = perfettoRoot().lookupType('perfetto.protos.Trace');
const d = T.toObject(T.decode(f.bytes), { longs: Number }) as any;
const pk = d.packet as any[];
console.log(
  pk.length,
  pk.slice(0, 3),
  pk.filter((p) => p.track_descriptor?.process).map((p) => p.track_descriptor.process.process_name),
);
const names = new Set(pk.filter((p) => p.track_descriptor?.name).map((p) => p.track_descriptor.name));
console.log([...names].slice(0, 80));
const types: Record<number, number> = {};
for (const p of pk) if (p.track_event) types[p.track_event.type] = (types[p.track_event.type] ?? 0) + 1;
console.log(
  types,
  pk.filter((p) => p.track_event?.flow_ids).length,
  pk.filter((p) => p.track_event?.terminating_flow_ids).length,
);

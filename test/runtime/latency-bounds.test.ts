/**
 * A latency's min and max are samples (src/metrics/node-recorder.ts BoundedHistogram), kept beside
 * each actor's HDR histogram, carried across threads and merged over actors: inline, on 2 workers
 * and one thread per actor the result gives the same figures for every latency, and a TCE unmap
 * (a fixed 1 us step) reads 1 us for min and max, not HDR's bucket edges 999936 and 1000447 ps (QA).
 */
import { describe, expect, test } from 'vitest';
import { planMachine } from '../../src/model/actors/machine.js';
import { H } from '../../src/model/actors/metric-names.js';
import type { RunConfig } from '../../src/model/scenario/run-config.js';
import { parseParams } from '../../src/model/scenario/workload-params.js';
import { assembleResult } from '../../src/report/assemble-result.js';
import { runRaw } from '../../src/runtime/engine.js';
import { workloads } from '../../workloads/index.js';

function config(durationTicks: number): RunConfig {
  const w = workloads.find((x) => x.name === 'stress')!;
  return {
    workload: 'stress',
    seed: 3,
    bugs: [],
    params: parseParams({ ...w.params, durationTicks }, 'stress'),
  };
}

describe('latency bounds', () => {
  test('latency bounds: inline, 2 workers and per-actor give the same exact min and max', async () => {
    const c = config(40_000_000);
    const inline = assembleResult(c, planMachine(c), await runRaw(c, { host: 'inline' }));
    const unmap = inline.contention.latencies[H.tceUnmapLatencyTicks]!;
    expect(unmap.count).toBeGreaterThan(0);
    expect([unmap.min, unmap.max]).toEqual([1_000_000, 1_000_000]);
    for (const placement of [{ kind: 'workers', count: 2 } as const, { kind: 'per-actor' } as const]) {
      const raw = await runRaw(c, { host: 'threaded', placement });
      const threaded = assembleResult(c, planMachine(c), raw);
      expect(threaded.digest).toBe(inline.digest);
      expect(threaded.contention.latencies).toEqual(inline.contention.latencies);
    }
  });
});

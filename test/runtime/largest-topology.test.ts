/**
 * Every topology that validates runs threaded as well as inline (issue 14, item 4). The largest
 * machine a topology file can describe (test/fixtures/largest-topology.ts: 7 sockets, 16 GPUs,
 * 24 actors, so 24 worker threads) is the one that reaches every bound a ring record has: it runs
 * on both hosts with the same digest, event for event. Short (20 us simulated): the cost is the
 * threads' start-up, not the run.
 */
import { describe, expect, test } from 'vitest';
import type { RunConfig } from '../../src/model/scenario/run-config.js';
import { parseParams } from '../../src/model/scenario/workload-params.js';
import { firstDivergence } from '../../src/runtime/digest.js';
import { runRaw } from '../../src/runtime/engine.js';
import { liveWorkerCount } from '../../src/runtime/threaded-runtime.js';
import { workloads } from '../../workloads/index.js';
import { largestTopologySpec } from '../fixtures/largest-topology.js';

describe('engine: the largest topology', () => {
  test('the largest valid topology runs threaded with the inline digest, event for event', async () => {
    const spec = largestTopologySpec();
    const stress = workloads.find((w) => w.name === 'stress')!;
    const config: RunConfig = {
      workload: 'stress',
      seed: 11,
      bugs: [],
      params: parseParams({ ...stress.params, topology: spec.name, durationTicks: 20_000_000 }, 'stress'),
      customTopology: { file: 'largest.json', spec },
    };
    const inline = await runRaw(config, { host: 'inline', recordEvents: 100_000 });
    const threaded = await runRaw(config, { host: 'threaded', recordEvents: 100_000 });
    expect(inline.actorDigests).toHaveLength(24);
    expect(inline.events).toBeGreaterThan(1000);
    expect(firstDivergence(inline.recorded, threaded.recorded)).toBeUndefined();
    expect(threaded.actorDigests).toEqual(inline.actorDigests);
    expect(threaded.stopped).toBe('end');
    expect(liveWorkerCount()).toBe(0);
  });
});

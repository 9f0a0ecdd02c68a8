/**
 * The real machine on both hosts: the threaded runtime (one worker per chip, GPU and coordinator)
 * gives the inline runtime's digest event for event, also while another thread keeps a core busy.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, test } from 'vitest';
import { runSimulation } from '../../src/api/run-simulation.js';
import { ConfigError } from '../../src/core/errors.js';
import type { BugName } from '../../src/model/scenario/bugs.js';
import type { RunConfig } from '../../src/model/scenario/run-config.js';
import { parseParams } from '../../src/model/scenario/workload-params.js';
import { firstDivergence } from '../../src/runtime/digest.js';
import { runRaw } from '../../src/runtime/engine.js';
import { liveWorkerCount } from '../../src/runtime/threaded-runtime.js';
import { workloads } from '../../workloads/index.js';

function config(name: string, seed: number, durationTicks: number, bugs: BugName[] = []): RunConfig {
  const w = workloads.find((x) => x.name === name)!;
  return { workload: name, seed, bugs, params: parseParams({ ...w.params, durationTicks }, name) };
}

/** A thread that keeps one core busy until told to stop (bounded: 60 s at most). */
function hog(): { stop: () => Promise<number> } {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const w = new Worker(
    `const { workerData } = require('node:worker_threads');
     const f = workerData; const until = Date.now() + 60000;
     while (Atomics.load(f, 0) === 0 && Date.now() < until) { for (let i = 0; i < 1e5; i++); }`,
    { eval: true, workerData: flag },
  );
  return {
    stop: () => {
      Atomics.store(flag, 0, 1);
      return w.terminate();
    },
  };
}

describe('engine: two hosts, one behaviour', () => {
  test('stress: threaded gives the inline digest, event for event', async () => {
    const c = config('stress', 7, 60_000_000);
    const inline = await runRaw(c, { host: 'inline', recordEvents: 200_000 });
    const threaded = await runRaw(c, { host: 'threaded', recordEvents: 200_000 });
    expect(firstDivergence(inline.recorded, threaded.recorded)).toBeUndefined();
    expect(threaded.actorDigests).toEqual(inline.actorDigests);
    expect(threaded.events).toBe(inline.events);
    expect(inline.events).toBeGreaterThan(10_000);
    expect(liveWorkerCount()).toBe(0);
  });

  test('handler times are an inline measure: a threaded run asking for them is refused before any worker starts', async () => {
    const c = config('stress', 7, 1_000_000);
    // A ConfigError (bad input, exit 2), naming the option.
    await expect(runRaw(c, { host: 'threaded', timeEvents: true })).rejects.toThrow(ConfigError);
    await expect(runRaw(c, { host: 'threaded', timeEvents: true })).rejects.toThrow(
      /^timeEvents: Expected timeEvents only with host 'inline', got host 'threaded'$/,
    );
    expect(liveWorkerCount()).toBe(0);
  });

  test('a bug run agrees too, and so does a threaded run on a loaded machine', async () => {
    const c = config('shootdown-storm', 3, 40_000_000, ['single-flush']);
    const inline = await runSimulation(c, { host: 'inline' });
    const load = hog();
    let threaded: Awaited<ReturnType<typeof runSimulation>>;
    try {
      threaded = await runSimulation(c, { host: 'threaded' });
    } finally {
      await load.stop();
    }
    expect(threaded.digest).toBe(inline.digest);
    expect(threaded.violations.map((v) => v.rule)).toEqual(inline.violations.map((v) => v.rule));
    expect(threaded.conservation.ok).toBe(true);
    // The same run event for event: the same messages sent, received and in flight at the end.
    expect(threaded.conservation.sent).toBeGreaterThan(0);
    expect(threaded.conservation).toEqual(inline.conservation);
  });
});

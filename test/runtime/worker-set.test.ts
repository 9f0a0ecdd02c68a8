/**
 * Workers kept between threaded runs (src/runtime/worker-set.ts): a kept worker's run gives the
 * digest a fresh worker gives, for several seeds, workloads and placements in a row; a run of
 * another shape replaces the kept workers; a run that crashes, is stopped or finds a kept worker
 * gone starts the next one fresh; the set refuses a second run at once and any run once closed;
 * and nothing is left running after `close`.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import type { BugName } from '../../src/model/scenario/bugs.js';
import type { RunConfig } from '../../src/model/scenario/run-config.js';
import { parseParams } from '../../src/model/scenario/workload-params.js';
import { runRaw } from '../../src/runtime/engine.js';
import { runInline } from '../../src/runtime/inline-runtime.js';
import type { Placement } from '../../src/runtime/placement.js';
import { ActorCrashError } from '../../src/runtime/run-errors.js';
import { liveWorkerCount, ringPoolFigures, runThreaded } from '../../src/runtime/threaded-runtime.js';
import { WorkerSet } from '../../src/runtime/worker-set.js';
import { workloads } from '../../workloads/index.js';
import * as mesh from '../fixtures/mesh-machine.js';
import { meshMachineUrl } from '../support/fixture-machine.js';
import { testTempDir } from '../support/temp-dir.js';

const meshUrl = meshMachineUrl();

function config(name: string, seed: number, durationTicks: number, bugs: BugName[] = []): RunConfig {
  const w = workloads.find((x) => x.name === name)!;
  return { workload: name, seed, bugs, params: parseParams({ ...w.params, durationTicks }, name) };
}

const TWO: Placement = { kind: 'workers', count: 2 };
const PER_ACTOR: Placement = { kind: 'per-actor' };

describe('worker set: threads kept from run to run', () => {
  test('kept workers give the inline digest run after run, and a new shape replaces them', async () => {
    const set = new WorkerSet();
    const runs: { c: RunConfig; placement: Placement; workers: number }[] = [
      { c: config('stress', 11, 40_000_000), placement: TWO, workers: 2 },
      { c: config('stress', 12, 40_000_000), placement: TWO, workers: 2 },
      { c: config('shootdown-storm', 3, 40_000_000, ['single-flush']), placement: TWO, workers: 2 },
      { c: config('stress', 13, 40_000_000), placement: PER_ACTOR, workers: 9 },
      { c: config('stress', 14, 40_000_000), placement: PER_ACTOR, workers: 9 },
    ];
    try {
      let before = 0;
      for (const { c, placement, workers } of runs) {
        const inline = await runRaw(c, { host: 'inline' });
        const pool = ringPoolFigures();
        const kept = await runRaw(c, { host: 'threaded', placement, workerSet: set });
        // Kept whenever the run before had this many workers (a new shape starts its own).
        expect(kept.threadsKept).toBe(before === workers);
        // Its rings came from the process's ring pool (every ring here has one geometry, so as
        // many as it held were reused buffers), and went back to it.
        const after = ringPoolFigures();
        expect(after.created + after.reused - pool.created - pool.reused).toBe(kept.rings.length);
        expect(after.reused - pool.reused).toBe(Math.min(kept.rings.length, pool.held));
        expect(after.held).toBe(Math.max(kept.rings.length, pool.held));
        before = workers;
        expect(kept.actorDigests).toEqual(inline.actorDigests);
        expect(kept.events).toBe(inline.events);
        expect(inline.events).toBeGreaterThan(5000);
        // Given back after a run that ended by itself: as many as the run had.
        expect(set.size).toBe(workers);
        expect(liveWorkerCount()).toBe(workers);
      }
    } finally {
      await set.close();
    }
    expect(set.size).toBe(0);
    expect(liveWorkerCount()).toBe(0);
  });

  test('a machine module by URL (actor-host): kept workers serve its runs, each agreeing with inline', async () => {
    const set = new WorkerSet();
    try {
      for (const [seed, tokens] of [
        [3, 8],
        [4, 12],
      ] as const) {
        const c: mesh.MeshConfig = { actors: 5, tokens, latencyTicks: 2_000, jitterTicks: 300 };
        const opts = { seed, endTick: 2_000_000 };
        const threaded = await runThreaded(meshUrl, c, { ...opts, workerSet: set });
        expect(threaded.actorDigests).toEqual(runInline(mesh, c, opts).actorDigests);
        expect(threaded.events).toBeGreaterThan(1000);
        expect(set.size).toBe(5);
      }
    } finally {
      await set.close();
    }
    expect(liveWorkerCount()).toBe(0);
  });

  test('a crash or a stop terminates the kept workers; the next run starts fresh and agrees', async () => {
    const set = new WorkerSet();
    try {
      const c = config('stress', 21, 40_000_000);
      await runRaw(c, { host: 'threaded', placement: TWO, workerSet: set });
      expect(set.size).toBe(2);
      // The crash happens in a kept worker, in the run it was prepared for.
      const crashing: RunConfig = {
        ...config('stress', 22, 40_000_000),
        crashAt: { actor: 'gpu2', event: 50 },
      };
      await expect(runRaw(crashing, { host: 'threaded', placement: TWO, workerSet: set })).rejects.toThrow(
        ActorCrashError,
      );
      expect(set.size).toBe(0);
      expect(liveWorkerCount()).toBe(0);
      const after = await runRaw(c, { host: 'threaded', placement: TWO, workerSet: set });
      expect(after.actorDigests).toEqual((await runRaw(c, { host: 'inline' })).actorDigests);
      expect(set.size).toBe(2);
      // A stopped run did not end by itself: its workers are not kept.
      const stopped = await runRaw(config('stress', 23, 2_000_000_000), {
        host: 'threaded',
        placement: TWO,
        workerSet: set,
        shouldStop: () => true,
      });
      expect(stopped.stopped).toBe('interrupted');
      expect(set.size).toBe(0);
      expect(liveWorkerCount()).toBe(0);
    } finally {
      await set.close();
    }
  });

  test('a kept worker that exits between runs is not asked to run again', async () => {
    const set = new WorkerSet();
    try {
      const c = config('stress', 31, 40_000_000);
      // The kept workers are reachable only through the set; terminate one as a crash of the OS would.
      const grab = set as unknown as { kept: { worker: { terminate(): Promise<number> } }[] };
      await runRaw(c, { host: 'threaded', placement: TWO, workerSet: set });
      expect(set.size).toBe(2);
      await grab.kept[0]!.worker.terminate();
      const again = await runRaw(c, { host: 'threaded', placement: TWO, workerSet: set });
      expect(again.actorDigests).toEqual((await runRaw(c, { host: 'inline' })).actorDigests);
      expect(set.size).toBe(2);
      expect(liveWorkerCount()).toBe(2);
    } finally {
      await set.close();
    }
    expect(liveWorkerCount()).toBe(0);
  });

  test('idle kept workers do not hold the process open: a program that never closes its set exits', () => {
    const root = new URL('../../', import.meta.url);
    const program = join(testTempDir('npusim-worker-set-'), 'never-closes.mjs');
    writeFileSync(
      program,
      `const { runRaw } = await import('${new URL('src/runtime/engine.ts', root).href}');
      const { WorkerSet } = await import('${new URL('src/runtime/worker-set.ts', root).href}');
      const { workloadConfig } = await import('${new URL('bench/bench-run.ts', root).href}');
      const set = new WorkerSet();
      const config = await workloadConfig('stress', 1, 20_000_000);
      const raw = await runRaw(config, { host: 'threaded', placement: { kind: 'workers', count: 2 }, workerSet: set });
      console.log('kept ' + set.size + ', events ' + raw.events);\n`,
    );
    const child = spawnSync(process.execPath, ['--import', 'tsx', program], {
      cwd: fileURLToPath(root),
      encoding: 'utf8',
      timeout: 60_000,
    });
    // Killed at the time-out (a worker held it open) it would have no status and a signal.
    expect(child.signal, child.stderr).toBeNull();
    expect(child.status, child.stderr).toBe(0);
    expect(child.stdout).toMatch(/^kept 2, events [1-9]\d*$/m);
  }, 90_000);

  test('one run at a time, and none once closed', async () => {
    const set = new WorkerSet();
    const c = config('stress', 41, 40_000_000);
    const first = runRaw(c, { host: 'threaded', placement: TWO, workerSet: set });
    // A ConfigError naming the option, as every other misuse of a run's options is.
    const second = runRaw(c, { host: 'threaded', placement: TWO, workerSet: set });
    await expect(second).rejects.toBeInstanceOf(ConfigError);
    await expect(second).rejects.toMatchObject({
      field: 'workerSet',
      message: 'workerSet: Expected one run at a time on a WorkerSet, got a second run while one holds it',
    });
    const done = await first;
    expect(done.events).toBeGreaterThan(5000);
    await set.close();
    const closed = runRaw(c, { host: 'threaded', placement: TWO, workerSet: set });
    await expect(closed).rejects.toBeInstanceOf(ConfigError);
    await expect(closed).rejects.toMatchObject({
      field: 'workerSet',
      message: 'workerSet: Expected an open WorkerSet, got one already closed',
    });
    expect(liveWorkerCount()).toBe(0);
  });
});

/**
 * The inline host on its own worker thread, driven with the mesh fixture machine (no model logic),
 * so these tests check only the hand-off: result, stop word, errors, and that the worker is gone.
 */
import { describe, expect, it } from 'vitest';
import { startInlineWorker } from '../../src/cli/inline-worker.js';
import { runInline } from '../../src/runtime/inline-runtime.js';
import * as mesh from '../fixtures/mesh-machine.js';

const machineUrl = new URL('../fixtures/mesh-machine.ts', import.meta.url);
const config: mesh.MeshConfig = { actors: 3, tokens: 4, latencyTicks: 2_000, jitterTicks: 100 };

describe('inline worker', () => {
  it('inline worker: gives the same digests and per-edge counts as an inline run in this thread', async () => {
    const here = runInline(mesh, config, { seed: 9, endTick: 300_000 });
    const there = await startInlineWorker(config, { machineUrl, seed: 9, endTick: 300_000 }).result;
    expect(there.host).toBe('inline');
    expect(there.actorDigests).toEqual(here.actorDigests);
    expect(there.sentPerEdge).toEqual(here.sentPerEdge);
    expect(there.stopped).toBe('end');
  });

  it('inline worker: stop() ends an endless run, reported as interrupted', async () => {
    let progressed = 0;
    const run = startInlineWorker(config, {
      machineUrl,
      seed: 9,
      endTick: Number.MAX_SAFE_INTEGER,
      onProgress: () => {
        // Stop once the worker has shown it is running: the hand-off is the stop word, not a timer.
        if (++progressed === 2) run.stop();
      },
    });
    const raw = await run.result;
    expect(raw.stopped).toBe('interrupted');
    expect(progressed).toBeGreaterThanOrEqual(2);
    expect(raw.events).toBeGreaterThan(0);
  });

  it('inline worker: an actor that throws rejects the result with its message', async () => {
    const run = startInlineWorker(
      { ...config, throwAt: { actor: 1, event: 50 } },
      { machineUrl, seed: 9, endTick: 10_000_000 },
    );
    await expect(run.result).rejects.toThrow('mesh1 was told to throw at event 50');
  });
});

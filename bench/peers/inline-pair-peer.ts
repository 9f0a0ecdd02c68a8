/**
 * Thin host: one of the two simulations of the engine bench's `inline-pair` row (bench/engine.ts),
 * two inline runs at once, one per thread, sharing nothing: what two threads of this machine can
 * do together at the engine's own work, the reference for any two-thread placement (not its
 * ceiling: the two hold two worlds in the caches, a placement splits one).
 *
 * In a warm bench (`warmTicks` above 0) it first runs the same simulation for that long untimed, so
 * the timed run uses optimised code as the bench's in-process inline runs after their first do. Then
 * it says 'ready', waits at the start gate (both threads start together), runs, and replies with
 * the run's figures and digest.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RunConfig } from '../../src/model/scenario/run-config.js';
import { combineDigests } from '../../src/runtime/digest.js';
import { runRaw } from '../../src/runtime/engine.js';
import { waitStartGate } from './start-gate.js';

interface InlinePairData {
  config: RunConfig;
  /** Simulated ticks of the untimed warm-up run (0: none, a cold pair). */
  warmTicks: number;
  gate: SharedArrayBuffer;
}

const data = workerData as InlinePairData;
if (!(Number.isSafeInteger(data.warmTicks) && data.warmTicks >= 0)) {
  throw new RangeError(
    `Expected workerData \`warmTicks\` to be a non-negative integer, got \`${String(data.warmTicks)}\``,
  );
}
if (data.warmTicks > 0) {
  await runRaw(
    { ...data.config, params: { ...data.config.params, durationTicks: data.warmTicks } },
    { host: 'inline' },
  );
}
parentPort!.postMessage({ type: 'ready' });
waitStartGate(data.gate, 600_000);
const raw = await runRaw(data.config, { host: 'inline' });
parentPort!.postMessage({
  type: 'done',
  events: raw.events,
  wallMs: raw.wallMs,
  reachedTick: raw.reachedTick,
  digest: combineDigests(raw.actorDigests),
});

/**
 * Thin host: one of the two simulations of the engine bench's `inline-pair` row (bench/engine.ts),
 * two inline runs at once, one per thread, sharing nothing: what two threads of this machine can
 * do together at the engine's own work, the ceiling of any two-thread placement.
 *
 * In a warm bench (`warm: true`) it first runs the same simulation for WARM_TICKS untimed, so the
 * timed run uses optimised code as the bench's in-process inline runs after their first do. Then
 * it says 'ready', waits at the start gate (both threads start together), runs, and replies with
 * the run's figures and digest.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RunConfig } from '../../src/model/scenario/run-config.js';
import { combineDigests } from '../../src/runtime/digest.js';
import { runRaw } from '../../src/runtime/engine.js';
import { waitStartGate } from './start-gate.js';

/** The warm-up's simulated length: 200 us (about 170 thousand events of `stress`). */
const WARM_TICKS = 200_000_000;

interface InlinePairData {
  config: RunConfig;
  warm: boolean;
  gate: SharedArrayBuffer;
}

const data = workerData as InlinePairData;
if (typeof data.warm !== 'boolean') {
  throw new RangeError(`Expected workerData \`warm\` to be a boolean, got \`${String(data.warm)}\``);
}
if (data.warm) {
  await runRaw(
    { ...data.config, params: { ...data.config.params, durationTicks: WARM_TICKS } },
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

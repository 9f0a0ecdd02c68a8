/**
 * Piscina task host for sweeps: one whole inline simulation per task (src/sweep/run-seed.ts). Thin
 * by design, as piscina's own worker is: piscina loads this module and calls its default export.
 */
import { runSeed, type SeedTask } from '../src/sweep/run-seed.js';

export default function sweepTask(task: SeedTask) {
  return runSeed(task);
}

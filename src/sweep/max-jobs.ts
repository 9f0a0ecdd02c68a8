/**
 * The most pool threads a sweep may ask for: `npusim sweep --jobs` and `sweepWorkload`'s `jobs`
 * share it, so the command and the library refuse the same values. Each thread holds a whole
 * inline simulation (its world, rings and histograms), so more threads than any machine has cores
 * would only multiply the memory.
 */
export const MAX_SWEEP_JOBS = 256;

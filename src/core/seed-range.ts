/**
 * The one range of a seed wherever one arrives (`--seed`, `--seeds`, a failure file, runWorkload),
 * said the one way: the integers a double holds exactly, so that a seed written to a JSON failure
 * file reads back as the same seed (2^53 + 1 would read back as 2^53, and replay another run).
 */

/** The largest seed: 2^53-1. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

/** The range, and why, for "Expected an integer seed ${SEED_RANGE_TEXT}, got ...". */
export const SEED_RANGE_TEXT = `from 0 to 2^53-1 (${MAX_SEED}, the largest a JSON failure file reads back exactly)`;

/** Is `v` a seed? */
export function isSeed(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= MAX_SEED;
}

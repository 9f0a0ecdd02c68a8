/**
 * How many candidate runs a shrink may make: `npusim shrink --budget` and `shrinkFailureFile`'s
 * `budget` share the default and the limit, so the command and the library take the same values.
 * The limit bounds the shrink's time (each candidate is a whole run), not its memory: it keeps only
 * the best candidate.
 */
export const DEFAULT_SHRINK_BUDGET = 400;
export const MAX_SHRINK_BUDGET = 1_000_000;

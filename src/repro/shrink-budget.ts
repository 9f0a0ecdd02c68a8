/**
 * How many candidate runs a shrink may make: `npusim shrink --budget` and `shrinkFailureFile`'s
 * `budget` share the default and the limit, so the command and the library take the same values.
 * The limit bounds the shrink's time (each candidate is a whole run), not its memory: it keeps only
 * the best candidate. The default was 400 until the passes that drop whole kinds of traffic: at
 * 1000 nine of the ten failure files a session measured shrank to a fixpoint of their passes, in at
 * most 12 s here; tce-storm's (9 s) was still at its budget.
 */
export const DEFAULT_SHRINK_BUDGET = 1000;
export const MAX_SHRINK_BUDGET = 1_000_000;

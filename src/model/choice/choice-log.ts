/**
 * A choice sequence per actor, written compactly for a failure file: values as they are, except
 * that a run of k zeros (the simplest choice, what a shrunk log is mostly made of) is written as
 * the single number -k. A random run needs no log at all (its seed regenerates every choice);
 * shrunk and searched runs store one.
 */
import { ConfigError } from '../../core/errors.js';

export function encodeChoices(values: readonly number[]): number[] {
  const out: number[] = [];
  let zeros = 0;
  for (const v of values) {
    if (v === 0) {
      zeros++;
      continue;
    }
    if (zeros > 0) out.push(-zeros);
    zeros = 0;
    out.push(v);
  }
  if (zeros > 0) out.push(-zeros);
  return out;
}

/**
 * The most choices a failure file's log may hold once decoded, over all its actors: 2^24, about
 * 7 ms of the busiest built-in workloads (`stress` and `mixed` make some 2.3 million choices per
 * simulated millisecond), longer than any run a shrink can work through in its budget. Unbounded,
 * one hand-edited run of zeros (`-1e12`) made `replay` allocate until V8 aborted the process; at
 * 2^26 a 1 KB file still took 1.8 GB to replay inline and 9 GB on threads, where every worker
 * holds the whole log (QA). At 2^24 a full log took 0.56 GB inline and 2.5 GB on nine threads
 * (peak resident set of `npusim replay`, by /usr/bin/time). Each worker is now handed only its own
 * actors' sequences (strategyForActors): a 2^24-choice log spread over nine actors peaked at
 * 1.72 GB on threads before that and 0.71 GB after, against 0.40 GB inline (`/usr/bin/time
 * npusim replay FILE --threads` and `--inline`, flush-race's failure file with that log edited in).
 */
export const MAX_LOGGED_CHOICES = 2 ** 24;

/**
 * The inverse of encodeChoices; `where` names the field in errors. `room`: how many choices the
 * decoded log may still hold (what the actors decoded before it left of MAX_LOGGED_CHOICES).
 */
export function decodeChoices(encoded: unknown, where: string, room = MAX_LOGGED_CHOICES): number[] {
  if (!Array.isArray(encoded))
    throw new ConfigError(where, `Expected an array of integers, got ${typeof encoded}`);
  const out: number[] = [];
  encoded.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
      throw new ConfigError(`${where}[${i}]`, `Expected an integer, got \`${String(v)}\``);
    }
    const count = v >= 0 ? 1 : -v;
    if (count > room - out.length) {
      throw new ConfigError(
        `${where}[${i}]`,
        `Expected at most ${MAX_LOGGED_CHOICES} choices in the log over all its actors (room for ${room - out.length} more here; -k is a run of k zeros), got ${v >= 0 ? 'one more' : `a run of ${count} zeros`}`,
      );
    }
    if (v >= 0) out.push(v);
    else for (let k = 0; k < count; k++) out.push(0);
  });
  return out;
}

/** Choices that differ from the default (0): the shrinker's measure of a log's size. */
export function deviations(perActor: readonly (readonly number[])[]): number {
  let n = 0;
  for (const a of perActor) for (const v of a) if (v !== 0) n++;
  return n;
}

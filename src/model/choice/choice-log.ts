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

/** The inverse of encodeChoices; `where` names the field in errors. */
export function decodeChoices(encoded: unknown, where: string): number[] {
  if (!Array.isArray(encoded))
    throw new ConfigError(where, `Expected an array of integers, got ${typeof encoded}`);
  const out: number[] = [];
  encoded.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
      throw new ConfigError(`${where}[${i}]`, `Expected an integer, got \`${String(v)}\``);
    }
    if (v >= 0) out.push(v);
    else for (let k = 0; k < -v; k++) out.push(0);
  });
  return out;
}

/** Choices that differ from the default (0): the shrinker's measure of a log's size. */
export function deviations(perActor: readonly (readonly number[])[]): number {
  let n = 0;
  for (const a of perActor) for (const v of a) if (v !== 0) n++;
  return n;
}

/**
 * Which seeds a sweep runs: a range `A..B` (both ends included) or one seed `S` (`S..S`),
 * optionally the K-th of N interleaved shards of it (`--shard K/N`: the seeds A+K-1, A+K-1+N, ...),
 * so N batch jobs (a Kubernetes Indexed Job, a Slurm array) cover the range exactly once between
 * them.
 */
import { ConfigError } from '../core/errors.js';

export interface SeedRange {
  first: number;
  last: number;
}

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** The most seeds one sweep accepts (a bound on the work a typo can start). */
export const MAX_SWEEP_SEEDS = 10_000_000;

/**
 * `A..B` (both ends included), or one seed `S` as the range `S..S`, so a seed a sweep found failing
 * can be swept again alone. Signs, exponents and open ends are refused.
 */
export function parseSeedRange(text: string, option = '--seeds'): SeedRange {
  const m = /^(\d+)(?:\.\.(\d+))?$/.exec(text.trim());
  if (m === null) {
    throw new ConfigError(
      option,
      `Expected a range of seeds such as \`1..1000\`, or one seed such as \`7\`, got \`${text}\`${/^\s*-/.test(text) ? ': negative seeds are not allowed' : ''}`,
    );
  }
  const first = Number(m[1]);
  const last = Number(m[2] ?? m[1]);
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last)) {
    throw new ConfigError(option, `Expected seeds below 2^53, got \`${text}\``);
  }
  if (last < first)
    throw new ConfigError(option, `Expected the first seed at most the last, got \`${text}\``);
  if (last - first + 1 > MAX_SWEEP_SEEDS) {
    throw new ConfigError(option, `Expected at most ${MAX_SWEEP_SEEDS} seeds, got ${last - first + 1}`);
  }
  return { first, last };
}

export function parseShard(text: string, option = '--shard'): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (m === null) throw new ConfigError(option, `Expected K/N such as \`2/8\`, got \`${text}\``);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) {
    throw new ConfigError(option, `Expected K from 1 to N and N at least 1, got \`${text}\``);
  }
  return { index, count };
}

/** The seeds of `range` in `shard` (all of them without one), in ascending order. */
export function seedsOf(range: SeedRange, shard?: Shard): number[] {
  const out: number[] = [];
  const step = shard?.count ?? 1;
  for (let s = range.first + (shard === undefined ? 0 : shard.index - 1); s <= range.last; s += step)
    out.push(s);
  return out;
}

/** How many seeds of `range` shard `k` of `count` runs: seedsOf's length, without the list. */
export function seedsInShard(range: SeedRange, k: number, count: number): number {
  const size = range.last - range.first + 1;
  return Math.max(0, Math.ceil((size - (k - 1)) / count));
}

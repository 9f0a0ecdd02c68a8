/**
 * Which seeds a sweep runs: a range `A..B` (both ends included), one seed `S` (`S..S`), or a list
 * of seeds and ranges (`17,42,100..199`: the seeds of an earlier sweep's failures, say), optionally
 * the K-th of N interleaved shards of it (`--shard K/N`: the K-th seed in ascending order, then
 * every N-th after it), so N batch jobs (a Kubernetes Indexed Job, a Slurm array) cover the seeds
 * exactly once between them.
 */
import { ConfigError } from '../core/errors.js';

export interface SeedRange {
  first: number;
  last: number;
  /**
   * A list (`--seeds 17,42,100..199`): exactly these seeds, ascending, each once; `first` and
   * `last` are its ends. Absent: every seed from `first` to `last`.
   */
  list?: number[];
}

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** The most seeds one sweep accepts (a bound on the work a typo can start). */
export const MAX_SWEEP_SEEDS = 10_000_000;

/** The most seeds a list (`--seeds 17,42,...`) names: its seeds are kept in the sweep's summary. */
export const MAX_LISTED_SEEDS = 100_000;

/**
 * `A..B` (both ends included), or one seed `S` as the range `S..S`, so a seed a sweep found failing
 * can be swept again alone; or a list of those, comma-separated (`17,42,100..199`), run in
 * ascending order. Signs, exponents, open ends and a seed named twice are refused.
 */
export function parseSeedRange(text: string, option = '--seeds'): SeedRange {
  const items = text.split(',');
  const ranges = items.map((item) => parseOneRange(item, text, option));
  if (ranges.length === 1) return ranges[0]!;
  const size = ranges.reduce((n, r) => n + (r.last - r.first + 1), 0);
  if (size > MAX_LISTED_SEEDS) {
    throw new ConfigError(
      option,
      `Expected at most ${MAX_LISTED_SEEDS} seeds in a list (a single range \`A..B\` takes up to ${MAX_SWEEP_SEEDS}), got ${size}`,
    );
  }
  const list: number[] = [];
  for (const r of ranges) for (let s = r.first; s <= r.last; s++) list.push(s);
  list.sort((a, b) => a - b);
  for (let i = 1; i < list.length; i++) {
    if (list[i] === list[i - 1])
      throw new ConfigError(option, `Expected each seed once, got seed ${list[i]} twice in \`${text}\``);
  }
  return { first: list[0]!, last: list[list.length - 1]!, list };
}

/** One item of `--seeds`: `A..B` or `S`. */
function parseOneRange(item: string, text: string, option: string): SeedRange {
  const m = /^(\d+)(?:\.\.(\d+))?$/.exec(item.trim());
  if (m === null) {
    const inList = item === text ? '' : ` (in \`${text}\`)`;
    throw new ConfigError(
      option,
      `Expected a range of seeds such as \`1..1000\`, one seed such as \`7\`, or a list of them such as \`7,12,20..29\`, got \`${item}\`${inList}${/^\s*-/.test(item) ? ': negative seeds are not allowed' : ''}`,
    );
  }
  const first = Number(m[1]);
  const last = Number(m[2] ?? m[1]);
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last)) {
    throw new ConfigError(option, `Expected seeds below 2^53, got \`${item}\``);
  }
  if (last < first)
    throw new ConfigError(option, `Expected the first seed at most the last, got \`${item}\``);
  if (last - first + 1 > MAX_SWEEP_SEEDS) {
    throw new ConfigError(option, `Expected at most ${MAX_SWEEP_SEEDS} seeds, got ${last - first + 1}`);
  }
  return { first, last };
}

/** The seeds in words, as `--seeds` takes them: `1..1000`, `7..7`, `17,42,100..199`. */
export function seedsText(range: SeedRange): string {
  if (range.list === undefined) return `${range.first}..${range.last}`;
  const out: string[] = [];
  const list = range.list;
  for (let i = 0; i < list.length; ) {
    let j = i;
    while (j + 1 < list.length && list[j + 1] === list[j]! + 1) j++;
    out.push(j === i ? String(list[i]) : `${list[i]}..${list[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

/** How many seeds `range` holds. */
export function seedCount(range: SeedRange): number {
  return range.list?.length ?? range.last - range.first + 1;
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
  const step = shard?.count ?? 1;
  const start = shard === undefined ? 0 : shard.index - 1;
  if (range.list !== undefined) return range.list.filter((_, i) => i >= start && (i - start) % step === 0);
  const out: number[] = [];
  for (let s = range.first + start; s <= range.last; s += step) out.push(s);
  return out;
}

/** How many seeds of `range` shard `k` of `count` runs: seedsOf's length, without the list. */
export function seedsInShard(range: SeedRange, k: number, count: number): number {
  return Math.max(0, Math.ceil((seedCount(range) - (k - 1)) / count));
}

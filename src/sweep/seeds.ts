/**
 * Which seeds a sweep runs: a range `A..B` (both ends included), one seed `S` (`S..S`), or a list
 * of seeds and ranges (`17,42,100..199`: the seeds of an earlier sweep's failures, say), optionally
 * the K-th of N interleaved shards of it (`--shard K/N`: the K-th seed in ascending order, then
 * every N-th after it), so N batch jobs (a Kubernetes Indexed Job, a Slurm array) cover the seeds
 * exactly once between them.
 */

import { ConfigError } from '../core/errors.js';
import { SEED_RANGE_TEXT } from '../core/seed-range.js';
import { gotText } from '../core/shown-text.js';

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
 * ascending order. Signs, exponents, open ends and a seed named twice are refused, each error
 * naming the item and, in a list, the list.
 */
export function parseSeedRange(text: string, option = '--seeds'): SeedRange {
  const texts = text.split(',');
  // The list as an error names it: made once, and only for an error.
  let shown: string | undefined;
  const listText = (): string => {
    shown ??= shownList(text, texts.length);
    return shown;
  };
  return parseSeedItems(
    texts.map((item) => ({
      text: item,
      shown: gotText(item.trim()),
      place: () => ({ before: '', after: ` (in \`${listText()}\`)` }),
    })),
    option,
  );
}

/**
 * One item of `--seeds` (`7`, `20..29`) and how its errors quote and place it: on the command line
 * after it, in its list (``(in `7,x`)``); in a file (cli/seeds-file.ts) before it, as an editor
 * places it (`FILE:LINE:COLUMN: `), and after it its line.
 */
export interface SeedItem {
  text: string;
  /** The item as a message quotes it: `` `7` ``. */
  shown: string;
  /** Made only for an error; `line` and `column`, the item's in a file. */
  place: () => { before: string; after: string; line?: number; column?: number };
  /** An item of a file: placed in every error, even as the file's only item. */
  inFile?: boolean;
}

/**
 * The seeds of `items` (parseSeedRange): one item is a range, or one seed, as such; more are a
 * list, each seed once, at most MAX_LISTED_SEEDS.
 */
export function parseSeedItems(items: readonly SeedItem[], option: string): SeedRange {
  const inList = items.length > 1;
  const ranges = items.map((item, index) => ({ item, index, ...parseOneRange(item, inList, option) }));
  if (!inList) return { first: ranges[0]!.first, last: ranges[0]!.last };
  // Overlaps first, so that the size below counts each seed once.
  const sorted = [...ranges].sort((a, b) => a.first - b.first);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (b.first <= a.last) {
      // Said at the later of the two, after the earlier one.
      const [earlier, later] = a.index < b.index ? [a, b] : [b, a];
      const { before, after, line, column } = later.item.place();
      const at = earlier.item.place();
      // In a file, each at its line and column (the later one's place leads the message); on the
      // command line, in the list.
      const got =
        line !== undefined && at.line !== undefined
          ? `twice: in ${earlier.item.shown} (line ${at.line}, column ${at.column}) and in ${later.item.shown} (line ${line}, column ${column})`
          : `in ${earlier.item.shown === later.item.shown ? `${later.item.shown} twice` : `both ${earlier.item.shown} and ${later.item.shown}`}${after}`;
      throw new ConfigError(option, `${before}Expected each seed once, got seed ${b.first} ${got}`);
    }
  }
  const size = ranges.reduce((n, r) => n + (r.last - r.first + 1), 0);
  if (size > MAX_LISTED_SEEDS) {
    throw new ConfigError(
      option,
      `Expected at most ${MAX_LISTED_SEEDS} seeds in a list (a single range \`A..B\` takes up to ${MAX_SWEEP_SEEDS}), got ${size}`,
    );
  }
  const list: number[] = [];
  for (const r of sorted) for (let s = r.first; s <= r.last; s++) list.push(s);
  return { first: list[0]!, last: list[list.length - 1]!, list };
}

/** A list as an error names it: whole up to 80 characters, else its start and how many items. */
function shownList(text: string, items: number): string {
  return text.length <= 80 ? text : `${text.slice(0, 60)}... (${items} items)`;
}

/** One item of `--seeds`: `A..B` or `S`; placed in an error when `inList` or in a file. */
function parseOneRange(seedItem: SeedItem, inList: boolean, option: string): SeedRange {
  const item = seedItem.text;
  // Placed only for an error: placing quotes the item's line, and placing every item of a file
  // of 20,000 seeds on one line took minutes before the sweep began (QA Q11).
  const placed = () => (inList || seedItem.inFile === true ? seedItem.place() : { before: '', after: '' });
  const m = /^(\d+)(?:\.\.(\d+))?$/.exec(item.trim());
  if (m === null) {
    const { before, after } = placed();
    const got =
      inList && item.trim() === '' ? 'an empty item (two commas together, or one at an end)' : seedItem.shown;
    // `-1`, `-3..5` and `1..-3` alike.
    const negative = /^\s*-|\.\.\s*-/.test(item);
    throw new ConfigError(
      option,
      `${before}Expected a range of seeds such as \`1..1000\`, one seed such as \`7\`, or a list of them such as \`7,12,20..29\`, got ${got}${after}${negative ? ': negative seeds are not allowed' : ''}`,
    );
  }
  const first = Number(m[1]);
  const last = Number(m[2] ?? m[1]);
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last)) {
    const { before, after } = placed();
    throw new ConfigError(
      option,
      `${before}Expected seeds ${SEED_RANGE_TEXT}, got ${seedItem.shown}${after}`,
    );
  }
  if (last < first) {
    const { before, after } = placed();
    throw new ConfigError(
      option,
      `${before}Expected the first seed at most the last, got ${seedItem.shown}${after}`,
    );
  }
  const max = inList ? MAX_LISTED_SEEDS : MAX_SWEEP_SEEDS;
  if (last - first + 1 > max) {
    const { before, after } = placed();
    throw new ConfigError(
      option,
      `${before}Expected at most ${max} seeds${inList ? ' in a list' : ''}, got ${last - first + 1} in ${seedItem.shown}${after}`,
    );
  }
  return { first, last };
}

/**
 * The runs of consecutive seeds of a list, as `--seeds` takes them: `17`, `100..199`; a run of two
 * is its two seeds (`3,4` is no longer than `3..4`, and reads as the two seeds it is: QA).
 */
export function listParts(list: readonly number[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < list.length; ) {
    let j = i;
    while (j + 1 < list.length && list[j + 1] === list[j]! + 1) j++;
    out.push(...runParts(list[i]!, list[j]!));
    i = j + 1;
  }
  return out;
}

/** The consecutive seeds `first` to `last` as items of `--seeds`: `3`, `3`,`4`, or `3..9`. */
export function runParts(first: number, last: number): string[] {
  if (first === last) return [String(first)];
  if (last === first + 1) return [String(first), String(last)];
  return [`${first}..${last}`];
}

/** Beyond this many runs a list is shown cut (its first and last runs, and its size). */
export const SHOWN_PARTS = 8;

/**
 * The seeds in words, as `--seeds` takes them: `1..1000`, `7`, `17,42,100..199`; a list of
 * more runs than a line holds is cut, `0,2,4,6,8,10,...,29998 (15000 seeds listed)`: the whole
 * list is in the summary's JSON.
 */
export function seedsText(range: SeedRange): string {
  if (range.list === undefined)
    return range.first === range.last ? `${range.first}` : `${range.first}..${range.last}`;
  const parts = listParts(range.list);
  if (parts.length <= SHOWN_PARTS) return parts.join(',');
  return `${parts.slice(0, SHOWN_PARTS - 2).join(',')},...,${parts.slice(-1)[0]} (${range.list.length} seeds listed)`;
}

/**
 * The failing seeds of a sweep as a line says them, and as `--seeds` takes them when the line
 * holds them all (`4,6,9`: paste it to sweep them again), else cut (seedsText).
 */
export function failingSeedsText(seeds: readonly number[]): string {
  const list = [...new Set(seeds)].sort((a, b) => a - b);
  const range = { first: list[0]!, last: list[list.length - 1]!, list };
  const whole = listParts(list).length <= SHOWN_PARTS;
  return whole
    ? `${seedsText(range)} (again: --seeds ${seedsText(range)})`
    : `${seedsText(range)}; all in --json (failures[].seed), for --seeds @FILE`;
}

/**
 * The seeds in one spelling: a list of every seed from its first to its last as its range, so a
 * merge of shards that spelt them either way names them alike whatever the shards' order (QA).
 */
export function plainSeeds(r: SeedRange): SeedRange {
  return r.list !== undefined && r.list.length === r.last - r.first + 1
    ? { first: r.first, last: r.last }
    : r;
}

/**
 * Whether two summaries name the same seeds (a merge's shards must), however each spelt them: a
 * list that holds every seed from its first to its last (`1,2,3,4`) is the range `1..4`, and its
 * shards are the range's (QA: shards given `--seeds 1,2,3,4` and `1..4` were refused as "Expected
 * seeds 1..4, got 1..4: a range and a list").
 */
export function sameSeeds(a: SeedRange, b: SeedRange): boolean {
  if (a.first !== b.first || a.last !== b.last) return false;
  // A list is ascending, each seed once, from `first` to `last` (seedsOf): whole when it is as long.
  const whole = (r: SeedRange) => r.list === undefined || r.list.length === r.last - r.first + 1;
  if (whole(a) || whole(b)) return whole(a) && whole(b);
  return a.list!.length === b.list!.length && a.list!.every((s, i) => s === b.list![i]);
}

/**
 * Whether `seed` is one of the seeds of `range` that the shards `covered` of `count` run (seedsOf):
 * a merge checks that every failing seed a summary names is one its shards ran.
 */
export function seedInShards(
  range: SeedRange,
  seed: number,
  covered: readonly number[],
  count: number,
): boolean {
  const index = seedIndex(range, seed);
  return index >= 0 && covered.includes((index % count) + 1);
}

/** Where `seed` is among the seeds of `range` in ascending order (0 for its first), or -1. */
export function seedIndex(range: SeedRange, seed: number): number {
  if (range.list !== undefined) return binarySearch(range.list, seed);
  if (!Number.isSafeInteger(seed) || seed < range.first || seed > range.last) return -1;
  return seed - range.first;
}

function binarySearch(list: readonly number[], x: number): number {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = list[mid]!;
    if (v === x) return mid;
    if (v < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** How many seeds `range` holds. */
export function seedCount(range: SeedRange): number {
  return range.list?.length ?? range.last - range.first + 1;
}

export function parseShard(text: string, option = '--shard'): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (m === null) throw new ConfigError(option, `Expected K/N such as \`2/8\`, got ${gotText(text)}`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) {
    throw new ConfigError(option, `Expected K from 1 to N and N at least 1, got ${gotText(text)}`);
  }
  return { index, count };
}

/**
 * A sweep's seeds in the order it runs them, and how many. A range is not made into an array: a
 * sweep of ten million seeds held them all before running one, when it only ever needs the next
 * (`/usr/bin/time -v npusim sweep stress --seeds 1..10000000 --duration 1ps`, stopped by SIGINT
 * after 8 s: 553 MB peak resident with the array, 343 MB without).
 */
export interface SeedList extends Iterable<number> {
  readonly length: number;
}

/** The seeds of `range` in `shard` (all of them without one), in ascending order. */
export function seedsOf(range: SeedRange, shard?: Shard): SeedList {
  const step = shard?.count ?? 1;
  const start = shard === undefined ? 0 : shard.index - 1;
  if (range.list !== undefined) return range.list.filter((_, i) => i >= start && (i - start) % step === 0);
  const first = range.first + start;
  const last = range.last;
  return {
    length: first > last ? 0 : Math.floor((last - first) / step) + 1,
    *[Symbol.iterator]() {
      for (let s = first; s <= last; s += step) yield s;
    },
  };
}

/** How many seeds of `range` shard `k` of `count` runs: seedsOf's length, without the list. */
export function seedsInShard(range: SeedRange, k: number, count: number): number {
  return Math.max(0, Math.ceil((seedCount(range) - (k - 1)) / count));
}

/**
 * The seeds a stopped sweep did not run (Ctrl-C or a signal, --stop-on-first, npusim failing on a
 * seed), and why it stopped, kept in its summary as few spans as they make: a sweep of a range of
 * millions of seeds stopped early holds a few numbers, never the millions left (a list's rest is
 * its runs of consecutive seeds: at most MAX_LISTED_SEEDS). A sweep hands its seeds out in
 * order, a few at a time (sweep.ts), so what it did not run is the seeds it handed out and did not
 * count (those stopped mid-run or still waiting for a thread: at most the seeds in flight) and
 * every seed after the last one handed out: one span, every N-th seed for shard K/N of a range.
 */
import { shellWord } from '../core/shell-word.js';
import { listParts, MAX_LISTED_SEEDS, runParts, type SeedRange, SHOWN_PARTS, type Shard } from './seeds.js';

/** Seeds `first` to `last`, or every `every`-th of them from `first` (the rest of a shard). */
export interface SeedSpan {
  first: number;
  last: number;
  /** At least 2 when present; absent: every seed from first to last. */
  every?: number;
}

/**
 * Why a sweep stopped before its last seed: a signal (by name: SIGINT is Ctrl-C; `signal` when
 * the caller did not say which), its first failing seed under --stop-on-first, or npusim itself
 * failing on a seed (sweep.ts taskFailed). In this order in a summary, each once.
 */
export const STOP_REASONS = [
  'SIGINT',
  'SIGTERM',
  'SIGHUP',
  'signal',
  'stop-on-first',
  'npusim-failed',
] as const;
export type StopReason = (typeof STOP_REASONS)[number];

/** A stopped sweep's `stop`: why, and the seeds it did not run (started and stopped ones too). */
export interface SweepStop {
  reasons: StopReason[];
  notRun: SeedSpan[];
}

export function spanCount(s: SeedSpan): number {
  return Math.floor((s.last - s.first) / (s.every ?? 1)) + 1;
}

/**
 * The seeds of `range` (of `shard`) a sweep did not run, when it handed out its first `handedOut`
 * seeds (seeds.ts seedsOf order) and counted all of them but `holes`.
 */
export function notRunSpans(
  range: SeedRange,
  shard: Shard | undefined,
  handedOut: number,
  holes: readonly number[],
): SeedSpan[] {
  const spans: SeedSpan[] = holes.map((s) => ({ first: s, last: s }));
  const step = shard?.count ?? 1;
  const start = shard === undefined ? 0 : shard.index - 1;
  if (range.list === undefined) {
    const first = range.first + start + handedOut * step;
    if (first <= range.last) {
      const last = first + Math.floor((range.last - first) / step) * step;
      spans.push(step === 1 || first === last ? { first, last } : { first, last, every: step });
    }
  } else {
    // A list holds at most MAX_LISTED_SEEDS seeds: its rest is bounded, and joined into runs below.
    for (let i = start + handedOut * step; i < range.list.length; i += step) {
      const seed = range.list[i]!;
      spans.push({ first: seed, last: seed });
    }
  }
  // A range's shard is every `step`-th seed: its holes and its rest join at that step.
  return compactSpans(spans, range.list === undefined ? step : 1);
}

/**
 * Spans in ascending order, a span joined to the one before when it continues it at the same step
 * (`5` then `6..12` is `5..12`; `5` then every 3rd of `8..11` is every 3rd of `5..11`). Two single
 * seeds join only `step` apart (a shard's step: its seeds are every N-th of a range; 1 otherwise:
 * `4` and `9` of a list are two seeds, not every 5th).
 */
export function compactSpans(spans: readonly SeedSpan[], step = 1): SeedSpan[] {
  const sorted = [...spans].sort((a, b) => a.first - b.first || a.last - b.last);
  const out: SeedSpan[] = [];
  for (const s of sorted) {
    const p = out[out.length - 1];
    const by = p === undefined ? undefined : joinStep(p, s, step);
    if (p === undefined || by === undefined) {
      out.push({ ...s });
      continue;
    }
    p.last = s.last;
    if (by > 1) p.every = by;
  }
  return out;
}

/** The step at which `s` continues `p` (its next seed is p's last plus the step), or undefined. */
function joinStep(p: SeedSpan, s: SeedSpan, singles: number): number | undefined {
  const single = (x: SeedSpan) => x.first === x.last;
  const step =
    single(p) && single(s)
      ? singles
      : single(p)
        ? (s.every ?? 1)
        : single(s)
          ? (p.every ?? 1)
          : (p.every ?? 1);
  if (!single(p) && !single(s) && (p.every ?? 1) !== (s.every ?? 1)) return undefined;
  return s.first === p.last + step ? step : undefined;
}

/** `3rd`, `11th`, `22nd`. */
export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/**
 * The most items (`11`, `15..29`) of one `--seeds LIST` that a resume line gives in place of two
 * commands (`--seeds 11, then --seeds 15..29 --shard 1/2`: QA); more, and the shard form is kept.
 */
export const MAX_RESUME_ITEMS = 20;

/** Whether notRunText says the seeds as `--seeds` takes them; if not, it counts them. */
export function notRunFitsLine(spans: readonly SeedSpan[]): boolean {
  const strided = spans.filter((s) => s.every !== undefined && spanCount(s) > 2);
  const parts = plainParts(spans.filter((s) => !strided.includes(s)));
  return parts.length + strided.length <= SHOWN_PARTS;
}

/**
 * The seeds not run in words, with the `--seeds` that runs them: `5..12 (resume: --seeds 5..12)`;
 * the rest of a shard of a range, `every 3rd seed of 8..1000000 (resume: --seeds 8..1000000
 * --shard 1/3)`; seeds that would take two commands, one list when it is short (`11 and every 2nd
 * seed of 15..29 (resume: --seeds 11,15,17,...)`). More runs than a line holds are counted: resumed
 * from `seedsFile` when the sweep wrote them there (notRunSeedsFile), else named in the summary's
 * `stop.notRun`.
 */
export function notRunText(spans: readonly SeedSpan[], seedsFile?: string): string {
  const strided = spans.filter((s) => s.every !== undefined && spanCount(s) > 2);
  const parts = plainParts(spans.filter((s) => !strided.includes(s)));
  if (!notRunFitsLine(spans)) {
    const n = spans.reduce((k, s) => k + spanCount(s), 0);
    const first = Math.min(...spans.map((s) => s.first));
    const last = Math.max(...spans.map((s) => s.last));
    const counted = `${n} seeds from ${first} to ${last}`;
    return seedsFile === undefined
      ? `${counted}; all in stop.notRun of --json, and of the summary file when one is written`
      : `${counted} (resume: --seeds @${shellWord(seedsFile)})`;
  }
  const said = [
    ...(parts.length === 0 ? [] : [parts.join(',')]),
    ...strided.map((s) => `every ${ordinal(s.every!)} seed of ${s.first}..${s.last}`),
  ];
  const resume = [
    ...(parts.length === 0 ? [] : [`--seeds ${parts.join(',')}`]),
    ...strided.map((s) => `--seeds ${s.first}..${s.last} --shard 1/${s.every}`),
  ];
  const oneList = resume.length > 1 ? shortList(spans) : undefined;
  return `${said.join(' and ')} (resume: ${oneList === undefined ? resume.join(', then ') : `--seeds ${oneList.join(',')}`})`;
}

/** The seeds of `spans` as at most MAX_RESUME_ITEMS items of one `--seeds` list, or undefined. */
function shortList(spans: readonly SeedSpan[]): string[] | undefined {
  const seeds = spanSeeds(spans, MAX_RESUME_ITEMS * 1000);
  if (seeds === undefined) return undefined;
  const items = listParts(seeds);
  return items.length <= MAX_RESUME_ITEMS ? items : undefined;
}

/** Every seed of `spans`, ascending, or undefined when they are more than `max`. */
function spanSeeds(spans: readonly SeedSpan[], max: number): number[] | undefined {
  if (spans.reduce((k, s) => k + spanCount(s), 0) > max) return undefined;
  const seeds: number[] = [];
  for (const s of spans) for (let x = s.first; x <= s.last; x += s.every ?? 1) seeds.push(x);
  return seeds.sort((a, b) => a - b);
}

/**
 * A stopped sweep's seeds not run as a file `--seeds @FILE` reads (one seed or range a line), for
 * those too many for a line (notRunFitsLine); undefined when they are more than a list holds
 * (MAX_LISTED_SEEDS: the file could not be read back).
 */
export function notRunSeedsFile(spans: readonly SeedSpan[]): string | undefined {
  const seeds = spanSeeds(spans, MAX_LISTED_SEEDS);
  if (seeds === undefined) return undefined;
  return `# The seeds a stopped sweep did not run: resume with --seeds @FILE (and its other options)\n${listParts(seeds).join('\n')}\n`;
}

/**
 * Spans of consecutive seeds, and spans of every N-th seed that hold one or two, as `--seeds`
 * items in ascending order (runParts, as a list of failing seeds is written: `3`, `3,4`, `3..9`).
 */
function plainParts(spans: readonly SeedSpan[]): string[] {
  const items: { first: number; parts: string[] }[] = [];
  for (const s of spans) {
    if (s.every === undefined) items.push({ first: s.first, parts: runParts(s.first, s.last) });
    else for (const x of new Set([s.first, s.last])) items.push({ first: x, parts: [String(x)] });
  }
  return items.sort((a, b) => a.first - b.first).flatMap((i) => i.parts);
}

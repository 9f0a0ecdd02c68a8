/**
 * A stopped sweep merged with its resumes: the summary of a sweep (or of its shards) that stopped
 * early (Ctrl-C, a batch system's SIGTERM), with the summaries of the sweeps that ran the seeds it
 * did not (`not run: ... (resume: --seeds ...)`; a resume may itself stop and be resumed). Their
 * seeds differ, so a shard merge refuses them (QA: `Expected seeds 1..30, got 15..29`); here every
 * seed of the stopped sweep must have run exactly once across them, and the merge is the summary
 * of that sweep as if it had run whole: the same counts and failing seeds.
 */
import { ConfigError } from '../core/errors.js';
import { MAX_RESUME_ITEMS } from './not-run.js';
import { listParts, SHOWN_PARTS, sameSeeds, seedCount, seedIndex, seedsOf, seedsText } from './seeds.js';
import { addCounts, canonical, emptySummary, type SweepSummary } from './summary.js';
import { checkSameSweep } from './summary-merge.js';

type Part = { summary: SweepSummary; where: string };

/**
 * Whether `parts` are a stopped sweep and its resumes: one of them stopped early, and they are
 * not all of the same seeds (shards of one sweep, merged by mergeSummaries, are).
 */
export function isResumeMerge(parts: readonly Part[]): boolean {
  const first = parts[0]?.summary.seeds;
  return (
    first !== undefined &&
    parts.some((p) => p.summary.stoppedEarly) &&
    parts.some((p) => !sameSeeds(p.summary.seeds, first))
  );
}

/** The merged summary, and how many of the summaries were resumes (of seeds other than the sweep's). */
export interface ResumedMerge {
  summary: SweepSummary;
  resumes: number;
}

/** Seeds named in a refusal: collected up to this many, the rest counted. */
const NAMED_SEEDS = 1000;

/** Seeds a refusal names, as `--seeds` takes them, and how many there are. */
class SeedsNamed {
  readonly seeds: number[] = [];
  count = 0;
  add(seed: number): void {
    this.count++;
    if (this.seeds.length < NAMED_SEEDS) this.seeds.push(seed);
  }
  /** `3 seeds`, shown `13..15` or cut `2,4,6,8,10,12,...`; when a few, as `--seeds` runs them (`whole`). */
  text(): { text: string; shown: string; whole: string | undefined } {
    const parts = listParts([...this.seeds].sort((a, b) => a - b));
    const complete = this.count === this.seeds.length;
    const shown =
      parts.length <= SHOWN_PARTS && complete
        ? parts.join(',')
        : `${parts.slice(0, SHOWN_PARTS).join(',')},...`;
    return {
      text: `${this.count} seed${this.count === 1 ? '' : 's'}`,
      shown,
      whole: complete && parts.length <= MAX_RESUME_ITEMS ? parts.join(',') : undefined,
    };
  }
}

/**
 * The summary of the stopped sweep as if it had run whole, from it and its resumes, or a
 * ConfigError: a summary of another configuration (the merge's own check), a seed outside the
 * sweep, a seed run twice (a resume of seeds the sweep had run) or none of them (a resume
 * missing), naming the seeds. The sweep is the summary of the most seeds (its shards: those of
 * the same seeds); its time is its longest shard's and that shard's resumes' together, as they ran
 * one after another.
 */
export function mergeResumed(parts: readonly Part[]): ResumedMerge {
  const sweep = parts.reduce((a, b) => (seedCount(b.summary.seeds) > seedCount(a.summary.seeds) ? b : a));
  const seeds = sweep.summary.seeds;
  // A summary of the sweep's seeds is one of its shards; any other is a resume of it.
  for (const p of parts) checkSameSweep(sweep, p, !sameSeeds(p.summary.seeds, seeds));
  const count = sweep.summary.shards?.count ?? 1;
  /** Which summary (its index plus one) ran each seed of the sweep, in ascending order. */
  const ranBy = new Int32Array(seedCount(seeds));
  /** The seeds not run by the summary being read. */
  const notRun = new Uint8Array(seedCount(seeds));
  const twice = new SeedsNamed();
  let twiceIn: [string, string] | undefined;
  /** Each shard's time: its own summary's, and its resumes' after it. */
  const shardMs = new Map<number, number>();
  parts.forEach((p, i) => {
    const s = p.summary;
    if (s.stoppedEarly && s.stop === undefined)
      throw new ConfigError(
        p.where,
        'Expected a stopped summary to name the seeds it did not run (stop.notRun), got none (written by an older npusim): merge its shards with --partial instead',
      );
    const marked: number[] = [];
    for (const span of s.stop?.notRun ?? [])
      for (let x = span.first; x <= span.last; x += span.every ?? 1) {
        const at = seedIndex(seeds, x);
        if (at >= 0) {
          notRun[at] = 1;
          marked.push(at);
        }
      }
    let shard: number | undefined;
    for (const k of s.shards?.covered ?? [1]) {
      for (const seed of seedsOf(s.seeds, { index: k, count: s.shards?.count ?? 1 })) {
        const at = seedIndex(seeds, seed);
        if (at >= 0) shard ??= (at % count) + 1;
        if (at >= 0 && notRun[at] === 1) continue;
        if (at < 0 && notRunHas(s, seed)) continue;
        if (at < 0)
          throw new ConfigError(
            p.where,
            `Expected the seeds of the sweep it resumes, ${seedsText(seeds)} (${sweep.where}), got seed ${seed} run`,
          );
        const before = ranBy[at]!;
        if (before === 0) ranBy[at] = i + 1;
        else {
          twice.add(seed);
          twiceIn ??= [parts[before - 1]!.where, p.where];
        }
      }
    }
    for (const at of marked) notRun[at] = 0;
    const k = shard ?? 1;
    shardMs.set(k, (shardMs.get(k) ?? 0) + s.wallMs);
  });
  const of = `seeds ${seedsText(seeds)} (${sweep.where})`;
  if (twiceIn !== undefined) {
    const { text, shown } = twice.text();
    // One summary read twice (`--merge nr nr`) is said as such, as a shard given twice is
    // (summary-merge.ts), not as run twice `by nr/X and by nr/X` (QA).
    const by =
      twiceIn[0] === twiceIn[1]
        ? `${twiceIn[0]} is given twice (a file, or its directory)`
        : `by ${twiceIn[0]} and by ${twiceIn[1]}`;
    throw new ConfigError(
      '--merge',
      `Expected each seed of ${of} run once across a stopped sweep and its resumes (the seeds it did not run), got ${text} run twice (${shown}): ${by}`,
    );
  }
  const none = new SeedsNamed();
  ranBy.forEach((by, at) => {
    if (by === 0) none.add(seeds.list?.[at] ?? seeds.first + at);
  });
  if (none.count > 0) {
    const { text, shown, whole } = none.text();
    throw new ConfigError(
      '--merge',
      `Expected every seed of ${of} run once across a stopped sweep and its resumes, got ${text} run by none of them (${shown})${whole === undefined ? '' : `; run them with --seeds ${whole} and add that summary`}`,
    );
  }
  const out = emptySummary(sweep.summary.sweep, seeds, undefined);
  out.shards = count === 1 ? null : { count, covered: Array.from({ length: count }, (_, k) => k + 1) };
  for (const p of parts) addCounts(out, p.summary);
  out.wallMs = Math.max(...shardMs.values());
  return {
    summary: canonical(out),
    resumes: parts.filter((p) => !sameSeeds(p.summary.seeds, seeds)).length,
  };
}

/** Whether `seed` is one of the seeds `s` did not run. */
function notRunHas(s: SweepSummary, seed: number): boolean {
  return (s.stop?.notRun ?? []).some(
    (span) => seed >= span.first && seed <= span.last && (seed - span.first) % (span.every ?? 1) === 0,
  );
}

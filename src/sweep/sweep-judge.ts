/**
 * What a sweep's seeds are judged by: the variant the sweep runs, named (`--variant NAME`,
 * sweepWorkload's `variant`) or made by its options (`--policy per-gpu` on multi-tenant:
 * model/scenario/matched-variant.ts, the function `npusim run` and runWorkload ask), and what that
 * variant expects. Each seed is judged as `npusim run --seed N` judges that run (QA: a sweep whose
 * options made it a variant counted its expected leaks as bare failures and said nothing of the
 * variant). The sweep's exit code stays its worst class, as a variant's run alone exits with its
 * findings: the verdict is context, counted in the summary's `expectation`.
 */
import type { Expectation } from '../model/scenario/workload.js';

/** The variant a sweep is, and the options that made it one (absent: named with `--variant`). */
export interface SweepJudge {
  variant: string;
  /** The options as typed (`--policy per-gpu`), when they made the sweep the variant. */
  by?: string;
}

/** A summary's verdicts: the variant, what it expects, and how many of the seeds run met it. */
export interface SweepExpectation extends SweepJudge {
  /** What the variant expects, with the rules its workload exposes for the sweep's acting --bug. */
  expect: Expectation;
  /** The --bug switches whose exposed rules `expect` holds (model/scenario/bug-expectation.ts). */
  byBugs?: string[];
  /**
   * The sweep's --bug switches its workload exposes nothing for: `expect` is declared for runs
   * without them (headline.ts `unexposedText`). Absent where there are none, and in summaries
   * written before it.
   */
  notExposed?: string[];
  /** Seeds whose run found what the variant expects (a crashed or stopped seed never does). */
  met: number;
}

/** `variant per-gpu, this sweep: --policy per-gpu`, `variant per-gpu`: which run the seeds are. */
export function sweepJudgeText(j: SweepJudge): string {
  const bugs = 'byBugs' in j && Array.isArray(j.byBugs) ? j.byBugs : [];
  const exposes = bugs.length === 0 ? '' : `, exposes ${bugs.map((b) => `--bug ${b}`).join(' ')}`;
  return `variant ${j.variant}${j.by === undefined ? '' : `, this sweep: ${j.by}`}${exposes}`;
}

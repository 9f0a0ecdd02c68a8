/**
 * A stopped sweep merged with its resumes (src/sweep/merge-resumed.ts): every seed of the sweep
 * run once across them gives the summary of the whole sweep (the counts and failing seeds of the
 * sweep run unstopped); a resume of seeds the sweep had run, or one missing, is refused naming
 * the seeds; a summary of another configuration by the merge's own check. And the hint beside a
 * whole sweep's summary names only shard files that merge (QA 58 F1).
 */
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { isResumeMerge, mergeResumed } from '../../src/sweep/merge-resumed.js';
import { notRunSpans } from '../../src/sweep/not-run.js';
import type { SeedRange } from '../../src/sweep/seeds.js';
import type { SweepSummary } from '../../src/sweep/summary.js';
import { mergeSummaries } from '../../src/sweep/summary-merge.js';
import { shardSummary } from '../support/sweep-shard.js';
import { thrownBy } from '../support/thrown.js';

const ALL = { first: 1, last: 12 };

/** Shard k/count of `seeds` (a whole sweep when count is 1), stopped after its first `ran` seeds. */
function stopped(seeds: SeedRange, k: number, count: number, ran: number): SweepSummary {
  const shard = count === 1 ? undefined : { index: k, count };
  return shardSummary(k, count, seeds, {
    ...(count === 1 ? { shards: null } : {}),
    ran,
    clean: ran,
    byClass: { clean: ran },
    stoppedEarly: true,
    stop: { reasons: ['SIGTERM'], notRun: notRunSpans(seeds, shard, ran, []) },
  });
}

/** A whole sweep of `seeds` run to its end, seed `failing` (if given) a violation. */
function whole(seeds: SeedRange, failing?: number): SweepSummary {
  const s = shardSummary(1, 1, seeds, { shards: null });
  if (failing === undefined) return s;
  return {
    ...s,
    clean: s.ran - 1,
    failed: 1,
    byClass: { clean: s.ran - 1, violation: 1 },
    byRule: {
      'translation.stale-ats': { seeds: 1, firstSeed: failing, earliestTick: 5, earliestSeed: failing },
    },
    failures: [{ seed: failing, status: 'violation', rule: 'translation.stale-ats', tick: 5, file: null }],
    worstExitCode: 1,
  };
}

describe('sweep --merge: a stopped sweep and its resumes', () => {
  test('a stopped shard, the other shard and the resume of its seeds not run merge into the whole sweep', () => {
    // Shard 1/2 of 1..12 ran 1 and 3 (SIGTERM): its resume line ran every 2nd seed of 5..11.
    const sh1 = stopped(ALL, 1, 2, 2);
    expect(sh1.stop!.notRun).toEqual([{ first: 5, last: 11, every: 2 }]);
    const parts = [
      { summary: sh1, where: 'sh1' },
      { summary: shardSummary(2, 2, ALL), where: 'sh2' },
      { summary: shardSummary(1, 2, { first: 5, last: 11 }), where: 'r1' },
    ];
    expect(isResumeMerge(parts)).toBe(true);
    const { summary, resumes } = mergeResumed(parts);
    expect(resumes).toBe(1);
    expect(summary).toMatchObject({ ran: 12, clean: 12, failed: 0, stoppedEarly: false, seeds: ALL });
    expect(summary.shards).toEqual({ count: 2, covered: [1, 2] });
    expect(summary.stop).toBeUndefined();
    // Its time: shard 1 and then its resume (1 s each), longer than shard 2's 1 s.
    expect(summary.wallMs).toBe(2000);
  });

  test('a whole sweep stopped, its resume stopped too and resumed again: the counts and failing seeds of the sweep run whole', () => {
    const first = stopped(ALL, 1, 1, 4);
    const resume = stopped({ first: 5, last: 12 }, 1, 1, 3);
    expect(resume.stop!.notRun).toEqual([{ first: 8, last: 12 }]);
    const parts = [
      { summary: whole({ first: 8, last: 12 }, 9), where: 'r2' },
      { summary: first, where: 'c' },
      { summary: resume, where: 'r1' },
    ];
    const { summary, resumes } = mergeResumed(parts);
    expect(resumes).toBe(2);
    const unstopped = whole(ALL, 9);
    for (const k of ['ran', 'clean', 'failed', 'byClass', 'byRule', 'failures', 'worstExitCode'] as const)
      expect(summary[k]).toEqual(unstopped[k]);
    expect(summary.shards).toBeNull();
    expect(summary.wallMs).toBe(3000);
  });

  test('a resume of seeds the sweep had run, or one that leaves seeds out, is refused naming the seeds', () => {
    const sh1 = { summary: stopped(ALL, 1, 2, 2), where: 'sh1' };
    const sh2 = { summary: shardSummary(2, 2, ALL), where: 'sh2' };
    // `--seeds 3..11 --shard 1/2` runs 3, which shard 1 had run.
    const over = { summary: shardSummary(1, 2, { first: 3, last: 11 }), where: 'r1' };
    expect(thrownBy(ConfigError, () => mergeResumed([sh1, sh2, over])).message).toBe(
      '--merge: Expected each seed of seeds 1..12 (sh1) run once across a stopped sweep and its resumes (the seeds it did not run), got 1 seed run twice (3): by sh1 and by r1',
    );
    // The same summary twice (`--merge nr nr`): said as given twice, not as run by it and by it (QA).
    expect(thrownBy(ConfigError, () => mergeResumed([sh1, sh2, sh1])).message).toBe(
      '--merge: Expected each seed of seeds 1..12 (sh1) run once across a stopped sweep and its resumes (the seeds it did not run), got 2 seeds run twice (1,3): sh1 is given twice (a file, or its directory)',
    );
    // `--seeds 5..9 --shard 1/2` leaves 11.
    const short = { summary: shardSummary(1, 2, { first: 5, last: 9 }), where: 'r1' };
    expect(thrownBy(ConfigError, () => mergeResumed([sh1, sh2, short])).message).toBe(
      '--merge: Expected every seed of seeds 1..12 (sh1) run once across a stopped sweep and its resumes, got 1 seed run by none of them (11); run them with --seeds 11 and add that summary',
    );
    // A resume of other seeds than the sweep's.
    const outside = { summary: whole({ first: 5, last: 14 }), where: 'r1' };
    expect(thrownBy(ConfigError, () => mergeResumed([sh1, sh2, outside])).message).toBe(
      'r1: Expected the seeds of the sweep it resumes, 1..12 (sh1), got seed 13 run',
    );
  });

  test('a resume of another configuration is refused by the check every merge makes, called a resume (QA: "a shard")', () => {
    const sh1 = { summary: stopped(ALL, 1, 1, 4), where: 'c' };
    const other = whole({ first: 5, last: 12 });
    const r = { summary: { ...other, sweep: { ...other.sweep, profile: 'as-shipped' } }, where: 'r1' };
    expect(thrownBy(ConfigError, () => mergeResumed([sh1, r])).message).toBe(
      'r1: Expected a resume of the sweep of c (its seeds not run, with the same configuration), got a sweep of another configuration: its sweep.profile is "as-shipped", not "fixed"',
    );
    // A shard of the stopped sweep's own seeds, of another configuration, is still called a shard.
    const sh2 = shardSummary(2, 2, ALL);
    const parts = [
      { summary: stopped(ALL, 1, 2, 2), where: 'sh1' },
      { summary: { ...sh2, sweep: { ...sh2.sweep, profile: 'as-shipped' } }, where: 'sh2' },
      { summary: shardSummary(1, 2, { first: 5, last: 11 }), where: 'r1' },
    ];
    expect(thrownBy(ConfigError, () => mergeResumed(parts)).message).toBe(
      'sh2: Expected a shard of the same sweep as sh1, got another sweep: its sweep.profile is "as-shipped", not "fixed"',
    );
  });

  test('shards of one sweep are no resume merge: the shard merge and its refusals are as before', () => {
    const parts = [
      { summary: stopped(ALL, 1, 2, 2), where: 'sh1' },
      { summary: shardSummary(2, 2, ALL), where: 'sh2' },
    ];
    expect(isResumeMerge(parts)).toBe(false);
    // Two sweeps of different seeds, neither stopped: the shard merge's refusal.
    const two = [
      { summary: shardSummary(1, 2, ALL), where: 'a' },
      { summary: shardSummary(2, 2, { first: 1, last: 10 }), where: 'b' },
    ];
    expect(isResumeMerge(two)).toBe(false);
    expect(thrownBy(ConfigError, () => mergeSummaries(two)).message).toBe(
      'b: Expected seeds 1..12 (as a says), got 1..10',
    );
  });

  test("the hint beside a whole sweep's summary names only shard files that merge, with --partial when one stopped (QA)", () => {
    const w = { summary: whole({ first: 5, last: 11 }), where: 'r1/sweep-summary.json' };
    const s1 = { summary: stopped(ALL, 1, 2, 2), where: 'sh1/sweep-summary-1-of-2.json' };
    const s2 = { summary: shardSummary(2, 2, ALL), where: 'sh2/sweep-summary-2-of-2.json' };
    // A resume's shard: other seeds, not one of these shards.
    const r2 = { summary: shardSummary(1, 2, { first: 5, last: 11 }), where: 'r2/sweep-summary-1-of-2.json' };
    expect(thrownBy(ConfigError, () => mergeSummaries([s1, s2, w, r2])).message).toContain(
      'to merge the shards, name their files: `npusim sweep --merge --partial sh1/sweep-summary-1-of-2.json sh2/sweep-summary-2-of-2.json`',
    );
  });
});

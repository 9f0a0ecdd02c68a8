/**
 * The seeds a stopped sweep did not run (src/sweep/not-run.ts): a few spans however many seeds are
 * left, said as `--seeds` takes them with a resume line, kept in the summary file as `stop` (read
 * back checked, optional for the summaries written before it), and joined by a merge of shards.
 */
import { describe, expect, test } from 'vitest';
import { summaryText } from '../../src/cli/sweep-summary-text.js';
import { ConfigError } from '../../src/core/errors.js';
import { compactSpans, notRunSeedsFile, notRunSpans, notRunText } from '../../src/sweep/not-run.js';
import { parseSeedRange, seedsOf } from '../../src/sweep/seeds.js';
import type { SweepSummary } from '../../src/sweep/summary.js';
import { gapsText, mergeGaps, mergeSummaries } from '../../src/sweep/summary-merge.js';
import { readSummary } from '../../src/sweep/summary-read.js';
import { shardSummary } from '../support/sweep-shard.js';
import { thrownBy } from '../support/thrown.js';

describe('not run: the seeds a stopped sweep left', () => {
  test('the seeds handed out and not counted, and every seed after them, as few spans as they make', () => {
    // Seeds 1..12, six handed out, 2, 3 and 5 of them stopped mid-run or still waiting.
    expect(notRunSpans({ first: 1, last: 12 }, undefined, 6, [2, 3, 5])).toEqual([
      { first: 2, last: 3 },
      { first: 5, last: 5 },
      { first: 7, last: 12 },
    ]);
    // Shard 2/3 of 1..40 (2, 5, 8, ...): its holes and its rest are every 3rd seed, one span.
    expect(notRunSpans({ first: 1, last: 40 }, { index: 2, count: 3 }, 5, [2, 5, 8, 11, 14])).toEqual([
      { first: 2, last: 38, every: 3 },
    ]);
    // Ten million seeds, a handful run: still two numbers.
    expect(notRunSpans({ first: 1, last: 10_000_000 }, undefined, 4, [])).toEqual([
      { first: 5, last: 10_000_000 },
    ]);
    // A list: its rest, in runs of consecutive seeds (two seeds of a list far apart stay two).
    const list = parseSeedRange('1..3,5,8..12,20,30');
    expect(notRunSpans(list, undefined, 2, [])).toEqual([
      { first: 3, last: 3 },
      { first: 5, last: 5 },
      { first: 8, last: 12 },
      { first: 20, last: 20 },
      { first: 30, last: 30 },
    ]);
    // Every seed of the shard is either run or in a span: the spans are exactly those left.
    const range = { first: 1, last: 40 };
    const shard = { index: 2, count: 3 };
    const spans = notRunSpans(range, shard, 5, [5, 11]);
    const expanded = spans.flatMap((s) => {
      const out: number[] = [];
      for (let x = s.first; x <= s.last; x += s.every ?? 1) out.push(x);
      return out;
    });
    expect(expanded).toEqual([...seedsOf(range, shard)].filter((x) => x === 5 || x === 11 || x >= 17));
  });

  test('said as --seeds takes them, with the line that runs them; a long list counted, its spans in stop.notRun', () => {
    expect(notRunText([{ first: 5, last: 12 }])).toBe('5..12 (resume: --seeds 5..12)');
    // Two seeds in a row are the two seeds, as the failing seeds' line writes them.
    expect(
      notRunText([
        { first: 3, last: 4 },
        { first: 9, last: 9 },
      ]),
    ).toBe('3,4,9 (resume: --seeds 3,4,9)');
    // The rest of a shard of a range: `--shard 1/N` of it runs exactly its every N-th seed.
    expect(
      notRunText(
        compactSpans(
          [
            { first: 5, last: 5 },
            { first: 14, last: 38, every: 3 },
          ],
          3,
        ),
      ),
    ).toBe('5 and every 3rd seed of 14..38 (resume: --seeds 5,14,17,20,23,26,29,32,35,38)');
    // Two commands only when one list would be long (QA: `--seeds 11, then --seeds 15..29 --shard 1/2`).
    expect(
      notRunText([
        { first: 5, last: 5 },
        { first: 14, last: 1000, every: 3 },
      ]),
    ).toBe('5 and every 3rd seed of 14..1000 (resume: --seeds 5, then --seeds 14..1000 --shard 1/3)');
    expect([...seedsOf({ first: 14, last: 38 }, { index: 1, count: 3 })]).toEqual([
      14, 17, 20, 23, 26, 29, 32, 35, 38,
    ]);
    expect(notRunText([{ first: 5, last: 8, every: 3 }])).toBe('5,8 (resume: --seeds 5,8)');
    const many = [1, 3, 5, 7, 9, 11, 13, 15, 17].map((s) => ({ first: s, last: s }));
    expect(notRunText([...many, { first: 20, last: 1_000_000 }])).toBe(
      '999990 seeds from 1 to 1000000; all in stop.notRun of --json, and of the summary file when one is written',
    );
    // Too many for a line, few enough for a list: a file of them beside the summary, resumed from it.
    const scattered = [...many, { first: 20, last: 25 }, { first: 30, last: 36, every: 3 }];
    expect(notRunText(scattered, 'd/not-run-seeds.txt')).toBe(
      '18 seeds from 1 to 36 (resume: --seeds @d/not-run-seeds.txt)',
    );
    const file = notRunSeedsFile(scattered)!;
    expect(file.split('\n').filter((l) => !l.startsWith('#'))).toEqual([
      ...['1', '3', '5', '7', '9', '11', '13', '15', '17', '20..25', '30', '33', '36'],
      '',
    ]);
    // More than a list holds (the file could not be read back): none.
    expect(notRunSeedsFile([...many, { first: 20, last: 1_000_000 }])).toBeUndefined();
  });
});

/** Shard `k` of `count` of seeds 1..12, clean, stopped (by SIGTERM unless told) after its first `ran` seeds. */
function stoppedShard(k: number, count: number, ran: number, stop?: SweepSummary['stop']): SweepSummary {
  const seeds = { first: 1, last: 12 };
  return shardSummary(k, count, seeds, {
    ran,
    clean: ran,
    byClass: { clean: ran },
    stoppedEarly: true,
    stop: stop ?? { reasons: ['SIGTERM'], notRun: notRunSpans(seeds, { index: k, count }, ran, []) },
  });
}

describe('not run: in the summary file, and merged', () => {
  test('the summary says why it stopped and which seeds are left, under the counts; the file reads back', () => {
    const s = stoppedShard(2, 3, 1);
    const text = summaryText(s, { seedsAtOnce: 2 }, { interrupted: true });
    expect(text).toContain('  1 seed in 1.0 s (1.0 seeds/s): 1 clean, 0 failing; stopped early by SIGTERM\n');
    expect(text).toContain('  not run: every 3rd seed of 5..11 (resume: --seeds 5..11 --shard 1/3)\n');
    expect(text).toContain('  exit 130 (interrupted after 1 of 4 seeds; every one clean)\n');
    expect(readSummary(JSON.stringify(s), 'f').stop).toEqual(s.stop);
    // A summary written before `stop` existed (stopped, without it) reads as before.
    const { stop: _stop, ...older } = s;
    expect(readSummary(JSON.stringify(older), 'f').stop).toBeUndefined();
    expect(summaryText(older, undefined, { interrupted: false })).toContain('; stopped early\n');
  });

  test('a stop that does not add up is refused naming the field', () => {
    const s = stoppedShard(2, 3, 1);
    const bad = (stop: unknown, over: Partial<SweepSummary> = {}) =>
      thrownBy(ConfigError, () => readSummary(JSON.stringify({ ...s, ...over, stop }), 'f')).message;
    expect(bad({ reasons: ['SIGTERM'], notRun: [{ first: 5, last: 8, every: 3 }] })).toBe(
      'f: stop.notRun: Expected the 3 seeds not run (4 less ran: 1), got 2',
    );
    expect(bad({ reasons: ['SIGTERM'], notRun: [{ first: 4, last: 10, every: 3 }] })).toBe(
      'f: stop.notRun[0].first: Expected a seed of seeds 1..12 in shard 2 of 3, got 4',
    );
    // A span out of order, or whose last is off its stride: the span quoted as it arrived (QA).
    expect(bad({ reasons: ['SIGTERM'], notRun: [{ first: 11, last: 5, every: 3 }] })).toBe(
      'f: stop.notRun[0]: Expected first at most last, got {"first":11,"last":5,"every":3} (first 11 is after last 5)',
    );
    expect(bad({ reasons: ['SIGTERM'], notRun: [{ first: 5, last: 10, every: 3 }] })).toBe(
      'f: stop.notRun[0]: Expected last to be one of the seeds every 3rd from first (5, 8, 11, ..), got {"first":5,"last":10,"every":3}',
    );
    expect(bad({ reasons: ['tired'], notRun: s.stop!.notRun })).toMatch(/^f: stop\.reasons\[0\]: /);
    expect(bad(s.stop, { stoppedEarly: false })).toBe(
      'f: stop: Expected no stop in a summary whose stoppedEarly is false, got one',
    );
  });

  test("a merge joins the shards' seeds not run and their reasons; an interrupted shard is still a gap", () => {
    const parts = [
      { summary: shardSummary(1, 3, { first: 1, last: 12 }), where: 's1' },
      { summary: stoppedShard(2, 3, 1), where: 's2' },
      {
        summary: stoppedShard(3, 3, 2, {
          reasons: ['SIGINT'],
          notRun: notRunSpans({ first: 1, last: 12 }, { index: 3, count: 3 }, 2, []),
        }),
        where: 's3',
      },
    ];
    const merged = mergeSummaries(parts);
    expect(merged.stop).toEqual({
      reasons: ['SIGINT', 'SIGTERM'],
      notRun: [
        { first: 5, last: 11, every: 3 },
        { first: 9, last: 12, every: 3 },
      ],
    });
    const text = summaryText(merged, undefined, { interrupted: false });
    // The shards ran apart: the time is the longest shard's, and said so.
    expect(text).toContain('  7 seeds in 1.0 s (the longest shard; 7.0 seeds/s)');
    expect(text).toContain('stopped early by Ctrl-C (SIGINT) and SIGTERM\n');
    expect(text).toContain('  not run: 9,12 and every 3rd seed of 5..11 (resume: --seeds 5,8,9,11,12)\n');
    expect(gapsText(mergeGaps(parts))).toBe(
      'shard 2 of 3 (s2) stopped early by SIGTERM, after 1 of 4 seeds; shard 3 of 3 (s3) stopped early by Ctrl-C (SIGINT), after 2 of 4 seeds',
    );
  });

  test("a whole sweep's summary beside shard summaries is said as such, with the files to name (QA)", () => {
    const whole = {
      summary: shardSummary(1, 1, { first: 1, last: 12 }, { shards: null }),
      where: 'd/sweep-summary.json',
    };
    const s1 = { summary: shardSummary(1, 2, { first: 1, last: 12 }), where: 'd/sweep-summary-1-of-2.json' };
    const s2 = { summary: shardSummary(2, 2, { first: 1, last: 12 }), where: 'd/sweep-summary-2-of-2.json' };
    const want =
      "d/sweep-summary.json: Expected shard summaries only (sweep-summary-K-of-2.json, each written by `sweep --shard K/2`), got a whole sweep's summary (written without --shard) beside them; to merge the shards, name their files: `npusim sweep --merge d/sweep-summary-1-of-2.json d/sweep-summary-2-of-2.json`";
    // In either order of the files (a directory lists them in no set order).
    expect(thrownBy(ConfigError, () => mergeSummaries([s1, s2, whole])).message).toBe(want);
    expect(thrownBy(ConfigError, () => mergeSummaries([whole, s1, s2])).message).toBe(want);
  });
});

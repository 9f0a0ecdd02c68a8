/**
 * A sweep summary's `replay the earliest:` line names the earliest failure that has a file: a
 * crashed free run (its take log went with its thread) or a seed whose task failed has none, and
 * must not hide the replay line of the failures that do.
 */
import { describe, expect, test } from 'vitest';
import { summaryText } from '../../src/cli/sweep-summary-text.js';
import type { SweepSummary } from '../../src/sweep/summary.js';
import { shardSummary } from '../support/sweep-shard.js';

function summary(failures: SweepSummary['failures']): SweepSummary {
  const s = shardSummary(1, 1, { first: 1, last: 4 }, { shards: null });
  return {
    ...s,
    clean: s.ran - failures.length,
    failed: failures.length,
    byClass: { clean: s.ran - failures.length, crash: 1, violation: failures.length - 1 },
    failures,
    worstExitCode: 4,
  };
}

describe('sweep summary: replay the earliest', () => {
  test('a crash with no file at an earlier tick does not hide the replay line of a failure that has one', () => {
    const text = summaryText(
      summary([
        { seed: 1, status: 'crash', rule: 'crash', tick: 100, file: null },
        { seed: 2, status: 'violation', rule: 'translation.stale-ats', tick: 900, file: 'f/seed2.json' },
        { seed: 3, status: 'violation', rule: 'translation.stale-ats', tick: 500, file: 'f/seed3.json' },
      ]),
      undefined,
      { interrupted: false },
    );
    expect(text).toContain('  replay the earliest: npusim replay f/seed3.json\n');
    // Every failing seed, as --seeds takes them, to sweep them again (after a fix, say).
    expect(text).toContain('  failing seeds: 1..3 (again: --seeds 1..3)\n');
  });

  test('failing seeds: a list the line holds is given as --seeds takes it; a longer one cut, all in --json', () => {
    const failing = (seeds: number[]) =>
      summaryText(
        summary(seeds.map((seed) => ({ seed, status: 'violation', rule: 'r', tick: seed, file: null }))),
        undefined,
        { interrupted: false },
      );
    expect(failing([9, 4, 6])).toContain('  failing seeds: 4,6,9 (again: --seeds 4,6,9)\n');
    // Two seeds in a row are the two seeds (QA: `3..4`); three or more a range.
    expect(failing([1, 3, 4, 6, 7, 8])).toContain(
      '  failing seeds: 1,3,4,6..8 (again: --seeds 1,3,4,6..8)\n',
    );
    expect(failing([1, 3, 5, 7, 9, 11, 13, 15, 17])).toContain(
      '  failing seeds: 1,3,5,7,9,11,...,17 (9 seeds listed); all in --json (failures[].seed), for --seeds @FILE\n',
    );
    expect(failing([])).not.toContain('failing seeds');
  });

  test('the replay line quotes a path a shell would split', () => {
    const text = summaryText(
      summary([
        { seed: 1, status: 'crash', rule: 'crash', tick: 100, file: null },
        { seed: 2, status: 'violation', rule: 'r', tick: 900, file: "my runs/it's seed2.json" },
      ]),
      undefined,
      { interrupted: false },
    );
    expect(text).toContain(`  replay the earliest: npusim replay 'my runs/it'\\''s seed2.json'\n`);
  });

  test('no replay line when no failure has a file', () => {
    const text = summaryText(
      summary([{ seed: 1, status: 'crash', rule: 'crash', tick: 100, file: null }]),
      undefined,
      { interrupted: false },
    );
    expect(text).not.toContain('replay the earliest');
  });
});

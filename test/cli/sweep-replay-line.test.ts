/**
 * A sweep summary's `replay the earliest:` line names the earliest failure that has a file: a
 * crashed free run (its take log went with its thread) or a seed whose task failed has none, and
 * must not hide the replay line of the failures that do.
 */
import { describe, expect, test } from 'vitest';
import { summaryText } from '../../src/cli/sweep-command.js';
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

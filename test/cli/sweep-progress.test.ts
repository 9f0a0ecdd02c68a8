/**
 * A sweep's plain progress (stderr not a terminal: a batch log): lines a second apart at first,
 * then further apart, so an overnight sweep's log stays readable, and the last line always said.
 */
import { PassThrough } from 'node:stream';
import { expect, test } from 'vitest';
import { plainLineGapMs, sweepProgress } from '../../src/cli/sweep-progress.js';
import type { SeedOutcome } from '../../src/sweep/seed-outcome.js';

const clean = { seed: 1, status: 'clean' } as SeedOutcome;

/** The plain lines of a sweep of `seeds` seeds, one done every `everyMs` of a driven clock. */
function plainLines(seeds: number, everyMs: number): string[] {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (c: Buffer) => {
    text += c.toString();
  });
  let clock = 0;
  const progress = sweepProgress({ stdout: new PassThrough(), stderr, env: {} }, false, () => clock);
  for (let done = 1; done <= seeds; done++) {
    clock += everyMs;
    progress.update(clean, done, seeds, 0);
  }
  progress.stop();
  return text.trimEnd().split('\n');
}

test('a ten-hour sweep logs 820 progress lines, not one a second (36,000), and its last (QA Q24)', () => {
  // 36,000 seeds a second apart: ten hours.
  const lines = plainLines(36_000, 1000);
  expect(lines).toHaveLength(820);
  expect(lines.at(-1)).toMatch(/^npusim: sweep 36000\/36000 seeds, /);
});

test('the first minute keeps a line a second; later lines are at most a minute apart', () => {
  // 100 seeds a second for a minute: 60 lines (the last one's too).
  expect(plainLines(6000, 10)).toHaveLength(60);
  expect(plainLineGapMs(0)).toBe(1000);
  expect(plainLineGapMs(60_000)).toBe(1000);
  expect(plainLineGapMs(600_000)).toBe(10_000);
  expect(plainLineGapMs(36_000_000)).toBe(60_000);
});

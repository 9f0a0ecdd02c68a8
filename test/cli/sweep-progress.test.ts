/**
 * A sweep's plain progress (stderr not a terminal: a batch log): lines a second apart at first,
 * then further apart, so an overnight sweep's log stays readable, and the last line always said.
 */
import { PassThrough } from 'node:stream';
import { expect, test } from 'vitest';
import { plainLineGapMs, sweepProgress } from '../../src/cli/sweep-progress.js';
import type { SeedOutcome } from '../../src/sweep/seed-outcome.js';

const clean = { seed: 1, status: 'clean' } as SeedOutcome;

interface Update {
  at: number;
  o: SeedOutcome;
  done: number;
  failures: number;
}

/** The plain lines a sweep of `total` seeds prints for `updates`, each at its time of a driven clock. */
function plainText(total: number, updates: Iterable<Update>): string[] {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (c: Buffer) => {
    text += c.toString();
  });
  let clock = 0;
  const progress = sweepProgress({ stdout: new PassThrough(), stderr, env: {} }, false, () => clock);
  for (const u of updates) {
    clock = u.at;
    progress.update(u.o, u.done, total, u.failures);
  }
  progress.stop();
  return text.trimEnd().split('\n');
}

/** The plain lines of a sweep of `seeds` clean seeds, one done every `everyMs`. */
function plainLines(seeds: number, everyMs: number): string[] {
  function* updates(): Generator<Update> {
    for (let done = 1; done <= seeds; done++) yield { at: done * everyMs, o: clean, done, failures: 0 };
  }
  return plainText(seeds, updates());
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

test("a failing seed's bracket goes under the figures, whole, when the line would pass 100 columns", () => {
  const failing = (seed: number, rule: string) =>
    ({ seed, status: 'violation', first: { rule, tick: 15_640_000 } }) as SeedOutcome;
  const lines = plainText(30, [
    // A sweep of flush-race --bug single-flush printed this on one line of 109 columns.
    { at: 2000, o: failing(13, 'order.atsd-released-early'), done: 13, failures: 13 },
    { at: 4000, o: failing(14, 'order.x'), done: 14, failures: 14 },
  ]);
  expect(lines).toEqual([
    'npusim: sweep 13/30 seeds, 6.5 seeds/s, 13 failing, 3 s left',
    '        (seed 13: order.atsd-released-early at 15.64 us)',
    'npusim: sweep 14/30 seeds, 3.5 seeds/s, 14 failing, 5 s left (seed 14: order.x at 15.64 us)',
  ]);
});

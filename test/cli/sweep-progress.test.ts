/**
 * A sweep's plain progress (stderr not a terminal: a batch log): lines a second apart at first,
 * then further apart, so an overnight sweep's log stays readable, and the last line always said.
 */
import { PassThrough } from 'node:stream';
import { afterEach, expect, test, vi } from 'vitest';
import { plainLineGapMs, seedRateText, sweepProgress } from '../../src/cli/sweep-progress.js';
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
    'npusim: sweep 13/30 seeds, 6.5 seeds/s, 13 failing, 2 s elapsed, about 3 s left',
    '        (seed 13: order.atsd-released-early at 15.64 us)',
    'npusim: sweep 14/30 seeds, 3.5 seeds/s, 14 failing, 4 s elapsed, about 5 s left',
    '        (seed 14: order.x at 15.64 us)',
  ]);
});

afterEach(() => {
  vi.useRealTimers();
});

/**
 * A sweep of `total` seeds, `atOnce` at a time, on fake timers (its clock is theirs): its plain
 * lines as they are written, and the progress to drive.
 */
function timed(total: number, atOnce: number, stopping?: () => boolean) {
  vi.useFakeTimers({ now: 0 });
  const stderr = new PassThrough();
  const lines: string[] = [];
  stderr.on('data', (c: Buffer) => lines.push(...c.toString().trimEnd().split('\n')));
  const progress = sweepProgress({ stdout: new PassThrough(), stderr, env: {} }, false, () => Date.now(), {
    total,
    atOnce,
    ...(stopping === undefined ? {} : { stopping }),
  });
  return { progress, lines };
}

test('seeds that take minutes: a line a second all the same, with the seeds in flight and the time elapsed (QA)', () => {
  const { progress, lines } = timed(3, 1);
  vi.advanceTimersByTime(3500);
  expect(lines).toEqual([
    'npusim: sweep 0/3 seeds, 1 running, 0 failing, 1 s elapsed',
    'npusim: sweep 0/3 seeds, 1 running, 0 failing, 2 s elapsed',
    'npusim: sweep 0/3 seeds, 1 running, 0 failing, 3 s elapsed',
  ]);
  // A seed done 0.8 s after the last line waits for the gap; the timer says it when it is due.
  vi.advanceTimersByTime(300);
  progress.update(clean, 1, 3, 0);
  expect(lines).toHaveLength(3);
  vi.advanceTimersByTime(200);
  expect(lines.at(-1)).toBe(
    'npusim: sweep 1/3 seeds, 1 running, 0.3 seeds/s, 0 failing, 4 s elapsed, about 8 s left',
  );
  progress.stop();
  // Stopped (the summary comes next): no timer left, no line after.
  expect(vi.getTimerCount()).toBe(0);
  vi.advanceTimersByTime(60_000);
  expect(lines).toHaveLength(4);
});

test('seeds that finish fast with the timer running: still no more than a line a second', () => {
  // 100 seeds a second for a minute, four at a time: 60 lines, as without the timer.
  const { progress, lines } = timed(6000, 4);
  // Each seed 5 ms off the second, so the timer's lines and the seeds' never fall together.
  for (let done = 1; done <= 6000; done++) {
    vi.advanceTimersByTime(done === 1 ? 5 : 10);
    progress.update(clean, done, 6000, 0);
  }
  progress.stop();
  expect(lines).toHaveLength(60);
  expect(lines.at(-1)).toBe(
    'npusim: sweep 6000/6000 seeds, 0 running, 100.0 seeds/s, 0 failing, 60 s elapsed',
  );
});

test('once the sweep is stopping (Ctrl-C) the timer says nothing more, and ends', () => {
  let stopping = false;
  const { progress, lines } = timed(3, 2, () => stopping);
  vi.advanceTimersByTime(1000);
  expect(lines).toEqual(['npusim: sweep 0/3 seeds, 2 running, 0 failing, 1 s elapsed']);
  stopping = true;
  vi.advanceTimersByTime(10_000);
  expect(lines).toHaveLength(1);
  expect(vi.getTimerCount()).toBe(0);
  progress.stop();
});

test("the timer never keeps the process alive: it is unref'd", () => {
  const refTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const before = refTimers();
  const progress = sweepProgress(
    { stdout: new PassThrough(), stderr: new PassThrough(), env: {} },
    false,
    undefined,
    {
      total: 3,
      atOnce: 1,
    },
  );
  expect(refTimers()).toBe(before);
  progress.stop();
});

test('a slow sweep says its rate per minute or per hour, not 0.0 seeds/s', () => {
  expect(seedRateText(0)).toBe('0.0 seeds/s');
  expect(seedRateText(2.5)).toBe('2.5 seeds/s');
  expect(seedRateText(0.1)).toBe('0.1 seeds/s');
  // A seed every 30 s, and one every 20 min.
  expect(seedRateText(1 / 30)).toBe('2.0 seeds/min');
  expect(seedRateText(1 / 1200)).toBe('3.0 seeds/h');
});

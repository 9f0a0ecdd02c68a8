/**
 * NPUSIM_PROGRESS_INTERVAL (src/cli/progress-interval.ts): one gap between the plain progress
 * lines of run, replay and sweep (0: none), read from the command's environment, and a value
 * that is no number of seconds refused by every command before it runs.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { createProgress } from '../../src/cli/progress.js';
import { PROGRESS_INTERVAL_ENV, progressIntervalMs } from '../../src/cli/progress-interval.js';
import { sweepProgress } from '../../src/cli/sweep-progress.js';
import type { SeedOutcome } from '../../src/sweep/seed-outcome.js';
import { lineSink } from '../support/line-sink.js';
import { testTempDir } from '../support/temp-dir.js';
import { cli, FAILING_RUN, STACK_FRAME } from './cli-harness.js';

/** A run's plain lines with `env`, updated every 100 ms of a driven clock for 5 s. */
function runLines(env: NodeJS.ProcessEnv): string[] {
  const clock = { now: 0 };
  const { stream, lines } = lineSink();
  const p = createProgress({ durationTicks: 5_000, stream, plain: true, env, clockMs: () => clock.now });
  for (let ms = 100; ms <= 5000; ms += 100) {
    clock.now = ms;
    p.update(ms, ms * 10);
  }
  p.stop();
  return lines;
}

/** A sweep's plain lines with `env`: 50 clean seeds, one every 100 ms of a driven clock. */
function sweepLines(env: NodeJS.ProcessEnv): string[] {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (c: Buffer) => {
    text += c.toString();
  });
  let clock = 0;
  const progress = sweepProgress({ stdout: new PassThrough(), stderr, env }, false, () => clock);
  for (let done = 1; done <= 50; done++) {
    clock = done * 100;
    progress.update({ seed: done, status: 'clean' } as SeedOutcome, done, 50, 0);
  }
  progress.stop();
  return text === '' ? [] : text.trimEnd().split('\n');
}

describe('NPUSIM_PROGRESS_INTERVAL', () => {
  test('unset or blank: each command keeps its own schedule (a run a line every 2 s)', () => {
    expect(progressIntervalMs({})).toBeUndefined();
    expect(progressIntervalMs({ [PROGRESS_INTERVAL_ENV]: ' ' })).toBeUndefined();
    expect(runLines({})).toHaveLength(2);
    // A sweep: a line a second in its first minute, and its last.
    expect(sweepLines({})).toHaveLength(5);
  });

  test("decimal seconds: a run's and a sweep's lines that far apart", () => {
    expect(progressIntervalMs({ [PROGRESS_INTERVAL_ENV]: '0.5' })).toBe(500);
    expect(progressIntervalMs({ [PROGRESS_INTERVAL_ENV]: ' 60 ' })).toBe(60_000);
    expect(runLines({ [PROGRESS_INTERVAL_ENV]: '0.5' })).toHaveLength(10);
    expect(runLines({ [PROGRESS_INTERVAL_ENV]: '60' })).toHaveLength(0);
    expect(sweepLines({ [PROGRESS_INTERVAL_ENV]: '0.5' })).toHaveLength(10);
    // The last seed's line is said however far apart the lines are.
    expect(sweepLines({ [PROGRESS_INTERVAL_ENV]: '60' })).toEqual([
      expect.stringMatching(/^npusim: sweep 50\/50 seeds, /),
    ]);
  });

  test('0: no progress lines at all', () => {
    expect(progressIntervalMs({ [PROGRESS_INTERVAL_ENV]: '0' })).toBe(0);
    expect(runLines({ [PROGRESS_INTERVAL_ENV]: '0' })).toEqual([]);
    expect(sweepLines({ [PROGRESS_INTERVAL_ENV]: '0' })).toEqual([]);
  });

  test.each([['-1'], ['1e3'], ['0x10'], ['2s'], ['fast']])(
    '%s is refused by every command before it runs, naming the variable (exit 2)',
    async (value) => {
      const env = { NO_COLOR: '1', [PROGRESS_INTERVAL_ENV]: value };
      for (const argv of [[...FAILING_RUN, '--inline'], ['list'], ['shrink', 'missing.json']]) {
        const r = await cli(argv, undefined, env);
        expect({ argv, code: r.code }).toEqual({ argv, code: 2 });
        expect(r.stderr).toBe(
          `npusim: ${PROGRESS_INTERVAL_ENV}: Expected a number of seconds between progress lines (2, 0.5, 60; 0 for none), got \`${value}\`\n`,
        );
        expect(r.stderr).not.toMatch(STACK_FRAME);
        expect(r.stdout).toBe('');
      }
      // Help runs nothing the variable tunes: it still prints, to say how to set it (QA).
      for (const argv of [['--help'], ['run', '--help'], ['help', 'sweep']]) {
        const r = await cli(argv, undefined, env);
        expect({ argv, code: r.code, stderr: r.stderr }).toEqual({ argv, code: 0, stderr: '' });
        expect(r.stdout).toMatch(/^ *usage:\s/m);
      }
    },
  );

  test("a run's lines follow it from the command's environment: 1 ms apart, then none with 0", async () => {
    const run = (value: string) =>
      cli(
        ['run', 'stress', '--seed', '1', '--duration', '300us', '--inline', '--no-failure-file'],
        undefined,
        {
          NO_COLOR: '1',
          [PROGRESS_INTERVAL_ENV]: value,
        },
      );
    const often = await run('0.001');
    expect(often.code, often.stderr).toBe(0);
    expect(often.stderr).toMatch(/^npusim: \d+% simulated \(/m);
    const none = await run('0');
    expect(none.code, none.stderr).toBe(0);
    expect(none.stderr).not.toMatch(/simulated \(|threads starting/);
    // The same run, only quieter.
    const digest = (text: string) => /digest (\w+)/.exec(text)?.[1];
    expect(digest(none.stdout)).toBe(digest(often.stdout));
    expect(digest(none.stdout)).toMatch(/^[0-9a-f]{16}$/);
  });

  test("a shrink's lines: every candidate run at 1 ms, none at 0, the closing line either way", async () => {
    const failures = testTempDir('npusim-progress-shrink-');
    const run = await cli([...FAILING_RUN, '--stop-on-first', '--inline', '--failures', failures]);
    expect(run.code, run.stderr).toBe(1);
    const [name] = readdirSync(failures).filter((f) => f.endsWith('.json'));
    const shrink = (value: string, out: string) =>
      cli(['shrink', join(failures, name!), '--budget', '3', '--out', join(failures, out)], undefined, {
        NO_COLOR: '1',
        [PROGRESS_INTERVAL_ENV]: value,
      });
    const progressLine = /^npusim: shrink \d+\/3 runs, /m;
    const often = await shrink('0.001', 'often.json');
    expect(often.code, often.stderr).toBe(0);
    expect(often.stderr).toMatch(progressLine);
    const none = await shrink('0', 'none.json');
    expect(none.code, none.stderr).toBe(0);
    expect(none.stderr).not.toMatch(progressLine);
    expect(none.stderr).toMatch(/^npusim: shrink (done|budget of 3 runs used up)/m);
  });
});

import { describe, expect, it } from 'vitest';
import {
  createProgress,
  type ProgressOptions,
  runLineGapMs,
  timeLeftText,
  wallSpanText,
} from '../../src/cli/progress.js';
import { lineSink } from '../support/line-sink.js';

/**
 * Plain progress lines into a sink, on a clock the test moves (`clock.now`): no waiting. Each
 * test gives the run's length, the line interval and whatever else it is about.
 */
function driven(options: Omit<ProgressOptions, 'stream' | 'clockMs'>) {
  const clock = { now: 0 };
  const { stream, lines } = lineSink();
  const p = createProgress({ ...options, stream, clockMs: () => clock.now });
  return { p, lines, clock };
}

describe('progress', () => {
  it('progress: off a TTY, plain lines at most once per interval: simulated time, events/s, violations so far, time left', () => {
    const { p, lines, clock } = driven({
      durationTicks: 2_000_000_000,
      plain: false,
      intervalMs: 2000,
    });
    clock.now = 1000;
    p.update(400_000_000, 1_000_000);
    expect(lines).toHaveLength(0);
    clock.now = 2000;
    p.update(800_000_000, 2_400_000, 3);
    clock.now = 3000;
    p.update(900_000_000, 2_500_000, 4);
    clock.now = 4000;
    p.update(1_000_000_000, 3_000_000, 1);
    p.stop();
    expect(lines).toEqual([
      // 800 us in 2 s: the 1.2 ms left take 3 s more; then 1 ms in 4 s, 4 s more.
      'npusim: 40% simulated (800 us of 2 ms), 1.20M events/s, 3 violations so far, about 3 s left\n',
      'npusim: 50% simulated (1 ms of 2 ms), 750.0k events/s, 1 violation so far, about 4 s left\n',
    ]);
  });

  it("progress: a run whose findings go nowhere (PCT's measuring run) shows none", () => {
    const { p, lines, clock } = driven({
      durationTicks: 2_000_000_000,
      plain: false,
      intervalMs: 2000,
      label: 'PCT measuring run',
      showFindings: false,
    });
    clock.now = 2000;
    p.update(800_000_000, 2_400_000, 3);
    expect(lines).toEqual([
      'npusim PCT measuring run: 40% simulated (800 us of 2 ms), 1.20M events/s, about 3 s left\n',
    ]);
  });

  it('progress: off a TTY, a line that would repeat the last (workers still starting) is left out, and the first says they are starting', () => {
    const { p, lines, clock } = driven({
      durationTicks: 1_000_000,
      plain: true,
      intervalMs: 10,
    });
    for (let i = 1; i <= 8; i++) {
      clock.now = 20 * i;
      p.update(0, 0, 0);
    }
    clock.now = 200;
    p.update(100_000, 50, 0);
    clock.now = 220;
    p.update(100_000, 50, 0);
    clock.now = 240;
    p.update(100_000, 50, 1);
    expect(lines.map((l) => l.replace(/, [\d.k]+ events\/s/, ''))).toEqual([
      'npusim: threads starting, nothing simulated yet (1 us to simulate)\n',
      'npusim: 10% simulated (100 ns of 1 us), 0 violations so far\n',
      'npusim: 10% simulated (100 ns of 1 us), 1 violation so far\n',
    ]);
  });

  it('progress: once the run is stopping (Ctrl-C), no line says threads are starting; a line with figures still comes (QA)', () => {
    let stopping = false;
    const { p, lines, clock } = driven({
      durationTicks: 1_000_000,
      plain: true,
      intervalMs: 10,
      stopping: () => stopping,
    });
    stopping = true;
    clock.now = 20;
    p.update(0, 0, 0);
    clock.now = 40;
    p.update(200_000, 50, 0);
    expect(lines.map((l) => l.replace(/, [\d.k]+ events\/s/, ''))).toEqual([
      'npusim: 20% simulated (200 ns of 1 us), 0 violations so far\n',
    ]);
  });

  it('progress: a labelled run (a variant) says which it is', () => {
    const { p, lines, clock } = driven({
      durationTicks: 1_000_000,
      plain: true,
      intervalMs: 10,
      label: 'variant per-gpu',
    });
    clock.now = 20;
    p.update(500_000, 10, 0);
    expect(lines).toEqual([
      'npusim variant per-gpu: 50% simulated (500 ns of 1 us), 500 events/s, 0 violations so far\n',
    ]);
  });
});

describe('progress on a dumb terminal', () => {
  it('TERM=dumb: a TTY that cannot move the cursor gets plain lines, no escape codes', () => {
    const { stream, lines } = lineSink();
    const tty = Object.assign(stream, { isTTY: true });
    const clock = { now: 0 };
    const p = createProgress({
      durationTicks: 2_000_000_000,
      plain: false,
      intervalMs: 1000,
      stream: tty,
      env: { TERM: 'dumb' },
      clockMs: () => clock.now,
    });
    clock.now = 1500;
    p.update(1_000_000_000, 1_000_000);
    p.stop();
    expect(lines.join('')).toContain('npusim: 50% simulated (1 ms of 2 ms)');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape character is the point
    expect(lines.join('')).not.toMatch(/\x1b/);
  });

  it('progress: a run that stops short of its duration (a replay of a run stopped early) is out of that stop, and says why in its first line only', () => {
    const { p, lines, clock } = driven({
      durationTicks: 6_635_122_982,
      plain: true,
      intervalMs: 10,
      endNote: 'where the recorded run was interrupted',
    });
    clock.now = 20;
    p.update(3_294_000_000, 10, 0);
    clock.now = 40;
    p.update(6_635_122_982, 20, 0);
    // The first line passes 100 columns: wrapped between its fields, under the figures.
    expect(lines.map((l) => l.replace(/, [\d.k]+ events\/s/, ''))).toEqual([
      'npusim: 49% simulated (3.294 ms of 6.635 ms, where the recorded run was interrupted),\n        0 violations so far\n',
      'npusim: 100% simulated (6.635 ms of 6.635 ms), 0 violations so far\n',
    ]);
  });
});

describe("a long run's plain lines", () => {
  /** The plain lines of a run updated every `everyMs` for `totalMs`, on a driven clock. */
  function linesOver(totalMs: number, everyMs: number, env: NodeJS.ProcessEnv = {}): string[] {
    const clock = { now: 0 };
    const { stream, lines } = lineSink();
    const durationTicks = 1e15;
    const p = createProgress({ durationTicks, stream, plain: true, env, clockMs: () => clock.now });
    for (let ms = everyMs; ms <= totalMs; ms += everyMs) {
      clock.now = ms;
      p.update(ms * 1000, ms * 100, 0);
    }
    return lines;
  }

  it('a ten-hour run logs 699 lines, not one every 2 s (18,000): 2 s apart for a minute, then at most a minute', () => {
    // Updated every 200 ms, as a threaded run's watchdog reports.
    expect(linesOver(36_000_000, 200)).toHaveLength(699);
    expect(linesOver(60_000, 200)).toHaveLength(30);
    expect(runLineGapMs(0)).toBe(2000);
    expect(runLineGapMs(60_000)).toBe(2000);
    expect(runLineGapMs(600_000)).toBe(20_000);
    expect(runLineGapMs(36_000_000)).toBe(60_000);
  });

  it('NPUSIM_PROGRESS_INTERVAL holds its gap for the whole run', () => {
    // 36,000 s at one line every 10 s.
    expect(linesOver(36_000_000, 200, { NPUSIM_PROGRESS_INTERVAL: '10' })).toHaveLength(3600);
  });
});

describe('time left', () => {
  it('a run says the wall time left at its simulated pace so far, in a unit a person plans by (QA: 1000 s, no time left)', () => {
    const { p, lines, clock } = driven({ durationTicks: 1e15, plain: true, intervalMs: 1000 });
    // QA's run: 2.271 ms of 1000 s simulated in 1.58 s, 1.44M events/s: about eight days to go.
    clock.now = 1580;
    p.update(2_271_000_000, 2_275_200, 0);
    expect(lines).toEqual([
      'npusim: 0% simulated (2.271 ms of 1000 s), 1.44M events/s, 0 violations so far, about 8 days left\n',
    ]);
  });

  it('none before a second of the run (the pace is not known yet), and none at its end', () => {
    const { p, lines, clock } = driven({ durationTicks: 1_000_000, plain: true, intervalMs: 10 });
    clock.now = 500;
    p.update(100_000, 50, 0);
    clock.now = 1500;
    p.update(1_000_000, 100, 0);
    expect(lines.map((l) => l.replace(/, [\d.k]+ events\/s/, ''))).toEqual([
      'npusim: 10% simulated (100 ns of 1 us), 0 violations so far\n',
      'npusim: 100% simulated (1 us of 1 us), 0 violations so far\n',
    ]);
  });

  it("a labelled run's line with its time left stays within 100 columns, wrapped between its fields", () => {
    const { p, lines, clock } = driven({
      durationTicks: 1e15,
      plain: true,
      intervalMs: 1000,
      label: 'variant per-gpu-tenant',
    });
    clock.now = 90_000;
    p.update(2_271_000_000_000, 123_456_789, 12);
    expect(lines).toEqual([
      'npusim variant per-gpu-tenant: 0% simulated (2.271 s of 1000 s), 1.37M events/s,\n' +
        '        12 violations so far, about 11 h left\n',
    ]);
    for (const line of lines.join('').trimEnd().split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });

  it('whole units: seconds to a minute and a half, minutes to an hour and a half, hours to a day and a half, then days', () => {
    expect(timeLeftText(40)).toBe('about 40 s left');
    expect(timeLeftText(0.2)).toBe('about 1 s left');
    expect(timeLeftText(89)).toBe('about 89 s left');
    expect(timeLeftText(180)).toBe('about 3 min left');
    expect(timeLeftText(5 * 3600)).toBe('about 5 h left');
    expect(timeLeftText(8 * 86_400)).toBe('about 8 days left');
    expect(wallSpanText(89 * 60)).toBe('89 min');
    expect(wallSpanText(35 * 3600)).toBe('35 h');
  });
});

/**
 * The progress bar on a terminal (src/cli/terminal-bar.ts), into a stream that says it is a TTY of
 * a given width: the line fits that width with its counts whole, and Ctrl-C's message takes the
 * bar down instead of being written under it (QA: the summary was then written over the message,
 * beside the bar's tail).
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Interrupt } from '../../src/cli/interrupt.js';
import { takeDownBar } from '../../src/cli/live-bar.js';
import { createProgress } from '../../src/cli/progress.js';
import { sweepProgress } from '../../src/cli/sweep-progress.js';
import { barLine } from '../../src/cli/terminal-bar.js';
import type { SeedOutcome } from '../../src/sweep/seed-outcome.js';

/** A terminal `columns` wide: everything written, as one string. */
function terminal(columns: number) {
  const written: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _enc, done) {
        written.push(chunk.toString());
        done();
      },
    }),
    { isTTY: true, columns },
  );
  return { stream, text: () => written.join('') };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape character is the point
const CSI = /\u001b(\[\??[\d;]*[A-Za-z]|[78])/g;

/** Each line the bar drew (it starts each at column 1, `ESC [1G`), its escape codes taken out. */
function frames(text: string): string[] {
  return text
    .split('\u001b[1G')
    .slice(1)
    .map((f) => f.replace(CSI, ''))
    .filter((f) => f !== '');
}

const opened: Interrupt[] = [];
afterEach(() => {
  for (const i of opened.splice(0)) i.dispose();
  vi.restoreAllMocks();
});

describe('progress bar width', () => {
  for (const columns of [80, 60]) {
    it(`a run's bar on ${columns} columns: every line fits, and the violations so far are on it`, () => {
      const { stream, text } = terminal(columns);
      const p = createProgress({
        durationTicks: 2_000_000_000,
        plain: false,
        stream,
        env: { TERM: 'xterm' },
      });
      p.update(1_003_000_000, 1_234_567, 3);
      p.stop();
      const drawn = frames(text());
      expect(drawn.length).toBeGreaterThan(0);
      for (const line of drawn) expect(line.length).toBeLessThan(columns);
      // On 60 the word `simulated` makes room for the bar; on 80 it stays.
      const word = columns >= 80 ? ' simulated' : '';
      expect(drawn.at(-1)).toMatch(new RegExp(`50% \\| 1\\.003 ms of 2 ms${word} .*\\| 3 violations`));
    });
  }

  it("a variant's bar with a long label on 80 columns keeps its violations whole, the word `simulated` left out first (QA: cut to `459 v`)", () => {
    const { stream, text } = terminal(80);
    const p = createProgress({
      durationTicks: 200_000_000,
      plain: false,
      stream,
      env: { TERM: 'xterm' },
      label: 'variant page-kills-as-shipped',
    });
    p.update(82_350_000, 1_234_567, 459);
    p.stop();
    const drawn = frames(text());
    for (const line of drawn) expect(line.length).toBeLessThan(80);
    expect(drawn.at(-1)).toMatch(
      /^npusim variant page-kills-as-shipped .*41% \| 82\.35 us of 200 us \| 459 violations/,
    );
  });

  it("a sweep's bar on 80 columns shows the failing count and the time left", () => {
    const { stream, text } = terminal(80);
    const p = sweepProgress({ stdout: stream, stderr: stream, env: { TERM: 'xterm' } }, false);
    p.update({ seed: 6, status: 'clean' } as SeedOutcome, 6, 12, 4);
    p.stop();
    const drawn = frames(text());
    for (const line of drawn) expect(line.length).toBeLessThan(80);
    expect(drawn.at(-1)).toMatch(/\[[█░]+\] 6\/12 seeds .*\| 4 failing \| about \d+ s left$/);
  });

  it("a sweep's bar is drawn before any seed finishes, with the seeds in flight, and its figures move on a timer (QA)", () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const { stream, text } = terminal(100);
      const p = sweepProgress(
        { stdout: stream, stderr: stream, env: { TERM: 'xterm' } },
        false,
        () => Date.now(),
        {
          total: 12,
          atOnce: 2,
        },
      );
      vi.advanceTimersByTime(3000);
      expect(frames(text()).at(-1)).toMatch(
        /\] 0\/12 seeds \| 2 running \| 0\.0 seeds\/s \| 0 failing \| \? left$/,
      );
      p.update({ seed: 1, status: 'clean' } as SeedOutcome, 1, 12, 0);
      // 1 seed in 3 s, then 3 s more with none: the rate and time left follow the clock.
      vi.advanceTimersByTime(3000);
      expect(frames(text()).at(-1)).toMatch(
        /\] 1\/12 seeds \| 2 running \| 0\.2 seeds\/s \| 0 failing \| about 66 s left$/,
      );
      p.stop();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("a run's bar says the wall time left once a second has passed", () => {
    const { stream, text } = terminal(120);
    const clock = { now: 0 };
    const p = createProgress({
      durationTicks: 2_000_000_000,
      plain: false,
      stream,
      env: { TERM: 'xterm' },
      clockMs: () => clock.now,
    });
    clock.now = 1500;
    p.update(500_000_000, 1000, 0);
    p.stop();
    expect(frames(text()).at(-1)).toMatch(
      /25% \| 500 us of 2 ms simulated .*\| 0 violations so far \| about 5 s left$/,
    );
  });

  it('a wide terminal gets the whole line and a 40-column bar; a narrow one, the rate left out before the bar', () => {
    const template = 'npusim [{bar}] {percentage}% | {rate} events/s | {findings} violations so far';
    const values = { percentage: 50, rate: '1.2M', findings: 0 };
    expect(barLine(template, values, 0.5, 200, [' | {rate} events/s'])).toBe(
      `npusim [${'█'.repeat(20)}${'░'.repeat(20)}] 50% | 1.2M events/s | 0 violations so far`,
    );
    expect(barLine(template, values, 0.5, 60, [' | {rate} events/s'])).toBe(
      `npusim [${'█'.repeat(12)}${'░'.repeat(12)}] 50% | 0 violations so far`,
    );
    // Too narrow for any bar: the shortest line, cut to the width less one column.
    expect(barLine(template, values, 0.5, 20, [' | {rate} events/s'])).toBe('npusim 50% | 0 viol');
  });
});

describe('Ctrl-C under a live bar', () => {
  it('the bar is taken down first (line cleared, cursor shown), the message starts there, and no bar is drawn after it', () => {
    const { stream, text } = terminal(100);
    const p = createProgress({ durationTicks: 2_000_000_000, plain: false, stream, env: { TERM: 'xterm' } });
    const interrupt = new Interrupt({ stdout: stream, stderr: stream, env: {} });
    opened.push(interrupt);
    interrupt.track(() => {});
    process.emit('SIGINT', 'SIGINT');
    p.update(1_000_000_000, 1000, 0);
    p.stop();
    const all = text();
    const at = all.indexOf('npusim: stopping (Ctrl-C again to quit at once)\n');
    expect(at).toBeGreaterThan(0);
    const before = all.slice(0, at);
    // Right before the message: the cursor shown again and the bar's line erased, no blank line.
    expect(before.endsWith('\u001b[2K')).toBe(true);
    expect(before.lastIndexOf('\u001b[?25h')).toBeGreaterThan(before.lastIndexOf('\u001b[?25l'));
    // Nothing after it: a bar redrawn there was left beside the summary (and the stop's return to
    // the bar's first line put the summary over the message).
    expect(all.slice(at)).toBe('npusim: stopping (Ctrl-C again to quit at once)\n');
  });
});

describe('takeDownBar (main.ts calls it before a crash message)', () => {
  it('stops the live bar once, giving back the cursor; with none drawn it does nothing', () => {
    const { stream, text } = terminal(100);
    expect(takeDownBar(stream)).toBe(false);
    const p = createProgress({ durationTicks: 2_000_000_000, plain: false, stream, env: { TERM: 'xterm' } });
    p.update(500_000_000, 1000, 0);
    expect(text()).toContain('\u001b[?25l');
    expect(takeDownBar(stream)).toBe(true);
    const all = text();
    expect(all.lastIndexOf('\u001b[?25h')).toBeGreaterThan(all.lastIndexOf('\u001b[?25l'));
    expect(takeDownBar(stream)).toBe(false);
    p.stop();
  });
});

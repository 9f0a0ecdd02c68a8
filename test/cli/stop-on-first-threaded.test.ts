/**
 * `npusim run --stop-on-first` on threads, from the command line: a run that stops at its first
 * finding runs again to it for its figures (runtime/threaded-runtime.ts), and says so before that
 * second run, whose progress would otherwise read as the run going back (or, with none, as a bar
 * frozen at the stop for as long again), and in its summary's engine section.
 */
import { describe, expect, it } from 'vitest';
import { unwrapped } from '../fixtures/unwrapped.js';
import { cli, FAILING_RUN } from './cli-harness.js';

/** flush-race with one flush, stopped at its first finding (16.66 us on seed 1). */
const STOPPED = [...FAILING_RUN, '--duration', '200us', '--stop-on-first', '--no-failure-file'];

describe('run --stop-on-first on threads', () => {
  it('says it runs again to the stop, and its summary says the figures are that run’s', async () => {
    const r = await cli([...STOPPED, '--workers', '2']);
    expect(r.code, r.stderr).toBe(1);
    const stop = /status violation/.test(r.stdout)
      ? /simulated (\S+ \S+) of 200 us/.exec(r.stdout)?.[1]
      : undefined;
    expect(stop).toBeDefined();
    expect(unwrapped(r.stderr, 8)).toContain(
      `npusim: stopped at the first finding at ${stop}; running again to it on the same threads, so that no figure counts what other threads handled past it (--inline runs once)`,
    );
    // The second run's wall time said apart: the run's own, and its rates, are the first run's.
    expect(unwrapped(r.stdout, 4)).toMatch(
      /run again to its stop for exact figures \(another [\d.]+ m?s wall\)/,
    );
    // The past-stop note is for runs whose figures do count past it (Ctrl-C, --free).
    expect(r.stdout).not.toContain('stopped at the first finding on threads');
    // The rings are the first run's, which ran past the stop: said so over them (QA: more ring
    // records than link messages, unsaid).
    expect(r.stdout).toMatch(/^ {2}rings \(the pass that found the stop, run past it\): /m);
  }, 60_000);

  it('Ctrl-C as it runs again to the stop: said, and its figures are the first run’s, which count past the stop', async () => {
    let sent = false;
    // In this process: the line is written before the second run starts, so the signal is heard
    // before it or while it runs, every time; either way it does not complete.
    const r = await cli([...STOPPED, '--workers', '2'], (soFar) => {
      if (!sent && /running again to it/.test(soFar)) {
        sent = true;
        process.emit('SIGINT', 'SIGINT');
      }
    });
    expect(sent).toBe(true);
    expect(r.code, r.stderr).toBe(1);
    expect(unwrapped(r.stderr, 8)).toContain(
      'npusim: the signal stopped the run again to its first finding: its findings are whole, its figures those of the first run, which count what other threads handled past the stop (the summary says so)',
    );
    expect(r.stderr).not.toContain('its result is whole');
    expect(unwrapped(r.stdout, 4)).toContain(
      'its run again to its stop for exact figures was stopped by a signal',
    );
    expect(unwrapped(r.stdout, 8)).toContain('stopped at the first finding on threads');
  }, 60_000);

  it('an inline run stops once and says nothing of a second run', async () => {
    const r = await cli([...STOPPED, '--inline']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).not.toContain('running again');
    expect(r.stdout).not.toContain('run again to its stop');
  }, 60_000);
});

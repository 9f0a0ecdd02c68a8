/**
 * `npusim run --check-hosts` stopped by Ctrl-C during its first (inline) run: it says the hosts
 * were not compared and that the summary is the inline run's (it said nothing, and its header and
 * reproduce line read as an inline run's). A child process sent a real SIGINT once its stderr
 * shows the inline run's progress (a hand-off, never a sleep); the duration is long enough that
 * the inline run cannot end before the signal.
 */
import { describe, expect, test } from 'vitest';
import { unwrapped } from '../fixtures/unwrapped.js';
import { cliChild } from '../support/cli-child.js';
import { FAST_PROGRESS } from '../support/fast-progress.js';

describe('--check-hosts, interrupted', () => {
  test('Ctrl-C during its inline run says the hosts were not compared and whose run the summary is', async () => {
    const r = await cliChild(
      ['run', 'stress', '--check-hosts', '--seed', '3', '--duration', '50ms', '--no-failure-file'],
      { interruptOn: '% simulated', env: FAST_PROGRESS },
    );
    expect(r.code, r.stderr).toBe(130);
    // Wrapped under its text at 100 columns: read back whole.
    expect(unwrapped(r.stderr, 'npusim: '.length)).toContain(
      'npusim: --check-hosts: interrupted during the inline run, before the threaded one: the hosts were not compared; the summary is the inline run so far',
    );
    expect(r.stderr).not.toContain(' agree, ');
  });
});

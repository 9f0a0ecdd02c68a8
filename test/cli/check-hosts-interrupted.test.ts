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
      [
        'run',
        'stress',
        '--check-hosts',
        '--workers',
        '3',
        '--seed',
        '3',
        '--duration',
        '50ms',
        '--no-failure-file',
      ],
      { interruptOn: '% simulated', env: FAST_PROGRESS },
    );
    expect(r.code, r.stderr).toBe(130);
    // Wrapped under its text at 100 columns: read back whole.
    expect(unwrapped(r.stderr, 'npusim: '.length)).toContain(
      'npusim: --check-hosts: interrupted during the inline run, before the threaded one; this is the inline run so far: the hosts were not compared',
    );
    expect(r.stderr).not.toContain(' agree, ');
    // The summary says it too, as a saved summary or result must (QA: they read as a plain inline run).
    expect(unwrapped(r.stdout, '  hosts: '.length)).toContain(
      '  hosts: not compared: interrupted during the inline run, before the threaded one; this is the inline run so far\n',
    );
    // The command to run again is the check as asked, its placement kept (it read `--inline`: QA).
    const again = /^reproduce: (.*)$/m.exec(r.stderr)?.[1];
    expect(again).toMatch(/^npusim run stress --seed 3 .*--workers 3 --check-hosts$/);
    expect(again).not.toContain('--inline');
  });
});

/**
 * `npusim run --strategy pct`'s measuring run (repro/pct-setup.ts), from the command line (QA
 * found each of these): it comes after every check of the options, so a usage error does not wait
 * for it; it leaves out `--crash-at`, so an injected crash is the PCT run's, reported as any
 * crash is (it was a stack trace from the measuring run); and Ctrl-C during it exits 130 saying
 * so (it was killed by the default handler, silently). The Ctrl-C test is a child process sent a
 * real SIGINT once its stderr shows the measuring run's progress (a hand-off, never a sleep); its
 * duration is long enough that the measuring run cannot end before the signal.
 */

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { unwrapped } from '../fixtures/unwrapped.js';
import { cliChild } from '../support/cli-child.js';
import { testTempDir } from '../support/temp-dir.js';
import { cli } from './cli-harness.js';

const PCT = ['--strategy', 'pct', '--seed', '1', '--inline'];

describe('PCT measuring run', () => {
  test("the result's pct.bound holds the measuring run's n and k (the failure file's agents and steps, summed); pct.steps the PCT run's own", async () => {
    const dir = testTempDir('npusim-pct-k-');
    const r = await cli([
      'run',
      'flush-race',
      '--bug',
      'single-flush',
      '--duration',
      '30us',
      '--failures',
      dir,
      '--json',
      ...PCT,
    ]);
    expect(r.code, r.stderr).toBe(1);
    const result = JSON.parse(r.stdout) as {
      pct: { steps: number; agents: number; bound: { steps: number; agents: number } };
    };
    const path = /npusim replay (\S+)\n$/.exec(r.stderr)![1]!;
    const file = JSON.parse(readFileSync(path, 'utf8')) as { strategy: { steps: number[]; agents: number } };
    expect(result.pct.bound.steps).toBe(file.strategy.steps.reduce((a, b) => a + b, 0));
    expect(result.pct.bound.agents).toBe(file.strategy.agents);
    expect(r.stderr).toContain(
      `n = ${file.strategy.agents} agents, k = ${result.pct.bound.steps} scheduling steps`,
    );
    // Steered, the PCT run takes other steps than its measuring run counted (README: --strategy).
    expect(result.pct.steps).toBeGreaterThan(0);
    expect(result.pct.steps).not.toBe(result.pct.bound.steps);
  });

  test('a bad --crash-at is refused before the measuring run', async () => {
    const r = await cli(['run', 'tce-storm', ...PCT, '--duration', '100us', '--crash-at', 'gpu9:50']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--crash-at: Expected an actor of witherspoon-6');
    expect(r.stderr).not.toContain('strategy pct depth');
  });

  test('--crash-at crashes the PCT run, reported as a crash with its result, not the measuring run', async () => {
    const r = await cli([
      'run',
      'tce-storm',
      ...PCT,
      '--duration',
      '10us',
      '--crash-at',
      'gpu2:50',
      '--json',
    ]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('strategy pct depth 3: n = ');
    expect(r.stderr).not.toContain('unexpected error');
    const result = JSON.parse(r.stdout) as { status: string; config: { strategy?: { kind: string } } };
    expect(result.status).toBe('crash');
    expect(result.config.strategy?.kind).toBe('pct');
  });

  test('Ctrl-C during the measuring run exits 130 and says the PCT run never began', async () => {
    const record = join(testTempDir('npusim-pct-int-'), 'int.json');
    const r = await cliChild(
      ['run', 'stress', ...PCT, '--duration', '50ms', '--no-failure-file', '--record', record],
      { interruptOn: 'PCT measuring run' },
    );
    expect(r.code, r.stderr).toBe(130);
    expect(unwrapped(r.stderr, 8)).toContain(
      "npusim: interrupted during PCT's measuring run (seed 1 run once to count its scheduling steps), before the PCT run began: no summary, and no file written (exit 130)",
    );
    expect(r.stderr).not.toContain('strategy pct depth');
    expect(existsSync(record)).toBe(false);
  });
});

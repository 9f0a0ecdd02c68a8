/**
 * A PCT run says how many of its d - 1 change points fired (RunResult `pct`, the summary's
 * header): they are drawn over the steps of the measuring run, and the PCT run, steered
 * otherwise, may stop short of one. The count is the run's own, so every host gives the same.
 */
import { describe, expect, test } from 'vitest';
import type { RunResult } from '../../src/report/run-result.js';
import { cli, STACK_FRAME } from './cli-harness.js';

const ARGS = ['run', 'mixed', '--seed', '5', '--duration', '50us', '--strategy', 'pct', '--pct-depth', '4'];

async function result(host: string): Promise<RunResult> {
  const r = await cli([...ARGS, host, '--json', '--no-failure-file']);
  expect(r.stderr).not.toMatch(STACK_FRAME);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as RunResult;
}

describe('PCT change points', () => {
  test('the result counts the change points that fired, the same on every host, and the header says it', async () => {
    const inline = await result('--inline');
    const pct = inline.pct!;
    expect(pct.changePoints.planned).toBe(3);
    expect(pct.changePoints.fired).toBeGreaterThanOrEqual(0);
    expect(pct.changePoints.fired).toBeLessThanOrEqual(3);
    expect(pct.steps).toBeGreaterThan(0);
    expect(pct.agents).toBeGreaterThan(0);
    const threaded = await result('--threads');
    expect(threaded.digest).toBe(inline.digest);
    expect(threaded.pct).toEqual(pct);

    const text = await cli([...ARGS, '--inline', '--no-failure-file']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.split('\n')[0]).toContain(
      `strategy pct (depth 4, ${pct.changePoints.fired} of 3 change points fired)`,
    );
  });

  test('a run with the random strategy has no PCT figures', async () => {
    const r = await cli([
      'run',
      'mixed',
      '--seed',
      '5',
      '--duration',
      '5us',
      '--inline',
      '--json',
      '--no-failure-file',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as RunResult).pct).toBeUndefined();
  });
});

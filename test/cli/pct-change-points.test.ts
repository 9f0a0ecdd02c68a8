/**
 * A PCT run says how many of its d - 1 change points fired (RunResult `pct`, the summary's
 * header): they are drawn over the steps of the measuring run, and the PCT run, steered
 * otherwise, may stop short of one. The count is the run's own, so every host gives the same.
 * A measuring run of fewer steps than d - 1 cuts the depth, and the run says so.
 */
import { describe, expect, test } from 'vitest';
import type { RunResult } from '../../src/report/run-result.js';
import { headerLine, unwrapped } from '../fixtures/unwrapped.js';
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
    expect(pct.changePoints.needed).toBe(3);
    // Steps enough for the depth: the bound is depth 4's, from the measuring run's n and k.
    expect(pct.bound.depth).toBe(4);
    expect(pct.bound.probability).toBe(1 / (pct.bound.agents * pct.bound.steps ** 3));
    expect(pct.changePoints.fired).toBeGreaterThanOrEqual(0);
    expect(pct.changePoints.fired).toBeLessThanOrEqual(3);
    expect(pct.steps).toBeGreaterThan(0);
    expect(pct.agents).toBeGreaterThan(0);
    const threaded = await result('--threads');
    expect(threaded.digest).toBe(inline.digest);
    expect(threaded.pct).toEqual(pct);

    const text = await cli([...ARGS, '--inline', '--no-failure-file']);
    expect(text.code, text.stderr).toBe(0);
    expect(headerLine(text.stdout)).toContain(
      `strategy pct (depth 4, ${pct.changePoints.fired} of 3 change points fired)`,
    );
  });

  test('a depth that needs more change points than the run has steps is said to be cut, with the bound that holds', async () => {
    // QA: depth 16 over 13 steps printed `>= 1/(n*k^15)` and `13 of 13 change points fired`.
    const cut = ['run', 'stress', '--seed', '1', '--duration', '1ns', '--topology', 'witherspoon-4'];
    const args = [...cut, '--strategy', 'pct', '--pct-depth', '16', '--inline', '--no-failure-file'];
    const json = await cli([...args, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const pct = (JSON.parse(json.stdout) as RunResult).pct!;
    const k = pct.bound.steps;
    expect(k).toBeLessThan(15);
    expect(pct.changePoints.needed).toBe(15);
    expect(pct.changePoints.planned).toBe(k);
    expect(pct.bound.depth).toBe(k + 1);
    expect(pct.bound.probability).toBe(1 / (pct.bound.agents * k ** k));
    const text = await cli(args);
    expect(text.code, text.stderr).toBe(0);
    // Wrapped under its text at 100 columns: read back whole.
    expect(unwrapped(text.stderr, 'npusim: '.length)).toContain(
      `npusim: strategy pct depth 16: n = ${pct.bound.agents} agents, k = ${k} scheduling steps; depth 16 needs 15 change points, one to a step, and the run has only ${k} steps, so ${k} were placed and PCT's guarantee does not reach depth 16: a bug of depth ${k + 1} is found with probability >= 1/(n*k^${k}) = ${pct.bound.probability.toExponential(2)}\n`,
    );
    expect(text.stderr).not.toContain('1/(n*k^15)');
    expect(headerLine(text.stdout)).toContain(
      `strategy pct (depth 16, ${pct.changePoints.fired} of ${k} change points fired; 15 needed, only ${k} steps)`,
    );
    // A sweep's closing count says it too (QA: `18 of 18 over 2 seeds`, and no word of the cut).
    const sweep = await cli(
      'sweep stress --seeds 1..2 --duration 1ns --topology witherspoon-4 --strategy pct --pct-depth 16 --jobs 1'.split(
        ' ',
      ),
    );
    expect(sweep.code, sweep.stderr).toBe(0);
    expect(unwrapped(sweep.stderr, 8)).toMatch(
      /change points fired: \d+ of \d+ over 2 seeds; 15 needed a seed, fewer placed in 2 of them \(too few steps\)\n/,
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

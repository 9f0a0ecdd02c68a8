/**
 * `--check-hosts --workers N`: when the hosts disagree, the reproduce line runs the same placement
 * again (a divergence may belong to one placement: `--workers 3` cuts the machine where one worker
 * per actor does not). The comparison is made to disagree by a digest that differs per call.
 */
import { describe, expect, it, vi } from 'vitest';
import { placementWords } from '../../src/cli/check-hosts.js';
import type { RunResult } from '../../src/report/run-result.js';
import { cli } from './cli-harness.js';

vi.mock('../../src/runtime/digest.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/runtime/digest.js')>();
  let calls = 0;
  return { ...real, combineDigests: vi.fn(() => `${String(++calls).padStart(16, '0')}`) };
});

/** A short run whose two hosts the mocked digest makes disagree; `--workers` takes the next word. */
const MISMATCH = ['run', 'flush-race', '--seed', '1', '--duration', '5us', '--check-hosts', '--workers'];

describe('--check-hosts: the reproduce line of a mismatch', () => {
  it('names --workers N, so the placement that diverged runs again', async () => {
    const r = await cli([...MISMATCH, '3']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/the hosts disagree/);
    expect(r.stderr).toMatch(/\nreproduce: npusim run flush-race --seed 1 .* --workers 3 --check-hosts\n/);
  });

  it('--json says which digests differed, and on which placement', async () => {
    const r = await cli([...MISMATCH, '2', '--json', '--no-failure-file']);
    expect(r.code).toBe(4);
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.status).toBe('crash');
    const checked = result.engine.hostsChecked!;
    expect(checked.agree).toBe(false);
    expect(checked.placement).toBe('2');
    expect(checked.inline).not.toBe(checked.threaded);
    expect(result.crash?.message).toContain(`inline digest ${checked.inline}, threaded ${checked.threaded}`);
    // The result's line is the one stderr printed: the placement that diverged, checked again.
    expect(result.reproduce).toMatch(/^npusim run flush-race --seed 1 .* --workers 2 --check-hosts$/);
    expect(r.stderr).toContain(`\nreproduce: ${result.reproduce}\n`);
  });

  it.each([
    [undefined, ''],
    [{ kind: 'per-actor' as const }, ''],
    [{ kind: 'auto' as const }, ' --workers auto'],
    [{ kind: 'workers' as const, count: 2 }, ' --workers 2'],
  ])('placement %j reads `%s`', (placement, words) => {
    expect(placementWords(placement)).toBe(words);
  });
});

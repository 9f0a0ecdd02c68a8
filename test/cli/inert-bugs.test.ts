/**
 * `--bug` with nothing to act on is said before the run (src/cli/inert-bugs.ts), by run and by
 * sweep, and the run goes on; a switch with a step to act on, or one a profile brings, is not.
 */

import { describe, expect, test } from 'vitest';
import { unwrapped } from '../fixtures/unwrapped.js';
import { cli } from './cli-harness.js';

const NOTE =
  'npusim: --bug links-enabled-per-gpu has nothing to act on in this run: it changes per-gpu-isolated groups only, and its policy is per-socket; it runs as without the switch';

/** `command workload ...options` over 5 us with seed 1 (sweep: seeds 1, one job). */
function short(command: 'run' | 'sweep', workload: string, ...options: string[]) {
  const seed = command === 'run' ? ['--seed', '1', '--inline'] : ['--seeds', '1', '--jobs', '1'];
  return cli([command, workload, ...options, ...seed, '--duration', '5us']);
}

describe('--bug with nothing to act on', () => {
  test('run and sweep say so on stderr, and run as asked', async () => {
    // A workload without variants (flush-race's would make the own run `the workload's own run`).
    const run = await short('run', 'shootdown-storm', '--bug', 'links-enabled-per-gpu');
    expect(run.code).toBe(0);
    expect(unwrapped(run.stderr, 8)).toContain(NOTE);
    expect(run.stdout).toContain('bugs: links-enabled-per-gpu');
    const sweep = await short('sweep', 'shootdown-storm', '--bug', 'links-enabled-per-gpu');
    expect(sweep.code).toBe(0);
    expect(unwrapped(sweep.stderr, 8)).toContain(NOTE);
  });

  test('a switch with a step to act on, or brought by a profile, is not said', async () => {
    const acts = await short('run', 'tenant-isolation', '--bug', 'links-enabled-per-gpu');
    expect(acts.stderr).not.toContain('has nothing to act on');
    const profile = await short('run', 'mixed', '--profile', 'as-shipped');
    expect(profile.code).toBe(0);
    expect(profile.stderr).not.toContain('has nothing to act on');
  });

  test("each variant is looked at with its own parameters, apart from the workload's own run", async () => {
    // multi-tenant's own run has per-gpu-isolated groups (the switch acts); its variants do not.
    const run = await short('run', 'multi-tenant', '--bug', 'links-enabled-per-gpu');
    expect(unwrapped(run.stderr, 8)).toContain(
      '--bug links-enabled-per-gpu has nothing to act on in variant per-socket: it changes per-gpu-isolated groups only, and its policy is per-socket;',
    );
    expect(run.stderr).toContain('has nothing to act on in variant per-gpu:');
    expect(run.stderr).not.toContain("in the workload's own run");
    expect(run.stderr).not.toContain('in this run');
  });
});

describe('--policy that cannot matter', () => {
  test('one tenant owning every GPU: run says so on stderr, only for a --policy given and only where certain', async () => {
    const run = await short('run', 'stress', '--policy', 'per-gpu');
    expect(run.code).toBe(0);
    expect(unwrapped(run.stderr, 8)).toContain(
      'npusim: --policy per-gpu has no effect on this run: one tenant (host) takes every group, so it owns every GPU under any policy',
    );
    for (const options of [[], ['--policy', 'per-gpu-isolated']]) {
      expect((await short('run', 'stress', ...options)).stderr).not.toContain('has no effect');
    }
    expect((await short('run', 'tenant-isolation', '--policy', 'per-gpu')).stderr).not.toContain(
      'has no effect',
    );
    // A sweep says it too, of each seed's run (QA: it said nothing).
    const sweep = await short('sweep', 'stress', '--policy', 'per-gpu');
    expect(sweep.code).toBe(0);
    expect(unwrapped(sweep.stderr, 8)).toContain(
      "npusim: --policy per-gpu has no effect on each seed's run: one tenant (host) takes every group",
    );
  });
});

describe('--set with nothing to act on', () => {
  test('run and sweep say so on stderr, with why, and run as asked; a set that acts is not said', async () => {
    const note =
      'npusim: --set gpu.collectiveBytes has nothing to act on in this run: no ring all-reduce runs (`gpu.collective` none); its events are the same as without it (only the run digest, which hashes the parameters, differs)';
    const run = await short('run', 'stress', '--set', 'gpu.collectiveBytes=4096');
    expect(run.code).toBe(0);
    expect(unwrapped(run.stderr, 8)).toContain(note);
    const sweep = await short('sweep', 'stress', '--set', 'gpu={"collectiveBytes":4096}');
    expect(sweep.code).toBe(0);
    expect(unwrapped(sweep.stderr, 8)).toContain(note);
    const acts = await short('run', 'p2p-allreduce', '--set', 'gpu.collectiveBytes=4096');
    expect(acts.code).toBe(0);
    expect(acts.stderr).not.toContain('has nothing to act on');
  });
});

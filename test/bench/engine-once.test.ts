import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { workloadConfig } from '../../bench/bench-run.js';
import { combineDigests } from '../../src/runtime/digest.js';
import { runRaw } from '../../src/runtime/engine.js';

/** `npm run bench -- engine --start cold` runs each run through this script in a fresh process. */
describe('engine bench, cold runs (bench/engine-once.ts)', () => {
  test('a run in a fresh process gives the digest, events and end of the same run in this one', async () => {
    const request = { workload: 'stress', seed: 7, durationTicks: 20_000_000, options: { host: 'inline' } };
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bench/engine-once.ts', JSON.stringify(request)],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const got = JSON.parse(child.stdout.trim()) as Record<string, number | string>;
    const here = await runRaw(await workloadConfig('stress', 7, 20_000_000), { host: 'inline' });
    expect(got.digest).toBe(combineDigests(here.actorDigests));
    expect(got.events).toBe(here.events);
    expect(got.reachedTick).toBe(here.reachedTick);
    expect(got.wallMs).toBeGreaterThan(0);
  }, 90_000);

  test('an unknown workload fails with its name and a non-zero exit', () => {
    const request = { workload: 'nope', seed: 7, durationTicks: 1000, options: { host: 'inline' } };
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bench/engine-once.ts', JSON.stringify(request)],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(child.status).not.toBe(0);
    expect(child.stderr).toContain('no workload nope');
  }, 90_000);
});

/**
 * A switch the command's `--profile` carries widens a run's expectation as the same `--bug` does,
 * where the workload exposes it (QA: `guest-atsd --profile as-shipped` judged its first-link
 * variant, which found what as-shipped's host-atsd-ignores-lparid is exposed for, against its
 * plain `clean`, and the command exited 1 `NOT as expected`; `--bug host-atsd-ignores-lparid` on
 * the fixed profile met it).
 */
import { expect, test } from 'vitest';
import type { RunResult } from '../../src/report/run-result.js';
import { cli } from './cli-harness.js';

const firstLink = ['run', 'guest-atsd', '--variant', 'first-link', '--seed', '1', '--duration', '100us'];

async function judged(args: readonly string[]): Promise<RunResult> {
  const r = await cli([...firstLink, ...args, '--inline', '--json', '--no-failure-file']);
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).not.toContain('NOT as expected');
  return JSON.parse(r.stdout) as RunResult;
}

test('first-link on --profile as-shipped is judged as under --bug host-atsd-ignores-lparid: as expected', async () => {
  const profile = await judged(['--profile', 'as-shipped']);
  const bug = await judged(['--bug', 'host-atsd-ignores-lparid']);
  for (const r of [profile, bug]) {
    expect(Object.keys(r.expectation!.found).sort()).toEqual(['isolation.dma', 'translation.stale-ats']);
    expect(r.expectation).toMatchObject({
      expect: ['translation.stale-ats', 'isolation.dma'],
      met: true,
      byBugs: ['host-atsd-ignores-lparid'],
    });
  }
  // The profile's other switches (no TCE page in this workload for them to act on) are no `--bug`
  // the declaration was made without.
  expect(profile.expectation).not.toHaveProperty('notExposed');
});

test("a sweep's summary states the expectation its seeds are judged by, the profile's switch included (QA: it printed `clean`)", async () => {
  const r = await cli([
    ...['sweep', 'guest-atsd', '--variant', 'first-link', '--profile', 'as-shipped', '--seeds', '1..1'],
    ...['--duration', '100us', '--json', '--no-failure-file'],
  ]);
  const summary = JSON.parse(r.stdout) as { expectation: Record<string, unknown> };
  expect(summary.expectation).toMatchObject({
    variant: 'first-link',
    expect: ['translation.stale-ats', 'isolation.dma'],
    byBugs: ['host-atsd-ignores-lparid'],
    met: 1,
  });
});

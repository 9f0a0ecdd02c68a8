/**
 * A failing run recorded (`npusim run ARGS --inline --record FILE`) and replayed inline, as
 * `npusim replay FILE` does: the file's text and the replay's outcome. The run must fail (exit 1).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type ReplayOutcome, replayFailure } from '../../src/repro/replay.js';
import { loadWorkloads } from '../../src/runtime/workload-registry.js';
import { cli } from '../cli/cli-harness.js';
import { testTempDir } from './temp-dir.js';

export async function recordedReplay(args: string[]): Promise<{ text: string; r: ReplayOutcome }> {
  const path = join(testTempDir('npusim-recorded-replay-'), 'r.json');
  const run = await cli(['run', ...args, '--inline', '--no-failure-file', '--record', path]);
  expect(run.code, run.stderr).toBe(1);
  const text = readFileSync(path, 'utf8');
  return { text, r: await replayFailure(text, path, await loadWorkloads(), 'inline') };
}

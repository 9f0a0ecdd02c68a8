/**
 * A replay keeps the first finding as its history's run recorded it (ReplayOutcome.findingRecord):
 * that run ends with the finding's tick, so the other actors' evidence of it (model/check/
 * evidence.ts: the page's free, the GPUs' ATS cache events) is taken there, not at the end of a
 * replayed run that went on long after and whose bounded histories may have forgotten it (QA).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { replayFailure } from '../../src/repro/replay.js';
import { loadWorkloads } from '../../src/runtime/workload-registry.js';
import { cli } from '../cli/cli-harness.js';
import { testTempDir } from '../support/temp-dir.js';

describe("the finding's record in a replay", () => {
  test("is the history's run's, taken at the finding: with the other actors' evidence on its page", async () => {
    const path = join(testTempDir('npusim-finding-record-'), 'r.json');
    // Seed 12: its stale translation's refill raced an invalidate, so a GPU's ATS cache kept evidence.
    const args = ['guest-atsd', '--bug', 'host-atsd-ignores-lparid', '--seed', '12', '--duration', '300us'];
    const run = await cli(['run', ...args, '--inline', '--no-failure-file', '--record', path]);
    expect(run.code, run.stderr).toBe(1);
    const r = await replayFailure(readFileSync(path, 'utf8'), path, await loadWorkloads(), 'inline');
    expect(r.found?.rule).toBe('translation.stale-ats');
    expect(r.findingRecord).toMatchObject({
      rule: r.found!.rule,
      tick: r.found!.tick,
      message: r.found!.message,
    });
    const history = r.findingRecord!.history;
    expect(history.some((l) => / page\.free \{.*\} \(coordinator\)$/.test(l))).toBe(true);
    expect(history.some((l) => / ats\.\S+ \{.*\} \(gpu\d\)$/.test(l))).toBe(true);
    // Nothing after the finding: the record ends with the stale DMA's landing.
    expect(history.at(-1)).toMatch(new RegExp(`^${r.found!.tick} dma\\.land `));
  });
});

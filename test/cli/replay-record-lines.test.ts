/**
 * `npusim replay`'s text beside its history: the oracle's record lines print their addresses in
 * hex as the history's lines do (the failure file keeps them as they were), and a replayed run
 * with an expectation says it on a line of its own, in the run's words (it was in --json only).
 */
import { describe, expect, test } from 'vitest';
import { replayText } from '../../src/cli/replay-command.js';
import { recordedReplay } from '../support/recorded-replay.js';

describe('replay text', () => {
  test("the oracle's record prints addresses in hex, as the history does; the file keeps them as they were", async () => {
    const { text, r } = await recordedReplay([
      'tce-storm',
      '--bug',
      'tce-kill-no-advance',
      '--seed',
      '1',
      '--duration',
      '5us',
    ]);
    const lines = replayText(r).join('\n').split('\n');
    const record = lines.filter((l) => l.startsWith('    | '));
    const clear = record.find((l) => l.includes(' tce.clear '))!;
    expect(clear).toMatch(/^ {4}\| \d+ tce\.clear \{"gpu":\d+,"index":\d+,"pa":0x[0-9a-f]+\}$/);
    const access = record.find((l) => l.includes(' tce.access '))!;
    expect(access).toMatch(/"busAddr":0x[0-9a-f]+,"pa":0x[0-9a-f]+,"stale":true,"generation":\d+,/);
    // Display only: the record a file keeps is the oracle's, in decimal.
    expect(text).not.toMatch(/"pa":0x/);
  });

  test("a run with an expectation: what was expected and whether the replay met it, in the run's words", async () => {
    const { r } = await recordedReplay([
      'flush-race',
      '--bug',
      'single-flush',
      '--seed',
      '1',
      '--duration',
      '30us',
    ]);
    expect(r.result?.expectation?.met).toBe(true);
    const lines = replayText(r).join('\n').split('\n');
    expect(lines.filter((l) => l.startsWith('  expected ('))).toHaveLength(1);
    const text = lines.join('\n').replace(/\n +/g, ' ');
    expect(text).toContain(
      'expected (variant single-flush, this run: --bug single-flush): translation.stale-ats or order.free-before-flushes or order.atsd-released-early: as expected',
    );
  });
});

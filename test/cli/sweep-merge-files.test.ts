/**
 * `npusim sweep --merge`: a shard's failure files are named where they are now, beside its
 * summary, not by the path its sweep was given: shards run with the default `./npusim-failures`
 * in their own working directories (or on a cluster's mount) and merged from elsewhere must still
 * print a `replay the earliest` line, and `--json` file paths, that open from where the merge ran.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { SweepSummary } from '../../src/sweep/summary.js';
import { shardSummary } from '../support/sweep-shard.js';
import { testTempDir } from '../support/temp-dir.js';
import { cli } from './cli-harness.js';

/** Shard k of 2 of seeds 1..4 whose seed `seed` failed, its file written as `written`. */
function failing(k: number, seed: number, tick: number, written: string): SweepSummary {
  const s = shardSummary(k, 2, { first: 1, last: 4 });
  return {
    ...s,
    clean: s.ran - 1,
    failed: 1,
    byClass: { clean: s.ran - 1, violation: 1 },
    byRule: {
      'translation.stale-ats': { seeds: 1, firstSeed: seed, earliestTick: tick, earliestSeed: seed },
    },
    failures: [{ seed, status: 'violation', rule: 'translation.stale-ats', tick, file: written }],
    worstExitCode: 1,
  };
}

/**
 * Shards 1 and 2 of seeds 1..4 in a fresh folder, shard k's in job<k>/<sub>: its summary, whose
 * failing seed's file it names as `named(name)`, and that file beside it where `copied(k)`.
 */
function twoShards(
  prefix: string,
  sub: string,
  copied: (k: number) => boolean,
  named: (name: string) => string,
): string[] {
  const root = testTempDir(prefix);
  return (
    [
      [1, 1, 900],
      [2, 2, 500],
    ] as const
  ).map(([k, seed, tick]) => {
    const dir = join(root, `job${k}`, sub);
    mkdirSync(dir, { recursive: true });
    const name = `stress-seed${seed}-translation.stale-ats-0000000${k}.json`;
    if (copied(k)) writeFileSync(join(dir, name), '{}\n');
    const s = failing(k, seed, tick, named(name));
    writeFileSync(join(dir, `sweep-summary-${k}-of-2.json`), `${JSON.stringify(s, null, 2)}\n`);
    return dir;
  });
}

describe('sweep --merge: failure files', () => {
  test('are named by the directory of the summary that lists them', async () => {
    // As shards run in job<k>/ with the default --failures leave them.
    const dirs = twoShards(
      'npusim-merge-files-',
      'npusim-failures',
      () => true,
      (n) => `npusim-failures/${n}`,
    );
    const r = await cli(['sweep', '--merge', ...dirs]);
    expect(r.code).toBe(1);
    const earliest = join(dirs[1]!, 'stress-seed2-translation.stale-ats-00000002.json');
    expect(r.stdout).toContain(`  replay the earliest: npusim replay ${earliest}\n`);
    const json = await cli(['sweep', '--merge', ...dirs, '--json']);
    const files = (JSON.parse(json.stdout) as SweepSummary).failures.map((f) => f.file!);
    expect(files).toEqual([join(dirs[0]!, 'stress-seed1-translation.stale-ats-00000001.json'), earliest]);
    for (const f of files) expect(existsSync(f)).toBe(true);
    expect(r.stderr).not.toContain('not beside');
  });

  test('one not beside its summary is said on stderr, and the merge goes on (QA Q17: its replay line led to ENOENT)', async () => {
    // Only the summaries were copied off shard 2's machine.
    const dirs = twoShards(
      'npusim-merge-missing-',
      '',
      (k) => k === 1,
      (n) => n,
    );
    const r = await cli(['sweep', '--merge', ...dirs]);
    expect(r.code).toBe(1);
    const gone = join(dirs[1]!, 'stress-seed2-translation.stale-ats-00000002.json');
    expect(r.stderr).toContain(
      `npusim: sweep --merge: 1 failure file the summaries name is not beside its summary (${gone}): copy it there to replay it (the merge itself reads none)\n`,
    );
    expect(r.stdout).toContain('  failing seeds: 1,2 (again: --seeds 1,2)');
  });
});

describe('sweep --merge: a directory with no summary', () => {
  // QA: a --results directory, whose files are a set for compare, was refused with no word of it.
  test('is refused, and one of other .json files is said to be a set for compare', async () => {
    const empty = testTempDir('npusim-merge-empty-');
    const none = await cli(['sweep', '--merge', empty]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(
      `npusim: --merge: Expected sweep-summary*.json in \`${empty}\` (a sweep's --failures directory), got none\n`,
    );
    const results = testTempDir('npusim-merge-results-');
    for (const seed of [1, 2]) writeFileSync(join(results, `stress-seed${seed}.json`), '{}');
    const held = await cli(['sweep', '--merge', results]);
    expect(held.code).toBe(2);
    expect(held.stderr.replace(/\s+/g, ' ')).toContain(
      `got none; it holds 2 other .json files: run results of \`sweep --results\` are a set for \`npusim compare ${results} OTHER_DIR\``,
    );
    // A path that is not there: said in words, as every reader of a user's file says it (QA).
    const missing = join(empty, 'nope');
    const gone = await cli(['sweep', '--merge', missing]);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain(
      `npusim: --merge: Expected a directory of shard summaries, got \`${missing}\`: no such file (ENOENT)\n`,
    );
  });
});

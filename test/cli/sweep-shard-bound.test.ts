/**
 * `--shard K/N` is bounded by the number of seeds, and a merge names missing shards as ranges (QA:
 * `--shard 1/1000000000` over 3 seeds ran, and its merge crashed V8 building a list of a billion
 * missing shards; 99999 missing shards were a 689 KB line).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { numbersText } from '../../src/sweep/summary-merge.js';
import { shardSummary } from '../support/sweep-shard.js';
import { testTempDir } from '../support/temp-dir.js';
import { cli } from './cli-harness.js';

describe('sweep --shard K/N: N is bounded by the seeds', () => {
  test('N above the number of seeds is refused before the sweep (exit 2)', async () => {
    const r = await cli(['sweep', '--seeds', '1..3', '--shard', '1/1000000000', '--duration', '1us']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'npusim: --shard: Expected N from 1 to the number of seeds (3), got 1000000000',
    );
    expect(r.stdout).toBe('');
  });

  test('a merge refuses a summary whose N exceeds its seeds, naming the file', async () => {
    const dir = testTempDir('npusim-shard-bound-');
    writeFileSync(
      join(dir, 'sweep-summary-1-of-1000000000.json'),
      JSON.stringify(shardSummary(1, 1_000_000_000, { first: 1, last: 3 })),
    );
    const r = await cli(['sweep', '--merge', dir, '--partial']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `${join(dir, 'sweep-summary-1-of-1000000000.json')}: shards.count: Expected N from 1 to the number of seeds (3), got 1000000000`,
    );
  });

  test('missing shards are said as ranges', async () => {
    expect(numbersText([2, 3, 4, 5, 9, 11, 12])).toBe('2..5, 9, 11, 12');
    const dir = testTempDir('npusim-shard-ranges-');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'sweep-summary-1-of-1000.json'),
      JSON.stringify(shardSummary(1, 1000, { first: 1, last: 2000 })),
    );
    const r = await cli(['sweep', '--merge', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('shards 2..1000 of 1000 missing');
  });
});

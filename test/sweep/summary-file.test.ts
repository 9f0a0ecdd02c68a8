/**
 * Where a sweep's summary goes in its failures directory (src/sweep/summary-file.ts): a stopped
 * summary of this configuration and other seeds (the sweep it resumes) is kept beside it, another
 * sweep's finished shard summary of this configuration is never replaced (this one takes the next
 * name), and a rerun, or a sweep of another configuration, replaces what is there, as before.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { SeedRange } from '../../src/sweep/seeds.js';
import type { SweepSummary } from '../../src/sweep/summary.js';
import { placeSummary } from '../../src/sweep/summary-file.js';
import { shardSummary, sweepParams } from '../support/sweep-shard.js';
import { testTempDir } from '../support/temp-dir.js';

const SEEDS: SeedRange = { first: 1, last: 8 };

/** Shard 1 of 2 of seeds 1..8 ran to its end. */
const finished = (seeds: SeedRange = SEEDS) => shardSummary(1, 2, seeds);

/** Shard 1 of 2 of seeds 1..8 stopped after its first seed: 3, 5 and 7 not run. */
const stopped = (): SweepSummary =>
  shardSummary(1, 2, SEEDS, {
    ran: 1,
    clean: 1,
    byClass: { clean: 1 },
    stoppedEarly: true,
    stop: { reasons: ['SIGINT'], notRun: [{ first: 3, last: 7, every: 2 }] },
  });

/** `dir` holding `summary` as `name`: its text, to check it is left as it was. */
function holding(dir: string, name: string, summary: SweepSummary): string {
  const text = `${JSON.stringify(summary, null, 2)}\n`;
  writeFileSync(join(dir, name), text);
  return text;
}

const NAME = 'sweep-summary-1-of-2.json';
/** The range-form resume of shard 1/2's seeds left: `--seeds 3..7 --shard 1/2`. */
const resume = () => shardSummary(1, 2, { first: 3, last: 7 });

describe('placeSummary', () => {
  test('a stopped shard summary of this configuration and other seeds is kept beside this one', () => {
    const dir = testTempDir('npusim-place-');
    const text = holding(dir, NAME, stopped());
    const placed = placeSummary(dir, NAME, resume());
    expect(placed).toEqual({ path: join(dir, NAME), keptStopped: join(dir, 'sweep-summary-stopped-1.json') });
    expect(readFileSync(join(dir, 'sweep-summary-stopped-1.json'), 'utf8')).toBe(text);
    expect(existsSync(join(dir, NAME))).toBe(false);
  });

  test("another sweep's finished shard summary of this configuration stays; this one takes the next free name", () => {
    const dir = testTempDir('npusim-place-');
    holding(dir, NAME, finished());
    const placed = placeSummary(dir, NAME, resume());
    expect(placed.path).toBe(join(dir, 'sweep-summary-1-of-2-2.json'));
    expect(placed.beside?.path).toBe(join(dir, NAME));
    expect(placed.keptStopped).toBeUndefined();
    // The next name holding this sweep's own summary (a rerun of the resume) is replaced.
    holding(dir, 'sweep-summary-1-of-2-2.json', resume());
    expect(placeSummary(dir, NAME, resume()).path).toBe(join(dir, 'sweep-summary-1-of-2-2.json'));
    expect(readdirSync(dir).sort()).toEqual(['sweep-summary-1-of-2-2.json', NAME]);
  });

  test('a rerun of the same seeds and shard, a sweep of another configuration, or a whole sweep of other seeds, replaces it', () => {
    const dir = testTempDir('npusim-place-');
    holding(dir, NAME, stopped());
    expect(placeSummary(dir, NAME, finished())).toEqual({ path: join(dir, NAME) });
    const other = finished();
    other.sweep = { ...other.sweep, params: sweepParams(2_000_000) };
    holding(dir, NAME, other);
    expect(placeSummary(dir, NAME, resume())).toEqual({ path: join(dir, NAME) });
    const whole = (seeds: SeedRange) => ({ ...shardSummary(1, 1, seeds), shards: null });
    holding(dir, 'sweep-summary.json', whole(SEEDS));
    expect(placeSummary(dir, 'sweep-summary.json', whole({ first: 9, last: 16 }))).toEqual({
      path: join(dir, 'sweep-summary.json'),
    });
    expect(readdirSync(dir).sort()).toEqual([NAME, 'sweep-summary.json']);
  });
});

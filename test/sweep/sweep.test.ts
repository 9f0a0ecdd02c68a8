/**
 * Sweeps on a piscina pool: the union of the shards of a range is the unsharded summary, shard
 * summaries of different sweeps are refused, and seed ranges and shards are parsed strictly.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { parseParams } from '../../src/model/scenario/workload-params.js';
import { parseSeedRange, parseShard, seedsOf } from '../../src/sweep/seeds.js';
import { mergeSummaries, type SweepSummary } from '../../src/sweep/summary.js';
import { runSweep } from '../../src/sweep/sweep.js';
import { workloads } from '../../workloads/index.js';
import { testTempDir } from '../support/temp-dir.js';

const w = workloads.find((x) => x.name === 'flush-race')!;
const config = {
  workload: w.name,
  seed: 0,
  bugs: ['single-flush' as const],
  params: parseParams({ ...w.params, durationTicks: 16_500_000 }, w.name),
};

/** What two summaries of the same seeds must agree on (wall time and shard bookkeeping aside). */
const comparable = (s: SweepSummary) => ({ ...s, wallMs: 0, shards: null });

describe('sweep', () => {
  test('sweep: the union of --shard 1/3, 2/3 and 3/3 equals the unsharded summary', async () => {
    const dir = testTempDir('npusim-sweep-');
    const seeds = parseSeedRange('1..9');
    const whole = await runSweep({ config, workload: w, seeds, jobs: 2, failuresDir: join(dir, 'all') });
    expect(whole.ran).toBe(9);
    expect(whole.failed).toBeGreaterThan(0);
    expect(whole.clean + whole.failed).toBe(9);
    expect(readdirSync(join(dir, 'all')).filter((f) => f.endsWith('.json'))).toHaveLength(whole.failed);
    const parts = [];
    for (const k of [1, 2, 3]) {
      const shard = { index: k, count: 3 };
      const s = await runSweep({
        config,
        workload: w,
        seeds,
        shard,
        jobs: 2,
        failuresDir: join(dir, `s${k}`),
      });
      expect(s.ran).toBe(3);
      parts.push({ summary: s, where: `shard ${k}` });
    }
    const merged = mergeSummaries(parts);
    const strip = (s: SweepSummary) => ({
      ...comparable(s),
      failures: s.failures.map((f) => ({ ...f, file: null })),
    });
    expect(strip(merged)).toEqual(strip(whole));
  });

  test('sweep: --stop-on-first hands out no more seeds once one fails', async () => {
    const s = await runSweep({
      config,
      workload: w,
      seeds: parseSeedRange('1..50'),
      jobs: 1,
      stopOnFirst: true,
    });
    expect(s.failed).toBe(1);
    expect(s.ran).toBeLessThan(50);
    expect(s.stoppedEarly).toBe(true);
  });

  test('sweep --merge: refuses no summary, a shard given twice, or a shard of another sweep, naming it', () => {
    const base: SweepSummary = {
      format: 'npusim-sweep-summary',
      version: 1,
      sweep: { workload: 'x' },
      seeds: { first: 1, last: 9 },
      shards: { count: 3, covered: [1] },
      ran: 3,
      clean: 3,
      failed: 0,
      byClass: { clean: 3 },
      byRule: {},
      failures: [],
      worstExitCode: 0,
      stoppedEarly: false,
      wallMs: 1,
    };
    expect(() => mergeSummaries([])).toThrow(ConfigError);
    expect(() =>
      mergeSummaries([
        { summary: base, where: 'a' },
        { summary: base, where: 'b' },
      ]),
    ).toThrow(/b: .*shard 1\/3 again/);
    const other = { ...base, sweep: { workload: 'y' }, shards: { count: 3, covered: [2] } };
    expect(() =>
      mergeSummaries([
        { summary: base, where: 'a' },
        { summary: other, where: 'c' },
      ]),
    ).toThrow(/c: .*another sweep/);
  });
});

describe('seeds', () => {
  test('seeds: a range and its shards, which cover it exactly once between them', () => {
    const r = parseSeedRange('5..14');
    expect(seedsOf(r)).toHaveLength(10);
    const union = [1, 2, 3].flatMap((k) => seedsOf(r, parseShard(`${k}/3`)));
    expect(union.sort((a, b) => a - b)).toEqual(seedsOf(r));
  });

  test.each(['1-5', '5..1', 'a..b', '1..', `1..${2 ** 60}`])(
    'seeds: `%s` is refused naming --seeds',
    (text) => {
      expect(() => parseSeedRange(text)).toThrow(/--seeds/);
    },
  );

  test.each(['0/3', '4/3', '1/0', '1-3', 'x'])('shard: `%s` is refused naming --shard', (text) => {
    expect(() => parseShard(text)).toThrow(/--shard/);
  });
});

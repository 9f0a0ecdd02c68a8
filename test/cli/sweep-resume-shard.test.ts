/**
 * A stopped shard's resume, as its `not run:` line prints it in range form (`--seeds 3..7 --shard
 * 1/2`: the resume's own shard numbering), run into the shard's own directory: it keeps the stopped
 * summary beside its own, never replaces another shard's finished summary that has its name, and
 * `sweep --merge DIR` joins them into the whole sweep (QA: the resume wrote
 * `sweep-summary-1-of-2.json` over the stopped shard's summary, or over the finished shard 1/2's).
 * And two sweeps whose `--set`s differ only in order are one sweep (QA: the resume replaced the
 * stopped summary and the merge called the resumed seeds alone complete).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PROGRESS_INTERVAL_ENV } from '../../src/cli/progress-interval.js';
import type { SweepSummary } from '../../src/sweep/summary.js';
import { unwrapped } from '../fixtures/unwrapped.js';
import { testTempDir } from '../support/temp-dir.js';
import { cli } from './cli-harness.js';

const sweep = (dir: string, seeds: string, more: string[] = []) => [
  'sweep',
  'stress',
  '--seeds',
  seeds,
  '--duration',
  '5us',
  '--jobs',
  '1',
  '--failures',
  dir,
  ...more,
];

/** `sweep --merge DIR --json`: the whole sweep's seeds, the seeds it ran and whether it stopped early. */
async function mergedWhole(dir: string): Promise<unknown[]> {
  const merged = await cli(['sweep', '--merge', dir, '--json']);
  expect(merged.code, merged.stderr).toBe(0);
  const whole = JSON.parse(merged.stdout) as SweepSummary;
  return [whole.seeds, whole.ran, whole.stoppedEarly];
}

/**
 * `argv` stopped by Ctrl-C once its first seed is counted: a progress line per seed, and the
 * signal at the first (with --jobs 1 the next seed then does not start, so it ran one seed).
 */
async function stoppedAfterOne(argv: string[]) {
  let sent = false;
  const r = await cli(
    argv,
    (soFar) => {
      if (!sent && /sweep 1\/\d+ seeds/.test(soFar)) {
        sent = true;
        process.emit('SIGINT', 'SIGINT');
      }
    },
    { NO_COLOR: '1', [PROGRESS_INTERVAL_ENV]: '0.001' },
  );
  expect(sent).toBe(true);
  expect(r.code, r.stderr).toBe(130);
  return r;
}

const summaries = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.startsWith('sweep-summary'))
    .sort();
const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as SweepSummary;

describe("sweep: a stopped shard's resume in range form, into the shard's own directory", () => {
  test('keeps the stopped shard summary beside its own, and --merge joins them with the other shard', async () => {
    const d = testTempDir('npusim-shard-resume-');
    const stopped = await stoppedAfterOne(sweep(d, '1..8', ['--shard', '1/2']));
    expect(stopped.stdout).toContain('(resume: --seeds 3..7 --shard 1/2)');
    const resume = await cli(sweep(d, '3..7', ['--shard', '1/2']));
    expect(resume.code, resume.stderr).toBe(0);
    expect(unwrapped(resume.stdout, 4)).toContain(
      `  summary: ${join(d, 'sweep-summary-1-of-2.json')}, the stopped summary there (this configuration, other seeds) kept as ${join(d, 'sweep-summary-stopped-1.json')} (npusim sweep --merge ${d} joins them)\n`,
    );
    expect(read(join(d, 'sweep-summary-stopped-1.json'))).toMatchObject({ ran: 1, stoppedEarly: true });
    const other = await cli(sweep(d, '1..8', ['--shard', '2/2']));
    expect(other.code, other.stderr).toBe(0);
    expect(summaries(d)).toEqual([
      'sweep-summary-1-of-2.json',
      'sweep-summary-2-of-2.json',
      'sweep-summary-stopped-1.json',
    ]);
    expect(await mergedWhole(d)).toEqual([{ first: 1, last: 8 }, 8, false]);
  });

  test("never replaces another shard's finished summary of its name: it takes the next name, and --merge joins them", async () => {
    const d = testTempDir('npusim-shard-resume-beside-');
    const first = await cli(sweep(d, '1..8', ['--shard', '1/2']));
    expect(first.code, first.stderr).toBe(0);
    const shard1 = readFileSync(join(d, 'sweep-summary-1-of-2.json'), 'utf8');
    const stopped = await stoppedAfterOne(sweep(d, '1..8', ['--shard', '2/2']));
    // Shard 2's seeds left, in the resume's own numbering: shard 1/2 of them.
    expect(stopped.stdout).toContain('(resume: --seeds 4..8 --shard 1/2)');
    const resume = await cli([...sweep(d, '4..8', ['--shard', '1/2']), '--json']);
    expect(resume.code, resume.stderr).toBe(0);
    expect(readFileSync(join(d, 'sweep-summary-1-of-2.json'), 'utf8')).toBe(shard1);
    const next = join(d, 'sweep-summary-1-of-2-2.json');
    expect(JSON.parse(resume.stdout)).toMatchObject({
      summaryFile: next,
      otherShardSummaryKept: join(d, 'sweep-summary-1-of-2.json'),
    });
    expect(read(next).seeds).toEqual({ first: 4, last: 8 });
    // Said in the text too: a script reading sweep-summary-1-of-2.json reads the other sweep's.
    const again = await cli(sweep(d, '4..8', ['--shard', '1/2']));
    expect(unwrapped(again.stdout, 4)).toContain(
      `  summary: ${next}, beside ${join(d, 'sweep-summary-1-of-2.json')} (shard 1 of 2 of seeds 1..8: another sweep of this configuration, which it does not replace)\n`,
    );
    // The rerun of the resume's seeds replaced its own file, and made no third.
    expect(summaries(d)).toEqual([
      'sweep-summary-1-of-2-2.json',
      'sweep-summary-1-of-2.json',
      'sweep-summary-2-of-2.json',
    ]);
    expect(await mergedWhole(d)).toEqual([{ first: 1, last: 8 }, 8, false]);
  });
});

describe('sweep: --set order and restated defaults do not make another sweep', () => {
  test('a resume with its --sets the other way round keeps the stopped summary, and --merge builds the whole sweep', async () => {
    const d = testTempDir('npusim-set-order-');
    const a = ['--set', 'gpu.dmaBytes=512', '--set', 'host.migratePercent=30'];
    const b = ['--set', 'host.migratePercent=30', '--set', 'gpu.dmaBytes=512'];
    const stopped = await stoppedAfterOne(sweep(d, '1..4', a));
    expect(stopped.stdout).toContain('(resume: --seeds 2..4)');
    const resume = await cli(sweep(d, '2..4', b));
    expect(resume.code, resume.stderr).toBe(0);
    expect(unwrapped(resume.stdout, 4)).toContain(`kept as ${join(d, 'sweep-summary-stopped-1.json')} (`);
    const merged = await cli(['sweep', '--merge', d, '--json']);
    expect(merged.code, merged.stderr).toBe(0);
    const whole = JSON.parse(merged.stdout) as SweepSummary;
    expect([whole.seeds, whole.ran]).toEqual([{ first: 1, last: 4 }, 4]);
  });

  test('shards run with the --sets in two orders, or one restating a default, merge as one sweep', async () => {
    const root = testTempDir('npusim-set-shards-');
    const one = await cli(
      sweep(join(root, 's1'), '1..2', [
        '--shard',
        '1/2',
        '--set',
        'gpu.dmaBytes=256',
        '--set',
        'host.migratePercent=30',
      ]),
    );
    const two = await cli(
      sweep(join(root, 's2'), '1..2', ['--shard', '2/2', '--set', 'host.migratePercent=30']),
    );
    expect([one.code, two.code]).toEqual([0, 0]);
    const merged = await cli(['sweep', '--merge', join(root, 's1'), join(root, 's2'), '--json']);
    expect(merged.code, merged.stderr).toBe(0);
    expect((JSON.parse(merged.stdout) as SweepSummary).ran).toBe(2);
  });
});

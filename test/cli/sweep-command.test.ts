/**
 * `npusim sweep` from the command line, as a batch user meets it: a merge refuses an incomplete
 * set of shards unless asked (--partial), and then never claims a clean result; a merge refuses
 * the sweep options it would ignore; a file that is not a shard summary is named for what it is;
 * a failures directory is created with its parents; the header names every option that chose
 * the runs (--variant, --free, duration, topology, policy, each --set, bugs, PCT depth,
 * stop-on-first); a PCT sweep's seed runs as `npusim run` of that seed does; --stop-on-first says
 * under the by-rule table that runs stopped at their first finding; a shard without a failures
 * directory is refused before it runs; and after Ctrl-C the summary's exit line is the process's
 * exit code.
 */

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseCli } from '../../src/cli/args.js';
import { helpText } from '../../src/cli/help.js';
import { checkOutputDir } from '../../src/cli/output-path.js';
import { resolveSeeds } from '../../src/cli/seeds-file.js';
import { moreJobsThanCores } from '../../src/cli/sweep-command.js';
import { STOPPED_RUNS_NOTE, summaryText } from '../../src/cli/sweep-summary-text.js';
import { ConfigError } from '../../src/core/errors.js';
import type { RunResult } from '../../src/report/run-result.js';
import type { SweepSummary } from '../../src/sweep/summary.js';
import { mergeSummaries } from '../../src/sweep/summary-merge.js';
import { unwrapped } from '../fixtures/unwrapped.js';
import { cliChild } from '../support/cli-child.js';
import { shardSummary } from '../support/sweep-shard.js';
import { testTempDir } from '../support/temp-dir.js';
import { cli, STACK_FRAME } from './cli-harness.js';

/** Shard `k` of `count` of seeds 1..8 as a sweep leaves it, clean unless told otherwise. */
const shard = (k: number, count: number, over: Partial<SweepSummary> = {}): SweepSummary =>
  shardSummary(k, count, { first: 1, last: 8 }, over);

/** A shard that found one violation (seed `seed`, rule translation.stale-ats). */
function failingShard(k: number, count: number, seed: number): SweepSummary {
  const s = shard(k, count);
  return {
    ...s,
    clean: s.ran - 1,
    failed: 1,
    byClass: { clean: s.ran - 1, violation: 1 },
    byRule: { 'translation.stale-ats': { seeds: 1, firstSeed: seed, earliestTick: 5, earliestSeed: seed } },
    failures: [{ seed, status: 'violation', rule: 'translation.stale-ats', tick: 5, file: null }],
    worstExitCode: 1,
  };
}

/** Each summary in a directory of its own, named as `sweep --shard K/N --failures DIR` names it. */
function shardDirs(root: string, summaries: readonly SweepSummary[]): string[] {
  return summaries.map((s) => {
    const k = s.shards!.covered[0]!;
    const dir = join(root, `shard-${k}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, `sweep-summary-${k}-of-${s.shards!.count}.json`),
      `${JSON.stringify(s, null, 2)}\n`,
    );
    return dir;
  });
}

describe('sweep --merge: an incomplete set of shards', () => {
  test('merge: every shard given merges and exits with the worst class (the control)', async () => {
    const dirs = shardDirs(testTempDir('npusim-merge-'), [shard(1, 3), failingShard(2, 3, 2), shard(3, 3)]);
    const r = await cli(['sweep', '--merge', ...dirs]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('seeds 1..8  shards 1,2,3 of 3');
    expect(r.stdout).toContain('  exit 1 (the worst class found)');
  });

  test('merge: a shard missing is refused with exit 2, naming the shards missing and expected, before anything is printed', async () => {
    const dirs = shardDirs(testTempDir('npusim-merge-'), [shard(1, 3), shard(2, 3), failingShard(3, 3, 3)]);
    const r = await cli(['sweep', '--merge', dirs[0]!, dirs[1]!]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      'npusim: --merge: Expected all 3 shards of seeds 1..8, each run to its end, got shards 1, 2 complete: shard 3 of 3 missing; add --partial',
    );
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  test('merge --partial: the summary names the shards missing and exits 2 when the shards present are clean', async () => {
    const dirs = shardDirs(testTempDir('npusim-merge-'), [shard(1, 4), shard(3, 4)]);
    const r = await cli(['sweep', '--merge', '--partial', ...dirs]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('shards 1,3 of 4 (shards 2,4 missing)');
    expect(r.stdout).toContain('  INCOMPLETE (--partial): shards 2, 4 of 4 missing');
    expect(r.stdout).toContain(
      '  exit 2 (incomplete merge: no failure in the seeds merged, and the others are unknown)',
    );
    expect(r.stdout).not.toContain('exit 0');
  });

  test('merge --partial: a failure in the shards present keeps its class as the exit code', async () => {
    const dirs = shardDirs(testTempDir('npusim-merge-'), [failingShard(1, 2, 1)]);
    const r = await cli(['sweep', '--merge', dirs[0]!, '--partial', '--json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as SweepSummary & { exitCode: number; incomplete: string };
    expect(json.shards).toEqual({ count: 2, covered: [1] });
    expect(json.exitCode).toBe(1);
    expect(json.incomplete).toContain('shard 2 of 2');
    const text = await cli(['sweep', '--merge', dirs[0]!, '--partial']);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('  exit 1 (the worst class found; incomplete merge)');
  });

  test('merge: a shard stopped early by Ctrl-C is refused like a missing one, and merged with --partial', async () => {
    const stopped = shard(2, 2, { ran: 1, clean: 1, byClass: { clean: 1 }, stoppedEarly: true });
    const dirs = shardDirs(testTempDir('npusim-merge-'), [shard(1, 2), stopped]);
    const r = await cli(['sweep', '--merge', ...dirs]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `shard 2 of 2 (${join(dirs[1]!, 'sweep-summary-2-of-2.json')}) stopped early, after 1 of 4 seeds`,
    );
    const partial = await cli(['sweep', '--merge', '--partial', ...dirs]);
    expect(partial.code).toBe(2);
    expect(partial.stdout).toContain('INCOMPLETE (--partial): shard 2 of 2');
    // --json carries the exit code beside the worst class found, which is clean here.
    const json = await cli(['sweep', '--merge', '--partial', '--json', ...dirs]);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ worstExitCode: 0, exitCode: 2 });
  });

  test("merge: a directory holding a whole sweep's summary beside its shards' says so, and merging the files named works (QA)", async () => {
    const dir = testTempDir('npusim-merge-whole-');
    const files = [shard(1, 2), shard(2, 2)].map((s) => {
      const file = join(dir, `sweep-summary-${s.shards!.covered[0]}-of-2.json`);
      writeFileSync(file, `${JSON.stringify(s, null, 2)}\n`);
      return file;
    });
    writeFileSync(join(dir, 'sweep-summary.json'), JSON.stringify(shard(1, 1, { shards: null })));
    const r = await cli(['sweep', '--merge', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `npusim: ${join(dir, 'sweep-summary.json')}: Expected shard summaries only (sweep-summary-K-of-2.json, each written by \`sweep --shard K/2\`), got a whole sweep's summary (written without --shard) beside them; to merge the shards, name their files: \`npusim sweep --merge `,
    );
    const named = await cli(['sweep', '--merge', ...files]);
    expect(named.code, named.stderr).toBe(0);
    expect(named.stdout).toContain('shards 1,2 of 2');
  });

  test('merge: a file that is not a shard summary is refused naming the file and what it is', async () => {
    const dir = testTempDir('npusim-merge-');
    const file = join(dir, 'result.json');
    writeFileSync(
      file,
      JSON.stringify({ schemaVersion: 3, workload: 'stress', status: 'clean', digest: 'ab' }),
    );
    const r = await cli(['sweep', '--merge', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `npusim: ${file}: Expected an npusim-sweep-summary (version 2), got an npusim run result`,
    );
    writeFileSync(file, '{"kind":"x"}');
    const other = await cli(['sweep', '--merge', file]);
    expect(other.stderr).toContain(
      `${file}: Expected an npusim-sweep-summary (version 2), got a JSON object without`,
    );
    expect(other.stderr).not.toContain('undefined');
  });
});

describe('sweep --merge: a stopped shard and its resume (QA 58 F1)', () => {
  test('merge: a stopped shard, the other shard and the sweep its resume line ran give the whole sweep; without the resume it is refused saying which shard is complete', async () => {
    const dir = testTempDir('npusim-merge-resume-');
    // Shard 1/2 (1, 3, 5, 7) stopped after 1 and 3: not run 5, 7 (resume: --seeds 5,7).
    const files = {
      sh1: shard(1, 2, {
        ran: 2,
        clean: 2,
        byClass: { clean: 2 },
        stoppedEarly: true,
        stop: { reasons: ['SIGTERM'], notRun: [{ first: 5, last: 7, every: 2 }] },
      }),
      sh2: failingShard(2, 2, 4),
      resume: shardSummary(1, 1, { first: 5, last: 7, list: [5, 7] }, { shards: null }),
    };
    const paths = Object.entries(files).map(([name, s]) => {
      mkdirSync(join(dir, name));
      const file = join(
        dir,
        name,
        s.shards === null ? 'sweep-summary.json' : `sweep-summary-${s.shards.covered[0]}-of-2.json`,
      );
      writeFileSync(file, `${JSON.stringify(s, null, 2)}\n`);
      return join(dir, name);
    });
    const r = await cli(['sweep', '--merge', ...paths]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('seeds 1..8  shards 1,2 of 2');
    expect(r.stdout).toContain(
      '  resumed: a stopped sweep and the sweep that ran the seeds it did not; every seed ran once\n',
    );
    expect(r.stdout).toContain(
      '  8 seeds in 2.0 s (the longest shard with its resumes; 4.0 seeds/s): 7 clean, 1 failing',
    );
    expect(r.stdout).toContain('  failing seeds: 4 (again: --seeds 4)');
    expect(r.stdout).not.toContain('not run');
    const without = await cli(['sweep', '--merge', paths[0]!, paths[1]!]);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain(
      'npusim: --merge: Expected all 2 shards of seeds 1..8, each run to its end, got shard 2 complete and shard 1 stopped early: shard 1 of 2 (',
    );
    expect(without.stderr).toContain('or add the summaries of its resumes');
  });

  test('merge --json: says what the merge joined (its files, its resumes, what wallMs measures), as its text does, and reads back to merge again; a plain shard merge and a sweep say theirs', async () => {
    const dir = testTempDir('npusim-merge-joined-');
    // Shard 1/2 (1, 3, 5, 7) stopped after 1 and 3; its resume ran 5 and 7; shard 2/2 ran whole.
    const sh1 = join(dir, 'sh1');
    const sh2 = join(dir, 'sh2');
    const sh1r = join(dir, 'sh1r');
    for (const d of [sh1, sh2, sh1r]) mkdirSync(d);
    const files = [
      join(sh1, 'sweep-summary-1-of-2.json'),
      join(sh2, 'sweep-summary-2-of-2.json'),
      join(sh1r, 'sweep-summary.json'),
    ];
    const summaries = [
      shard(1, 2, {
        ran: 2,
        clean: 2,
        byClass: { clean: 2 },
        stoppedEarly: true,
        stop: { reasons: ['SIGINT'], notRun: [{ first: 5, last: 7, every: 2 }] },
      }),
      failingShard(2, 2, 4),
      shardSummary(1, 1, { first: 5, last: 7, list: [5, 7] }, { shards: null }),
    ];
    files.forEach((f, i) => {
      writeFileSync(f, `${JSON.stringify(summaries[i], null, 2)}\n`);
    });
    const r = await cli(['sweep', '--merge', sh1, sh2, sh1r, '--json']);
    expect(r.code, r.stderr).toBe(1);
    const json = JSON.parse(r.stdout) as SweepSummary & { summaryFile: unknown };
    expect(json).toMatchObject({ ran: 8, stoppedEarly: false, wallMs: 2000, summaryFile: null });
    // The files as the merge names them, one resume, and the time of shard 1 with its resume.
    expect(json.merged).toEqual({ summaries: files, resumes: 1, wallMs: 'longest-shard-with-resumes' });
    expect(json.stop).toBeUndefined();
    // Its --json read back (the merge writes no summary) merges again, its resume counted on.
    const again = join(dir, 'again');
    mkdirSync(again);
    writeFileSync(join(again, 'sweep-summary.json'), r.stdout);
    const re = await cli(['sweep', '--merge', again, '--json']);
    expect(re.code, re.stderr).toBe(1);
    const reJson = JSON.parse(re.stdout) as SweepSummary;
    expect(reJson.merged).toEqual({
      summaries: [join(again, 'sweep-summary.json')],
      resumes: 1,
      wallMs: 'longest-shard-with-resumes',
    });
    expect(reJson).toMatchObject({ ran: 8, failed: 1, wallMs: 2000 });
    // Its failure file names are as the first merge gave them (beside the shards, not `again`).
    expect(reJson.failures).toEqual(json.failures);
    // Shards alone: no resume, the longest shard's time.
    const dirs = shardDirs(join(dir, 'plain'), [shard(1, 2), failingShard(2, 2, 2)]);
    const plain = JSON.parse((await cli(['sweep', '--merge', ...dirs, '--json'])).stdout) as SweepSummary;
    expect(plain.merged).toEqual({
      summaries: dirs.map((d, i) => join(d, `sweep-summary-${i + 1}-of-2.json`)),
      resumes: 0,
      wallMs: 'longest-shard',
    });
    // A stopped sweep and its resume, no shards: the sweep's time with its resume's.
    const w = join(dir, 'w');
    mkdirSync(w);
    const stoppedWhole = shard(1, 1, {
      shards: null,
      ran: 4,
      clean: 4,
      byClass: { clean: 4 },
      stoppedEarly: true,
      stop: { reasons: ['SIGINT'], notRun: [{ first: 5, last: 8 }] },
    });
    writeFileSync(join(w, 'sweep-summary-stopped-1.json'), JSON.stringify(stoppedWhole));
    writeFileSync(
      join(w, 'sweep-summary.json'),
      JSON.stringify(shardSummary(1, 1, { first: 5, last: 8 }, { shards: null })),
    );
    const resumed = await cli(['sweep', '--merge', w, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((JSON.parse(resumed.stdout) as SweepSummary).merged).toMatchObject({
      resumes: 1,
      wallMs: 'sweep-with-resumes',
    });
  });
});

describe('sweep --merge: options it would ignore', () => {
  test.each([
    ['--seeds', '1..4'],
    ['--jobs', '2'],
    ['--shard', '1/2'],
    ['--duration', '50us'],
    ['--bug', 'single-flush'],
    ['--profile', 'fixed'],
    ['--strategy', 'random'],
    ['--variant', 'per-gpu'],
    ['--set', 'policy=per-gpu'],
    ['--failures', 'out'],
    ['--no-failure-file'],
    ['--stop-on-first'],
    ['--free'],
  ])('merge: %s is refused with exit 2 naming it', async (option, ...value) => {
    const dirs = shardDirs(testTempDir('npusim-merge-'), [shard(1, 1)]);
    const r = await cli(['sweep', '--merge', dirs[0]!, option, ...value]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      `npusim: ${option}: Expected no ${option} with --merge (a merge takes its seeds`,
    );
  });

  test('sweep: --partial without --merge is refused with exit 2', async () => {
    const r = await cli(['sweep', 'stress', '--seeds', '1..2', '--partial']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('npusim: --partial: Expected --merge with it');
  });
});

describe('sweep: the failures directory and the header', () => {
  test('failures directory: missing parents are fine (created by the writer, not the check); a file on the way is refused', () => {
    const root = testTempDir('npusim-failures-dir-');
    const nested = join(root, 'results', 'run-7', 'shard-3');
    expect(() => checkOutputDir(nested, '--failures')).not.toThrow();
    expect(existsSync(join(root, 'results'))).toBe(false);
    writeFileSync(join(root, 'file'), 'x');
    expect(() => checkOutputDir(join(root, 'file', 'a', 'b'), '--failures')).toThrow(
      `--failures: Expected a directory to write files into, got \`${join(root, 'file', 'a', 'b')}\`: \`${join(root, 'file')}\` is a file, not a directory`,
    );
    expect(() => checkOutputDir(join(root, 'file'), '--failures')).toThrow(/it is a file, not a directory/);
  });

  test('sweep: --failures in a folder that does not exist yet is created with its parents; the header names --variant; --seeds S is one seed', async () => {
    const root = testTempDir('npusim-sweep-dir-');
    const dir = join(root, 'results', 'shard-1');
    const r = await cli([
      'sweep',
      'multi-tenant',
      '--variant',
      'per-socket',
      '--seeds',
      '2..3',
      '--shard',
      '1/2',
      '--jobs',
      '1',
      '--duration',
      '50us',
      '--failures',
      dir,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^npusim sweep multi-tenant {2}variant per-socket {2}seeds 2\.\.3 {2}shards 1 of 2 /,
    );
    expect(r.stdout).toContain('  1 seed in ');
    expect(existsSync(join(dir, 'sweep-summary-1-of-2.json'))).toBe(true);
    // Said, since a rerun of that shard, or another configuration's, replaces it (a sweep of
    // this configuration and other seeds takes the next name).
    expect(unwrapped(r.stdout, 4)).toContain(
      `  summary: ${join(dir, 'sweep-summary-1-of-2.json')} (a rerun of this shard, or a sweep of another configuration, into this directory replaces it)\n`,
    );
    const merged = await cli(['sweep', '--merge', dir]);
    expect(merged.code).toBe(2);
    expect(merged.stderr).toContain('shard 2 of 2 missing');
    // One seed is one seed: two shards of it are refused (a shard would hold none).
    const one = await cli(['sweep', 'multi-tenant', '--seeds', '2', '--shard', '1/2', '--duration', '1us']);
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('--shard: Expected N from 1 to the number of seeds (1), got 2');
  });

  test('sweep: a failure file is never replaced by another failure of the same name; the new one takes the next name, as run does', async () => {
    const dir = testTempDir('npusim-sweep-names-');
    const sweep = () =>
      cli([
        'sweep',
        'tce-storm',
        '--bug',
        'unpin-before-kill',
        '--seeds',
        '1',
        '--jobs',
        '1',
        '--stop-on-first',
        '--duration',
        '50us',
        '--failures',
        dir,
        '--json',
      ]);
    const failureFiles = () =>
      readdirSync(dir)
        .filter((f) => f !== 'sweep-summary.json')
        .sort();
    const fileOf = (r: { stdout: string }) =>
      (JSON.parse(r.stdout) as SweepSummary).failures.map((f) => f.file);
    const first = await sweep();
    expect(first.code).toBe(1);
    // Beside the JSON, its verdict on stderr, as `run --json` says its status there (QA Q19).
    expect(first.stderr).toMatch(/\nnpusim: sweep: exit 1 \(the worst class found\)\n$/);
    const [name] = failureFiles();
    const path = join(dir, name!);
    expect(fileOf(first)).toEqual([path]);
    // Where its summary went, in --json as in the text (a merge or an upload follows it).
    expect((JSON.parse(first.stdout) as { summaryFile: string }).summaryFile).toBe(
      join(dir, 'sweep-summary.json'),
    );

    // Another failure under the same name: one whose digest agrees in the 8 digits a name shows.
    const mine = JSON.parse(readFileSync(path, 'utf8')) as { digest: string };
    const otherDigest = `${mine.digest.slice(0, 8)}${mine.digest.endsWith('00000000') ? '11111111' : '00000000'}`;
    const otherText = JSON.stringify({ ...mine, digest: otherDigest });
    writeFileSync(path, otherText);
    const second = await sweep();
    expect(second.code).toBe(1);
    const next = path.replace(/\.json$/, '-2.json');
    expect(unwrapped(second.stderr, 8)).toContain(
      `npusim: ${path} holds another failure with the same name; this one goes to ${next}`,
    );
    expect(fileOf(second)).toEqual([next]);
    expect(readFileSync(path, 'utf8')).toBe(otherText);
    expect((JSON.parse(readFileSync(next, 'utf8')) as { seed: number }).seed).toBe(1);

    // The same failure again lands on its own file (the -2 one), and makes no third.
    const third = await sweep();
    expect(fileOf(third)).toEqual([next]);
    expect(failureFiles()).toEqual([name, `${name!.replace(/\.json$/, '')}-2.json`].sort());
  });

  test('a stopped sweep says its resume may go into its directory; a resume there names the stopped summary it kept (QA Q24)', () => {
    const stopped = shard(1, 1, {
      shards: null,
      ran: 4,
      clean: 4,
      byClass: { clean: 4 },
      stoppedEarly: true,
      stop: { reasons: ['SIGINT'], notRun: [{ first: 5, last: 8, every: 1 }] },
    });
    const text = summaryText(stopped, undefined, { interrupted: true, written: 'd/sweep-summary.json' });
    // Within 100 columns, as the rest of the summary (QA: this line ran to 169).
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(100);
    const lines = unwrapped(text, 4).split('\n');
    expect(lines).toContain(
      '  summary: d/sweep-summary.json (a sweep into this directory replaces it, but not by its resume: that keeps it beside its own, and npusim sweep --merge d joins them)',
    );
    // One that ran to its end keeps the short line: no resume to lose it to.
    const whole = summaryText(shard(1, 1, { shards: null }), undefined, {
      interrupted: false,
      written: 'd/sweep-summary.json',
    });
    expect(whole).toContain('  summary: d/sweep-summary.json (a sweep into this directory replaces it)\n');
    const resumed = summaryText(shard(1, 1, { shards: null }), undefined, {
      interrupted: false,
      written: 'd/sweep-summary.json',
      keptStopped: 'd/sweep-summary-stopped-1.json',
    });
    expect(unwrapped(resumed, 4)).toContain(
      '  summary: d/sweep-summary.json, the stopped summary there (this configuration, other seeds) kept as d/sweep-summary-stopped-1.json (npusim sweep --merge d joins them)\n',
    );
  });

  test("resumes run into the stopped sweep's own directory keep its summary beside theirs, and --merge of that directory is the whole sweep; a rerun of the same seeds replaces it (QA Q24)", async () => {
    const d = join(testTempDir('npusim-sweep-resume-here-'), 'd');
    const args = (seeds: string) => [
      'sweep',
      'tenant-isolation',
      '--bug',
      'links-enabled-per-gpu',
      '--duration',
      '10us',
      '--jobs',
      '1',
      '--stop-on-first',
      '--seeds',
      seeds,
      '--failures',
      d,
    ];
    // --stop-on-first hands out no seed after a failing one: each sweep stops after its first seed.
    const first = await cli(args('1..3'));
    expect(first.stdout).toContain('(resume: --seeds 2,3)');
    const second = await cli(args('2,3'));
    expect(unwrapped(second.stdout, 4)).toContain(`kept as ${join(d, 'sweep-summary-stopped-1.json')}`);
    const third = await cli([...args('3'), '--json']);
    expect((JSON.parse(third.stdout) as { stoppedSummaryKept?: string }).stoppedSummaryKept).toBe(
      join(d, 'sweep-summary-stopped-2.json'),
    );
    const merged = await cli(['sweep', '--merge', d, '--json']);
    expect(merged.code, merged.stderr).toBe(1);
    const whole = JSON.parse(merged.stdout) as SweepSummary;
    expect(whole.seeds).toEqual({ first: 1, last: 3 });
    expect([whole.ran, whole.failed, whole.stoppedEarly]).toEqual([3, 3, false]);
    expect(whole.failures.map((f) => f.seed)).toEqual([1, 2, 3]);
    // The same seeds again: no resume, so the summary is replaced and nothing more is kept.
    const again = await cli(args('3'));
    expect(unwrapped(again.stdout, 4)).toContain(
      `  summary: ${join(d, 'sweep-summary.json')} (a sweep into this directory replaces it)\n`,
    );
    expect(
      readdirSync(d)
        .filter((f) => f.startsWith('sweep-summary'))
        .sort(),
    ).toEqual(['sweep-summary-stopped-1.json', 'sweep-summary-stopped-2.json', 'sweep-summary.json']);
  });

  test('a shard that holds none of the seeds says so, not `0 seed(s) in 0.0 s`, and no worst class (QA)', () => {
    const empty = shard(3, 3, { ran: 0, clean: 0, byClass: {}, wallMs: 0 });
    const lines = summaryText(empty, undefined, { interrupted: false, written: 'd/s.json' })
      .trimEnd()
      .split('\n');
    expect(lines).toContain(
      '  no seeds ran: shard 3 of 3 holds none of them (its summary is written all the same, for --merge)',
    );
    // Read by a merge, nothing is written for it: said without the parenthesis (QA).
    const merged = summaryText(empty, undefined, { interrupted: false }).trimEnd().split('\n');
    expect(merged).toContain('  no seeds ran: shard 3 of 3 holds none of them');
    expect(lines.at(-1)).toBe('  exit 0 (no seed ran, so nothing was found)');
    expect(lines.join('\n')).not.toContain('0 seeds');
    // One that ran says its counts and the worst class, as before.
    const ran = summaryText(shard(1, 3), undefined, { interrupted: false }).trimEnd().split('\n');
    expect(ran.at(-1)).toBe('  exit 0 (the worst class found)');
  });

  test('sweep header: a free sweep says so, with its window, and that each seed is a worker thread per actor', () => {
    const s = shard(1, 1, {
      shards: null,
      sweep: { ...shard(1, 1).sweep, free: { windowTicks: 2_000_000 } },
    });
    const text = summaryText(s, { seedsAtOnce: 1, freeThreads: 9 }, { interrupted: false });
    // Fields two spaces apart, on lines of at most 100 columns (on one line it ran to 180).
    expect(text.split('\n').slice(0, 3)).toEqual([
      'npusim sweep stress  seeds 1..8  duration 1 us  topology witherspoon-6  policy per-socket',
      '             profile fixed  strategy random  free (window 2 us)',
      '             1 seed at a time, a worker thread per actor (9 threads)',
    ]);
    const header = (seedsAtOnce: number) =>
      summaryText(shard(1, 1, { shards: null }), { seedsAtOnce }, { interrupted: false }).split('\n')[1];
    expect(header(4)).toBe('             profile fixed  strategy random  4 seeds at once, a thread each');
    expect(header(1)).toBe('             profile fixed  strategy random  1 seed at a time, on one thread');
    // A clean, complete free sweep has no --seeds line to qualify.
    expect(text).not.toContain('race anew');
  });

  test('sweep summary: a free sweep says beside its again/resume seeds that they race anew, and that failure files replay the races', () => {
    const free = { ...shard(1, 1).sweep, free: { windowTicks: 1_000_000 } };
    const failing: SweepSummary = { ...failingShard(1, 1, 3), shards: null, sweep: free };
    const text = summaryText(failing, undefined, { interrupted: false });
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(100);
    const lines = unwrapped(text, 4).split('\n');
    const at = lines.findIndex((l) => l.startsWith('  failing seeds: 3 (again: --seeds 3)'));
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toBe(
      '  free seeds race anew: again runs these seeds, not these races; a failure file replays its race (npusim replay FILE)',
    );
    // The same summary of a deterministic sweep: again runs the same races, nothing to say.
    const det = summaryText({ ...failing, sweep: shard(1, 1).sweep }, undefined, { interrupted: false });
    expect(det).toContain('failing seeds: 3 (again: --seeds 3)');
    expect(det).not.toContain('race anew');
  });

  test.each([
    // A one-seed sweep runs one seed at a time, whatever --jobs asked for.
    ['1', '4', 'seed 1', '1 seed at a time, on one thread'],
    // A list is named as given, ascending.
    ['3,1', '2', 'seeds 1,3', '2 seeds at once, a thread each'],
  ])('sweep header: --seeds %s --jobs %s is named `%s` and runs %s', async (seeds, jobs, named, runs) => {
    const r = await cli([
      'sweep',
      'stress',
      '--seeds',
      seeds,
      '--jobs',
      jobs,
      '--duration',
      '10us',
      '--no-failure-file',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual([
      `npusim sweep stress  ${named}  duration 10 us  topology witherspoon-6  policy per-socket`,
      `             profile fixed  strategy random  ${runs}`,
    ]);
    expect(r.stdout).toContain(
      seeds.includes(',') ? `  ${seeds.split(',').length} seeds in ` : '  1 seed in ',
    );
  });

  test('sweep --seeds @FILE: the seeds of a file (commas, spaces or lines), as a list on the command line', async () => {
    const dir = testTempDir('npusim-seeds-file-');
    const file = join(dir, 'failing.txt');
    writeFileSync(file, '3\n1, 5..6\n\n');
    const r = await cli([
      'sweep',
      'stress',
      '--seeds',
      `@${file}`,
      '--jobs',
      '2',
      '--duration',
      '10us',
      '--no-failure-file',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as SweepSummary;
    expect(summary.seeds).toEqual({ first: 1, last: 6, list: [1, 3, 5, 6] });
    expect(summary.ran).toBe(4);
    // A bad file is refused with exit 2 before any seed runs, naming the option and the file.
    const refused = async (name: string, text: string | undefined, says: string) => {
      const path = join(dir, name);
      if (text !== undefined) writeFileSync(path, text);
      const bad = await cli([
        'sweep',
        'stress',
        '--seeds',
        `@${path}`,
        '--duration',
        '10us',
        '--no-failure-file',
      ]);
      expect(bad.code, bad.stderr).toBe(2);
      expect(bad.stdout).toBe('');
      expect(bad.stderr).toContain(`npusim: --seeds @${path}: `);
      expect(bad.stderr).toContain(says);
    };
    await refused(
      'empty.txt',
      ' \n',
      'Expected seeds in the file (numbers or ranges A..B, separated by commas, spaces or lines; `#` starts a comment), got none',
    );
    await refused(
      'none.txt',
      undefined,
      `Expected a readable file of seeds, got \`${join(dir, 'none.txt')}\`: no such file (ENOENT)`,
    );
    await refused(
      'twice.txt',
      '4\n4\n',
      'twice.txt:2:1: Expected each seed once, got seed 4 twice: in `4` (line 1, column 1) and in `4` (line 2, column 1)',
    );
    await refused(
      'word.txt',
      '4 x',
      'word.txt:1:3: Expected a range of seeds such as `1..1000`, one seed such as `7`, or a list of them such as `7,12,20..29`, got `x` (line 1: `4 x`)',
    );
    const alone = await cli(['sweep', 'stress', '--seeds', '@']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain(
      'npusim: --seeds: Expected a file of seeds after @, such as `@failing-seeds.txt`, got `@` alone',
    );
  });

  test('sweep: a seed listed twice is refused with exit 2 before any run', async () => {
    const twice = await cli(['sweep', 'stress', '--seeds', '1..3,2', '--no-failure-file']);
    expect(twice.code).toBe(2);
    expect(twice.stdout).toBe('');
    expect(twice.stderr).toContain(
      'npusim: --seeds: Expected each seed once, got seed 2 in both `1..3` and `2` (in `1..3,2`)',
    );
  });

  test('sweep header: names the duration, topology, policy, each --set, the bugs and the profile that chose the runs', async () => {
    const r = await cli([
      'sweep',
      'stress',
      '--seeds',
      '1',
      '--duration',
      '10us',
      '--topology',
      'witherspoon-4',
      '--policy',
      'per-gpu',
      '--profile',
      'as-shipped',
      '--set',
      'gpu.dmaBytes=512',
      '--bug',
      'descending-order',
      '--no-failure-file',
    ]);
    // stress finds the descending-order bug in seed 1 (order.atsd-descending).
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([
      'npusim sweep stress  seed 1  duration 10 us  topology witherspoon-4  policy per-gpu',
      '             set gpu.dmaBytes=512  bugs: descending-order  profile as-shipped  strategy random',
      '             1 seed at a time, on one thread',
    ]);
  });

  test('sweep header: PCT names its depth and that steps are measured per seed; stop-on-first is named; a merge of the shards prints the same header', () => {
    const sweep = {
      ...shard(1, 2).sweep,
      params: { durationTicks: 30_000_000, topology: 'witherspoon-6', policy: 'per-socket' },
      bugs: ['single-flush'],
      strategy: 'pct',
      pctDepth: 2,
      stopOnFirst: true,
      set: [{ path: 'tenants[0].pageSizes', value: ['2M'] }],
    };
    const expected = [
      'npusim sweep stress  seeds 1..8  shards 1,2 of 2  duration 30 us  topology witherspoon-6',
      `             policy per-socket  set 'tenants[0].pageSizes=["2M"]'  bugs: single-flush  profile fixed`,
      '             strategy pct depth 2 (steps measured per seed)  stop-on-first',
    ];
    const merged = mergeSummaries([
      { summary: shard(1, 2, { sweep }), where: 'a' },
      { summary: shard(2, 2, { sweep }), where: 'b' },
    ]);
    expect(summaryText(merged, undefined, { interrupted: false }).split('\n').slice(0, 3)).toEqual(expected);
  });
});

describe('sweep --strategy pct: each seed measures its own steps', () => {
  /** A bug PCT finds in every seed within 10 us, so each seed leaves a failure file with its digest. */
  const PCT = [
    'tce-storm',
    '--bug',
    'tce-kill-no-advance',
    '--duration',
    '10us',
    '--strategy',
    'pct',
    '--pct-depth',
    '2',
  ];
  const digestOf = (file: string | null) =>
    (JSON.parse(readFileSync(file!, 'utf8')) as { digest: string }).digest;

  test('sweep pct: seed 2 of --seeds 1..2 runs exactly as `npusim run --seed 2 --strategy pct` does (the same digest), alone in its shard too, and the shards merge into the whole', async () => {
    const dir = testTempDir('npusim-sweep-pct-');
    const sweep = async (where: string, ...more: string[]) => {
      const r = await cli([
        'sweep',
        ...PCT,
        '--seeds',
        '1..2',
        '--jobs',
        '1',
        '--failures',
        join(dir, where),
        '--json',
        ...more,
      ]);
      expect(r.code, r.stderr).toBe(1);
      return { summary: JSON.parse(r.stdout) as SweepSummary, stderr: r.stderr };
    };
    const whole = await sweep('whole');
    expect(whole.summary.failures.map((f) => f.seed)).toEqual([1, 2]);
    const run = await cli(['run', ...PCT, '--seed', '2', '--inline', '--no-failure-file', '--json']);
    expect(run.code, run.stderr).toBe(1);
    const runResult = JSON.parse(run.stdout) as RunResult;
    const runDigest = runResult.digest;
    expect(digestOf(whole.summary.failures[1]!.file)).toBe(runDigest);
    // The change points of both seeds' PCT runs, summed: seed 2's are its run's.
    const fired = /npusim: change points fired: (\d+) of (\d+) over 2 seeds/.exec(unwrapped(whole.stderr, 8));
    expect(fired, whole.stderr).not.toBeNull();
    expect(Number(fired![2])).toBe(2);
    expect(runResult.pct!.changePoints.planned).toBe(1);
    expect(Number(fired![1])).toBeGreaterThanOrEqual(runResult.pct!.changePoints.fired);
    expect(Number(fired![1])).toBeLessThanOrEqual(runResult.pct!.changePoints.fired + 1);

    // No claim of one measurement for all seeds; the first seed's n and k, labelled as its own.
    expect(unwrapped(whole.stderr, 8)).toContain(
      'npusim: strategy pct depth 2: each seed measures its own n (agents) and k',
    );
    expect(whole.stderr).not.toContain('measured on seed');
    expect(unwrapped(whole.stderr, 8)).toMatch(
      /npusim: strategy pct depth 2, for example seed 1 \(each seed measures its own\): n = \d+ agents, k = \d+ scheduling steps/,
    );
    expect(whole.summary.sweep).toMatchObject({ strategy: 'pct', pctDepth: 2 });

    // Shard 2 of 2 holds seed 2 alone: the same run again; the two shards merge into the whole.
    const one = await sweep('s1', '--shard', '1/2');
    const two = await sweep('s2', '--shard', '2/2');
    expect(digestOf(two.summary.failures[0]!.file)).toBe(runDigest);
    const merged = await cli(['sweep', '--merge', join(dir, 's1'), join(dir, 's2'), '--json']);
    expect(merged.code, merged.stderr).toBe(1);
    const strip = (s: SweepSummary) => ({
      ...s,
      wallMs: 0,
      shards: null,
      failures: s.failures.map((f) => ({ ...f, file: null })),
      exitCode: 0,
      // The sweep's own summary file; a merge writes none (null).
      summaryFile: null,
      // What a merge joined: a sweep's own summary has none.
      merged: undefined,
    });
    expect(strip(JSON.parse(merged.stdout) as SweepSummary)).toEqual(strip(whole.summary));
    expect(one.summary.sweep).toEqual(two.summary.sweep);
  });
});

describe('sweep --stop-on-first: both effects said', () => {
  test('stop-on-first: the by-rule table says runs stopped at their first finding, and only then', () => {
    const failing = (stopOnFirst: boolean) =>
      summaryText(
        shard(1, 1, {
          shards: null,
          sweep: { ...shard(1, 1).sweep, stopOnFirst },
          failed: 1,
          clean: 7,
          byRule: {
            'order.atsd-released-early': { seeds: 1, firstSeed: 3, earliestTick: 5, earliestSeed: 3 },
          },
          worstExitCode: 1,
        }),
        undefined,
        { interrupted: false },
      );
    // Wrapped at 100 columns under its own indent (QA: 125 columns on one line).
    expect(
      failing(true)
        .split('\n')
        .every((l) => l.length <= 100),
    ).toBe(true);
    const lines = unwrapped(failing(true), 14).split('\n');
    const row = lines.findIndex((l) => l.includes('order.atsd-released-early'));
    expect(lines[row + 1]).toBe(
      '            runs stopped at their first finding (--stop-on-first): rules that would have fired later in a run are not counted',
    );
    expect(failing(false)).not.toContain(STOPPED_RUNS_NOTE);
  });

  test('stop-on-first: a real sweep says so under its table and in its header', async () => {
    const r = await cli([
      'sweep',
      'tce-storm',
      '--bug',
      'tce-kill-no-advance',
      '--seeds',
      '1',
      '--duration',
      '10us',
      '--stop-on-first',
      '--no-failure-file',
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout.split('\n').slice(1, 3)).toEqual([
      '             bugs: tce-kill-no-advance  profile fixed  strategy random  stop-on-first',
      '             1 seed at a time, on one thread',
    ]);
    expect(unwrapped(r.stdout, 14)).toContain(`\n            ${STOPPED_RUNS_NOTE}\n`);
  });

  test('stop-on-first: `sweep --help` gives both effects (each run ends at its first finding; no seed after the first failing one); `run --help` only its own', () => {
    const flat = (t: string) => t.replace(/\s+/g, ' ');
    const sweep = flat(helpText('sweep'));
    expect(sweep).toContain(
      "--stop-on-first two effects: each seed's run ends at the end of the tick of its first violation or liveness failure",
    );
    expect(sweep).toContain('no seed is handed out after the first failing one');
    expect(sweep).toContain('rule that would have fired later in a run');
    const run = flat(helpText('run'));
    expect(run).toContain(
      '--stop-on-first end a run at the end of the tick of its first violation or liveness failure',
    );
    expect(run).not.toContain('handed out');
  });
});

describe('sweep --shard: a failures directory to leave the summary in', () => {
  test('shard: --no-failure-file with --shard is refused with exit 2 before any run, naming both and why', async () => {
    const args = [
      'sweep',
      'stress',
      '--seeds',
      '1..2',
      '--duration',
      '5us',
      '--shard',
      '1/2',
      '--no-failure-file',
    ];
    // Refused by the parser, which does no I/O and starts nothing.
    expect(() => parseCli(args)).toThrow(ConfigError);
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'npusim: --no-failure-file: Expected no --no-failure-file with --shard (a shard leaves its summary in its failures directory for `npusim sweep --merge`; give --failures DIR, or leave it out for ./npusim-failures), got both\n' +
        'Run `npusim sweep --help` for usage.\n',
    );
  });
});

/** A sweep sent SIGINT once its stderr shows a progress line (cli-child.ts: a hand-off, no sleep). */
const interruptedSweep = (args: string[]) =>
  cliChild(args, { interruptOn: /npusim: sweep \d+\/\d+ seeds[^\n]*\n/ });

describe('sweep: Ctrl-C', () => {
  test('sweep: a signal after the last seed has run stops nothing: exit 0, a whole summary, on stdout and in its file', async () => {
    const dir = testTempDir('npusim-sweep-late-signal-');
    let sent = false;
    // In this process: the progress line of the last seed is written when that seed is counted,
    // before the sweep returns, so the signal lands then, every time.
    const r = await cli(
      ['sweep', 'stress', '--seeds', '1..2', '--duration', '10us', '--jobs', '1', '--failures', dir],
      (soFar) => {
        if (!sent && /sweep 2\/2 seeds/.test(soFar)) {
          sent = true;
          process.emit('SIGINT', 'SIGINT');
        }
      },
    );
    expect(sent).toBe(true);
    expect(r.stderr).toContain(
      'npusim: the signal came after every seed had run to its end: the sweep is complete',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  exit 0 (the worst class found)');
    const summary = JSON.parse(readFileSync(join(dir, 'sweep-summary.json'), 'utf8')) as SweepSummary;
    expect(summary).toMatchObject({ ran: 2, stoppedEarly: false, worstExitCode: 0 });
  });

  test('sweep: after Ctrl-C the summary states exit 130, as the process exits, and the worst class among the seeds that ran', async () => {
    const r = await interruptedSweep([
      'sweep',
      'stress',
      // Far more seeds than run before the signal (its progress line comes after a second, or at
      // the last seed): a machine however fast is still running them when Ctrl-C lands.
      '--seeds',
      '1..1000',
      '--duration',
      '50us',
      '--jobs',
      '1',
      '--no-failure-file',
    ]);
    expect(r.stderr).toContain('npusim: stopping');
    expect(r.code).toBe(130);
    const done = Number(/sweep (\d+)\/1000/.exec(r.marker)![1]);
    expect(done).toBeLessThan(1000);
    const line =
      /^ {2}exit (\d+) \(interrupted after (\d+) of 1000 seeds; (every one clean|none finished|the worst class among them: \d \w+)\)$/m.exec(
        r.stdout,
      );
    expect(line, r.stdout).not.toBeNull();
    expect(Number(line![1])).toBe(r.code);
    // The seeds that ran: at least those done when Ctrl-C was sent (one may end before the signal
    // lands; the one still running then is stopped and not counted).
    const ran = Number(line![2]);
    expect(ran).toBeGreaterThanOrEqual(done);
    expect(r.stdout).toContain(`  ${ran === 1 ? '1 seed' : `${ran} seeds`} in `);
    // stress finds nothing: the seeds that ran were all clean (or none had finished).
    expect(line![3]).toBe(ran === 0 ? 'none finished' : 'every one clean');
    // Why it stopped, and the seeds left as --seeds takes them: one at a time, so after those that ran.
    expect(r.stdout).toContain('; stopped early by Ctrl-C (SIGINT)\n');
    expect(r.stdout).toContain(`  not run: ${ran + 1}..1000 (resume: --seeds ${ran + 1}..1000)\n`);
  });

  test('sweep: after SIGTERM with --jobs 2, the seeds not run are exactly those without a result, in the summary file, --json and the resume line (QA)', async () => {
    const dir = testTempDir('npusim-sweep-sigterm-');
    const results = join(dir, 'results');
    const r = await cliChild(
      [
        'sweep',
        'stress',
        '--seeds',
        '1..1000',
        '--duration',
        '50us',
        '--jobs',
        '2',
        '--failures',
        dir,
        '--results',
        results,
        '--json',
      ],
      { interruptOn: /npusim: sweep \d+\/\d+ seeds[^\n]*\n/, signal: 'SIGTERM' },
    );
    expect(r.code, r.stderr).toBe(130);
    const file = JSON.parse(readFileSync(join(dir, 'sweep-summary.json'), 'utf8')) as SweepSummary;
    const json = JSON.parse(r.stdout) as SweepSummary & { interrupted: boolean };
    expect(json.interrupted).toBe(true);
    expect(file.stop!.reasons).toEqual(['SIGTERM']);
    expect(json.stop).toEqual(file.stop);
    // A few spans (the seeds stopped mid-run or waiting, and the rest), never a list of seeds.
    expect(file.stop!.notRun.length).toBeLessThanOrEqual(5);
    const notRun = new Set<number>();
    for (const span of file.stop!.notRun)
      for (let seed = span.first; seed <= span.last; seed += span.every ?? 1) notRun.add(seed);
    const ran = readdirSync(results).map((f) => Number(/^stress-seed(\d+)\.json$/.exec(f)![1]));
    expect(ran.length).toBe(file.ran);
    // Every seed either ran (and has its result) or is not run, never both.
    for (const seed of ran) expect(notRun.has(seed)).toBe(false);
    expect(notRun.size + ran.length).toBe(1000);
  });
});

describe('sweep --stop-on-first: which seeds are left', () => {
  test('stop-on-first of a list: the seeds not run, too many for a line, are written beside the summary and resumed by --seeds @FILE; none without failure files (QA 58 F2)', async () => {
    const dir = testTempDir('npusim-sweep-notrun-');
    const list = '1,3,5,7,9,11,13,15,17,19,21';
    const args = ['sweep', 'flush-race', '--bug', 'single-flush', '--seeds', list, '--duration', '50us'];
    const r = await cli([...args, '--stop-on-first', '--jobs', '1', '--failures', dir]);
    expect(r.code, r.stderr).toBe(1);
    const file = join(dir, 'not-run-seeds.txt');
    expect(r.stdout).toContain(`  not run: 10 seeds from 3 to 21 (resume: --seeds @${file})\n`);
    // The file reads back as exactly the seeds not run.
    const summary = JSON.parse(readFileSync(join(dir, 'sweep-summary.json'), 'utf8')) as SweepSummary;
    expect(summary.stop!.notRun.map((s) => s.first)).toEqual([...resolveSeeds({ file }).list!]);
    expect(resolveSeeds({ file }).list).toEqual([3, 5, 7, 9, 11, 13, 15, 17, 19, 21]);
    // A sweep into the directory that leaves none removes it: it would resume seeds that ran.
    const whole = await cli(['sweep', 'stress', '--seeds', '1', '--duration', '30us', '--failures', dir]);
    expect(whole.code, whole.stderr).toBe(0);
    expect(existsSync(file)).toBe(false);
    // No failure files: no summary file, and no file of seeds beside it.
    const none = await cli([...args, '--stop-on-first', '--jobs', '1', '--no-failure-file']);
    expect(none.code, none.stderr).toBe(1);
    expect(none.stdout).toContain(
      '  not run: 10 seeds from 3 to 21; all in stop.notRun of --json, and of the summary file when one is written\n',
    );
  });

  test('stop-on-first: the summary says it stopped at the first failing seed and which seeds did not run', async () => {
    const dir = testTempDir('npusim-sweep-sof-');
    const r = await cli([
      'sweep',
      'flush-race',
      '--bug',
      'single-flush',
      '--seeds',
      '1..12',
      '--duration',
      '50us',
      '--stop-on-first',
      '--jobs',
      '1',
      '--failures',
      dir,
    ]);
    expect(r.code, r.stderr).toBe(1);
    const file = JSON.parse(readFileSync(join(dir, 'sweep-summary.json'), 'utf8')) as SweepSummary;
    expect(file.ran).toBe(1);
    expect(file.stop).toEqual({ reasons: ['stop-on-first'], notRun: [{ first: 2, last: 12 }] });
    expect(r.stdout).toContain('  1 seed in ');
    // On a line of its own where the counts and the stop would pass 100 columns together (QA: 129).
    expect(unwrapped(r.stdout, 4)).toContain(
      '; stopped early by its first failing seed, under --stop-on-first\n',
    );
    for (const l of r.stdout.split('\n').filter((x) => /seed in|stopped early/.test(x)))
      expect(l.length, l).toBeLessThanOrEqual(100);
    expect(r.stdout).toContain('  failing seeds: 1 (again: --seeds 1)\n');
    expect(r.stdout).toContain('  not run: 2..12 (resume: --seeds 2..12)\n');
  });
});

describe('a sweep that is a variant', () => {
  test('multi-tenant --policy per-gpu: each seed judged by what variant per-gpu expects, said in the summary (QA: bare failures)', async () => {
    const dir = testTempDir('npusim-sweep-variant-');
    const args = ['sweep', 'multi-tenant', '--seeds', '1..2', '--duration', '10us', '--jobs', '1'];
    const r = await cli([...args, '--policy', 'per-gpu', '--failures', join(dir, 'a'), '--json']);
    // Its exit code stays its worst class, as the variant's run alone exits with its leak.
    expect(r.code, r.stderr).toBe(1);
    expect(unwrapped(r.stderr, 8)).toContain(
      'npusim: --policy per-gpu makes this sweep variant per-gpu (the same parameters): each seed is judged by what it expects\n',
    );
    const s = JSON.parse(r.stdout) as SweepSummary;
    expect(s.expectation).toEqual({
      variant: 'per-gpu',
      by: '--policy per-gpu',
      expect: ['isolation.peer'],
      met: 2,
    });
    const named = await cli([...args, '--variant', 'per-socket', '--failures', join(dir, 'b')]);
    expect(named.stdout).toContain('  expected (variant per-socket): clean: 2 of 2 seeds as expected\n');
    // The workload's own run is no variant: no verdict; its variants, which `run` runs beside it,
    // are said not to be swept (and not said where the sweep is one).
    const own = await cli([...args, '--failures', join(dir, 'c'), '--json']);
    expect((JSON.parse(own.stdout) as SweepSummary).expectation).toBeUndefined();
    const notSwept = /variants? \(.*\): `--variant NAME` sweeps one/;
    expect(unwrapped(own.stderr, 8)).toContain(
      "npusim: this sweep runs multi-tenant's own run per seed, not its 2 variants (per-gpu, per-socket): `--variant NAME` sweeps one\n",
    );
    expect(unwrapped(r.stderr, 8)).not.toMatch(notSwept);
    expect(unwrapped(named.stderr, 8)).not.toMatch(notSwept);
  });

  test('firmware-update --profile as-shipped: each seed judged by its as-shipped variant; --variant as-shipped runs that profile', async () => {
    const dir = testTempDir('npusim-sweep-variant-profile-');
    const args = ['sweep', 'firmware-update', '--seeds', '1..2', '--duration', '10us', '--jobs', '1'];
    const r = await cli([...args, '--profile', 'as-shipped', '--failures', join(dir, 'a'), '--json']);
    expect(r.code, r.stderr).toBe(1);
    expect((JSON.parse(r.stdout) as SweepSummary).expectation).toEqual({
      variant: 'as-shipped',
      by: '--profile as-shipped',
      expect: ['isolation.firmware'],
      met: 2,
    });
    const named = await cli([...args, '--variant', 'as-shipped', '--failures', join(dir, 'b')]);
    expect(named.code, named.stderr).toBe(1);
    expect(named.stdout).toContain(
      '  expected (variant as-shipped): isolation.firmware: 2 of 2 seeds as expected\n',
    );
  });

  test('a variant sweep with a --bug its workload exposes is judged by the rules exposed, as each seed is (QA: clean, 3 of 3 as expected)', async () => {
    const args = [
      'sweep',
      'tce-storm',
      '--seeds',
      '1..2',
      '--duration',
      '20us',
      '--jobs',
      '1',
      '--no-failure-file',
    ];
    const r = await cli([...args, '--variant', 'page-kills', '--bug', 'tce-kill-no-advance', '--json']);
    expect(r.code, r.stderr).toBe(1);
    expect((JSON.parse(r.stdout) as SweepSummary).expectation).toEqual({
      variant: 'page-kills',
      expect: ['translation.stale-tce'],
      byBugs: ['tce-kill-no-advance'],
      met: 2,
    });
    const text = await cli([...args, '--variant', 'page-kills', '--bug', 'tce-kill-no-advance']);
    expect(unwrapped(text.stdout, 4)).toContain(
      '  expected (variant page-kills, exposes --bug tce-kill-no-advance): translation.stale-tce: 2 of 2 seeds as expected\n',
    );
  });

  test('a variant sweep with a --bug its workload does not expose says so, and the rules found beyond its expectation, as `run` does (QA)', async () => {
    const args = ['sweep', 'multi-tenant', '--variant', 'per-gpu', '--bug', 'single-flush'];
    const rest = ['--seeds', '1..2', '--duration', '50us', '--jobs', '1', '--no-failure-file'];
    const r = await cli([...args, ...rest, '--json']);
    expect(r.code, r.stderr).toBe(1);
    const s = JSON.parse(r.stdout) as SweepSummary;
    expect(s.expectation).toEqual({
      variant: 'per-gpu',
      expect: ['isolation.peer'],
      notExposed: ['single-flush'],
      met: 0,
    });
    // The seeds found the expected rule and others: each named as not expected, with "too".
    const beyond = Object.keys(s.byRule).filter((rule) => rule !== 'isolation.peer');
    expect(Object.keys(s.byRule)).toContain('isolation.peer');
    expect(beyond.length).toBeGreaterThan(0);
    const text = await cli([...args, ...rest]);
    expect(unwrapped(text.stdout, 4)).toContain(
      `  expected (variant per-gpu): isolation.peer, for runs without --bug single-flush, which multi-tenant does not expose: 0 of 2 seeds as expected, 2 NOT; found ${beyond.sort().join(', ')} too, which ${beyond.length === 1 ? 'is' : 'are'} not expected\n`,
    );
  });

  test("the summary's path is quoted as the commands beside it are: a control character never reaches the terminal raw (QA)", () => {
    const text = summaryText(shard(1, 2, {}), undefined, {
      interrupted: false,
      written: 'e\u001b[2Jx y/sweep-summary-1-of-2.json',
    });
    expect(text).toContain("  summary: $'e\\x1b[2Jx y/sweep-summary-1-of-2.json' (");
    expect(text).not.toContain('\u001b');
  });

  test('a variant sweep text says the seeds that missed; shards merge their verdicts', () => {
    const expectation: NonNullable<SweepSummary['expectation']> = {
      variant: 'per-gpu',
      by: '--policy per-gpu',
      expect: ['isolation.peer'],
      met: 1,
    };
    const a = shard(1, 2, { expectation });
    const b = shard(2, 2, { expectation: { ...expectation, met: 0 } });
    const merged = mergeSummaries([
      { summary: a, where: 'a.json' },
      { summary: b, where: 'b.json' },
    ]);
    expect(merged.expectation).toEqual({ ...expectation, met: 1 });
    expect(unwrapped(summaryText(merged, undefined, { interrupted: false }), 4)).toContain(
      `  expected (variant per-gpu, this sweep: --policy per-gpu): isolation.peer: 1 of ${merged.ran} seeds as expected, ${merged.ran - 1} NOT\n`,
    );
  });
});

describe('sweep: what its runs leave out, said before they run', () => {
  test('a collective that forms no ring is said as `run` says it (QA: the sweep was silent)', async () => {
    const r = await cli([
      ...['sweep', 'p2p-allreduce', '--policy', 'per-gpu-isolated', '--seeds', '1'],
      ...['--duration', '2us', '--no-failure-file'],
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(unwrapped(r.stderr, 8)).toContain(
      "npusim: gpu.collective ring-allreduce forms no ring on any GPU (gpu0 to gpu5) in each seed's run, so no all-reduce runs at all",
    );
  });
});

describe('sweep: more seeds at once than cores', () => {
  test('--jobs past the cores is said before the seeds run: no faster, more memory, and the --jobs that fits (QA: no word)', async () => {
    expect(moreJobsThanCores(8, true, 2)).toBe(
      '8 seeds at once on 2 cores: their threads share the cores, so the sweep is no faster, and each holds a whole simulation in memory; --jobs 2 (the default: the cores available) runs it as fast in less memory',
    );
    expect(moreJobsThanCores(3, true, 1)).toMatch(/^3 seeds at once on 1 core: /);
    // Within the cores, or a free sweep (one seed at a time): nothing to say.
    expect(moreJobsThanCores(2, true, 2)).toBeUndefined();
    expect(moreJobsThanCores(9, false, 2)).toBeUndefined();
    const cores = availableParallelism();
    const n = String(cores + 1);
    const r = await cli([
      'sweep',
      'stress',
      '--seeds',
      `1..${n}`,
      '--jobs',
      n,
      '--duration',
      '5us',
      '--no-failure-file',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(unwrapped(r.stderr, 8)).toContain(`npusim: ${n} seeds at once on ${cores} core`);
    // Capped at the seeds: --jobs past them runs no more threads, and says nothing.
    const few = await cli([
      'sweep',
      'stress',
      '--seeds',
      '1',
      '--jobs',
      n,
      '--duration',
      '5us',
      '--no-failure-file',
    ]);
    expect(few.stderr).not.toContain('seeds at once on');
  });
});

describe('sweep: a what-if on a release', () => {
  test('a policy or a switch as-shipped did not have is warned of before the seeds run, as run warns (QA: a sweep said nothing)', async () => {
    const dir = testTempDir('npusim-sweep-whatif-');
    const r = await cli([
      'sweep',
      'tce-storm',
      '--profile',
      'as-shipped',
      '--bug',
      'tce-kill-no-advance',
      '--seeds',
      '1..1',
      '--duration',
      '5us',
      '--failures',
      dir,
    ]);
    expect(unwrapped(r.stderr, 8)).toContain(
      'npusim: warning: --bug tce-kill-no-advance is not in profile as-shipped (Linux v5.12 and skiboot v6.8 had it fixed, or never had it): a what-if on that release, not the machine as it shipped',
    );
    const clean = await cli([
      'sweep',
      'tce-storm',
      '--profile',
      'as-shipped',
      '--seeds',
      '1..1',
      '--duration',
      '5us',
      '--failures',
      dir,
    ]);
    expect(clean.stderr).not.toContain('warning: --bug');
  }, 60_000);
});

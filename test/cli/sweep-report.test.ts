/**
 * `npusim sweep ... --report FILE` and `sweep --merge DIRS --report FILE`: the summary as an HTML
 * page (src/sweep/sweep-html.ts). The page is checked against the summary file the same sweep
 * wrote: every rule with its seed count, every failing seed with its replay command, each rule's
 * histogram holding exactly its failing seeds; a merge of shards draws the rules of the unsharded
 * sweep. Paths that would replace the sweep's own JSON files, or cannot be written, are refused
 * before any seed runs.
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { SweepSummary } from '../../src/sweep/summary.js';
import { buildSweepHtml, MAX_FAILURE_ROWS } from '../../src/sweep/sweep-html.js';
import { shardSummary } from '../support/sweep-shard.js';
import { testTempDir } from '../support/temp-dir.js';
import { cli } from './cli-harness.js';

const FLUSH_RACE = ['flush-race', '--bug', 'single-flush', '--duration', '30us', '--jobs', '1'];

/** The rows of the page's table that follows `<h2>title</h2>`, as cell texts. */
function tableRows(html: string, title: string): string[][] {
  const at = html.indexOf(`<h2>${title}</h2>`);
  expect(at, title).toBeGreaterThan(0);
  const body = html.slice(at).split('</tbody>')[0]!.split('<tbody>')[1]!;
  return [...body.matchAll(/<tr>(.*?)<\/tr>/g)].map(([, row]) =>
    [...row!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map(([, cell]) => cell!),
  );
}

/** Each histogram row's bar counts (the `<title>` of each bar), by the rule in its first cell. */
function histogramCounts(html: string): Map<string, number> {
  return new Map(
    tableRows(html, 'When the first finding came').map((cells) => [
      cells[0]!,
      [...cells.at(-1)!.matchAll(/<title>(\d+)<\/title>/g)].reduce((n, [, c]) => n + Number(c), 0),
    ]),
  );
}

const htmlText = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

describe('sweep --report FILE', () => {
  test('the page holds the summary: each rule and its seeds, each failing seed and its replay, each rule histogram its seeds', async () => {
    const dir = testTempDir('npusim-sweep-report-');
    const failures = join(dir, 'failures');
    const page = join(dir, 'sweep.html');
    const r = await cli([
      'sweep',
      ...FLUSH_RACE,
      '--seeds',
      '1..4',
      '--failures',
      failures,
      '--report',
      page,
    ]);
    expect(r.code, r.stderr).toBe(1);
    // Said once written, as the failure files are, on stderr (QA: the page was said nowhere).
    expect(r.stderr).toContain(`npusim: --report: written to \`${page}\`\n`);
    const summary = JSON.parse(readFileSync(join(failures, 'sweep-summary.json'), 'utf8')) as SweepSummary;
    expect(summary.failed).toBeGreaterThan(0);
    // Its failure files named from its own directory, where they are (QA: named from where the
    // sweep ran, which opened nothing from elsewhere); --json names them from where it ran.
    const files = summary.failures.map((f) => f.file);
    expect(files.length).toBe(summary.failed);
    for (const f of files) {
      expect(f).toMatch(/^flush-race-seed\d+-[^/]+\.json$/);
      expect(existsSync(join(failures, f!))).toBe(true);
    }
    const html = readFileSync(page, 'utf8');
    // The text the command printed, whole, at the top.
    expect(htmlText(html)).toContain(r.stdout.trimEnd());
    expect(html).toContain(`${summary.failed} of ${summary.ran} seeds failing`);

    const rules = tableRows(html, 'Rules');
    expect(rules.map(([rule, seeds]) => [rule, Number(seeds)]).sort()).toEqual(
      Object.entries(summary.byRule)
        .map(([rule, t]) => [rule, t.seeds])
        .sort(),
    );
    const failing = tableRows(html, 'Failing seeds');
    expect(failing.map(([seed, , rule, , replay]) => [Number(seed), rule, htmlText(replay!)])).toEqual(
      [...summary.failures]
        .sort((a, b) => a.seed - b.seed)
        .map((f) => [f.seed, f.rule, `npusim replay ${join(failures, f.file!)}`]),
    );
    const firstRules = new Map<string, number>();
    for (const f of summary.failures) firstRules.set(f.rule, (firstRules.get(f.rule) ?? 0) + 1);
    expect(histogramCounts(html)).toEqual(firstRules);
  });

  test('a merge of shards draws the rules and failing seeds of the unsharded sweep', async () => {
    const dir = testTempDir('npusim-sweep-report-merge-');
    const whole = join(dir, 'whole.html');
    const one = await cli([
      'sweep',
      ...FLUSH_RACE,
      '--seeds',
      '1..3',
      '--failures',
      join(dir, 'all'),
      '--report',
      whole,
    ]);
    expect(one.code, one.stderr).toBe(1);
    for (const k of [1, 2]) {
      const shard = await cli([
        'sweep',
        ...FLUSH_RACE,
        '--seeds',
        '1..3',
        '--shard',
        `${k}/2`,
        '--failures',
        join(dir, `s${k}`),
      ]);
      expect(shard.code, shard.stderr).toBe(1);
    }
    const merged = join(dir, 'merged.html');
    const m = await cli(['sweep', '--merge', join(dir, 's1'), join(dir, 's2'), '--report', merged]);
    expect(m.code, m.stderr).toBe(1);
    const a = readFileSync(whole, 'utf8');
    const b = readFileSync(merged, 'utf8');
    expect(tableRows(b, 'Rules')).toEqual(tableRows(a, 'Rules'));
    const seedsAndRules = (html: string) =>
      tableRows(html, 'Failing seeds').map(([seed, , rule]) => [seed, rule]);
    expect(seedsAndRules(b)).toEqual(seedsAndRules(a));
    expect(histogramCounts(b)).toEqual(histogramCounts(a));
  });

  test('a clean sweep says so, with no failing seeds and no histogram', async () => {
    const dir = testTempDir('npusim-sweep-report-clean-');
    const page = join(dir, 'clean.html');
    const r = await cli([
      'sweep',
      'stress',
      '--duration',
      '10us',
      '--seeds',
      '1..2',
      '--jobs',
      '1',
      '--no-failure-file',
      '--report',
      page,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(page, 'utf8');
    expect(html).toContain('2 seeds clean');
    expect(html).toContain('No rule fired in the 2 seeds run.');
    expect(html).not.toContain('<h2>Failing seeds</h2>');
    expect(html).not.toContain('<h2>When the first finding came</h2>');
  });

  test("refused before any seed runs: a directory, a missing folder, a *.json among the sweep's own files, one a merge reads", async () => {
    const dir = testTempDir('npusim-sweep-report-bad-');
    const failures = join(dir, 'failures');
    const results = join(dir, 'results');
    mkdirSync(join(dir, 'shard'));
    // A folder under a file can never be made (a missing one would be: output-path.test.ts).
    const notDir = join(dir, 'a-file');
    writeFileSync(notDir, 'x');
    const cases: [string[], RegExp][] = [
      [['--report', dir], /--report: Expected a file.*got .*a directory|--report: .*directory/],
      [['--report', join(notDir, 'nope', 'x.html')], /--report: .*is a file, not a directory/],
      [
        ['--report', join(failures, 'sweep-summary.json')],
        /--report: Expected a file that is no `\*\.json` of .*failures/,
      ],
      [
        ['--results', results, '--report', join(results, 'page.json')],
        /--report: Expected a file that is no `\*\.json` of .*results/,
      ],
    ];
    for (const [extra, message] of cases) {
      const r = await cli(['sweep', ...FLUSH_RACE, '--seeds', '1..2', '--failures', failures, ...extra]);
      expect(r.code, extra.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(existsSync(failures), 'no seed ran').toBe(false);
    }
    // A link whose own name is a page's leads there all the same (QA: it wrote HTML over a summary).
    mkdirSync(failures);
    writeFileSync(join(failures, 'sweep-summary.json'), '{}');
    const link = join(dir, 'link.html');
    symlinkSync(join(failures, 'sweep-summary.json'), link);
    const linked = await cli([
      'sweep',
      ...FLUSH_RACE,
      '--seeds',
      '1..2',
      '--failures',
      failures,
      '--report',
      link,
    ]);
    expect(linked.code).toBe(2);
    expect(linked.stderr).toContain(`got \`${link}\` (a link to \``);
    expect(readFileSync(join(failures, 'sweep-summary.json'), 'utf8')).toBe('{}');
    const merge = await cli([
      'sweep',
      '--merge',
      join(dir, 'shard'),
      '--report',
      join(dir, 'shard', 'sweep-summary-9.json'),
    ]);
    expect(merge.code).toBe(2);
    expect(merge.stderr).toMatch(/--report: Expected a file that is no `\*\.json` of .*shard/);
  });
});

describe('the sweep page itself', () => {
  test(`lists at most ${MAX_FAILURE_ROWS} failing seeds and says how many more the summary has, of any number`, () => {
    // More failures than a call takes arguments (a sweep of millions of seeds can have them).
    const failures = Array.from({ length: 300_000 }, (_, i) => ({
      seed: i + 1,
      status: 'violation',
      rule: 'translation.stale-ats',
      tick: 1000 * (i + 1),
      file: `f/s${i + 1}.json`,
    }));
    const summary = shardSummary(
      1,
      1,
      { first: 1, last: failures.length },
      {
        ran: failures.length,
        clean: 0,
        failed: failures.length,
        failures,
      },
    );
    const html = buildSweepHtml({ summary, text: 'npusim sweep stress', exitCode: 1 });
    expect(tableRows(html, 'Failing seeds')).toHaveLength(MAX_FAILURE_ROWS);
    // A merge writes no summary file: only --json is named (QA: the page named a file not there).
    expect(html).toContain(
      `${failures.length - MAX_FAILURE_ROWS} more failing seeds are not listed here: <code>--json</code> lists every one.`,
    );
    const written = buildSweepHtml({ summary, text: '', exitCode: 1, summaryFile: 'out/sweep-summary.json' });
    expect(written).toContain(
      '<code>--json</code> and the summary file, out/sweep-summary.json, list every one.',
    );
    // An interrupted sweep or an incomplete merge is never badged as a whole one (QA: green `N seeds clean`).
    const clean = shardSummary(1, 1, { first: 1, last: 9 });
    const badge = (state: 'complete' | 'interrupted' | 'incomplete') =>
      /<h1>.*<span class="status ([a-z]+)">([^<]*)<\/span><\/h1>/
        .exec(buildSweepHtml({ summary: clean, text: '', exitCode: 0, state }))!
        .slice(1);
    expect(badge('complete')).toEqual(['clean', '9 seeds clean']);
    expect(badge('interrupted')).toEqual(['interrupted', 'interrupted: 9 seeds clean']);
    expect(badge('incomplete')).toEqual(['interrupted', 'incomplete merge: 9 seeds clean']);
    expect(histogramCounts(html).get('translation.stale-ats')).toBe(failures.length);
  });

  test('one failing seed past the list is one seed, in the singular (it read "1 more failing seeds are")', () => {
    const failures = Array.from({ length: MAX_FAILURE_ROWS + 1 }, (_, i) => ({
      seed: i + 1,
      status: 'violation',
      rule: 'translation.stale-ats',
      tick: 1000 * (i + 1),
      file: null,
    }));
    const summary = shardSummary(
      1,
      1,
      { first: 1, last: failures.length },
      { ran: failures.length, clean: 0, failed: failures.length, failures },
    );
    const html = buildSweepHtml({ summary, text: '', exitCode: 1 });
    expect(html).toContain('1 more failing seed is not listed here: <code>--json</code> lists every one.');
  });
});

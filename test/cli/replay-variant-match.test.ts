/**
 * `npusim replay` judges a file's run by the declaration `npusim run` judged it by: a run whose bug
 * switches make it a declared variant is that variant (model/scenario/matched-variant.ts), and its
 * replay said `expected (as declared, ...)` where the run said `expected (variant single-flush,
 * this run: --bug single-flush)` (QA). Also exit 5's last line for a file whose configuration was
 * edited: it says so, as the replay's body does, rather than suspect an npusim bug.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { notReproducedLine } from '../../src/cli/replay-command.js';
import type { RunResult } from '../../src/report/run-result.js';
import type { FailureFile } from '../../src/repro/failure-file.js';
import { unwrapped } from '../fixtures/unwrapped.js';
import { testTempDir } from '../support/temp-dir.js';
import { cli } from './cli-harness.js';

const FLUSH_RACE = ['flush-race', '--seed', '1', '--duration', '30us', '--inline'];

/** The `expected (...)` line of a run's summary or a replay's text, its wrapped lines joined. */
function expectedLine(text: string): string {
  const line = /expected \(.*?: (?:NOT )?as expected/.exec(text.replace(/\n +/g, ' '))?.[0];
  expect(line, text).toBeDefined();
  return line!;
}

/** `npusim run ARGS` (exit `code`) into a directory of its own, and the one failure file it wrote. */
async function run(args: string[], code: number): Promise<{ stdout: string; path: string }> {
  const dir = testTempDir('npusim-replay-variant-');
  const r = await cli(['run', ...args, '--failures', dir]);
  expect(r.code, r.stderr).toBe(code);
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  expect(files).toHaveLength(1);
  return { stdout: r.stdout, path: join(dir, files[0]!) };
}

/** What a result says of the declaration it was judged by. */
function verdictOf(result: RunResult): unknown {
  return { expectation: result.expectation, label: result.label, sameAsVariant: result.sameAsVariant };
}

describe('replay: judged by the declaration the run was judged by', () => {
  test('--bug single-flush makes flush-race variant single-flush: the run and its replay print the same expected line', async () => {
    const { stdout, path } = await run([...FLUSH_RACE, '--bug', 'single-flush'], 1);
    const said = expectedLine(stdout);
    expect(said).toMatch(
      /^expected \(variant single-flush, this run: --bug single-flush\): .*: as expected$/,
    );
    const r = await cli(['replay', path]);
    expect(r.code, r.stderr).toBe(1);
    expect(expectedLine(r.stdout)).toBe(said);
  });

  test('--json: the replayed result carries the expectation, label and variant the run had', async () => {
    const args = [...FLUSH_RACE, '--bug', 'single-flush', '--json'];
    const { stdout, path } = await run(args, 1);
    const own = JSON.parse(stdout) as RunResult;
    expect(own.sameAsVariant?.name).toBe('single-flush');
    const r = await cli(['replay', path, '--json']);
    expect(r.code, r.stderr).toBe(1);
    expect(verdictOf(JSON.parse(r.stdout) as RunResult)).toEqual(verdictOf(own));
  });

  test('--variant single-flush (the file records options.variantBugs): judged as that variant, as the run was', async () => {
    const { stdout, path } = await run([...FLUSH_RACE, '--variant', 'single-flush'], 1);
    const file = JSON.parse(readFileSync(path, 'utf8')) as FailureFile;
    expect(file.options.variantBugs).toEqual(['single-flush']);
    const said = expectedLine(stdout);
    expect(said).toMatch(/^expected \(variant single-flush\): /);
    const r = await cli(['replay', path]);
    expect(r.code, r.stderr).toBe(1);
    expect(expectedLine(r.stdout)).toBe(said);
  });

  test('a crash of that run: its replay is judged as the variant too, in its text and its --json', async () => {
    const args = [...FLUSH_RACE, '--bug', 'single-flush', '--crash-at', 'chip0:5'];
    const { stdout, path } = await run(args, 4);
    const said = expectedLine(stdout);
    expect(said).toMatch(
      /^expected \(variant single-flush, this run: --bug single-flush\): .*: NOT as expected$/,
    );
    const r = await cli(['replay', path]);
    expect(r.code, r.stderr).toBe(4);
    expect(expectedLine(r.stdout)).toBe(said);
    const json = await cli(['replay', path, '--json']);
    expect(json.code, json.stderr).toBe(4);
    const replayed = JSON.parse(json.stdout) as RunResult;
    expect(replayed.expectation?.met).toBe(false);
    expect(replayed.sameAsVariant).toEqual({ name: 'single-flush', by: '--bug single-flush' });
  });
});

describe("replay: exit 5's last line for a file whose configuration was edited", () => {
  test('an edited seed: the last line says the file was edited (configDigest differs), not an npusim bug', async () => {
    const { path } = await run([...FLUSH_RACE, '--bug', 'single-flush'], 1);
    const file = JSON.parse(readFileSync(path, 'utf8')) as FailureFile;
    const edited = join(testTempDir('npusim-replay-edited-'), 'badf.json');
    writeFileSync(edited, JSON.stringify({ ...file, seed: 2 }));
    const r = await cli(['replay', edited]);
    expect(r.code, r.stderr).toBe(5);
    expect(r.stdout.replace(/\n +/g, ' ')).toContain(': the file was edited');
    const last = unwrapped(r.stderr, 8).trimEnd().split('\n').at(-1)!;
    expect(last).toMatch(
      /^npusim: not reproduced \(exit 5\): the file was edited \(configDigest differs\): /,
    );
    expect(last).not.toContain('please report it');
  });

  test('the same npusim: a file whose configDigest held suspects only an edit of its outcome; an older one, its configuration too', () => {
    const ours = { version: '0.10.0', commit: 'a'.repeat(40) };
    const held = notReproducedLine(ours, ours, 'held');
    expect(held).toContain(
      'if its recorded outcome (digest, finding, figures or exit class) was not edited by hand',
    );
    expect(held).not.toContain('which only the digest catches');
    const unchecked = notReproducedLine(ours, ours, 'unchecked');
    expect(unchecked).toContain(
      "a file from before configDigest, whose configuration only the run's digest checks",
    );
    // Edited, whoever wrote it: the finding decides, not the versions.
    for (const wrote of [ours, { version: '0.9.0', commit: null }])
      expect(notReproducedLine(wrote, ours, 'edited')).not.toContain('npusim bug: please report');
  });
});

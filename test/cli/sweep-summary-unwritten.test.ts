/**
 * A sweep whose summary file cannot be written at its end (a full disk, a directory gone) still
 * prints its summary on stdout, says on stderr which file was not written (a merge would count the
 * shard missing), and exits 2 when it found nothing, as `run --out` does; its exit line and its
 * JSON `exitCode` say the same. Before, the write threw: a stack trace, exit 4, no summary at all.
 *
 * Failure files that cannot be written (a read-only failures directory) are said on stdout too,
 * where the `replay the earliest:` line would be, and the summary file where its `summary:` line
 * would be: before, those lines were just missing, and only stderr said why, so a CI log that
 * keeps stdout alone could not tell the files were lost. A read-only directory refuses no root
 * (CI runs as one): the failure files' writes fail through this mock (`failing`), with EACCES.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { unwrapped } from '../fixtures/unwrapped.js';
import { testTempDir } from '../support/temp-dir.js';
import { cli } from './cli-harness.js';

/** Further paths whose write fails with EACCES (as in a read-only directory), set by a test. */
const failing = { match: undefined as RegExp | undefined };

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const writeFileSync: typeof real.writeFileSync = (file, ...rest) => {
    // The summary, not its lock (sweep-lock.ts), which is made before any seed runs.
    if (String(file).includes('sweep-summary') && !String(file).endsWith('.lock')) {
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    }
    if (failing.match?.test(String(file)) === true) {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    }
    return real.writeFileSync(file, ...rest);
  };
  return { ...real, writeFileSync, default: { ...real, writeFileSync } };
});

describe('sweep: a summary file that cannot be written', () => {
  test('the summary is printed, stderr names the file, and a clean shard exits 2', async () => {
    const dir = testTempDir('npusim-sweep-unwritten-');
    const argv = ['sweep', 'flush-race', '--seeds', '1', '--duration', '5us', '--jobs', '1'];
    const r = await cli([...argv, '--shard', '1/1', '--failures', dir]);
    const path = join(dir, 'sweep-summary-1-of-1.json');
    expect(r.stderr).toContain(`npusim: ${path}: Expected to write the sweep summary, got ENOSPC`);
    expect(r.stderr).toContain('will count this shard missing');
    expect(r.stdout).toMatch(/1 seed in .*: 1 clean, 0 failing/);
    expect(r.stdout).toContain(`exit 2 (no failure found, and the summary file was not written: ${path})`);
    expect(r.code).toBe(2);
    const json = await cli([...argv, '--failures', dir, '--json']);
    expect(json.code).toBe(2);
    const s = JSON.parse(json.stdout) as { exitCode: number; summaryNotWritten: string; ran: number };
    expect(s).toMatchObject({ exitCode: 2, ran: 1, summaryNotWritten: join(dir, 'sweep-summary.json') });
  });
});

const FAILING = ['sweep', 'flush-race', '--bug', 'single-flush', '--duration', '300us', '--jobs', '1'];

describe('sweep: failure files and a summary that cannot be written are said on stdout', () => {
  test('none written: a line for the failure files where the replay line would be, and one for the summary', async () => {
    const dir = testTempDir('npusim-sweep-ff-unwritten-');
    failing.match = /flush-race-seed/;
    try {
      const r = await cli([...FAILING, '--seeds', '1..4', '--failures', dir]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain('was not written');
      expect(r.stdout).toContain('4 failing (violation 4)');
      expect(r.stdout).not.toContain('replay the earliest:');
      expect(r.stdout).toContain('  failure files: 4 of 4 not written (stderr says why)\n');
      // A line of the summary wraps at 100 columns (under the temporary folder's long path).
      const text = unwrapped(r.stdout, 4);
      expect(text).toContain(
        `  summary: ${join(dir, 'sweep-summary.json')} not written (stderr says why); it is on stdout only\n`,
      );
      // In the summary's order: the failure files line before the failing seeds, the summary's last.
      const lines = text.trimEnd().split('\n');
      expect(lines.findIndex((l) => l.startsWith('  failure files:'))).toBe(
        lines.findIndex((l) => l.startsWith('  failing seeds:')) - 1,
      );
      expect(lines.at(-2)).toMatch(/^ {2}summary: .* not written/);
      expect(r.stdout.split('\n').every((l) => l.length <= 100)).toBe(true);
      expect(readdirSync(dir).filter((n) => n.endsWith('.json'))).toEqual([]);
    } finally {
      failing.match = undefined;
    }
  });

  test('some written: the replay line names one that was, and the line counts the others', async () => {
    const dir = testTempDir('npusim-sweep-ff-some-');
    failing.match = /flush-race-seed2-/;
    try {
      const r = await cli([...FAILING, '--seeds', '1..4', '--failures', dir]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toMatch(/ {2}replay the earliest: npusim replay .*flush-race-seed[134]-/);
      expect(r.stdout).toContain('  failure files: 1 of 4 not written (stderr says why)\n');
    } finally {
      failing.match = undefined;
    }
  });

  test('every one written, or none asked for (--no-failure-file): no such line', async () => {
    const dir = testTempDir('npusim-sweep-ff-written-');
    const written = await cli([...FAILING, '--seeds', '1..2', '--failures', dir]);
    expect(written.code, written.stderr).toBe(1);
    expect(written.stdout).toContain('replay the earliest:');
    expect(written.stdout).not.toContain('failure files:');
    const none = await cli([...FAILING, '--seeds', '1..2', '--no-failure-file']);
    expect(none.code, none.stderr).toBe(1);
    expect(none.stdout).not.toContain('failure files:');
    expect(none.stdout).not.toContain('summary:');
  });
});

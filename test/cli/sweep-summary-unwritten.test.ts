/**
 * A sweep whose summary file cannot be written at its end (a full disk, a directory gone) still
 * prints its summary on stdout, says on stderr which file was not written (a merge would count the
 * shard missing), and exits 2 when it found nothing, as `run --out` does; its exit line and its
 * JSON `exitCode` say the same. Before, the write threw: a stack trace, exit 4, no summary at all.
 */
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { testTempDir } from '../support/temp-dir.js';
import { cli } from './cli-harness.js';

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const writeFileSync: typeof real.writeFileSync = (file, ...rest) => {
    // The summary, not its lock (sweep-lock.ts), which is made before any seed runs.
    if (String(file).includes('sweep-summary') && !String(file).endsWith('.lock')) {
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
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

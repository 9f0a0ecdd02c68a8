/**
 * One sweep at a time per summary file (src/cli/sweep-lock.ts): a second sweep into the same
 * `--failures` directory is refused before any seed runs, naming the first; a lock left by a
 * process that no longer runs is taken over; the lock is gone when the sweep ends; a merge of a
 * directory a sweep still writes says so.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { type LockProbe, lockSweepSummary, sweepsStillWriting } from '../../src/cli/sweep-lock.js';
import { ConfigError } from '../../src/core/errors.js';
import { testTempDir } from '../support/temp-dir.js';
import { cli } from './cli-harness.js';

/** A process table of the test's own: `running` are the pids alive on host `here`. */
function probe(pid: number, running: number[]): LockProbe {
  return {
    alive: (p) => running.includes(p),
    host: () => 'here',
    pid,
    now: () => new Date(Date.UTC(2026, 11, 4, 12, 0, 0)),
  };
}

const NAME = 'sweep-summary.json';
const LOCK = `.${NAME}.lock`;

describe('the sweep lock', () => {
  test('a second sweep is refused naming the first; after release the summary can be locked again', () => {
    const dir = testTempDir('npusim-sweep-lock-');
    const notes: string[] = [];
    const first = lockSweepSummary(dir, NAME, '--failures', (l) => notes.push(l), probe(100, [100, 200]));
    expect(first.path).toBe(join(dir, LOCK));
    expect(JSON.parse(readFileSync(first.path, 'utf8'))).toEqual({
      pid: 100,
      host: 'here',
      started: '2026-12-04T12:00:00.000Z',
    });
    let refused: unknown;
    try {
      lockSweepSummary(dir, NAME, '--failures', (l) => notes.push(l), probe(200, [100, 200]));
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as ConfigError).field).toBe('--failures');
    expect((refused as Error).message).toContain(
      `Expected no other sweep writing \`${join(dir, NAME)}\`, got one: sweep pid 100 on here, started 2026-12-04T12:00:00.000Z`,
    );
    expect((refused as Error).message).toContain(
      `remove \`${join(dir, LOCK)}\` if that sweep no longer runs`,
    );
    first.release();
    expect(existsSync(first.path)).toBe(false);
    first.release();
    const again = lockSweepSummary(dir, NAME, '--failures', (l) => notes.push(l), probe(200, [200]));
    again.release();
    expect(notes).toEqual([]);
  });

  test("a lock of this host's ended process is taken over and said; another host's and an unreadable one are refused", () => {
    const dir = testTempDir('npusim-sweep-lock-');
    const lockPath = join(dir, LOCK);
    writeFileSync(lockPath, JSON.stringify({ pid: 77, host: 'here', started: '2026-12-01T00:00:00.000Z' }));
    const notes: string[] = [];
    const taken = lockSweepSummary(dir, NAME, '--failures', (l) => notes.push(l), probe(300, [300]));
    expect(notes).toEqual([
      `${lockPath}: a lock left by sweep pid 77 (started 2026-12-01T00:00:00.000Z), which no longer runs: taken over`,
    ]);
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(300);
    taken.release();

    writeFileSync(lockPath, JSON.stringify({ pid: 77, host: 'elsewhere', started: 'then' }));
    expect(() => lockSweepSummary(dir, NAME, '--failures', () => {}, probe(300, [300]))).toThrow(
      'got one: sweep pid 77 on elsewhere, started then.',
    );
    writeFileSync(lockPath, 'not a lock');
    expect(() => lockSweepSummary(dir, NAME, '--failures', () => {}, probe(300, [300]))).toThrow(
      'got one: a sweep whose lock file cannot be read.',
    );
    expect(readFileSync(lockPath, 'utf8')).toBe('not a lock');
  });

  test('release leaves a lock that is no longer this sweep’s', () => {
    const dir = testTempDir('npusim-sweep-lock-');
    const mine = lockSweepSummary(dir, NAME, '--failures', () => {}, probe(1, [1]));
    const theirs = JSON.stringify({ pid: 2, host: 'here', started: 'later' });
    writeFileSync(mine.path, theirs);
    mine.release();
    expect(readFileSync(mine.path, 'utf8')).toBe(theirs);
  });

  test('sweepsStillWriting names live and foreign locks, not ended ones, and nothing of a missing directory', () => {
    const dir = testTempDir('npusim-sweep-lock-');
    writeFileSync(join(dir, LOCK), JSON.stringify({ pid: 5, host: 'here', started: 's5' }));
    writeFileSync(
      join(dir, '.sweep-summary-2-of-3.json.lock'),
      JSON.stringify({ pid: 6, host: 'here', started: 's6' }),
    );
    writeFileSync(
      join(dir, '.sweep-summary-3-of-3.json.lock'),
      JSON.stringify({ pid: 6, host: 'far', started: 's7' }),
    );
    expect(sweepsStillWriting(dir, probe(9, [5]))).toEqual([
      `${join(dir, 'sweep-summary-3-of-3.json')}: sweep pid 6 on far, started s7, is still writing it: this merge reads the summary there as it is now`,
      `${join(dir, NAME)}: sweep pid 5 on here, started s5, is still writing it: this merge reads the summary there as it is now`,
    ]);
    expect(sweepsStillWriting(join(dir, 'absent'), probe(9, []))).toEqual([]);
  });
});

describe('sweep and its lock, from the command line', () => {
  const argv = ['sweep', 'flush-race', '--seeds', '1', '--duration', '5us', '--jobs', '1'];

  test('a sweep into a directory another live sweep holds exits 2 and runs nothing; its shards may share it', async () => {
    const dir = testTempDir('npusim-sweep-lock-cli-');
    // This test process stands for the other sweep: it runs, on this host.
    const other = { pid: process.pid, host: hostname(), started: '2026-12-04T12:00:00.000Z' };
    writeFileSync(join(dir, LOCK), JSON.stringify(other));
    const r = await cli([...argv, '--failures', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `npusim: --failures: Expected no other sweep writing \`${join(dir, NAME)}\`, got one: sweep pid ${process.pid} on ${hostname()}`,
    );
    expect(r.stdout).toBe('');
    expect(readdirSync(dir)).toEqual([LOCK]);

    const shard = await cli([...argv, '--failures', dir, '--shard', '1/1']);
    expect(shard.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([LOCK, 'sweep-summary-1-of-1.json']);

    const merge = await cli(['sweep', '--merge', dir]);
    expect(merge.stderr).toContain(
      `npusim: ${join(dir, NAME)}: sweep pid ${process.pid} on ${hostname()}, started 2026-12-04T12:00:00.000Z, is still writing it`,
    );
    expect(merge.code).toBe(0);
  });

  test('a sweep removes its lock when it ends, and one that is refused removes none', async () => {
    const dir = testTempDir('npusim-sweep-lock-cli-');
    const r = await cli([...argv, '--failures', dir]);
    expect(r.code).toBe(0);
    expect(readdirSync(dir)).toEqual([NAME]);
  });
});

/**
 * One sweep at a time per summary file (src/cli/sweep-lock.ts): a second sweep into the same
 * `--failures` directory is refused before any seed runs, naming the first; a lock left by a
 * process that no longer runs (a zombie too) is taken over; the lock is gone when the sweep ends; a
 * merge of a directory a sweep still writes says so. A `--results` directory is locked alike.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  type LockProbe,
  lockSweepResults,
  lockSweepSummary,
  type ProcessTable,
  processRuns,
  procStatState,
  sweepsStillWriting,
} from '../../src/cli/sweep-lock.js';
import { ConfigError } from '../../src/core/errors.js';
import { unwrapped } from '../fixtures/unwrapped.js';
import { testTempDir } from '../support/temp-dir.js';
import { cli } from './cli-harness.js';

/** A process table of the test's own: `running` are the pids alive on host `here`. */
function probe(pid: number, running: number[], ageMs = 1000): LockProbe {
  return {
    alive: (p) => running.includes(p),
    host: () => 'here',
    pid,
    now: () => new Date(Date.UTC(2026, 11, 4, 12, 0, 0)),
    ageMs: () => ageMs,
  };
}

/** The sweep every lock of these tests is for, unless a test names another. */
const KEY = 'k1';

const NAME = 'sweep-summary.json';
const LOCK = `.${NAME}.lock`;

describe('the sweep lock', () => {
  test('a second sweep is refused naming the first; after release the summary can be locked again', () => {
    const dir = testTempDir('npusim-sweep-lock-');
    const notes: string[] = [];
    const first = lockSweepSummary(
      dir,
      NAME,
      KEY,
      '--failures',
      (l) => notes.push(l),
      probe(100, [100, 200]),
    );
    expect(first.path).toBe(join(dir, LOCK));
    expect(JSON.parse(readFileSync(first.path, 'utf8'))).toEqual({
      pid: 100,
      host: 'here',
      started: '2026-12-04T12:00:00.000Z',
      sweep: KEY,
    });
    let refused: unknown;
    try {
      lockSweepSummary(dir, NAME, KEY, '--failures', (l) => notes.push(l), probe(200, [100, 200]));
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
    const again = lockSweepSummary(dir, NAME, KEY, '--failures', (l) => notes.push(l), probe(200, [200]));
    again.release();
    expect(notes).toEqual([]);
  });

  test("a lock of this host's ended process is taken over and said; another host's and an unreadable one are refused", () => {
    const dir = testTempDir('npusim-sweep-lock-');
    const lockPath = join(dir, LOCK);
    writeFileSync(
      lockPath,
      JSON.stringify({ pid: 77, host: 'here', started: '2026-12-01T00:00:00.000Z', sweep: KEY }),
    );
    const notes: string[] = [];
    const taken = lockSweepSummary(dir, NAME, KEY, '--failures', (l) => notes.push(l), probe(300, [300]));
    expect(notes).toEqual([
      `${lockPath}: a lock left by sweep pid 77 (started 2026-12-01T00:00:00.000Z), which no longer runs: taken over`,
    ]);
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(300);
    taken.release();

    writeFileSync(lockPath, JSON.stringify({ pid: 77, host: 'elsewhere', started: 'then', sweep: KEY }));
    expect(() => lockSweepSummary(dir, NAME, KEY, '--failures', () => {}, probe(300, [300]))).toThrow(
      'got one: sweep pid 77 on elsewhere, started then.',
    );
    writeFileSync(lockPath, 'not a lock');
    expect(() => lockSweepSummary(dir, NAME, KEY, '--failures', () => {}, probe(300, [300]))).toThrow(
      'got one: a sweep whose lock file cannot be read.',
    );
    expect(readFileSync(lockPath, 'utf8')).toBe('not a lock');
    // A pid of 0 would ask the process group, which always answers: not a lock of ours.
    writeFileSync(lockPath, JSON.stringify({ pid: 0, host: 'here', started: 'then', sweep: KEY }));
    expect(() => lockSweepSummary(dir, NAME, KEY, '--failures', () => {}, probe(300, [0, 300]))).toThrow(
      'got one: a sweep whose lock file cannot be read.',
    );
    // Unreadable and over a minute old: its writer died between making and writing it (QA: an
    // empty lock blocked the directory for good).
    writeFileSync(lockPath, '');
    const old: string[] = [];
    lockSweepSummary(dir, NAME, KEY, '--failures', (l) => old.push(l), probe(300, [300], 61_000)).release();
    expect(old).toEqual([
      `${lockPath}: an unreadable lock over a minute old (its sweep died making it): taken over`,
    ]);
  });

  test("another sweep's live lock refuses a sweep whatever its summary's name; shards of one sweep share the directory", () => {
    const dir = testTempDir('npusim-sweep-lock-');
    const shard1 = lockSweepSummary(
      dir,
      'sweep-summary-1-of-2.json',
      'a',
      '--failures',
      () => {},
      probe(1, [1, 2, 3]),
    );
    // Shard 2 of the same sweep: its key is shard 1's.
    const shard2 = lockSweepSummary(
      dir,
      'sweep-summary-2-of-2.json',
      'a',
      '--failures',
      () => {},
      probe(2, [1, 2, 3]),
    );
    // Another sweep's shard (QA: it got in, and the directory could no longer be merged).
    expect(() =>
      lockSweepSummary(dir, 'sweep-summary-1-of-3.json', 'b', '--failures', () => {}, probe(3, [1, 2, 3])),
    ).toThrow(
      `Expected no other sweep writing into \`${dir}\`, got one: sweep pid 1 on here, started 2026-12-04T12:00:00.000Z, writing sweep-summary-1-of-2.json for another sweep (shards of one sweep may share a directory, other sweeps may not).`,
    );
    // The refused sweep left no lock of its own.
    expect(readdirSync(dir).sort()).toEqual([
      '.sweep-summary-1-of-2.json.lock',
      '.sweep-summary-2-of-2.json.lock',
    ]);
    shard1.release();
    shard2.release();
    lockSweepSummary(dir, 'sweep-summary-1-of-3.json', 'b', '--failures', () => {}, probe(3, [3])).release();
  });

  test('release leaves a lock that is no longer this sweep’s', () => {
    const dir = testTempDir('npusim-sweep-lock-');
    const mine = lockSweepSummary(dir, NAME, KEY, '--failures', () => {}, probe(1, [1]));
    const theirs = JSON.stringify({ pid: 2, host: 'here', started: 'later', sweep: KEY });
    writeFileSync(mine.path, theirs);
    mine.release();
    expect(readFileSync(mine.path, 'utf8')).toBe(theirs);
  });

  test('sweepsStillWriting names live and foreign locks, not ended ones, and nothing of a missing directory', () => {
    const dir = testTempDir('npusim-sweep-lock-');
    writeFileSync(join(dir, LOCK), JSON.stringify({ pid: 5, host: 'here', started: 's5', sweep: KEY }));
    writeFileSync(
      join(dir, '.sweep-summary-2-of-3.json.lock'),
      JSON.stringify({ pid: 6, host: 'here', started: 's6', sweep: KEY }),
    );
    writeFileSync(
      join(dir, '.sweep-summary-3-of-3.json.lock'),
      JSON.stringify({ pid: 6, host: 'far', started: 's7', sweep: KEY }),
    );
    expect(sweepsStillWriting(dir, probe(9, [5]))).toEqual([
      `${join(dir, 'sweep-summary-3-of-3.json')}: sweep pid 6 on far, started s7, is still writing it: this merge reads the summary there as it is now`,
      `${join(dir, NAME)}: sweep pid 5 on here, started s5, is still writing it: this merge reads the summary there as it is now`,
    ]);
    expect(sweepsStillWriting(join(dir, 'absent'), probe(9, []))).toEqual([]);
  });
});

/** A process table of the test's own: `pid` takes signals, and its /proc stat line is `stat`. */
function table(stat: string | undefined, signals = true): ProcessTable {
  return { signals: () => signals, stat: () => stat };
}

describe("whether a lock's process still runs", () => {
  test('the state is read after the last parenthesis of a /proc stat line, whatever the command name holds', () => {
    expect(procStatState('4284 (sleep) Z 4283 4283 1 0 -1 4228172 0 0 0 0 0 0')).toBe('Z');
    expect(procStatState('17 (node) S 1 17 17 0 -1')).toBe('S');
    expect(procStatState('9 (a) b ) R (c) X 1 2')).toBe('X');
    expect(procStatState('9 (two words) R 1 2\n')).toBe('R');
    expect(procStatState('9 (x) Z')).toBe('Z');
    expect(procStatState('')).toBeUndefined();
    expect(procStatState('9 x Z 1')).toBeUndefined();
    expect(procStatState('9 (x)Z 1')).toBeUndefined();
    expect(procStatState('9 (x) ZZ 1')).toBeUndefined();
  });

  test('a zombie (Z) or dead (X) process no longer runs; without /proc, one that takes signals does (QA: a zombie held a lock for good)', () => {
    expect(processRuns(5, table('5 (npusim) S 1 5 5'))).toBe(true);
    expect(processRuns(5, table('5 (npusim) R 1 5 5'))).toBe(true);
    expect(processRuns(5, table('5 (npusim) Z 1 5 5'))).toBe(false);
    expect(processRuns(5, table('5 (npusim) X 1 5 5'))).toBe(false);
    expect(processRuns(5, table('5 (npusim) x 1 5 5'))).toBe(false);
    expect(processRuns(5, table(undefined))).toBe(true);
    expect(processRuns(5, table(undefined, false))).toBe(false);
    expect(processRuns(5, table('5 (npusim) S 1', false))).toBe(false);
    // This process runs, as the real table says.
    expect(processRuns(process.pid)).toBe(true);
  });

  test('a lock left by a zombie of this host is taken over', () => {
    const dir = testTempDir('npusim-sweep-lock-');
    const lockPath = join(dir, LOCK);
    writeFileSync(lockPath, JSON.stringify({ pid: 26864, host: 'here', started: 'then', sweep: KEY }));
    const zombie = table('26864 (node) Z 1 26864 26864 0 -1');
    const notes: string[] = [];
    const taken = lockSweepSummary(dir, NAME, KEY, '--failures', (l) => notes.push(l), {
      ...probe(300, []),
      alive: (pid) => processRuns(pid, zombie),
    });
    expect(notes).toEqual([
      `${lockPath}: a lock left by sweep pid 26864 (started then), which no longer runs: taken over`,
    ]);
    taken.release();
    // The same pid, running (state S), still holds it.
    writeFileSync(lockPath, JSON.stringify({ pid: 26864, host: 'here', started: 'then', sweep: KEY }));
    expect(() =>
      lockSweepSummary(dir, NAME, KEY, '--failures', () => {}, {
        ...probe(300, []),
        alive: (pid) => processRuns(pid, table('26864 (node) S 1 26864 26864 0 -1')),
      }),
    ).toThrow('got one: sweep pid 26864 on here, started then.');
  });
});

describe('the lock of a --results directory', () => {
  test('a second sweep writing run results there is refused naming the first; the shards of one sweep share it', () => {
    const dir = testTempDir('npusim-results-lock-');
    const first = lockSweepResults(dir, undefined, 'a', () => {}, probe(1, [1, 2]));
    expect(first.path).toBe(join(dir, '.sweep-results.lock'));
    // The same sweep again (the same key), or another sweep: each writes the same seeds' files.
    for (const key of ['a', 'b']) {
      let refused: unknown;
      try {
        lockSweepResults(dir, undefined, key, () => {}, probe(2, [1, 2]));
      } catch (e) {
        refused = e;
      }
      expect(refused).toBeInstanceOf(ConfigError);
      expect((refused as ConfigError).field).toBe('--results');
      expect((refused as Error).message).toContain(
        `Expected no other sweep writing run results into \`${dir}\`, got one: sweep pid 1 on here, started 2026-12-04T12:00:00.000Z. Wait for it to end, give this sweep another --results directory (the shards of one sweep, --shard K/N, may share one), or remove \`${first.path}\` if that sweep no longer runs`,
      );
    }
    first.release();
    expect(readdirSync(dir)).toEqual([]);

    const shard1 = lockSweepResults(dir, { index: 1, count: 2 }, 'a', () => {}, probe(1, [1, 2, 3]));
    const shard2 = lockSweepResults(dir, { index: 2, count: 2 }, 'a', () => {}, probe(2, [1, 2, 3]));
    expect(() => lockSweepResults(dir, { index: 1, count: 3 }, 'b', () => {}, probe(3, [1, 2, 3]))).toThrow(
      `Expected no other sweep writing into \`${dir}\`, got one: sweep pid 1 on here, started 2026-12-04T12:00:00.000Z, writing run results for another sweep`,
    );
    // Another sweep's summary there is refused too; a merge names only summaries' locks.
    expect(() => lockSweepSummary(dir, NAME, 'b', '--failures', () => {}, probe(3, [1, 2, 3]))).toThrow(
      'writing run results for another sweep',
    );
    expect(sweepsStillWriting(dir, probe(3, [1, 2, 3]))).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['.sweep-results-1-of-2.lock', '.sweep-results-2-of-2.lock']);
    shard1.release();
    shard2.release();
    // A lock of a process that no longer runs is taken over, as a summary's.
    writeFileSync(
      join(dir, '.sweep-results.lock'),
      JSON.stringify({ pid: 7, host: 'here', started: 'then', sweep: 'b' }),
    );
    const notes: string[] = [];
    lockSweepResults(dir, undefined, 'a', (l) => notes.push(l), probe(3, [3])).release();
    expect(notes).toEqual([
      `${join(dir, '.sweep-results.lock')}: a lock left by sweep pid 7 (started then), which no longer runs: taken over`,
    ]);
  });
});

describe('sweep and its lock, from the command line', () => {
  const argv = ['sweep', 'flush-race', '--seeds', '1', '--duration', '5us', '--jobs', '1'];

  test('a sweep into a directory another live sweep holds exits 2 and runs nothing, a shard too; a merge says it', async () => {
    const dir = testTempDir('npusim-sweep-lock-cli-');
    // This test process stands for the other sweep: it runs, on this host.
    const other = {
      pid: process.pid,
      host: hostname(),
      started: '2026-12-04T12:00:00.000Z',
      sweep: 'another',
    };
    writeFileSync(join(dir, LOCK), JSON.stringify(other));
    const r = await cli([...argv, '--failures', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `npusim: --failures: Expected no other sweep writing \`${join(dir, NAME)}\`, got one: sweep pid ${process.pid} on ${hostname()}`,
    );
    expect(r.stdout).toBe('');
    expect(readdirSync(dir)).toEqual([LOCK]);

    // A shard writes a summary of another name, but of another sweep: refused as well.
    // (Two seeds: a shard count above the seeds is refused before the lock is looked at.)
    const shard = await cli([
      ...argv.map((a, i) => (argv[i - 1] === '--seeds' ? '1..2' : a)),
      '--failures',
      dir,
      '--shard',
      '1/2',
    ]);
    expect(shard.code).toBe(2);
    expect(shard.stderr).toContain(
      `npusim: --failures: Expected no other sweep writing into \`${dir}\`, got one: sweep pid ${process.pid} on ${hostname()}, started 2026-12-04T12:00:00.000Z, writing sweep-summary.json for another sweep`,
    );
    expect(readdirSync(dir)).toEqual([LOCK]);

    // The merge says who is writing before it says there is no summary yet.
    const merge = await cli(['sweep', '--merge', dir]);
    expect(unwrapped(merge.stderr, 8)).toContain(
      `npusim: ${join(dir, NAME)}: sweep pid ${process.pid} on ${hostname()}, started 2026-12-04T12:00:00.000Z, is still writing it`,
    );
    expect(merge.code).toBe(2);
  });

  test('the shards of one sweep run into one directory at once, and leave no lock', async () => {
    const dir = testTempDir('npusim-sweep-lock-cli-');
    const sweep = [
      'sweep',
      'flush-race',
      '--seeds',
      '1..2',
      '--duration',
      '5us',
      '--jobs',
      '1',
      '--failures',
      dir,
    ];
    // Started together in this process: whichever order they take their locks in, the two are
    // shards of one sweep (one key), so neither is refused.
    const [one, two] = await Promise.all([
      cli([...sweep, '--shard', '1/2']),
      cli([...sweep, '--shard', '2/2']),
    ]);
    expect(one!.code, one!.stderr).toBe(0);
    expect(two!.code, two!.stderr).toBe(0);
    const names = readdirSync(dir);
    expect(names.filter((f) => f.startsWith('sweep-summary')).sort()).toEqual([
      'sweep-summary-1-of-2.json',
      'sweep-summary-2-of-2.json',
    ]);
    expect(names.filter((f) => f.endsWith('.lock'))).toEqual([]);
  });

  test('a sweep removes its lock when it ends, and one that is refused removes none', async () => {
    const dir = testTempDir('npusim-sweep-lock-cli-');
    const r = await cli([...argv, '--failures', dir]);
    expect(r.code).toBe(0);
    expect(readdirSync(dir)).toEqual([NAME]);
  });

  test('a sweep into a --results directory another live sweep writes exits 2, runs nothing and leaves its --failures lock free (QA: both wrote a whole set)', async () => {
    const dir = testTempDir('npusim-sweep-lock-cli-');
    const results = join(dir, 'R');
    const failures = join(dir, 'F');
    mkdirSync(results);
    // This test process stands for the other sweep: it runs, on this host.
    const lock = join(results, '.sweep-results.lock');
    writeFileSync(
      lock,
      JSON.stringify({
        pid: process.pid,
        host: hostname(),
        started: '2026-12-04T12:00:00.000Z',
        sweep: 'another',
      }),
    );
    const r = await cli([...argv, '--results', results, '--failures', failures]);
    expect(r.code).toBe(2);
    expect(unwrapped(r.stderr, 8)).toContain(
      `npusim: --results: Expected no other sweep writing run results into \`${results}\`, got one: sweep pid ${process.pid} on ${hostname()}, started 2026-12-04T12:00:00.000Z. Wait for it to end, give this sweep another --results directory`,
    );
    expect(r.stdout).toBe('');
    expect(readdirSync(results)).toEqual(['.sweep-results.lock']);
    expect(readdirSync(failures)).toEqual([]);
  });

  test('the shards of one sweep write run results into one directory at once, and leave no lock', async () => {
    const dir = testTempDir('npusim-sweep-lock-cli-');
    const results = join(dir, 'R');
    const sweep = ['sweep', 'flush-race', '--seeds', '1..2', '--duration', '5us', '--jobs', '1'];
    sweep.push('--failures', dir, '--results', results);
    const [one, two] = await Promise.all([
      cli([...sweep, '--shard', '1/2']),
      cli([...sweep, '--shard', '2/2']),
    ]);
    expect(one!.code, one!.stderr).toBe(0);
    expect(two!.code, two!.stderr).toBe(0);
    expect(readdirSync(results).sort()).toEqual(['flush-race-seed1.json', 'flush-race-seed2.json']);
    expect(readdirSync(dir).filter((f) => f.endsWith('.lock'))).toEqual([]);
  });
});

/**
 * Free mode from the command line (issue 11): `run --free` reports free-mode figures and, with
 * --record, writes a file that `replay` reproduces exactly in one thread; a failing free run's
 * failure file replays with its history; `sweep --free`; options that make no sense with --free
 * are refused naming them (exit 2).
 */

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { RunResult } from '../../src/report/run-result.js';
import { testTempDir } from '../support/temp-dir.js';
import { cli } from './cli-harness.js';

const tmp = () => testTempDir('npusim-free-');

describe('run --free', () => {
  test('run --free --record: free-mode figures in the summary, and the recording replays exactly', async () => {
    const dir = tmp();
    const rec = join(dir, 'free.json');
    const r = await cli(['run', 'stress', '--free', '--seed', '3', '--duration', '30us', '--record', rec]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('contention (free mode');
    expect(r.stdout).toMatch(/free mode: window 1(\.0+)? ?us; \d+ late records/);
    expect(r.stdout).toMatch(/take log \S+B \(\S+B per simulated ms\)/);
    expect(r.stdout).toContain(`reproduce: npusim replay ${rec}`);
    const file = JSON.parse(readFileSync(rec, 'utf8')) as {
      options: { host: string };
      exit: { class: string };
      first: unknown;
      free: { actors: unknown[] };
    };
    expect(file.options.host).toBe('free');
    expect(file.exit.class).toBe('clean');
    expect(file.first).toBeNull();
    expect(file.free.actors).toHaveLength(9);

    const replay = await cli(['replay', rec]);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain('free run, from its take log, in one thread');
    expect(replay.stdout).toContain('reproduced exactly');

    // --inline is what a free run's replay is (one thread); threads cannot replay it.
    const inline = await cli(['replay', rec, '--inline']);
    expect(inline.code, inline.stderr).toBe(0);
    expect(inline.stdout).toContain('free run, from its take log, in one thread');
    expect(inline.stdout).toContain('reproduced exactly');
    const threads = await cli(['replay', rec, '--threads']);
    expect(threads.code).toBe(2);
    expect(threads.stderr).toMatch(/--threads: Expected no host or --inline .* free run/);

    // An edited event count is refused before the replay runs (exit 2), not found after it (5).
    const json = JSON.parse(readFileSync(rec, 'utf8')) as { free: { actors: { events: number }[] } };
    json.free.actors[0]!.events += 1;
    writeFileSync(rec, JSON.stringify(json));
    const edited = await cli(['replay', rec]);
    expect(edited.code).toBe(2);
    expect(edited.stderr).toMatch(
      /actors\[0\] \(\w+\)\.takes: Expected a take log whose digest is .* \(the log or its event count was changed/,
    );
    // Refused before its header, as a deterministic file is (QA: a header, then the refusal).
    expect(edited.stdout).toBe('');

    // Logs that end before the file's run did (another, shorter run's) are refused, not replayed
    // to a NOT reproduced (exit 5: QA); so are logs of other events than the file's run handled.
    json.free.actors[0]!.events -= 1;
    const cut = json as typeof json & {
      free: { actors: { finishTick: number }[] };
      figures: { events: number };
    };
    cut.free.actors[3]!.finishTick = 20_000_000;
    writeFileSync(rec, JSON.stringify(cut));
    const shorter = await cli(['replay', rec]);
    expect(shorter.code).toBe(2);
    expect(shorter.stdout).toBe('');
    expect(shorter.stderr).toContain(
      `${rec}: free.actors[3].finishTick: Expected the run's duration, workload.params.durationTicks 30000000 (30 us), where each actor of a run that ran to its end (free.stopped \`end\`) finishes; got 20000000 (20 us): a log of another run?`,
    );
    cut.free.actors[3]!.finishTick = 30_000_000;
    cut.figures.events += 5;
    writeFileSync(rec, JSON.stringify(cut));
    const other = await cli(['replay', rec]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(
      `${rec}: free.actors: Expected take logs of ${cut.figures.events} events in all (figures.events), got ${cut.figures.events - 5}: a log of another run?`,
    );
  });

  test("run --free --strategy pct --record: the replay's --json has the run's `pct` figures, as a deterministic PCT file's replay has (QA: none)", async () => {
    const rec = join(tmp(), 'pct.json');
    const args = ['stress', '--free', '--strategy', 'pct', '--pct-depth', '3', '--seed', '3'];
    const r = await cli(['run', ...args, '--duration', '20us', '--record', rec, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const ran = (JSON.parse(r.stdout) as RunResult).pct;
    expect(ran?.steps).toBeGreaterThan(0);
    const replay = await cli(['replay', rec, '--json']);
    expect(replay.code, replay.stderr).toBe(0);
    expect((JSON.parse(replay.stdout) as RunResult).pct).toEqual(ran);
  });

  test('run --free: a failing run writes a failure file that replays with its history', async () => {
    // A finding that needs no particular order of the threads (a peer write over a link left open
    // lands in another tenant's GPU whatever the interleaving: thousands in 50 us inline), so the
    // run fails however it was scheduled; a race's finding would be the threads' doing.
    const dir = tmp();
    const r = await cli([
      'run',
      'tenant-isolation',
      '--free',
      '--bug',
      'links-enabled-per-gpu',
      '--seed',
      '2',
      '--duration',
      '100us',
      '--stop-on-first',
      '--failures',
      dir,
    ]);
    expect(r.code).toBe(1);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(r.stdout).toContain(`reproduce: npusim replay ${join(dir, files[0]!)}`);
    const replay = await cli(['replay', join(dir, files[0]!)]);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain('reproduced exactly');
    expect(replay.stdout).toMatch(/history \(the last events of /);

    // A corrupted log is refused before anything runs, naming the field.
    const path = join(dir, files[0]!);
    const json = JSON.parse(readFileSync(path, 'utf8')) as { free: { actors: { takes: string }[] } };
    json.free.actors[1]!.takes = json.free.actors[1]!.takes.slice(0, -4);
    writeFileSync(path, JSON.stringify(json));
    const bad = await cli(['replay', path]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/free\.actors\[1\] \(\w+\)\.takes: Expected a take log whose digest/);

    const shrink = await cli(['shrink', join(dir, files[0]!), '--out', join(dir, 'x.json')]);
    expect(shrink.code).toBe(2);

    // The file is the only record of its race: no output of a later command writes over it (QA:
    // `--record FILE` run twice replaced a free run's file without a word).
    const held = readFileSync(path, 'utf8');
    const over = await cli(['run', '--seed', '1', '--duration', '5us', '--inline', '--record', path]);
    expect(over.code).toBe(2);
    expect(over.stderr).toContain(
      `npusim: --record: Expected a file that holds no free run's failure file, got \`${path}\`, which holds a free run's failure file (tenant-isolation, seed 2: isolation.peer`,
    );
    expect(over.stdout).toBe('');
    expect(readFileSync(path, 'utf8')).toBe(held);
  });

  test('sweep --free: one free run per seed (after the first on kept threads), failure files that replay', async () => {
    const dir = tmp();
    // As above, a finding every interleaving makes, so both seeds fail however they were scheduled.
    const r = await cli([
      'sweep',
      'tenant-isolation',
      '--free',
      '--bug',
      'links-enabled-per-gpu',
      '--seeds',
      '1..2',
      '--duration',
      '60us',
      '--failures',
      dir,
    ]);
    expect(r.code).toBe(1);
    // One seed at a time, each on a worker thread per actor (9 on the default witherspoon-6).
    // The header's fields, two spaces apart or at a line's break (lines of at most 100 columns).
    expect(r.stdout.split('\n').slice(0, 3).join('\n')).toMatch(
      / {2}free \(window 1 us\)\s+1 seed at a time, a worker thread per actor \(9 threads\)$/m,
    );
    const files = readdirSync(dir).filter((f) => f !== 'sweep-summary.json');
    // Both seeds fail with the bug; the second ran on the threads the first left (worker-set.ts).
    expect(files).toHaveLength(2);
    for (const f of files) {
      expect(f).toMatch(/^tenant-isolation-seed[12]-isolation\.peer-/);
      const replay = await cli(['replay', join(dir, f)]);
      expect(replay.stdout).toContain('reproduced exactly');
    }
  });

  test.each([
    [['run', '--free', '--inline'], /--inline: Expected no --inline with --free/],
    [['run', '--free', '--workers', '2'], /--workers: Expected no --workers with --free/],
    [['run', '--free-window', '2us'], /--free-window: Expected --free with it/],
    [
      ['sweep', 'stress', '--free', '--jobs', '2', '--seeds', '1..2'],
      /--jobs: Expected no --jobs with --free/,
    ],
    [['run', '--free', '--free-window', 'soon'], /--free-window: /],
  ])('free options: %j is refused (exit 2)', async (argv, message) => {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

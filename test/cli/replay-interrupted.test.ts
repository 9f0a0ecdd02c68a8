/**
 * `npusim run --record` of a run Ctrl-C stopped, then `npusim replay` of its file, from the
 * command line. The run is a child process sent a real SIGINT once its stderr shows progress
 * (cli-child.ts: a hand-off, never a sleep); wherever the signal lands, the file says where the
 * run stopped, and the replay is judged against that:
 *   - inline: Ctrl-C is seen between two events, so the replay stops after the same events and
 *     reproduces the digest exactly (it was reported NOT reproduced, exit 5, before);
 *   - free: the take log is the run up to the stop; the replay says the run was interrupted and
 *     exits with its own findings' code (it said `clean` and exited 130 before);
 *   - threaded: each worker stops at its own event, so no replay stops where it did: the replay
 *     says so, runs up to the tick reached and exits with its own code, never 5;
 *   - a free run stopped after a finding writes its failure file (marked interrupted), which
 *     replays to the same stop: without it the race was lost unless --record was given;
 *   - so does a variant stopped after a finding it did not expect (its own failure file).
 * The durations are long enough that no run can end before its SIGINT; the replays are short.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { formatTime } from '../../src/report/duration.js';
import type { FailureFile } from '../../src/repro/failure-file.js';
import { workloads } from '../../workloads/index.js';
import { unwrapped } from '../fixtures/unwrapped.js';
import { cliChild } from '../support/cli-child.js';
import { FAST_PROGRESS } from '../support/fast-progress.js';
import { testTempDir } from '../support/temp-dir.js';
import { cli } from './cli-harness.js';

const tmp = () => testTempDir('npusim-replay-int-');

/**
 * `npusim run ARGS --record FILE`, sent SIGINT at its first progress line past tick 0; the file
 * read back (each test checks that it says `interrupted` after its replay, so a file that does not
 * still shows what its replay does).
 */
async function interruptedRecording(
  args: readonly string[],
  signal: NodeJS.Signals = 'SIGINT',
): Promise<{ path: string; file: FailureFile }> {
  const path = join(tmp(), 'int.json');
  // A progress line past tick 0: one printed while the workers start (`0% simulated (0 ps of
  // 5 ms)`) would stop the run before its first tick, whose replay has no stop to show (flaky
  // under load: the header's `to ...` was missing).
  const r = await cliChild(['run', ...args, '--no-failure-file', '--record', path], {
    interruptOn: /% simulated \((?!0 ps )/,
    signal,
    env: FAST_PROGRESS,
  });
  expect(r.code, r.stderr).toBe(130);
  expect(r.stderr).toContain('npusim: stopping');
  return { path, file: JSON.parse(readFileSync(path, 'utf8')) as FailureFile };
}

/**
 * A clean 30 us `stress` recording (made with `args`) made `ticks` long, duration and reach alike
 * (a clean run's file says it reached its duration), so its replay runs for seconds without a
 * recording that long having been made: its path.
 */
async function stretchedRecording(dir: string, args: readonly string[], ticks: number): Promise<string> {
  const short = join(dir, 'short.json');
  const made = await cli(['run', 'stress', ...args, '--duration', '30us', '--record', short]);
  expect(made.code, made.stderr).toBe(0);
  const long = join(dir, 'long.json');
  writeFileSync(
    long,
    readFileSync(short, 'utf8')
      .replace('"durationTicks": 30000000,', `"durationTicks": ${ticks},`)
      .replace('"simulatedTicks": 30000000,', `"simulatedTicks": ${ticks},`),
  );
  return long;
}

describe('replay of a --record file of a run Ctrl-C stopped', () => {
  test('inline: the replay stops after the same events, reproduces the digest exactly and exits 0', async () => {
    // Stopped by SIGHUP (an SSH session closed), which the file does not tell from Ctrl-C: the
    // replay named only Ctrl-C and SIGTERM, and said `as far as the run went before Ctrl-C` (QA Q6).
    const { path, file } = await interruptedRecording(
      ['stress', '--inline', '--seed', '7', '--duration', '5ms'],
      'SIGHUP',
    );
    expect(file.options.host).toBe('inline');
    const r = await cli(['replay', path]);
    expect(r.code, r.stdout).toBe(0);
    // `recorded:` and `replayed:` wrap under their text past 100 columns, and the header's bracket
    // under the path: read back whole.
    const lines = unwrapped(unwrapped(r.stdout, '  recorded: '.length), 'npusim replay '.length).split('\n');
    const at = formatTime(file.figures.simulatedTicks);
    expect(lines[1]).toBe('  strategy random  no bug switches');
    expect(lines[2]).toBe(
      `  recorded: interrupted by a signal (Ctrl-C, SIGTERM or SIGHUP) at ${at} of 5 ms (tick ${file.figures.simulatedTicks}, after ${file.figures.events} events), clean so far, digest ${file.digest}, stress seed 7`,
    );
    expect(lines[3]).toBe(
      `  replayed: stopped after the same ${file.figures.events} events, at ${at}: clean so far, digest ${file.digest}`,
    );
    expect(lines[4]).toBe('  reproduced exactly, as far as the run went before its signal');
    // Wrapped, a bracket stays whole (the comma inside it broke the line: QA Q54).
    expect(r.stdout).toContain('(Ctrl-C, SIGTERM or SIGHUP)');
    expect(r.stdout).toContain(`(tick ${file.figures.simulatedTicks}, after ${file.figures.events} events)`);
    const verdict = r.stdout.split('\n');
    expect(verdict.slice(1, verdict.indexOf(lines[4]!)).filter((l) => l.length > 100)).toEqual([]);

    const json = await cli(['replay', path, '--json']);
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout) as {
      digest: string;
      exitCode: number;
      replay: Record<string, unknown>;
    };
    expect(out.digest).toBe(file.digest);
    // The replayed run is the interrupted one (its own code 130); the command exits 0, and says so.
    expect(out.exitCode).toBe(130);
    expect(out.replay).toMatchObject({
      reproduced: true,
      exitCode: 0,
      mismatches: [],
      recorded: { interrupted: { tick: file.figures.simulatedTicks, events: file.figures.events } },
    });
    expect(file.exit).toEqual({ class: 'interrupted', code: 130 });
  });

  test('free: the replay says the recorded run was interrupted, reproduces it, and exits 0, not 130', async () => {
    const { path, file } = await interruptedRecording([
      'stress',
      '--free',
      '--seed',
      '7',
      '--duration',
      '5ms',
    ]);
    expect(file.options.host).toBe('free');
    expect(file.free?.stopped).toBe('interrupted');
    const r = await cli(['replay', path]);
    expect(r.code, r.stdout).toBe(0);
    // `recorded:` and `replayed:` wrap under their text past 100 columns, and the header's bracket
    // under the path: read back whole.
    const lines = unwrapped(unwrapped(r.stdout, '  recorded: '.length), 'npusim replay '.length).split('\n');
    expect(lines[0]).toBe(
      `npusim replay ${path} (free run, from its take log, in one thread; to ${formatTime(file.figures.simulatedTicks)}, where the recorded run was interrupted)`,
    );
    expect(r.stdout.split('\n')[0]).toBe(`npusim replay ${path}`);
    expect(r.stdout.split('\n').filter((l) => l.length > 100)).toEqual([]);
    expect(lines[1]).toBe('  strategy random  no bug switches');
    expect(lines[2]).toMatch(
      /^ {2}recorded: interrupted by a signal \(Ctrl-C, SIGTERM or SIGHUP\) at .* of 5 ms \(tick \d+, after \d+ events\), clean so far, /,
    );
    expect(lines[3]).toBe(
      `  replayed: to the same stop, from its take log: clean so far, digest ${file.digest}`,
    );
    expect(lines[4]).toBe('  reproduced exactly, as far as the run went before its signal');
    expect(file.exit).toEqual({ class: 'interrupted', code: 130 });
  });

  test('threaded: the replay says why it cannot compare, runs up to the tick reached, and exits with its own code, never 5', async () => {
    const { path, file } = await interruptedRecording([
      'stress',
      '--workers',
      '2',
      '--seed',
      '7',
      '--duration',
      '5ms',
    ]);
    expect(file.options.host).toBe('threaded');
    // Inline, to keep the replay light: a threaded recording compares on no host.
    const r = await cli(['replay', path, '--inline', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      status: string;
      config: { params: { durationTicks: number } };
      replay: { reproduced: unknown; notCompared: string; mismatches: string[] };
    };
    expect(out.status).toBe('clean');
    expect(out.config.params.durationTicks).toBe(Math.max(1, file.figures.simulatedTicks));
    expect(out.replay.reproduced).toBeNull();
    expect(out.replay.mismatches).toEqual([]);
    const said = unwrapped(unwrapped(r.stderr, '  replayed: '.length), '  not compared: '.length);
    expect(said).toMatch(/^ {2}replayed: the same run up to .*: clean, digest [0-9a-f]{16}$/m);
    expect(said).toContain(
      '  not compared: the recorded run was interrupted on threads, where each worker stops at its own event, so no replay can stop where it did and its digest cannot be compared',
    );
    expect(r.stderr).not.toContain('NOT reproduced');
    expect(file.exit).toEqual({ class: 'interrupted', code: 130 });
  });

  // A free run's race fires when the threads' timing lets it: almost always within the first
  // half millisecond, but once in CI a run went 49 ms of its 50 without one and ended on its own
  // (exit 1, no interrupt). The property needs a finding before the signal, so a run that gave
  // none is tried again rather than judged.
  test('free, stopped after a finding: its failure file is written (the race is in no seed) and replays to the same stop', {
    retry: 2,
  }, async () => {
    const failures = tmp();
    const r = await cliChild(
      [
        'run',
        'flush-race',
        '--bug',
        'single-flush',
        '--free',
        '--seed',
        '1',
        '--duration',
        '50ms',
        '--failures',
        failures,
      ],
      { interruptOn: /[1-9][\d.]*k? violations so far/, env: FAST_PROGRESS },
    );
    expect(r.code, r.stderr).toBe(130);
    const written =
      /npusim: failure file of the interrupted run written; replay it with:\nnpusim replay (\S+)\n/.exec(
        r.stderr,
      );
    expect(written, r.stderr).not.toBeNull();
    const path = written![1]!;
    expect(path.startsWith(failures)).toBe(true);
    const file = JSON.parse(readFileSync(path, 'utf8')) as FailureFile;
    expect(file.exit).toEqual({ class: 'interrupted', code: 130 });
    expect(file.first?.rule).toMatch(/^(order|translation)\./);
    const replay = await cli(['replay', path]);
    expect(replay.code, replay.stdout).toBe(1);
    expect(replay.stdout).toContain('  reproduced exactly, as far as the run went before its signal');
  });
  test('a variant stopped after a finding it did not expect: its own failure file is written, and replays to the same stop', async () => {
    const dir = tmp();
    // multi-tenant's machine as a file of its own, whose variant gives each GPU its own group
    // (per-gpu: two tenants' GPUs still talk over NVLink) for far longer than the test waits, and
    // expects nothing: every isolation.peer it finds is unexpected.
    const file = join(dir, 'leaky.json');
    const params = { ...workloads.find((w) => w.name === 'multi-tenant')!.params, durationTicks: 5_000_000 };
    writeFileSync(
      file,
      JSON.stringify({
        name: 'leaky',
        description: 'a short clean run, then a long leaking variant that expects nothing',
        variants: [{ name: 'leak', set: { policy: 'per-gpu', durationTicks: 1_000_000_000_000 } }],
        params,
      }),
    );
    const failures = join(dir, 'failures');
    const r = await cliChild(['run', file, '--seed', '1', '--inline', '--failures', failures], {
      interruptOn: /variant leak: [^\n]*[1-9][\d.]*k? violations so far/,
      env: FAST_PROGRESS,
    });
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('npusim: variant leak interrupted (exit 130)');
    const written = /npusim replay (\S+)\n/.exec(r.stderr);
    expect(written, r.stderr).not.toBeNull();
    const path = written![1]!;
    expect(path.startsWith(failures)).toBe(true);
    const saved = JSON.parse(readFileSync(path, 'utf8')) as FailureFile;
    expect(saved.exit).toEqual({ class: 'interrupted', code: 130 });
    expect(saved.first?.rule).toBe('isolation.peer');
    expect((saved.workload.params as { policy: string }).policy).toBe('per-gpu');
    const replay = await cli(['replay', path]);
    expect(replay.code, replay.stdout).toBe(1);
    expect(replay.stdout).toContain('  reproduced exactly, as far as the run went before its signal');
  });
});

describe('a replay Ctrl-C stops', () => {
  test.each([
    ['inline', '--inline'],
    ['threaded', '--threads'],
  ])(
    '%s: it shows progress, stops between events, says where and that it was not compared, and exits 130',
    async (_, host) => {
      // A short recording made 50 ms long (duration and reach alike: a clean run's file says it
      // reached its duration), so its replay is still running at its first progress line.
      const long = await stretchedRecording(tmp(), [host, '--seed', '1'], 50_000_000_000);
      const r = await cliChild(['replay', long], {
        interruptOn: /% simulated \((?!0 ps )/,
        env: FAST_PROGRESS,
      });
      expect(r.code, r.stderr).toBe(130);
      expect(r.stderr).toContain('npusim: stopping');
      expect(unwrapped(r.stderr, 8)).toMatch(
        /npusim: interrupted at \S+ \S+ of 50 ms simulated \(exit 130\), after \d+ events: the replay did not finish, so it was not compared with the file\n/,
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
      const said = unwrapped(unwrapped(r.stdout, '  replayed: '.length), '  not compared: '.length);
      expect(said).toMatch(
        /\n {2}replayed: interrupted by a signal at \S+ \S+ of 50 ms \(after \d+ events\): clean so far, /,
      );
      expect(said).toContain(
        '  not compared: the replay was interrupted (Ctrl-C, SIGTERM or SIGHUP) before it finished',
      );
    },
  );

  test('a replay on threads that Ctrl-C stopped still writes its --trace, --report and --out, up to its stop, as `npusim run` does', async () => {
    // A clean recording whose replay takes seconds: a short one made 5 ms long (as above:
    // recording 5 ms took most of this test's time); the signal goes at the replay's first
    // progress line past tick 0.
    const dir = tmp();
    const path = await stretchedRecording(dir, ['--inline', '--seed', '7'], 5_000_000_000);
    const [trace, report, out] = ['r.pftrace', 'r.html', 'r.json'].map((f) => join(dir, f));
    const r = await cliChild(
      ['replay', path, '--threads', '--trace', trace!, '--report', report!, '--out', out!],
      { interruptOn: /% simulated \((?!0 ps )/, env: FAST_PROGRESS },
    );
    expect(r.code, r.stderr).toBe(130);
    expect(unwrapped(r.stderr, 8)).toMatch(/npusim: interrupted at \S+ \S+ of 5 ms simulated \(exit 130\)/);
    // Left out without a word before.
    expect(r.stderr).toContain(`npusim: --report: written to \`${report}\``);
    expect(readFileSync(trace!).length).toBeGreaterThan(0);
    expect(readFileSync(report!, 'utf8')).toContain('interrupted');
    expect(JSON.parse(readFileSync(out!, 'utf8'))).toMatchObject({ status: 'interrupted' });
  });

  test('free: its replay from the take log runs on a worker, so Ctrl-C stops it between steps, says where and that it was not compared, and exits 130', async () => {
    // A free run's take log cannot be made longer by editing the file (it fixes every event), so
    // the run recorded is one whose replay takes seconds; the signal goes once its header shows
    // (on stderr with --json), which is printed as the replay's worker starts.
    const path = join(tmp(), 'free.json');
    const made = await cli(['run', 'stress', '--free', '--seed', '7', '--duration', '1ms', '--record', path]);
    expect(made.code, made.stderr).toBe(0);
    const file = JSON.parse(readFileSync(path, 'utf8')) as FailureFile;
    const r = await cliChild(['replay', path, '--json'], {
      interruptOn: /\(free run, from its take log, in one thread\)\n {2}strategy/,
    });
    // Killed at once (no line, exit null) before: the replay held the command's thread.
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('npusim: stopping');
    expect(unwrapped(r.stderr, 8)).toMatch(
      /npusim: interrupted at \S+ \S+ of 1 ms simulated \(exit 130\), after (\d+) events: the replay did not finish, so it was not compared with the file\n/,
    );
    const out = JSON.parse(r.stdout) as {
      replay: { reproduced: unknown; notCompared: string; exitCode: number };
    };
    expect(out.replay.reproduced).toBeNull();
    expect(out.replay.exitCode).toBe(130);
    expect(out.replay.notCompared).toContain('the replay was interrupted (Ctrl-C, SIGTERM or SIGHUP)');
    const events = Number(/after (\d+) events: the replay did not finish/.exec(r.stderr)![1]);
    expect(events).toBeLessThan(file.figures.events);
  });
});

/**
 * The race-reproduction commands from the command line (issue 9): a failing run leaves a failure
 * file and the line that replays it; replay reproduces it; sweep finds failures per seed with a
 * summary by rule and merges shards; list --json describes workloads, bugs and profiles.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, test } from 'vitest';
import { replayHeader } from '../../src/cli/replay-command.js';
import { runCli } from '../../src/cli/run-cli.js';
import { RULE_NAMES, RULES, type RuleName } from '../../src/model/check/rule-names.js';
import { BUG_NAMES } from '../../src/model/scenario/bugs.js';
import type { Workload } from '../../src/model/scenario/workload.js';
import type { FailureFile } from '../../src/repro/failure-file.js';
import type { ReplayStop } from '../../src/repro/replay-runs.js';
import { unwrapped } from '../fixtures/unwrapped.js';
import { testTempDir } from '../support/temp-dir.js';
import { type CliOutcome, cli, STACK_FRAME } from './cli-harness.js';

const tmp = () => testTempDir('npusim-cli-');
/** A run that fails at its first finding (translation.stale-tce), inline. */
const FAILING = 'run tce-storm --bug unpin-before-kill --seed 1 --inline --stop-on-first'.split(' ');

/**
 * `FAILING --failures DIR`, run once for the tests that read its output or its failure file (they
 * ran the same command each, a second or two of CPU every time): started by the first test that
 * asks, its directory shared by the file and removed after it. It holds the run's one failure
 * file, which no test changes: one that does (a tampered file) changes a copy of its own
 * (`failureFileCopy`).
 */
const failingDir = mkdtempSync(join(tmpdir(), 'npusim-cli-failing-'));
afterAll(() => rmSync(failingDir, { recursive: true, force: true }));
let failing: Promise<CliOutcome> | undefined;
function failingRun(): Promise<CliOutcome> {
  failing ??= cli([...FAILING, '--failures', failingDir]);
  return failing;
}

/** The failure file of `failingRun`, copied under its own name into a directory of the test's own. */
async function failureFileCopy(): Promise<string> {
  await failingRun();
  const [name] = readdirSync(failingDir);
  const path = join(tmp(), name!);
  copyFileSync(join(failingDir, name!), path);
  return path;
}

describe('run: failure files', () => {
  test('run --stop-on-first: a failing run ends at its first finding and writes a failure file with the replay line', async () => {
    const dir = failingDir;
    const r = await failingRun();
    expect(r.code).toBe(1);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    // Each closing line once, the replay command last (QA: the run line twice, last; the replay
    // line before the summary, scrolled off).
    const replayLine = `npusim replay ${join(dir, files[0]!)}`;
    expect(r.stderr.endsWith(`npusim: failure file written; replay it with:\n${replayLine}\n`)).toBe(true);
    expect(r.stderr.split(replayLine)).toHaveLength(2);
    expect(r.stdout.match(/^reproduce: npusim run tce-storm .*--stop-on-first/gm)).toHaveLength(1);
    expect(r.stderr).not.toContain('reproduce:');
    // The own run found what the workload declares its --bug exposes: no NOT-as-expected line.
    expect(r.stderr).toMatch(
      /npusim: violation \(exit 1\): \d+ violations?, 0 liveness failures\nnpusim: failure file/,
    );
    // With --json there is no summary: the status line keeps the run line, the replay line last.
    const json = await cli([...FAILING, '--failures', tmp(), '--json']);
    expect(json.stderr).toMatch(
      /\nreproduce: npusim run tce-storm .*\nnpusim: failure file written; replay it with:\nnpusim replay \S+\n$/,
    );
    const file = JSON.parse(readFileSync(join(dir, files[0]!), 'utf8')) as {
      first: { rule: string };
      exit: { code: number };
    };
    expect(file.first.rule).toBe('translation.stale-tce');
    expect(file.exit.code).toBe(1);

    const replay = await cli(['replay', join(dir, files[0]!)]);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain('reproduced exactly');
    expect(replay.stdout).toMatch(/history \(the last events of /);
  });

  test("run --record: the replay command comes after the summary, last, and with a failure file the failure file's is last", async () => {
    const dir = tmp();
    const record = join(dir, 'rec.json');
    // stdout and stderr in the order written, as a terminal shows them.
    const log: string[] = [];
    const stream = () =>
      new Writable({
        write(chunk, _encoding, done) {
          log.push(String(chunk));
          done();
        },
      });
    const argv = ['run', 'stress', '--inline', '--duration', '30us', '--no-failure-file', '--record', record];
    const code = await runCli(argv, { stdout: stream(), stderr: stream(), env: { NO_COLOR: '1' } });
    expect(code).toBe(0);
    const shown = log.join('');
    expect(shown.endsWith(`npusim: run recorded; replay it with:\nnpusim replay ${record}\n`)).toBe(true);
    expect(shown.indexOf('run recorded')).toBeGreaterThan(shown.indexOf('reproduce: npusim run stress'));

    const failures = tmp();
    const failed = await cli([...FAILING, '--failures', failures, '--record', join(failures, 'rec.json')]);
    expect(failed.code).toBe(1);
    const file = readdirSync(failures).find((f) => f !== 'rec.json')!;
    expect(failed.stderr).toMatch(/npusim: run recorded; replay it with:\nnpusim replay \S+rec\.json\n/);
    expect(
      failed.stderr.endsWith(
        `npusim: failure file written; replay it with:\nnpusim replay ${join(failures, file)}\n`,
      ),
    ).toBe(true);
  });

  test('run --workers N: the failure file keeps the placement, and a replay on threads places the actors the same way', async () => {
    const dir = tmp();
    const r = await cli([...FAILING.filter((a) => a !== '--inline'), '--workers', '3', '--failures', dir]);
    expect(r.code).toBe(1);
    const path = join(dir, readdirSync(dir)[0]!);
    const file = JSON.parse(readFileSync(path, 'utf8')) as { options: { host: string; workers?: string } };
    expect(file.options).toMatchObject({ host: 'threaded', workers: '3' });
    const replay = await cli(['replay', path, '--json']);
    expect(replay.code).toBe(1);
    const out = JSON.parse(replay.stdout) as {
      engine: { placement: string };
      replay: { reproduced: boolean };
    };
    expect(out.replay.reproduced).toBe(true);
    expect(out.engine.placement).toBe('3');
    const text = await cli(['replay', path]);
    // The header's bracket goes under the path past 100 columns: read back whole.
    expect(unwrapped(text.stdout, 'npusim replay '.length)).toMatch(
      /\(threaded, --workers 3 as recorded; to [\d.]+ [a-z]+, where the recorded run stopped at its first finding\)/,
    );
    // The field is checked as --workers is, before anything is printed or run (QA: `300` passed
    // the file's checks; replay printed its header before it was refused, and shrink took it).
    const edited = (workers: string): string => {
      const copy = join(dir, `workers-${workers}.json`);
      writeFileSync(copy, JSON.stringify({ ...file, options: { ...file.options, workers } }));
      return copy;
    };
    const tooMany = edited('300');
    for (const command of [
      ['replay', tooMany],
      ['shrink', tooMany, '--out', join(dir, 'shrunk.json')],
    ]) {
      const refused = await cli(command);
      expect(refused.code, command[0]).toBe(2);
      expect(refused.stdout, command[0]).toBe('');
      expect(refused.stderr).toContain(
        `${tooMany}: options.workers: Expected per-actor, auto or a number of workers from 1 to 256, got "300"`,
      );
    }
    const perActor = await cli(['replay', edited('per-actor'), '--json']);
    expect(perActor.code, perActor.stderr).toBe(1);
    expect((JSON.parse(perActor.stdout) as { engine: { placement: string } }).engine.placement).toBe(
      'per-actor',
    );
  });

  test('run: a clean run writes no failure file; --no-failure-file writes none for a failing one', async () => {
    const dir = tmp();
    const clean = await cli([
      'run',
      'stress',
      '--seed',
      '1',
      '--duration',
      '10us',
      '--inline',
      '--failures',
      join(dir, 'a'),
    ]);
    expect(clean.code).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
    const none = await cli([...FAILING, '--no-failure-file']);
    expect(none.code).toBe(1);
    expect(none.stderr).not.toContain('npusim replay');
  });

  test('replay: a run that does not reproduce exits 5, told apart from a reproduced finding; --json says which', async () => {
    const path = await failureFileCopy();
    const good = await cli(['replay', path, '--json']);
    expect(good.code).toBe(1);
    const ok = JSON.parse(good.stdout) as {
      status: string;
      reproduce: string;
      replay: { reproduced: boolean; mismatches: string[] };
    };
    expect(ok.status).toBe('violation');
    expect(ok.replay).toMatchObject({ reproduced: true, mismatches: [] });
    // Its reproduce line is the replay itself: a `run` line is another run for a shrunk file.
    expect(ok.reproduce).toBe(`npusim replay ${path}`);
    const inline = JSON.parse((await cli(['replay', path, '--inline', '--json'])).stdout) as {
      reproduce: string;
    };
    expect(inline.reproduce).toBe(`npusim replay ${path} --inline`);
    // The option is --threads (the host is called `threaded`): the line must run as printed.
    const threads = JSON.parse((await cli(['replay', path, '--threads', '--json'])).stdout) as {
      reproduce: string;
    };
    expect(threads.reproduce).toBe(`npusim replay ${path} --threads`);

    const f = JSON.parse(readFileSync(path, 'utf8'));
    f.digest = '0123456789abcdef';
    writeFileSync(path, JSON.stringify(f));
    const diverged = await cli(['replay', path, '--json']);
    expect(diverged.code).toBe(5);
    expect(diverged.stderr).toContain('NOT reproduced: expected digest 0123456789abcdef');
    const bad = JSON.parse(diverged.stdout) as { replay: { reproduced: boolean; mismatches: string[] } };
    expect(bad.replay.reproduced).toBe(false);
    expect(bad.replay.mismatches).toEqual([expect.stringContaining('expected digest 0123456789abcdef')]);
    // Its seed edited as well: the file's name (seed 1) says which cause to suspect (QA).
    writeFileSync(path, JSON.stringify({ ...f, seed: 2 }));
    const edited = await cli(['replay', path]);
    expect(edited.code).toBe(5);
    expect(unwrapped(edited.stderr, 8)).toContain(
      '(its name says seed 1, and it holds seed 2: an edit by hand, the likeliest cause)',
    );
    expect(diverged.stderr).not.toContain('its name says seed');
  });

  test('replay: its header comes before the run, and the run shows progress on stderr as `run` does; with --json stdout is the JSON alone', async () => {
    const dir = tmp();
    await cli([
      'run',
      'flush-race',
      '--bug',
      'single-flush',
      '--seed',
      '1',
      '--inline',
      // Its first findings are at 16.7 us (replay.test.ts runs it to 30 us too): a failing run,
      // and a replay of it that reproduces them, at a seventh of the 200 us this once ran.
      '--duration',
      '30us',
      '--failures',
      dir,
    ]);
    const path = join(dir, readdirSync(dir)[0]!);
    // Both streams into one log, in the order written; stderr a terminal, so the bar is drawn
    // as the run starts (plain lines come every 2 s, which no test waits for). QA: a replay
    // printed nothing, not even its header, until its run ended.
    const log: [string, string][] = [];
    const stream = (name: string, tty: boolean) =>
      Object.assign(
        new Writable({
          write(chunk, _encoding, done) {
            log.push([name, String(chunk)]);
            done();
          },
        }),
        { isTTY: tty },
      );
    const code = await runCli(['replay', path], {
      stdout: stream('out', false),
      stderr: stream('err', true),
      env: { TERM: 'xterm' },
    });
    expect(code).toBe(1);
    // The header's bracket goes under the path past 100 columns: read back whole.
    const whole = (t: string) => unwrapped(t, 'npusim replay '.length, '  ');
    const header = log.findIndex(
      ([n, t]) => n === 'out' && whole(t).startsWith(`npusim replay ${path}  (inline)`),
    );
    const bar = log.findIndex(([n, t]) => n === 'err' && t.includes('of 30 us simulated'));
    const verdict = log.findIndex(([n, t]) => n === 'out' && t.includes('reproduced exactly'));
    expect(header).toBeGreaterThanOrEqual(0);
    // The run as its summary header names it (QA: every file replayed under one `(inline)`).
    expect(whole(log[header]![1]).split('\n')[1]).toBe('  strategy random  bugs: single-flush');
    expect(bar).toBeGreaterThan(header);
    expect(verdict).toBeGreaterThan(bar);
    // --json: the header and the lines go to stderr, the JSON alone to stdout.
    const json = await cli(['replay', path, '--json']);
    expect(json.code).toBe(1);
    expect(whole(json.stderr).startsWith(`npusim replay ${path}  (inline)\n`)).toBe(true);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'violation', replay: { reproduced: true } });
  });

  test("replay's header names a PCT file's depth, a shrunk file's choice log and a topology not the workload's own", async () => {
    await failingRun();
    const path = join(failingDir, readdirSync(failingDir)[0]!);
    const file = JSON.parse(readFileSync(path, 'utf8')) as FailureFile;
    const workload = { params: { topology: 'witherspoon-6' } } as Pick<Workload, 'params'>;
    const pct = { ...file, strategy: { kind: 'pct', depth: 3, steps: [1], agents: 1 } } as FailureFile;
    expect(replayHeader(pct, 'inline', 'f.json', undefined, workload)).toBe(
      'npusim replay f.json  (inline)\n  strategy pct depth 3  bugs: unpin-before-kill',
    );
    const shrunk = {
      ...file,
      options: { ...file.options, bugs: [] },
      topology: { ...file.topology, name: 'witherspoon-4' },
      strategy: { kind: 'replay', choices: [] },
    } as FailureFile;
    // Past 100 columns the topology goes under the other fields (the line ran to 116).
    expect(replayHeader(shrunk, 'inline', 'f.json', undefined, workload).split('\n').slice(1)).toEqual([
      "  strategy choice log (a shrink's result)  no bug switches",
      "    topology witherspoon-4 (tce-storm's own is witherspoon-6)",
    ]);
    // A run on a profile other than the default: the profile named with its own switches, as the
    // run's header names it, not `no bug switches` (QA: a finding of as-shipped's switches).
    const onProfile = {
      ...file,
      options: { ...file.options, bugs: [], profile: 'as-shipped' },
    } as FailureFile;
    expect(replayHeader(onProfile, 'inline', 'f.json', undefined, workload).split('\n').slice(1)).toEqual([
      '  strategy random',
      '    profile as-shipped (its bug switches: unpin-before-kill, tce-entire-kill-ignored,',
      '      host-atsd-ignores-lparid; no BAR0 filter)',
    ]);
    // A shrink's result says the run it came from, on a line of its own, also where its strategy
    // is the seed's (a budget that ran out before the choice passes).
    const marked = {
      ...file,
      shrink: {
        from: { digest: '5f2cacec4c28afb9', events: 12048, simulatedTicks: 16_659_869 },
        runs: 4,
        ended: 'budget',
      },
    } as FailureFile;
    expect(replayHeader(marked, 'inline', 'f.json', undefined, workload).split('\n').slice(1)).toEqual([
      '  strategy random  bugs: unpin-before-kill',
      '  shrunk from a run of 12048 events and 16.66 us (digest 5f2cacec4c28afb9, 4 runs of npusim shrink,',
      '    budget used up)',
    ]);
    expect(
      replayHeader({ ...marked, shrink: { ...marked.shrink!, runs: 1, ended: 'done' } }, 'inline', 'f.json'),
    ).toContain(
      '\n  shrunk from a run of 12048 events and 16.66 us (digest 5f2cacec4c28afb9, 1 run of npusim shrink)',
    );
    // A long path (absolute, in a deep directory) stays whole on its line, the bracket under it,
    // broken between its fields (a free replay's ran to 150 columns on one line).
    const deep = `/home/someone/work/campaigns/2026-12/npusim-failures/${'x'.repeat(40)}.json`;
    const stop: ReplayStop = { tick: 2_103_000_000, why: 'interrupted' };
    const long = replayHeader(pct, 'free-log', deep, stop, workload).split('\n');
    expect(long[0]).toBe(`npusim replay ${deep}`);
    expect(long.slice(1, -1).every((l) => l.startsWith(' '.repeat(14)) && l.length <= 100)).toBe(true);
    expect(long.slice(1, -1).join(' ').replace(/ +/g, ' ')).toMatch(
      /^ \(free run, from its take log, in one thread; to 2\.103 ms, .+\)$/,
    );
    expect(long.at(-1)).toBe('  strategy pct depth 3  bugs: unpin-before-kill');
  });

  test('replay: a tampered file is refused with exit 2 naming the field; a missing one names the file', async () => {
    const path = await failureFileCopy();
    const dir = dirname(path);
    const f = JSON.parse(readFileSync(path, 'utf8'));
    f.options.profile = 'nonsense';
    writeFileSync(path, JSON.stringify(f));
    const r = await cli(['replay', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/options\.profile/);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    const missing = await cli(['replay', join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.json');
  });

  test('replay: a tampered file whose text holds escape sequences is refused with each shown escaped, never raw (QA)', async () => {
    const path = await failureFileCopy();
    const f = JSON.parse(readFileSync(path, 'utf8'));
    f.options.profile = 'fixed\u001b]0;pwned\u0007\u001b[2J';
    writeFileSync(path, JSON.stringify(f));
    const r = await cli(['replay', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'options.profile: Expected one of as-shipped, fixed, got "fixed\\u001b]0;pwned\\u0007\\u001b[2J"',
    );
    expect(r.stderr).not.toMatch(/(?!\n)\p{Cc}/u);
  });

  test.each([
    [
      '--profile',
      'fixed\u001b]0;pwned\u0007',
      '--profile: Expected one of as-shipped, fixed, got "fixed\\u001b]0;pwned\\u0007"',
    ],
    ['--bug', 'single\u009b2J\u007f', ', got "single\\u009b2J\\u007f"'],
  ])(
    'run %s typed with control characters is refused with them escaped (QA)',
    async (option, value, said) => {
      const r = await cli(['run', 'flush-race', option, value]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(said);
      expect(r.stderr).not.toMatch(/(?!\n)\p{Cc}/u);
    },
  );

  test.each([
    [['run', '--profile', 'newest'], /--profile: Expected one of as-shipped, fixed/],
    // QA67 F4: a value's slip gets the hint an option name's does.
    [
      ['run', '--profile', 'fixd'],
      /--profile: Expected one of as-shipped, fixed, got `fixd` \(did you mean `fixed`\?\)/,
    ],
    [
      ['run', '--bug', 'single-flsh'],
      /--bug: Expected one of .*, got `single-flsh` \(did you mean `single-flush`\?\)/,
    ],
    // A value written short gets it too, as in a workload file (QA: `shipped` had none).
    [
      ['run', '--profile', 'shipped'],
      /--profile: Expected one of as-shipped, fixed, got `shipped` \(did you mean `as-shipped`\?\)/,
    ],
    [
      ['run', '--bug', 'local-npu'],
      /--bug: Expected one of .*, got `local-npu` \(did you mean `local-npu-only`\?\)/,
    ],
    [['run', '--failures', 'package.json/dir/x'], /--failures: .*package\.json` is a file, not a directory/],
    [['run', '--failures', 'x', '--no-failure-file'], /at most one of/],
    [['sweep', 'stress'], /--seeds: Expected the seeds to sweep/],
    [['sweep', 'stress', '--seeds', '9..1'], /--seeds/],
    [['sweep', 'stress', '--seeds', '1..2', '--jobs', '0'], /--jobs/],
    [['sweep', '--merge'], /--merge: Expected the directories/],
    [['replay'], /Expected a failure file/],
  ])('bad input %j exits 2 with a message naming the option', async (argv, message) => {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('sweep and list from the command line', () => {
  test('sweep: failing seeds leave failure files, the summary groups them by rule, the exit is the worst class; shards merge', async () => {
    const dir = tmp();
    const args = [
      'sweep',
      'tce-storm',
      '--bug',
      'tce-kill-no-advance',
      '--seeds',
      '1..4',
      '--jobs',
      '2',
      '--duration',
      '60us',
    ];
    const whole = await cli([...args, '--failures', join(dir, 'all'), '--json']);
    expect(whole.code).toBe(1);
    const summary = JSON.parse(whole.stdout) as {
      ran: number;
      failed: number;
      byRule: Record<string, unknown>;
    };
    expect(summary.ran).toBe(4);
    expect(Object.keys(summary.byRule)).toContain('translation.stale-tce');
    for (const k of [1, 2]) {
      const part = await cli([...args, '--shard', `${k}/2`, '--failures', join(dir, `s${k}`)]);
      expect(part.code).toBe(whole.code);
      expect(part.stdout).toContain('by rule:');
    }
    const merged = await cli(['sweep', '--merge', join(dir, 's1'), join(dir, 's2'), '--json']);
    expect(merged.code).toBe(1);
    const m = JSON.parse(merged.stdout) as { ran: number; failed: number; byRule: Record<string, unknown> };
    expect([m.ran, m.failed, m.byRule]).toEqual([summary.ran, summary.failed, summary.byRule]);
  });

  test('list --json: workloads with their parameters, bugs with the workloads that expose them, profiles with their sources', async () => {
    const r = await cli(['list', '--json']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as {
      workloads: { name: string; params: { durationTicks: number } }[];
      bugs: { name: string; exposedBy: { workload: string; rules: string[] }[] }[];
      profiles: { name: string; bugs: string[]; sources: unknown }[];
      rules: { name: string; summary: string; judgedAt: string }[];
    };
    // Every rule a workload's `expect` may name, with what it catches and where it is judged.
    expect(d.rules.map((x) => x.name)).toEqual(RULE_NAMES);
    for (const x of d.rules) expect(x.summary).toBe(RULES[x.name as RuleName].summary);
    expect(d.workloads.find((w) => w.name === 'stress')?.params.durationTicks).toBeGreaterThan(0);
    // Every bug switch is listed, and each with a workload that exposes it.
    expect(BUG_NAMES.length).toBeGreaterThan(0);
    expect(d.bugs.map((b) => b.name)).toEqual(BUG_NAMES);
    expect(d.bugs.filter((b) => b.exposedBy.length === 0).map((b) => b.name)).toEqual([]);
    expect(d.profiles.map((p) => p.name).sort()).toEqual(['as-shipped', 'fixed']);
    expect(d.profiles.find((p) => p.name === 'as-shipped')?.bugs.length).toBeGreaterThan(0);
  });
});

/**
 * A run that crashed, from the command line: its failure file is named by the crash itself (a
 * crash has no digest to name it by), so two crashes never share a file; a file already there is
 * replaced only by the same failure; the summary and its replay say there is no digest instead of
 * printing a blank one or a placeholder; and a free run that crashed is labelled free.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { RunResult } from '../../src/report/run-result.js';
import type { FailureFile } from '../../src/repro/failure-file.js';
import { unwrapped } from '../fixtures/unwrapped.js';
import { testTempDir } from '../support/temp-dir.js';
import { type CliOutcome, cli, FAILING_RUN } from './cli-harness.js';

const tmp = () => testTempDir('npusim-crash-');

/** `npusim run stress`, seed 1, 50 us, crashing actor:event, its failure file (if any) in `dir`. */
function crashRun(crashAt: string, dir: string, more: readonly string[] = ['--inline']) {
  return cli([
    'run',
    'stress',
    '--seed',
    '1',
    '--duration',
    '50us',
    '--crash-at',
    crashAt,
    '--failures',
    dir,
    ...more,
  ]);
}

/**
 * `crashRun('gpu1:100', DIR)` into a directory of its own, run once for the two tests that read
 * what it printed and replay the file it wrote (they ran the same command each): started by the
 * first that asks; the directory, which no test changes, removed after the file.
 */
const gpu1CrashDir = mkdtempSync(join(tmpdir(), 'npusim-crash-gpu1-'));
afterAll(() => rmSync(gpu1CrashDir, { recursive: true, force: true }));
let gpu1Crash: Promise<CliOutcome> | undefined;
function gpu1CrashRun(): Promise<CliOutcome> {
  gpu1Crash ??= crashRun('gpu1:100', gpu1CrashDir);
  return gpu1Crash;
}

function readFile(path: string): FailureFile {
  return JSON.parse(readFileSync(path, 'utf8')) as FailureFile;
}

describe('run: a crash', () => {
  test('two crashes of one seed write two failure files, each naming its own crash', async () => {
    const dir = tmp();
    for (const [crashAt, actor, event] of [
      ['gpu1:100', 'gpu1', 100],
      ['gpu2:50', 'gpu2', 50],
    ] as const) {
      const r = await crashRun(crashAt, dir);
      expect(r.code).toBe(4);
      const path = /npusim replay (\S+)/.exec(r.stderr)?.[1];
      expect(path, r.stderr).toBeDefined();
      const file = readFile(path!);
      expect(file.options.crashAt).toEqual({ actor, event });
      expect(file.first?.actors).toEqual([actor]);
    }
    const files = readdirSync(dir);
    expect(files).toHaveLength(2);
    for (const f of files) expect(f).toMatch(/^stress-seed1-crash-[0-9a-f]{8}\.json$/);
  });

  test('the replay line quotes a path a shell would split, so it can be pasted as printed', async () => {
    const dir = join(tmp(), "it's a dir");
    const r = await crashRun('gpu1:100', dir);
    expect(r.code).toBe(4);
    const quoted = /npusim replay '(.+)'\n/.exec(r.stderr)?.[1];
    expect(quoted, r.stderr).toBeDefined();
    // A single-quoted shell word, its ' written '\'': undone, it names the file written.
    const path = quoted!.replaceAll("'\\''", "'");
    expect(path.startsWith(dir)).toBe(true);
    expect(readFile(path).options.crashAt).toEqual({ actor: 'gpu1', event: 100 });
  });

  test('the summary says the crashed run has no digest instead of leaving it blank', async () => {
    const r = await gpu1CrashRun();
    expect(r.code).toBe(4);
    expect(r.stdout).toContain('digest (none: the run crashed)  status crash (exit 4)');
    // The event it was handling, as replay's history prints one: its time, the actor and where
    // the event came from, its kind by name and its fields, not the raw record.
    expect(r.stderr).toMatch(
      /\n {2}last event: [\d.]+ [pnum]?s {2}gpu1 <- \S+ {2}[A-Z][A-Z0-9_]+( \w+=\S+)*\n/,
    );
    expect(r.stderr).not.toContain('"timeTicks"');
  });

  test("replay --json of a crash prints the crashed run's result, as run --json does, with no digest placeholder", async () => {
    const dir = tmp();
    const r = await crashRun('gpu1:100', dir, ['--inline', '--json']);
    expect(r.code).toBe(4);
    const ran = JSON.parse(r.stdout) as RunResult;
    const path = join(dir, readdirSync(dir)[0]!);
    // The crash's --json names its failure file, as the stderr line does (a script follows it).
    expect(ran.failureFile).toBe(path);
    expect(r.stderr).toContain(`npusim replay ${path}\n`);
    const replay = await cli(['replay', path, '--json']);
    expect(replay.code).toBe(4);
    const out = JSON.parse(replay.stdout) as RunResult & {
      replay: { reproduced: boolean; recorded: { digest: string | null } };
    };
    expect(out.status).toBe('crash');
    expect(out.exitCode).toBe(4);
    const { actor, tick, message } = ran.crash!;
    expect(out.crash).toMatchObject({ actor, tick, message });
    expect(out.replay.reproduced).toBe(true);
    expect(out.replay.recorded.digest).toBeNull();
    expect(replay.stdout).not.toContain('0000000000000000');
  });

  test("replay of a crash says on both lines, in the summary's words, that the run has no digest", async () => {
    const r = await gpu1CrashRun();
    const path = /npusim replay (\S+)/.exec(r.stderr)?.[1];
    expect(path, r.stderr).toBeDefined();
    const replay = await cli(['replay', path!]);
    expect(replay.code).toBe(4);
    const lines = replay.stdout.split('\n');
    expect(lines[1]).toBe('  strategy random  no bug switches');
    expect(lines[2]).toMatch(/^ {2}recorded: crash at .*, digest \(none: the run crashed\), stress seed 1$/);
    expect(lines[3]).toMatch(/^ {2}replayed: crash at .*, digest \(none: the run crashed\)$/);
    expect(lines[4]).toBe('  reproduced exactly');
    expect(replay.stdout).not.toContain('0000000000000000');
  });

  test('replay of a crash file whose configuration was edited is not reproduced: its configDigest holds what no run digest can (QA: reproduced exactly); a file from before the field replays as before', async () => {
    const r = await gpu1CrashRun();
    const path = /npusim replay (\S+)/.exec(r.stderr)![1]!;
    const file = readFile(path);
    expect(file.configDigest).toMatch(/^[0-9a-f]{16}$/);
    const dir = tmp();
    const edited = join(dir, 'edited.json');
    const params = file.workload.params as { durationTicks: number };
    writeFileSync(
      edited,
      JSON.stringify({
        ...file,
        workload: { ...file.workload, params: { ...params, durationTicks: 40_000_000 } },
      }),
    );
    const replay = await cli(['replay', edited]);
    expect(replay.code).toBe(5);
    expect(unwrapped(replay.stdout, 18)).toMatch(
      new RegExp(
        `NOT reproduced: expected the configuration the run wrote \\(configDigest ${file.configDigest}\\), got one of digest [0-9a-f]{16}: the file was edited`,
      ),
    );
    // Without the field (a file written before it), the same edit is not seen: as before.
    const older = join(dir, 'older.json');
    const { configDigest: _, ...withoutDigest } = file;
    writeFileSync(
      older,
      JSON.stringify({
        ...withoutDigest,
        workload: { ...file.workload, params: { ...params, durationTicks: 40_000_000 } },
      }),
    );
    expect((await cli(['replay', older])).stdout).toContain('  reproduced exactly');
  });

  test("replay of a crash: the history ends with the event the actor crashed on, as the run's report named it", async () => {
    const dir = tmp();
    const r = await crashRun('gpu2:500', dir);
    const last = /^ {2}last event: (.*)$/m.exec(r.stderr)?.[1];
    const path = /npusim replay (\S+)/.exec(r.stderr)?.[1];
    expect(last, r.stderr).toMatch(/^[\d.]+ [pnum]?s {2}gpu2 <- /);
    for (const host of [[], ['--threads']]) {
      const replay = await cli(['replay', path!, ...host]);
      expect(replay.code).toBe(4);
      const history = replay.stdout.split('\n').filter((l) => / gpu2 <- /.test(l));
      // The crashing event is gpu2's last: nothing of gpu2 after it, and it is there (QA: the
      // history stopped at the event before it).
      expect(history.at(-1)?.trim().replace(/ +/g, ' ')).toBe(last!.replace(/ +/g, ' '));
    }
  });

  test('the same crash run again rewrites its file; a name another failure holds is kept, and the new file takes the next name', async () => {
    const dir = tmp();
    await crashRun('gpu2:50', dir);
    const [name] = readdirSync(dir);
    const path = join(dir, name!);
    const again = await crashRun('gpu2:50', dir);
    expect(again.stderr).toContain(`npusim replay ${path}`);
    expect(readdirSync(dir)).toEqual([name]);

    // Another failure under the same name (here, a file edited by hand): it stays as it is.
    const other = { ...readFile(path), seed: 99 };
    const otherText = JSON.stringify(other);
    writeFileSync(path, otherText);
    const third = await crashRun('gpu2:50', dir);
    expect(third.code).toBe(4);
    const next = path.replace(/\.json$/, '-2.json');
    expect(unwrapped(third.stderr, 8)).toContain(
      `${path} holds another failure with the same name; this one goes to ${next}`,
    );
    expect(third.stderr).toContain(`npusim replay ${next}`);
    expect(readFileSync(path, 'utf8')).toBe(otherText);
    expect(readFile(next).seed).toBe(1);

    // A file there that is no failure file is said as such, and kept too (QA: "another failure").
    writeFileSync(path, 'notes\n');
    rmSync(next);
    const fourth = await crashRun('gpu2:50', dir);
    expect(unwrapped(fourth.stderr, 8)).toContain(
      `${path} holds a file that is no failure file; this one goes to ${next}`,
    );
    expect(readFileSync(path, 'utf8')).toBe('notes\n');
  });

  test("--stop-on-first: a crash past the first finding's stop counts for nothing on every placement, one before it stands", async () => {
    // flush-race with single-flush finds its first violation at 25.86 us; gpu3's event 1497 comes
    // later (inline, its last before the stop is 1493), yet a thread running ahead reaches it; its
    // event 5 comes long before.
    const run = (crashAt: string, host: readonly string[]) =>
      cli([
        ...FAILING_RUN,
        '--duration',
        '200us',
        '--stop-on-first',
        '--crash-at',
        crashAt,
        '--no-failure-file',
        '--json',
        ...host,
      ]);
    const hosts = [['--inline'], ['--threads'], ['--threads'], ['--workers', '2']];
    const late = [];
    for (const host of hosts) late.push(await run('gpu3:1497', host));
    const results = late.map((r) => JSON.parse(r.stdout) as RunResult);
    expect(late.map((r) => r.code)).toEqual(hosts.map(() => 1));
    // --no-failure-file: none written, and --json says so (null, never left out).
    expect(results.map((r) => r.failureFile)).toEqual(hosts.map(() => null));
    expect(new Set(results.map((r) => `${r.status} ${r.digest}`))).toEqual(
      new Set([`violation ${results[0]!.digest}`]),
    );
    for (const host of [['--inline'], ['--threads']]) {
      const early = await run('gpu3:5', host);
      expect(early.code).toBe(4);
      expect((JSON.parse(early.stdout) as RunResult).status).toBe('crash');
    }
  });

  test('a free run that crashed is labelled free in its header and its result', async () => {
    const r = await crashRun('gpu1:5', tmp(), ['--free']);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/^npusim stress {2}seed 1 {2}free {2}/);
    const json = await crashRun('gpu1:5', tmp(), ['--free', '--json']);
    const result = JSON.parse(json.stdout) as RunResult;
    expect(result.status).toBe('crash');
    // A free crash leaves no take log, so no failure file: null in --json.
    expect(result.failureFile).toBeNull();
    expect(result.engine.placement).toBe('free');
  });

  test('a free run that crashed: its line is the free command it ran, labelled a re-run of free mode, never a reproduce line', async () => {
    const dir = tmp();
    const r = await crashRun('gpu1:5', dir, ['--free', '--free-window', '2us']);
    expect(r.code).toBe(4);
    const rerun =
      're-run in free mode (races anew, so not this very run): npusim run stress --seed 1 --duration 50us ' +
      '--topology witherspoon-6 --policy per-socket --crash-at gpu1:5 --free --free-window 2us';
    expect(r.stdout.split('\n')).toContain(rerun);
    expect(r.stderr.split('\n')).toContain(rerun);
    // Nothing claims to reproduce it: its take log went with the crashed thread, so no file either.
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/^reproduce:/m);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('--record keeps a crashed run as any other: its file replays to the same crash; a free crash says it has none', async () => {
    const dir = tmp();
    const records = tmp();
    const record = join(records, 'crash.json');
    const r = await crashRun('gpu2:100', dir, ['--inline', '--record', record]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`npusim: run recorded; replay it with:\nnpusim replay ${record}`);
    expect(readFile(record)).toMatchObject({
      exit: { class: 'crash', code: 4 },
      options: { crashAt: { actor: 'gpu2', event: 100 } },
    });
    const replayed = await cli(['replay', record]);
    expect(replayed.code).toBe(4);
    expect(replayed.stdout).toContain('reproduced');

    const free = join(records, 'free.json');
    const f = await crashRun('gpu1:5', dir, ['--free', '--record', free]);
    expect(f.code).toBe(4);
    expect(f.stderr).toContain(`so no failure file and no --record file (${free})`);
    expect(readdirSync(records)).toEqual(['crash.json']);
  });
});

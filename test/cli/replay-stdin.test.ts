/**
 * A failure file on standard input (QA, driving the CLI from scripts): `replay -` and `shrink -`
 * read a file named `-`, so where there is none they say how standard input is read (`/dev/stdin`)
 * instead of `no such file (ENOENT)`; and a replay of a file piped to `/dev/stdin` gives a
 * reproduce line that runs again (the file's run's own), not `npusim replay /dev/stdin`, whose
 * input is gone.
 */
import { type ChildProcessByStdio, type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ChildOutcome, cliChild, SOURCE_CLI_ENV } from '../support/cli-child.js';
import { testTempDir } from '../support/temp-dir.js';

const dir = mkdtempSync(join(tmpdir(), 'npusim-replay-stdin-'));
let failureFile = '';
/** The reproduce line the failing run itself printed. */
let runLine = '';

beforeAll(async () => {
  const run = await cliChild(
    [
      'run',
      'flush-race',
      '--bug',
      'single-flush',
      '--seed',
      '1',
      '--inline',
      '--duration',
      '50us',
      '--failures',
      'f',
    ],
    { cwd: dir },
  );
  expect(run.code, run.stderr).toBe(1);
  failureFile = join(dir, 'f', readdirSync(join(dir, 'f'))[0]!);
  runLine = /^reproduce: (npusim run .*)$/m.exec(run.stdout)?.[1] ?? '';
  expect(runLine).toContain('--seed 1');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The child's exit code and everything it wrote, once it has exited. */
function outcomeOf(
  child: ChildProcessWithoutNullStreams | ChildProcessByStdio<null, Readable, Readable>,
): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, marker: '' }));
  });
}

/**
 * The command with the failure file on its standard input through a pipe (`cat FILE | npusim
 * ...`); resolved when the child exits.
 */
function piped(args: readonly string[], file = failureFile, cwd = dir): Promise<ChildOutcome> {
  const child = spawn(
    'bash',
    ['-c', 'cat "$F" | exec "$NODE" --enable-source-maps "$CLI" "$@"', 'bash', ...args],
    {
      cwd,
      env: {
        ...process.env,
        NO_COLOR: '1',
        F: file,
        NODE: process.execPath,
        CLI: process.env[SOURCE_CLI_ENV] ?? '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return outcomeOf(child);
}

/**
 * The command with the failure file written to its standard input by this process, as a Node
 * script drives it: Node's spawn gives the child a socket there, which no path opens (ENXIO), so
 * it is read from its descriptor (io/bounded-file.ts). Resolved when the child exits.
 */
function socketFed(args: readonly string[]): Promise<ChildOutcome> {
  const child = spawn(
    process.execPath,
    ['--enable-source-maps', process.env[SOURCE_CLI_ENV] ?? '', ...args],
    {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  child.stdin.end(readFileSync(failureFile));
  return outcomeOf(child);
}

describe('`-` as the failure file', () => {
  test.each(['replay', 'shrink'])(
    '%s - with no file `-` here: exit 2, naming /dev/stdin',
    async (command) => {
      const r = await cliChild([command, '-'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `npusim: ${command}: Expected a failure file's path, got \`-\`: \`-\` would be a file of that name, and there is none here (for a failure file on standard input, use \`/dev/stdin\`: npusim ${command} /dev/stdin < FILE)\n` +
          `Run \`npusim ${command} --help\` for usage.\n`,
      );
    },
  );

  test('a file named `-` that is there is read, as any other path', async () => {
    const here = testTempDir('npusim-replay-dash-');
    copyFileSync(failureFile, join(here, '-'));
    const r = await cliChild(['replay', '-', '--json'], { cwd: here });
    expect(r.code, r.stderr).toBe(1);
    // Its reproduce line names it `./-`, which no command reads as anything but that file.
    const reproduce = (JSON.parse(r.stdout) as { reproduce: string }).reproduce;
    expect(reproduce).toBe('npusim replay ./-');
    const again = await cliChild(['replay', './-', '--json'], { cwd: here });
    expect(again.code, again.stderr).toBe(1);
  });
});

describe('a failure file piped to /dev/stdin', () => {
  test("replays, its reproduce line the run's own (the JSON's and the text's)", async () => {
    const json = await piped(['replay', '/dev/stdin', '--json']);
    expect(json.code, json.stderr).toBe(1);
    const result = JSON.parse(json.stdout) as {
      reproduce: string;
      replay: { file: string; reproduced: boolean };
    };
    expect(result.reproduce).toBe(runLine);
    expect(result.replay.file).toBe('/dev/stdin');
    expect(result.replay.reproduced).toBe(true);
    const plain = await piped(['replay', '/dev/stdin']);
    expect(plain.code, plain.stderr).toBe(1);
    expect(plain.stdout).toContain(
      "the failure file was read from standard input or a pipe, which is gone once read: its run's own\n  command gives the same run (or save the file: npusim replay FILE)\n",
    );
    expect(plain.stdout.trimEnd().split('\n').at(-1)).toBe(`reproduce: ${runLine}`);
  });

  test('a socket on standard input (a Node script spawning npusim) is read as a pipe is (QA: ENXIO)', async () => {
    const r = await socketFed(['replay', '/dev/stdin', '--json']);
    expect(r.code, r.stderr).toBe(1);
    const result = JSON.parse(r.stdout) as { reproduce: string; replay: { reproduced: boolean } };
    expect(result.replay.reproduced).toBe(true);
    expect(result.reproduce).toBe(runLine);
  });

  test('a shrunk file (a choice log, which no run line gives): --json says `npusim replay FILE`, the file saved first, not /dev/stdin (QA)', async () => {
    const shrunk = join(dir, 'shrunk.json');
    const s = await cliChild(['shrink', failureFile, '--budget', '30', '--out', shrunk], { cwd: dir });
    expect(s.code, s.stderr).toBe(0);
    expect((JSON.parse(readFileSync(shrunk, 'utf8')) as { strategy: { kind: string } }).strategy.kind).toBe(
      'replay',
    );
    const json = await piped(['replay', '/dev/stdin', '--json', '--inline'], shrunk);
    expect(json.code, json.stderr).toBe(1);
    expect((JSON.parse(json.stdout) as { reproduce: string }).reproduce).toBe('npusim replay FILE --inline');
    const plain = await piped(['replay', '/dev/stdin'], shrunk);
    expect(plain.stdout).toContain('save it to a file\n  to replay it again (npusim replay FILE)');
  });

  test("an unshrunk PCT file's run line measures the same steps, so it is given (QA: the replay said no line gives the run)", async () => {
    const here = testTempDir('npusim-replay-stdin-pct-');
    const run = await cliChild(
      [
        'run',
        'flush-race',
        '--bug',
        'single-flush',
        '--seed',
        '1',
        '--inline',
        '--duration',
        '50us',
        '--strategy',
        'pct',
        '--pct-depth',
        '16',
        '--failures',
        'p',
      ],
      { cwd: here },
    );
    expect(run.code, run.stderr).toBe(1);
    const pctLine = /^reproduce: (npusim run .*)$/m.exec(run.stdout)?.[1] ?? '';
    expect(pctLine).toContain('--strategy pct --pct-depth 16');
    const pctFile = join(here, 'p', readdirSync(join(here, 'p'))[0]!);
    const plain = await piped(['replay', '/dev/stdin'], pctFile);
    expect(plain.code, plain.stderr).toBe(1);
    expect(plain.stdout).toContain("its run's own\n  command gives the same run");
    expect(plain.stdout.trimEnd().split('\n').at(-1)).toBe(`reproduce: ${pctLine}`);
    // Shrunk to its first finding (the steps kept are the whole run's): no line gives it.
    const shrunk = join(here, 'p2.json');
    expect((await cliChild(['shrink', pctFile, '--budget', '2', '--out', shrunk], { cwd: here })).code).toBe(
      0,
    );
    const again = await piped(['replay', '/dev/stdin'], shrunk);
    expect(again.stdout).toContain('no `npusim run` line gives this very run');
  });
});

describe('a failure file piped to `shrink /dev/stdin`', () => {
  test("the shrunk file takes the input failure's own name, as a path's default does (QA: the shrunk run's digest)", async () => {
    const here = testTempDir('npusim-shrink-stdin-');
    const r = await piped(['shrink', '/dev/stdin', '--budget', '30'], failureFile, here);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(here)).toEqual([basename(failureFile).replace(/\.json$/, '.shrunk.json')]);
  });
});

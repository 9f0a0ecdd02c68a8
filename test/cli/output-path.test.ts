/**
 * The check of the files a run will write (output-path.ts), on the paths whose reason was
 * misnamed: a directory that exists but takes no new files (/proc), and a file system with no
 * storage at all, which statfs reports with no free blocks, but which is not a full device; and on
 * the paths QA found let through to fail after the run or to lose an output: two outputs naming
 * one file through a symbolic link (one was written over the other, exit 0), and a path ending in
 * `/` (checked as the file without it, then refused by the write at the end).
 */
import { execFile } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkOutputDir, checkOutputFiles, checkOutputPath } from '../../src/cli/output-path.js';
import { writeTarget } from '../../src/io/write-target.js';
import { SOURCE_CLI_ENV } from '../support/cli-child.js';
import { testTempDir } from '../support/temp-dir.js';
import { cli } from './cli-harness.js';

function refusal(check: () => void): string {
  try {
    check();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the path to be refused');
}

describe('output paths: the reason given is the real one', () => {
  it.skipIf(!existsSync('/proc/self'))(
    'a new file in /proc: the directory refuses it, it is not missing',
    () => {
      const m = refusal(() => checkOutputPath('/proc/npusim-out.json', '--out'));
      // Before: "directory `/` does not exist (ENOENT)".
      expect(m).not.toContain('does not exist');
      expect(m).toContain(
        'Expected a writable file path, got `/proc/npusim-out.json`: `/proc` does not let a new file be created in it (ENOENT)',
      );
    },
  );

  it('a file system with no blocks at all is said to have no storage, a full one to be full', () => {
    const dir = process.cwd();
    const noStorage = { statfs: () => ({ bavail: 0, blocks: 0 }) };
    const full = { statfs: () => ({ bavail: 0, blocks: 1000 }) };
    expect(refusal(() => checkOutputDir(dir, '--failures', noStorage))).toContain(
      `\`${dir}\` is on a file system with no storage (such as /proc or /sys)`,
    );
    expect(refusal(() => checkOutputDir(dir, '--failures', full))).toContain(
      `the device holding \`${dir}\` is full`,
    );
    // A statfs that gives no block count (as a test's fake may): no free blocks is a full device.
    expect(refusal(() => checkOutputDir(dir, '--failures', { statfs: () => ({ bavail: 0 }) }))).toContain(
      'is full',
    );
  });
});

describe('output paths that name one file twice, or a directory, are refused before the run', () => {
  it('two outputs naming one file through a symbolic link, to the file or to its folder', () => {
    const dir = testTempDir('npusim-out-alias-');
    const real = join(dir, 'real.json');
    writeFileSync(real, '');
    symlinkSync(real, join(dir, 'link.json'));
    expect(
      refusal(() =>
        checkOutputFiles([
          { option: '--trace', path: join(dir, 'link.json') },
          { option: '--out', path: real },
        ]),
      ),
    ).toContain(`--out: Expected a file no other option writes, got \`${real}\`, which --trace also names`);
    // A file still to be made, in a folder reached through a link and by its own path.
    mkdirSync(join(dir, 'sub'));
    symlinkSync(join(dir, 'sub'), join(dir, 'alias'));
    expect(
      refusal(() =>
        checkOutputFiles([
          { option: '--out', path: join(dir, 'sub', 'new.json') },
          { option: '--report', path: join(dir, 'alias', 'new.json') },
        ]),
      ),
    ).toContain('--report: Expected a file no other option writes');
    // Different files in one folder stay allowed.
    expect(() =>
      checkOutputFiles([
        { option: '--out', path: join(dir, 'sub', 'a.json') },
        { option: '--report', path: join(dir, 'alias', 'b.html') },
      ]),
    ).not.toThrow();
  });

  it('a path ending in / names a directory: one that is not there, or a file', () => {
    const dir = testTempDir('npusim-out-slash-');
    writeFileSync(join(dir, 'file.json'), '');
    for (const path of [`${join(dir, 'nodir')}/`, `${join(dir, 'file.json')}/`]) {
      expect(refusal(() => checkOutputPath(path, '--out'))).toBe(
        `--out: Expected a writable file path, got \`${path}\`: a path ending in \`/\` names a directory, not a file`,
      );
    }
    // `/.` too, which resolve() drops as it drops the slash.
    for (const [path, end] of [
      [`${join(dir, 'nodir')}/.`, '.'],
      [`${join(dir, 'file.json')}/.`, '.'],
    ] as const) {
      expect(refusal(() => checkOutputPath(path, '--out'))).toBe(
        `--out: Expected a writable file path, got \`${path}\`: a path ending in \`${end}\` names a directory, not a file`,
      );
    }
    // One that is there is named as it is.
    expect(refusal(() => checkOutputPath(`${dir}/`, '--out'))).toContain('it is a directory');
  });

  it.skipIf(!existsSync('/dev/full'))(
    'run --record to a file that cannot be written at the end: exit 2, said as --out says it',
    async () => {
      const r = await cli([
        'run',
        'mixed',
        '--seed',
        '1',
        '--duration',
        '1us',
        '--inline',
        '--record',
        '/dev/full',
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        'npusim: --record: could not write `/dev/full`: no space left on the device holding `/dev/full` (ENOSPC); no replay file was written',
      );
      expect(r.stderr).toContain('npusim: exit 2: the run was clean, but --record could not be written');
      expect(r.stderr).not.toContain('run recorded');
    },
  );
});

describe('a dangling symbolic link as an output', () => {
  // It was refused with a bare EEXIST, then replaced by the file, its target left unmade (QA), where
  // a link to an existing file was written through: now every link is, as the shell's `>` writes.
  it('is written through: the file is made at its target and the link kept', async () => {
    const dir = testTempDir('npusim-out-dangling-');
    mkdirSync(join(dir, 'reports'));
    const target = join(dir, 'reports', 'today.json');
    const link = join(dir, 'out.json');
    const chained = join(dir, 'latest.html');
    symlinkSync(join('reports', 'today.json'), link);
    symlinkSync('out.json', chained); // a link to that link: followed to the end
    expect(() => checkOutputPath(link, '--out')).not.toThrow();
    // The check leaves nothing behind: the links, the empty folder and nothing else.
    expect(readdirSync(dir).sort()).toEqual(['latest.html', 'out.json', 'reports']);
    expect(readdirSync(join(dir, 'reports'))).toEqual([]);
    const r = await cli(['run', '--seed', '1', '--duration', '5us', '--inline', '--out', link]);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect((JSON.parse(readFileSync(target, 'utf8')) as { seed: number }).seed).toBe(1);
    // Two outputs that name one new file through a link are refused before the run.
    rmSync(target);
    const twice = await cli([
      'run',
      '--seed',
      '1',
      '--duration',
      '5us',
      '--inline',
      '--out',
      chained,
      '--report',
      target,
    ]);
    expect(twice.code).toBe(2);
    expect(existsSync(target)).toBe(false);
  });

  it('that is a loop of links is refused in words, not as a bare errno', () => {
    const dir = testTempDir('npusim-out-loop-');
    const [one, two] = [join(dir, 'loop1'), join(dir, 'loop2')];
    symlinkSync('loop2', one);
    symlinkSync('loop1', two);
    expect(refusal(() => checkOutputPath(one, '--out'))).toBe(
      `--out: Expected a writable file path, got \`${one}\`: \`${one}\` is a loop of symbolic links (ELOOP)`,
    );
  });

  // The command line makes an output's missing folders (as --failures makes its own); the library's
  // check, checkOutputPath without `makesParents`, still refuses them, naming the link and its target.
  it("whose target's folder does not exist: made by the command's write, refused by the library's check", async () => {
    const dir = testTempDir('npusim-out-dangling-');
    const link = join(dir, 'out.json');
    symlinkSync(join(dir, 'missing', 'nowhere.json'), link);
    expect(refusal(() => checkOutputPath(link, 'path'))).toContain(
      `\`${link}\` is a symbolic link to \`${join(dir, 'missing', 'nowhere.json')}\`, and directory \`${join(dir, 'missing')}\` does not exist`,
    );
    expect(() => checkOutputFiles([{ option: '--out', path: link }])).not.toThrow();
    expect(readdirSync(dir)).toEqual(['out.json']);
    const r = await cli(['run', '--seed', '1', '--duration', '5us', '--inline', '--out', link]);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(
      (JSON.parse(readFileSync(join(dir, 'missing', 'nowhere.json'), 'utf8')) as { seed: number }).seed,
    ).toBe(1);
  });

  // QA: the check walked up past the link (it does not exist, as a directory), so `sweep --failures
  // link/sub` passed it and ended with exit 4 and a stack when mkdir met the link; `run` lost its
  // failure file after the run.
  it('as a directory to write into, or a folder above one, is refused before the run: no directory can be made through it', async () => {
    const dir = testTempDir('npusim-out-dangling-dir-');
    const link = join(dir, 'results');
    symlinkSync(join(dir, 'missing'), link);
    for (const path of [link, join(link, 'sub')]) {
      expect(refusal(() => checkOutputDir(path, '--failures'))).toContain(
        `\`${link}\` is a symbolic link to \`${join(dir, 'missing')}\`, which does not exist`,
      );
    }
    const r = await cli([
      'sweep',
      'stress',
      '--seeds',
      '1..2',
      '--duration',
      '5us',
      '--failures',
      join(link, 'sub'),
    ]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('npusim: --failures: Expected a directory to write files into');
    expect(r.stderr).not.toContain('unexpected error');
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });
});

describe('an output that is a pipe reached through /proc (`--out /dev/stderr 2>&1 >/dev/null | jq .`, `>(jq .)`)', () => {
  // /dev/stderr is a link to /proc/PID/fd/2, itself a link whose text is `pipe:[N]`, no path: the
  // write followed it to `/proc/PID/fd/pipe:[N]`, nothing, and failed (ENOENT); and /dev/fd, being
  // procfs, had no storage by statfs, so `>(jq .)` was refused before the run (README says a pipe
  // is written in place). `/dev/stdout` itself, the command's own stdout, is refused
  // (output-stdout.test.ts).
  it('stops at a link to an open file with no path: the kernel opens that link itself', () => {
    const dir = testTempDir('npusim-out-pipe-link-');
    const link = join(dir, 'fd1');
    symlinkSync('pipe:[4026531840]', link);
    expect(writeTarget(link)).toBe(link);
  });

  it.skipIf(!existsSync('/dev/stdout') || !existsSync('/bin/bash'))(
    'is written, after the summary, and the run exits 0',
    async () => {
      // A shell's pipe (Node's own 'pipe' stdio is a socket, which no open() of /proc reaches).
      const cliBundle = process.env[SOURCE_CLI_ENV]!;
      const run = `"${process.execPath}" "${cliBundle}" run stress --seed 1 --duration 1us --inline --no-failure-file --out`;
      // bash's own process substitution too: /dev/fd/63, whose folder statfs calls full.
      for (const command of [
        `${run} /dev/stderr 2>&1 >/dev/null | cat; exit "\${PIPESTATUS[0]}"`,
        `${run} >(cat)`,
      ]) {
        const { stdout } = await promisify(execFile)('/bin/bash', ['-c', command], { timeout: 50_000 });
        // After the summary (or whatever stderr said before it): the document's first line.
        const json = stdout.slice(stdout.search(/^\{$/m));
        expect((JSON.parse(json) as { seed: number }).seed).toBe(1);
      }
    },
  );
});

describe("an output that would write over a free run's failure file", () => {
  // Its race is in no seed: only its take log replays it, so `--record FILE` run twice lost it
  // without a word (the failures directory never replaces one: keep-failure-file.ts).
  const failureFile = (free: unknown, first: unknown) => ({
    format: 'npusim-failure',
    workload: { name: 'stress' },
    seed: 7,
    first,
    free,
  });
  const finding = { rule: 'order.atsd-released-early', tick: 1 };

  it('is refused before the run, saying what the file holds; any other file there is written over', () => {
    const dir = testTempDir('npusim-out-free-');
    const path = join(dir, 'race.json');
    const text = `${JSON.stringify(failureFile({ actors: [] }, finding), null, 2)}\n`;
    writeFileSync(path, text);
    expect(refusal(() => checkOutputFiles([{ option: '--record', path }]))).toBe(
      `--record: Expected a file that holds no free run's failure file, got \`${path}\`, which holds a free run's failure file (stress, seed 7: order.atsd-released-early): its race is in no seed, and only that file replays it; name another file, or move that one first`,
    );
    expect(readFileSync(path, 'utf8')).toBe(text);
    // With a byte order mark, which every reader of it skips, it is the same file (QA: it was
    // written over without a word).
    writeFileSync(path, `\uFEFF${text}`);
    expect(refusal(() => checkOutputFiles([{ option: '--out', path }]))).toContain(
      "which holds a free run's failure file (stress, seed 7: order.atsd-released-early)",
    );
    // A seed's failure file (its run makes it again), a clean free run's recording, and a file
    // that is no failure file at all are the user's to write over.
    for (const other of [
      failureFile(null, finding),
      failureFile({ actors: [] }, null),
      { format: 'npusim-sweep-summary', free: {}, first: {} },
    ]) {
      writeFileSync(path, JSON.stringify(other));
      expect(() => checkOutputFiles([{ option: '--out', path }])).not.toThrow();
    }
  });
});

// QA: `--report results/r.html` on a fresh workspace was refused (`directory ... does not exist`),
// where `--failures results/f` made its directory with its parents; a CI job writing everything
// under one folder failed. The check now accepts folders that can be made, and only the write at
// the end makes them: a run refused before it leaves none.
describe('an output whose folders are not there yet', () => {
  /** An fs whose access(W_OK) refuses every path (EACCES), as a read-only folder does for a non-root user. */
  const readOnly = {
    statfs: () => ({ bavail: 100, blocks: 100 }),
    accessWrite: () => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    },
  };

  it('run --out: the folders are made, with their parents, and the file written', async () => {
    const dir = testTempDir('npusim-out-newdir-');
    const out = join(dir, 'newdir', 'sub', 'r.json');
    const r = await cli(['run', '--seed', '1', '--duration', '5us', '--inline', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(readFileSync(out, 'utf8')) as { seed: number }).seed).toBe(1);
    // No temporary file left beside it.
    expect(readdirSync(join(dir, 'newdir', 'sub'))).toEqual(['r.json']);
  });

  it('sweep --report into the --failures folder, neither there yet: both written', async () => {
    const dir = testTempDir('npusim-out-newdir-sweep-');
    const rp = join(dir, 'rp');
    const r = await cli([
      'sweep',
      'stress',
      '--seeds',
      '1..2',
      '--duration',
      '5us',
      '--failures',
      rp,
      '--report',
      join(rp, 'rep.html'),
    ]);
    expect([0, 1], r.stderr).toContain(r.code);
    expect(r.stderr).toContain(`--report: written to \`${join(rp, 'rep.html')}\``);
    expect(readFileSync(join(rp, 'rep.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/i);
    expect(readdirSync(rp)).toContain('sweep-summary.json');
  });

  it('under a file is refused before the run, naming the file; nothing is made', async () => {
    const dir = testTempDir('npusim-out-under-file-');
    const file = join(dir, 'file.txt');
    writeFileSync(file, 'x');
    for (const out of [join(file, 'r.json'), join(file, 'a', 'b', 'r.json')]) {
      const r = await cli(['run', '--seed', '1', '--duration', '5us', '--inline', '--out', out]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        new RegExp(
          `^npusim: --out: Expected a writable file path, got \`${out}\`: \`${file}\` is (a file, )?not a directory`,
        ),
      );
    }
    expect(readdirSync(dir)).toEqual(['file.txt']);
  });

  it('under a folder that may not be written is refused, naming the path and that folder', () => {
    const dir = testTempDir('npusim-out-ro-');
    const out = join(dir, 'a', 'b', 'r.json');
    expect(refusal(() => checkOutputFiles([{ option: '--report', path: out }], readOnly))).toBe(
      `--report: Expected a writable file path, got \`${out}\`: no permission to write \`${dir}\` (EACCES)`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  // The same refusal from the command (exit 2): a folder with no storage refuses root too.
  it.skipIf(!existsSync('/proc/self'))('under /proc: exit 2 before the run, nothing made', async () => {
    const out = '/proc/npusim-no-such/sub/r.json';
    const r = await cli(['run', '--seed', '1', '--duration', '5us', '--inline', '--trace', out]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      `npusim: --trace: Expected a writable file path, got \`${out}\`: \`/proc\` is on a file system with no storage (such as /proc or /sys)`,
    );
  });

  it('a run refused after its outputs were checked makes no folder', async () => {
    const dir = testTempDir('npusim-out-refused-');
    const file = join(dir, 'file.txt');
    writeFileSync(file, 'x');
    // --out passes its check; --report, checked after it, is refused: the run never starts.
    const r = await cli([
      'run',
      '--seed',
      '1',
      '--duration',
      '5us',
      '--inline',
      '--out',
      join(dir, 'newdir', 'r.json'),
      '--report',
      join(file, 'r.html'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--report: Expected a writable file path');
    // And one refused by a check that comes after every output's (an unknown topology).
    const late = await cli([
      'run',
      '--seed',
      '1',
      '--duration',
      '5us',
      '--inline',
      '--topology',
      'no-such-topology',
      '--out',
      join(dir, 'newdir', 'r.json'),
    ]);
    expect(late.code).toBe(2);
    expect(readdirSync(dir)).toEqual(['file.txt']);
  });
});

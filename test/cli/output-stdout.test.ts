/**
 * An output file that is the command's own standard output is refused before the run (QA: `run
 * --json --out /dev/stdout` wrote two JSON documents to stdout and exited 0; `--trace
 * /dev/stdout` put the trace's bytes there). Children, so stdout is a real descriptor: a pipe, a
 * file it is redirected to, or /dev/null, which keeps nothing to mix.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { cliChild } from '../support/cli-child.js';
import { testTempDir } from '../support/temp-dir.js';

const run = ['run', 'mixed', '--seed', '1', '--duration', '5us', '--inline', '--no-failure-file'];

test('--out or --trace naming stdout (a pipe, or the file it is redirected to) is refused with exit 2 before the run; /dev/null passes', async () => {
  const piped = await cliChild([...run, '--json', '--out', '/dev/stdout']);
  expect(piped.code, piped.stderr).toBe(2);
  expect(piped.stdout).toBe('');
  expect(piped.stderr).toContain(
    "npusim: --out: Expected a file other than the command's standard output, got `/dev/stdout`, which is where the command prints its answer: the two would be one stream (for the result on standard output, use `--json` alone)",
  );
  const trace = await cliChild([...run, '--trace', '/dev/stdout']);
  expect(trace.code, trace.stderr).toBe(2);
  expect(trace.stderr).toContain("npusim: --trace: Expected a file other than the command's standard output");
  expect(trace.stderr).toContain('(name a file, or send standard output elsewhere)');

  const file = join(testTempDir('npusim-stdout-'), 'r.json');
  const redirected = await cliChild([...run, '--out', file], { stdoutTo: file });
  expect(redirected.code, redirected.stderr).toBe(2);
  expect(redirected.stderr).toContain(`got \`${file}\`, which is where the command prints its answer`);
  expect(readFileSync(file, 'utf8')).toBe('');
  // /dev/fd/1 is that file too: said so, not as a path with no storage (/dev/fd's words).
  const fd1 = await cliChild([...run, '--trace', '/dev/fd/1'], { stdoutTo: file });
  expect(fd1.code, fd1.stderr).toBe(2);
  expect(fd1.stderr).toContain(
    "npusim: --trace: Expected a file other than the command's standard output, got `/dev/fd/1`",
  );

  const discarded = await cliChild([...run, '--out', '/dev/null'], { stdoutTo: '/dev/null' });
  expect(discarded.code, discarded.stderr).toBe(0);
});

test('shrink, which has no --json, is told to name a file (QA: it was told to use --json)', async () => {
  const r = await cliChild(['shrink', 'no-such.json', '--out', '/dev/stdout']);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toContain("npusim: --out: Expected a file other than the command's standard output");
  expect(r.stderr).toContain('(name a file, or send standard output elsewhere)');
});

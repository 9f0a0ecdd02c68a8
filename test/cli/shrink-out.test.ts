/**
 * `npusim shrink --out FILE` where the write fails after the shrink (the path passed the check
 * made before it, as /dev/full does: writable, on a device statfs does not call full): the
 * shrink's table is still printed, stderr says the file was not written and why, and the exit is
 * 2, with no stack trace. Found by QA: the write's ENOSPC escaped as an unexpected error (exit 4),
 * and the table of the finished shrink was lost with it. And the default shrunk file is never
 * replaced by another shrink's (QA: a quick re-run replaced a long shrink's 26 events with 1201).
 */

import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, test } from 'vitest';
import { SOURCE_CLI_ENV } from '../support/cli-child.js';
import { testTempDir } from '../support/temp-dir.js';
import { cli, FAILING_RUN } from './cli-harness.js';

test.skipIf(!existsSync('/dev/full'))(
  'a shrunk file that cannot be written: the table stays, the exit is 2, no stack',
  async () => {
    const failures = testTempDir('npusim-shrink-out-');
    const run = await cli([...FAILING_RUN, '--stop-on-first', '--inline', '--failures', failures]);
    expect(run.code, run.stderr).toBe(1);
    const [name] = readdirSync(failures).filter((f) => f.endsWith('.json'));
    const r = await cli(['shrink', join(failures, name!), '--budget', '2', '--out', '/dev/full']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('before');
    expect(r.stdout).toContain('(the shrunk failure file was not written: above on stderr)');
    expect(r.stdout).not.toContain('npusim replay /dev/full');
    // Nor shrunk further from it (QA: `shrink it further with: npusim shrink /dev/full`).
    expect(r.stdout).not.toContain('npusim shrink /dev/full');
    expect(r.stderr).toContain('npusim: --out: could not write `/dev/full`');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // A note, wrapped as every note is (QA: 156 columns in one line).
    for (const line of r.stderr.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
  },
);

/** A failing run's failure file, alone in a fresh directory. */
async function failureFile(): Promise<{ failures: string; file: string }> {
  const failures = testTempDir('npusim-shrink-out-');
  const run = await cli([...FAILING_RUN, '--stop-on-first', '--inline', '--failures', failures]);
  expect(run.code, run.stderr).toBe(1);
  const [name] = readdirSync(failures).filter((f) => f.endsWith('.json'));
  return { failures, file: join(failures, name!) };
}

test('the default shrunk file keeps another shrink there (the next free name takes this one); the same result rewrites its own; --out replaces', async () => {
  const { failures, file } = await failureFile();
  const shrunk = file.replace(/\.json$/, '.shrunk.json');
  const second = file.replace(/\.json$/, '.shrunk-2.json');
  const long = await cli(['shrink', file, '--budget', '12']);
  expect(long.code, long.stderr).toBe(0);
  const best = readFileSync(shrunk, 'utf8');
  // A quicker shrink's result differs from the longer one's: it must not replace it.
  const quick = await cli(['shrink', file, '--budget', '1']);
  expect(quick.code, quick.stderr).toBe(0);
  expect(readFileSync(shrunk, 'utf8')).toBe(best);
  expect(readFileSync(second, 'utf8')).not.toBe(best);
  expect(quick.stderr).toContain(
    `npusim: ${shrunk} holds another shrink or file, which is kept; this shrunk file goes to ${second}`,
  );
  expect(quick.stdout).toContain(`npusim replay ${second}`);
  // The same shrink again lands on its own file and says nothing of names.
  const again = await cli(['shrink', file, '--budget', '12']);
  expect(again.stderr).not.toContain('holds another shrink');
  expect(
    readdirSync(failures)
      .filter((f) => f.includes('.shrunk'))
      .sort(),
  ).toEqual([shrunk, second].map((p) => p.slice(failures.length + 1)).sort());
  // Asked for by name, a file is replaced; another shrink's (a failure file) without a word.
  const asked = await cli(['shrink', file, '--budget', '1', '--out', shrunk]);
  expect(asked.code).toBe(0);
  expect(readFileSync(shrunk, 'utf8')).toBe(readFileSync(second, 'utf8'));
  expect(asked.stderr).not.toContain('it is replaced');
});

test('--out over a file that is not a failure file (a sweep summary, a text file) replaces it, and says what it held (QA F16)', async () => {
  const { failures, file } = await failureFile();
  const summary = join(failures, 'sum-copy.json');
  writeFileSync(summary, `${JSON.stringify({ format: 'npusim-sweep-summary', version: 2 })}\n`);
  const r = await cli(['shrink', file, '--budget', '1', '--out', summary]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toContain(
    `npusim: --out ${summary} held an npusim sweep summary (format \`npusim-sweep-summary\`: \`npusim sweep --merge\` takes it); it is replaced by the shrunk failure file\n`,
  );
  expect(JSON.parse(readFileSync(summary, 'utf8')).format).toBe('npusim-failure');
  const notes = join(failures, 'notes.txt');
  writeFileSync(notes, 'my notes\n');
  const t = await cli(['shrink', file, '--budget', '1', '--out', notes]);
  expect(t.stderr).toContain(
    `npusim: --out ${notes} held a file that is not an npusim failure file (9 characters); it is replaced by the shrunk failure file\n`,
  );
});

test('the default name taken by a directory, or by a link to the input, is passed over, not refused as --out (QA)', async () => {
  const { file } = await failureFile();
  const shrunk = file.replace(/\.json$/, '.shrunk.json');
  mkdirSync(shrunk);
  const r = await cli(['shrink', file, '--budget', '1']);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain(`npusim replay ${file.replace(/\.json$/, '.shrunk-2.json')}`);
  rmSync(shrunk, { recursive: true });
  const original = readFileSync(file, 'utf8');
  symlinkSync(file, shrunk);
  const linked = await cli(['shrink', file, '--budget', '1']);
  expect(linked.code, linked.stderr).toBe(0);
  expect(linked.stdout).toContain(`npusim replay ${file.replace(/\.json$/, '.shrunk-2.json')}`);
  expect(readFileSync(file, 'utf8')).toBe(original);
});

test('--out naming the topology file the failure file names is refused before the shrink, and the file is left as it was (QA: it was replaced, and the failure stopped replaying)', async () => {
  const dir = testTempDir('npusim-shrink-out-');
  const topology = join(dir, 'my-topology.json');
  copyFileSync(new URL('../../examples/my-topology.json', import.meta.url), topology);
  const failures = join(dir, 'f');
  const run = await cli([
    ...FAILING_RUN,
    '--stop-on-first',
    '--inline',
    '--topology',
    topology,
    '--failures',
    failures,
  ]);
  expect(run.code, run.stderr).toBe(1);
  const [name] = readdirSync(failures).filter((f) => f.endsWith('.json'));
  const file = join(failures, name!);
  const spec = readFileSync(topology, 'utf8');
  const r = await cli(['shrink', file, '--budget', '2', '--out', topology]);
  expect(r.code).toBe(2);
  // One message, wrapped as the terminal's width asks: read with its lines joined.
  expect(r.stderr.replace(/\n\s*/g, ' ')).toBe(
    `npusim: --out: Expected a file other than the command's input, got \`${topology}\`, which the failure file's topology (${file}: topology.file) reads Run \`npusim shrink --help\` for usage. `,
  );
  expect(r.stdout).toBe('');
  expect(readFileSync(topology, 'utf8')).toBe(spec);
});

test("a failure file read from a pipe, or redirected to /dev/stdin, is shrunk to the current directory under the failure's own name (QA: /dev/stdin.shrunk.json went into /dev)", async () => {
  const { file } = await failureFile();
  const here = testTempDir('npusim-shrink-pipe-');
  const shrink = (input: string) =>
    spawnSync('bash', ['-c', `exec "$NODE" "$CLI" shrink ${input} --budget 2`], {
      cwd: here,
      env: { ...process.env, F: file, NODE: process.execPath, CLI: process.env[SOURCE_CLI_ENV] ?? '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
  for (const input of ['/dev/stdin < "$F"', '<(cat "$F")']) {
    const r = shrink(input);
    expect(r.status, r.stderr).toBe(0);
    const written = readdirSync(here);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^flush-race-seed1-order\.atsd-released-early-[0-9a-f]{8}\.shrunk\.json$/);
    expect(r.stdout).toContain(`replay it with:\nnpusim replay ${written[0]}\n`);
  }
});

test('a failure file whose default shrunk name would pass 255 bytes is refused before the shrink, naming --out FILE (QA: refused as too long after the whole budget)', async () => {
  const { file } = await failureFile();
  const long = join(testTempDir('npusim-shrink-long-'), `${'f'.repeat(245)}.json`);
  copyFileSync(file, long);
  const r = await cli(['shrink', long, '--budget', '1']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(
    `Expected a name the file system takes (at most 255 bytes), got \`${'f'.repeat(245)}.shrunk.json\` (257 bytes, the failure file's with \`.shrunk.json\`): name the shrunk file with --out FILE`,
  );
  // Refused before any run: no opening line.
  expect(r.stderr).not.toContain('npusim: shrinking');
  const named = await cli(['shrink', long, '--budget', '1', '--out', join(dirname(long), 'short.json')]);
  expect(named.code, named.stderr).toBe(0);
});

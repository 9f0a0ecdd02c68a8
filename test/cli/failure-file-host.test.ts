/**
 * The same failure run on another host rewrites its failure file (same name, same digest), which
 * then replays on that host: said on stderr, not silent (QA65 F3).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { unwrapped } from '../fixtures/unwrapped.js';
import { testTempDir } from '../support/temp-dir.js';
import { cli } from './cli-harness.js';

const RUN = ['run', 'flush-race', '--bug', 'single-flush', '--seed', '1', '--duration', '30us'];

test('a threaded run after an inline one of the same failure says it replaced the inline file; the same host again says nothing', async () => {
  const dir = testTempDir('npusim-host-replaced-');
  const inline = await cli([...RUN, '--inline', '--failures', dir]);
  expect(inline.code, inline.stderr).toBe(1);
  expect(inline.stderr).not.toContain('npusim: replaced');
  const [name] = readdirSync(dir);
  const path = join(dir, name!);
  const threaded = await cli([...RUN, '--workers', '2', '--failures', dir]);
  expect(threaded.code, threaded.stderr).toBe(1);
  expect(readdirSync(dir)).toEqual([name]);
  expect(unwrapped(threaded.stderr, 8)).toContain(
    `npusim: replaced ${path}: it recorded --inline; this run's --workers 2 is kept instead (same digest)\n`,
  );
  // Wrapped at 100 columns, as every note (QA: 173 columns); the path itself is never broken.
  const note = threaded.stderr.slice(threaded.stderr.indexOf('npusim: replaced')).split('\n').slice(0, 3);
  expect(note.filter((l) => !l.includes(path)).every((l) => l.length <= 100)).toBe(true);
  expect(note[1]).toMatch(/^ {8}\S/);
  expect(JSON.parse(readFileSync(path, 'utf8')).options).toMatchObject({ host: 'threaded', workers: '2' });
  const again = await cli([...RUN, '--workers', '2', '--failures', dir, '--json']);
  expect(again.stderr).not.toContain('npusim: replaced');
  // --json names the file the stderr line does (QA: a script had to read stderr for it).
  expect((JSON.parse(again.stdout) as { failureFile: unknown }).failureFile).toBe(path);
  expect(again.stderr).toContain(`npusim replay ${path}\n`);
});

test('a crash run again on another host says it replaced the file as the same crash, not by a digest it has none of (QA)', async () => {
  const dir = testTempDir('npusim-host-crash-');
  const crash = [
    'run',
    'stress',
    '--seed',
    '1',
    '--duration',
    '20us',
    '--crash-at',
    'gpu0:50',
    '--failures',
    dir,
  ];
  const inline = await cli([...crash, '--inline']);
  expect(inline.code, inline.stderr).toBe(4);
  const [name] = readdirSync(dir);
  const threaded = await cli([...crash, '--workers', '2']);
  expect(threaded.code, threaded.stderr).toBe(4);
  expect(readdirSync(dir)).toEqual([name]);
  expect(unwrapped(threaded.stderr, 8)).toContain(
    `npusim: replaced ${join(dir, name!)}: it recorded --inline; this run's --workers 2 is kept instead (the same crash)\n`,
  );
});

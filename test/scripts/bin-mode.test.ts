/**
 * The build makes the package's bins executable (scripts/bin-mode.ts): tsc writes them without
 * the execute bit, and `npx npusim` ran `sh: 1: npusim: Permission denied` where npm had linked
 * the bin before it existed (QA).
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { makeBinsExecutable } from '../../scripts/bin-mode.js';
import { testTempDir } from '../support/temp-dir.js';

test('each bin gets execute wherever it may be read; the other bits are kept', () => {
  const root = testTempDir('npusim-bin-mode-');
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ bin: { a: 'dist/a.js', b: 'dist/b.js' } }));
  writeFileSync(join(root, 'dist/a.js'), '#!/usr/bin/env node\n', { mode: 0o644 });
  writeFileSync(join(root, 'dist/b.js'), '#!/usr/bin/env node\n', { mode: 0o600 });
  expect(makeBinsExecutable(root)).toEqual(['dist/a.js', 'dist/b.js']);
  expect(statSync(join(root, 'dist/a.js')).mode & 0o777).toBe(0o755);
  expect(statSync(join(root, 'dist/b.js')).mode & 0o777).toBe(0o700);
});

test('the build runs it, after tsc writes the bins', async () => {
  const pkg = (await import('../../package.json', { with: { type: 'json' } })).default as {
    scripts: { build: string };
  };
  const steps = pkg.scripts.build.split(' && ');
  expect(steps.indexOf('tsx scripts/bin-mode.ts')).toBeGreaterThan(
    steps.findIndex((s) => s.startsWith('tsc ')),
  );
});

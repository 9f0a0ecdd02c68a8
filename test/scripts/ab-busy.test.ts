/**
 * scripts/ab-busy.mjs (an A/B of `--workers 2` between two builds with other processes running):
 * its arguments are checked before anything starts, exit 2 naming what was expected and what
 * arrived (a real A/B takes minutes of runs; bench/README.md "On a busy machine" quotes one).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const root = mkdtempSync(join(tmpdir(), 'npusim-ab-busy-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A stand-in dist/ with an engine file (never run: every case here is refused first). */
function fakeDist(name: string, withLoad: boolean): string {
  const dist = join(root, name);
  mkdirSync(join(dist, 'src', 'runtime'), { recursive: true });
  writeFileSync(join(dist, 'src', 'runtime', 'engine.js'), 'throw new Error("not to be run");\n');
  if (withLoad) {
    mkdirSync(join(dist, 'bench'), { recursive: true });
    writeFileSync(join(dist, 'bench', 'background-load.js'), 'throw new Error("not to be run");\n');
  }
  return dist;
}

const withLoad = fakeDist('with-load', true);
const withoutLoad = fakeDist('without-load', false);

function abBusy(args: string[]) {
  return spawnSync(process.execPath, ['scripts/ab-busy.mjs', ...args], { encoding: 'utf8', timeout: 30_000 });
}

describe('scripts/ab-busy.mjs arguments', () => {
  test.each([
    [[], 'expected A_DIST'],
    [[withLoad], 'expected B_DIST'],
    [[root, withLoad], 'expected A_DIST to be a build'],
    [[withLoad, withoutLoad], 'expected B_DIST to hold bench/background-load.js'],
    [[withLoad, withLoad, 'x'], 'expected rounds to be a whole number from 1, got `x`'],
    [[withLoad, withLoad, '6', '17'], 'expected background to be a whole number from 0 to 16, got `17`'],
  ])('%j: exit 2 before anything runs, naming what was expected', (args, message) => {
    const r = abBusy(args as string[]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('usage: node scripts/ab-busy.mjs');
    expect(r.stdout).toBe('');
  });
});

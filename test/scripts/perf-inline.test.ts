/**
 * scripts/perf-inline.mjs (where an inline run spends its time, under Linux perf): its arguments
 * are checked before anything runs, each refusal naming what was expected and what arrived, exit 2.
 * The profile itself needs `perf` and seconds of run; it is a tool, not tested here.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

// A stand-in for a build's dist/: the script only checks that src/cli/main.js is there.
const fakeDist = mkdtempSync(join(tmpdir(), 'npusim-perf-inline-'));
mkdirSync(join(fakeDist, 'src', 'cli'), { recursive: true });
writeFileSync(join(fakeDist, 'src', 'cli', 'main.js'), 'throw new Error("not to be run");\n');
afterAll(() => rmSync(fakeDist, { recursive: true, force: true }));

function perfInline(args: string[]) {
  return spawnSync(process.execPath, ['scripts/perf-inline.mjs', ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('scripts/perf-inline.mjs arguments', () => {
  test.each([
    [['/nonexistent'], "expected DIST to be a build's dist/ directory", '`/nonexistent`'],
    [['test', '6ms'], "expected DIST to be a build's dist/ directory", '`test`'],
    [[fakeDist, '6 ms'], 'expected a duration such as 6ms or 500us', '`6 ms`'],
    [[fakeDist, 'soon'], 'expected a duration such as 6ms or 500us', '`soon`'],
    [[fakeDist, '6ms', '0'], 'expected top to be an integer from 1 to 500', '`0`'],
    [[fakeDist, '6ms', 'many'], 'expected top to be an integer from 1 to 500', '`many`'],
  ])('%j is refused before anything runs', (args, expected, got) => {
    const r = perfInline(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(expected);
    expect(r.stderr).toContain(got);
    expect(r.stderr).toContain('usage: node scripts/perf-inline.mjs');
  });
});

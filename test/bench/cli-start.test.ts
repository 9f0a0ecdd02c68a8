/**
 * The CLI start-up bench (bench/cli-start.ts): its options are refused before anything runs (exit
 * 2, naming what was expected and what arrived), a baseline without a built CLI is refused, and a
 * timed command that fails ends the bench with its exit and stderr instead of a time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { UsageError } from '../../bench/bench-run.js';
import { baselineRoot, timedRun } from '../../bench/cli-start.js';
import { expectBenchRefusal } from '../support/bench-refusal.js';
import { testTempDir } from '../support/temp-dir.js';

/** A stand-in checkout whose `dist/src/cli/main.js` is `body`. */
function standIn(body: string): string {
  const root = testTempDir('npusim-cli-bench-');
  mkdirSync(join(root, 'dist/src/cli'), { recursive: true });
  writeFileSync(join(root, 'dist/src/cli/main.js'), body);
  return root;
}

describe('cli bench', () => {
  test.each([
    [['--runs', '0'], 'Expected `--runs` to be a whole number from 1 to 1000, got `0`'],
    [['--runs', 'many'], 'Expected `--runs` to be a whole number from 1 to 1000, got `many`'],
    [['--baseline', '/nonexistent/npusim'], 'Expected `--baseline` to name a checkout holding a built CLI'],
    [['--baseline', ''], 'Expected `--baseline` to name a directory, got an empty string'],
    [['--lengths', '1ms'], 'Unknown option `--lengths` for benchmark cli'],
  ])('bench cli %j: exit 2 before anything runs', (args, message) => {
    expectBenchRefusal('cli', args, message);
  });

  test('a baseline checkout is taken only with its built CLI', () => {
    const empty = testTempDir('npusim-cli-bench-empty-');
    expect(() => baselineRoot(empty)).toThrow(UsageError);
    expect(() => baselineRoot(empty)).toThrow(`got \`${empty}\` without it`);
    const built = standIn('');
    expect(baselineRoot(built)).toBe(built);
  });

  test('a run is timed from spawn to exit; a failing one throws with its exit and stderr', () => {
    const ok = standIn('process.exit(0);\n');
    expect(timedRun(ok, ['--help'])).toBeGreaterThan(0);
    const failing = standIn("process.stderr.write('no such command\\n'); process.exit(3);\n");
    expect(() => timedRun(failing, ['topo'])).toThrow(/main\.js topo` in .* exited 3:\nno such command/);
  });
});

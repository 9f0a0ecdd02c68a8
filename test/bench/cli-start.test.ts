/**
 * The CLI start-up bench (bench/cli-start.ts): its options are refused before anything runs (exit
 * 2, naming what was expected and what arrived), a baseline without a built CLI is refused, and a
 * timed command that fails ends the bench with its exit and stderr instead of a time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { UsageError } from '../../bench/bench-run.js';
import { baselineRoot, checkBaseline, timedRun } from '../../bench/cli-start.js';
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
    const cwd = testTempDir('npusim-cli-bench-cwd-');
    const ok = standIn('process.exit(0);\n');
    expect(timedRun(ok, ['--help'], cwd)).toBeGreaterThan(0);
    const failing = standIn("process.stderr.write('no such command\\n'); process.exit(3);\n");
    expect(() => timedRun(failing, ['topo'], cwd)).toThrow(/main\.js topo` in .* exited 3:\nno such command/);
  });

  /** A stand-in of 622ba01's CLI: prints its version, refuses options it does not know (as `--no-failure-file`). */
  const OLD_CLI =
    'const a = process.argv.slice(2);\n' +
    "if (a[0] === '--version') { console.log('npusim 0.1.0'); process.exit(0); }\n" +
    "const bad = a.find((w) => w === '--no-failure-file' || w === '--nosuch');\n" +
    "if (bad !== undefined) { console.error('Expected an option of npusim run, got ' + bad); process.exit(2); }\n";

  test('a baseline is checked before any timing: an npusim build that takes every timed command', () => {
    const cwd = testTempDir('npusim-cli-bench-cwd-');
    // 622ba01 takes the commands (no `--no-failure-file`, which it refuses).
    const old = standIn(OLD_CLI);
    expect(() => checkBaseline(old, old, cwd)).not.toThrow();
    // Any main.js is not an npusim build.
    const fake = standIn('process.exit(0);\n');
    expect(() => checkBaseline(fake, fake, cwd)).toThrow(UsageError);
    expect(() => checkBaseline(fake, fake, cwd)).toThrow(
      `Expected \`--baseline\` ${fake} to be an npusim build (\`dist/src/cli/main.js --version\` printing its version), got no output`,
    );
    // A build that refuses a timed command is named with that command and its stderr.
    const refusing = standIn(
      `${OLD_CLI}if (a[0] === 'list') { console.error('no list here'); process.exit(2); }\n`,
    );
    expect(() => checkBaseline(refusing, refusing, cwd)).toThrow(
      `Expected the baseline ${refusing} to take \`npusim list\`, got exit 2:\nno list here`,
    );
  });

  test('bench cli --baseline FAKE: exit 2 naming the baseline, before any timing', () => {
    const fake = standIn('process.exit(0);\n');
    expectBenchRefusal(
      'cli',
      ['--baseline', fake, '--runs', '1'],
      `Expected \`--baseline\` ${fake} to be an npusim build`,
    );
  });
});

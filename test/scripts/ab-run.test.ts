/**
 * scripts/ab-run.mjs (an A/B of two builds through `npusim run`): its arguments are checked before
 * anything runs, exit 2 naming what was expected and what arrived; a refusal of the run's own
 * arguments is passed on as exit 2; the medians, the ratio and the digest check work on stand-in
 * builds whose `src/cli/main.js` prints a fixed result (a real A/B takes minutes of runs).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const root = mkdtempSync(join(tmpdir(), 'npusim-ab-run-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * A stand-in dist/ whose CLI prints a run result with `eventsPerSecond` and `digest`, refuses
 * `--duration bad` as npusim does (exit 2), and records that it was given `--json`.
 */
function fakeDist(name: string, eventsPerSecond: number, digest: string): string {
  const dist = join(root, name);
  mkdirSync(join(dist, 'src', 'cli'), { recursive: true });
  writeFileSync(
    join(dist, 'src', 'cli', 'main.js'),
    `const args = process.argv.slice(2);
if (args.includes('bad')) { process.stderr.write('npusim: --duration: Expected a duration, got \`bad\`\\n'); process.exit(2); }
if (args[0] !== 'run' || !args.includes('--json')) { process.stderr.write('expected run ... --json\\n'); process.exit(9); }
process.stdout.write(JSON.stringify({ eventDigest: ${JSON.stringify(digest)}, engine: { eventsPerSecond: ${eventsPerSecond} } }));
`,
  );
  return dist;
}

const slow = fakeDist('slow', 100_000, 'aaaa');
const fast = fakeDist('fast', 150_000, 'aaaa');
const other = fakeDist('other', 150_000, 'bbbb');

function abRun(args: string[]) {
  return spawnSync(process.execPath, ['scripts/ab-run.mjs', ...args], { encoding: 'utf8', timeout: 30_000 });
}

describe('scripts/ab-run.mjs', () => {
  test.each([
    [[slow, fast, '3', 'stress'], 'expected `--` and then the arguments of `npusim run`', '`'],
    [
      ['/nonexistent', fast, '--', 'stress'],
      "expected A_DIST to be a build's dist/ directory",
      '`/nonexistent`',
    ],
    [[slow, 'test', '--', 'stress'], "expected B_DIST to be a build's dist/ directory", '`test`'],
    [[slow, fast, '0', '--', 'stress'], 'expected rounds to be a whole number from 1 to 1000', '`0`'],
    [[slow, fast, 'many', '--', 'stress'], 'expected rounds to be a whole number from 1 to 1000', '`many`'],
    [[slow, fast, '3', '--'], 'expected the arguments of `npusim run` after `--`', 'got none'],
    [[slow, fast, '3', '--', 'stress', '--json'], 'expected RUN_ARGS without --json', '`--json`'],
  ])('%j is refused before anything runs', (args, expected, got) => {
    const r = abRun(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(expected);
    expect(r.stderr).toContain(got);
    expect(r.stderr).toContain('usage: node scripts/ab-run.mjs');
    expect(r.stdout).not.toContain('round 1');
  });

  test("run arguments npusim refuses end the A/B with exit 2 and npusim's own message", () => {
    const r = abRun([slow, fast, '3', '--', 'stress', '--duration', 'bad']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('`npusim run` refused RUN_ARGS (exit 2)');
    expect(r.stderr).toContain('--duration: Expected a duration, got `bad`');
    expect(r.stdout).not.toContain('round 1');
  });

  test('each round runs both builds; medians, B over A and the one digest are printed', () => {
    const r = abRun([slow, fast, '3', '--', 'stress', '--seed', '1']);
    expect(r.status).toBe(0);
    expect(r.stdout.match(/^round \d: A 100\.0k {2}B 150\.0k events\/s$/gm)).toHaveLength(3);
    expect(r.stdout).toContain('median 100.0k events/s (100.0k 100.0k 100.0k)');
    expect(r.stdout).toContain('median 150.0k events/s (150.0k 150.0k 150.0k)');
    expect(r.stdout).toContain('B/A: 1.500 (medians), paired 1.500');
    expect(r.stdout).toContain('event digest aaaa in every run');
  });

  test('builds whose runs give different digests are refused as an A/B (exit 1, naming both)', () => {
    const r = abRun([slow, other, '2', '--', 'stress']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('expected one event digest for every run');
    expect(r.stderr).toMatch(/aaaa \(A1 A2\)/);
    expect(r.stderr).toMatch(/bbbb \(B1 B2\)/);
    expect(r.stdout).not.toContain('B/A:');
  });
});

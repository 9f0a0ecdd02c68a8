/**
 * The bench dispatcher's help (bench/main.ts): `--help` or `-h`, alone or after a benchmark's
 * name, is a request, not an error: usage on stdout, exit 0. After a name it prints only that
 * benchmark: its options and what its columns mean. The ring bench's `--runs` is checked like the
 * other benches' (exit 2 before any run).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { expectBenchRefusal } from '../support/bench-refusal.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function bench(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['--import', 'tsx', 'bench/main.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 50_000,
  });
}

describe('bench help', () => {
  test('bench nosuch --help: the name is refused as one, exit 2, not a list of every benchmark', () => {
    const r = bench(['nosuch', '--help']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Expected a benchmark name, got `nosuch`');
  });

  test.each([[['--help']], [['-h']]])('bench %j: every benchmark listed, exit 0', (args) => {
    const r = bench(args);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('usage: node dist/bench/main.js NAME');
    for (const name of ['ring', 'engine', 'startup', 'cli', 'bound', 'sweep', 'explore']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    }
  });

  test.each([[['engine', '--help']], [['engine', '-h']], [['engine', '--runs', '3', '--help']]])(
    'bench %j: only the engine bench, its options and columns, exit 0',
    (args) => {
      const r = bench(args);
      expect(r.status).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('usage: node dist/bench/main.js engine');
      expect(r.stdout).toMatch(/^ {2}--lengths LIST +simulated lengths/m);
      expect(r.stdout).toMatch(/^columns:\n {2}host: inline/m);
      expect(r.stdout).not.toContain('ringbuf.js');
    },
  );

  test('bench ring --help names --runs', () => {
    const r = bench(['ring', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ {2}--runs N +rounds of the 16 cases/m);
  });

  test.each([
    [['--runs', '0'], 'Expected `--runs` to be a whole number from 1 to 100, got `0`'],
    [['--runs'], 'Expected a value after `--runs`, got none'],
    [['--lengths', '1ms'], 'Unknown option `--lengths` for benchmark ring; it takes --runs'],
  ])('bench ring %j: exit 2 before any run', (args, message) => {
    expectBenchRefusal('ring', args, message);
  });
});

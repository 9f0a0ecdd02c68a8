/**
 * The startup bench's `--threads all|kept` (bench/startup.ts): a value outside the list, or none,
 * is refused before any run (exit 2, naming what was expected and what arrived).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('startup bench options', () => {
  test.each([
    [['--threads', 'fresh'], 'Expected `--threads` to be one of all, kept, got `fresh`'],
    [['--threads', 'KEPT'], 'Expected `--threads` to be one of all, kept, got `KEPT`'],
    [['--threads'], 'Expected a value after `--threads`, got none'],
    [['--threads', 'kept', '--runs', '0'], '`--runs`'],
  ])('startup %j: exit 2 before any run, naming the option', (args, message) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/main.ts', 'startup', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 50_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });
});

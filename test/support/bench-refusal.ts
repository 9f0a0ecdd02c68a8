/**
 * A benchmark's bad options, checked as a user meets them: `node bench/main.ts NAME ARGS` (through
 * tsx, from the repository root) exits 2 before anything runs, printing nothing on stdout and
 * `message` on stderr.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function expectBenchRefusal(bench: string, args: readonly string[], message: string): void {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/main.ts', bench, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 50_000,
  });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain(message);
  expect(r.stdout).toBe('');
}

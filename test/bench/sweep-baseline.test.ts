/**
 * The sweep bench's `--baseline DIR` (bench/sweep.ts): a directory that holds no build with sweeps,
 * or one whose modules lack what the bench calls, is refused before any sweep runs (exit 2, naming
 * what was expected and what arrived).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { UsageError } from '../../bench/bench-run.js';
import { loadBaselineSweep } from '../../bench/sweep.js';
import { expectBenchRefusal } from '../support/bench-refusal.js';
import { testTempDir } from '../support/temp-dir.js';

/** A stand-in build whose three modules export `sweepExports` (sweep.js) and the rest in full. */
function standIn(sweepExports: string): string {
  const root = testTempDir('npusim-sweep-bench-');
  for (const dir of ['dist/src/sweep', 'dist/src/cli', 'dist/src/runtime'])
    mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, 'package.json'), '{"type":"module"}\n');
  writeFileSync(join(root, 'dist/src/sweep/sweep.js'), sweepExports);
  writeFileSync(
    join(root, 'dist/src/cli/scenario-config.js'),
    'export function findWorkload() {}\nexport function scenarioConfig() {}\n',
  );
  writeFileSync(
    join(root, 'dist/src/runtime/workload-registry.js'),
    'export async function loadWorkloads() {}\n',
  );
  return root;
}

describe('sweep bench baseline', () => {
  test('sweep bench --baseline: refused without a build with sweeps, or with one lacking runSweep', async () => {
    const missing = join(testTempDir('npusim-sweep-bench-none-'), 'nowhere');
    await expect(loadBaselineSweep(missing)).rejects.toThrow(UsageError);
    await expect(loadBaselineSweep(missing)).rejects.toThrow(
      `holding a build with sweeps (dist/src/sweep/sweep.js; build it with \`npm run build\`), got \`${missing}\` without it`,
    );
    await expect(loadBaselineSweep('  ')).rejects.toThrow(
      'Expected `--baseline` to name a directory, got an empty string',
    );
    const old = standIn('export const somethingElse = 1;\n');
    await expect(loadBaselineSweep(old)).rejects.toThrow(`got none for runSweep`);
    const built = standIn('export async function runSweep() {}\n');
    await expect(loadBaselineSweep(built)).resolves.toHaveProperty('runSweep');
  });

  test('sweep bench --baseline nowhere: exit 2 before any sweep runs', () => {
    expectBenchRefusal(
      'sweep',
      ['--baseline', '/nonexistent/npusim', '--seeds', '1'],
      'Expected `--baseline` to name a directory holding a build with sweeps',
    );
  });
});

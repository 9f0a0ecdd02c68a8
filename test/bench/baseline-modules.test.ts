/**
 * The engine and startup benches' `--baseline DIR` (bench/baseline-modules.ts, shared with sweep):
 * a build whose modules do not load, lack an export the bench calls, or whose workloads do not
 * load is refused before anything is measured (exit 2, naming the baseline, the module and what
 * was missing), never a TypeError or SyntaxError stack trace (exit 4).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadBaselineModules } from '../../bench/baseline-modules.js';
import { UsageError } from '../../bench/bench-run.js';
import { loadBaseline } from '../../bench/engine.js';
import { loadStartupBaseline } from '../../bench/startup.js';
import { expectBenchRefusal } from '../support/bench-refusal.js';
import { testTempDir } from '../support/temp-dir.js';

const ENGINE = 'dist/src/runtime/engine.js';
const REGISTRY = 'dist/src/runtime/workload-registry.js';

/** A stand-in build whose engine.js and workload-registry.js are `engine` and `registry`. */
function standIn(engine: string, registry: string): string {
  const root = testTempDir('npusim-bench-baseline-');
  mkdirSync(join(root, 'dist/src/runtime'), { recursive: true });
  writeFileSync(join(root, 'package.json'), '{"type":"module"}\n');
  writeFileSync(join(root, ENGINE), engine);
  writeFileSync(join(root, REGISTRY), registry);
  return root;
}

const RUN_RAW = 'export async function runRaw() {}\n';
const WORKLOADS = "export async function loadWorkloads() { return new Map([['stress', { params: {} }]]); }\n";

describe('bench baseline modules', () => {
  test('a baseline whose modules export nothing: refused naming each missing export and its module', async () => {
    const empty = standIn('export {};\n', 'export {};\n');
    for (const load of [() => loadBaseline(empty), () => loadStartupBaseline(empty)]) {
      await expect(load()).rejects.toThrow(UsageError);
      await expect(load()).rejects.toThrow(
        `Expected the baseline ${empty} to export runRaw, loadWorkloads, got none for runRaw (${ENGINE}), loadWorkloads (${REGISTRY})`,
      );
    }
  });

  test('a half-written module: refused naming the module and its SyntaxError', async () => {
    const half = standIn('export async function runRaw( {\n', WORKLOADS);
    await expect(loadBaseline(half)).rejects.toThrow(UsageError);
    await expect(loadBaseline(half)).rejects.toThrow(`Expected the baseline ${half}'s ${ENGINE} to load`);
  });

  test('bench engine --baseline with a half-written module: exit 2 naming its SyntaxError', () => {
    const half = standIn('export async function runRaw( {\n', WORKLOADS);
    expectBenchRefusal(
      'engine',
      ['--baseline', half, '--lengths', '20us', '--runs', '1', '--warmup', '0'],
      `Expected the baseline ${half}'s ${ENGINE} to load (an older build; build it with \`npx tsc -p tsconfig.build.json\`), got SyntaxError`,
    );
  });

  test("a baseline whose workloads do not load, or lack the bench's: refused", async () => {
    const throwing = standIn(
      RUN_RAW,
      "export async function loadWorkloads() { throw new Error('no registry'); }\n",
    );
    await expect(loadBaseline(throwing)).rejects.toThrow(
      `${throwing}'s loadWorkloads() (${REGISTRY}) to work, got Error: no registry`,
    );
    const notMap = standIn(RUN_RAW, 'export async function loadWorkloads() { return []; }\n');
    await expect(loadBaseline(notMap)).rejects.toThrow('not a Map');
    const built = standIn(RUN_RAW, WORKLOADS);
    await expect(loadBaseline(built, 'nosuch')).rejects.toThrow('to have workload `nosuch`, got none');
    await expect(loadBaseline(built)).resolves.toEqual({ run: expect.any(Function), params: {} });
    await expect(loadStartupBaseline(built)).resolves.toMatchObject({ WorkerSet: undefined });
  });

  test('a worker-set module without WorkerSet: refused by startup', async () => {
    const root = standIn(RUN_RAW, WORKLOADS);
    writeFileSync(join(root, 'dist/src/runtime/worker-set.js'), 'export const other = 1;\n');
    await expect(loadStartupBaseline(root)).rejects.toThrow(
      'got none for WorkerSet (dist/src/runtime/worker-set.js)',
    );
  });

  test('the shared helper: an absent module is named with how to build it', async () => {
    const root = testTempDir('npusim-bench-baseline-none-');
    await expect(
      loadBaselineModules(root, { holding: 'a thing', buildWith: 'make', modules: { 'a.js': ['f'] } }),
    ).rejects.toThrow(`holding a thing (a.js; build it with \`make\`), got \`${root}\` without it`);
  });

  test.each([
    ['engine', ['--lengths', '20us', '--runs', '1', '--warmup', '0']],
    ['startup', ['--runs', '1']],
  ])('bench %s --baseline with empty modules: exit 2 before anything runs', (bench, args) => {
    const empty = standIn('export {};\n', 'export {};\n');
    expectBenchRefusal(
      bench,
      ['--baseline', empty, ...args],
      `Expected the baseline ${empty} to export runRaw`,
    );
  });
});

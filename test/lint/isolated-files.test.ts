/**
 * Which test files run in a process of their own (test/isolated-files.ts): every file that needs
 * one is on the list, and the list names only files that exist. A file that replaces a module and
 * is left off the list passes alone and fails beside others, where the module was imported before
 * it, unreplaced: this test names it instead.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { ISOLATED_TEST_FILES, NEEDS_ISOLATION } from '../isolated-files.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...testFiles(path));
    else if (e.name.endsWith('.test.ts')) out.push(relative(ROOT, path));
  }
  return out;
}

describe('test files that need a process of their own', () => {
  test('each file that replaces a module, spies, stubs or counts its process threads is isolated', () => {
    const need = testFiles(join(ROOT, 'test'))
      .filter((f) => f !== 'test/lint/isolated-files.test.ts')
      .filter((f) => NEEDS_ISOLATION.test(readFileSync(join(ROOT, f), 'utf8')))
      .sort();
    expect(need.length).toBeGreaterThan(0);
    expect(need.filter((f) => !ISOLATED_TEST_FILES.includes(f))).toEqual([]);
  });

  test('the list names test files that exist and need it, each once', () => {
    expect(ISOLATED_TEST_FILES.filter((f) => !existsSync(join(ROOT, f)))).toEqual([]);
    // A file on the list that no longer needs it only costs its fresh process: said here.
    expect(
      ISOLATED_TEST_FILES.filter((f) => !NEEDS_ISOLATION.test(readFileSync(join(ROOT, f), 'utf8'))),
    ).toEqual([]);
    expect(new Set(ISOLATED_TEST_FILES).size).toBe(ISOLATED_TEST_FILES.length);
  });

  test('what marks a file', () => {
    expect(NEEDS_ISOLATION.test("vi.mock('../../src/runtime/engine.js')")).toBe(true);
    expect(NEEDS_ISOLATION.test('const f = vi.fn(() => 1);')).toBe(true);
    expect(NEEDS_ISOLATION.test('expect(liveWorkerCount()).toBe(0);')).toBe(true);
    expect(NEEDS_ISOLATION.test('const v = vision.mocked;')).toBe(false);
  });
});

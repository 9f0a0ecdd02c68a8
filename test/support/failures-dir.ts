/**
 * The temporary directory the failure files of a test file's in-process runs go to (cli-harness.ts
 * `withTestFailuresDir`), removed after each file (per-file-setup.ts). Apart from the harness, so
 * that the setup every file runs imports no more than this.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the failure files of this test process's runs go. `run` and `sweep` write a failing run's
 * file into `npusim-failures/` of the working directory unless told otherwise, and the tests run
 * in the checkout: without this, every failing run a test provokes would leave a file there.
 */
let failuresDir: string | undefined;

export function testFailuresDir(): string {
  if (failuresDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'npusim-test-failures-'));
    failuresDir = dir;
  }
  return failuresDir;
}

/**
 * Removes the directory, after each test file (per-file-setup.ts): where test files share a
 * process (test/isolated-files.ts), this module is imported once for all of them, so a hook
 * registered at its top would run after the first file only.
 */
export function removeTestFailuresDir(): void {
  if (failuresDir !== undefined) rmSync(failuresDir, { recursive: true, force: true });
  failuresDir = undefined;
}

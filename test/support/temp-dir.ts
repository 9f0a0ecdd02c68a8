/**
 * A temporary directory for one test, removed when that test finishes, pass or fail: tests that
 * write failure files, workload files or topologies leave nothing behind in the machine's /tmp.
 * Call it inside a test (vitest's onTestFinished belongs to the running test); a directory a whole
 * file shares is made at the top and removed in afterAll instead.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

export function testTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

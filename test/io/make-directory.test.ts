/**
 * makeDirectory, `mkdir -p` that always ends (src/io/make-directory.ts). Node's recursive mkdir
 * spins for ever where an existing directory answers ENOENT for a new child (procfs): QA's
 * `sweepWorkload(w, { failuresDir: '/proc/x' })` held a core with no word. That case runs in a
 * child process with a time-out, so a return of the spin fails this test instead of holding the
 * suite's worker.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeDirectory } from '../../src/io/make-directory.js';
import { tsxEsmApiUrl } from '../../src/runtime/worker-url.js';
import { testTempDir } from '../support/temp-dir.js';

/** The errno code `f` throws (fails the test if it throws none). */
function codeOf(f: () => void): string | undefined {
  try {
    f();
  } catch (e) {
    return (e as NodeJS.ErrnoException).code;
  }
  throw new Error('expected makeDirectory to refuse the path');
}

describe('makeDirectory', () => {
  it('makes a directory and its missing parents, and leaves one that is there', () => {
    const dir = testTempDir('npusim-mkdir-');
    const deep = join(dir, 'a', 'b', 'c');
    makeDirectory(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    writeFileSync(join(deep, 'kept'), 'x');
    makeDirectory(deep);
    makeDirectory(join(dir, 'a'));
    expect(existsSync(join(deep, 'kept'))).toBe(true);
  });

  it('refuses a file, a path under a file and a path through a symbolic link to nothing, as mkdir does', () => {
    const dir = testTempDir('npusim-mkdir-bad-');
    const file = join(dir, 'file');
    writeFileSync(file, '');
    expect(codeOf(() => makeDirectory(file))).toBe('EEXIST');
    expect(codeOf(() => makeDirectory(join(file, 'sub', 'deeper')))).toBe('ENOTDIR');
    const dangling = join(dir, 'dangling');
    symlinkSync(join(dir, 'nowhere'), dangling);
    // mkdir meets the link (EEXIST), which leads nowhere (ENOENT): refused either way, at once.
    expect(['EEXIST', 'ENOENT']).toContain(codeOf(() => makeDirectory(join(dangling, 'sub'))));
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
    mkdirSync(join(dir, 'ok'));
    expect(() => makeDirectory(join(dir, 'ok'))).not.toThrow();
  });

  it.skipIf(!existsSync('/proc/self'))(
    'refuses a new directory under /proc at once (ENOENT), where Node spun for ever',
    () => {
      const script =
        `const { tsImport } = await import(${JSON.stringify(tsxEsmApiUrl())});` +
        `const m = await tsImport(${JSON.stringify(pathToFileURL(join(process.cwd(), 'src/io/make-directory.ts')).href)}, import.meta.url);` +
        "try { m.makeDirectory('/proc/npusim-make-directory/sub'); console.log('made'); } catch (e) { console.log(e.code); }";
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.error, r.stderr).toBeUndefined();
      expect(r.stdout.trim(), r.stderr).toBe('ENOENT');
    },
  );
});

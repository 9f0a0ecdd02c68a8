import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { keepTsxCacheInMemoryIfUnwritable, tsxCacheDir } from '../../src/runtime/tsx-cache.js';
import { tsxEsmApiUrl } from '../../src/runtime/worker-url.js';

const dir = mkdtempSync(join(tmpdir(), 'npusim-tsx-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A TMPDIR no one can make a directory in, root included: a path through a regular file.
const file = join(dir, 'a-file');
writeFileSync(file, '');
const badTmp = join(file, 'tmp');

/** Import a small .ts module through tsx's tsImport in a fresh process with `env`. */
function tsImportIn(env: NodeJS.ProcessEnv): { status: number | null; stderr: string } {
  const ts = join(dir, 'w.ts');
  writeFileSync(ts, 'const n: number = 41;\nexport default n + 1;\n');
  const script =
    `const { tsImport } = await import(${JSON.stringify(tsxEsmApiUrl())});` +
    `const m = await tsImport(${JSON.stringify(pathToFileURL(ts).href)}, import.meta.url);` +
    'if ((m.default?.default ?? m.default) !== 42) process.exit(3);';
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

describe('tsx cache under an unwritable TMPDIR', () => {
  test('tsx itself refuses a .ts module when its cache directory cannot be made', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: badTmp };
    delete env.TSX_DISABLE_CACHE;
    const r = tsImportIn(env);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/ENOTDIR|EACCES/);
  });

  test('with the cache kept in memory, the same module loads', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: badTmp };
    delete env.TSX_DISABLE_CACHE;
    expect(keepTsxCacheInMemoryIfUnwritable(env, join(badTmp, 'tsx-0'))).toBe(true);
    expect(env.TSX_DISABLE_CACHE).toBe('1');
    expect(tsImportIn(env)).toEqual({ status: 0, stderr: '' });
  });

  test('a writable cache directory leaves tsx its disk cache', () => {
    const env: NodeJS.ProcessEnv = {};
    expect(keepTsxCacheInMemoryIfUnwritable(env, join(dir, 'tsx-cache'))).toBe(false);
    expect(env.TSX_DISABLE_CACHE).toBeUndefined();
  });

  test("the directory is tsx's own: tsx-UID under os.tmpdir()", () => {
    expect(tsxCacheDir()).toBe(join(tmpdir(), `tsx-${process.geteuid?.()}`));
  });
});

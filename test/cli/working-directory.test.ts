/**
 * A working directory removed under the shell: refused before a command resolves a path or starts
 * a thread, exit 2 (QA: `uv_cwd` and exit 4, a lost worker thread when threaded).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { checkWorkingDirectory } from '../../src/cli/working-directory.js';
import { ConfigError } from '../../src/core/errors.js';
import { SOURCE_CLI_ENV } from '../support/cli-child.js';
import { testTempDir } from '../support/temp-dir.js';
import { thrownBy } from '../support/thrown.js';

describe('the working directory', () => {
  test('one that was removed is said as such; one that exists passes', () => {
    const gone = () => {
      throw Object.assign(new Error('ENOENT: no such file or directory, uv_cwd'), { code: 'ENOENT' });
    };
    const e = thrownBy(ConfigError, () => checkWorkingDirectory(gone));
    expect(e.message).toBe(
      'working directory: Expected the directory the command was started in to exist, got one that was removed (ENOENT): `cd` to a directory that exists and run the command again',
    );
    expect(() => checkWorkingDirectory()).not.toThrow();
  });

  test('a command started in a removed directory exits 2 with that line, on either host; `list` still runs', () => {
    const dir = join(testTempDir('npusim-cwd-'), 'gone');
    const npusim = (args: string) =>
      spawnSync('sh', ['-c', `mkdir "$D" && cd "$D" && rmdir "$D" && exec "$NODE" "$CLI" ${args}`], {
        env: { ...process.env, D: dir, NODE: process.execPath, CLI: process.env[SOURCE_CLI_ENV] ?? '' },
        encoding: 'utf8',
        timeout: 60_000,
      });
    for (const host of ['--inline', '--workers 2']) {
      const r = npusim(`run --seed 1 --duration 1us --no-failure-file ${host}`);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(
        /^npusim: working directory: Expected the directory the command was started in to exist, got one that was removed \(ENOENT\)/,
      );
    }
    const list = npusim('list');
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toContain('workloads:');
  });
});

/**
 * `npusim replay FILE` and `npusim shrink FILE` read FILE bounded: a device without end
 * (/dev/zero) or a file over 512 MiB (the most npusim writes) is refused with exit 2, never read whole (replay read
 * /dev/zero for ever, and shrink had no limit at all), and a path that is no file says what it is.
 */
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { MAX_FAILURE_FILE_BYTES, readFailureFileText } from '../../src/io/failure-file-text.js';
import { cli } from '../cli/cli-harness.js';
import { testTempDir } from '../support/temp-dir.js';

describe('failure file text: bounded, and every unreadable path named', () => {
  test.skipIf(!existsSync('/dev/zero'))(
    'a device without end is refused once 512 MiB arrived, by replay and by shrink',
    async () => {
      for (const command of ['replay', 'shrink']) {
        const r = await cli([command, '/dev/zero']);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(
          `npusim: /dev/zero: Expected a failure file of at most ${MAX_FAILURE_FILE_BYTES} bytes (512 MiB, the most npusim writes), got more than that`,
        );
      }
    },
  );

  test('a regular file over the limit is refused by its size, before it is read', () => {
    const path = join(testTempDir('npusim-text-'), 'big.json');
    // Sparse: no disk is used, and a read of it would take seconds.
    const fd = openSync(path, 'w');
    ftruncateSync(fd, MAX_FAILURE_FILE_BYTES + 1);
    closeSync(fd);
    expect(() => readFailureFileText(path)).toThrow(
      `${path}: Expected a failure file of at most ${MAX_FAILURE_FILE_BYTES} bytes (512 MiB, the most npusim writes), got ${MAX_FAILURE_FILE_BYTES + 1} bytes`,
    );
  });

  test('a directory and a missing file say what they are', () => {
    const dir = testTempDir('npusim-text-');
    mkdirSync(join(dir, 'd'));
    expect(() => readFailureFileText(join(dir, 'd'))).toThrow(
      `${join(dir, 'd')}: Expected a readable failure file, got a directory`,
    );
    expect(() => readFailureFileText(join(dir, 'none.json'))).toThrow(
      `${join(dir, 'none.json')}: Expected a readable failure file, got no such file (ENOENT)`,
    );
  });
});

/**
 * `replayFailureFile` and `shrinkFailureFile` read a failure file on their caller's thread, so a
 * pipe or a device is refused before it is opened: a FIFO with no writer held the caller's event
 * loop for 30 s (QA), where `loadWorkloadFile` refuses one at once.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { replayFailureFile, shrinkFailureFile } from '../../src/index.js';
import { testTempDir } from '../support/temp-dir.js';

const hasFifo = process.platform === 'linux' && existsSync('/usr/bin/mkfifo');

describe('a failure file that is a stream, given to the library', () => {
  test.runIf(hasFifo)('a named FIFO is refused at once, naming it and what to do', async () => {
    const path = join(testTempDir('npusim-api-fifo-'), 'f.json');
    execFileSync('mkfifo', [path]);
    for (const call of [() => replayFailureFile(path), () => shrinkFailureFile(path)]) {
      await expect(call()).rejects.toThrow(
        `${path}: Expected a failure file that is a regular file (a library call reads it on your thread, which a pipe could hold for 30 s: read it yourself and pass its text), got a pipe`,
      );
    }
  });

  test('a device is refused as one; a missing path is still refused by the read, by name', async () => {
    await expect(replayFailureFile('/dev/null')).rejects.toThrow(
      '/dev/null: Expected a failure file that is a regular file',
    );
    const missing = join(testTempDir('npusim-api-fifo-'), 'missing.json');
    await expect(replayFailureFile(missing)).rejects.toThrow(missing);
    await expect(replayFailureFile(missing)).rejects.not.toThrow('regular file');
  });
});

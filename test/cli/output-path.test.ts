/**
 * The check of the files a run will write (output-path.ts), on the paths whose reason was
 * misnamed: a directory that exists but takes no new files (/proc), and a file system with no
 * storage at all, which statfs reports with no free blocks, but which is not a full device.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkOutputDir, checkOutputPath } from '../../src/cli/output-path.js';

function refusal(check: () => void): string {
  try {
    check();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the path to be refused');
}

describe('output paths: the reason given is the real one', () => {
  it.skipIf(!existsSync('/proc/self'))(
    'a new file in /proc: the directory refuses it, it is not missing',
    () => {
      const m = refusal(() => checkOutputPath('/proc/npusim-out.json', '--out'));
      // Before: "directory `/` does not exist (ENOENT)".
      expect(m).not.toContain('does not exist');
      expect(m).toContain(
        'Expected a writable file path, got `/proc/npusim-out.json`: `/proc` does not let a new file be created in it (ENOENT)',
      );
    },
  );

  it('a file system with no blocks at all is said to have no storage, a full one to be full', () => {
    const dir = process.cwd();
    const noStorage = { statfs: () => ({ bavail: 0, blocks: 0 }) };
    const full = { statfs: () => ({ bavail: 0, blocks: 1000 }) };
    expect(refusal(() => checkOutputDir(dir, '--failures', noStorage))).toContain(
      `\`${dir}\` is on a file system with no storage (such as /proc or /sys)`,
    );
    expect(refusal(() => checkOutputDir(dir, '--failures', full))).toContain(
      `the device holding \`${dir}\` is full`,
    );
    // A statfs that gives no block count (as a test's fake may): no free blocks is a full device.
    expect(refusal(() => checkOutputDir(dir, '--failures', { statfs: () => ({ bavail: 0 }) }))).toContain(
      'is full',
    );
  });
});

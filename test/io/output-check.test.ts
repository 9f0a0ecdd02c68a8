/**
 * The check of a path npusim will write (src/io/output-check.ts), shared by the command line's
 * outputs and the library's (`failuresDir`, `out`, the trace and report paths). A directory the
 * user may not write into is refused naming the option and the path as given (QA: the library let
 * a read-only failures directory by, and lost every failure file). A refusal by file mode cannot
 * be made here (CI runs as root), so the test gives the check an `accessWrite` that refuses.
 */
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { checkOutputDir, checkOutputPath, type OutputFs } from '../../src/io/output-check.js';
import { testTempDir } from '../support/temp-dir.js';

/** An fs whose access(W_OK) refuses every path as a read-only directory does (EACCES), with room. */
const READ_ONLY: OutputFs = {
  statfs: () => ({ bavail: 100, blocks: 100 }),
  accessWrite: () => {
    throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
  },
};

/** The ConfigError `f` throws (fails the test if it throws none, or anything else). */
function refusal(f: () => void): ConfigError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected the check to refuse the path');
}

describe('checkOutputDir', () => {
  it('refuses an existing directory that may not be written, and a new one under it, naming the option and the path given', () => {
    const dir = testTempDir('npusim-output-check-');
    const ro = join(dir, 'ro2');
    mkdirSync(ro);
    expect(refusal(() => checkOutputDir(ro, 'failuresDir', READ_ONLY)).message).toBe(
      `failuresDir: Expected a directory to write files into, got \`${ro}\`: no permission to write \`${ro}\` (EACCES)`,
    );
    const below = join(ro, 'a', 'b');
    expect(refusal(() => checkOutputDir(below, '--failures', READ_ONLY)).message).toBe(
      `--failures: Expected a directory to write files into, got \`${below}\`: no permission to write \`${ro}\` (EACCES)`,
    );
    // Writable and with room, the same directory passes.
    expect(() => checkOutputDir(ro, 'failuresDir', { statfs: () => ({ bavail: 1 }) })).not.toThrow();
  });

  it('refuses a directory on a full device', () => {
    const dir = testTempDir('npusim-output-check-full-');
    expect(refusal(() => checkOutputDir(dir, 'failuresDir', { statfs: () => ({ bavail: 0 }) })).message).toBe(
      `failuresDir: Expected a directory to write files into, got \`${dir}\`: the device holding \`${dir}\` is full`,
    );
  });
});

describe('checkOutputPath', () => {
  it('refuses an existing file that may not be written, naming the option and the path given', () => {
    const dir = testTempDir('npusim-output-check-file-');
    const file = join(dir, 'small.json');
    writeFileSync(file, '{}');
    expect(refusal(() => checkOutputPath(file, 'out', READ_ONLY)).message).toBe(
      `out: Expected a writable file path, got \`${file}\`: no permission to write \`${file}\` (EACCES)`,
    );
    expect(readFileSync(file, 'utf8')).toBe('{}');
    expect(() => checkOutputPath(file, 'out', { statfs: () => ({ bavail: 1 }) })).not.toThrow();
  });

  it('refuses a writable file in a directory that takes no new file: it is replaced through one beside it, and in place a failed write would cut it (QA)', () => {
    const dir = testTempDir('npusim-output-check-dir-');
    const file = join(dir, 'o.json');
    writeFileSync(file, '{"precious":"old result"}');
    const dirOnly: OutputFs = {
      statfs: () => ({ bavail: 100, blocks: 100 }),
      accessWrite: (p) => {
        if (p === dir) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      },
    };
    expect(refusal(() => checkOutputPath(file, '--out', dirOnly)).message).toBe(
      `--out: Expected a writable file path, got \`${file}\`: no permission to write \`${dir}\` (EACCES): npusim replaces a file through a new one beside it, so that a failed write leaves the old one whole`,
    );
    expect(readFileSync(file, 'utf8')).toBe('{"precious":"old result"}');
    // A sticky directory (/tmp's mode) takes no rename over another user's file: refused as well.
    const sticky = join(dir, 'sticky');
    mkdirSync(sticky, { mode: 0o1777 });
    chmodSync(sticky, 0o1777);
    const theirs = join(sticky, 'r.json');
    writeFileSync(theirs, '{}');
    const asOther: OutputFs = { statfs: () => ({ bavail: 100 }), uid: () => 65534 };
    expect(refusal(() => checkOutputPath(theirs, '--out', asOther)).message).toBe(
      `--out: Expected a writable file path, got \`${theirs}\`: \`${sticky}\` is a sticky directory, and the file is another user's (uid ${statSync(theirs).uid}): npusim replaces a file through a new one beside it, which such a directory refuses (EPERM)`,
    );
    // Its owner (the test's user) may.
    expect(() => checkOutputPath(theirs, '--out', { statfs: () => ({ bavail: 100 }) })).not.toThrow();
    // A device is written in place, whatever its directory: /dev/null passes.
    expect(() =>
      checkOutputPath('/dev/null', '--out', {
        ...dirOnly,
        accessWrite: (p) => dirOnly.accessWrite!(p === '/dev' ? dir : p),
      }),
    ).not.toThrow();
  });
});

/**
 * Every file a user names on the command line (a failure file, a run result, a sweep summary, a
 * topology file, a file of seeds) is read bounded (src/cli/bounded-file.ts): a device without end
 * is refused once the limit has arrived, a FIFO nobody writes to reads as empty, a pipe whose writer
 * never writes is given up after a quiet spell, and a directory is named as one; each is exit 2
 * naming the path, never a hang, an abort or a stack trace. Found by QA: `compare /dev/zero`
 * aborted the process (std::bad_alloc), `replay FIFO` and `--topology FIFO` hung, and `sweep
 * --merge` of a directory named like a summary exited 4 with EISDIR's stack.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { BoundedFileError, readBoundedFile, readBoundedText } from '../../src/cli/bounded-file.js';
import { testTempDir } from '../support/temp-dir.js';
import { cli } from './cli-harness.js';

/** A named FIFO in a fresh folder (mkfifo(1): Node has no mkfifo of its own). */
function fifo(): string {
  const path = join(testTempDir('npusim-fifo-'), 'f.json');
  execFileSync('mkfifo', [path]);
  return path;
}

function refusal(read: () => unknown): BoundedFileError {
  try {
    read();
  } catch (e) {
    expect(e).toBeInstanceOf(BoundedFileError);
    return e as BoundedFileError;
  }
  throw new Error('the read was not refused');
}

const hasFifo = process.platform === 'linux' && existsSync('/usr/bin/mkfifo');

describe('readBoundedFile', () => {
  test('a regular file is read whole; a directory, a missing path and a file over the limit are refused', () => {
    const dir = testTempDir('npusim-bounded-');
    const file = join(dir, 'a.json');
    writeFileSync(file, '{"a": 1}');
    expect(readBoundedText(file, 8)).toBe('{"a": 1}');
    expect(refusal(() => readBoundedText(file, 7))).toMatchObject({ got: '8 bytes', tooLarge: true });
    expect(refusal(() => readBoundedFile(dir, 100))).toMatchObject({ got: 'a directory', tooLarge: false });
    expect(refusal(() => readBoundedFile(join(dir, 'none'), 100)).got).toBe('no such file (ENOENT)');
  });

  test.skipIf(!existsSync('/dev/zero'))(
    'a device without end is refused once more than the limit arrived',
    () => {
      expect(refusal(() => readBoundedFile('/dev/zero', 3 << 20))).toMatchObject({
        got: 'more than that',
        tooLarge: true,
      });
    },
  );

  test.skipIf(!hasFifo)('a FIFO nobody writes to reads as empty, at once', () => {
    expect(readBoundedText(fifo(), 100)).toBe('');
  });

  test.skipIf(!hasFifo)(
    'a FIFO whose writer never writes is given up after the quiet spell asked for',
    () => {
      const path = fifo();
      // Opened for reading and writing, this test holds a writer that never writes.
      const writer = openSync(path, 'r+');
      try {
        expect(refusal(() => readBoundedText(path, 100, 50)).got).toBe(
          'nothing to read for 0.05 s from a pipe or device (is anything writing to it?)',
        );
        // Text that came, from a writer that then stays silent without closing: still given up.
        writeFileSync(writer, '{"b": 2}');
        expect(refusal(() => readBoundedText(path, 100, 50)).got).toContain('nothing to read for 0.05 s');
      } finally {
        closeSync(writer);
      }
    },
  );
});

describe('the commands that read a user file: exit 2 naming it', () => {
  test('sweep --merge of a directory named like a shard summary', async () => {
    const dir = testTempDir('npusim-merge-dir-');
    const inside = join(dir, 'sweep-summary-1-of-2.json');
    mkdirSync(inside);
    const r = await cli(['sweep', '--merge', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`npusim: ${inside}: Expected a readable sweep summary, got a directory`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test.skipIf(!existsSync('/dev/zero'))('compare, topo and --seeds @FILE of /dev/zero', async () => {
    const dir = testTempDir('npusim-zero-');
    const result = join(dir, 'a.json');
    writeFileSync(result, '{}');
    const compared = await cli(['compare', '/dev/zero', result]);
    expect(compared.code).toBe(2);
    expect(compared.stderr).toContain(
      'npusim: /dev/zero: Expected a run result file (npusim run --out FILE) (a few hundred KB), got more than 67108864 bytes',
    );
    const topo = await cli(['topo', '/dev/zero']);
    expect(topo.code).toBe(2);
    expect(topo.stderr).toContain(
      'Expected a topology file of at most 1048576 bytes, got `/dev/zero` of more bytes than that',
    );
    const seeds = await cli(['sweep', 'mixed', '--duration', '1us', '--seeds', '@/dev/zero']);
    expect(seeds.code).toBe(2);
    expect(seeds.stderr).toContain(
      'npusim: --seeds @/dev/zero: Expected a file of seeds of at most 4194304 bytes, got more than that',
    );
  });

  test.skipIf(!hasFifo)(
    'replay and --topology of a FIFO nobody writes to: refused as empty, not waited on',
    async () => {
      const path = fifo();
      const replay = await cli(['replay', path]);
      expect(replay.code).toBe(2);
      expect(replay.stderr).toContain(`npusim: ${path}: Expected a JSON failure file, got a syntax error`);
      const run = await cli(['run', 'mixed', '--inline', '--duration', '1us', '--topology', path]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`npusim: ${path}: Expected JSON, got a syntax error`);
    },
  );
});

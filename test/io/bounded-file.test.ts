/**
 * Every file a user names on the command line (a failure file, a run result, a sweep summary, a
 * topology file, a file of seeds) is read bounded (src/io/bounded-file.ts): a device without end
 * is refused once the limit has arrived, a named FIFO is read from a writer that comes after the
 * read began, a pipe whose writer never writes (or never comes) is given up after a quiet spell, an
 * empty pipe that already had its writer is empty at once, and a directory is named as one; each
 * refusal is exit 2 naming the path, never a hang, an abort or a stack trace. Found by QA:
 * `compare /dev/zero` aborted the process (std::bad_alloc), `replay FIFO` and `--topology FIFO`
 * hung, and `sweep --merge` of a directory named like a summary exited 4 with EISDIR's stack.
 * The writing side of a pipe (src/io/pipe-write.ts) is here too: `run --out FIFO` with no reader
 * hung past its summary, SIGTERM and all (QA).
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import {
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { BoundedFileError, onPipeWait, readBoundedFile, readBoundedText } from '../../src/io/bounded-file.js';
import { PipeWriteError, writeToPipe } from '../../src/io/pipe-write.js';
import { cli } from '../cli/cli-harness.js';
import { ROOT } from '../support/cli-child.js';
import { testTempDir } from '../support/temp-dir.js';

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

  test.skipIf(!hasFifo)(
    'a named FIFO nobody opens for writing is waited on for the quiet spell, then refused',
    () => {
      expect(refusal(() => readBoundedText(fifo(), 100, 50)).got).toBe(
        'nothing to read for 0.05 s from a pipe or device (is anything writing to it?)',
      );
    },
  );

  test.skipIf(!hasFifo)(
    'a wait of a second with nothing is told once, naming the path and the limit (QA: 30 s of silence)',
    () => {
      const path = fifo();
      const told: [string, number][] = [];
      onPipeWait((p, limit) => told.push([p, limit]));
      try {
        expect(refusal(() => readBoundedText(path, 100, 1100)).got).toContain('nothing to read for 1.1 s');
        expect(told).toEqual([[path, 1100]]);
        // A quiet spell shorter than a second is not told.
        told.length = 0;
        refusal(() => readBoundedText(path, 100, 50));
        expect(told).toEqual([]);
      } finally {
        onPipeWait(undefined);
      }
    },
  );

  test.skipIf(!hasFifo)(
    'a link to a named FIFO is waited on as the FIFO is (QA: it read as empty at once)',
    () => {
      const path = fifo();
      const link = `${path}.link`;
      symlinkSync(path, link);
      expect(refusal(() => readBoundedText(link, 100, 50)).got).toBe(
        'nothing to read for 0.05 s from a pipe or device (is anything writing to it?)',
      );
    },
  );

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
      'npusim: --seeds @/dev/zero: Expected a file of seeds of at most 4 MiB, got more than that',
    );
  });

  test.skipIf(!hasFifo)(
    'replay of a named FIFO whose writer opens it only after the command did: its text is read',
    async () => {
      const path = fifo();
      // The writer, a process of its own (this thread is busy in the command's read), opens the
      // FIFO only once it sees the command holding it open (in /proc/PID/fd): from the command's
      // open until then, the command reads end of file, which it must not take for empty text.
      // What the writer sends is a list, refused as one (exit 2), which shows its text was read.
      const waitThenWrite =
        'i=0; until ls -l "/proc/$2/fd" 2>/dev/null | grep -qF -- "$1"; do ' +
        'i=$((i + 1)); [ "$i" -gt 1500 ] && exit 3; sleep 0.01; done; printf "[1]" > "$1"';
      const writer = spawn('/bin/sh', ['-c', waitThenWrite, 'sh', path, String(process.pid)], {
        stdio: 'ignore',
        timeout: 20_000,
      });
      const wrote = new Promise<number | null>((resolve) => writer.on('exit', resolve));
      const replay = await cli(['replay', path]);
      expect(await wrote).toBe(0);
      expect(replay.code).toBe(2);
      expect(replay.stderr).toContain(
        `npusim: ${path}: Expected a failure file (a JSON object of format \`npusim-failure\`), got a list`,
      );
    },
  );

  test.skipIf(!hasFifo || !existsSync('/bin/bash'))(
    'an empty pipe that had its writer (bash <(...)): refused as empty text, at once',
    async () => {
      // The pipe is reached through /dev/fd, a link: its writer was there from the start, so its
      // end of file is the end and nothing is waited for.
      const command = `"${process.execPath}" --import tsx src/cli/main.ts replay <(true)`;
      const run = promisify(execFile)('/bin/bash', ['-c', command], { cwd: ROOT, timeout: 50_000 });
      const failed = await run.then(
        () => undefined,
        (e: { code: number; stderr: string }) => e,
      );
      expect(failed?.code).toBe(2);
      expect(failed?.stderr).toMatch(
        /npusim: \/dev\/fd\/\d+: Expected a JSON failure file, got a syntax error/,
      );
    },
  );
});

describe('writeToPipe', () => {
  test.skipIf(!hasFifo)(
    'a pipe nobody reads is given up after the idle limit (ENXIO), not waited on for ever',
    () => {
      const path = fifo();
      let thrown: unknown;
      try {
        writeToPipe(path, 'x', 50);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(PipeWriteError);
      expect((thrown as PipeWriteError).code).toBe('ENXIO');
      expect((thrown as Error).message).toContain('no process opened the pipe');
    },
  );

  test.skipIf(!hasFifo)(
    'a reader gets every byte; one that reads nothing once the pipe is full is given up (EAGAIN)',
    () => {
      const path = fifo();
      // A reader that is there before the write (a non-blocking open of the read end needs no writer).
      const reader = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
      try {
        writeToPipe(path, '{"a": 1}\n', 50);
        const got = Buffer.alloc(64);
        expect(got.subarray(0, readSync(reader, got)).toString()).toBe('{"a": 1}\n');
        // More than any pipe holds (64 KiB on Linux), and the reader takes none of it.
        let thrown: unknown;
        try {
          writeToPipe(path, Buffer.alloc(4 << 20), 50);
        } catch (e) {
          thrown = e;
        }
        expect(thrown).toBeInstanceOf(PipeWriteError);
        expect((thrown as PipeWriteError).code).toBe('EAGAIN');
        expect((thrown as Error).message).toMatch(/took nothing for 0\.05 s \(EAGAIN; \d+ of 4194304 bytes/);
      } finally {
        closeSync(reader);
      }
    },
  );
});

/**
 * Writing a file a user named that is a pipe, not a regular file (`--out fifo` after `mkfifo
 * fifo`, or `--out >(jq .)`, whose /dev/fd/63 is a link to an anonymous pipe), so that it never
 * hangs the command. A plain open of a FIFO for writing blocks until some process opens it to
 * read, for ever if none will, and a plain write blocks while the pipe is full and its reader
 * takes nothing; either way the main thread sat in a system call where no signal handler runs (QA:
 * `npusim run --out fifo` printed its summary and then hung, SIGTERM and all, until killed).
 *
 * So the pipe is opened without blocking, and every wait sleeps in short steps (never spins),
 * bounded as the reading side is (bounded-file.ts IDLE_LIMIT_MS): no reader yet (ENXIO) is
 * waited for, and so is a full pipe (EAGAIN), each up to the limit of time in which nothing moved;
 * past it the write throws a PipeWriteError whose `code` is the errno that kept it waiting and
 * whose message says so. It is not checked before a run: opening a FIFO's write end to see
 * whether anyone reads it, and closing it again, hands a reader already waiting (`cat fifo`) its
 * end of file, so the check would end the very reader the run is for.
 */
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { IDLE_LIMIT_MS } from './bounded-file.js';

const SLEEP_MS = 5;

export class PipeWriteError extends Error {
  constructor(
    readonly code: 'ENXIO' | 'EAGAIN',
    message: string,
  ) {
    super(message);
  }
}

/** Write `data` whole into the pipe at `path`, waiting (bounded) for a reader and for room. */
export function writeToPipe(path: string, data: string | Uint8Array, idleLimitMs = IDLE_LIMIT_MS): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let nap: Int32Array | undefined;
  // A sleep: Atomics.wait on a word of this thread's own that nobody notifies times out after
  // SLEEP_MS (a synchronous write has no event loop to wait in; nothing is shared).
  const sleep = () => {
    nap ??= new Int32Array(new SharedArrayBuffer(4));
    Atomics.wait(nap, 0, 0, SLEEP_MS);
  };
  let fd: number | undefined;
  for (let idleMs = 0; fd === undefined; idleMs += SLEEP_MS) {
    try {
      fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENXIO') throw e;
      if (idleMs >= idleLimitMs)
        throw new PipeWriteError(
          'ENXIO',
          `no process opened the pipe \`${path}\` to read it within ${idleLimitMs / 1000} s (ENXIO)`,
        );
      sleep();
    }
  }
  try {
    let done = 0;
    let idleMs = 0;
    while (done < bytes.length) {
      let n = 0;
      try {
        n = writeSync(fd, bytes, done, bytes.length - done);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      }
      if (n > 0) {
        done += n;
        idleMs = 0;
        continue;
      }
      if (idleMs >= idleLimitMs)
        throw new PipeWriteError(
          'EAGAIN',
          `the process reading the pipe \`${path}\` took nothing for ${idleLimitMs / 1000} s (EAGAIN; ${done} of ${bytes.length} bytes written)`,
        );
      sleep();
      idleMs += SLEEP_MS;
    }
  } finally {
    closeSync(fd);
  }
}

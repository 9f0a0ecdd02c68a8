/**
 * The text of a failure file named on the command line (`npusim replay FILE`, `npusim shrink FILE`):
 * read whole, or refused with a ConfigError naming the file and the reason (exit 2). What the text
 * must hold is src/repro/failure-file.ts's to check.
 *
 * The read is bounded: a failure file is a few KiB (a choice log or a take log can make it larger),
 * so more than MAX_FAILURE_FILE_BYTES is refused, a regular file by its size before anything is
 * read, anything else (a pipe, `<(...)`, a device such as /dev/zero) once that much has arrived,
 * so no path can make the command read for ever.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { errnoText } from '../core/errno-text.js';
import { ConfigError } from '../core/errors.js';

export const MAX_FAILURE_FILE_BYTES = 64 << 20;

const CHUNK_BYTES = 1 << 20;

export function readFailureFileText(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw unreadable(path, e);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new ConfigError(path, 'Expected a readable failure file, got a directory');
    if (stat.isFile() && stat.size > MAX_FAILURE_FILE_BYTES) throw tooLarge(path, `${stat.size} bytes`);
    const chunks: Buffer[] = [];
    let total = 0;
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (n === 0) break;
      total += n;
      if (total > MAX_FAILURE_FILE_BYTES) throw tooLarge(path, 'more than that');
      chunks.push(Buffer.from(buffer.subarray(0, n)));
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw unreadable(path, e);
  } finally {
    closeSync(fd);
  }
}

function tooLarge(path: string, got: string): ConfigError {
  return new ConfigError(
    path,
    `Expected a failure file of at most ${MAX_FAILURE_FILE_BYTES} bytes (64 MiB), got ${got}`,
  );
}

function unreadable(path: string, e: unknown): ConfigError {
  return new ConfigError(path, `Expected a readable failure file, got ${errnoText(e)}`);
}

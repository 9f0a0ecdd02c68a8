/**
 * The text of a failure file named on the command line (`npusim replay FILE`, `npusim shrink FILE`):
 * read whole, or refused with a ConfigError naming the file and the reason (exit 2). What the text
 * must hold is src/repro/failure-file.ts's to check.
 *
 * The read is bounded: a failure file is a few KiB (a choice log or a take log can make it larger),
 * so more than MAX_FAILURE_FILE_BYTES is refused, a regular file by its size before anything is
 * read, anything else (a pipe, `<(...)`, a device such as /dev/zero) once that much has arrived,
 * so no path can make the command read for ever; nor wait for ever (bounded-file.ts).
 *
 * The bound is the most npusim can write: a failure file is written as one string
 * (JSON.stringify), and V8's longest string is 2^29 - 24 characters, just under 512 MiB. A free
 * run's take log grows with its events (900 kB per simulated ms of `mixed` with a 100 ns window),
 * and with a 64 MiB bound a free run of about 75 ms wrote a failure file its replay refused: its
 * race, in no seed, was lost (QA).
 */
import { readUserText } from './bounded-file.js';

export const MAX_FAILURE_FILE_BYTES = 512 << 20;

export function readFailureFileText(path: string): string {
  return readUserText(path, MAX_FAILURE_FILE_BYTES, {
    field: path,
    tooLarge: (got) =>
      `Expected a failure file of at most ${MAX_FAILURE_FILE_BYTES} bytes (512 MiB, the most npusim writes), got ${got}`,
    unreadable: (got) => `Expected a readable failure file, got ${got}`,
  });
}

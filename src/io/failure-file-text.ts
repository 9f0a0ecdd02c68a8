/**
 * The text of a failure file named on the command line (`npusim replay FILE`, `npusim shrink FILE`):
 * read whole, or refused with a ConfigError naming the file and the reason (exit 2). What the text
 * must hold is src/repro/failure-file.ts's to check.
 *
 * The read is bounded: a failure file is a few KiB (a choice log or a take log can make it larger),
 * so more than MAX_FAILURE_FILE_BYTES is refused, a regular file by its size before anything is
 * read, anything else (a pipe, `<(...)`, a device such as /dev/zero) once that much has arrived,
 * so no path can make the command read for ever; nor wait for ever (bounded-file.ts).
 */
import { readUserText } from './bounded-file.js';

export const MAX_FAILURE_FILE_BYTES = 64 << 20;

export function readFailureFileText(path: string): string {
  return readUserText(path, MAX_FAILURE_FILE_BYTES, {
    field: path,
    tooLarge: (got) =>
      `Expected a failure file of at most ${MAX_FAILURE_FILE_BYTES} bytes (64 MiB), got ${got}`,
    unreadable: (got) => `Expected a readable failure file, got ${got}`,
  });
}
